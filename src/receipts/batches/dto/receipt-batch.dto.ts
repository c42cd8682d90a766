import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { MoneyResponse } from '../../../ledger/dto/journal.dto';
import { AMOUNT, RecordReceiptRequest } from '../../dto/receipt.dto';

const FUND = /^[A-Z0-9][A-Z0-9-]{1,19}$/;
const BANK_ACCOUNT_CODE = /^[A-Z0-9][A-Z0-9-]{1,29}$/;
const NOT_BLANK = /\S/;

/** A batch is what one paper or e-mail list holds: tens of receipts, a few hundred at most. */
export const MAX_BATCH_LINES = 500;

export const BATCH_STATUSES = ['draft', 'posted'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

/**
 * One receipt of a batch: what RecordReceiptRequest asks for, without the fund, bank account
 * and currency, which are the batch's. Its shape is checked when the draft is saved; rates,
 * periods, donors and pledges are checked when the batch is posted.
 */
export class BatchReceiptLine extends OmitType(RecordReceiptRequest, [
  'fund',
  'bankAccount',
  'currency',
  'allocations',
] as const) {}

export class CreateReceiptBatchRequest {
  @ApiPropertyOptional({ example: 'WSIS-TF', default: 'WSIS-TF', description: 'Code of the fund' })
  @IsOptional()
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund?: string;

  @ApiProperty({ example: 'UBS-CHF', description: 'Code of the bank account the money arrived on' })
  @Matches(BANK_ACCOUNT_CODE, { message: 'bankAccount must be a bank account code' })
  bankAccount!: string;

  @ApiProperty({ example: 'UBS advice list of 4 May 2026 (e-mail from the bank)' })
  @IsString()
  @Length(1, 200)
  @Matches(NOT_BLANK, { message: 'description must not be blank' })
  description!: string;

  @ApiProperty({ example: 12, description: 'How many receipts the list says it holds' })
  @IsInt()
  @Min(1)
  @Max(MAX_BATCH_LINES)
  declaredCount!: number;

  @ApiProperty({
    example: '152,300.00',
    description: "The list's total of gross amounts, in the bank account's currency",
  })
  @IsString()
  @Matches(AMOUNT, { message: 'declaredTotal must be an amount such as 152300.00' })
  declaredTotal!: string;

  @ApiPropertyOptional({ type: [BatchReceiptLine], description: 'The receipts entered so far' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_BATCH_LINES)
  @ValidateNested({ each: true })
  @Type(() => BatchReceiptLine)
  receipts?: BatchReceiptLine[];
}

export class UpdateReceiptBatchRequest {
  @ApiPropertyOptional({ example: 'UBS advice list of 4 May 2026' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(NOT_BLANK, { message: 'description must not be blank' })
  description?: string;

  @ApiPropertyOptional({ example: 12 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_BATCH_LINES)
  declaredCount?: number;

  @ApiPropertyOptional({ example: '152,300.00' })
  @IsOptional()
  @IsString()
  @Matches(AMOUNT, { message: 'declaredTotal must be an amount such as 152300.00' })
  declaredTotal?: string;
}

export class ReplaceBatchReceiptsRequest {
  @ApiProperty({ type: [BatchReceiptLine], description: 'Every receipt of the draft, in order' })
  @IsDefined()
  @IsArray()
  @ArrayMaxSize(MAX_BATCH_LINES)
  @ValidateNested({ each: true })
  @Type(() => BatchReceiptLine)
  receipts!: BatchReceiptLine[];
}

export class BatchOverrideRequest {
  @ApiProperty({
    example: 'The bank’s list counts a returned payment that was not credited',
    description: 'Why the batch is posted although it disagrees with what was declared',
  })
  @IsString()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @Length(3, 500)
  reason!: string;
}

export class PostReceiptBatchRequest {
  @ApiPropertyOptional({
    type: BatchOverrideRequest,
    description:
      'Needed only when the receipts entered disagree with the declared count or total; the ' +
      'reason is stored with the batch and in the audit trail. Ignored when they agree.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => BatchOverrideRequest)
  override?: BatchOverrideRequest;
}

export class ListReceiptBatchesQuery {
  @ApiPropertyOptional({ enum: BATCH_STATUSES })
  @IsOptional()
  @IsIn(BATCH_STATUSES)
  status?: BatchStatus;

  @ApiPropertyOptional({ example: 'WSIS-TF' })
  @IsOptional()
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund?: string;

  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class BatchFigures {
  @ApiProperty({ example: 12 }) count!: number;
  @ApiProperty({ description: 'Sum of gross amounts' }) total!: MoneyResponse;
}

export class BatchBankAccount {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'UBS-CHF' }) code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'CHF' }) currency!: string;
}

export class BatchReceiptRef {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'RCT-2026-000014' }) number!: string;
}

export class ReceiptBatchLineResponse extends BatchReceiptLine {
  @ApiPropertyOptional({
    nullable: true,
    type: BatchReceiptRef,
    description: 'For a posted batch: the receipt this line became',
  })
  receipt!: BatchReceiptRef | null;
}

export class ReceiptBatchSummaryResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'WSIS-TF' }) fund!: string;
  @ApiProperty() bankAccount!: BatchBankAccount;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: BATCH_STATUSES }) status!: BatchStatus;
  @ApiProperty({ description: 'What the list says' }) declared!: BatchFigures;
  @ApiProperty({ description: 'What was entered' }) entered!: BatchFigures;
  @ApiProperty({ description: 'Entered minus declared (zero when they agree)' })
  difference!: BatchFigures;
  @ApiProperty({ description: 'Whether the count and the total both agree' }) agrees!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String }) overrideReason!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) postedBy!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) postedAt!: string | null;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class ReceiptBatchResponse extends ReceiptBatchSummaryResponse {
  @ApiProperty({ type: [ReceiptBatchLineResponse] }) lines!: ReceiptBatchLineResponse[];
  @ApiProperty({
    type: [BatchReceiptRef],
    description: 'For a posted batch: its receipts, in the order of the lines',
  })
  receipts!: BatchReceiptRef[];
}

export class ReceiptBatchPageResponse {
  @ApiProperty({ type: [ReceiptBatchSummaryResponse] }) items!: ReceiptBatchSummaryResponse[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

/** The page's "Save draft": the declared figures and every line, saved together. */
export class SaveReceiptBatchDraftRequest extends UpdateReceiptBatchRequest {
  @IsDefined()
  @IsArray()
  @ArrayMaxSize(MAX_BATCH_LINES)
  @ValidateNested({ each: true })
  @Type(() => BatchReceiptLine)
  receipts!: BatchReceiptLine[];
}
