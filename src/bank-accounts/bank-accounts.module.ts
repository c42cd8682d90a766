import { Module } from '@nestjs/common';
import { FundsModule } from '../funds/funds.module';
import { BankAccountsController } from './bank-accounts.controller';
import { BankAccountsRepository } from './bank-accounts.repository';
import { BankAccountsService } from './bank-accounts.service';

/**
 * The bank accounts of each fund. Pages and other modules offer a choice of account through
 * BankAccountsService.list(manager, fundCode).
 */
@Module({
  imports: [FundsModule],
  controllers: [BankAccountsController],
  providers: [BankAccountsService, BankAccountsRepository],
  exports: [BankAccountsService],
})
export class BankAccountsModule {}
