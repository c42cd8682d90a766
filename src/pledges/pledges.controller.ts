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
import {
  AgreePledgeRequest,
  ConditionsMetRequest,
  CreatePledgeRequest,
  EndPledgeRequest,
  ListPledgesQuery,
  OutstandingQuery,
  OutstandingResponse,
  PledgePageResponse,
  PledgeQuery,
  PledgeResponse,
} from './dto/pledge.dto';
import { AmendPledgeRequest, PledgeAmendmentResponse } from './dto/pledge-amendment.dto';
import { PledgeAmendmentsService } from './pledge-amendments.service';
import { PledgeOutstandingService } from './pledge-outstanding.service';
import { PledgesService } from './pledges.service';

@ApiTags('pledges')
@Controller(`${API_V1}/pledges`)
export class PledgesController {
  constructor(
    private readonly pledges: PledgesService,
    private readonly amendments: PledgeAmendmentsService,
  ) {}

  @Access('finance_officer')
  @Post()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Record an announced pledge with its instalment schedule',
    description:
      'Off-ledger (memo) until its agreement is recorded. The schedule is given (`instalments`, ' +
      'summing exactly to the amount) or generated (`generate`).',
  })
  @ApiCreatedResponse({ type: PledgeResponse })
  create(
    @CurrentActor() actor: Actor,
    @Body() request: CreatePledgeRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<PledgeResponse>> {
    return this.pledges.create(actor, request, idempotency);
  }

  @Access(...STAFF, 'donor')
  @Get()
  @ApiOperation({ description: 'Donor users see the pledges of their own donors only.' })
  @ApiOkResponse({ type: PledgePageResponse })
  list(
    @CurrentActor() actor: Actor,
    @Query() query: ListPledgesQuery,
  ): Promise<PledgePageResponse> {
    return this.pledges.list(actor, query);
  }

  @Access(...STAFF, 'donor')
  @Get(':id')
  @ApiOperation({
    description: 'Schedule, status and amounts as of `asOf`. Donor users: their own donors only.',
  })
  @ApiOkResponse({ type: PledgeResponse })
  get(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: PledgeQuery,
  ): Promise<PledgeResponse> {
    return this.pledges.get(actor, id, query);
  }

  @Access('finance_officer')
  @Post(':id/agreement')
  @HttpCode(200)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Record the signed agreement and book the receivable',
    description:
      'Dr contributions receivable / Cr contribution revenue (or conditional contributions), in ' +
      'the pledge currency and the fund currency at the UN rate of the agreement date.',
  })
  @ApiOkResponse({ type: PledgeResponse })
  agree(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: AgreePledgeRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<PledgeResponse>> {
    return this.pledges.agree(actor, id, request, idempotency);
  }

  @Access('finance_officer')
  @Post(':id/amendments')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Amend the amount and named unpaid instalments of a pledge',
    description:
      'Only the instalments named in `instalments` change; paid or partly paid ones cannot. The ' +
      'schedule must sum to the new amount. For an agreed pledge the difference is posted as its ' +
      'own entry (source `pledge-amendment`) at the UN rate of the amendment date; an announced ' +
      'pledge posts nothing. With `dryRun: true`, answers 200 with the resulting schedule and ' +
      'entry lines, writing nothing.',
  })
  @ApiCreatedResponse({ type: PledgeAmendmentResponse, description: 'The amendment applied' })
  @ApiOkResponse({ type: PledgeAmendmentResponse, description: 'Dry run: nothing written' })
  amend(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: AmendPledgeRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<PledgeAmendmentResponse>> {
    return this.amendments.amend(actor, id, request, idempotency);
  }

  @Access('finance_officer')
  @Post(':id/conditions-met')
  @HttpCode(200)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({ summary: 'Record that the conditions of a conditional agreement are met' })
  @ApiOkResponse({ type: PledgeResponse })
  conditionsMet(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: ConditionsMetRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<PledgeResponse>> {
    return this.pledges.conditionsMet(actor, id, request, idempotency);
  }

  @Access('finance_officer')
  @Post(':id/cancellation')
  @HttpCode(202)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Request the cancellation of a pledge',
    description:
      'Executed when an approver approves the request: an agreed pledge’s outstanding receivable ' +
      'is reversed against revenue (or the conditional liability).',
  })
  @ApiAcceptedResponse({ type: ApprovalResponse, description: 'The pending approval request' })
  cancel(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: EndPledgeRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ApprovalResponse>> {
    return this.pledges.requestEnding(actor, 'cancelled', id, request, idempotency);
  }

  @Access('finance_officer')
  @Post(':id/write-off')
  @HttpCode(202)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Request the write-off of what is outstanding on a pledge',
    description: 'Executed when an approver approves the request: Dr write-offs / Cr receivable.',
  })
  @ApiAcceptedResponse({ type: ApprovalResponse, description: 'The pending approval request' })
  writeOff(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: EndPledgeRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ApprovalResponse>> {
    return this.pledges.requestEnding(actor, 'written-off', id, request, idempotency);
  }
}

@ApiTags('pledges')
@Controller(API_V1)
export class OutstandingController {
  constructor(private readonly outstanding: PledgeOutstandingService) {}

  @Access(...STAFF)
  @Get('funds/:fund/outstanding')
  @ApiOperation({
    summary: 'Outstanding pledges of a fund, with aging, as of a date',
    description:
      'From the receivable lines that name each pledge, per pledge currency and in the fund ' +
      'currency; `total` + `notLinkedToPledges` is the receivable balance of the ledger.',
  })
  @ApiOkResponse({ type: OutstandingResponse })
  get(@Param('fund') fund: string, @Query() query: OutstandingQuery): Promise<OutstandingResponse> {
    return this.outstanding.outstanding(fund, query);
  }
}
