import { Module } from '@nestjs/common';
import { DocumentsModule } from '../documents/documents.module';
import { DonorsModule } from '../donors/donors.module';
import { FundsModule } from '../funds/funds.module';
import { MailModule } from '../mail/mail.module';
import { ReceiptsModule } from '../receipts/receipts.module';
import { WebModule } from '../web/web.module';
import { AcknowledgementsController } from './acknowledgements.controller';
import { AcknowledgementsService } from './acknowledgements.service';
import { StatementDataModule } from './data/statement-data.module';
import { DonorStatementsController } from './donor-statements.controller';
import { IssuedDocumentsRepository } from './issued-documents.repository';
import { IssuedDocumentsService } from './issued-documents.service';
import { StatementsPageController } from './pages/statements-page.controller';
import { StatementsPageService } from './pages/statements-page.service';
import { StatementsService } from './statements.service';

/**
 * What donors receive: statements and acknowledgement letters, previewed, issued (numbered and
 * stored as issued), corrected by new versions, downloaded and e-mailed; API and pages. The
 * statement batch calls StatementsService.issueWith in its own transactions.
 */
@Module({
  imports: [
    StatementDataModule,
    DocumentsModule,
    MailModule,
    DonorsModule,
    FundsModule,
    ReceiptsModule,
    WebModule,
  ],
  controllers: [DonorStatementsController, AcknowledgementsController, StatementsPageController],
  providers: [
    IssuedDocumentsRepository,
    IssuedDocumentsService,
    StatementsService,
    AcknowledgementsService,
    StatementsPageService,
  ],
  exports: [StatementsService, AcknowledgementsService, IssuedDocumentsService],
})
export class StatementsModule {}
