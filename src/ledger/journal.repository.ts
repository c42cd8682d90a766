import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { nextGaplessNumber } from '../database/gapless-counter';

export interface EntryRow {
  id: string;
  fund_id: string;
  fund_code: string;
  functional_currency: string;
  number: string;
  entry_date: string;
  description: string;
  source_type: string;
  source_ref: string | null;
  reverses_entry_id: string | null;
  reversed_by_entry_id: string | null;
  reason: string | null;
  created_by: string;
  created_at: Date;
}

export interface LineRow {
  entry_id: string;
  line_no: number;
  account_id: string;
  account_code: string;
  account_name: string;
  donor_id: string | null;
  earmark_id: string | null;
  earmark_code: string | null;
  bank_account_id: string | null;
  pledge_id: string | null;
  receipt_id: string | null;
  currency: string;
  amount_minor: string;
  functional_minor: string;
  rate: string | null;
}

export interface NewEntry {
  id: string;
  fundId: string;
  number: string;
  fiscalYear: number;
  sequence: number;
  date: string;
  description: string;
  sourceType: string;
  sourceRef?: string;
  idempotencyKey: string;
  lineCount: number;
  reversesEntryId?: string;
  reason?: string;
  createdBy: string;
}

export interface NewLine {
  accountId: string;
  donorId?: string;
  earmarkId?: string;
  bankAccountId?: string;
  pledgeId?: string;
  receiptId?: string;
  currency: string;
  amountMinor: bigint;
  functionalMinor: bigint;
  rate?: string;
}

const ENTRY_COLUMNS = `
  e.id, e.fund_id, f.code AS fund_code, f.functional_currency, e.number,
  to_char(e.entry_date, 'YYYY-MM-DD') AS entry_date, e.description, e.source_type, e.source_ref,
  e.reverses_entry_id, r.id AS reversed_by_entry_id, e.reason, e.created_by, e.created_at`;

const ENTRY_FROM = `
  journal_entry e
  JOIN fund f ON f.id = e.fund_id
  LEFT JOIN journal_entry r ON r.reverses_entry_id = e.id`;

@Injectable()
export class JournalRepository {
  /** The next journal entry number of the fund for the year, without gaps. */
  nextSequence(manager: EntityManager, fundId: string, year: number): Promise<number> {
    return nextGaplessNumber(manager, 'journal', fundId, year);
  }

  /**
   * The entry and all its lines in one statement (one round trip), answered with the entry and
   * its lines as `findEntry` and `linesOf` read them. The lines' triggers (their own checks, the
   * balance checked at commit) and the foreign keys, checked at the end of the statement, run as
   * for separate inserts.
   */
  async insertEntry(
    manager: EntityManager,
    entry: NewEntry,
    lines: NewLine[],
  ): Promise<{ entry: EntryRow; lines: LineRow[] }> {
    const values: unknown[] = [
      entry.id,
      entry.fundId,
      entry.number,
      entry.fiscalYear,
      entry.sequence,
      entry.date,
      entry.description,
      entry.sourceType,
      entry.sourceRef ?? null,
      entry.idempotencyKey,
      entry.lineCount,
      entry.reversesEntryId ?? null,
      entry.reason ?? null,
      entry.createdBy,
    ];
    const tuples = lines.map((line, index) => {
      const first = values.length;
      values.push(
        index + 1,
        line.accountId,
        line.donorId ?? null,
        line.earmarkId ?? null,
        line.bankAccountId ?? null,
        line.currency,
        line.amountMinor.toString(),
        line.functionalMinor.toString(),
        line.rate ?? null,
        line.pledgeId ?? null,
        line.receiptId ?? null,
      );
      const own = Array.from({ length: 11 }, (_, i) => `$${first + i + 1}`);
      // entry_id, fund_id and entry_date are the entry's ($1, $2, $6).
      return `($1, ${own[0]}, $2, $6, ${own.slice(1).join(', ')})`;
    });
    const rows = await manager.query<Array<EntryRow & LineRow>>(
      `WITH e AS (
         INSERT INTO journal_entry (id, fund_id, number, fiscal_year, sequence, entry_date,
           description, source_type, source_ref, idempotency_key, line_count, reverses_entry_id,
           reason, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         RETURNING *),
       l AS (
         INSERT INTO journal_line (entry_id, line_no, fund_id, entry_date, account_id, donor_id,
           earmark_id, bank_account_id, currency, amount_minor, functional_minor, rate, pledge_id,
           receipt_id)
         VALUES ${tuples.join(', ')}
         RETURNING *)
       SELECT e.id, e.fund_id, f.code AS fund_code, f.functional_currency, e.number,
              to_char(e.entry_date, 'YYYY-MM-DD') AS entry_date, e.description, e.source_type,
              e.source_ref, e.reverses_entry_id,
              -- nothing can have reversed an entry that is being inserted
              NULL::uuid AS reversed_by_entry_id, e.reason, e.created_by, e.created_at,
              l.entry_id, l.line_no, l.account_id, a.code AS account_code, a.name AS account_name,
              l.donor_id, l.earmark_id, em.code AS earmark_code, l.bank_account_id, l.pledge_id,
              l.receipt_id, l.currency, l.amount_minor::text AS amount_minor,
              l.functional_minor::text AS functional_minor, l.rate::text AS rate
         FROM e
         JOIN fund f ON f.id = e.fund_id
         JOIN l ON l.entry_id = e.id
         JOIN account a ON a.id = l.account_id
         LEFT JOIN earmark em ON em.id = l.earmark_id
        ORDER BY l.line_no`,
      values,
    );
    const [first] = rows;
    return {
      entry: {
        id: first.id,
        fund_id: first.fund_id,
        fund_code: first.fund_code,
        functional_currency: first.functional_currency,
        number: first.number,
        entry_date: first.entry_date,
        description: first.description,
        source_type: first.source_type,
        source_ref: first.source_ref,
        reverses_entry_id: first.reverses_entry_id,
        reversed_by_entry_id: first.reversed_by_entry_id,
        reason: first.reason,
        created_by: first.created_by,
        created_at: first.created_at,
      },
      lines: rows.map((row) => ({
        entry_id: row.entry_id,
        line_no: row.line_no,
        account_id: row.account_id,
        account_code: row.account_code,
        account_name: row.account_name,
        donor_id: row.donor_id,
        earmark_id: row.earmark_id,
        earmark_code: row.earmark_code,
        bank_account_id: row.bank_account_id,
        pledge_id: row.pledge_id,
        receipt_id: row.receipt_id,
        currency: row.currency,
        amount_minor: row.amount_minor,
        functional_minor: row.functional_minor,
        rate: row.rate,
      })),
    };
  }

  async findEntry(manager: EntityManager, id: string): Promise<EntryRow | undefined> {
    const rows = await manager.query<EntryRow[]>(
      `SELECT ${ENTRY_COLUMNS} FROM ${ENTRY_FROM} WHERE e.id = $1`,
      [id],
    );
    return rows[0];
  }

  listEntries(
    manager: EntityManager,
    fundId: string,
    filter: { from?: string; to?: string; limit: number; offset: number },
  ): Promise<EntryRow[]> {
    return manager.query<EntryRow[]>(
      `SELECT ${ENTRY_COLUMNS} FROM ${ENTRY_FROM}
        WHERE e.fund_id = $1
          AND ($2::date IS NULL OR e.entry_date >= $2::date)
          AND ($3::date IS NULL OR e.entry_date <= $3::date)
        ORDER BY e.entry_date, e.fiscal_year, e.sequence
        LIMIT $4 OFFSET $5`,
      [fundId, filter.from ?? null, filter.to ?? null, filter.limit, filter.offset],
    );
  }

  linesOf(manager: EntityManager, entryIds: string[]): Promise<LineRow[]> {
    if (entryIds.length === 0) return Promise.resolve([]);
    return manager.query<LineRow[]>(
      `SELECT l.entry_id, l.line_no, l.account_id, a.code AS account_code, a.name AS account_name,
              l.donor_id, l.earmark_id, em.code AS earmark_code, l.bank_account_id, l.pledge_id,
              l.receipt_id,
              l.currency,
              l.amount_minor::text AS amount_minor, l.functional_minor::text AS functional_minor,
              l.rate::text AS rate
         FROM journal_line l
         JOIN account a ON a.id = l.account_id
         LEFT JOIN earmark em ON em.id = l.earmark_id
        WHERE l.entry_id = ANY($1::uuid[])
        ORDER BY l.entry_id, l.line_no`,
      [entryIds],
    );
  }

  /**
   * Whether the period is closed, holding a share lock on its row until the transaction ends, so
   * that a concurrent close waits for this posting instead of slipping in between.
   */
  async lockPeriodForPosting(
    manager: EntityManager,
    fundId: string,
    period: string,
    actor: string,
  ): Promise<'open' | 'closed'> {
    await manager.query(
      `INSERT INTO accounting_period (fund_id, period, changed_by) VALUES ($1, $2, $3)
       ON CONFLICT (fund_id, period) DO NOTHING`,
      [fundId, period, actor],
    );
    const [row] = await manager.query<{ status: 'open' | 'closed' }[]>(
      `SELECT status FROM accounting_period WHERE fund_id = $1 AND period = $2 FOR SHARE`,
      [fundId, period],
    );
    return row.status;
  }
}
