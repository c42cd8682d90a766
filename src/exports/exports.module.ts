import { Module } from '@nestjs/common';
import { FundsModule } from '../funds/funds.module';
import { WebModule } from '../web/web.module';
import { ExportsPageController } from './exports-page.controller';
import { ExportsPageService } from './exports-page.service';
import { ExportsController } from './exports.controller';
import { ExportsRepository } from './exports.repository';
import { ExportsService } from './exports.service';

/**
 * The fund's data in open formats others can check: IATI 2.03 activity XML and the whole
 * ledger as an hledger journal (JSON API and a page of download forms). Read-only.
 */
@Module({
  imports: [FundsModule, WebModule],
  controllers: [ExportsController, ExportsPageController],
  providers: [ExportsService, ExportsRepository, ExportsPageService],
})
export class ExportsModule {}
