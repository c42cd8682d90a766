import { Module } from '@nestjs/common';
import { WebModule } from '../../web/web.module';
import { ApprovalsModule } from '../approvals.module';
import { ApprovalsPageController } from './approvals-page.controller';
import { ApprovalsPageService } from './approvals-page.service';

/** The approval queue page: it calls ApprovalsService as the API does. */
@Module({
  imports: [ApprovalsModule, WebModule],
  controllers: [ApprovalsPageController],
  providers: [ApprovalsPageService],
})
export class ApprovalsPagesModule {}
