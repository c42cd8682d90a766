import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../../approvals/approvals.module';
import { DonorsModule } from '../../donors/donors.module';
import { FundsModule } from '../../funds/funds.module';
import { LedgerModule } from '../../ledger/ledger.module';
import { RatesModule } from '../../rates/rates.module';
import { ReceiptsModule } from '../../receipts/receipts.module';
import { WebModule } from '../../web/web.module';
import { MatchingPageController } from './matching-page.controller';
import { MatchingPageService } from './matching-page.service';
import { MatchingController } from './matching.controller';
import { MatchingRepository } from './matching.repository';
import { MatchingService } from './matching.service';

/** Matching bank lines to receipts: the engine, the officers' decisions, the workbench page. */
@Module({
  imports: [
    FundsModule,
    LedgerModule,
    RatesModule,
    ApprovalsModule,
    ReceiptsModule,
    DonorsModule,
    WebModule,
  ],
  controllers: [MatchingController, MatchingPageController],
  providers: [MatchingService, MatchingRepository, MatchingPageService],
  exports: [MatchingService],
})
export class MatchingModule {}
