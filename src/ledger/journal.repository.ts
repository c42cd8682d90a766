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

  async insertEntry(manager: EntityManager, entry: NewEntry): Promise<string> {
    const [row] = await manager.query<{ id: string }[]>(
      `INSERT INTO journal_entry (fund_id, number, fiscal_year, sequence, entry_date, description,
         source_type, source_ref, idempotency_key, line_count, reverses_entry_id, reason, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
      [
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
      ],
    );
    return row.id;
  }

  /** All lines of an entry in one statement. */
  async insertLines(
    manager: EntityManager,
    entryId: string,
    fundId: string,
    date: string,
    lines: NewLine[],
  ): Promise<void> {
    const values: unknown[] = [];
    const tuples = lines.map((line, index) => {
      values.push(
        entryId,
        index + 1,
        fundId,
        date,
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
      const base = index * 14;
      return `(${Array.from({ length: 14 }, (_, i) => `$${base + i + 1}`).join(', ')})`;
    });
    await manager.query(
      `INSERT INTO journal_line (entry_id, line_no, fund_id, entry_date, account_id, donor_id,
         earmark_id, bank_account_id, currency, amount_minor, functional_minor, rate, pledge_id,
         receipt_id)
       VALUES ${tuples.join(', ')}`,
      values,
    );
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
