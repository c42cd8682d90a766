import { Module } from '@nestjs/common';
import { DonorsModule } from '../donors/donors.module';
import { FundsModule } from '../funds/funds.module';
import { WebModule } from '../web/web.module';
import { PledgeReconciliationPageController } from './pledge-reconciliation-page.controller';
import { PledgeReconciliationPageService } from './pledge-reconciliation-page.service';
import { PledgeReconciliationController } from './pledge-reconciliation.controller';
import { PledgeReconciliationRepository } from './pledge-reconciliation.repository';
import { PledgeReconciliationService } from './pledge-reconciliation.service';

/**
 * Reports derived from the ledger, read-only: the pledge reconciliation (pledged, received,
 * FX, written off, outstanding per pledge and donor), as JSON, CSV and a page.
 */
@Module({
  imports: [FundsModule, DonorsModule, WebModule],
  controllers: [PledgeReconciliationController, PledgeReconciliationPageController],
  providers: [
    PledgeReconciliationService,
    PledgeReconciliationRepository,
    PledgeReconciliationPageService,
  ],
  exports: [PledgeReconciliationService],
})
export class ReportsModule {}
