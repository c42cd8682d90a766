import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { CalendarDate } from '../common/calendar-date';
import { IdempotencyRequest } from '../common/idempotency/idempotency-key.decorator';
import { IdempotencyService } from '../common/idempotency/idempotency.service';
import { IdempotentResult } from '../common/idempotency/idempotent-result';
import { TransactionRunner } from '../database/transaction-runner';
import {
  IssuedDocumentResponse,
  IssueStatementRequest,
  PreviewFormat,
  PreviewStatementRequest,
} from './dto/issued-document.dto';
import {
  DocumentFile,
  DocumentSubject,
  IssuedDocumentsService,
  toDocumentResponse,
} from './issued-documents.service';
import { UnLanguage } from './statement-data.types';

/** What the statement batch asks for each donor (see issueWith). */
export interface IssueStatementInput {
  donorId: string;
  fundCode: string | null;
  from: CalendarDate;
  to: CalendarDate;
  language?: UnLanguage;
  batchId?: string;
}

/** A statement just issued. */
export interface IssuedStatement {
  id: string;
  number: string;
  version: number;
  sha256: string;
}

/**
 * Donor statements: a draft preview, and issuing, numbered ST-YYYY-NNNNNN. Storage, downloads,
 * corrections and e-mail are those of every issued document (IssuedDocumentsService).
 */
@Injectable()
export class StatementsService {
  constructor(
    private readonly documents: IssuedDocumentsService,
    private readonly idempotency: IdempotencyService,
    private readonly transactions: TransactionRunner,
  ) {}

  /** Whether the statement can be built (donor, fund and period known); its typed error if not. */
  async check(request: PreviewStatementRequest): Promise<void> {
    await this.transactions.run((manager) => this.documents.build(manager, subjectOf(request)));
  }

  preview(request: PreviewStatementRequest, format: PreviewFormat): Promise<DocumentFile> {
    return this.documents.preview(subjectOf(request), request.language, format);
  }

  issue(
    actor: Actor,
    request: IssueStatementRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<IssuedDocumentResponse>> {
    return this.idempotency.run(actor, idempotency, 201, async (manager) =>
      toDocumentResponse(
        await this.documents.issueIn(manager, actor, subjectOf(request), {
          language: request.language,
        }),
      ),
    );
  }

  /**
   * Issues one statement in the caller's transaction (see issueManyWith): data, HTML, PDF, the
   * next gapless number, storage and audit record all commit or roll back with it.
   */
  async issueWith(
    manager: EntityManager,
    actor: Actor,
    request: IssueStatementInput,
  ): Promise<IssuedStatement> {
    const [issued] = await this.issueManyWith(manager, actor, [request]);
    return issued;
  }

  /**
   * Issues statements in the caller's transaction, with consecutive numbers in their order and
   * their PDFs printed together (the batch issues several donors' at once this way). One that
   * cannot be issued fails them all.
   */
  async issueManyWith(
    manager: EntityManager,
    actor: Actor,
    requests: readonly IssueStatementInput[],
  ): Promise<IssuedStatement[]> {
    const rows = await this.documents.issueAllIn(
      manager,
      actor,
      requests.map((request) => ({
        subject: {
          kind: 'statement' as const,
          donorId: request.donorId,
          fundCode: request.fundCode,
          from: request.from,
          to: request.to,
        },
        options: { language: request.language, batchId: request.batchId },
      })),
    );
    return rows.map((row) => ({
      id: row.id,
      number: row.number,
      version: row.version,
      sha256: row.sha256,
    }));
  }
}

function subjectOf(request: PreviewStatementRequest): DocumentSubject {
  return {
    kind: 'statement',
    donorId: request.donorId,
    fundCode: request.fund ?? null,
    from: request.from,
    to: request.to,
  };
}
