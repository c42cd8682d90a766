import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
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
import { IsCalendarDate } from '../../common/calendar-date';
import { JournalEntryResponse, MoneyResponse } from '../../ledger/dto/journal.dto';
import { GRANT_KINDS, GrantKind } from '../eligibility';

const AMOUNT = /^[0-9][0-9,]*(\.[0-9]+)?$/;

export const GRANT_STATUSES = [
  'requested',
  'approved',
  'disbursed',
  'settled',
  'cancelled',
] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

export class ExceptionRequest {
  @ApiProperty({ example: 'Speaker invited by the WSIS+20 co-facilitators; no other candidate' })
  @IsString()
  @Length(10, 1000)
  reason!: string;
}

export class RequestGrantRequest {
  @ApiProperty() @IsUUID() eventId!: string;
  @ApiProperty() @IsUUID() participantId!: string;

  @ApiProperty({ enum: GRANT_KINDS })
  @IsIn(GRANT_KINDS)
  kind!: GrantKind;

  @ApiPropertyOptional({ example: '1,450.00', description: 'Air ticket (full, partial-ticket)' })
  @IsOptional()
  @IsString()
  @Matches(AMOUNT, { message: 'ticket must be an amount such as 1450.00' })
  ticket?: string;

  @ApiPropertyOptional({
    example: '1,200.00',
    description: 'Daily subsistence allowance (full, partial-allowance)',
  })
  @IsOptional()
  @IsString()
  @Matches(AMOUNT, { message: 'allowance must be an amount such as 1200.00' })
  allowance?: string;

  @ApiPropertyOptional({
    example: '2026-11-20',
    description: 'The date eligibility is decided on (country status as of it); default today',
  })
  @IsOptional()
  @IsCalendarDate()
  decisionDate?: string;

  @ApiPropertyOptional({
    type: ExceptionRequest,
    description: 'Asks for an exception to the rules that fail; the approver sees the reason',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ExceptionRequest)
  exception?: ExceptionRequest;
}

export class CheckEligibilityRequest {
  @ApiProperty() @IsUUID() eventId!: string;
  @ApiProperty() @IsUUID() participantId!: string;
  @ApiProperty({ enum: GRANT_KINDS }) @IsIn(GRANT_KINDS) kind!: GrantKind;
  @ApiPropertyOptional() @IsOptional() @IsCalendarDate() decisionDate?: string;
}

export class ListGrantsQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() eventId?: string;
  @ApiPropertyOptional({ enum: GRANT_STATUSES })
  @IsOptional()
  @IsIn(GRANT_STATUSES)
  status?: GrantStatus;
  @ApiPropertyOptional({ example: 'NP' })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code' })
  country?: string;
  // Query values arrive as text: without @Type, ?limit=10 was refused as "not an integer".
  @ApiPropertyOptional({ default: 50 })
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

export class FailedRuleResponse {
  @ApiProperty({ example: 'countryStatus' }) rule!: string;
  @ApiProperty() reason!: string;
}

export class EligibilityResponse {
  @ApiProperty() eligible!: boolean;
  @ApiProperty({ example: '2026-11-20' }) decisionDate!: string;
  @ApiProperty({ enum: ['ldc', 'developing', 'other'] }) countryStatus!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) region!: string | null;
  @ApiProperty({ description: "1: LDC, 2: other developing (the order of 'ldc-first')" })
  priority!: number;
  @ApiProperty({ type: [FailedRuleResponse] }) failed!: FailedRuleResponse[];
}

export class GrantStepResponse {
  @ApiProperty() kind!: string;
  @ApiProperty() on!: string;
  @ApiPropertyOptional({ nullable: true, type: MoneyResponse }) amount!: MoneyResponse | null;
  @ApiPropertyOptional({ nullable: true, type: String }) reason!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) entryId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) approvalId!: string | null;
  @ApiProperty() actor!: string;
  @ApiProperty() at!: string;
}

export class GrantSummaryResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'GR-2026-0001' }) number!: string;
  @ApiProperty() fund!: string;
  @ApiProperty() event!: { id: string; code: string; name: string };
  @ApiProperty() participant!: {
    id: string;
    name: string;
    country: string;
    gender: string;
    stakeholderGroup: string;
  };
  @ApiProperty({ enum: GRANT_KINDS }) kind!: GrantKind;
  @ApiProperty() amount!: MoneyResponse;
  @ApiPropertyOptional({ nullable: true, type: MoneyResponse }) ticket!: MoneyResponse | null;
  @ApiPropertyOptional({ nullable: true, type: MoneyResponse }) allowance!: MoneyResponse | null;
  @ApiProperty() decisionDate!: string;
  @ApiProperty({ type: EligibilityResponse }) eligibility!: EligibilityResponse;
  @ApiPropertyOptional({ nullable: true, type: String }) exceptionReason!: string | null;
  @ApiProperty({ enum: GRANT_STATUSES }) status!: GrantStatus;
  @ApiProperty({ description: 'Still committed against the earmark' }) committed!: MoneyResponse;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
}

export class GrantResponse extends GrantSummaryResponse {
  @ApiProperty({ type: [GrantStepResponse] }) steps!: GrantStepResponse[];
  @ApiProperty({ description: 'Donors whose earmarked receipts pay for it (oldest receipt first)' })
  attributions!: Array<{ donorId: string; donorName: string; amount: MoneyResponse }>;
  @ApiProperty({ type: [JournalEntryResponse] }) entries!: JournalEntryResponse[];
}

export class GrantPageResponse {
  @ApiProperty({ type: [GrantSummaryResponse] }) items!: GrantSummaryResponse[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class EarmarkFundsResponse {
  @ApiProperty() fund!: string;
  @ApiProperty() earmark!: string;
  @ApiProperty() asOf!: string;
  @ApiProperty({ description: 'Receipts allocated to its pledges, net of bank charges' })
  received!: MoneyResponse;
  @ApiProperty({ description: 'Open grant commitments' }) committed!: MoneyResponse;
  @ApiProperty({ description: 'Grant advances, expenses and support costs' }) spent!: MoneyResponse;
  @ApiProperty({ description: 'What may still be approved' }) available!: MoneyResponse;
}
