import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { IsCalendarDate } from '../../../common/calendar-date';
import { MoneyResponse } from '../../../ledger/dto/journal.dto';

const FUND = /^[A-Z0-9][A-Z0-9-]{1,19}$/;
const BANK_ACCOUNT = /^[A-Z0-9][A-Z0-9-]{1,29}$/;

export const BANK_RECONCILIATION_FORMATS = ['json', 'csv'] as const;
export type BankReconciliationFormat = (typeof BANK_RECONCILIATION_FORMATS)[number];

export class BankReconciliationQuery {
  @ApiProperty({ example: 'UBS-CHF', description: 'The bank account code' })
  @Matches(BANK_ACCOUNT, { message: 'bankAccount must be a bank account code' })
  bankAccount!: string;

  @ApiPropertyOptional({ example: '2026-06-30', description: 'Default: today' })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;

  @ApiPropertyOptional({ example: 'WSIS-TF', default: 'WSIS-TF' })
  @IsOptional()
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund?: string;

  @ApiPropertyOptional({ enum: BANK_RECONCILIATION_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(BANK_RECONCILIATION_FORMATS)
  format?: BankReconciliationFormat;
}

export class ReconciliationBankAccountResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'UBS-CHF' }) code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'CHF' }) currency!: string;
}

/** The statement whose closing balance is compared: the latest closing on or before the date. */
export class ReconciledStatementResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'The statement’s own id, as the bank numbered it' })
  statementId!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) sequence!: string | null;
  @ApiProperty() fileName!: string;
  @ApiProperty({ example: 'camt.053' }) format!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) openingDate!: string | null;
  @ApiProperty({ type: MoneyResponse }) openingBalance!: MoneyResponse;
  @ApiProperty({ example: '2026-06-30' }) closingDate!: string;
  @ApiProperty({ type: MoneyResponse }) closingBalance!: MoneyResponse;
  @ApiPropertyOptional({ nullable: true, type: String }) continuityWarning!: string | null;
}

/** A receipt on the ledger whose money no statement (up to the date) shows yet. */
export class UnbankedReceiptResponse {
  @ApiProperty() receiptId!: string;
  @ApiProperty({ example: 'RCT-2026-000014' }) number!: string;
  @ApiProperty() valueDate!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) remitterName!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) bankReference!: string | null;
  @ApiProperty({ type: MoneyResponse }) gross!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) charges!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'gross − charges: what reaches the account' })
  net!: MoneyResponse;
}

/** A cash line on the account not from a receipt's recording (refund, disbursement, manual…). */
export class UnbankedMovementResponse {
  @ApiProperty() entryId!: string;
  @ApiProperty({ example: 'JE-2026-000031' }) entryNumber!: string;
  @ApiProperty() entryDate!: string;
  @ApiProperty({ example: 'receipt-refund' }) sourceType!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: MoneyResponse, description: 'Signed: money in positive, out negative' })
  amount!: MoneyResponse;
}

/** A booked bank line that nothing on the ledger accounts for. */
export class UnrecordedBankLineResponse {
  @ApiProperty() lineId!: string;
  @ApiProperty() statementId!: string;
  @ApiProperty() lineNo!: number;
  @ApiProperty() bookingDate!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) valueDate!: string | null;
  @ApiProperty({ type: MoneyResponse, description: 'Signed: credits positive' })
  amount!: MoneyResponse;
  @ApiPropertyOptional({ nullable: true, type: String }) counterpartyName!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) remittanceText!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) bankReference!: string | null;
}

export class InLedgerNotOnBankResponse {
  @ApiProperty({ type: [UnbankedReceiptResponse] }) receipts!: UnbankedReceiptResponse[];
  @ApiProperty({ type: [UnbankedMovementResponse] }) movements!: UnbankedMovementResponse[];
  @ApiProperty({ type: MoneyResponse }) total!: MoneyResponse;
}

export class OnBankNotInLedgerResponse {
  @ApiProperty({ type: [UnrecordedBankLineResponse] }) lines!: UnrecordedBankLineResponse[];
  @ApiProperty({ type: MoneyResponse }) total!: MoneyResponse;
}

export class BankReconciliationResponse {
  @ApiProperty({ example: 'WSIS-TF' }) fund!: string;
  @ApiProperty({ example: '2026-06-30' }) asOf!: string;
  @ApiProperty({ type: ReconciliationBankAccountResponse })
  bankAccount!: ReconciliationBankAccountResponse;
  @ApiProperty({
    enum: ['functional', 'transaction'],
    description:
      'functional: the account is in the fund currency, the ledger is read in it; ' +
      'transaction: a foreign-currency account, compared in its own currency',
  })
  basis!: 'functional' | 'transaction';
  @ApiPropertyOptional({
    type: ReconciledStatementResponse,
    nullable: true,
    description: 'None when no statement closes on or before the date (balance taken as 0)',
  })
  statement!: ReconciledStatementResponse | null;
  @ApiProperty({ type: MoneyResponse }) statementBalance!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'Cash at bank (1000) for this account' })
  ledgerBalance!: MoneyResponse;
  @ApiProperty({ type: InLedgerNotOnBankResponse }) inLedgerNotOnBank!: InLedgerNotOnBankResponse;
  @ApiProperty({ type: OnBankNotInLedgerResponse }) onBankNotInLedger!: OnBankNotInLedgerResponse;
  @ApiProperty({
    type: MoneyResponse,
    description: 'ledger balance + on the bank not in the ledger − in the ledger not on the bank',
  })
  explainedBalance!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'statement balance − explained balance' })
  difference!: MoneyResponse;
  @ApiProperty({ description: 'The difference is zero' }) reconciled!: boolean;
}
