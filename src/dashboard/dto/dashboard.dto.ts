import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/** The dashboard's filters: a fund and a year (figures as of its last day, or today). */
export class DashboardQuery {
  @IsOptional()
  @Matches(/^[A-Z0-9][A-Z0-9-]{1,19}$/, { message: 'fund must be a fund code' })
  fund?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'year must be a whole number' })
  @Min(2000, { message: 'year must be 2000 or later' })
  @Max(2100, { message: 'year must be 2100 or earlier' })
  year?: number;
}
