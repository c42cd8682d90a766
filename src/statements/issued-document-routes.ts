import { Body, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
} from '@nestjs/swagger';
import { Response } from 'express';
import { Access } from '../auth/access.decorator';
import { Actor, CurrentActor } from '../common/actor';
import {
  IDEMPOTENCY_HEADER,
  IdempotencyKey,
  IdempotencyRequest,
} from '../common/idempotency/idempotency-key.decorator';
import { IdempotentResult } from '../common/idempotency/idempotent-result';
import { DOCUMENT_ISSUERS, DOCUMENT_READERS } from './document-access';
import { sendDocumentFile } from './document-file.response';
import {
  CorrectDocumentRequest,
  DocumentSentResponse,
  IssuedDocumentResponse,
} from './dto/issued-document.dto';
import { DocumentKind } from './issued-documents.repository';
import { IssuedDocumentsService } from './issued-documents.service';

const STORED =
  'The stored bytes as issued, whatever changed in the ledger since. Repr-Digest carries the ' +
  'SHA-256 of what is sent.';

/**
 * The routes every kind of issued document has (statements, acknowledgement letters): read it,
 * download the stored PDF, HTML or data, correct it by a new version, e-mail it. A controller
 * extends the class made for its kind and adds how that kind is issued and listed.
 */
export function IssuedDocumentRoutes(kind: DocumentKind, noun: string) {
  abstract class Routes {
    constructor(protected readonly documents: IssuedDocumentsService) {}

    @Access(...DOCUMENT_READERS)
    @Get(':id')
    @ApiOkResponse({ type: IssuedDocumentResponse })
    get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<IssuedDocumentResponse> {
      return this.documents.get(actor, kind, id);
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
      sendDocumentFile(response, await this.documents.file(actor, kind, id, 'pdf'));
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
      sendDocumentFile(response, await this.documents.file(actor, kind, id, 'html'));
    }

    @Access(...DOCUMENT_READERS)
    @Get(':id/data')
    @ApiOperation({ summary: `The data the ${noun} was built from`, description: STORED })
    async data(
      @CurrentActor() actor: Actor,
      @Param('id') id: string,
      @Res() response: Response,
    ): Promise<void> {
      sendDocumentFile(response, await this.documents.file(actor, kind, id, 'data'));
    }

    @Access(...DOCUMENT_ISSUERS)
    @Post(':id/corrections')
    @ApiHeader(IDEMPOTENCY_HEADER)
    @ApiOperation({
      summary: 'Issue a correction: the next version of the same number, rebuilt from today’s data',
      description:
        'The new version names the one it replaces and why; that one stays downloadable. Only ' +
        'the latest version may be corrected (409 otherwise).',
    })
    @ApiCreatedResponse({ type: IssuedDocumentResponse })
    correct(
      @CurrentActor() actor: Actor,
      @Param('id') id: string,
      @Body() request: CorrectDocumentRequest,
      @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
    ): Promise<IdempotentResult<IssuedDocumentResponse>> {
      return this.documents.correct(actor, kind, id, request, idempotency);
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
      return this.documents.send(actor, kind, id, idempotency);
    }
  }
  return Routes;
}
