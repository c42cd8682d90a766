import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
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
import { DOCUMENT_ISSUERS } from '../document-access';
import {
  CreateStatementBatchRequest,
  ListStatementBatchesQuery,
  StatementBatchPageResponse,
  StatementBatchResponse,
} from './dto/statement-batch.dto';
import { StatementBatchesService } from './statement-batches.service';

@ApiTags('statements')
@Controller(`${API_V1}/statement-batches`)
export class StatementBatchesController {
  constructor(private readonly batches: StatementBatchesService) {}

  @Access(...DOCUMENT_ISSUERS)
  @Post()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Issue a statement to every donor of a fund for a period, in the background',
    description:
      'Answers 202 with the batch: one item per donor with a pledge or a receipt in the fund up ' +
      'to the end of the period, all pending. A background job then issues the statements one ' +
      'by one (each numbered and stored as any issued statement); follow the progress with ' +
      '`GET /statement-batches/{id}`. A statement that cannot be issued is marked failed with ' +
      'its reason and the batch goes on. After a crash the batch resumes where it stopped, ' +
      'never issuing a statement twice.',
  })
  @ApiAcceptedResponse({ type: StatementBatchResponse })
  create(
    @CurrentActor() actor: Actor,
    @Body() request: CreateStatementBatchRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<StatementBatchResponse>> {
    return this.batches.create(actor, request, idempotency);
  }

  @Access(...STAFF)
  @Get()
  @ApiOperation({ summary: 'Statement batches, newest first' })
  @ApiOkResponse({ type: StatementBatchPageResponse })
  list(@Query() query: ListStatementBatchesQuery): Promise<StatementBatchPageResponse> {
    return this.batches.list(query);
  }

  @Access(...STAFF)
  @Get(':id')
  @ApiOperation({ summary: "A batch's progress: counts, and each donor's statement or error" })
  @ApiOkResponse({ type: StatementBatchResponse })
  get(@Param('id') id: string): Promise<StatementBatchResponse> {
    return this.batches.get(id);
  }

  @Access(...DOCUMENT_ISSUERS)
  @Post(':id/retry')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Try the failed statements of a finished batch again (202)',
    description: '409 unless the batch finished with failed statements.',
  })
  @ApiAcceptedResponse({ type: StatementBatchResponse })
  retry(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<StatementBatchResponse>> {
    return this.batches.retry(actor, id, idempotency);
  }
}
