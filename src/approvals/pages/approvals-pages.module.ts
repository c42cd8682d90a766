import { Module } from '@nestjs/common';
import { WebModule } from '../../web/web.module';
import { ApprovalsModule } from '../approvals.module';
import { ApprovalsPageController } from './approvals-page.controller';
import { ApprovalsPageRepository } from './approvals-page.repository';
import { ApprovalsPageService } from './approvals-page.service';

/**
 * The approvals inbox: it decides through ApprovalsService as the API does, and reads the names
 * of what the requests refer to for the approver.
 */
@Module({
  imports: [ApprovalsModule, WebModule],
  controllers: [ApprovalsPageController],
  providers: [ApprovalsPageService, ApprovalsPageRepository],
})
export class ApprovalsPagesModule {}
