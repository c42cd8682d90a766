import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { IsCalendarDate } from '../../common/calendar-date';
import { MoneyResponse } from '../../ledger/dto/journal.dto';

const FUND = /^[A-Z0-9][A-Z0-9-]{1,19}$/;

export const REPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Where a pledge stands as of the date, as far as its ledger lines say (no aging here). */
export const RECONCILIATION_STAGES = [
  'announced',
  'agreed',
  'partially-paid',
  'paid',
  'written-off',
  'cancelled',
] as const;
export type ReconciliationStage = (typeof RECONCILIATION_STAGES)[number];

export class PledgeReconciliationQuery {
  @ApiPropertyOptional({ example: 'WSIS-TF', default: 'WSIS-TF' })
  @IsOptional()
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Default: today' })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;

  @ApiPropertyOptional({ description: 'One donor only' })
  @IsOptional()
  @IsUUID()
  donorId?: string;

  @ApiPropertyOptional({
    enum: REPORT_FORMATS,
    default: 'json',
    description:
      '`csv` (or `Accept: text/csv`): one row per pledge, donor subtotals, total; `xlsx`: ' +
      'sheets of pledges, donors and currency totals',
  })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;
}

/** One receipt allocation to the pledge (or the reversal of one), as of the date. */
export class ReconciliationAllocationResponse {
  @ApiProperty() id!: string;
  @ApiProperty() receiptId!: string;
  @ApiProperty({ example: 'RCT-2026-000014' }) receiptNumber!: string;
  @ApiProperty({ example: '2026-05-04' }) valueDate!: string;
  @ApiProperty({ example: '2026-05-04' }) allocatedOn!: string;
  @ApiProperty({ example: 1 }) instalment!: number;
  @ApiProperty({ type: MoneyResponse, description: 'In the receipt currency' })
  amount!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'In the pledge currency' })
  pledgeAmount!: MoneyResponse;
  @ApiProperty({
    type: MoneyResponse,
    description: 'Worth in the fund currency at the receipt rate',
  })
  value!: MoneyResponse;
  @ApiProperty({
    type: MoneyResponse,
    description: 'Receivable relieved, in the fund currency at the rate it was booked at',
  })
  relieved!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'Realised FX: gain positive, loss negative' })
  fx!: MoneyResponse;
  @ApiProperty({ description: 'This row reverses an earlier allocation (negative amounts)' })
  reversal!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String })
  reversesAllocationId!: string | null;
  @ApiProperty({ description: 'A later row (on or before the date) reverses this one' })
  reversed!: boolean;
}

/**
 * What was pledged, received, written off, cancelled and is outstanding, in one pledge currency
 * and in the fund currency. Receivable figures come from the pledge-linked lines of account
 * 1100, FX from 4100/5200, received from the receipt allocations.
 */
export class CurrencyFiguresResponse {
  @ApiProperty({ example: 'EUR', description: 'The pledge currency' }) currency!: string;
  @ApiProperty({
    type: MoneyResponse,
    description: 'Booked on the receivable at agreement and by amendments',
  })
  pledged!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) pledgedFunctional!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'Receipts allocated, in the pledge currency' })
  received!: MoneyResponse;
  @ApiProperty({ type: [MoneyResponse], description: 'The same, in the receipts’ currencies' })
  receivedInReceiptCurrencies!: MoneyResponse[];
  @ApiProperty({
    type: MoneyResponse,
    description: 'What the receipts were worth in the fund currency (rate of their value date)',
  })
  receivedFunctional!: MoneyResponse;
  @ApiProperty({
    type: MoneyResponse,
    description:
      'Receivable cleared by receipts, in the fund currency at the booked rates ' +
      '(= receivedFunctional − fxFunctional)',
  })
  relievedFunctional!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'Realised FX (4100/5200): gain positive' })
  fxFunctional!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) writtenOff!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) writtenOffFunctional!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) cancelled!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) cancelledFunctional!: MoneyResponse;
  @ApiProperty({
    type: MoneyResponse,
    description: 'Receivable cleared by manual adjustments naming the pledge (credit positive)',
  })
  adjusted!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) adjustedFunctional!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'Receivable balance (1100)' })
  outstanding!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'Receivable balance at the booked rates' })
  outstandingFunctional!: MoneyResponse;
  @ApiProperty({
    type: MoneyResponse,
    description: 'Announced, not yet agreed: off-ledger (memo), in no other figure',
  })
  announced!: MoneyResponse;
}

export class PledgeReconciliationLineResponse extends CurrencyFiguresResponse {
  @ApiProperty() pledgeId!: string;
  @ApiProperty({ example: 'WSIS-TF-2026-0012' }) reference!: string;
  @ApiProperty({ example: 'PARTICIPATION-GRANTS' }) earmark!: string;
  @ApiProperty({ example: '2026-02-15' }) announcedOn!: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'If agreed by the date' })
  agreedOn!: string | null;
  @ApiProperty({ enum: RECONCILIATION_STAGES }) stage!: ReconciliationStage;
  @ApiProperty({ description: 'Announced only: off-ledger, figures are memo' }) memo!: boolean;
  @ApiProperty({
    description:
      'pledged − received − written off − cancelled − adjusted = outstanding in the pledge ' +
      'currency, and received − FX = relieved in the fund currency',
  })
  reconciles!: boolean;
  @ApiProperty({ type: [ReconciliationAllocationResponse] })
  allocations!: ReconciliationAllocationResponse[];
}

/** The same figures for several pledges, all in the fund currency. */
export class FunctionalFiguresResponse {
  @ApiProperty({ type: MoneyResponse }) pledged!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) received!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) relieved!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) fx!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) writtenOff!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) cancelled!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) adjusted!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) outstanding!: MoneyResponse;
}

export class ReconciliationSubtotalResponse {
  @ApiProperty() pledges!: number;
  @ApiProperty({ type: [CurrencyFiguresResponse], description: 'Per pledge currency' })
  byCurrency!: CurrencyFiguresResponse[];
  @ApiProperty({ type: FunctionalFiguresResponse, description: 'All currencies, fund currency' })
  functional!: FunctionalFiguresResponse;
  @ApiProperty({ type: [MoneyResponse], description: 'Received, per receipt currency' })
  receivedInReceiptCurrencies!: MoneyResponse[];
  @ApiProperty() reconciles!: boolean;
}

export class DonorReconciliationResponse {
  @ApiProperty({ example: { id: '…', name: 'Switzerland' } })
  donor!: { id: string; name: string };
  @ApiProperty({ type: [PledgeReconciliationLineResponse] })
  pledges!: PledgeReconciliationLineResponse[];
  @ApiProperty({ type: ReconciliationSubtotalResponse }) subtotal!: ReconciliationSubtotalResponse;
}

export class PledgeReconciliationResponse {
  @ApiProperty({ example: 'WSIS-TF' }) fund!: string;
  @ApiProperty({ example: 'CHF' }) functionalCurrency!: string;
  @ApiProperty({ example: '2026-12-31' }) asOf!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) donorId!: string | null;
  @ApiProperty({ type: [DonorReconciliationResponse] }) donors!: DonorReconciliationResponse[];
  @ApiProperty({ type: ReconciliationSubtotalResponse }) total!: ReconciliationSubtotalResponse;
}
