import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { IsCalendarDate } from '../../common/calendar-date';
import { UN_LANGUAGES, UnLanguage } from '../statement-data.types';
import type { DocumentKind } from '../issued-documents.repository';

const FUND = /^[A-Z0-9][A-Z0-9-]{1,19}$/;
const LANGUAGE_MESSAGE = `language must be one of ${UN_LANGUAGES.join(', ')}`;
const trimmed = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

/** A statement's subject: the donor, one fund or all of them, and the period. */
export class PreviewStatementRequest {
  @ApiProperty({ description: 'The donor the statement is for' })
  @IsUUID()
  donorId!: string;

  @ApiPropertyOptional({
    example: 'WSIS-TF',
    description: 'Code of the fund; without it, every fund the donor has anything with',
  })
  @IsOptional()
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund?: string;

  @ApiProperty({ example: '2026-01-01', description: 'First day of the period' })
  @IsCalendarDate()
  from!: string;

  @ApiProperty({ example: '2026-12-31', description: 'Last day of the period' })
  @IsCalendarDate()
  to!: string;

  @ApiPropertyOptional({
    enum: UN_LANGUAGES,
    description: "The language to write it in; the donor's statement language by default",
  })
  @IsOptional()
  @IsIn(UN_LANGUAGES, { message: LANGUAGE_MESSAGE })
  language?: UnLanguage;
}

export class IssueStatementRequest extends PreviewStatementRequest {}

export class IssueAcknowledgementRequest {
  @ApiProperty({ description: 'The receipt to thank the donor for' })
  @IsUUID()
  receiptId!: string;

  @ApiPropertyOptional({ enum: UN_LANGUAGES, description: "The donor's language by default" })
  @IsOptional()
  @IsIn(UN_LANGUAGES, { message: LANGUAGE_MESSAGE })
  language?: UnLanguage;
}

export class CorrectDocumentRequest {
  @ApiProperty({
    example: 'Receipt RCT-2026-000014 was allocated to the wrong pledge',
    description: 'Why the document is reissued; shown with the new version',
  })
  @Transform(trimmed)
  @IsString()
  @MinLength(3, { message: 'reason must say why, in at least 3 characters' })
  @MaxLength(500)
  reason!: string;

  @ApiPropertyOptional({
    enum: UN_LANGUAGES,
    description: 'The language of the new version; that of the version it replaces by default',
  })
  @IsOptional()
  @IsIn(UN_LANGUAGES, { message: LANGUAGE_MESSAGE })
  language?: UnLanguage;
}

export class ListDocumentsQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  donorId?: string;

  @ApiPropertyOptional({ example: 'WSIS-TF' })
  @IsOptional()
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund?: string;

  @ApiPropertyOptional({ example: 'ST-2026-000001', description: 'Every version of one number' })
  @IsOptional()
  @Matches(/^[A-Z]{2}-\d{4}-\d{6}$/, { message: 'number must be a number such as ST-2026-000001' })
  number?: string;

  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class ListAcknowledgementsQuery extends ListDocumentsQuery {
  @ApiPropertyOptional({ description: 'The letters of one receipt' })
  @IsOptional()
  @IsUUID()
  receiptId?: string;
}

export const PREVIEW_FORMATS = ['html', 'pdf'] as const;
export type PreviewFormat = (typeof PREVIEW_FORMATS)[number];

export class PreviewFormatQuery {
  @ApiPropertyOptional({
    enum: PREVIEW_FORMATS,
    description: 'html or pdf; without it, from the Accept header (HTML unless it asks for PDF)',
  })
  @IsOptional()
  @IsIn(PREVIEW_FORMATS, { message: 'format must be html or pdf' })
  format?: PreviewFormat;
}

export class DocumentLinksResponse {
  @ApiProperty({ example: '/api/v1/donor-statements/…/pdf' }) pdf!: string;
  @ApiProperty() html!: string;
  @ApiProperty() data!: string;
}

export class IssuedDocumentResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['statement', 'acknowledgement'] }) kind!: DocumentKind;
  @ApiProperty({ example: 'ST-2026-000001', description: 'Kept by every version' })
  number!: string;
  @ApiProperty({ example: 1 }) version!: number;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The version it replaces' })
  replacesId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Why it replaces it' })
  correctionReason!: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'The later version that replaced this one (null: the current version)',
  })
  replacedById!: string | null;
  @ApiProperty({ description: 'Whether a later version replaced it' }) replaced!: boolean;
  @ApiProperty({ example: { id: '…', name: 'Swiss Confederation' } })
  donor!: { id: string; name: string };
  @ApiPropertyOptional({ nullable: true, type: String, example: 'WSIS-TF' })
  fund!: string | null;
  @ApiPropertyOptional({ nullable: true, example: { from: '2026-01-01', to: '2026-12-31' } })
  period!: { from: string; to: string } | null;
  @ApiPropertyOptional({ nullable: true, example: { id: '…', number: 'RCT-2026-000001' } })
  receipt!: { id: string; number: string } | null;
  @ApiProperty({ enum: UN_LANGUAGES }) language!: UnLanguage;
  @ApiProperty({ example: '2026-11-28' }) issuedOn!: string;
  @ApiProperty() issuedBy!: string;
  @ApiProperty() issuedAt!: string;
  @ApiProperty({ description: 'SHA-256 (hex) of the PDF as issued' }) sha256!: string;
  @ApiProperty({ description: 'Size of the PDF in bytes' }) pdfSize!: number;
  @ApiPropertyOptional({ nullable: true, type: String }) batchId!: string | null;
  @ApiProperty({ type: DocumentLinksResponse }) links!: DocumentLinksResponse;
}

export class IssuedDocumentPageResponse {
  @ApiProperty({ type: [IssuedDocumentResponse] }) items!: IssuedDocumentResponse[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class DocumentSentResponse {
  @ApiProperty() documentId!: string;
  @ApiProperty({ example: 'ST-2026-000001' }) number!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ type: [String], example: ['finance@example.org'] }) recipients!: string[];
  @ApiProperty() messageId!: string;
}
