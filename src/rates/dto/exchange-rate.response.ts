import { ApiProperty } from '@nestjs/swagger';
import { trimDecimal } from '../rate-fields';
import type { ExchangeRateRow } from '../rates.repository';
import type { RateInForce, RateRowUsed } from '../rates.service';

export class ExchangeRateResponse {
  @ApiProperty({ example: '42' }) id!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ example: '2026-01-01' }) effectiveFrom!: string;
  @ApiProperty({ example: '0.862', description: 'Units of the currency per 1 USD' })
  unitsPerUsd!: string;
  @ApiProperty({ example: 1, description: '1, then 2, 3 … for each correction' }) version!: number;
  @ApiProperty({ description: 'False when a later version corrected this one' }) current!: boolean;
  @ApiProperty({ example: 'manual', description: "'manual' or 'csv:<file name>'" })
  source!: string;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty({ example: 'finance.officer' }) enteredBy!: string;
  @ApiProperty({ example: '2026-01-02T09:30:00.000Z' }) enteredAt!: string;
}

export class RateRowUsedResponse {
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ example: '2026-03-01' }) effectiveFrom!: string;
  @ApiProperty({ example: '0.862' }) unitsPerUsd!: string;
  @ApiProperty({ example: 1 }) version!: number;
}

export class RateResponse {
  @ApiProperty({ example: 'EUR' }) from!: string;
  @ApiProperty({ example: 'CHF' }) to!: string;
  @ApiProperty({ example: '2026-03-31' }) date!: string;
  @ApiProperty({
    example: '0.9280742459',
    description: 'Units of `to` per 1 unit of `from`, rounded half-even to 10 decimals',
  })
  rate!: string;
  @ApiProperty({
    type: [RateRowUsedResponse],
    description: 'The UN operational rates the cross rate was computed from (none for USD)',
  })
  used!: RateRowUsedResponse[];
}

export class ImportExchangeRatesResponse {
  @ApiProperty({ example: 'un-operational-rates-2026-03.csv' }) fileName!: string;
  @ApiProperty({ description: 'Rates entered for the first time' }) created!: number;
  @ApiProperty({ description: 'Rates that replaced a different value, as a new version' })
  corrected!: number;
  @ApiProperty({ description: 'Rows equal to the rate already in force, skipped' })
  unchanged!: number;
}

export function toExchangeRateResponse(
  row: ExchangeRateRow,
  current: boolean,
): ExchangeRateResponse {
  return {
    id: row.id,
    currency: row.currency,
    effectiveFrom: row.effectiveFrom,
    unitsPerUsd: trimDecimal(row.unitsPerUsd),
    version: row.version,
    current,
    source: row.source,
    reason: row.reason,
    enteredBy: row.enteredBy,
    enteredAt: row.enteredAt.toISOString(),
  };
}

export function toRateResponse(inForce: RateInForce): RateResponse {
  return {
    from: inForce.from,
    to: inForce.to,
    date: inForce.date,
    rate: inForce.rate.toDecimalString(10),
    used: inForce.used.map(toRateRowUsedResponse),
  };
}

function toRateRowUsedResponse(used: RateRowUsed): RateRowUsedResponse {
  return { ...used, unitsPerUsd: trimDecimal(used.unitsPerUsd) };
}
