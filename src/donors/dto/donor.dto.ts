import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

export const DONOR_TYPES = [
  'member_state',
  'sector_member',
  'associate',
  'academia',
  'intergovernmental',
  'private_sector',
  'foundation',
  'other',
] as const;
export type DonorType = (typeof DONOR_TYPES)[number];

/** The six official languages of the United Nations, in which statements are written. */
export const STATEMENT_LANGUAGES = ['ar', 'zh', 'en', 'fr', 'es', 'ru'] as const;
export type StatementLanguage = (typeof STATEMENT_LANGUAGES)[number];

export const DONOR_SORTS = ['name', 'type', 'country', 'createdAt'] as const;
export type DonorSort = (typeof DONOR_SORTS)[number];

export const MAX_DONOR_PAGE = 200;
export const DEFAULT_DONOR_PAGE = 50;
export const MAX_CONTACTS = 20;

const COUNTRY_FORMAT = /^[A-Z]{2}$/;
const CURRENCY_FORMAT = /^[A-Z]{3}$/;

export class DonorContactRequest {
  @ApiProperty({ example: 'Anna Keller' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'anna.keller@example.org' })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an e-mail address such as name@example.org' })
  @MaxLength(320)
  email?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'Head of finance' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  role?: string | null;

  @ApiPropertyOptional({
    default: false,
    description: 'Whether statements are sent to this contact (needs an e-mail address)',
  })
  @IsOptional()
  @IsBoolean()
  receivesStatements?: boolean;
}

export class CreateDonorRequest {
  @ApiProperty({ example: 'Swiss Confederation' })
  @IsString()
  @Length(1, 300)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @ApiProperty({ enum: DONOR_TYPES, example: 'member_state' })
  @IsIn(DONOR_TYPES, { message: `type must be one of ${DONOR_TYPES.join(', ')}` })
  type!: DonorType;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'CH',
    description: 'ISO 3166-1 alpha-2 code of a known country',
  })
  @IsOptional()
  @Matches(COUNTRY_FORMAT, { message: 'country must be an ISO 3166-1 alpha-2 code such as CH' })
  country?: string | null;

  @ApiPropertyOptional({ enum: STATEMENT_LANGUAGES, default: 'en' })
  @IsOptional()
  @IsIn(STATEMENT_LANGUAGES, {
    message: `statementLanguage must be one of ${STATEMENT_LANGUAGES.join(', ')}`,
  })
  statementLanguage?: StatementLanguage;

  @ApiPropertyOptional({ default: 'CHF', description: 'ISO 4217 code of an active currency' })
  @IsOptional()
  @Matches(CURRENCY_FORMAT, {
    message: 'statementCurrency must be an ISO 4217 code such as CHF',
  })
  statementCurrency?: string;

  @ApiPropertyOptional({ type: [DonorContactRequest], maxItems: MAX_CONTACTS })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CONTACTS)
  @ValidateNested({ each: true })
  @Type(() => DonorContactRequest)
  contacts?: DonorContactRequest[];

  @ApiPropertyOptional({
    default: false,
    description:
      'Create the donor even though donors with close names exist (answered 409 without it)',
  })
  @IsOptional()
  @IsBoolean()
  confirmDuplicate?: boolean;
}

/** Only the fields sent change; `contacts`, when sent, replaces the whole list. */
export class UpdateDonorRequest {
  @ApiPropertyOptional({ example: 'Swiss Confederation' })
  @ValidateIf((request: UpdateDonorRequest) => request.name !== undefined)
  @IsString()
  @Length(1, 300)
  @Matches(/\S/, { message: 'name must not be blank' })
  name?: string;

  @ApiPropertyOptional({ enum: DONOR_TYPES })
  @ValidateIf((request: UpdateDonorRequest) => request.type !== undefined)
  @IsIn(DONOR_TYPES, { message: `type must be one of ${DONOR_TYPES.join(', ')}` })
  type?: DonorType;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null removes the country' })
  @IsOptional()
  @Matches(COUNTRY_FORMAT, { message: 'country must be an ISO 3166-1 alpha-2 code such as CH' })
  country?: string | null;

  @ApiPropertyOptional({ enum: STATEMENT_LANGUAGES })
  @ValidateIf((request: UpdateDonorRequest) => request.statementLanguage !== undefined)
  @IsIn(STATEMENT_LANGUAGES, {
    message: `statementLanguage must be one of ${STATEMENT_LANGUAGES.join(', ')}`,
  })
  statementLanguage?: StatementLanguage;

  @ApiPropertyOptional({ example: 'EUR' })
  @ValidateIf((request: UpdateDonorRequest) => request.statementCurrency !== undefined)
  @Matches(CURRENCY_FORMAT, {
    message: 'statementCurrency must be an ISO 4217 code such as CHF',
  })
  statementCurrency?: string;

  @ApiPropertyOptional({
    type: [DonorContactRequest],
    maxItems: MAX_CONTACTS,
    description: 'The complete new list of contacts, in order; [] removes them all',
  })
  @ValidateIf((request: UpdateDonorRequest) => request.contacts !== undefined)
  @IsArray()
  @ArrayMaxSize(MAX_CONTACTS)
  @ValidateNested({ each: true })
  @Type(() => DonorContactRequest)
  contacts?: DonorContactRequest[];
}

export class ListDonorsQuery {
  @ApiPropertyOptional({
    example: 'economie',
    description: 'Part of the name; case, accents and punctuation are ignored',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: DONOR_TYPES })
  @IsOptional()
  @IsIn(DONOR_TYPES, { message: `type must be one of ${DONOR_TYPES.join(', ')}` })
  type?: DonorType;

  @ApiPropertyOptional({ example: 'CH' })
  @IsOptional()
  @Matches(COUNTRY_FORMAT, { message: 'country must be an ISO 3166-1 alpha-2 code such as CH' })
  country?: string;

  @ApiPropertyOptional({ enum: DONOR_SORTS, default: 'name' })
  @IsOptional()
  @IsIn(DONOR_SORTS, { message: `sort must be one of ${DONOR_SORTS.join(', ')}` })
  sort?: DonorSort;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'], { message: 'order must be asc or desc' })
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({ default: DEFAULT_DONOR_PAGE, maximum: MAX_DONOR_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_DONOR_PAGE)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class DonorContactResponse {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) email!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) role!: string | null;
  @ApiProperty() receivesStatements!: boolean;
}

export class DonorSummaryResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'Swiss Confederation' }) name!: string;
  @ApiProperty({ enum: DONOR_TYPES }) type!: DonorType;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'CH' }) country!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'Switzerland' })
  countryName!: string | null;
  @ApiProperty({ enum: STATEMENT_LANGUAGES }) statementLanguage!: StatementLanguage;
  @ApiProperty({ example: 'CHF' }) statementCurrency!: string;
  @ApiProperty() createdAt!: string;
}

export class DonorResponse extends DonorSummaryResponse {
  @ApiProperty({ type: [DonorContactResponse] }) contacts!: DonorContactResponse[];
  @ApiProperty() createdBy!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) updatedBy!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) updatedAt!: string | null;
}

export class DonorListResponse {
  @ApiProperty({ type: [DonorSummaryResponse] }) items!: DonorSummaryResponse[];
  @ApiProperty({ description: 'How many donors match, on all pages' }) total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

/** A donor whose name is close to the one being created (in a 409 donor-possible-duplicate). */
export class CloseDonorResponse {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) country!: string | null;
}
