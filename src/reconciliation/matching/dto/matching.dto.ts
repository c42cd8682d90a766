import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { ALLOCATION_MODES, AllocationMode, AMOUNT } from '../../../receipts/dto/receipt.dto';

const FUND = /^[A-Z0-9][A-Z0-9-]{1,19}$/;
const BANK_ACCOUNT_CODE = /^[A-Z0-9][A-Z0-9-]{1,29}$/;
export const LINE_STATUSES = ['unmatched', 'matched', 'not-contribution'] as const;
export type LineStatus = (typeof LINE_STATUSES)[number];
export const CLASSIFICATIONS = ['interest', 'fee', 'transfer', 'other'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];
/** Accounts a line that is not a contribution may be posted against (cash is the other side). */
export const NOT_CONTRIBUTION_ACCOUNTS = ['4200', '5100', '2300', '2400', '5400'] as const;

export class ListLinesQuery {
  @ApiPropertyOptional({ example: 'WSIS-TF', default: 'WSIS-TF' })
  @IsOptional()
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund?: string;

  @ApiProperty({ example: 'UBS-CHF' })
  @Matches(BANK_ACCOUNT_CODE, { message: 'bankAccount must be a bank account code' })
  bankAccount!: string;

  @ApiPropertyOptional({ enum: LINE_STATUSES, default: 'unmatched' })
  @IsOptional()
  @IsIn(LINE_STATUSES)
  status?: LineStatus;
}

export class RunMatchingRequest {
  @ApiPropertyOptional({ example: 'WSIS-TF', default: 'WSIS-TF' })
  @IsOptional()
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund?: string;

  @ApiProperty({ example: 'UBS-CHF' })
  @Matches(BANK_ACCOUNT_CODE, { message: 'bankAccount must be a bank account code' })
  bankAccount!: string;
}

export class ConfirmLineRequest {
  @ApiProperty({ type: [String], description: 'The receipts the line paid' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  receiptIds!: string[];

  @ApiPropertyOptional({
    type: [String],
    description: "Amount of the line per receipt (same order); default: each receipt's net amount",
  })
  @IsOptional()
  @IsArray()
  @Matches(AMOUNT, { each: true, message: 'amounts must be amounts such as 250.00' })
  amounts?: string[];

  @ApiPropertyOptional({ description: 'Why, when the amounts differ beyond the tolerance' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class MatchLinesRequest {
  @ApiProperty({ type: [String], description: 'The lines that together paid the receipt' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  lineIds!: string[];

  @ApiProperty()
  @IsUUID()
  receiptId!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class RejectSuggestionRequest {
  @ApiProperty()
  @IsUUID()
  receiptId!: string;
}

export class NotContributionRequest {
  @ApiProperty({ enum: CLASSIFICATIONS })
  @IsIn(CLASSIFICATIONS)
  classification!: Classification;

  @ApiProperty({ enum: NOT_CONTRIBUTION_ACCOUNTS, example: '4200' })
  @IsIn(NOT_CONTRIBUTION_ACCOUNTS)
  account!: string;

  @ApiProperty({ example: 'Interest Q2' })
  @IsString()
  @Length(1, 200)
  description!: string;
}

export class CreateReceiptFromLineRequest {
  @ApiPropertyOptional({ description: 'Unknown donor: leave out (the receipt goes to suspense)' })
  @IsOptional()
  @IsUUID()
  donorId?: string;

  @ApiPropertyOptional({ enum: ALLOCATION_MODES })
  @IsOptional()
  @IsIn(ALLOCATION_MODES)
  allocation?: AllocationMode;
}

export class UndoMatchRequest {
  @ApiProperty({ example: 'Matched to the wrong receipt' })
  @IsString()
  @Length(1, 500)
  reason!: string;
}
