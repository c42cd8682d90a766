import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate } from '../../common/calendar-date';
import { JournalEntryResponse, MoneyResponse } from '../../ledger/dto/journal.dto';

export const AMOUNT = /^[0-9][0-9,]*(\.[0-9]+)?$/;
const FUND = /^[A-Z0-9][A-Z0-9-]{1,19}$/;
const BANK_ACCOUNT_CODE = /^[A-Z0-9][A-Z0-9-]{1,29}$/;
export const MAX_ALLOCATIONS = 100;

export const RECEIPT_STATUSES = [
  'unidentified',
  'unapplied',
  'partially-allocated',
  'allocated',
  'refunded',
  'reversed',
] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

/** 'auto': oldest due first (see README); 'none': everything stays unapplied. */
export const ALLOCATION_MODES = ['auto', 'none'] as const;
export type AllocationMode = (typeof ALLOCATION_MODES)[number];

export class AllocationRequest {
  @ApiProperty({ description: 'The pledge to apply money to' })
  @IsUUID()
  pledgeId!: string;

  @ApiPropertyOptional({
    example: 2,
    description: 'The instalment (its number). Without it: the pledge, oldest due first.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  instalment?: number;

  @ApiProperty({
    example: '25,000.00',
    description:
      'In the currency of the pledge. A receipt in another currency gives as much of itself as ' +
      'this is worth at the UN rate of its value date.',
  })
  @IsString()
  @Matches(AMOUNT, { message: 'amount must be an amount such as 25000.00' })
  amount!: string;
}

export class RecordReceiptRequest {
  @ApiPropertyOptional({ example: 'WSIS-TF', default: 'WSIS-TF', description: 'Code of the fund' })
  @IsOptional()
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund?: string;

  @ApiProperty({ example: 'UBS-CHF', description: 'Code of the bank account it arrived on' })
  @Matches(BANK_ACCOUNT_CODE, { message: 'bankAccount must be a bank account code' })
  bankAccount!: string;

  @ApiProperty({ example: '2026-05-04', description: 'Value date on the bank statement' })
  @IsCalendarDate()
  valueDate!: string;

  @ApiProperty({ example: 'CHF', description: "The bank account's currency" })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as CHF' })
  currency!: string;

  @ApiProperty({ example: '50,000.00', description: 'What the donor sent, before bank charges' })
  @IsString()
  @Matches(AMOUNT, { message: 'grossAmount must be an amount such as 50000.00' })
  grossAmount!: string;

  @ApiPropertyOptional({ example: '25.00', default: '0', description: 'Deducted by banks' })
  @IsOptional()
  @IsString()
  @Matches(AMOUNT, { message: 'bankCharges must be an amount such as 25.00' })
  bankCharges?: string;

  @ApiPropertyOptional({ description: 'Unknown donor: leave out (the receipt goes to suspense)' })
  @IsOptional()
  @IsUUID()
  donorId?: string;

  @ApiPropertyOptional({ example: 'MINISTRY OF FOREIGN AFFAIRS' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  remitterName?: string;

  @ApiPropertyOptional({ example: 'WSIS-TF-2026-0012 first instalment' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  remittanceText?: string;

  @ApiPropertyOptional({ example: 'ZKB2026050400123', description: "The bank's own reference" })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  bankReference?: string;

  @ApiPropertyOptional({
    enum: ALLOCATION_MODES,
    description:
      "Without `allocations`: 'auto' (the default when a donor is given) applies the money " +
      "oldest due first; 'none' leaves it unapplied.",
  })
  @IsOptional()
  @IsIn(ALLOCATION_MODES)
  allocation?: AllocationMode;

  @ApiPropertyOptional({ type: [AllocationRequest], description: 'Explicit allocations' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ALLOCATIONS)
  @ValidateNested({ each: true })
  @Type(() => AllocationRequest)
  allocations?: AllocationRequest[];
}

export class AllocateReceiptRequest {
  @ApiPropertyOptional({
    example: '2026-05-20',
    description: 'Accounting date of the allocation: on or after the value date; default today',
  })
  @IsOptional()
  @IsCalendarDate()
  date?: string;

  @ApiPropertyOptional({ enum: ['auto'], description: "'auto': oldest due first" })
  @IsOptional()
  @IsIn(['auto'])
  allocation?: 'auto';

  @ApiPropertyOptional({ type: [AllocationRequest] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ALLOCATIONS)
  @ValidateNested({ each: true })
  @Type(() => AllocationRequest)
  allocations?: AllocationRequest[];
}

export class AssignDonorRequest {
  @ApiProperty({ description: 'The donor the unidentified receipt came from' })
  @IsUUID()
  donorId!: string;

  @ApiPropertyOptional({ example: '2026-05-20', description: 'Accounting date; default today' })
  @IsOptional()
  @IsCalendarDate()
  date?: string;
}

export class RefundReceiptRequest {
  @ApiProperty({ example: '1,000.00', description: 'In the receipt currency; at most unapplied' })
  @IsString()
  @Matches(AMOUNT, { message: 'amount must be an amount such as 1000.00' })
  amount!: string;

  @ApiProperty({ example: '2026-06-01', description: 'When the money leaves the bank account' })
  @IsCalendarDate()
  date!: string;

  @ApiProperty({ example: 'Overpayment returned at the donor’s request (letter of 28 May)' })
  @IsString()
  @Length(3, 500)
  reason!: string;
}

export class ReverseReceiptRequest {
  @ApiProperty({ example: '2026-06-01', description: 'Accounting date of the reversal' })
  @IsCalendarDate()
  date!: string;

  @ApiProperty({ example: 'Entered twice: same credit as RCT-2026-000014' })
  @IsString()
  @Length(3, 500)
  reason!: string;
}

export class ListReceiptsQuery {
  @ApiPropertyOptional({ example: 'WSIS-TF' })
  @IsOptional()
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund?: string;

  @ApiPropertyOptional({
    enum: ['unidentified', 'unapplied', 'allocated', 'reversed'],
    description:
      "'unapplied': money of a known donor not yet applied in full; 'unidentified': donor unknown",
  })
  @IsOptional()
  @IsIn(['unidentified', 'unapplied', 'allocated', 'reversed'])
  queue?: 'unidentified' | 'unapplied' | 'allocated' | 'reversed';

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  donorId?: string;

  @ApiPropertyOptional({ example: 'UBS-CHF' })
  @IsOptional()
  @Matches(BANK_ACCOUNT_CODE, { message: 'bankAccount must be a bank account code' })
  bankAccount?: string;

  @ApiPropertyOptional({ example: '2026-01-01' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-31' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  offset?: number;
}

export class ReceiptAllocationResponse {
  @ApiProperty() id!: string;
  @ApiProperty() pledgeId!: string;
  @ApiProperty({ example: 'WSIS-TF-2026-0012' }) pledgeReference!: string;
  @ApiProperty() instalment!: number;
  @ApiProperty({ example: '2026-05-04' }) allocatedOn!: string;
  @ApiProperty({ description: 'In the receipt currency (negative: a reversal)' })
  amount!: MoneyResponse;
  @ApiProperty({ description: 'In the pledge currency' }) pledgeAmount!: MoneyResponse;
  @ApiProperty({ description: "Worth in the fund's currency at the receipt's rate" })
  value!: MoneyResponse;
  @ApiProperty({ description: 'The receivable relieved, at the rate it was booked at' })
  relieved!: MoneyResponse;
  @ApiProperty({ description: 'Realised FX difference: gain positive, loss negative' })
  fx!: MoneyResponse;
  @ApiProperty() entryId!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) reversesAllocationId!: string | null;
}

export class ReceiptEventResponse {
  @ApiProperty({ enum: ['donor-assigned', 'refunded', 'reversed'] }) kind!: string;
  @ApiProperty() on!: string;
  @ApiPropertyOptional({ nullable: true, type: MoneyResponse }) amount!: MoneyResponse | null;
  @ApiPropertyOptional({ nullable: true, type: String }) donorId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) reason!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) entryId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) approvalId!: string | null;
  @ApiProperty() actor!: string;
  @ApiProperty() at!: string;
}

export class ReceiptSummaryResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'RCT-2026-000001' }) number!: string;
  @ApiProperty({ example: 'WSIS-TF' }) fund!: string;
  @ApiProperty({ example: { id: '…', code: 'UBS-CHF', name: 'UBS CHF operating account' } })
  bankAccount!: { id: string; code: string; name: string };
  @ApiProperty({ example: '2026-05-04' }) valueDate!: string;
  @ApiProperty() gross!: MoneyResponse;
  @ApiProperty() charges!: MoneyResponse;
  @ApiProperty({ description: 'What reached the bank account' }) net!: MoneyResponse;
  @ApiProperty({ description: "Gross in the fund's currency at the UN rate of the value date" })
  grossFunctional!: MoneyResponse;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Fund units per unit' })
  rate!: string | null;
  @ApiPropertyOptional({ nullable: true }) donor!: { id: string; name: string } | null;
  @ApiPropertyOptional({ nullable: true, type: String }) remitterName!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) remittanceText!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) bankReference!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) batchId!: string | null;
  @ApiProperty({ enum: RECEIPT_STATUSES }) status!: ReceiptStatus;
  @ApiProperty({ description: 'Applied to pledges, in the receipt currency' })
  allocated!: MoneyResponse;
  @ApiProperty({ description: 'Not yet applied (unapplied credit or suspense)' })
  unapplied!: MoneyResponse;
  @ApiProperty() unappliedFunctional!: MoneyResponse;
  @ApiProperty() refunded!: MoneyResponse;
  @ApiProperty() entryId!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
}

export class ReceiptResponse extends ReceiptSummaryResponse {
  @ApiProperty({ type: [ReceiptAllocationResponse] }) allocations!: ReceiptAllocationResponse[];
  @ApiProperty({ type: [ReceiptEventResponse] }) events!: ReceiptEventResponse[];
  @ApiProperty({
    type: [JournalEntryResponse],
    description: 'Every entry naming the receipt, with reversals linked to what they reverse',
  })
  entries!: JournalEntryResponse[];
}

export class ReceiptPageResponse {
  @ApiProperty({ type: [ReceiptSummaryResponse] }) items!: ReceiptSummaryResponse[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

/** An instalment money may be applied to, as the allocation page shows it. */
export class OpenInstalmentResponse {
  @ApiProperty() pledgeId!: string;
  @ApiProperty() pledgeReference!: string;
  @ApiProperty() earmark!: string;
  @ApiProperty() instalment!: number;
  @ApiProperty() dueDate!: string;
  @ApiProperty({ description: 'In the pledge currency' }) amountDue!: MoneyResponse;
  @ApiProperty({ description: 'Named in the remittance text' }) named!: boolean;
}
