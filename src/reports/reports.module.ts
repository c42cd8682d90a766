import { Module } from '@nestjs/common';
import { DonorsModule } from '../donors/donors.module';
import { FundsModule } from '../funds/funds.module';
import { GrantsModule } from '../grants/grants.module';
import { LedgerModule } from '../ledger/ledger.module';
import { PledgesModule } from '../pledges/pledges.module';
import { RatesModule } from '../rates/rates.module';
import { ReferenceModule } from '../reference/reference.module';
import { WebModule } from '../web/web.module';
import { ContributionsPageController } from './contributions/contributions-page.controller';
import { ContributionsPageService } from './contributions/contributions-page.service';
import { ContributionsReportController } from './contributions/contributions-report.controller';
import { ContributionsReportRepository } from './contributions/contributions-report.repository';
import { ContributionsReportService } from './contributions/contributions-report.service';
import { FundPositionPageController } from './fund-position/fund-position-page.controller';
import { FundPositionPageService } from './fund-position/fund-position-page.service';
import { FundPositionController } from './fund-position/fund-position.controller';
import { FundPositionRepository } from './fund-position/fund-position.repository';
import { FundPositionService } from './fund-position/fund-position.service';
import { GrantAttributionController } from './grant-attribution.controller';
import { GrantAttributionRepository } from './grant-attribution.repository';
import { GrantAttributionService } from './grant-attribution.service';
import { GrantFiguresPageController } from './grant-figures-page.controller';
import { GrantFiguresPageService } from './grant-figures-page.service';
import { GrantFiguresController } from './grant-figures.controller';
import { GrantFiguresRepository } from './grant-figures.repository';
import { GrantFiguresService } from './grant-figures.service';
import { ReportsIndexPageController } from './index/reports-index-page.controller';
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
  imports: [
    FundsModule,
    DonorsModule,
    WebModule,
    LedgerModule,
    GrantsModule,
    RatesModule,
    PledgesModule,
    ReferenceModule,
  ],
  controllers: [
    ReportsIndexPageController,
    PledgeReconciliationController,
    PledgeReconciliationPageController,
    GrantFiguresController,
    GrantFiguresPageController,
    GrantAttributionController,
    FundPositionController,
    FundPositionPageController,
    ContributionsReportController,
    ContributionsPageController,
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
    FundPositionService,
    FundPositionRepository,
    FundPositionPageService,
    ContributionsReportService,
    ContributionsReportRepository,
    ContributionsPageService,
  ],
  exports: [
    PledgeReconciliationService,
    GrantAttributionService,
    GrantAttributionRepository,
    FundPositionService,
    ContributionsReportService,
    GrantFiguresService,
  ],
})
export class ReportsModule {}
