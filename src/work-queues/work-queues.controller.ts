import { Controller, Get, Header, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { AuthenticatedRequest } from '../common/actor';
import { WORK_QUEUE_READERS } from '../web/navigation';
import { viewerOf } from '../web/page-response';
import { WorkQueuesService } from './work-queues.service';

/**
 * The officers' work queues. Approvers, management and auditors have start pages of their own
 * (approvals, dashboard, audit trail); donors never see the fund's queues.
 */
@ApiExcludeController()
@Controller('work')
export class WorkQueuesController {
  constructor(private readonly work: WorkQueuesService) {}

  @Get()
  @Access(...WORK_QUEUE_READERS)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(@Req() request: AuthenticatedRequest): Promise<string> {
    return this.work.page(viewerOf(request));
  }
}
