import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
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
import { MAX_INSTALMENTS, SCHEDULE_PERIODS, SchedulePeriod } from '../pledge-schedule';
import { AGING_BUCKETS, PLEDGE_STATUSES, PledgeStatus } from '../pledge-status';

const AMOUNT = /^-?[0-9][0-9,]*(\.[0-9]+)?$/;
const EARMARK = /^[A-Z0-9][A-Z0-9-]{1,39}$/;
const FUND = /^[A-Z0-9][A-Z0-9-]{1,19}$/;

export const PLEDGE_SORTS = [
  'reference',
  '-reference',
  'announcedOn',
  '-announcedOn',
  'donor',
  '-donor',
  'outstanding',
  '-outstanding',
  'status',
  '-status',
] as const;
export type PledgeSort = (typeof PLEDGE_SORTS)[number];

export class InstalmentRequest {
  @ApiProperty({ example: '2026-06-30' })
  @IsCalendarDate()
  dueDate!: string;

  @ApiProperty({ example: '50,000.00', description: 'In the pledge currency' })
  @IsString()
  @Matches(AMOUNT, { message: 'amount must be an amount such as 50000.00' })
  amount!: string;
}

export class GenerateScheduleRequest {
  @ApiProperty({ example: 4, minimum: 1, maximum: MAX_INSTALMENTS })
  @IsInt()
  @Min(1)
  @Max(MAX_INSTALMENTS)
  count!: number;

  @ApiProperty({ enum: SCHEDULE_PERIODS, example: 'quarter' })
  @IsIn(SCHEDULE_PERIODS)
  period!: SchedulePeriod;

  @ApiProperty({ example: '2026-03-31' })
  @IsCalendarDate()
  firstDueDate!: string;
}

export class CreatePledgeRequest {
  @ApiProperty({ example: 'WSIS-TF', description: 'Code of the fund' })
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund!: string;

  @ApiProperty({ description: 'The donor who pledges' })
  @IsUUID()
  donorId!: string;

  @ApiPropertyOptional({ example: 'PARTICIPATION-GRANTS', default: 'UNEARMARKED' })
  @IsOptional()
  @Matches(EARMARK, { message: 'earmark must be an earmark code' })
  earmark?: string;

  @ApiProperty({ example: 'USD' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as CHF' })
  currency!: string;

  @ApiProperty({ example: '120,000.00' })
  @IsString()
  @Matches(AMOUNT, { message: 'amount must be an amount such as 120000.00' })
  amount!: string;

  @ApiProperty({ example: '2026-02-15', description: 'When the donor announced it' })
  @IsCalendarDate()
  announcedOn!: string;

  @ApiPropertyOptional({
    type: [InstalmentRequest],
    description: 'The schedule, summing exactly to the amount; or give `generate`',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_INSTALMENTS)
  @ValidateNested({ each: true })
  @Type(() => InstalmentRequest)
  instalments?: InstalmentRequest[];

  @ApiPropertyOptional({
    type: GenerateScheduleRequest,
    description: 'N instalments, one per period, split so that no minor unit is lost',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => GenerateScheduleRequest)
  generate?: GenerateScheduleRequest;
}

export class AgreePledgeRequest {
  @ApiProperty({ example: '2026-03-10', description: 'When the agreement was signed' })
  @IsCalendarDate()
  agreedOn!: string;

  @ApiProperty({ example: 'ITU/WSIS/2026/017', description: 'Reference of the signed agreement' })
  @IsString()
  @Length(1, 200)
  documentRef!: string;

  @ApiPropertyOptional({
    default: false,
    description: 'Revenue waits for conditions to be met (booked as a liability until then)',
  })
  @IsOptional()
  @IsBoolean()
  conditional?: boolean;
}

export class ConditionsMetRequest {
  @ApiProperty({ example: '2026-05-02' })
  @IsCalendarDate()
  date!: string;
}

export class EndPledgeRequest {
  @ApiProperty({ example: '2026-11-30', description: 'Accounting date of the entry' })
  @IsCalendarDate()
  date!: string;

  @ApiProperty({ example: 'The donor withdrew the pledge in writing (letter of 12 November)' })
  @IsString()
  @Length(3, 500)
  reason!: string;
}

export class PledgeQuery {
  @ApiPropertyOptional({ example: '2026-12-31', description: 'Default: today' })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;
}

export class ListPledgesQuery extends PledgeQuery {
  @ApiPropertyOptional({ example: 'WSIS-TF' })
  @IsOptional()
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  donorId?: string;

  @ApiPropertyOptional({ example: 'PARTICIPATION-GRANTS' })
  @IsOptional()
  @Matches(EARMARK, { message: 'earmark must be an earmark code' })
  earmark?: string;

  @ApiPropertyOptional({ enum: PLEDGE_STATUSES, description: 'Status as of `asOf`' })
  @IsOptional()
  @IsIn(PLEDGE_STATUSES)
  status?: PledgeStatus;

  @ApiPropertyOptional({ example: 'USD' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as CHF' })
  currency?: string;

  @ApiPropertyOptional({
    enum: PLEDGE_SORTS,
    default: '-announcedOn',
    description: 'A leading minus sorts descending; outstanding sorts by the fund currency',
  })
  @IsOptional()
  @IsIn(PLEDGE_SORTS)
  sort?: PledgeSort;

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

export const OUTSTANDING_GROUPS = ['pledge', 'donor', 'earmark'] as const;
export type OutstandingGroup = (typeof OUTSTANDING_GROUPS)[number];

export class OutstandingQuery extends PledgeQuery {
  @ApiPropertyOptional({ enum: OUTSTANDING_GROUPS, description: 'Default: the fund total only' })
  @IsOptional()
  @IsIn(OUTSTANDING_GROUPS)
  groupBy?: OutstandingGroup;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  donorId?: string;

  @ApiPropertyOptional({ example: 'PARTICIPATION-GRANTS' })
  @IsOptional()
  @Matches(EARMARK, { message: 'earmark must be an earmark code' })
  earmark?: string;
}

export class DonorRefResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'Switzerland' }) name!: string;
}

export class AgreementResponse {
  @ApiProperty({ example: '2026-03-10' }) agreedOn!: string;
  @ApiProperty({ example: 'ITU/WSIS/2026/017' }) documentRef!: string;
  @ApiProperty() conditional!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String }) conditionsMetOn!: string | null;
}

export class EndingResponse {
  @ApiProperty({ enum: ['cancelled', 'written-off'] }) kind!: string;
  @ApiProperty({ example: '2026-11-30' }) on!: string;
  @ApiProperty() reason!: string;
}

export class NextAmountDueResponse {
  @ApiProperty() seq!: number;
  @ApiProperty({ example: '2026-06-30' }) dueDate!: string;
  @ApiProperty({ type: MoneyResponse, description: 'What is still unpaid of that instalment' })
  amount!: MoneyResponse;
  @ApiProperty() overdue!: boolean;
}

export class PledgeSummaryResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'WSIS-TF-2026-0012' }) reference!: string;
  @ApiProperty({ example: 'WSIS-TF' }) fund!: string;
  @ApiProperty({ type: DonorRefResponse }) donor!: DonorRefResponse;
  @ApiProperty({ example: 'PARTICIPATION-GRANTS' }) earmark!: string;
  @ApiProperty({ type: MoneyResponse }) amount!: MoneyResponse;
  @ApiProperty({ example: '2026-02-15' }) announcedOn!: string;
  @ApiPropertyOptional({ type: AgreementResponse, nullable: true })
  agreement!: AgreementResponse | null;
  @ApiPropertyOptional({ type: EndingResponse, nullable: true }) ending!: EndingResponse | null;
  @ApiProperty({ example: '2026-12-31', description: 'The date the figures are as of' })
  asOf!: string;
  @ApiProperty({ enum: PLEDGE_STATUSES }) status!: PledgeStatus;
  @ApiProperty({ type: MoneyResponse }) paid!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) writtenOff!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) cancelled!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'Receivable in the pledge currency' })
  outstanding!: MoneyResponse;
  @ApiProperty({
    type: MoneyResponse,
    description: 'Receivable in the fund currency, at the rates it was booked at',
  })
  outstandingFunctional!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) amountOverdue!: MoneyResponse;
  @ApiPropertyOptional({ type: NextAmountDueResponse, nullable: true })
  nextAmountDue!: NextAmountDueResponse | null;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
}

export class PledgeInstalmentResponse {
  @ApiProperty() seq!: number;
  @ApiProperty({ example: '2026-06-30' }) dueDate!: string;
  @ApiProperty({ type: MoneyResponse }) amount!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) paid!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) amountDue!: MoneyResponse;
  @ApiProperty({ enum: PLEDGE_STATUSES }) status!: PledgeStatus;
  @ApiProperty({ description: 'Days past the due date with something unpaid; 0 otherwise' })
  daysOverdue!: number;
}

export class AgingBucketResponse {
  @ApiProperty({ enum: AGING_BUCKETS }) bucket!: string;
  @ApiProperty({ type: [MoneyResponse], description: 'Per pledge currency' })
  amounts!: MoneyResponse[];
  @ApiProperty({ type: MoneyResponse, description: 'In the fund currency' })
  functional!: MoneyResponse;
}

export class PledgeEventResponse {
  @ApiProperty({ enum: ['announced', 'agreed', 'conditions-met', 'cancelled', 'written-off'] })
  kind!: string;
  @ApiProperty({ example: '2026-03-10' }) on!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) reason!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) documentRef!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) entryId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) approvalId!: string | null;
  @ApiProperty() actor!: string;
  @ApiProperty() at!: string;
}

export class AmendedInstalmentResponse {
  @ApiProperty() seq!: number;
  @ApiProperty({ example: '2026-06-30' }) dueDate!: string;
  @ApiProperty({ type: MoneyResponse }) amount!: MoneyResponse;
  @ApiPropertyOptional({ enum: ['unchanged', 'changed', 'added'] }) change?: string;
}

/** An amendment as listed on the pledge. */
export class PledgeAmendmentSummaryResponse {
  @ApiProperty() id!: string;
  @ApiProperty() number!: number;
  @ApiProperty({ example: '2026-06-15' }) date!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ type: MoneyResponse }) amountBefore!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) amountAfter!: MoneyResponse;
  @ApiProperty({ type: [AmendedInstalmentResponse] }) scheduleBefore!: AmendedInstalmentResponse[];
  @ApiProperty({ type: [AmendedInstalmentResponse] }) scheduleAfter!: AmendedInstalmentResponse[];
  @ApiPropertyOptional({ nullable: true, type: String }) entryId!: string | null;
  @ApiProperty() actor!: string;
  @ApiProperty() at!: string;
}

export class PledgeResponse extends PledgeSummaryResponse {
  @ApiProperty({ type: [PledgeInstalmentResponse] }) instalments!: PledgeInstalmentResponse[];
  @ApiProperty({ type: [AgingBucketResponse] }) aging!: AgingBucketResponse[];
  @ApiProperty({ type: [PledgeEventResponse] }) events!: PledgeEventResponse[];
  @ApiProperty({
    type: [PledgeAmendmentSummaryResponse],
    description: 'Every amendment, oldest first (whatever the as-of date)',
  })
  amendments!: PledgeAmendmentSummaryResponse[];
  @ApiProperty({
    type: [JournalEntryResponse],
    description: 'Entries naming the pledge (empty for donor users)',
  })
  entries!: JournalEntryResponse[];
}

export class PledgePageResponse {
  @ApiProperty({ type: [PledgeSummaryResponse] }) items!: PledgeSummaryResponse[];
  @ApiProperty({ description: 'How many pledges match, all pages together' }) total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class OutstandingGroupResponse {
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'The pledge id, donor id or earmark code; null for the total',
  })
  key!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'Switzerland' })
  label!: string | null;
  @ApiProperty({ description: 'Pledges with a receivable on the ledger' }) pledges!: number;
  @ApiProperty({ type: [MoneyResponse], description: 'Per currency' })
  outstanding!: MoneyResponse[];
  @ApiProperty({ type: MoneyResponse }) functional!: MoneyResponse;
  @ApiProperty({ type: [AgingBucketResponse] }) aging!: AgingBucketResponse[];
}

export class ReceivableBalanceResponse {
  @ApiProperty({ type: [MoneyResponse] }) balances!: MoneyResponse[];
  @ApiProperty({ type: MoneyResponse }) functional!: MoneyResponse;
}

export class OutstandingResponse {
  @ApiProperty({ example: 'WSIS-TF' }) fund!: string;
  @ApiProperty({ example: '2026-12-31' }) asOf!: string;
  @ApiPropertyOptional({ enum: OUTSTANDING_GROUPS }) groupBy?: string;
  @ApiProperty({ type: [OutstandingGroupResponse] }) groups!: OutstandingGroupResponse[];
  @ApiProperty({ type: OutstandingGroupResponse }) total!: OutstandingGroupResponse;
  @ApiProperty({
    type: [MoneyResponse],
    description: 'Announced pledges not yet agreed: off-ledger (memo), not in the outstanding',
  })
  announced!: MoneyResponse[];
  @ApiProperty({
    type: ReceivableBalanceResponse,
    description: 'Receivable lines that name no pledge (entered by hand)',
  })
  notLinkedToPledges!: ReceivableBalanceResponse;
}
