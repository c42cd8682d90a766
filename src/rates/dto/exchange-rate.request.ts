import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, MaxLength, ValidateBy } from 'class-validator';
import {
  currencyProblem,
  isoDateProblem,
  MAX_REASON_LENGTH,
  ratedCurrencyProblem,
  unitsPerUsdProblem,
} from '../rate-fields';

// Turns a rule of rate-fields.ts into a class-validator decorator with the same words.
function Checked(name: string, problem: (value: unknown) => string | undefined) {
  return () =>
    ValidateBy({
      name,
      validator: {
        validate: (value: unknown) => problem(value) === undefined,
        defaultMessage: (args) => `${args?.property ?? 'value'} ${problem(args?.value) ?? ''}`,
      },
    });
}

const IsCurrencyCode = Checked('isCurrency', currencyProblem);
const IsRatedCurrency = Checked('isCurrency', ratedCurrencyProblem);
const IsIsoDate = Checked('isDate', isoDateProblem);
const IsUnitsPerUsd = Checked('isDecimal', unitsPerUsdProblem);

export class CreateExchangeRateRequest {
  @ApiProperty({ example: 'EUR', description: 'ISO 4217 code; not USD, which is always 1' })
  @IsRatedCurrency()
  currency!: string;

  @ApiProperty({ example: '2026-01-01', description: 'In force from this day (YYYY-MM-DD)' })
  @IsIsoDate()
  effectiveFrom!: string;

  @ApiProperty({
    example: '0.862',
    description: 'Units of the currency per 1 USD, as a decimal string (up to 10 decimals)',
  })
  @IsUnitsPerUsd()
  unitsPerUsd!: string;

  @ApiPropertyOptional({
    description: 'Why the rate is entered; required when it corrects a rate already entered',
    maxLength: MAX_REASON_LENGTH,
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_REASON_LENGTH)
  reason?: string;
}

export class ImportExchangeRatesRequest {
  @ApiProperty({
    example: 'un-operational-rates-2026-03.csv',
    description: 'Name of the imported file, kept with every row as source csv:<fileName>',
  })
  @IsString()
  @Length(1, 200)
  @Matches(/^[^\p{Cc}]+$/u, { message: 'fileName must not contain control characters' })
  fileName!: string;

  @ApiProperty({
    description:
      'The file content. Header currency,effective_from,units_per_usd[,reason]; ISO dates; decimal point.',
    example: 'currency,effective_from,units_per_usd\nEUR,2026-03-01,0.862\n',
  })
  @IsString()
  csv!: string;
}

export class ListExchangeRatesQuery {
  @ApiPropertyOptional({ example: 'EUR' })
  @IsOptional()
  @IsRatedCurrency()
  currency?: string;
}

export class RateQuery {
  @ApiProperty({ example: 'EUR', description: 'Convert from this currency' })
  @IsCurrencyCode()
  from!: string;

  @ApiProperty({ example: 'CHF', description: 'Convert to this currency' })
  @IsCurrencyCode()
  to!: string;

  @ApiProperty({ example: '2026-03-31', description: 'The rate in force on this day' })
  @IsIsoDate()
  date!: string;
}
