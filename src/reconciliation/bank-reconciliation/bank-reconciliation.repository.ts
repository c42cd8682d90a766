import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CalendarDate } from '../../common/calendar-date';

export interface ReconciledAccountRow {
  id: string;
  code: string;
  name: string;
  currency: string;
}

export interface StatementRow {
  id: string;
  statement_id: string;
  sequence: string | null;
  file_name: string;
  format: string;
  opening_date: string | null;
  opening_minor: string;
  closing_date: string;
  closing_minor: string;
  currency: string;
  continuity_warning: string | null;
}

export interface UnbankedReceiptRow {
  id: string;
  number: string;
  value_date: string;
  remitter_name: string | null;
  bank_reference: string | null;
  gross_minor: string;
  charges_minor: string;
}

export interface UnbankedMovementRow {
  entry_id: string;
  entry_number: string;
  entry_date: string;
  source_type: string;
  description: string;
  amount_minor: string;
}

export interface UnrecordedLineRow {
  id: string;
  statement_id: string;
  line_no: number;
  booking_date: string;
  value_date: string | null;
  amount_minor: string;
  counterparty_name: string | null;
  remittance_text: string | null;
  bank_reference: string | null;
}

/**
 * Which figure of a cash line is compared: the fund-currency amount for an account in the fund
 * currency, the transaction amount (in the account's currency only) for a foreign one.
 */
export type Basis = 'functional' | 'transaction';

const CASH = '1000';

/**
 * The pieces shared by the queries ($1 the bank account, $2 the as-of date):
 * - live: decisions about bank lines that no 'undo' row names;
 * - counted: booked lines of statements closing on or before the date (what the statement
 *   balance reflects);
 * - booked: receipts of the account on the ledger at the date (value date reached, not reversed
 *   by then).
 */
const WITH = `
  WITH live AS (
    SELECT m.* FROM bank_line_match m
     WHERE m.kind <> 'undo'
       AND NOT EXISTS (SELECT 1 FROM bank_line_match u
                        WHERE u.kind = 'undo' AND u.undoes_match_id = m.id)
  ), counted AS (
    SELECT l.* FROM bank_statement_line l
      JOIN bank_statement s ON s.id = l.statement_id
     WHERE l.bank_account_id = $1 AND s.closing_date <= $2::date
       AND l.booking_date <= $2::date AND l.status = 'BOOK'
  ), booked AS (
    SELECT r.* FROM receipt r
     WHERE r.bank_account_id = $1 AND r.value_date <= $2::date
       AND NOT EXISTS (SELECT 1 FROM receipt_event e
                        WHERE e.receipt_id = r.id AND e.kind = 'reversed'
                          AND e.effective_on <= $2::date)
  )`;

/**
 * Reads, never writes: the bank-to-ledger reconciliation of one bank account as of a date, in
 * five queries whatever the number of lines.
 */
@Injectable()
export class BankReconciliationRepository {
  async account(
    manager: EntityManager,
    fundId: string,
    code: string,
  ): Promise<ReconciledAccountRow | undefined> {
    const rows = await manager.query<ReconciledAccountRow[]>(
      `SELECT id, code, name, trim(currency) AS currency FROM bank_account
        WHERE fund_id = $1 AND code = $2`,
      [fundId, code],
    );
    return rows[0];
  }

  /** The latest statement closing on or before the date (the last imported on a tie). */
  async statement(
    manager: EntityManager,
    accountId: string,
    asOf: CalendarDate,
  ): Promise<StatementRow | undefined> {
    const rows = await manager.query<StatementRow[]>(
      `SELECT id, statement_id, sequence, file_name, format,
              to_char(opening_date, 'YYYY-MM-DD') AS opening_date, opening_minor::text,
              to_char(closing_date, 'YYYY-MM-DD') AS closing_date, closing_minor::text,
              trim(currency) AS currency, continuity_warning
         FROM bank_statement
        WHERE bank_account_id = $1 AND closing_date <= $2::date
        ORDER BY closing_date DESC, imported_at DESC, statement_id DESC
        LIMIT 1`,
      [accountId, asOf],
    );
    return rows[0];
  }

  /** The account's cash (1000) balance at the date, debit positive, in minor units. */
  async ledgerBalance(
    manager: EntityManager,
    accountId: string,
    asOf: CalendarDate,
    basis: Basis,
    currency: string,
  ): Promise<bigint> {
    const [row] = await manager.query<{ minor: string }[]>(
      `SELECT COALESCE(SUM(CASE WHEN $3 = 'functional' THEN jl.functional_minor
                               WHEN jl.currency = $4 THEN jl.amount_minor
                               ELSE 0 END), 0)::text AS minor
         FROM journal_line jl
         JOIN account a ON a.id = jl.account_id AND a.code = '${CASH}'
        WHERE jl.bank_account_id = $1 AND jl.entry_date <= $2::date`,
      [accountId, asOf, basis, currency],
    );
    return BigInt(row.minor);
  }

  /** Receipts on the ledger at the date that no live match ties to a counted bank line. */
  unbankedReceipts(
    manager: EntityManager,
    accountId: string,
    asOf: CalendarDate,
  ): Promise<UnbankedReceiptRow[]> {
    return manager.query<UnbankedReceiptRow[]>(
      `${WITH}
       SELECT r.id, r.number, to_char(r.value_date, 'YYYY-MM-DD') AS value_date, r.remitter_name,
              r.bank_reference, r.gross_minor::text, r.charges_minor::text
         FROM booked r
        WHERE NOT EXISTS (SELECT 1 FROM live m JOIN counted c ON c.id = m.line_id
                           WHERE m.receipt_id = r.id)
        ORDER BY r.value_date, r.number`,
      [accountId, asOf],
    );
  }

  /**
   * Cash lines of the account at the date that are not a receipt's recording (nor the reversal
   * of one: a reversed receipt nets to nothing) and whose entry no live 'not-contribution'
   * decision on a counted line names: refunds, disbursements, manual adjustments…, summed per
   * entry.
   */
  unbankedMovements(
    manager: EntityManager,
    accountId: string,
    asOf: CalendarDate,
    basis: Basis,
    currency: string,
  ): Promise<UnbankedMovementRow[]> {
    return manager.query<UnbankedMovementRow[]>(
      `${WITH}
       SELECT je.id AS entry_id, je.number AS entry_number,
              to_char(je.entry_date, 'YYYY-MM-DD') AS entry_date, je.source_type, je.description,
              SUM(CASE WHEN $3 = 'functional' THEN jl.functional_minor
                       WHEN jl.currency = $4 THEN jl.amount_minor ELSE 0 END)::text AS amount_minor
         FROM journal_line jl
         JOIN account a ON a.id = jl.account_id AND a.code = '${CASH}'
         JOIN journal_entry je ON je.id = jl.entry_id
        WHERE jl.bank_account_id = $1 AND jl.entry_date <= $2::date
          AND NOT EXISTS (SELECT 1 FROM receipt r
                           WHERE r.id = jl.receipt_id
                             AND (r.entry_id = je.id OR r.entry_id = je.reverses_entry_id))
          AND NOT EXISTS (SELECT 1 FROM live m JOIN counted c ON c.id = m.line_id
                           WHERE m.kind = 'not-contribution' AND m.entry_id = je.id)
        GROUP BY je.id, je.number, je.entry_date, je.source_type, je.description
       HAVING SUM(CASE WHEN $3 = 'functional' THEN jl.functional_minor
                       WHEN jl.currency = $4 THEN jl.amount_minor ELSE 0 END) <> 0
        ORDER BY je.entry_date, je.number`,
      [accountId, asOf, basis, currency],
    );
  }

  /**
   * Counted bank lines that nothing on the ledger accounts for: no live match to a receipt on
   * the ledger at the date, and not classified as something other than a contribution.
   */
  unrecordedLines(
    manager: EntityManager,
    accountId: string,
    asOf: CalendarDate,
  ): Promise<UnrecordedLineRow[]> {
    return manager.query<UnrecordedLineRow[]>(
      `${WITH}
       SELECT c.id, s.statement_id, c.line_no, to_char(c.booking_date, 'YYYY-MM-DD') AS booking_date,
              to_char(c.value_date, 'YYYY-MM-DD') AS value_date, c.amount_minor::text,
              c.counterparty_name, c.remittance_text, c.bank_reference
         FROM counted c
         JOIN bank_statement s ON s.id = c.statement_id
        WHERE NOT EXISTS (SELECT 1 FROM live m
                           WHERE m.line_id = c.id
                             AND (m.kind = 'not-contribution'
                                  OR m.receipt_id IN (SELECT id FROM booked)))
        ORDER BY c.booking_date, s.closing_date, c.line_no`,
      [accountId, asOf],
    );
  }
}
