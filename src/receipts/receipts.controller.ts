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
  AllocateReceiptRequest,
  AssignDonorRequest,
  ListReceiptsQuery,
  OpenInstalmentResponse,
  ReceiptPageResponse,
  ReceiptResponse,
  RecordReceiptRequest,
  RefundReceiptRequest,
  ReverseReceiptRequest,
} from './dto/receipt.dto';
import { ReceiptCorrectionsService } from './receipt-corrections.service';
import { ReceiptsService } from './receipts.service';

@ApiTags('receipts')
@Controller(`${API_V1}/receipts`)
export class ReceiptsController {
  constructor(
    private readonly receipts: ReceiptsService,
    private readonly corrections: ReceiptCorrectionsService,
  ) {}

  @Access('finance_officer')
  @Post()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Record money that arrived on a bank account',
    description:
      'Posts one entry: Dr cash (net) and bank charges; Cr the receivable of the instalments it ' +
      'pays (with the realised FX difference) and unapplied receipts (known donor) or suspense ' +
      "(unknown donor) for the rest. Allocation: explicit (`allocations`), 'auto' (oldest due " +
      'first; the default when a donor is given) or none.',
  })
  @ApiCreatedResponse({ type: ReceiptResponse })
  record(
    @CurrentActor() actor: Actor,
    @Body() request: RecordReceiptRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ReceiptResponse>> {
    return this.receipts.record(actor, request, idempotency);
  }

  @Access(...STAFF)
  @Get()
  @ApiOperation({ description: "Newest first. `queue`: 'unapplied', 'unidentified', …" })
  @ApiOkResponse({ type: ReceiptPageResponse })
  list(
    @CurrentActor() actor: Actor,
    @Query() query: ListReceiptsQuery,
  ): Promise<ReceiptPageResponse> {
    return this.receipts.list(actor, query);
  }

  @Access(...STAFF)
  @Get(':id')
  @ApiOkResponse({ type: ReceiptResponse })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ReceiptResponse> {
    return this.receipts.get(actor, id);
  }

  @Access(...STAFF)
  @Get(':id/open-instalments')
  @ApiOperation({ description: 'What its money may be applied to: named pledges first.' })
  @ApiOkResponse({ type: [OpenInstalmentResponse] })
  openInstalments(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<OpenInstalmentResponse[]> {
    return this.receipts.openInstalments(actor, id);
  }

  @Access('finance_officer')
  @Post(':id/allocations')
  @HttpCode(200)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Apply unapplied money of the receipt to instalments',
    description:
      'Dr unapplied receipts / Cr receivable, with the realised FX difference between the value ' +
      'the credit was carried at and the value the receivable was booked at.',
  })
  @ApiOkResponse({ type: ReceiptResponse })
  allocate(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: AllocateReceiptRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ReceiptResponse>> {
    return this.receipts.allocate(actor, id, request, idempotency);
  }

  @Access('finance_officer')
  @Post(':id/donor')
  @HttpCode(200)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({ summary: 'Assign the donor of an unidentified receipt (suspense → unapplied)' })
  @ApiOkResponse({ type: ReceiptResponse })
  assignDonor(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: AssignDonorRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ReceiptResponse>> {
    return this.receipts.assignDonor(actor, id, request, idempotency);
  }

  @Access('finance_officer')
  @Post(':id/refund')
  @HttpCode(202)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Request a refund of unapplied money to the donor (executed on approval)',
  })
  @ApiAcceptedResponse({ type: ApprovalResponse })
  refund(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: RefundReceiptRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ApprovalResponse>> {
    return this.corrections.requestRefund(actor, id, request, idempotency);
  }

  @Access('finance_officer')
  @Post(':id/reversal')
  @HttpCode(202)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Request the reversal of a receipt recorded by mistake (executed on approval)',
    description:
      'Every entry of the receipt is negated by a new entry linked to it; its allocations are ' +
      'reversed, giving the pledges their receivable back. The receipt stays, marked reversed.',
  })
  @ApiAcceptedResponse({ type: ApprovalResponse })
  reverse(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: ReverseReceiptRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ApprovalResponse>> {
    return this.corrections.requestReversal(actor, id, request, idempotency);
  }
}
