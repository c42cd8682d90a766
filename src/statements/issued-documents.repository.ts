import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CalendarDate } from '../common/calendar-date';
import { DocumentData, UnLanguage } from './statement-data.types';

export type DocumentKind = 'statement' | 'acknowledgement';

/** An issued document without its content (HTML, PDF, data): what lists and metadata show. */
export interface DocumentRow {
  id: string;
  kind: DocumentKind;
  number: string;
  version: number;
  replaces_id: string | null;
  correction_reason: string | null;
  /** The later version that replaced this one, if any. */
  replaced_by_id: string | null;
  replaced_by_version: number | null;
  donor_id: string;
  donor_name: string;
  fund_id: string | null;
  fund_code: string | null;
  receipt_id: string | null;
  receipt_number: string | null;
  period_from: CalendarDate | null;
  period_to: CalendarDate | null;
  language: UnLanguage;
  issued_on: CalendarDate;
  issued_by: string;
  issued_at: Date;
  sha256: string;
  batch_id: string | null;
  pdf_size: number;
}

export interface DocumentContentRow {
  html: string;
  pdf: Buffer;
  data: DocumentData;
  sha256: string;
}

export interface NewDocument {
  kind: DocumentKind;
  number: string;
  version: number;
  replacesId: string | null;
  correctionReason: string | null;
  donorId: string;
  /** The fund's code (null: a statement of all funds); its id is looked up by the insert. */
  fundCode: string | null;
  receiptId: string | null;
  periodFrom: CalendarDate | null;
  periodTo: CalendarDate | null;
  language: UnLanguage;
  issuedOn: CalendarDate;
  issuedBy: string;
  html: string;
  pdf: Buffer;
  data: DocumentData;
  sha256: string;
  batchId: string | null;
}

export interface DocumentFilter {
  kind: DocumentKind;
  /** undefined: every donor (staff); otherwise only these (a donor user's own). */
  donorIds?: readonly string[];
  donorId?: string;
  fundCode?: string;
  number?: string;
  receiptId?: string;
}

const COLUMNS = `
  d.id, d.kind, d.number, d.version, d.replaces_id, d.correction_reason,
  r.id AS replaced_by_id, r.version AS replaced_by_version,
  d.donor_id, dn.name AS donor_name, d.fund_id, f.code AS fund_code,
  d.receipt_id, rc.number AS receipt_number,
  to_char(d.period_from, 'YYYY-MM-DD') AS period_from,
  to_char(d.period_to, 'YYYY-MM-DD') AS period_to,
  d.language, to_char(d.issued_on, 'YYYY-MM-DD') AS issued_on, d.issued_by, d.issued_at,
  d.sha256, d.batch_id, octet_length(d.pdf) AS pdf_size`;

const FROM = `
  donor_document d
  JOIN donor dn ON dn.id = d.donor_id
  LEFT JOIN fund f ON f.id = d.fund_id
  LEFT JOIN receipt rc ON rc.id = d.receipt_id
  LEFT JOIN donor_document r ON r.replaces_id = d.id`;

const FILTER = `
  d.kind = $1
  AND ($2::uuid[] IS NULL OR d.donor_id = ANY($2::uuid[]))
  AND ($3::uuid IS NULL OR d.donor_id = $3::uuid)
  AND ($4::text IS NULL OR f.code = $4::text)
  AND ($5::text IS NULL OR d.number = $5::text)
  AND ($6::uuid IS NULL OR d.receipt_id = $6::uuid)`;

/** The issued documents (statements and acknowledgement letters) and their numbering. */
@Injectable()
export class IssuedDocumentsRepository {
  /**
   * The next number of a kind for the year. The counter row stays locked until the caller's
   * transaction ends and a rollback gives the number back: numbers have no gaps, and concurrent
   * issuers queue on the row (as src/database/gapless-counter.ts does per fund).
   */
  async nextNumber(manager: EntityManager, kind: DocumentKind, year: number): Promise<number> {
    const [row] = await manager.query<{ last_number: number }[]>(
      `INSERT INTO document_sequence (kind, year, last_number) VALUES ($1, $2, 1)
       ON CONFLICT (kind, year)
       DO UPDATE SET last_number = document_sequence.last_number + 1
       RETURNING last_number`,
      [kind, year],
    );
    return row.last_number;
  }

  async insert(manager: EntityManager, doc: NewDocument): Promise<string> {
    const [row] = await manager.query<{ id: string }[]>(
      `INSERT INTO donor_document (kind, number, version, replaces_id, correction_reason, donor_id,
         fund_id, receipt_id, period_from, period_to, language, issued_on, issued_by, html, pdf,
         data, sha256, batch_id)
       VALUES ($1, $2, $3, $4, $5, $6, (SELECT id FROM fund WHERE code = $7), $8, $9, $10, $11,
               $12, $13, $14, $15, $16, $17, $18)
       RETURNING id`,
      [
        doc.kind,
        doc.number,
        doc.version,
        doc.replacesId,
        doc.correctionReason,
        doc.donorId,
        doc.fundCode,
        doc.receiptId,
        doc.periodFrom,
        doc.periodTo,
        doc.language,
        doc.issuedOn,
        doc.issuedBy,
        doc.html,
        doc.pdf,
        JSON.stringify(doc.data),
        doc.sha256,
        doc.batchId,
      ],
    );
    return row.id;
  }

  /**
   * One document's metadata (of this kind, or of any kind for null); locked FOR UPDATE when
   * asked (corrections of one version take turns on it).
   */
  async find(
    manager: EntityManager,
    kind: DocumentKind | null,
    id: string,
    options: { lock?: boolean } = {},
  ): Promise<DocumentRow | undefined> {
    if (options.lock === true) {
      await manager.query(`SELECT 1 FROM donor_document WHERE id = $1 FOR UPDATE`, [id]);
    }
    const rows = await manager.query<DocumentRow[]>(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE d.id = $1 AND ($2::text IS NULL OR d.kind = $2::text)`,
      [id, kind],
    );
    return rows[0];
  }

  /** What was issued, exactly as stored. */
  async content(manager: EntityManager, id: string): Promise<DocumentContentRow> {
    const [row] = await manager.query<DocumentContentRow[]>(
      `SELECT html, pdf, data, sha256 FROM donor_document WHERE id = $1`,
      [id],
    );
    return row;
  }

  /** Newest first; every version is its own item. */
  async list(
    manager: EntityManager,
    filter: DocumentFilter,
    page: { limit: number; offset: number },
  ): Promise<{ rows: DocumentRow[]; total: number }> {
    const params = [
      filter.kind,
      filter.donorIds === undefined ? null : [...filter.donorIds],
      filter.donorId ?? null,
      filter.fundCode ?? null,
      filter.number ?? null,
      filter.receiptId ?? null,
    ];
    const rows = await manager.query<DocumentRow[]>(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE ${FILTER}
        ORDER BY d.issued_at DESC, d.number DESC, d.version DESC
        LIMIT $7 OFFSET $8`,
      [...params, page.limit, page.offset],
    );
    const [count] = await manager.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM ${FROM} WHERE ${FILTER}`,
      params,
    );
    return { rows, total: count.n };
  }

  /** The e-mail addresses of the donor's contacts who receive statements, in their order. */
  async recipients(manager: EntityManager, donorId: string): Promise<string[]> {
    const rows = await manager.query<{ email: string }[]>(
      `SELECT email FROM donor_contact
        WHERE donor_id = $1 AND receives_statements AND email IS NOT NULL
        ORDER BY position`,
      [donorId],
    );
    return rows.map((row) => row.email);
  }
}
