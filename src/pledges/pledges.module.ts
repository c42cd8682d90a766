import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { DonorsModule } from '../donors/donors.module';
import { FundsModule } from '../funds/funds.module';
import { LedgerModule } from '../ledger/ledger.module';
import { RatesModule } from '../rates/rates.module';
import { WebModule } from '../web/web.module';
import { PledgeAmendmentsService } from './pledge-amendments.service';
import { PledgeOutstandingService } from './pledge-outstanding.service';
import { PledgeViewsService } from './pledge-views.service';
import { PledgesPageController } from './pledges-page.controller';
import { PledgesPageService } from './pledges-page.service';
import { OutstandingController, PledgesController } from './pledges.controller';
import { PledgesRepository } from './pledges.repository';
import { PledgesService } from './pledges.service';

/**
 * Pledges, their schedules, agreements and endings; outstanding and aging. The donor pages
 * show a donor's pledges through PledgesService.list (filter by donorId); the officers' pledge
 * pages (PledgesPageService) fill that section of the donor page.
 */
@Module({
  imports: [FundsModule, LedgerModule, RatesModule, ApprovalsModule, DonorsModule, WebModule],
  controllers: [PledgesController, OutstandingController, PledgesPageController],
  providers: [
    PledgesService,
    PledgeAmendmentsService,
    PledgeOutstandingService,
    PledgeViewsService,
    PledgesRepository,
    PledgesPageService,
  ],
  exports: [
    PledgesService,
    PledgeAmendmentsService,
    PledgeOutstandingService,
    PledgeViewsService,
    PledgesRepository,
    PledgesPageService,
  ],
})
export class PledgesModule {}
