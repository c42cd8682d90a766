import { Module } from '@nestjs/common';
import { DonorsModule } from '../donors/donors.module';
import { PledgesModule } from '../pledges/pledges.module';
import { ReceiptsModule } from '../receipts/receipts.module';
import { ReportsModule } from '../reports/reports.module';
import { StatementDataModule } from '../statements/data/statement-data.module';
import { StatementsModule } from '../statements/statements.module';
import { WebModule } from '../web/web.module';
import { PortalPageService } from './portal-page.service';
import { PortalController } from './portal.controller';
import { PortalService } from './portal.service';

/**
 * The donor portal (/portal): what a donor user's own donors pledged, paid, still owe, were
 * issued and funded, read through the services of those modules; no table of its own.
 */
@Module({
  imports: [
    DonorsModule,
    PledgesModule,
    ReceiptsModule,
    ReportsModule,
    StatementDataModule,
    StatementsModule,
    WebModule,
  ],
  controllers: [PortalController],
  providers: [PortalService, PortalPageService],
})
export class PortalModule {}
