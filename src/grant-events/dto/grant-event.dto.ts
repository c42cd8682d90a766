import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate } from '../../common/calendar-date';
import { MoneyResponse } from '../../ledger/dto/journal.dto';

const AMOUNT = /^-?[0-9][0-9,]*(\.[0-9]+)?$/;
const FUND = /^[A-Z0-9][A-Z0-9-]{1,19}$/;
const EARMARK = /^[A-Z0-9][A-Z0-9-]{1,39}$/;
/** As the table's CHECK: capitals, digits and hyphens, 2 to 40 characters. */
const EVENT_CODE = /^[A-Z0-9][A-Z0-9-]{1,39}$/;

export const ELIGIBILITY_RULES = ['ldc-only', 'ldc-and-developing', 'ldc-first'] as const;
export type EligibilityRule = (typeof ELIGIBILITY_RULES)[number];

export const GRANT_STATUSES = [
  'requested',
  'approved',
  'disbursed',
  'settled',
  'cancelled',
] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

export const GRANT_KINDS = ['full', 'partial-ticket', 'partial-allowance', 'remote'] as const;
export type GrantKind = (typeof GRANT_KINDS)[number];

export const DEFAULT_EVENT_FUND = 'WSIS-TF';
export const DEFAULT_EVENT_EARMARK = 'PARTICIPATION-GRANTS';
export const MAX_EVENT_PAGE = 200;
export const DEFAULT_EVENT_PAGE = 50;

export class GrantOffersRequest {
  @ApiProperty({ description: 'Full grant: air ticket and daily subsistence allowance' })
  @IsBoolean()
  full!: boolean;

  @ApiProperty({ description: 'Partial grant: the air ticket' })
  @IsBoolean()
  partialTicket!: boolean;

  @ApiProperty({ description: 'Partial grant: the daily subsistence allowance' })
  @IsBoolean()
  partialAllowance!: boolean;

  @ApiProperty({ description: 'Remote participation grant of a fixed amount' })
  @IsBoolean()
  remote!: boolean;

  @ApiPropertyOptional({
    example: '300.00',
    description: 'The fixed amount of a remote grant, in the fund currency: given iff remote',
  })
  @IsOptional()
  @IsString()
  @Matches(AMOUNT, { message: 'remoteAmount must be an amount such as 300.00' })
  remoteAmount?: string;
}

export class CreateGrantEventRequest {
  @ApiPropertyOptional({ example: 'WSIS-TF', default: DEFAULT_EVENT_FUND })
  @IsOptional()
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund?: string;

  @ApiPropertyOptional({
    example: 'PARTICIPATION-GRANTS',
    default: DEFAULT_EVENT_EARMARK,
    description: 'The earmark of the fund whose money pays the grants',
  })
  @IsOptional()
  @Matches(EARMARK, { message: 'earmark must be an earmark code' })
  earmark?: string;

  @ApiProperty({ example: 'WSIS-FORUM-2026', description: 'Unique in the fund' })
  @Matches(EVENT_CODE, {
    message: 'code must be 2 to 40 capital letters, digits or hyphens, such as WSIS-FORUM-2026',
  })
  code!: string;

  @ApiProperty({ example: 'WSIS Forum 2026' })
  @IsString()
  @Length(1, 300)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @ApiProperty({ example: 'Geneva, Switzerland' })
  @IsString()
  @Length(1, 300)
  @Matches(/\S/, { message: 'place must not be blank' })
  place!: string;

  @ApiProperty({ example: '2026-07-06' })
  @IsCalendarDate()
  startsOn!: string;

  @ApiProperty({ example: '2026-07-10', description: 'Not before startsOn' })
  @IsCalendarDate()
  endsOn!: string;

  @ApiProperty({ example: '150,000.00', description: 'In the fund currency (CHF)' })
  @IsString()
  @Matches(AMOUNT, { message: 'budget must be an amount such as 150000.00' })
  budget!: string;

  @ApiProperty({
    enum: ELIGIBILITY_RULES,
    description:
      'ldc-only: participants from LDCs only; ldc-and-developing: from LDCs and developing ' +
      'countries; ldc-first: both, LDCs served first',
  })
  @IsIn(ELIGIBILITY_RULES, {
    message: `eligibilityRule must be one of ${ELIGIBILITY_RULES.join(', ')}`,
  })
  eligibilityRule!: EligibilityRule;

  @ApiProperty({ type: GrantOffersRequest, description: 'At least one kind must be offered' })
  @IsObject({ message: 'offers must say which kinds of grant are offered' })
  @ValidateNested()
  @Type(() => GrantOffersRequest)
  offers!: GrantOffersRequest;
}

export class ListGrantEventsQuery {
  @ApiPropertyOptional({ example: 'WSIS-TF' })
  @IsOptional()
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund?: string;

  @ApiPropertyOptional({ default: DEFAULT_EVENT_PAGE, maximum: MAX_EVENT_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_EVENT_PAGE)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class GrantOffersResponse {
  @ApiProperty() full!: boolean;
  @ApiProperty() partialTicket!: boolean;
  @ApiProperty() partialAllowance!: boolean;
  @ApiProperty() remote!: boolean;
  @ApiPropertyOptional({ type: MoneyResponse, nullable: true })
  remoteAmount!: MoneyResponse | null;
}

export class GrantCountsResponse {
  @ApiProperty() requested!: number;
  @ApiProperty() approved!: number;
  @ApiProperty() disbursed!: number;
  @ApiProperty() settled!: number;
  @ApiProperty() cancelled!: number;
}

/** The event's grants so far, straight from the grant tables. */
export class EventGrantsSummaryResponse {
  @ApiProperty({ description: 'Every grant requested for the event, cancelled ones included' })
  count!: number;
  @ApiProperty({ type: GrantCountsResponse, description: 'By status (the latest step)' })
  byStatus!: GrantCountsResponse;
  @ApiProperty({ type: MoneyResponse, description: 'Amounts of the grants not cancelled' })
  amount!: MoneyResponse;
  @ApiProperty({
    type: MoneyResponse,
    description: 'Open commitments (encumbrances) of its grants: approved, not yet disbursed',
  })
  committed!: MoneyResponse;
}

export class GrantEventResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'WSIS-TF' }) fund!: string;
  @ApiProperty({ example: 'PARTICIPATION-GRANTS' }) earmark!: string;
  @ApiProperty({ example: 'WSIS-FORUM-2026' }) code!: string;
  @ApiProperty({ example: 'WSIS Forum 2026' }) name!: string;
  @ApiProperty({ example: 'Geneva, Switzerland' }) place!: string;
  @ApiProperty({ example: '2026-07-06' }) startsOn!: string;
  @ApiProperty({ example: '2026-07-10' }) endsOn!: string;
  @ApiProperty({ type: MoneyResponse, description: 'In the fund currency' })
  budget!: MoneyResponse;
  @ApiProperty({ enum: ELIGIBILITY_RULES }) eligibilityRule!: EligibilityRule;
  @ApiProperty({ type: GrantOffersResponse }) offers!: GrantOffersResponse;
  @ApiProperty({ type: EventGrantsSummaryResponse }) grants!: EventGrantsSummaryResponse;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
}

export class GrantEventPageResponse {
  @ApiProperty({ type: [GrantEventResponse] }) items!: GrantEventResponse[];
  @ApiProperty({ description: 'How many events match, on all pages' }) total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

/** One grant of an event, as the event's page lists them. */
export class EventGrantResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'GR-2026-0001' }) number!: string;
  @ApiProperty({ example: { id: '…', name: 'Ana María López', country: 'NP' } })
  participant!: { id: string; name: string; country: string };
  @ApiProperty({ enum: GRANT_KINDS }) kind!: GrantKind;
  @ApiProperty({ type: MoneyResponse }) amount!: MoneyResponse;
  @ApiProperty({ example: '2026-05-20' }) decisionDate!: string;
  @ApiProperty({ enum: GRANT_STATUSES }) status!: GrantStatus;
}
