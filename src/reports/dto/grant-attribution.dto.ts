import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { IsCalendarDate } from '../../common/calendar-date';
import { MoneyResponse } from '../../ledger/dto/journal.dto';
import { MANAGEMENT_REPORT_FORMATS, ManagementReportFormat } from './report-filters.dto';

const FUND = /^[A-Z0-9][A-Z0-9-]{1,19}$/;

export class GrantAttributionQuery {
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

  @ApiPropertyOptional({ enum: MANAGEMENT_REPORT_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(MANAGEMENT_REPORT_FORMATS)
  format?: ManagementReportFormat;
}

/** What a donor paid for one earmark, and how much of it grants were attributed. */
export class EarmarkAttributionResponse {
  @ApiProperty({ example: 'PARTICIPATION-GRANTS' }) earmark!: string;
  @ApiProperty({
    type: MoneyResponse,
    description:
      'CHF value of the donor’s receipt allocations to pledges of the earmark, net of their ' +
      'share of the bank charges (reversed allocations count negatively)',
  })
  paid!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'Attributed to grants, net of releases' })
  attributed!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'paid − attributed' })
  unattributed!: MoneyResponse;
  @ApiProperty({ description: 'attributed ≤ paid' }) withinPaid!: boolean;
}

export class DonorAttributionResponse {
  @ApiProperty({ example: { id: '…', name: 'Switzerland' } })
  donor!: { id: string; name: string };
  @ApiProperty({ type: MoneyResponse, description: 'Attributed to grants, net of releases' })
  attributed!: MoneyResponse;
  @ApiProperty({ description: 'Distinct grants with a positive net attribution' })
  grants!: number;
  @ApiProperty({ description: 'Distinct countries of those grants’ participants' })
  countries!: number;
  @ApiProperty({ type: [String], example: ['NP', 'SN'] }) countryCodes!: string[];
  @ApiProperty({
    description:
      'Of those grants, how many went to participants from an LDC (on the decision date)',
  })
  ldcGrants!: number;
  @ApiProperty({ type: [EarmarkAttributionResponse] })
  earmarks!: EarmarkAttributionResponse[];
}

export class AttributionTotalResponse {
  @ApiProperty({ type: MoneyResponse }) attributed!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) paid!: MoneyResponse;
  @ApiProperty({ description: 'Distinct grants funded by the donors listed' }) grants!: number;
  @ApiProperty() countries!: number;
  @ApiProperty() ldcGrants!: number;
}

export class GrantAttributionResponse {
  @ApiProperty({ example: 'WSIS-TF' }) fund!: string;
  @ApiProperty({ example: 'CHF' }) functionalCurrency!: string;
  @ApiProperty({ example: '2026-12-31' }) asOf!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) donorId!: string | null;
  @ApiProperty({ type: [DonorAttributionResponse] }) donors!: DonorAttributionResponse[];
  @ApiProperty({ type: AttributionTotalResponse }) total!: AttributionTotalResponse;
}
