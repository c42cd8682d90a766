import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { IsCalendarDate } from '../../common/calendar-date';
import { MoneyResponse } from '../../ledger/dto/journal.dto';
import { REPORT_FORMATS, ReportFormat } from './pledge-reconciliation.dto';

const FUND = /^[A-Z0-9][A-Z0-9-]{1,19}$/;
const EVENT = /^[A-Z0-9][A-Z0-9-]{1,39}$/;

/** What the grants can be grouped by. Region and LDC status are those of the decision date. */
export const GRANT_GROUPINGS = [
  'event',
  'country',
  'region',
  'ldc-status',
  'gender',
  'stakeholder-group',
] as const;
export type GrantGrouping = (typeof GRANT_GROUPINGS)[number];

export class GrantFiguresQuery {
  @ApiPropertyOptional({ example: 'WSIS-TF', default: 'WSIS-TF' })
  @IsOptional()
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Default: today' })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;

  @ApiPropertyOptional({ enum: GRANT_GROUPINGS, default: 'event' })
  @IsOptional()
  @IsIn(GRANT_GROUPINGS)
  groupBy?: GrantGrouping;

  @ApiPropertyOptional({ example: 'WSIS-FORUM-2026', description: 'The grants of one event only' })
  @IsOptional()
  @Matches(EVENT, { message: 'event must be an event code' })
  event?: string;

  @ApiPropertyOptional({
    enum: REPORT_FORMATS,
    default: 'json',
    description: '`csv` (or `Accept: text/csv`) or `xlsx`: one row per group, the total last',
  })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;
}

/** How many grants are at each stage on the date. */
export class GrantCountsResponse {
  @ApiProperty({ description: 'Approved, not yet disbursed' }) approved!: number;
  @ApiProperty({ description: 'Disbursed, not yet settled' }) disbursed!: number;
  @ApiProperty() settled!: number;
  @ApiProperty({ description: 'approved + disbursed + settled: the grants given' }) total!: number;
  @ApiProperty({
    description: 'Cancelled after approval: not in `total`; their money (if any) is in the sums',
  })
  cancelled!: number;
}

/** One group's grants and money, in the fund currency, as of the date. */
export class GrantFiguresLineResponse {
  @ApiProperty({ example: 'NP', description: 'What the group is (a code, or `none`)' })
  key!: string;
  @ApiProperty({ example: 'Nepal' }) label!: string;
  @ApiProperty({ type: GrantCountsResponse }) grants!: GrantCountsResponse;
  @ApiProperty({ type: MoneyResponse, description: 'Open commitments (grant_commitment)' })
  committed!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'Advances paid (1200)' })
  disbursed!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'Actual cost (5000 Participation grants)' })
  expense!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'Programme support costs (5400), apart' })
  supportCosts!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'Unspent advances given back on settlement' })
  returned!: MoneyResponse;
}

/** The same figures read straight from the ledger and the commitments, for the whole fund. */
export class GrantLedgerCheckResponse {
  @ApiProperty({ type: MoneyResponse, description: 'Balance of 5000 as of the date' })
  expense!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'Balance of 5400 as of the date' })
  supportCosts!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'Sum of the fund’s grant commitments' })
  commitments!: MoneyResponse;
  @ApiPropertyOptional({
    nullable: true,
    type: Boolean,
    description:
      'The total equals these three figures (null when one event is asked for: the ledger is ' +
      'the whole fund’s)',
  })
  ties!: boolean | null;
}

export class GrantFiguresResponse {
  @ApiProperty({ example: 'WSIS-TF' }) fund!: string;
  @ApiProperty({ example: 'CHF' }) functionalCurrency!: string;
  @ApiProperty({ example: '2026-12-31' }) asOf!: string;
  @ApiProperty({ enum: GRANT_GROUPINGS }) groupBy!: GrantGrouping;
  @ApiPropertyOptional({ nullable: true, type: String }) event!: string | null;
  @ApiProperty({ type: [GrantFiguresLineResponse] }) groups!: GrantFiguresLineResponse[];
  @ApiProperty({ type: GrantFiguresLineResponse, description: 'key `total`' })
  total!: GrantFiguresLineResponse;
  @ApiProperty({ type: GrantLedgerCheckResponse }) ledger!: GrantLedgerCheckResponse;
}
