import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { Role, ROLES } from '../roles';

export class CreateTokenRequest {
  @ApiProperty({ example: 'Reconciliation script' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({ example: 90, minimum: 1, maximum: 366, default: 90 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(366)
  expiresInDays?: number;
}

export class TokenResponse {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'tft_AbCdEfGh', description: 'The first characters, to recognise it' })
  prefix!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() expiresAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) revokedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) lastUsedAt!: string | null;
}

export class IssuedTokenResponse extends TokenResponse {
  @ApiProperty({ description: 'The token itself. Shown this once; store it safely.' })
  token!: string;
}

export class CreateUserRequest {
  @ApiProperty({ example: 'amina.diallo' })
  @Matches(/^[a-z0-9][a-z0-9._@-]{2,99}$/, {
    message: 'username must be 3 to 100 lower-case letters, digits, dots, hyphens, @ or _',
  })
  username!: string;

  @ApiProperty({ example: 'Amina Diallo' })
  @IsString()
  @Length(1, 200)
  displayName!: string;

  @ApiPropertyOptional({ description: 'At least 12 characters, not a common password' })
  @IsOptional()
  @IsString()
  password?: string;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['finance_officer'] })
  @IsArray()
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true })
  roles!: Role[];

  @ApiPropertyOptional({
    type: [String],
    description: 'For donor users: the donors they represent',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  donorIds?: string[];
}

export class SetRolesRequest {
  @ApiProperty({ enum: ROLES, isArray: true })
  @IsArray()
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true })
  roles!: Role[];
}

export class SetDonorsRequest {
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  donorIds!: string[];
}

export class UserResponse {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiProperty({ type: [String] }) donorIds!: string[];
  @ApiProperty() disabled!: boolean;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
}

/**
 * The sign-in form. Empty fields are allowed here and answered on the form itself ("enter your
 * user name and password"), not as a JSON validation error a person would see in the browser.
 */
export class SignInForm {
  @IsOptional()
  @IsString()
  @Length(0, 200)
  username?: string;

  @IsOptional()
  @IsString()
  @Length(0, 300)
  password?: string;

  @IsOptional()
  @IsString()
  @Length(0, 200)
  _csrf?: string;

  @IsOptional()
  @IsString()
  @Length(0, 500)
  next?: string;
}
