import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { IsCalendarDate } from '../../../common/calendar-date';
import { UN_LANGUAGES, UnLanguage } from '../../statement-data.types';

const FUND = /^[A-Z0-9][A-Z0-9-]{1,19}$/;

export const BATCH_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type StatementBatchStatus = (typeof BATCH_STATUSES)[number];

export const ITEM_STATUSES = ['pending', 'issued', 'failed'] as const;
export type StatementBatchItemStatus = (typeof ITEM_STATUSES)[number];

export class CreateStatementBatchRequest {
  @ApiProperty({ example: 'WSIS-TF', description: 'Code of the fund: every donor of it gets one' })
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund!: string;

  @ApiProperty({ example: '2026-01-01', description: 'First day of the period' })
  @IsCalendarDate()
  from!: string;

  @ApiProperty({ example: '2026-12-31', description: 'Last day of the period' })
  @IsCalendarDate()
  to!: string;

  @ApiPropertyOptional({
    enum: UN_LANGUAGES,
    description: "One language for every statement; each donor's statement language by default",
  })
  @IsOptional()
  @IsIn(UN_LANGUAGES, { message: `language must be one of ${UN_LANGUAGES.join(', ')}` })
  language?: UnLanguage;
}

export class ListStatementBatchesQuery {
  @ApiPropertyOptional({ enum: BATCH_STATUSES })
  @IsOptional()
  @IsIn(BATCH_STATUSES)
  status?: StatementBatchStatus;

  @ApiPropertyOptional({ example: 'WSIS-TF' })
  @IsOptional()
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund?: string;

  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class StatementBatchItemResponse {
  @ApiProperty() donorId!: string;
  @ApiProperty({ example: 'Ministry of ICT, Ruritania' }) donorName!: string;
  @ApiProperty({ enum: ITEM_STATUSES }) status!: StatementBatchItemStatus;
  @ApiProperty({ type: String, nullable: true, description: 'The statement issued' })
  documentId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'ST-2026-000001' })
  number!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why it could not be issued' })
  error!: string | null;
}

export class StatementBatchSummaryResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'WSIS-TF' }) fund!: string;
  @ApiProperty({ example: '2026-01-01' }) from!: string;
  @ApiProperty({ example: '2026-12-31' }) to!: string;
  @ApiProperty({ enum: UN_LANGUAGES, nullable: true, description: "null: each donor's own" })
  language!: UnLanguage | null;
  @ApiProperty({
    enum: BATCH_STATUSES,
    description:
      'queued, running; then completed (every statement issued) or failed (finished, some not issued)',
  })
  status!: StatementBatchStatus;
  @ApiProperty({ description: 'Donors in the batch' }) total!: number;
  @ApiProperty() issued!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() pending!: number;
  @ApiProperty() requestedBy!: string;
  @ApiProperty() requestedAt!: string;
  @ApiProperty({ type: String, nullable: true }) finishedAt!: string | null;
}

export class StatementBatchResponse extends StatementBatchSummaryResponse {
  @ApiProperty({ type: [StatementBatchItemResponse], description: 'By donor name' })
  items!: StatementBatchItemResponse[];
}

export class StatementBatchPageResponse {
  @ApiProperty({ type: [StatementBatchSummaryResponse] }) items!: StatementBatchSummaryResponse[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
