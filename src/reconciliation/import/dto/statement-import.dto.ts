import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBase64,
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

const FUND = /^[A-Z0-9][A-Z0-9-]{1,19}$/;
const BANK_ACCOUNT_CODE = /^[A-Z0-9][A-Z0-9-]{1,29}$/;
const NOT_BLANK = /\S/;

export const STATEMENT_FORMATS = ['camt.053', 'mt940', 'csv'] as const;

export class ImportStatementRequest {
  @ApiPropertyOptional({ example: 'WSIS-TF', default: 'WSIS-TF', description: 'Code of the fund' })
  @IsOptional()
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund?: string;

  @ApiProperty({ example: 'UBS-CHF', description: 'Code of the bank account of the statement' })
  @Matches(BANK_ACCOUNT_CODE, { message: 'bankAccount must be a bank account code' })
  bankAccount!: string;

  @ApiProperty({ example: 'camt053-2026-05-04.xml' })
  @IsString()
  @Length(1, 200)
  @Matches(NOT_BLANK, { message: 'fileName must not be blank' })
  fileName!: string;

  @ApiProperty({ description: 'The file, base64-encoded, exactly as the bank sent it' })
  @IsDefined()
  @IsBase64(undefined, { message: 'content must be the file encoded in base64' })
  content!: string;

  @ApiPropertyOptional({
    enum: STATEMENT_FORMATS,
    description: 'Read from the file name and content when not given',
  })
  @IsOptional()
  @IsIn(STATEMENT_FORMATS)
  format?: (typeof STATEMENT_FORMATS)[number];
}

export class ListStatementsQuery {
  @ApiPropertyOptional({ example: 'WSIS-TF', default: 'WSIS-TF' })
  @IsOptional()
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund?: string;

  @ApiPropertyOptional({ example: 'UBS-CHF' })
  @IsOptional()
  @Matches(BANK_ACCOUNT_CODE, { message: 'bankAccount must be a bank account code' })
  bankAccount?: string;
}

export class CsvColumnsRequest {
  @ApiProperty({ example: 'Date' }) @IsString() @Length(1, 100) bookingDate!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) valueDate?: string;
  @ApiPropertyOptional({ example: 'Amount' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  amount?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) debit?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) credit?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) currency?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) counterpartyName?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) remittanceText?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) bankReference?: string;
}

/** How the bank's CSV export is read (src/reconciliation/parsers/statement.types.ts CsvMapping). */
export class CsvMappingRequest {
  @ApiPropertyOptional({ example: ',' })
  @IsOptional()
  @IsString()
  @Length(1, 1)
  delimiter?: string;

  @ApiPropertyOptional({ example: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  skipLines?: number;

  @ApiProperty({ enum: ['YYYY-MM-DD', 'DD.MM.YYYY', 'DD/MM/YYYY', 'MM/DD/YYYY'] })
  @IsIn(['YYYY-MM-DD', 'DD.MM.YYYY', 'DD/MM/YYYY', 'MM/DD/YYYY'])
  dateFormat!: 'YYYY-MM-DD' | 'DD.MM.YYYY' | 'DD/MM/YYYY' | 'MM/DD/YYYY';

  @ApiProperty({ enum: ['.', ','] })
  @IsIn(['.', ','])
  decimalSeparator!: '.' | ',';

  @ApiProperty({ type: CsvColumnsRequest })
  @IsDefined()
  @ValidateNested()
  @Type(() => CsvColumnsRequest)
  columns!: CsvColumnsRequest;

  @ApiPropertyOptional({ example: 'CHF' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code' })
  currency?: string;
}

export class CsvMappingResponse {
  @ApiProperty() fund!: string;
  @ApiProperty() bankAccount!: string;
  @ApiProperty({ type: CsvMappingRequest }) mapping!: CsvMappingRequest;
  @ApiProperty() updatedBy!: string;
  @ApiProperty() updatedAt!: string;
}

export class StatementBankAccount {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'UBS-CHF' }) code!: string;
  @ApiProperty() name!: string;
}

export class ImportedStatementResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'WSIS-TF' }) fund!: string;
  @ApiProperty({ type: StatementBankAccount }) bankAccount!: StatementBankAccount;
  @ApiProperty({ enum: STATEMENT_FORMATS }) format!: string;
  @ApiProperty() fileName!: string;
  @ApiProperty({ description: "The statement's own id, as the bank names it" })
  statementId!: string;
  @ApiProperty({ nullable: true, type: String }) sequence!: string | null;
  @ApiProperty() accountIdentifier!: string;
  @ApiProperty({ example: 'CHF' }) currency!: string;
  @ApiProperty({ nullable: true, type: String }) openingDate!: string | null;
  @ApiProperty({ type: MoneyResponse }) opening!: MoneyResponse;
  @ApiProperty() closingDate!: string;
  @ApiProperty({ type: MoneyResponse }) closing!: MoneyResponse;
  @ApiProperty() lineCount!: number;
  @ApiProperty({ type: MoneyResponse }) credits!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) debits!: MoneyResponse;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Why the balances do not follow on (a warning: the statement is kept)',
  })
  continuityWarning!: string | null;
  @ApiProperty() importedBy!: string;
  @ApiProperty() importedAt!: string;
}

export class ImportTotals {
  @ApiProperty() statements!: number;
  @ApiProperty() lines!: number;
  @ApiProperty({ type: MoneyResponse }) credits!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) debits!: MoneyResponse;
}

export class ImportSummaryResponse {
  @ApiProperty() fileName!: string;
  @ApiProperty() fileSha256!: string;
  @ApiProperty({ type: [ImportedStatementResponse] }) statements!: ImportedStatementResponse[];
  @ApiProperty({ type: ImportTotals }) totals!: ImportTotals;
  @ApiProperty({ type: [String] }) warnings!: string[];
}

export class StatementLineResponse {
  @ApiProperty() id!: string;
  @ApiProperty() lineNo!: number;
  @ApiProperty() bookingDate!: string;
  @ApiProperty({ nullable: true, type: String }) valueDate!: string | null;
  @ApiProperty({ type: MoneyResponse, description: 'Signed: credits positive' })
  amount!: MoneyResponse;
  @ApiProperty() status!: string;
  @ApiProperty() reversal!: boolean;
  @ApiProperty({ nullable: true, type: String }) bankReference!: string | null;
  @ApiProperty({ nullable: true, type: String }) endToEndId!: string | null;
  @ApiProperty({ nullable: true, type: String }) counterpartyName!: string | null;
  @ApiProperty({ nullable: true, type: String }) counterpartyAccount!: string | null;
  @ApiProperty({ nullable: true, type: String }) remittanceText!: string | null;
  @ApiProperty({ nullable: true, type: String }) bankTransactionCode!: string | null;
  @ApiProperty({ nullable: true, type: MoneyResponse }) instructedAmount!: MoneyResponse | null;
}

export class StatementResponse extends ImportedStatementResponse {
  @ApiProperty({ type: [StatementLineResponse] }) lines!: StatementLineResponse[];
}

export class StatementListResponse {
  @ApiProperty({ type: [ImportedStatementResponse] }) items!: ImportedStatementResponse[];
}
