import { Module } from '@nestjs/common';
import { BankAccountsModule } from '../../bank-accounts/bank-accounts.module';
import { FundsModule } from '../../funds/funds.module';
import { WebModule } from '../../web/web.module';
import { BankReconciliationPageController } from './bank-reconciliation-page.controller';
import { BankReconciliationPageService } from './bank-reconciliation-page.service';
import { BankReconciliationController } from './bank-reconciliation.controller';
import { BankReconciliationRepository } from './bank-reconciliation.repository';
import { BankReconciliationService } from './bank-reconciliation.service';

/**
 * Bank-to-ledger reconciliation, read-only: a bank account's statement balance against its cash
 * on the ledger as of a date, with the reconciling items (JSON, CSV and a page).
 */
@Module({
  imports: [FundsModule, BankAccountsModule, WebModule],
  controllers: [BankReconciliationController, BankReconciliationPageController],
  providers: [
    BankReconciliationService,
    BankReconciliationRepository,
    BankReconciliationPageService,
  ],
  exports: [BankReconciliationService],
})
export class BankReconciliationModule {}
