import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../../auth/access.decorator';
import { STAFF } from '../../auth/roles';
import { Actor, CurrentActor } from '../../common/actor';
import { API_V1 } from '../../common/api';
import {
  IDEMPOTENCY_HEADER,
  IdempotencyKey,
  IdempotencyRequest,
} from '../../common/idempotency/idempotency-key.decorator';
import { IdempotentResult } from '../../common/idempotency/idempotent-result';
import {
  ConfirmLineRequest,
  CreateReceiptFromLineRequest,
  ListLinesQuery,
  MatchLinesRequest,
  NotContributionRequest,
  RejectSuggestionRequest,
  RunMatchingRequest,
  UndoMatchRequest,
} from './dto/matching.dto';
import { DecisionResponse, LinesResponse, MatchingService, RunResponse } from './matching.service';

@ApiTags('bank-reconciliation')
@Controller(`${API_V1}/bank-reconciliation`)
export class MatchingController {
  constructor(private readonly matching: MatchingService) {}

  @Access(...STAFF)
  @Get('lines')
  @ApiOperation({
    description: 'Lines of a bank account by queue; unmatched ones with suggestions.',
  })
  lines(@CurrentActor() actor: Actor, @Query() query: ListLinesQuery): Promise<LinesResponse> {
    return this.matching.lines(actor, query);
  }

  @Access('finance_officer')
  @Post('run')
  @HttpCode(200)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({ description: 'Runs the engine; confirms unambiguous exact-reference matches.' })
  run(
    @CurrentActor() actor: Actor,
    @Body() request: RunMatchingRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<RunResponse>> {
    return this.matching.run(actor, request, idempotency);
  }

  @Access('finance_officer')
  @Post('lines/:id/confirm')
  @HttpCode(200)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    description: 'One line to one or several receipts; 202 (approval) beyond the tolerance.',
  })
  confirm(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: ConfirmLineRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<DecisionResponse | object>> {
    return this.matching.confirm(actor, id, request, idempotency);
  }

  @Access('finance_officer')
  @Post('matches')
  @HttpCode(200)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    description: 'Several lines to one receipt; 202 (approval) beyond the tolerance.',
  })
  matchLines(
    @CurrentActor() actor: Actor,
    @Body() request: MatchLinesRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<DecisionResponse | object>> {
    return this.matching.matchLines(actor, request, idempotency);
  }

  @Access('finance_officer')
  @Post('lines/:id/reject')
  @HttpCode(200)
  @ApiHeader(IDEMPOTENCY_HEADER)
  reject(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: RejectSuggestionRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<DecisionResponse>> {
    return this.matching.reject(actor, id, request, idempotency);
  }

  @Access('finance_officer')
  @Post('lines/:id/not-contribution')
  @HttpCode(200)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({ description: 'Posts the line: Dr/Cr 1000 cash against the given account.' })
  notContribution(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: NotContributionRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<DecisionResponse>> {
    return this.matching.notContribution(actor, id, request, idempotency);
  }

  @Access('finance_officer')
  @Post('lines/:id/create-receipt')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({ description: 'Records a receipt pre-filled from the line and matches it.' })
  createReceipt(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: CreateReceiptFromLineRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<DecisionResponse>> {
    return this.matching.createReceipt(actor, id, request, idempotency);
  }

  @Access('finance_officer')
  @Post('matches/:id/undo')
  @HttpCode(200)
  @ApiHeader(IDEMPOTENCY_HEADER)
  undo(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: UndoMatchRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<DecisionResponse>> {
    return this.matching.undo(actor, id, request, idempotency);
  }
}
