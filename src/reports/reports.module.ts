import { Module } from '@nestjs/common';
import { DonorsModule } from '../donors/donors.module';
import { FundsModule } from '../funds/funds.module';
import { WebModule } from '../web/web.module';
import { GrantAttributionController } from './grant-attribution.controller';
import { GrantAttributionRepository } from './grant-attribution.repository';
import { GrantAttributionService } from './grant-attribution.service';
import { GrantFiguresPageController } from './grant-figures-page.controller';
import { GrantFiguresPageService } from './grant-figures-page.service';
import { GrantFiguresController } from './grant-figures.controller';
import { GrantFiguresRepository } from './grant-figures.repository';
import { GrantFiguresService } from './grant-figures.service';
import { PledgeReconciliationPageController } from './pledge-reconciliation-page.controller';
import { PledgeReconciliationPageService } from './pledge-reconciliation-page.service';
import { PledgeReconciliationController } from './pledge-reconciliation.controller';
import { PledgeReconciliationRepository } from './pledge-reconciliation.repository';
import { PledgeReconciliationService } from './pledge-reconciliation.service';

/**
 * Reports derived from the ledger, read-only: the pledge reconciliation (pledged, received,
 * FX, written off, outstanding per pledge and donor), as JSON, CSV and a page; the participation
 * grant figures (by event, country, region, LDC status, gender, stakeholder group; JSON, CSV and
 * a page) and what each donor's money funded (grant attribution).
 */
@Module({
  imports: [FundsModule, DonorsModule, WebModule],
  controllers: [
    PledgeReconciliationController,
    PledgeReconciliationPageController,
    GrantFiguresController,
    GrantFiguresPageController,
    GrantAttributionController,
  ],
  providers: [
    PledgeReconciliationService,
    PledgeReconciliationRepository,
    PledgeReconciliationPageService,
    GrantFiguresService,
    GrantFiguresRepository,
    GrantFiguresPageService,
    GrantAttributionService,
    GrantAttributionRepository,
  ],
  exports: [PledgeReconciliationService, GrantAttributionRepository],
})
export class ReportsModule {}
