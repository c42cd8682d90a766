import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
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
} from 'class-validator';
import { MoneyResponse } from '../../ledger/dto/journal.dto';
import { GRANT_KINDS, GRANT_STATUSES, GrantKind, GrantStatus } from './grant-event.dto';

export const GENDERS = ['female', 'male', 'non-binary', 'not-disclosed'] as const;
export type Gender = (typeof GENDERS)[number];

export const STAKEHOLDER_GROUPS = [
  'government',
  'private-sector',
  'civil-society',
  'academia',
  'technical-community',
  'international-organization',
] as const;
export type StakeholderGroup = (typeof STAKEHOLDER_GROUPS)[number];

export const MAX_PARTICIPANT_PAGE = 200;
export const DEFAULT_PARTICIPANT_PAGE = 50;

const COUNTRY_FORMAT = /^[A-Z]{2}$/;
const PHONE_FORMAT = /^\+?[0-9][0-9 ()./-]{2,39}$/;

export class CreateParticipantRequest {
  @ApiProperty({ example: 'Ana María López' })
  @IsString()
  @Length(1, 300)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @ApiProperty({ enum: GENDERS })
  @IsIn(GENDERS, { message: `gender must be one of ${GENDERS.join(', ')}` })
  gender!: Gender;

  @ApiProperty({ example: 'NP', description: 'ISO 3166-1 alpha-2 code of a known country' })
  @Matches(COUNTRY_FORMAT, { message: 'country must be an ISO 3166-1 alpha-2 code such as NP' })
  country!: string;

  @ApiProperty({ example: 'Ministry of Communication and Information Technology' })
  @IsString()
  @Length(1, 300)
  @Matches(/\S/, { message: 'organisation must not be blank' })
  organisation!: string;

  @ApiProperty({ enum: STAKEHOLDER_GROUPS })
  @IsIn(STAKEHOLDER_GROUPS, {
    message: `stakeholderGroup must be one of ${STAKEHOLDER_GROUPS.join(', ')}`,
  })
  stakeholderGroup!: StakeholderGroup;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'ana.lopez@example.org' })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an e-mail address such as name@example.org' })
  @MaxLength(320)
  email?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: '+977 1 4200000' })
  @IsOptional()
  @IsString()
  @Matches(PHONE_FORMAT, {
    message: 'phone must be a telephone number such as +41 22 730 5111',
  })
  phone?: string | null;

  @ApiPropertyOptional({
    default: false,
    description:
      'Record the participant even though the same person seems recorded already (answered ' +
      '409 participant-duplicate without it)',
  })
  @IsOptional()
  @IsBoolean()
  confirmDuplicate?: boolean;
}

export class ListParticipantsQuery {
  @ApiPropertyOptional({
    example: 'lopez ana',
    description: 'Words of the name, in any order; case and accents are ignored',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ example: 'NP' })
  @IsOptional()
  @Matches(COUNTRY_FORMAT, { message: 'country must be an ISO 3166-1 alpha-2 code such as NP' })
  country?: string;

  @ApiPropertyOptional({ default: DEFAULT_PARTICIPANT_PAGE, maximum: MAX_PARTICIPANT_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PARTICIPANT_PAGE)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class ParticipantResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'Ana María López' }) name!: string;
  @ApiProperty({ enum: GENDERS }) gender!: Gender;
  @ApiProperty({ example: 'NP' }) country!: string;
  @ApiProperty({ example: 'Nepal' }) countryName!: string;
  @ApiProperty() organisation!: string;
  @ApiProperty({ enum: STAKEHOLDER_GROUPS }) stakeholderGroup!: StakeholderGroup;
  @ApiPropertyOptional({ nullable: true, type: String }) email!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
}

export class ParticipantPageResponse {
  @ApiProperty({ type: [ParticipantResponse] }) items!: ParticipantResponse[];
  @ApiProperty({ description: 'How many participants match, on all pages' }) total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

/** A participant already recorded who seems to be the one being created (409). */
export class DuplicateParticipantResponse {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() country!: string;
  @ApiProperty() organisation!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({
    enum: ['name-and-country', 'email'],
    type: [String],
    description: 'What matched: the same name in the same country, the same e-mail, or both',
  })
  matched!: Array<'name-and-country' | 'email'>;
}

/** One grant of a participant, as the participant's page lists them. */
export class ParticipantGrantResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'GR-2026-0001' }) number!: string;
  @ApiProperty({ example: { id: '…', code: 'WSIS-FORUM-2026', name: 'WSIS Forum 2026' } })
  event!: { id: string; code: string; name: string };
  @ApiProperty({ enum: GRANT_KINDS }) kind!: GrantKind;
  @ApiProperty({ type: MoneyResponse }) amount!: MoneyResponse;
  @ApiProperty({ example: '2026-05-20' }) decisionDate!: string;
  @ApiProperty({ enum: GRANT_STATUSES }) status!: GrantStatus;
}
