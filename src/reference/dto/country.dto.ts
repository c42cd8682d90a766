import { ApiProperty } from '@nestjs/swagger';
import {
  Country,
  CountryDetail,
  CountryRegionRecord,
  CountryStatusRecord,
  ITU_D_REGIONS,
  type ItuDRegion,
  STATUS_KINDS,
  type StatusKind,
} from '../reference.types';

export class CountryNamesResponse {
  @ApiProperty({ example: 'ساحل العاج' }) ar!: string;
  @ApiProperty({ example: '科特迪瓦' }) zh!: string;
  @ApiProperty({ example: "Cote d'Ivoire" }) en!: string;
  @ApiProperty({ example: "Côte-d'Ivoire" }) fr!: string;
  @ApiProperty({ example: 'Кот-д’Ивуар' }) ru!: string;
  @ApiProperty({ example: 'Costa de Marfil' }) es!: string;
}

export class CountryResponse {
  @ApiProperty({ example: 'CI', description: 'ISO 3166-1 alpha-2' }) alpha2!: string;
  @ApiProperty({ example: 'CIV', description: 'ISO 3166-1 alpha-3' }) alpha3!: string;
  @ApiProperty({ type: CountryNamesResponse }) names!: CountryNamesResponse;
  @ApiProperty({ description: 'An ITU Member State' }) ituMember!: boolean;

  @ApiProperty({ enum: ITU_D_REGIONS, nullable: true, description: 'ITU-D (BDT) region' })
  region!: ItuDRegion | null;
}

export class CountryStatusResponse {
  @ApiProperty({ example: '17' }) id!: string;
  @ApiProperty({ enum: STATUS_KINDS }) kind!: StatusKind;
  @ApiProperty({ example: '1975-01-01' }) validFrom!: string;

  @ApiProperty({
    example: '2026-11-24',
    nullable: true,
    type: String,
    description: 'Exclusive end: the first day the status no longer applies',
  })
  validTo!: string | null;

  @ApiProperty() source!: string;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;

  @ApiProperty({ description: 'False once a later record supersedes this one' })
  current!: boolean;

  @ApiProperty({ nullable: true, type: String, description: 'The record this one replaces' })
  supersedesId!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'The record that replaced this one' })
  supersededById!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Why the superseded record was replaced',
  })
  reason!: string | null;

  @ApiProperty({ description: 'Who recorded it' }) recordedBy!: string;
  @ApiProperty({ example: '2026-11-28T09:30:00.000Z' }) recordedAt!: string;
}

export class CountryRegionResponse {
  @ApiProperty({ example: '3' }) id!: string;
  @ApiProperty({ enum: ITU_D_REGIONS }) region!: ItuDRegion;
  @ApiProperty({ example: '2000-01-01' }) validFrom!: string;
  @ApiProperty() source!: string;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty() recordedBy!: string;
  @ApiProperty({ example: '2026-11-28T09:30:00.000Z' }) recordedAt!: string;
}

export class CountryDetailResponse extends CountryResponse {
  @ApiProperty({ example: '2026-11-28', description: 'The date region and status are given for' })
  on!: string;

  @ApiProperty({ description: 'A least developed country on that date' }) ldc!: boolean;

  @ApiProperty({ description: 'A developing country on that date (every LDC is one)' })
  developing!: boolean;

  @ApiProperty({
    type: [CountryStatusResponse],
    description: 'Every LDC and developing-status record, superseded ones included',
  })
  statuses!: CountryStatusResponse[];

  @ApiProperty({ type: [CountryRegionResponse], description: 'Every region record' })
  regions!: CountryRegionResponse[];
}

export function toCountryResponse(country: Country): CountryResponse {
  return {
    alpha2: country.alpha2,
    alpha3: country.alpha3,
    names: { ...country.names },
    ituMember: country.ituMember,
    region: country.region,
  };
}

export function toStatusResponse(status: CountryStatusRecord): CountryStatusResponse {
  return {
    id: status.id,
    kind: status.kind,
    validFrom: status.validFrom,
    validTo: status.validTo,
    source: status.source,
    note: status.note,
    current: status.supersededById === null,
    supersedesId: status.supersedesId,
    supersededById: status.supersededById,
    reason: status.reason,
    recordedBy: status.recordedBy,
    recordedAt: status.recordedAt.toISOString(),
  };
}

export function toRegionResponse(region: CountryRegionRecord): CountryRegionResponse {
  return {
    id: region.id,
    region: region.region,
    validFrom: region.validFrom,
    source: region.source,
    note: region.note,
    reason: region.reason,
    recordedBy: region.recordedBy,
    recordedAt: region.recordedAt.toISOString(),
  };
}

export function toCountryDetailResponse(detail: CountryDetail): CountryDetailResponse {
  return {
    ...toCountryResponse(detail),
    on: detail.on,
    ldc: detail.ldc,
    developing: detail.developing,
    statuses: detail.statuses.map(toStatusResponse),
    regions: detail.regions.map(toRegionResponse),
  };
}
