import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { FundsModule } from '../funds/funds.module';
import { RatesModule } from '../rates/rates.module';
import { BalancesRepository } from './balances.repository';
import { BalancesService } from './balances.service';
import { JournalRepository } from './journal.repository';
import { JournalService } from './journal.service';
import { LedgerController } from './ledger.controller';
import { LedgerService } from './ledger.service';
import { PeriodsRepository } from './periods.repository';
import { PeriodsService } from './periods.service';

@Module({
  imports: [FundsModule, RatesModule, ApprovalsModule],
  controllers: [LedgerController],
  providers: [
    LedgerService,
    JournalService,
    JournalRepository,
    BalancesService,
    BalancesRepository,
    PeriodsService,
    PeriodsRepository,
  ],
  exports: [LedgerService, BalancesService, JournalService, JournalRepository],
})
export class LedgerModule {}
