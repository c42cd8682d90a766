import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
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
import {
  IssueAcknowledgementRequest,
  IssuedDocumentPageResponse,
  IssuedDocumentResponse,
  ListAcknowledgementsQuery,
} from './dto/issued-document.dto';
import { IssuedDocumentRoutes } from './issued-document-routes';
import { IssuedDocumentsService } from './issued-documents.service';

/** Acknowledgement letters: the same storage, downloads, versions and e-mail as statements. */
@ApiTags('acknowledgements')
@Controller(`${API_V1}/acknowledgements`)
export class AcknowledgementsController extends IssuedDocumentRoutes('acknowledgement', 'letter') {
  constructor(
    private readonly acknowledgements: AcknowledgementsService,
    documents: IssuedDocumentsService,
  ) {
    super(documents);
  }

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
}
