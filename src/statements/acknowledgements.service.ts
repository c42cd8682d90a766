import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { IdempotencyRequest } from '../common/idempotency/idempotency-key.decorator';
import { IdempotencyService } from '../common/idempotency/idempotency.service';
import { IdempotentResult } from '../common/idempotency/idempotent-result';
import { IssueAcknowledgementRequest, IssuedDocumentResponse } from './dto/issued-document.dto';
import { DocumentRow } from './issued-documents.repository';
import { IssuedDocumentsService, toDocumentResponse } from './issued-documents.service';
import { UnLanguage } from './statement-data.types';

/**
 * Acknowledgement letters: a thank-you for one receipt, with what was received and where it
 * was allocated, numbered AK-YYYY-NNNNNN. One letter per receipt; a change is a correction.
 */
@Injectable()
export class AcknowledgementsService {
  constructor(
    private readonly documents: IssuedDocumentsService,
    private readonly idempotency: IdempotencyService,
  ) {}

  issue(
    actor: Actor,
    request: IssueAcknowledgementRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<IssuedDocumentResponse>> {
    return this.idempotency.run(actor, idempotency, 201, async (manager) =>
      toDocumentResponse(await this.issueWith(manager, actor, request)),
    );
  }

  /** Issues the letter in the caller's transaction. */
  issueWith(
    manager: EntityManager,
    actor: Actor,
    request: { receiptId: string; language?: UnLanguage },
  ): Promise<DocumentRow> {
    return this.documents.issueIn(
      manager,
      actor,
      { kind: 'acknowledgement', receiptId: request.receiptId },
      { language: request.language },
    );
  }
}
