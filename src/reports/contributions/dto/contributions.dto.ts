import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { MoneyResponse } from '../../../ledger/dto/journal.dto';
import { AGING_BUCKETS, AgingBucket } from '../../../pledges/pledge-status';
import { ReportFiltersQuery } from '../../dto/report-filters.dto';

/** What contributions can be grouped by; region is the donor country's ITU-D region on `to`. */
export const CONTRIBUTION_GROUPINGS = ['donor', 'donor-type', 'country', 'region', 'year'] as const;
export type ContributionGrouping = (typeof CONTRIBUTION_GROUPINGS)[number];

export class ContributionsQuery extends ReportFiltersQuery {
  @ApiPropertyOptional({ enum: CONTRIBUTION_GROUPINGS, default: 'donor' })
  @IsOptional()
  @IsIn(CONTRIBUTION_GROUPINGS)
  groupBy?: ContributionGrouping;
}

export class TopDonorsQuery extends ReportFiltersQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(100, { message: 'limit must be at most 100' })
  limit?: number;
}

/** The filters a report was made with (null: not filtered). */
export class AppliedFiltersResponse {
  @ApiPropertyOptional({ nullable: true, type: String }) earmark!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) donorType!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) region!: string | null;
}

export class ContributionGroupResponse {
  @ApiPropertyOptional({ nullable: true, type: String, description: 'null: none recorded' })
  key!: string | null;
  @ApiProperty() label!: string;
  @ApiProperty({ description: 'Donors with a pledge agreed or money received in the range' })
  donors!: number;
  @ApiProperty() pledges!: number;
  @ApiProperty({
    type: MoneyResponse,
    description: 'Agreed in the range (agreements and amendments), at the booking rates',
  })
  pledged!: MoneyResponse;
  @ApiProperty({
    type: MoneyResponse,
    description: 'Cash allocated to pledges in the range, at the value-date rates',
  })
  received!: MoneyResponse;
  @ApiProperty({
    type: MoneyResponse,
    description: 'What that cash cleared on the receivable (1100) at the booking rates',
  })
  receivableCleared!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'received − receivableCleared: realised FX' })
  fx!: MoneyResponse;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: '12.50',
    description: 'Percent of the total received (null when nothing was received)',
  })
  share!: string | null;
}

export class ContributionsResponse {
  @ApiProperty() fund!: string;
  @ApiProperty() functionalCurrency!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ enum: CONTRIBUTION_GROUPINGS }) groupBy!: ContributionGrouping;
  @ApiProperty({ type: AppliedFiltersResponse }) filters!: AppliedFiltersResponse;
  @ApiProperty({ type: [ContributionGroupResponse] }) groups!: ContributionGroupResponse[];
  @ApiProperty({ type: ContributionGroupResponse }) total!: ContributionGroupResponse;
}

export class TopDonorsResponse extends ContributionsResponse {
  @ApiProperty() limit!: number;
}

export class PledgedVsReceivedYearResponse {
  @ApiProperty({ example: 2026 }) year!: number;
  @ApiProperty({ description: 'The year-end, or `to` when earlier' }) yearEnd!: string;
  @ApiProperty({ type: MoneyResponse, description: 'Agreed that year (within the range)' })
  pledged!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'Cash allocated that year (within the range)' })
  received!: MoneyResponse;
  @ApiProperty({
    type: MoneyResponse,
    description: 'Cash allocated up to `to` to the pledges agreed that year',
  })
  receivedForYearPledges!: MoneyResponse;
  @ApiProperty({
    type: MoneyResponse,
    description: 'The receivable (1100, booking rates) of these pledges at the year end',
  })
  outstandingAtYearEnd!: MoneyResponse;
}

export class PledgedVsReceivedResponse {
  @ApiProperty() fund!: string;
  @ApiProperty() functionalCurrency!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: AppliedFiltersResponse }) filters!: AppliedFiltersResponse;
  @ApiProperty({ type: [PledgedVsReceivedYearResponse] }) years!: PledgedVsReceivedYearResponse[];
}

export class AgingAmountsResponse {
  @ApiProperty({ enum: AGING_BUCKETS }) bucket!: AgingBucket;
  @ApiProperty({ type: MoneyResponse }) amount!: MoneyResponse;
}

export class OutstandingCurrencyResponse {
  @ApiProperty() currency!: string;
  @ApiProperty({ type: [AgingAmountsResponse] }) aging!: AgingAmountsResponse[];
  @ApiProperty({ type: MoneyResponse }) total!: MoneyResponse;
}

export class OutstandingDonorResponse {
  @ApiPropertyOptional({ nullable: true, type: String }) donorId!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty() pledges!: number;
  @ApiProperty({ type: [OutstandingCurrencyResponse], description: 'In each pledge currency' })
  byCurrency!: OutstandingCurrencyResponse[];
  @ApiProperty({
    type: [AgingAmountsResponse],
    description: 'In the fund currency at the booking rates',
  })
  aging!: AgingAmountsResponse[];
  @ApiProperty({ type: MoneyResponse }) total!: MoneyResponse;
}

export class OutstandingPledgesResponse {
  @ApiProperty() fund!: string;
  @ApiProperty() functionalCurrency!: string;
  @ApiProperty() asOf!: string;
  @ApiProperty({ type: AppliedFiltersResponse }) filters!: AppliedFiltersResponse;
  @ApiProperty({ type: [OutstandingDonorResponse] }) donors!: OutstandingDonorResponse[];
  @ApiProperty({ type: OutstandingDonorResponse, description: 'donorId null, name "Total"' })
  total!: OutstandingDonorResponse;
  @ApiPropertyOptional({
    type: MoneyResponse,
    nullable: true,
    description:
      'Receivable lines naming no pledge (fund currency); total + this = the 1100 balance. ' +
      'null when filtered by donor type or region.',
  })
  notLinkedToPledges!: MoneyResponse | null;
}

export class ForecastRateResponse {
  @ApiProperty() currency!: string;
  @ApiProperty({ description: 'Units of the fund currency per unit, UN rate in force on asOf' })
  rate!: string;
}

export class ForecastPeriodResponse {
  @ApiProperty({ example: '2026-07', description: '`overdue`, a month YYYY-MM, or `later`' })
  period!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) dueFrom!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) dueTo!: string | null;
  @ApiProperty() instalments!: number;
  @ApiProperty({ type: [MoneyResponse], description: 'Unpaid amounts, per pledge currency' })
  amounts!: MoneyResponse[];
  @ApiProperty({ type: MoneyResponse, description: 'In the fund currency at the rates on asOf' })
  functional!: MoneyResponse;
}

export class CashForecastResponse {
  @ApiProperty() fund!: string;
  @ApiProperty() functionalCurrency!: string;
  @ApiProperty() asOf!: string;
  @ApiProperty({ type: AppliedFiltersResponse }) filters!: AppliedFiltersResponse;
  @ApiProperty({ type: [ForecastRateResponse] }) rates!: ForecastRateResponse[];
  @ApiProperty({ type: [ForecastPeriodResponse] }) periods!: ForecastPeriodResponse[];
  @ApiProperty({ type: ForecastPeriodResponse, description: 'period `total`' })
  total!: ForecastPeriodResponse;
}
