import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { IsCalendarDate } from '../../common/calendar-date';
import { DONOR_TYPES, DonorType } from '../../donors/dto/donor.dto';
import { ITU_D_REGIONS, ItuDRegion } from '../../reference/reference.types';

const FUND = /^[A-Z0-9][A-Z0-9-]{1,19}$/;
const EARMARK = /^[A-Z0-9][A-Z0-9-]{1,39}$/;

/** The formats of a management report: JSON, CSV (one table) or an XLSX workbook. */
export const MANAGEMENT_REPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type ManagementReportFormat = (typeof MANAGEMENT_REPORT_FORMATS)[number];

/**
 * The filters every management report takes (each report documents which it uses and refuses
 * none of them). Dates are calendar dates; `from` after `to` is refused by the service (422 on
 * `from`).
 */
export class ReportFiltersQuery {
  @ApiPropertyOptional({ example: 'WSIS-TF', description: 'Default: every fund the report covers' })
  @IsOptional()
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund?: string;

  @ApiPropertyOptional({ example: 'PARTICIPATION-GRANTS', description: 'Needs `fund`' })
  @IsOptional()
  @Matches(EARMARK, { message: 'earmark must be an earmark code' })
  earmark?: string;

  @ApiPropertyOptional({ example: '2026-01-01', description: 'First day of the date range' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Last day of the date range' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({
    example: '2026-06-30',
    description: 'Balances as of this day (default: today)',
  })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;

  @ApiPropertyOptional({ enum: DONOR_TYPES })
  @IsOptional()
  @IsIn(DONOR_TYPES)
  donorType?: DonorType;

  @ApiPropertyOptional({
    enum: ITU_D_REGIONS,
    description: 'ITU-D region of the donor or participant country',
  })
  @IsOptional()
  @IsIn(ITU_D_REGIONS)
  region?: ItuDRegion;

  @ApiPropertyOptional({
    enum: MANAGEMENT_REPORT_FORMATS,
    default: 'json',
    description: '`csv` (or `Accept: text/csv`) or `xlsx` (or the XLSX media type in `Accept`)',
  })
  @IsOptional()
  @IsIn(MANAGEMENT_REPORT_FORMATS)
  format?: ManagementReportFormat;
}
