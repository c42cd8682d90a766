import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { FundsModule } from '../funds/funds.module';
import { LedgerModule } from '../ledger/ledger.module';
import { RatesModule } from '../rates/rates.module';
import { PledgeOutstandingService } from './pledge-outstanding.service';
import { PledgeViewsService } from './pledge-views.service';
import { OutstandingController, PledgesController } from './pledges.controller';
import { PledgesRepository } from './pledges.repository';
import { PledgesService } from './pledges.service';

/**
 * Pledges, their schedules, agreements and endings; outstanding and aging. The donor pages
 * show a donor's pledges through PledgesService.list (filter by donorId).
 */
@Module({
  imports: [FundsModule, LedgerModule, RatesModule, ApprovalsModule],
  controllers: [PledgesController, OutstandingController],
  providers: [PledgesService, PledgeOutstandingService, PledgeViewsService, PledgesRepository],
  exports: [PledgesService, PledgeOutstandingService],
})
export class PledgesModule {}
