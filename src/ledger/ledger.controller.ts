import { STAFF } from '../auth/roles';
import { Access } from '../auth/access.decorator';
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
import { Actor, CurrentActor } from '../common/actor';
import { API_V1 } from '../common/api';
import {
  IDEMPOTENCY_HEADER,
  IdempotencyKey,
  IdempotencyRequest,
} from '../common/idempotency/idempotency-key.decorator';
import { IdempotentResult } from '../common/idempotency/idempotent-result';
import {
  AccountBalanceResponse,
  BalanceQuery,
  TrialBalanceQuery,
  TrialBalanceResponse,
} from './dto/balance.dto';
import {
  CreateAdjustmentRequest,
  JournalEntryResponse,
  ListEntriesQuery,
  ReverseEntryRequest,
} from './dto/journal.dto';
import { ClosePeriodRequest, PeriodResponse, ReopenPeriodRequest } from './dto/period.dto';
import { BalancesService } from './balances.service';
import { JournalService } from './journal.service';
import { PeriodsService } from './periods.service';

@ApiTags('ledger')
@Controller(API_V1)
export class LedgerController {
  constructor(
    private readonly journal: JournalService,
    private readonly balances: BalancesService,
    private readonly periods: PeriodsService,
  ) {}

  @Access('finance_officer')
  @Post('funds/:fund/journal-entries')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Request a manual adjustment entry',
    description:
      'Checked in full at once (422 if it cannot be posted), then posted when an approver ' +
      'approves the request (POST /api/v1/approvals/{id}/approve); the approval’s result is the entry.',
  })
  @ApiAcceptedResponse({ type: ApprovalResponse, description: 'The pending approval request' })
  requestAdjustment(
    @CurrentActor() actor: Actor,
    @Param('fund') fund: string,
    @Body() request: CreateAdjustmentRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ApprovalResponse>> {
    return this.journal.requestAdjustment(actor, fund, request, idempotency);
  }

  @Access(...STAFF)
  @Get('funds/:fund/journal-entries')
  @ApiOkResponse({ type: [JournalEntryResponse] })
  listEntries(
    @Param('fund') fund: string,
    @Query() query: ListEntriesQuery,
  ): Promise<JournalEntryResponse[]> {
    return this.journal.list(fund, query);
  }

  @Access(...STAFF)
  @Get('journal-entries/:id')
  @ApiOkResponse({ type: JournalEntryResponse })
  getEntry(@Param('id') id: string): Promise<JournalEntryResponse> {
    return this.journal.get(id);
  }

  @Access('finance_officer')
  @Post('journal-entries/:id/reversal')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiAcceptedResponse({
    type: ApprovalResponse,
    description: 'The reversal, checked and waiting for an approver; posted when approved',
  })
  reverse(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: ReverseEntryRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ApprovalResponse>> {
    return this.journal.requestReversal(actor, id, request, idempotency);
  }

  @Access(...STAFF)
  @Get('funds/:fund/accounts/:account/balance')
  @ApiOkResponse({ type: AccountBalanceResponse })
  accountBalance(
    @Param('fund') fund: string,
    @Param('account') account: string,
    @Query() query: BalanceQuery,
  ): Promise<AccountBalanceResponse> {
    return this.balances.accountBalance(fund, account, query);
  }

  @Access(...STAFF)
  @Get('funds/:fund/trial-balance')
  @ApiOkResponse({ type: TrialBalanceResponse })
  trialBalance(
    @Param('fund') fund: string,
    @Query() query: TrialBalanceQuery,
  ): Promise<TrialBalanceResponse> {
    return this.balances.trialBalance(fund, query.asOf);
  }

  @Access(...STAFF)
  @Get('funds/:fund/periods')
  @ApiOkResponse({ type: [PeriodResponse] })
  listPeriods(@Param('fund') fund: string): Promise<PeriodResponse[]> {
    return this.periods.list(fund);
  }

  @Access('finance_officer')
  @Post('funds/:fund/periods/:period/close')
  @ApiCreatedResponse({ type: PeriodResponse })
  closePeriod(
    @CurrentActor() actor: Actor,
    @Param('fund') fund: string,
    @Param('period') period: string,
    @Body() request: ClosePeriodRequest,
  ): Promise<PeriodResponse> {
    return this.periods.close(actor, fund, period, request);
  }

  @Access('finance_officer')
  @Post('funds/:fund/periods/:period/reopen')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Request the reopening of a closed period',
    description: 'The period reopens when an approver approves the request.',
  })
  @ApiAcceptedResponse({ type: ApprovalResponse, description: 'The pending approval request' })
  reopenPeriod(
    @CurrentActor() actor: Actor,
    @Param('fund') fund: string,
    @Param('period') period: string,
    @Body() request: ReopenPeriodRequest,
  ): Promise<ApprovalResponse> {
    return this.periods.requestReopen(actor, fund, period, request);
  }
}
