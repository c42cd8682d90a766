import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

export const APPROVAL_STATUSES = ['pending', 'executed', 'rejected', 'cancelled'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

export class ApproveRequest {
  @ApiPropertyOptional({ example: 'Checked against the bank statement' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  comment?: string;
}

export class RejectRequest {
  @ApiProperty({ example: 'The donor is wrong: this is the Swiss contribution' })
  @IsString()
  @Length(3, 1000)
  comment!: string;
}

export class CancelRequest {
  @ApiPropertyOptional({ example: 'Entered twice' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  comment?: string;
}

export class ListApprovalsQuery {
  @ApiPropertyOptional({ enum: APPROVAL_STATUSES, example: 'pending' })
  @IsOptional()
  @IsIn(APPROVAL_STATUSES)
  status?: ApprovalStatus;

  @ApiPropertyOptional({ example: 'journal.adjustment' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9.-]{0,99}$/, { message: 'kind must be a kind such as period.reopen' })
  kind?: string;

  @ApiPropertyOptional({ example: 'WSIS-TF', description: 'Code of the fund concerned' })
  @IsOptional()
  @Matches(/^[A-Z0-9][A-Z0-9-]{1,19}$/, { message: 'fund must be a fund code' })
  fund?: string;

  @ApiPropertyOptional({ example: 'finance.officer', description: 'Login name of the maker' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  maker?: string;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class ApprovalResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'journal.adjustment' }) kind!: string;
  @ApiProperty({ example: 'Adjustment of WSIS-TF dated 2026-03-31: …' }) summary!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'What will be executed once approved, as the maker asked for it',
  })
  payload!: unknown;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'WSIS-TF' }) fund!: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'WSIS-TF/2026-03',
    description: 'The object concerned; at most one pending request per kind and subject',
  })
  subject!: string | null;
  @ApiProperty({ enum: APPROVAL_STATUSES }) status!: ApprovalStatus;
  @ApiProperty({ example: 'finance.officer' }) maker!: string;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'chief.approver' })
  checker!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) decidedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) comment!: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: 'What the execution returned (the posted entry…), once executed',
  })
  result!: unknown;
}
