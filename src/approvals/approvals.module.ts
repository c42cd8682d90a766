import { Module } from '@nestjs/common';
import { ApprovalHandlerRegistry } from './approval-handler.registry';
import { ApprovalsController } from './approvals.controller';
import { ApprovalsRepository } from './approvals.repository';
import { ApprovalsService } from './approvals.service';

/**
 * Maker-checker for actions that need a second person. Import this module where such an
 * action lives; register its handler with `ApprovalsService.register` in onModuleInit and
 * create requests with `ApprovalsService.request(manager, maker, …)`.
 */
@Module({
  controllers: [ApprovalsController],
  providers: [ApprovalsService, ApprovalsRepository, ApprovalHandlerRegistry],
  exports: [ApprovalsService],
})
export class ApprovalsModule {}
