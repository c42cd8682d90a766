import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApprovalResponse } from '../approvals/dto/approval.dto';
import { Access } from '../auth/access.decorator';
import { STAFF } from '../auth/roles';
import { Actor, CurrentActor } from '../common/actor';
import { API_V1 } from '../common/api';
import {
  IDEMPOTENCY_HEADER,
  IdempotencyKey,
  IdempotencyRequest,
} from '../common/idempotency/idempotency-key.decorator';
import { IdempotentResult } from '../common/idempotency/idempotent-result';
import { BalanceQuery } from '../ledger/dto/balance.dto';
import {
  CheckEligibilityRequest,
  EarmarkFundsResponse,
  EligibilityResponse,
  GrantPageResponse,
  GrantResponse,
  ListGrantsQuery,
  RequestGrantRequest,
} from './dto/grant.dto';
import { EarmarkFundsService } from './earmark-funds.service';
import { GrantsService } from './grants.service';

@ApiTags('grants')
@Controller(API_V1)
export class GrantsController {
  constructor(
    private readonly grants: GrantsService,
    private readonly earmarkFunds: EarmarkFundsService,
  ) {}

  @Access('finance_officer')
  @Post('grants')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Record a request for a participation grant',
    description:
      'Checked against the eligibility rules as of `decisionDate`; refused (422 ' +
      '`grant-ineligible`, naming each rule) unless `exception.reason` is given.',
  })
  @ApiCreatedResponse({ type: GrantResponse })
  request(
    @CurrentActor() actor: Actor,
    @Body() request: RequestGrantRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<GrantResponse>> {
    return this.grants.request(actor, request, idempotency);
  }

  @Access(...STAFF)
  @Post('grants/eligibility')
  @HttpCode(200)
  @ApiOperation({ summary: 'What the eligibility rules say, without recording anything' })
  @ApiOkResponse({ type: EligibilityResponse })
  checkEligibility(
    @CurrentActor() actor: Actor,
    @Body() request: CheckEligibilityRequest,
  ): Promise<EligibilityResponse> {
    return this.grants.checkEligibility(actor, request);
  }

  @Access(...STAFF)
  @Get('grants')
  @ApiOkResponse({ type: GrantPageResponse })
  list(@CurrentActor() actor: Actor, @Query() query: ListGrantsQuery): Promise<GrantPageResponse> {
    return this.grants.list(actor, query);
  }

  @Access(...STAFF)
  @Get('grants/:id')
  @ApiOkResponse({ type: GrantResponse })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<GrantResponse> {
    return this.grants.get(actor, id);
  }

  @Access('finance_officer')
  @Post('grants/:id/approval')
  @HttpCode(202)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Ask a second person to approve the grant',
    description:
      'On approval the amount is committed against the earmark (refused beyond what is ' +
      'available, naming the amount available) and attributed to donors, oldest receipt first.',
  })
  @ApiAcceptedResponse({ type: ApprovalResponse })
  requestApproval(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ApprovalResponse>> {
    return this.grants.requestApproval(actor, id, idempotency);
  }

  @Access(...STAFF)
  @Get('funds/:fund/earmarks/:earmark/available')
  @ApiOperation({
    summary: 'Money of an earmark that may still be approved',
    description: 'Received (net of bank charges) − open commitments − grant costs.',
  })
  @ApiOkResponse({ type: EarmarkFundsResponse })
  available(
    @Param('fund') fund: string,
    @Param('earmark') earmark: string,
    @Query() query: BalanceQuery,
  ): Promise<EarmarkFundsResponse> {
    return this.earmarkFunds.report(fund, earmark, query.asOf);
  }
}
