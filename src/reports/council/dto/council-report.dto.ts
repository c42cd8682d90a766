import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { MoneyResponse } from '../../../ledger/dto/journal.dto';
import { UN_LANGUAGES, UnLanguage } from '../../../statements/statement-data.types';

const FUND = /^[A-Z0-9][A-Z0-9-]{1,19}$/;

/** The annual report to Council as data, a spreadsheet, or the document (HTML or a draft PDF). */
export const COUNCIL_REPORT_FORMATS = ['json', 'csv', 'xlsx', 'html', 'pdf'] as const;
export type CouncilReportFormat = (typeof COUNCIL_REPORT_FORMATS)[number];

export class CouncilReportQuery {
  @ApiPropertyOptional({ example: 'WSIS-TF', default: 'WSIS-TF' })
  @IsOptional()
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund?: string;

  @ApiPropertyOptional({
    example: 2026,
    description: 'Calendar (financial) year; default: this year',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'year must be a whole number' })
  @Min(2000, { message: 'year must be 2000 or later' })
  @Max(2100, { message: 'year must be 2100 or earlier' })
  year?: number;

  @ApiPropertyOptional({ enum: UN_LANGUAGES, default: 'en', description: 'Of the HTML and PDF' })
  @IsOptional()
  @IsIn(UN_LANGUAGES)
  language?: UnLanguage;

  @ApiPropertyOptional({
    enum: COUNCIL_REPORT_FORMATS,
    default: 'json',
    description:
      '`csv`: contributions by donor; `xlsx`: every table; `html`: the document; `pdf`: a ' +
      'draft of the document (not numbered, not stored)',
  })
  @IsOptional()
  @IsIn(COUNCIL_REPORT_FORMATS)
  format?: CouncilReportFormat;
}

export class CouncilFundResponse {
  @ApiProperty({ example: 'WSIS-TF' }) code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'CHF' }) functionalCurrency!: string;
}

export class CouncilDonorLineResponse {
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'null: remitter not identified',
  })
  donorId!: string | null;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'SE' }) country!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'member_state' })
  type!: string | null;
  @ApiProperty({ description: 'Receipts in the year' }) receipts!: number;
  @ApiProperty({ type: MoneyResponse, description: 'Gross, at the rate of each value date' })
  received!: MoneyResponse;
}

export class CouncilContributionsResponse {
  @ApiProperty({ type: [CouncilDonorLineResponse] }) donors!: CouncilDonorLineResponse[];
  @ApiProperty() receipts!: number;
  @ApiProperty({ type: MoneyResponse }) total!: MoneyResponse;
}

export class CouncilGrantSumsResponse {
  @ApiProperty() grants!: number;
  @ApiProperty({ type: MoneyResponse, description: 'Amounts awarded' }) amount!: MoneyResponse;
}

export class CouncilCountryLineResponse extends CouncilGrantSumsResponse {
  @ApiProperty({ example: 'NP' }) country!: string;
  @ApiProperty({ example: 'Nepal' }) countryName!: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'Asia-Pacific' })
  region!: string | null;
  @ApiProperty({ description: 'Grants decided while the country was an LDC' }) ldcGrants!: number;
}

export class CouncilRegionLineResponse extends CouncilGrantSumsResponse {
  @ApiProperty({ example: 'Africa', description: '`none`: no region recorded' }) region!: string;
  @ApiProperty() ldcGrants!: number;
  @ApiProperty({ type: MoneyResponse }) ldcAmount!: MoneyResponse;
}

export class CouncilLdcShareResponse extends CouncilGrantSumsResponse {
  @ApiProperty({ example: '40.0', description: 'Percent of the grants, one decimal' })
  shareOfGrants!: string;
  @ApiProperty({ example: '37.5', description: 'Percent of the amount, one decimal' })
  shareOfAmount!: string;
}

export class CouncilGenderLineResponse extends CouncilGrantSumsResponse {
  @ApiProperty({ example: 'female' }) gender!: string;
  @ApiProperty({ example: 'Female' }) label!: string;
}

export class CouncilGrantsResponse {
  @ApiProperty({ type: [CouncilCountryLineResponse] }) byCountry!: CouncilCountryLineResponse[];
  @ApiProperty({ type: [CouncilRegionLineResponse] }) byRegion!: CouncilRegionLineResponse[];
  @ApiProperty({ type: CouncilLdcShareResponse }) ldc!: CouncilLdcShareResponse;
  @ApiProperty({ type: [CouncilGenderLineResponse] }) byGender!: CouncilGenderLineResponse[];
  @ApiProperty({ type: CouncilGrantSumsResponse }) total!: CouncilGrantSumsResponse;
}

export class CouncilEarmarkLineResponse {
  @ApiProperty({ example: 'PARTICIPATION-GRANTS' }) code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: MoneyResponse }) received!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'Open grant commitments' })
  committed!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) spent!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) available!: MoneyResponse;
}

export class CouncilAccountLineResponse {
  @ApiProperty({ example: '4000' }) account!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: MoneyResponse }) amount!: MoneyResponse;
}

export class CouncilBalanceResponse {
  @ApiProperty({ type: MoneyResponse, description: 'Net assets at 1 January' })
  opening!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) revenue!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) expenses!: MoneyResponse;
  @ApiProperty({
    type: MoneyResponse,
    description: 'Movements posted directly to net assets (3000) in the year',
  })
  otherChanges!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'Carried forward at 31 December' })
  closing!: MoneyResponse;
  @ApiProperty({ type: [CouncilAccountLineResponse] }) revenueLines!: CouncilAccountLineResponse[];
  @ApiProperty({ type: [CouncilAccountLineResponse] }) expenseLines!: CouncilAccountLineResponse[];
  @ApiProperty({
    type: MoneyResponse,
    description: 'Assets less liabilities in the trial balance at 31 December',
  })
  netAssets!: MoneyResponse;
  @ApiProperty({ description: '`closing` equals `netAssets`' }) ties!: boolean;
}

export class CouncilReportResponse {
  @ApiProperty({ type: CouncilFundResponse }) fund!: CouncilFundResponse;
  @ApiProperty({ example: 2026 }) year!: number;
  @ApiProperty({ example: '2026-01-01' }) from!: string;
  @ApiProperty({ example: '2026-12-31' }) to!: string;
  @ApiProperty({ type: CouncilContributionsResponse })
  contributions!: CouncilContributionsResponse;
  @ApiProperty({ type: CouncilGrantsResponse }) grants!: CouncilGrantsResponse;
  @ApiProperty({ type: [CouncilEarmarkLineResponse], description: 'As of 31 December' })
  earmarks!: CouncilEarmarkLineResponse[];
  @ApiProperty({ type: CouncilBalanceResponse }) balance!: CouncilBalanceResponse;
}
