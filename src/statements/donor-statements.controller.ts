import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
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
  IssuedDocumentPageResponse,
  IssuedDocumentResponse,
  IssueStatementRequest,
  ListDocumentsQuery,
  PreviewFormatQuery,
  PreviewStatementRequest,
} from './dto/issued-document.dto';
import { IssuedDocumentRoutes } from './issued-document-routes';
import { IssuedDocumentsService } from './issued-documents.service';
import { StatementsService } from './statements.service';

@ApiTags('donor statements')
@Controller(`${API_V1}/donor-statements`)
export class DonorStatementsController extends IssuedDocumentRoutes('statement', 'statement') {
  constructor(
    private readonly statements: StatementsService,
    documents: IssuedDocumentsService,
  ) {
    super(documents);
  }

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
}
