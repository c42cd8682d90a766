import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
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
import { RevaluationResponse, RunRevaluationRequest } from './dto/revaluation.dto';
import { RevaluationService } from './revaluation.service';

@ApiTags('revaluation')
@Controller(`${API_V1}/funds/:fund/revaluations`)
export class RevaluationController {
  constructor(private readonly revaluation: RevaluationService) {}

  @Access('finance_officer', 'admin')
  @Post()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Revalue a month: foreign-currency receivables and bank balances',
    description:
      'At the UN rates in force on the month’s last day: receivables (1100, per earmark and ' +
      'currency) are revalued on 1190, bank accounts on 1000; gains to 4300, losses to 5500. ' +
      'The entry is dated the last day and reversed on the first day of the next month. Run 1 ' +
      'revalues the month; once it has run, postings dated in the month since the last run ' +
      'are revalued by a supplementary run (201, `run` 2, 3, … and `supplements`), which posts ' +
      'only what is still missing: the same difference is never posted twice. 409 when nothing ' +
      'has changed since (nothing posted), or when the next month, where the reversal goes, is ' +
      'closed; 422 when the month has not ended or a rate is missing. Closing a month runs it too.',
  })
  @ApiCreatedResponse({ type: RevaluationResponse })
  run(
    @CurrentActor() actor: Actor,
    @Param('fund') fund: string,
    @Body() request: RunRevaluationRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<RevaluationResponse>> {
    return this.revaluation.run(actor, fund, request.period, idempotency);
  }

  @Access(...STAFF)
  @Get()
  @ApiOperation({
    summary: 'The fund’s month-end revaluation runs, newest month first, latest run first',
  })
  @ApiOkResponse({ type: [RevaluationResponse] })
  list(@Param('fund') fund: string): Promise<RevaluationResponse[]> {
    return this.revaluation.list(fund);
  }
}
