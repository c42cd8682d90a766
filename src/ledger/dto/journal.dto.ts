import { IsCalendarDate } from '../../common/calendar-date';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

const AMOUNT = /^-?[0-9][0-9,]*(\.[0-9]+)?$/;

export class AdjustmentLineRequest {
  @ApiProperty({ example: '1100', description: 'Account code in the fund’s chart of accounts' })
  @Matches(/^[0-9]{4}$/, { message: 'account must be a four-digit account code' })
  account!: string;

  @ApiPropertyOptional({ description: 'Donor id (dimension)' })
  @IsOptional()
  @IsUUID()
  donorId?: string;

  @ApiPropertyOptional({ example: 'UNEARMARKED', description: 'Earmark code (dimension)' })
  @IsOptional()
  @Matches(/^[A-Z0-9][A-Z0-9-]{1,39}$/, { message: 'earmark must be an earmark code' })
  earmark?: string;

  @ApiPropertyOptional({ description: 'Bank account id (dimension)' })
  @IsOptional()
  @IsUUID()
  bankAccountId?: string;

  @ApiPropertyOptional({
    description: 'The pledge the line concerns (of the same fund and donor), e.g. a payment',
  })
  @IsOptional()
  @IsUUID()
  pledgeId?: string;

  @ApiProperty({ example: 'CHF' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as CHF' })
  currency!: string;

  @ApiPropertyOptional({ example: '1,250.00', description: 'Debit amount; give debit or credit' })
  @IsOptional()
  @IsString()
  @Matches(AMOUNT, { message: 'debit must be an amount such as 1250.00' })
  debit?: string;

  @ApiPropertyOptional({ example: '1,250.00', description: 'Credit amount; give debit or credit' })
  @IsOptional()
  @IsString()
  @Matches(AMOUNT, { message: 'credit must be an amount such as 1250.00' })
  credit?: string;
}

export class CreateAdjustmentRequest {
  @ApiProperty({ example: '2026-03-31' })
  @IsCalendarDate()
  date!: string;

  @ApiProperty({ example: 'Correction of the March bank charges' })
  @IsString()
  @Length(3, 500)
  description!: string;

  @ApiProperty({ type: [AdjustmentLineRequest] })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => AdjustmentLineRequest)
  lines!: AdjustmentLineRequest[];
}

export class ReverseEntryRequest {
  @ApiProperty({ example: 'Posted to the wrong donor' })
  @IsString()
  @Length(3, 500)
  reason!: string;

  @ApiPropertyOptional({
    example: '2026-04-02',
    description: 'Date of the reversal; by default the original entry’s date',
  })
  @IsOptional()
  @IsCalendarDate()
  date?: string;
}

export class ListEntriesQuery {
  @ApiPropertyOptional({ example: '2026-01-01' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-31' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class MoneyResponse {
  @ApiProperty({ example: 'CHF' }) currency!: string;
  @ApiProperty({ example: '1250.00' }) amount!: string;
}

export class JournalLineResponse {
  @ApiProperty() lineNo!: number;
  @ApiProperty({ example: { code: '1100', name: 'Contributions receivable' } })
  account!: { code: string; name: string };
  @ApiPropertyOptional({ nullable: true, type: String }) donorId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'UNEARMARKED' })
  earmark!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) bankAccountId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) pledgeId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) receiptId!: string | null;
  @ApiPropertyOptional({ type: MoneyResponse, nullable: true }) debit!: MoneyResponse | null;
  @ApiPropertyOptional({ type: MoneyResponse, nullable: true }) credit!: MoneyResponse | null;
  @ApiProperty({ type: MoneyResponse, description: 'Signed amount in the functional currency' })
  functional!: MoneyResponse;
  @ApiPropertyOptional({ nullable: true, type: String, example: '0.9312450000' })
  rate!: string | null;
}

export class JournalEntryResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'WSIS-TF' }) fund!: string;
  @ApiProperty({ example: 'JE-2026-000001' }) number!: string;
  @ApiProperty({ example: '2026-03-31' }) date!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ example: { type: 'manual-adjustment', ref: null } })
  source!: { type: string; ref: string | null };
  @ApiPropertyOptional({ nullable: true, type: String }) reversesEntryId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) reversedByEntryId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: [JournalLineResponse] }) lines!: JournalLineResponse[];
}
