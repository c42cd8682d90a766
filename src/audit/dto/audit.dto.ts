import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { AUDIT_TIMESTAMP_PATTERN } from '../audit-period';

// A filter form sends its empty fields as `entityId=`: empty means "any".
const emptyAsAbsent = Transform(({ value }: { value: unknown }) =>
  value === '' ? undefined : value,
);

export class AuditQueryRequest {
  @ApiPropertyOptional({ example: 'journal_entry' })
  @emptyAsAbsent
  @IsOptional()
  @IsString()
  @Length(1, 100)
  entityType?: string;

  @ApiPropertyOptional({ example: 'WSIS-TF', description: 'As the API names the entity' })
  @emptyAsAbsent
  @IsOptional()
  @IsString()
  @Length(1, 200)
  entityId?: string;

  @ApiPropertyOptional({ example: 'finance.officer', description: 'Login name, or system:…' })
  @emptyAsAbsent
  @IsOptional()
  @IsString()
  @Length(1, 200)
  actor?: string;

  @ApiPropertyOptional({ example: 'period.reopen' })
  @emptyAsAbsent
  @IsOptional()
  @IsString()
  @Length(1, 100)
  action?: string;

  @ApiPropertyOptional({
    example: '2026-03-01',
    description: 'From this date (UTC) or ISO-8601 timestamp, inclusive',
  })
  @emptyAsAbsent
  @IsOptional()
  @Matches(AUDIT_TIMESTAMP_PATTERN, { message: 'from must be a date or an ISO-8601 timestamp' })
  from?: string;

  @ApiPropertyOptional({
    example: '2026-03-31',
    description: 'Up to this date (its whole day, UTC) or ISO-8601 timestamp, inclusive',
  })
  @emptyAsAbsent
  @IsOptional()
  @Matches(AUDIT_TIMESTAMP_PATTERN, { message: 'to must be a date or an ISO-8601 timestamp' })
  to?: string;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @emptyAsAbsent
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @emptyAsAbsent
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class AuditRecordResponse {
  @ApiProperty({ example: '1042' }) id!: string;
  @ApiProperty({ example: '2026-03-31T14:05:09.123Z' }) at!: string;
  @ApiProperty({ example: 'finance.officer' }) actor!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The user id; null for system:…' })
  actorUserId!: string | null;
  @ApiProperty({ example: 'journal.adjustment.post' }) action!: string;
  @ApiProperty({ example: 'journal_entry' }) entityType!: string;
  @ApiProperty({ example: '9f0c6a1e-…' }) entityId!: string;
  @ApiProperty({ type: Object, nullable: true, description: 'The entity before the change' })
  before!: unknown;
  @ApiProperty({ type: Object, nullable: true, description: 'The entity after the change' })
  after!: unknown;
  @ApiProperty({ type: String, nullable: true, description: 'X-Request-Id of the request' })
  requestId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7' })
  clientAddress!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Hash of the record before' })
  prevHash!: string | null;
  @ApiProperty({ description: 'SHA-256 of prevHash and this record’s canonical content' })
  hash!: string;
}

export class AuditBrokenLinkResponse {
  @ApiProperty({ example: '1042' }) id!: string;
  @ApiProperty({ example: 'the record’s content does not match its hash: it was changed' })
  reason!: string;
}

export class AuditVerificationResponse {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ description: 'Records examined, the broken one included' }) checked!: number;
  @ApiPropertyOptional({ type: AuditBrokenLinkResponse }) firstBroken?: AuditBrokenLinkResponse;
  @ApiPropertyOptional({ description: 'The last record checked' }) lastId?: string;
  @ApiPropertyOptional({ description: 'Its hash: compare later to see whether the end was cut' })
  lastHash?: string;
}
