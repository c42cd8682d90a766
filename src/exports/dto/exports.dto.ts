import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { IsCalendarDate } from '../../common/calendar-date';

const FUND = /^[A-Z0-9][A-Z0-9-]{1,19}$/;

export class IatiExportQuery {
  @ApiPropertyOptional({
    example: 'WSIS-TF',
    description: 'Default: every fund, one activity each',
  })
  @IsOptional()
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund?: string;

  @ApiPropertyOptional({
    example: '2026-01-01',
    description: 'First transaction date (default: the fund’s beginning)',
  })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({
    example: '2026-12-31',
    description: 'Last transaction date (default: today)',
  })
  @IsOptional()
  @IsCalendarDate()
  to?: string;
}

export class HledgerExportQuery {
  @ApiPropertyOptional({ example: 'WSIS-TF', default: 'WSIS-TF' })
  @IsOptional()
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund?: string;

  @ApiPropertyOptional({
    example: '2026-12-31',
    description: 'Entries dated up to this day (default: today)',
  })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;
}
