import { Module } from '@nestjs/common';
import { FundsModule } from '../funds/funds.module';
import { LedgerModule } from '../ledger/ledger.module';
import { RatesModule } from '../rates/rates.module';
import { RevaluationController } from './revaluation.controller';
import { RevaluationRepository } from './revaluation.repository';
import { RevaluationService } from './revaluation.service';

/**
 * Month-end revaluation of foreign-currency receivables and bank balances: by the API, the CLI
 * (`revaluation:run`) and the close of a month (a PeriodHooks `beforeClose` hook).
 */
@Module({
  imports: [FundsModule, LedgerModule, RatesModule],
  controllers: [RevaluationController],
  providers: [RevaluationService, RevaluationRepository],
  exports: [RevaluationService],
})
export class RevaluationModule {}
