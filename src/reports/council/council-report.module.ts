import { Module } from '@nestjs/common';
import { DocumentsModule } from '../../documents/documents.module';
import { FundsModule } from '../../funds/funds.module';
import { GrantsModule } from '../../grants/grants.module';
import { CouncilReportController } from './council-report.controller';
import { CouncilReportRepository } from './council-report.repository';
import { CouncilReportService } from './council-report.service';

/** The annual report to Council: data, tables, and the document in HTML and PDF. */
@Module({
  imports: [FundsModule, GrantsModule, DocumentsModule],
  controllers: [CouncilReportController],
  providers: [CouncilReportService, CouncilReportRepository],
  exports: [CouncilReportService],
})
export class CouncilReportModule {}
