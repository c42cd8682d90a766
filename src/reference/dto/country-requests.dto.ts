import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { IsCalendarDate } from '../../common/calendar-date';
import { ITU_D_REGIONS, type ItuDRegion, STATUS_KINDS, type StatusKind } from '../reference.types';

const trimmed = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value;

// Query strings arrive as text: only the two spellings of a boolean are turned into one.
const booleanText = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

export class CountryListQuery {
  @ApiPropertyOptional({ enum: ITU_D_REGIONS, description: 'ITU-D region as of today' })
  @IsOptional()
  @IsIn(ITU_D_REGIONS)
  region?: ItuDRegion;

  @ApiPropertyOptional({ example: '2024-12-31', description: 'Only countries that are LDCs on' })
  @IsOptional()
  @IsCalendarDate()
  ldcOn?: string;

  @ApiPropertyOptional({
    example: '2024-12-31',
    description: 'Only countries that are developing countries (LDCs included) on this date',
  })
  @IsOptional()
  @IsCalendarDate()
  developingOn?: string;

  @ApiPropertyOptional({ description: 'Only ITU Member States (true) or only others (false)' })
  @IsOptional()
  @Transform(booleanText)
  @IsBoolean()
  ituMember?: boolean;
}

export class CountryQuery {
  @ApiPropertyOptional({
    example: '2026-11-24',
    description:
      'The date the region and the LDC and developing status are given for; today by default',
  })
  @IsOptional()
  @IsCalendarDate()
  on?: string;
}

export class AddStatusRequest {
  @ApiProperty({ enum: STATUS_KINDS })
  @IsIn(STATUS_KINDS)
  kind!: StatusKind;

  @ApiProperty({ example: '2026-01-01', description: 'First day the status applies' })
  @IsCalendarDate()
  validFrom!: string;

  @ApiPropertyOptional({
    example: '2029-11-24',
    nullable: true,
    description: 'First day the status no longer applies (exclusive end); absent or null: no end',
  })
  @IsOptional()
  @IsCalendarDate()
  validTo?: string | null;

  @ApiProperty({ example: 'UN General Assembly resolution 80/123 of 1 December 2026' })
  @Transform(trimmed)
  @IsString()
  @Length(1, 2000)
  source!: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string | null;
}

export class SupersedeStatusRequest {
  @ApiPropertyOptional({
    example: '1975-01-01',
    description: 'First day the status applies; by default that of the record superseded',
  })
  @IsOptional()
  @IsCalendarDate()
  validFrom?: string;

  @ApiPropertyOptional({
    example: '2029-11-24',
    nullable: true,
    description: 'First day the status no longer applies (exclusive end); absent or null: no end',
  })
  @IsOptional()
  @IsCalendarDate()
  validTo?: string | null;

  @ApiProperty({ example: 'UN General Assembly resolution of 1 December 2026 (A/80/L.00)' })
  @Transform(trimmed)
  @IsString()
  @Length(1, 2000)
  source!: string;

  @ApiProperty({ example: 'Graduation deferred by three years at the request of the country' })
  @Transform(trimmed)
  @IsString()
  @Length(1, 2000)
  reason!: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string | null;
}

export class ChangeRegionRequest {
  @ApiProperty({ enum: ITU_D_REGIONS })
  @IsIn(ITU_D_REGIONS)
  region!: ItuDRegion;

  @ApiProperty({ example: '2027-01-01', description: 'First day the country is in this region' })
  @IsCalendarDate()
  validFrom!: string;

  @ApiProperty({ example: 'ITU-D Regional Presence page for Europe, consulted 2027-01-05' })
  @Transform(trimmed)
  @IsString()
  @Length(1, 2000)
  source!: string;

  @ApiProperty({ example: 'BDT confirmed the country is served by the Office for Europe' })
  @Transform(trimmed)
  @IsString()
  @Length(1, 2000)
  reason!: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string | null;
}
