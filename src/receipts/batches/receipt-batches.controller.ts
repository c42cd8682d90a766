import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
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
import {
  CreateReceiptBatchRequest,
  ListReceiptBatchesQuery,
  PostReceiptBatchRequest,
  ReceiptBatchPageResponse,
  ReceiptBatchResponse,
  ReplaceBatchReceiptsRequest,
  UpdateReceiptBatchRequest,
} from './dto/receipt-batch.dto';
import { ReceiptBatchesService } from './receipt-batches.service';

@ApiTags('receipts')
@Controller(`${API_V1}/receipt-batches`)
export class ReceiptBatchesController {
  constructor(private readonly batches: ReceiptBatchesService) {}

  @Access('finance_officer')
  @Post()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Open a draft batch of receipts from a bank list, with its declared count and total',
    description:
      'The receipts (`receipts`) may be entered now or later; their shape is checked now, and ' +
      'everything else (rates, periods, donors, pledges) when the batch is posted.',
  })
  @ApiCreatedResponse({ type: ReceiptBatchResponse })
  create(
    @CurrentActor() actor: Actor,
    @Body() request: CreateReceiptBatchRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ReceiptBatchResponse>> {
    return this.batches.create(actor, request, idempotency);
  }

  @Access(...STAFF)
  @Get()
  @ApiOperation({ summary: 'Batches, drafts first, newest first' })
  @ApiOkResponse({ type: ReceiptBatchPageResponse })
  list(
    @CurrentActor() actor: Actor,
    @Query() query: ListReceiptBatchesQuery,
  ): Promise<ReceiptBatchPageResponse> {
    return this.batches.list(actor, query);
  }

  @Access(...STAFF)
  @Get(':id')
  @ApiOperation({
    summary: 'A batch with its lines, entered against declared, and the receipts it became',
  })
  @ApiOkResponse({ type: ReceiptBatchResponse })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ReceiptBatchResponse> {
    return this.batches.get(actor, id);
  }

  @Access('finance_officer')
  @Put(':id')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Change the description or declared figures of a draft (409 once posted)',
  })
  @ApiOkResponse({ type: ReceiptBatchResponse })
  update(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: UpdateReceiptBatchRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ReceiptBatchResponse>> {
    return this.batches.update(actor, id, request, idempotency);
  }

  @Access('finance_officer')
  @Put(':id/receipts')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({ summary: 'Replace the receipts of a draft, in order (409 once posted)' })
  @ApiOkResponse({ type: ReceiptBatchResponse })
  replaceReceipts(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: ReplaceBatchReceiptsRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ReceiptBatchResponse>> {
    return this.batches.replaceReceipts(actor, id, request, idempotency);
  }

  @Access('finance_officer')
  @Post(':id/post')
  @HttpCode(200)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Post a draft: every receipt recorded in one transaction, or none',
    description:
      'Refused (422 `receipt-batch-disagrees`, naming both figures) when the receipts entered ' +
      'differ from the declared count or total, unless `override.reason` is given: the reason is ' +
      'stored with the batch and audited. If any receipt is refused (422 ' +
      '`receipt-batch-line-refused`, fields named `receipts[i].…`), nothing is written and the ' +
      'batch stays a draft. A posted batch cannot be posted again (409).',
  })
  @ApiOkResponse({ type: ReceiptBatchResponse })
  post(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: PostReceiptBatchRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ReceiptBatchResponse>> {
    return this.batches.post(actor, id, request, idempotency);
  }
}
