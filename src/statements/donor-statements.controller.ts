import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Request, Response } from 'express';
import { Access } from '../auth/access.decorator';
import { Actor, CurrentActor } from '../common/actor';
import { API_V1 } from '../common/api';
import {
  IDEMPOTENCY_HEADER,
  IdempotencyKey,
  IdempotencyRequest,
} from '../common/idempotency/idempotency-key.decorator';
import { IdempotentResult } from '../common/idempotency/idempotent-result';
import { DOCUMENT_ISSUERS, DOCUMENT_PREVIEWERS, DOCUMENT_READERS } from './document-access';
import { previewFormat, sendDocumentFile } from './document-file.response';
import {
  CorrectDocumentRequest,
  DocumentSentResponse,
  IssuedDocumentPageResponse,
  IssuedDocumentResponse,
  IssueStatementRequest,
  ListDocumentsQuery,
  PreviewFormatQuery,
  PreviewStatementRequest,
} from './dto/issued-document.dto';
import { IssuedDocumentsService } from './issued-documents.service';
import { StatementsService } from './statements.service';

const STORED =
  'The stored bytes as issued, whatever changed in the ledger since. Repr-Digest carries the ' +
  'SHA-256 of what is sent.';

@ApiTags('donor statements')
@Controller(`${API_V1}/donor-statements`)
export class DonorStatementsController {
  constructor(
    private readonly statements: StatementsService,
    private readonly documents: IssuedDocumentsService,
  ) {}

  @Access(...DOCUMENT_PREVIEWERS)
  @Post('preview')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A draft statement (watermarked), as HTML or PDF; nothing is stored',
    description: '`?format=html|pdf`, or the Accept header (text/html or application/pdf).',
  })
  @ApiProduces('text/html', 'application/pdf')
  async preview(
    @Req() request: Request,
    @Res() response: Response,
    @Body() body: PreviewStatementRequest,
    @Query() query: PreviewFormatQuery,
  ): Promise<void> {
    sendDocumentFile(
      response,
      await this.statements.preview(body, previewFormat(request, query.format)),
    );
  }

  @Access(...DOCUMENT_ISSUERS)
  @Post()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Issue a statement: numbered ST-YYYY-NNNNNN, stored as HTML, PDF, data and SHA-256',
    description: "Written in the donor's statement language unless `language` asks another.",
  })
  @ApiCreatedResponse({ type: IssuedDocumentResponse })
  issue(
    @CurrentActor() actor: Actor,
    @Body() request: IssueStatementRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<IssuedDocumentResponse>> {
    return this.statements.issue(actor, request, idempotency);
  }

  @Access(...DOCUMENT_READERS)
  @Get()
  @ApiOperation({
    description: 'Newest first; every version is an item (`replaced` marks the replaced ones).',
  })
  @ApiOkResponse({ type: IssuedDocumentPageResponse })
  list(
    @CurrentActor() actor: Actor,
    @Query() query: ListDocumentsQuery,
  ): Promise<IssuedDocumentPageResponse> {
    return this.documents.list(actor, 'statement', query);
  }

  @Access(...DOCUMENT_READERS)
  @Get(':id')
  @ApiOkResponse({ type: IssuedDocumentResponse })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<IssuedDocumentResponse> {
    return this.documents.get(actor, 'statement', id);
  }

  @Access(...DOCUMENT_READERS)
  @Get(':id/pdf')
  @ApiOperation({ summary: 'The PDF as issued', description: STORED })
  @ApiProduces('application/pdf')
  async pdf(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Res() response: Response,
  ): Promise<void> {
    sendDocumentFile(response, await this.documents.file(actor, 'statement', id, 'pdf'));
  }

  @Access(...DOCUMENT_READERS)
  @Get(':id/html')
  @ApiOperation({ summary: 'The HTML as issued', description: STORED })
  @ApiProduces('text/html')
  async html(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Res() response: Response,
  ): Promise<void> {
    sendDocumentFile(response, await this.documents.file(actor, 'statement', id, 'html'));
  }

  @Access(...DOCUMENT_READERS)
  @Get(':id/data')
  @ApiOperation({ summary: 'The data the statement was built from', description: STORED })
  async data(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Res() response: Response,
  ): Promise<void> {
    sendDocumentFile(response, await this.documents.file(actor, 'statement', id, 'data'));
  }

  @Access(...DOCUMENT_ISSUERS)
  @Post(':id/corrections')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Issue a correction: the next version of the same number, rebuilt from today’s data',
    description:
      'The new version names the one it replaces and why; that one stays downloadable. Only the ' +
      'latest version may be corrected (409 otherwise).',
  })
  @ApiCreatedResponse({ type: IssuedDocumentResponse })
  correct(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: CorrectDocumentRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<IssuedDocumentResponse>> {
    return this.documents.correct(actor, 'statement', id, request, idempotency);
  }

  @Access(...DOCUMENT_ISSUERS)
  @Post(':id/send')
  @HttpCode(200)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'E-mail the stored PDF to the donor’s contacts who receive statements',
    description: 'Refused (409) when mail is not configured or no contact receives statements.',
  })
  @ApiOkResponse({ type: DocumentSentResponse })
  send(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<DocumentSentResponse>> {
    return this.documents.send(actor, 'statement', id, idempotency);
  }
}
