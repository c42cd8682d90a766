import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { CalendarDate, todayUtc } from '../common/calendar-date';
import { IdempotencyRequest } from '../common/idempotency/idempotency-key.decorator';
import { IdempotencyService } from '../common/idempotency/idempotency.service';
import { IdempotentResult } from '../common/idempotency/idempotent-result';
import { isUuid } from '../common/uuid';
import { TransactionRunner } from '../database/transaction-runner';
import { DocumentRenderer } from '../documents/document-renderer';
import { PdfRenderer } from '../documents/pdf-renderer';
import { canSeeDonor, visibleDonorIds } from '../donors/donors.service';
import { MailNotConfiguredError } from '../mail/mail.errors';
import { MailService } from '../mail/mail.service';
import { AcknowledgementDataService } from './data/acknowledgement-data.service';
import { StatementDataService } from './data/statement-data.service';
import {
  CorrectDocumentRequest,
  DocumentSentResponse,
  IssuedDocumentPageResponse,
  IssuedDocumentResponse,
  ListAcknowledgementsQuery,
  PreviewFormat,
} from './dto/issued-document.dto';
import {
  AcknowledgementExistsError,
  DocumentAlreadyReplacedError,
  DocumentNotFoundError,
  NoDocumentRecipientError,
} from './issued-documents.errors';
import {
  DocumentKind,
  DocumentRow,
  IssuedDocumentsRepository,
} from './issued-documents.repository';
import { AcknowledgementData, StatementData, UnLanguage } from './statement-data.types';

/** What a document is about: the statement's donor, fund and period, or the letter's receipt. */
export type DocumentSubject =
  | {
      kind: 'statement';
      donorId: string;
      fundCode: string | null;
      from: CalendarDate;
      to: CalendarDate;
    }
  | { kind: 'acknowledgement'; receiptId: string };

/** How each kind is numbered, named and reached. */
export const DOCUMENT_KINDS: Record<
  DocumentKind,
  { prefix: string; what: string; api: string; audit: string }
> = {
  statement: {
    prefix: 'ST',
    what: 'donor statement',
    api: '/api/v1/donor-statements',
    audit: 'donor-statement',
  },
  acknowledgement: {
    prefix: 'AK',
    what: 'acknowledgement',
    api: '/api/v1/acknowledgements',
    audit: 'acknowledgement',
  },
};

/** How a document is issued: its language, its batch, the version it corrects. */
export interface IssueOptions {
  language?: UnLanguage;
  batchId?: string;
  replaces?: { row: DocumentRow; reason: string };
}

/** A document numbered and rendered, waiting for its PDF to be stored. */
interface PreparedDocument {
  subject: DocumentSubject;
  options: IssueOptions;
  data: StatementData | AcknowledgementData;
  language: UnLanguage;
  issuedOn: CalendarDate;
  number: string;
  version: number;
  html: string;
  headerText: string;
}

/** A document's bytes as a response sends them. */
export interface DocumentFile {
  body: Buffer;
  contentType: string;
  filename: string;
  /** PDFs download; HTML and data open in the browser. */
  disposition: 'inline' | 'attachment';
  /** The SHA-256 recorded when the PDF was issued (only for a stored PDF). */
  sha256?: string;
}

export type DocumentPart = 'pdf' | 'html' | 'data';

const DEFAULT_LIMIT = 50;

/**
 * Issued documents, statements and acknowledgement letters alike: built from the ledger (by
 * the data services), rendered to HTML and PDF, numbered without gaps, stored once with the
 * SHA-256 of the PDF, and from then on served exactly as stored. A correction is a new version
 * of the same number that names the version it replaces and why; only the latest version may
 * be corrected. Donor users only ever see their own donor's documents.
 */
@Injectable()
export class IssuedDocumentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly idempotency: IdempotencyService,
    private readonly repository: IssuedDocumentsRepository,
    private readonly statementData: StatementDataService,
    private readonly acknowledgementData: AcknowledgementDataService,
    private readonly renderer: DocumentRenderer,
    private readonly pdf: PdfRenderer,
    private readonly mail: MailService,
    private readonly audit: AuditService,
  ) {}

  /** The data a document of this subject shows today. */
  build(
    manager: EntityManager,
    subject: DocumentSubject,
  ): Promise<StatementData | AcknowledgementData> {
    return subject.kind === 'statement'
      ? this.statementData.build(manager, {
          donorId: subject.donorId,
          fundCode: subject.fundCode,
          from: subject.from,
          to: subject.to,
        })
      : this.acknowledgementData.build(manager, subject.receiptId);
  }

  /** A watermarked draft, built from today's data; nothing is stored nor numbered. */
  async preview(
    subject: DocumentSubject,
    language: UnLanguage | undefined,
    format: PreviewFormat,
  ): Promise<DocumentFile> {
    // One snapshot for every figure; rendering happens after, without holding a connection.
    const data = await this.transactions.run((manager) => this.build(manager, subject), {
      isolation: 'REPEATABLE READ',
    });
    const chosen = language ?? data.donor.language;
    const { html, headerText } = this.renderer.render(data, { language: chosen, draft: true });
    const name = `draft-${subject.kind}-${todayUtc()}`;
    if (format === 'html') {
      return {
        body: Buffer.from(html),
        contentType: HTML,
        filename: `${name}.html`,
        disposition: 'inline',
      };
    }
    const pdf = await this.pdf.pdf(html, { language: chosen, headerText });
    return { body: pdf, contentType: PDF, filename: `${name}.pdf`, disposition: 'inline' };
  }

  /**
   * Issues a document in the caller's transaction: builds its data, takes the next number (or
   * the number of the version it replaces), renders HTML and PDF, stores them with the data and
   * the PDF's SHA-256, and writes the audit record. Nothing is kept if the transaction rolls
   * back, not even the number.
   */
  async issueIn(
    manager: EntityManager,
    actor: Actor,
    subject: DocumentSubject,
    options: IssueOptions = {},
  ): Promise<DocumentRow> {
    const [row] = await this.issueAllIn(manager, actor, [{ subject, options }]);
    return row;
  }

  /**
   * Issues several documents in the caller's transaction, as issueIn does each, with
   * consecutive numbers in their order; their PDFs are printed together (much faster than one
   * by one). One that cannot be issued fails them all.
   */
  async issueAllIn(
    manager: EntityManager,
    actor: Actor,
    requests: readonly { subject: DocumentSubject; options?: IssueOptions }[],
  ): Promise<DocumentRow[]> {
    const prepared: PreparedDocument[] = [];
    for (const { subject, options } of requests) {
      prepared.push(await this.prepare(manager, subject, options ?? {}));
    }
    const pdfs = await this.pdf.pdfMany(
      prepared.map(({ html, language, headerText }) => ({ html, language, headerText })),
    );
    const rows: DocumentRow[] = [];
    for (const [index, document] of prepared.entries()) {
      rows.push(await this.store(manager, actor, document, pdfs[index]));
    }
    return rows;
  }

  // Data, number and HTML of a document about to be issued.
  private async prepare(
    manager: EntityManager,
    subject: DocumentSubject,
    options: IssueOptions,
  ): Promise<PreparedDocument> {
    const kind = DOCUMENT_KINDS[subject.kind];
    const data = await this.build(manager, subject);
    const replaces = options.replaces;
    if (data.kind === 'acknowledgement' && replaces === undefined) {
      await this.refuseSecondAcknowledgement(manager, data);
    }
    const language = options.language ?? data.donor.language;
    const issuedOn = todayUtc();
    const number =
      replaces?.row.number ??
      documentNumber(
        kind.prefix,
        Number(issuedOn.slice(0, 4)),
        await this.repository.nextNumber(manager, subject.kind, Number(issuedOn.slice(0, 4))),
      );
    const version = replaces === undefined ? 1 : replaces.row.version + 1;
    const { html, headerText } = this.renderer.render(data, {
      language,
      draft: false,
      number,
      issuedOn,
      version,
    });
    return { subject, options, data, language, issuedOn, number, version, html, headerText };
  }

  // Stores a prepared document with its PDF, and writes its audit record.
  private async store(
    manager: EntityManager,
    actor: Actor,
    document: PreparedDocument,
    pdf: Buffer,
  ): Promise<DocumentRow> {
    const { subject, options, data, language, issuedOn, number, version, html } = document;
    const kind = DOCUMENT_KINDS[subject.kind];
    const replaces = options.replaces;
    // The data was built from the fund, so its code names an existing one.
    const fundCode = data.kind === 'statement' ? (data.fund?.code ?? null) : data.fund.code;
    const id = await this.repository.insert(manager, {
      kind: subject.kind,
      number,
      version,
      replacesId: replaces?.row.id ?? null,
      correctionReason: replaces?.reason ?? null,
      donorId: data.donor.id,
      fundCode,
      receiptId: data.kind === 'acknowledgement' ? data.receipt.id : null,
      periodFrom: data.kind === 'statement' ? data.period.from : null,
      periodTo: data.kind === 'statement' ? data.period.to : null,
      language,
      issuedOn,
      issuedBy: actor.id,
      html,
      pdf,
      data,
      sha256: sha256Hex(pdf),
      batchId: options.batchId ?? null,
    });
    const row = (await this.repository.find(manager, subject.kind, id))!;
    await this.audit.record(manager, actor, {
      action: `${kind.audit}.${replaces === undefined ? 'issue' : 'correct'}`,
      entityType: 'donor-document',
      entityId: id,
      before: replaces === undefined ? undefined : toDocumentResponse(replaces.row),
      after: toDocumentResponse(row),
    });
    return row;
  }

  /** Issues a correction of the document: the next version, rebuilt from today's data. */
  correct(
    actor: Actor,
    kind: DocumentKind | null,
    id: string,
    request: CorrectDocumentRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<IssuedDocumentResponse>> {
    return this.idempotency.run(actor, idempotency, 201, async (manager) => {
      // Locked: two corrections of one version take turns, and the second is refused.
      const row = await this.requireVisible(manager, actor, kind, id, { lock: true });
      if (row.replaced_by_id !== null) {
        throw new DocumentAlreadyReplacedError(row.number, row.version, {
          id: row.replaced_by_id,
          version: row.replaced_by_version ?? row.version + 1,
        });
      }
      const issued = await this.issueIn(manager, actor, subjectOf(row), {
        language: request.language ?? row.language,
        replaces: { row, reason: request.reason },
      });
      return toDocumentResponse(issued);
    });
  }

  async list(
    actor: Actor,
    kind: DocumentKind,
    query: ListAcknowledgementsQuery,
  ): Promise<IssuedDocumentPageResponse> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const offset = query.offset ?? 0;
    const { rows, total } = await this.repository.list(
      this.dataSource.manager,
      {
        kind,
        donorIds: visibleDonorIds(actor),
        donorId: query.donorId,
        fundCode: query.fund,
        number: query.number,
        receiptId: query.receiptId,
      },
      { limit, offset },
    );
    return { items: rows.map(toDocumentResponse), total, limit, offset };
  }

  async get(actor: Actor, kind: DocumentKind | null, id: string): Promise<IssuedDocumentResponse> {
    return toDocumentResponse(await this.requireVisible(this.dataSource.manager, actor, kind, id));
  }

  /** What was issued, byte for byte, whatever changed in the ledger since. */
  async file(
    actor: Actor,
    kind: DocumentKind | null,
    id: string,
    part: DocumentPart,
  ): Promise<DocumentFile> {
    const manager = this.dataSource.manager;
    const row = await this.requireVisible(manager, actor, kind, id);
    const content = await this.repository.content(manager, row.id);
    const name = `${row.number}-v${row.version}`;
    switch (part) {
      case 'pdf':
        return {
          body: content.pdf,
          contentType: PDF,
          filename: `${name}.pdf`,
          disposition: 'attachment',
          sha256: content.sha256,
        };
      case 'html':
        return {
          body: Buffer.from(content.html),
          contentType: HTML,
          filename: `${name}.html`,
          disposition: 'inline',
        };
      case 'data':
        return {
          body: Buffer.from(JSON.stringify(content.data)),
          contentType: 'application/json; charset=utf-8',
          filename: `${name}.json`,
          disposition: 'inline',
        };
    }
  }

  /**
   * E-mails the stored PDF (and the stored HTML as the message) to the donor's contacts who
   * receive statements. Refused before anything is sent when mail is not configured or there
   * is no such contact; the sending is audited.
   */
  send(
    actor: Actor,
    kind: DocumentKind | null,
    id: string,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<DocumentSentResponse>> {
    // One attempt only: a transaction run again after a conflict would send the e-mail again.
    return this.idempotency.run(
      actor,
      idempotency,
      200,
      async (manager) => {
        const row = await this.requireVisible(manager, actor, kind, id);
        if (!this.mail.configured()) throw new MailNotConfiguredError();
        const recipients = await this.repository.recipients(manager, row.donor_id);
        if (recipients.length === 0) throw new NoDocumentRecipientError(row.donor_name);
        const content = await this.repository.content(manager, row.id);
        const { title } = this.renderer.render(content.data, {
          language: row.language,
          draft: false,
          number: row.number,
          issuedOn: row.issued_on,
          version: row.version,
        });
        // The title carries the number already.
        const subject = `${title}${row.version > 1 ? ` (v${row.version})` : ''}`;
        const { messageId } = await this.mail.send({
          to: recipients,
          subject,
          html: content.html,
          text: `${subject}: see the attached PDF.`,
          attachments: [
            {
              filename: `${row.number}-v${row.version}.pdf`,
              content: content.pdf,
              contentType: PDF,
            },
          ],
        });
        const sent: DocumentSentResponse = {
          documentId: row.id,
          number: row.number,
          version: row.version,
          recipients,
          messageId,
        };
        await this.audit.record(manager, actor, {
          action: `${DOCUMENT_KINDS[row.kind].audit}.send`,
          entityType: 'donor-document',
          entityId: row.id,
          after: { ...sent, sha256: row.sha256 },
        });
        return sent;
      },
      { maxAttempts: 1 },
    );
  }

  /** The document if the actor may see it; 404 alike for unknown ids and other donors' ones. */
  async requireVisible(
    manager: EntityManager,
    actor: Actor,
    kind: DocumentKind | null,
    id: string,
    options: { lock?: boolean } = {},
  ): Promise<DocumentRow> {
    const row = isUuid(id) ? await this.repository.find(manager, kind, id, options) : undefined;
    if (row === undefined || !canSeeDonor(actor, row.donor_id)) {
      throw new DocumentNotFoundError(kind === null ? 'document' : DOCUMENT_KINDS[kind].what, id);
    }
    return row;
  }

  // A receipt is thanked for once; a new letter for it is a correction of the first.
  private async refuseSecondAcknowledgement(
    manager: EntityManager,
    data: AcknowledgementData,
  ): Promise<void> {
    // The receipt row is the lock two letters for it queue on.
    await manager.query(`SELECT 1 FROM receipt WHERE id = $1 FOR UPDATE`, [data.receipt.id]);
    const { rows } = await this.repository.list(
      manager,
      { kind: 'acknowledgement', receiptId: data.receipt.id },
      { limit: 1, offset: 0 },
    );
    if (rows.length > 0) throw new AcknowledgementExistsError(data.receipt.number, rows[0]);
  }
}

const HTML = 'text/html; charset=utf-8';
const PDF = 'application/pdf';

export function documentNumber(prefix: string, year: number, seq: number): string {
  return `${prefix}-${year}-${String(seq).padStart(6, '0')}`;
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function subjectOf(row: DocumentRow): DocumentSubject {
  return row.kind === 'statement'
    ? {
        kind: 'statement',
        donorId: row.donor_id,
        fundCode: row.fund_code,
        from: row.period_from!,
        to: row.period_to!,
      }
    : { kind: 'acknowledgement', receiptId: row.receipt_id! };
}

export function toDocumentResponse(row: DocumentRow): IssuedDocumentResponse {
  const api = `${DOCUMENT_KINDS[row.kind].api}/${row.id}`;
  return {
    id: row.id,
    kind: row.kind,
    number: row.number,
    version: row.version,
    replacesId: row.replaces_id,
    correctionReason: row.correction_reason,
    replacedById: row.replaced_by_id,
    replaced: row.replaced_by_id !== null,
    donor: { id: row.donor_id, name: row.donor_name },
    fund: row.fund_code,
    period:
      row.period_from === null || row.period_to === null
        ? null
        : { from: row.period_from, to: row.period_to },
    receipt:
      row.receipt_id === null ? null : { id: row.receipt_id, number: row.receipt_number ?? '' },
    language: row.language,
    issuedOn: row.issued_on,
    issuedBy: row.issued_by,
    issuedAt: new Date(row.issued_at).toISOString(),
    sha256: row.sha256,
    pdfSize: Number(row.pdf_size),
    batchId: row.batch_id,
    links: { pdf: `${api}/pdf`, html: `${api}/html`, data: `${api}/data` },
  };
}
