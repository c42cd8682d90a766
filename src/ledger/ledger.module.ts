import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { FundsModule } from '../funds/funds.module';
import { RatesModule } from '../rates/rates.module';
import { BalancesRepository } from './balances.repository';
import { BalancesService } from './balances.service';
import { EarmarkMoney } from './earmark-money';
import { JournalRepository } from './journal.repository';
import { JournalService } from './journal.service';
import { LedgerController } from './ledger.controller';
import { LedgerService } from './ledger.service';
import { MonthBalancesRepository } from './month-balances.repository';
import { MonthBalancesService } from './month-balances.service';
import { PeriodHooks } from './period-hooks';
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
    PeriodHooks,
    MonthBalancesService,
    MonthBalancesRepository,
    EarmarkMoney,
  ],
  exports: [
    PeriodHooks,
    MonthBalancesService,
    PeriodsService,
    LedgerService,
    BalancesService,
    JournalService,
    JournalRepository,
    EarmarkMoney,
  ],
})
export class LedgerModule {}
