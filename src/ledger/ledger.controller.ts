import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor } from '../common/actor';
import { API_V1 } from '../common/api';
import {
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

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Makes the request safe to retry: the same key and body return the first answer.',
};

@ApiTags('ledger')
@Controller(API_V1)
export class LedgerController {
  constructor(
    private readonly journal: JournalService,
    private readonly balances: BalancesService,
    private readonly periods: PeriodsService,
  ) {}

  @Post('funds/:fund/journal-entries')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiCreatedResponse({ type: JournalEntryResponse, description: 'A manual adjustment entry' })
  postAdjustment(
    @CurrentActor() actor: Actor,
    @Param('fund') fund: string,
    @Body() request: CreateAdjustmentRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<JournalEntryResponse>> {
    return this.journal.postAdjustment(actor, fund, request, idempotency);
  }

  @Get('funds/:fund/journal-entries')
  @ApiOkResponse({ type: [JournalEntryResponse] })
  listEntries(
    @Param('fund') fund: string,
    @Query() query: ListEntriesQuery,
  ): Promise<JournalEntryResponse[]> {
    return this.journal.list(fund, query);
  }

  @Get('journal-entries/:id')
  @ApiOkResponse({ type: JournalEntryResponse })
  getEntry(@Param('id') id: string): Promise<JournalEntryResponse> {
    return this.journal.get(id);
  }

  @Post('journal-entries/:id/reversal')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiCreatedResponse({ type: JournalEntryResponse, description: 'The reversal entry' })
  reverse(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: ReverseEntryRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<JournalEntryResponse>> {
    return this.journal.reverse(actor, id, request, idempotency);
  }

  @Get('funds/:fund/accounts/:account/balance')
  @ApiOkResponse({ type: AccountBalanceResponse })
  accountBalance(
    @Param('fund') fund: string,
    @Param('account') account: string,
    @Query() query: BalanceQuery,
  ): Promise<AccountBalanceResponse> {
    return this.balances.accountBalance(fund, account, query);
  }

  @Get('funds/:fund/trial-balance')
  @ApiOkResponse({ type: TrialBalanceResponse })
  trialBalance(
    @Param('fund') fund: string,
    @Query() query: TrialBalanceQuery,
  ): Promise<TrialBalanceResponse> {
    return this.balances.trialBalance(fund, query.asOf);
  }

  @Get('funds/:fund/periods')
  @ApiOkResponse({ type: [PeriodResponse] })
  listPeriods(@Param('fund') fund: string): Promise<PeriodResponse[]> {
    return this.periods.list(fund);
  }

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

  @Post('funds/:fund/periods/:period/reopen')
  @ApiCreatedResponse({ type: PeriodResponse })
  reopenPeriod(
    @CurrentActor() actor: Actor,
    @Param('fund') fund: string,
    @Param('period') period: string,
    @Body() request: ReopenPeriodRequest,
  ): Promise<PeriodResponse> {
    return this.periods.reopen(actor, fund, period, request);
  }
}
