import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { Role } from '../auth/roles';
import { Actor, CurrentActor } from '../common/actor';
import { API_V1 } from '../common/api';
import { ApprovalsService } from './approvals.service';
import {
  ApprovalResponse,
  ApproveRequest,
  CancelRequest,
  ListApprovalsQuery,
  RejectRequest,
} from './dto/approval.dto';

/** Who may read the approval inbox: the office, its approvers, admins and auditors. */
const APPROVAL_READERS: Role[] = ['finance_officer', 'approver', 'admin', 'auditor'];

@ApiTags('approvals')
@Controller(`${API_V1}/approvals`)
export class ApprovalsController {
  constructor(private readonly approvals: ApprovalsService) {}

  @Access(...APPROVAL_READERS)
  @Get()
  @ApiOkResponse({ type: [ApprovalResponse], description: 'Requests, newest first' })
  list(@Query() query: ListApprovalsQuery): Promise<ApprovalResponse[]> {
    return this.approvals.list(query);
  }

  @Access(...APPROVAL_READERS)
  @Get(':id')
  @ApiOkResponse({ type: ApprovalResponse })
  get(@Param('id') id: string): Promise<ApprovalResponse> {
    return this.approvals.get(id);
  }

  @Access('approver')
  @Post(':id/approve')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Approve and execute a pending request (not your own)',
    description:
      'Executes the request in the same transaction. Safe to retry without an Idempotency-Key: ' +
      'a request is decided once, so a repeated approval is answered 409 approval-already-decided.',
  })
  @ApiOkResponse({ type: ApprovalResponse, description: 'Executed, with its result' })
  approve(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: ApproveRequest,
  ): Promise<ApprovalResponse> {
    return this.approvals.approve(actor, id, request.comment);
  }

  @Access('approver')
  @Post(':id/reject')
  @HttpCode(200)
  @ApiOkResponse({ type: ApprovalResponse })
  reject(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: RejectRequest,
  ): Promise<ApprovalResponse> {
    return this.approvals.reject(actor, id, request.comment);
  }

  @Access('finance_officer')
  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw your own pending request' })
  @ApiOkResponse({ type: ApprovalResponse })
  cancel(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: CancelRequest,
  ): Promise<ApprovalResponse> {
    return this.approvals.cancel(actor, id, request.comment);
  }
}
