import { Module } from '@nestjs/common';
import { DocumentsModule } from '../../documents/documents.module';
import { FundsModule } from '../../funds/funds.module';
import { WebModule } from '../../web/web.module';
import { StatementsModule } from '../statements.module';
import { StatementBatchWorker } from './statement-batch.worker';
import { StatementBatchesPageController } from './statement-batches-page.controller';
import { StatementBatchesPageService } from './statement-batches-page.service';
import { StatementBatchesController } from './statement-batches.controller';
import { StatementBatchesRepository } from './statement-batches.repository';
import { StatementBatchesService } from './statement-batches.service';

/**
 * Statement batches: a statement for every donor of a fund and period, issued by a background
 * job (JobsModule) through StatementsService.issueWith, with API, pages and a CLI command.
 * Imported before StatementsModule in AppModule (its pages' fixed paths come first).
 */
@Module({
  imports: [StatementsModule, DocumentsModule, FundsModule, WebModule],
  controllers: [StatementBatchesController, StatementBatchesPageController],
  providers: [
    StatementBatchesService,
    StatementBatchesRepository,
    StatementBatchWorker,
    StatementBatchesPageService,
  ],
  exports: [StatementBatchesService],
})
export class StatementBatchesModule {}
