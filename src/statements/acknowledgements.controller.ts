import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Response } from 'express';
import { Access } from '../auth/access.decorator';
import { Actor, CurrentActor } from '../common/actor';
import { API_V1 } from '../common/api';
import {
  IDEMPOTENCY_HEADER,
  IdempotencyKey,
  IdempotencyRequest,
} from '../common/idempotency/idempotency-key.decorator';
import { IdempotentResult } from '../common/idempotency/idempotent-result';
import { AcknowledgementsService } from './acknowledgements.service';
import { DOCUMENT_ISSUERS, DOCUMENT_READERS } from './document-access';
import { sendDocumentFile } from './document-file.response';
import {
  CorrectDocumentRequest,
  DocumentSentResponse,
  IssueAcknowledgementRequest,
  IssuedDocumentPageResponse,
  IssuedDocumentResponse,
  ListAcknowledgementsQuery,
} from './dto/issued-document.dto';
import { IssuedDocumentsService } from './issued-documents.service';

const STORED = 'The stored bytes as issued, whatever changed in the ledger since.';

/** Acknowledgement letters: the same storage, downloads, versions and e-mail as statements. */
@ApiTags('acknowledgements')
@Controller(`${API_V1}/acknowledgements`)
export class AcknowledgementsController {
  constructor(
    private readonly acknowledgements: AcknowledgementsService,
    private readonly documents: IssuedDocumentsService,
  ) {}

  @Access(...DOCUMENT_ISSUERS)
  @Post()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Issue the thank-you letter for a receipt (AK-YYYY-NNNNNN)',
    description:
      'Once per receipt (409 when it has one: correct that one instead); in the donor’s ' +
      'language unless `language` asks another.',
  })
  @ApiCreatedResponse({ type: IssuedDocumentResponse })
  issue(
    @CurrentActor() actor: Actor,
    @Body() request: IssueAcknowledgementRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<IssuedDocumentResponse>> {
    return this.acknowledgements.issue(actor, request, idempotency);
  }

  @Access(...DOCUMENT_READERS)
  @Get()
  @ApiOkResponse({ type: IssuedDocumentPageResponse })
  list(
    @CurrentActor() actor: Actor,
    @Query() query: ListAcknowledgementsQuery,
  ): Promise<IssuedDocumentPageResponse> {
    return this.documents.list(actor, 'acknowledgement', query);
  }

  @Access(...DOCUMENT_READERS)
  @Get(':id')
  @ApiOkResponse({ type: IssuedDocumentResponse })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<IssuedDocumentResponse> {
    return this.documents.get(actor, 'acknowledgement', id);
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
    sendDocumentFile(response, await this.documents.file(actor, 'acknowledgement', id, 'pdf'));
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
    sendDocumentFile(response, await this.documents.file(actor, 'acknowledgement', id, 'html'));
  }

  @Access(...DOCUMENT_READERS)
  @Get(':id/data')
  @ApiOperation({ summary: 'The data the letter was built from', description: STORED })
  async data(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Res() response: Response,
  ): Promise<void> {
    sendDocumentFile(response, await this.documents.file(actor, 'acknowledgement', id, 'data'));
  }

  @Access(...DOCUMENT_ISSUERS)
  @Post(':id/corrections')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({ summary: 'Issue a correction: the next version, rebuilt from today’s data' })
  @ApiCreatedResponse({ type: IssuedDocumentResponse })
  correct(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: CorrectDocumentRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<IssuedDocumentResponse>> {
    return this.documents.correct(actor, 'acknowledgement', id, request, idempotency);
  }

  @Access(...DOCUMENT_ISSUERS)
  @Post(':id/send')
  @HttpCode(200)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({ summary: 'E-mail the stored PDF to the donor’s contacts who receive statements' })
  @ApiOkResponse({ type: DocumentSentResponse })
  send(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<DocumentSentResponse>> {
    return this.documents.send(actor, 'acknowledgement', id, idempotency);
  }
}
