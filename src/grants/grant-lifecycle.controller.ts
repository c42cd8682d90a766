import { Body, Controller, HttpCode, Param, Post, Put } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApprovalResponse } from '../approvals/dto/approval.dto';
import { Access } from '../auth/access.decorator';
import { Actor, CurrentActor } from '../common/actor';
import { API_V1 } from '../common/api';
import {
  IDEMPOTENCY_HEADER,
  IdempotencyKey,
  IdempotencyRequest,
} from '../common/idempotency/idempotency-key.decorator';
import { IdempotentResult } from '../common/idempotency/idempotent-result';
import {
  CancelGrantRequest,
  DisburseGrantRequest,
  SetSupportCostRateRequest,
  SettleGrantRequest,
  SupportCostRateResponse,
} from './dto/grant-lifecycle.dto';
import { GrantResponse } from './dto/grant.dto';
import { GrantLifecycleService } from './grant-lifecycle.service';

@ApiTags('grants')
@Controller(API_V1)
export class GrantLifecycleController {
  constructor(private readonly lifecycle: GrantLifecycleService) {}

  @Access('finance_officer')
  @Post('grants/:id/disbursement')
  @HttpCode(200)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Pay the advance of an approved grant',
    description:
      'Dr 1200 grant advances [earmark] / Cr 1000 cash at bank; the commitment is consumed by ' +
      'the advance (what the earmark has available does not change).',
  })
  @ApiOkResponse({ type: GrantResponse })
  disburse(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: DisburseGrantRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<GrantResponse>> {
    return this.lifecycle.disburse(actor, id, request, idempotency);
  }

  @Access('finance_officer')
  @Post('grants/:id/settlement')
  @HttpCode(200)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Record the actual cost of a disbursed grant',
    description:
      'Dr 5000 expense (actual cost) and Dr 1000 cash (what comes back) / Cr 1200 the advance; ' +
      'what is left of the commitment is released; support costs at the fund rate on the ' +
      'actual cost: Dr 5400 / Cr 2400. Above the advance (an overspend): 202 with an approval ' +
      'request; on approval the difference is credited to 1000 cash (with `bankAccount`) or ' +
      '2200 grants payable.',
  })
  @ApiOkResponse({ type: GrantResponse })
  @ApiAcceptedResponse({
    type: ApprovalResponse,
    description: 'An overspend, waiting for approval',
  })
  settle(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: SettleGrantRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<GrantResponse | ApprovalResponse>> {
    return this.lifecycle.settle(actor, id, request, idempotency);
  }

  @Access('finance_officer')
  @Post('grants/:id/cancellation')
  @HttpCode(200)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Cancel a grant not yet paid',
    description: 'The commitment and the attribution to donors are released.',
  })
  @ApiOkResponse({ type: GrantResponse })
  cancel(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: CancelGrantRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<GrantResponse>> {
    return this.lifecycle.cancel(actor, id, request, idempotency);
  }

  @Access('admin')
  @Put('funds/:fund/support-cost-rate')
  @ApiOperation({
    summary: "Set the fund's programme support-cost rate",
    description: 'Charged on the actual cost of grants settled from now on (0 unless set).',
  })
  @ApiOkResponse({ type: SupportCostRateResponse })
  setSupportCostRate(
    @CurrentActor() actor: Actor,
    @Param('fund') fund: string,
    @Body() request: SetSupportCostRateRequest,
  ): Promise<SupportCostRateResponse> {
    return this.lifecycle.setSupportCostRate(actor, fund, request);
  }
}
