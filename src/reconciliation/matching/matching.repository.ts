import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface AccountRow {
  id: string;
  fund_id: string;
  fund_code: string;
  functional_currency: string;
  code: string;
  name: string;
  currency: string;
}

export interface LineRow {
  id: string;
  statement_id: string;
  statement_ref: string;
  bank_account_id: string;
  line_no: number;
  booking_date: string;
  value_date: string | null;
  amount_minor: string;
  currency: string;
  bank_reference: string | null;
  end_to_end_id: string | null;
  counterparty_name: string | null;
  counterparty_account: string | null;
  remittance_text: string | null;
}

export interface MatchRow {
  id: string;
  line_id: string;
  receipt_id: string | null;
  receipt_number: string | null;
  amount_minor: string;
  kind: 'auto' | 'confirmed' | 'manual' | 'not-contribution' | 'undo';
  classification: string | null;
  entry_id: string | null;
  score: string | null;
  reasons: string[];
  undoes_match_id: string | null;
  approval_id: string | null;
  actor: string;
  at: Date;
}

export interface OpenReceiptRow {
  id: string;
  number: string;
  value_date: string;
  currency: string;
  gross_minor: string;
  charges_minor: string;
  donor_id: string | null;
  donor_name: string | null;
  remitter_name: string | null;
  remittance_text: string | null;
  bank_reference: string | null;
}

export interface NewMatch {
  lineId: string;
  receiptId: string | null;
  amountMinor: bigint;
  kind: MatchRow['kind'];
  classification?: string;
  entryId?: string;
  score?: number;
  reasons?: string[];
  undoesMatchId?: string;
  approvalId?: string;
  actor: string;
}

const LINE_COLUMNS = `
  l.id, l.statement_id, s.statement_id AS statement_ref, l.bank_account_id, l.line_no,
  to_char(l.booking_date, 'YYYY-MM-DD') AS booking_date,
  to_char(l.value_date, 'YYYY-MM-DD') AS value_date, l.amount_minor::text AS amount_minor,
  l.currency, l.bank_reference, l.end_to_end_id, l.counterparty_name, l.counterparty_account,
  l.remittance_text`;

/** A decision still in force: not an undo, and not undone. */
const LIVE = `m.kind <> 'undo'
  AND NOT EXISTS (SELECT 1 FROM bank_line_match u WHERE u.undoes_match_id = m.id)`;

/** SQL of the matching workbench: lines, decisions in force, receipts still open. */
@Injectable()
export class MatchingRepository {
  async account(
    manager: EntityManager,
    fundCode: string,
    code: string,
  ): Promise<AccountRow | undefined> {
    const rows = await manager.query<AccountRow[]>(
      `SELECT ba.id, ba.fund_id, f.code AS fund_code, f.functional_currency, ba.code, ba.name,
              ba.currency
         FROM bank_account ba JOIN fund f ON f.id = ba.fund_id
        WHERE f.code = $1 AND ba.code = $2`,
      [fundCode, code],
    );
    return rows[0];
  }

  async accountById(manager: EntityManager, id: string): Promise<AccountRow> {
    const rows = await manager.query<AccountRow[]>(
      `SELECT ba.id, ba.fund_id, f.code AS fund_code, f.functional_currency, ba.code, ba.name,
              ba.currency
         FROM bank_account ba JOIN fund f ON f.id = ba.fund_id WHERE ba.id = $1`,
      [id],
    );
    return rows[0];
  }

  async accounts(manager: EntityManager): Promise<AccountRow[]> {
    return manager.query<AccountRow[]>(
      `SELECT ba.id, ba.fund_id, f.code AS fund_code, f.functional_currency, ba.code, ba.name,
              ba.currency
         FROM bank_account ba JOIN fund f ON f.id = ba.fund_id ORDER BY f.code, ba.code`,
    );
  }

  async lines(manager: EntityManager, bankAccountId: string): Promise<LineRow[]> {
    return manager.query<LineRow[]>(
      `SELECT ${LINE_COLUMNS}
         FROM bank_statement_line l JOIN bank_statement s ON s.id = l.statement_id
        WHERE l.bank_account_id = $1 AND l.status = 'BOOK'
        ORDER BY l.booking_date, s.statement_id, l.line_no`,
      [bankAccountId],
    );
  }

  /** Locks the lines (id order, so concurrent decisions queue) and reads them. */
  async lockLines(manager: EntityManager, ids: readonly string[]): Promise<LineRow[]> {
    await manager.query(
      `SELECT id FROM bank_statement_line WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [ids],
    );
    return manager.query<LineRow[]>(
      `SELECT ${LINE_COLUMNS}
         FROM bank_statement_line l JOIN bank_statement s ON s.id = l.statement_id
        WHERE l.id = ANY($1::uuid[])`,
      [ids],
    );
  }

  async lockReceipts(manager: EntityManager, ids: readonly string[]): Promise<OpenReceiptRow[]> {
    await manager.query(
      `SELECT id FROM receipt WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [ids],
    );
    return manager.query<OpenReceiptRow[]>(
      `SELECT ${RECEIPT_COLUMNS} FROM receipt r LEFT JOIN donor d ON d.id = r.donor_id
        WHERE r.id = ANY($1::uuid[])`,
      [ids],
    );
  }

  /** Decisions in force on the account's lines. */
  async liveMatches(manager: EntityManager, bankAccountId: string): Promise<MatchRow[]> {
    return manager.query<MatchRow[]>(
      `SELECT ${MATCH_COLUMNS}
         FROM bank_line_match m JOIN bank_statement_line l ON l.id = m.line_id
         LEFT JOIN receipt r ON r.id = m.receipt_id
        WHERE l.bank_account_id = $1 AND ${LIVE}
        ORDER BY m.at, m.id`,
      [bankAccountId],
    );
  }

  async liveMatchesOfLines(
    manager: EntityManager,
    lineIds: readonly string[],
  ): Promise<MatchRow[]> {
    return manager.query<MatchRow[]>(
      `SELECT ${MATCH_COLUMNS} FROM bank_line_match m LEFT JOIN receipt r ON r.id = m.receipt_id
        WHERE m.line_id = ANY($1::uuid[]) AND ${LIVE}`,
      [lineIds],
    );
  }

  async liveMatchesOfReceipts(
    manager: EntityManager,
    receiptIds: readonly string[],
  ): Promise<MatchRow[]> {
    return manager.query<MatchRow[]>(
      `SELECT ${MATCH_COLUMNS} FROM bank_line_match m LEFT JOIN receipt r ON r.id = m.receipt_id
        WHERE m.receipt_id = ANY($1::uuid[]) AND ${LIVE}`,
      [receiptIds],
    );
  }

  async findMatch(
    manager: EntityManager,
    id: string,
  ): Promise<(MatchRow & { undone: boolean }) | undefined> {
    const rows = await manager.query<Array<MatchRow & { undone: boolean }>>(
      `SELECT ${MATCH_COLUMNS},
              EXISTS (SELECT 1 FROM bank_line_match u WHERE u.undoes_match_id = m.id) AS undone
         FROM bank_line_match m LEFT JOIN receipt r ON r.id = m.receipt_id WHERE m.id = $1`,
      [id],
    );
    return rows[0];
  }

  /** Receipts of the account not reversed and not matched to any line. */
  async openReceipts(manager: EntityManager, bankAccountId: string): Promise<OpenReceiptRow[]> {
    return manager.query<OpenReceiptRow[]>(
      `SELECT ${RECEIPT_COLUMNS}
         FROM receipt r LEFT JOIN donor d ON d.id = r.donor_id
        WHERE r.bank_account_id = $1
          AND NOT EXISTS (SELECT 1 FROM receipt_event e
                           WHERE e.receipt_id = r.id AND e.kind = 'reversed')
          AND NOT EXISTS (SELECT 1 FROM bank_line_match m WHERE m.receipt_id = r.id AND ${LIVE})
        ORDER BY r.value_date, r.number`,
      [bankAccountId],
    );
  }

  async donors(manager: EntityManager): Promise<Array<{ id: string; name: string }>> {
    return manager.query(`SELECT id, name FROM donor`);
  }

  async learned(manager: EntityManager): Promise<Map<string, string[]>> {
    const rows = await manager.query<Array<{ normalized_name: string; donor_id: string }>>(
      `SELECT normalized_name, donor_id FROM counterparty_name`,
    );
    const learned = new Map<string, string[]>();
    for (const row of rows) {
      learned.set(row.normalized_name, [...(learned.get(row.normalized_name) ?? []), row.donor_id]);
    }
    return learned;
  }

  async learn(manager: EntityManager, normalizedName: string, donorId: string): Promise<void> {
    await manager.query(
      `INSERT INTO counterparty_name (normalized_name, donor_id) VALUES ($1, $2)
       ON CONFLICT (normalized_name, donor_id) DO UPDATE
         SET confirmations = counterparty_name.confirmations + 1, last_confirmed_at = now()`,
      [normalizedName, donorId],
    );
  }

  async rejections(manager: EntityManager, bankAccountId: string): Promise<Set<string>> {
    const rows = await manager.query<Array<{ line_id: string; receipt_id: string }>>(
      `SELECT j.line_id, j.receipt_id FROM bank_line_rejection j
         JOIN bank_statement_line l ON l.id = j.line_id
        WHERE l.bank_account_id = $1 AND j.receipt_id IS NOT NULL`,
      [bankAccountId],
    );
    return new Set(rows.map((row) => `${row.line_id}:${row.receipt_id}`));
  }

  /** How many times the line was classified (undone ones included): numbers its postings. */
  async classificationCount(manager: EntityManager, lineId: string): Promise<number> {
    const rows = await manager.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM bank_line_match WHERE line_id = $1 AND kind = 'not-contribution'`,
      [lineId],
    );
    return rows[0].n;
  }

  async insertRejection(
    manager: EntityManager,
    lineId: string,
    receiptId: string,
    actor: string,
  ): Promise<string> {
    const rows = await manager.query<Array<{ id: string }>>(
      `INSERT INTO bank_line_rejection (line_id, receipt_id, actor) VALUES ($1, $2, $3)
       RETURNING id::text`,
      [lineId, receiptId, actor],
    );
    return rows[0].id;
  }

  async insertMatch(manager: EntityManager, match: NewMatch): Promise<string> {
    const rows = await manager.query<Array<{ id: string }>>(
      `INSERT INTO bank_line_match (line_id, receipt_id, amount_minor, kind, classification,
         entry_id, score, reasons, undoes_match_id, approval_id, actor)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11) RETURNING id`,
      [
        match.lineId,
        match.receiptId,
        match.amountMinor.toString(),
        match.kind,
        match.classification ?? null,
        match.entryId ?? null,
        match.score ?? null,
        JSON.stringify(match.reasons ?? []),
        match.undoesMatchId ?? null,
        match.approvalId ?? null,
        match.actor,
      ],
    );
    return rows[0].id;
  }
}

const RECEIPT_COLUMNS = `
  r.id, r.number, to_char(r.value_date, 'YYYY-MM-DD') AS value_date, r.currency,
  r.gross_minor::text AS gross_minor, r.charges_minor::text AS charges_minor, r.donor_id,
  d.name AS donor_name, r.remitter_name, r.remittance_text, r.bank_reference`;

const MATCH_COLUMNS = `
  m.id, m.line_id, m.receipt_id, r.number AS receipt_number, m.amount_minor::text AS amount_minor,
  m.kind, m.classification, m.entry_id, m.score::text AS score, m.reasons, m.undoes_match_id,
  m.approval_id, m.actor, m.at`;
