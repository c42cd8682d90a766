import { Module } from '@nestjs/common';
import { FundsModule } from '../funds/funds.module';
import { ReportsModule } from '../reports/reports.module';
import { WebModule } from '../web/web.module';
import { DashboardController } from './dashboard.controller';
import { DashboardService } from './dashboard.service';

/** The management dashboard page: the reports' figures as SVG charts with their tables. */
@Module({
  imports: [FundsModule, ReportsModule, WebModule],
  controllers: [DashboardController],
  providers: [DashboardService],
})
export class DashboardModule {}
