import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface ImportAccountRow {
  id: string;
  fund_id: string;
  fund_code: string;
  code: string;
  name: string;
  account_number: string;
  currency: string;
}

export interface StatementRow {
  id: string;
  fund_code: string;
  bank_account_id: string;
  bank_account_code: string;
  bank_account_name: string;
  format: string;
  file_name: string;
  file_sha256: string;
  statement_id: string;
  sequence: string | null;
  account_identifier: string;
  currency: string;
  opening_date: string | null;
  opening_minor: string;
  closing_date: string;
  closing_minor: string;
  line_count: number;
  credits_minor: string;
  debits_minor: string;
  continuity_warning: string | null;
  imported_by: string;
  imported_at: Date;
}

export interface LineRow {
  id: string;
  line_no: number;
  booking_date: string;
  value_date: string | null;
  amount_minor: string;
  currency: string;
  status: string;
  reversal: boolean;
  bank_reference: string | null;
  end_to_end_id: string | null;
  counterparty_name: string | null;
  counterparty_account: string | null;
  remittance_text: string | null;
  bank_transaction_code: string | null;
  instructed_amount_minor: string | null;
  instructed_currency: string | null;
}

export interface NewStatement {
  fundId: string;
  bankAccountId: string;
  format: string;
  fileName: string;
  fileSha256: string;
  statementId: string;
  sequence: string | null;
  accountIdentifier: string;
  currency: string;
  openingDate: string | null;
  openingMinor: bigint;
  closingDate: string;
  closingMinor: bigint;
  lineCount: number;
  continuityWarning: string | null;
  importedBy: string;
}

export interface NewLine {
  lineNo: number;
  bookingDate: string;
  valueDate: string | null;
  amountMinor: bigint;
  currency: string;
  status: string;
  reversal: boolean;
  bankReference: string | null;
  endToEndId: string | null;
  counterpartyName: string | null;
  counterpartyAccount: string | null;
  remittanceText: string | null;
  bankTransactionCode: string | null;
  instructedAmountMinor: bigint | null;
  instructedCurrency: string | null;
  raw: Record<string, unknown>;
}

export interface CsvMappingRow {
  mapping: unknown;
  updated_by: string;
  updated_at: Date;
}

/** Lines per INSERT: 18 parameters each, well under PostgreSQL's 65,535 per statement. */
export const LINE_BATCH = 500;
const LINE_COLUMNS = 18;

export const STATEMENT_ONCE_CONSTRAINT = 'bank_statement_once_key';

const STATEMENT_COLUMNS = `
  s.id, f.code AS fund_code, s.bank_account_id, b.code AS bank_account_code,
  b.name AS bank_account_name, s.format, s.file_name, s.file_sha256, s.statement_id, s.sequence,
  s.account_identifier, s.currency, to_char(s.opening_date, 'YYYY-MM-DD') AS opening_date,
  s.opening_minor::text AS opening_minor, to_char(s.closing_date, 'YYYY-MM-DD') AS closing_date,
  s.closing_minor::text AS closing_minor, s.line_count,
  (SELECT COALESCE(sum(l.amount_minor) FILTER (WHERE l.amount_minor > 0), 0)::text
     FROM bank_statement_line l WHERE l.statement_id = s.id) AS credits_minor,
  (SELECT COALESCE(-sum(l.amount_minor) FILTER (WHERE l.amount_minor < 0), 0)::text
     FROM bank_statement_line l WHERE l.statement_id = s.id) AS debits_minor,
  s.continuity_warning, s.imported_by, s.imported_at`;

const STATEMENT_FROM = `bank_statement s
  JOIN bank_account b ON b.id = s.bank_account_id
  JOIN fund f ON f.id = s.fund_id`;

@Injectable()
export class StatementImportRepository {
  async account(
    manager: EntityManager,
    fundCode: string,
    code: string,
  ): Promise<ImportAccountRow | undefined> {
    const rows = await manager.query<ImportAccountRow[]>(
      `SELECT b.id, b.fund_id, f.code AS fund_code, b.code, b.name, b.account_number, b.currency
         FROM bank_account b JOIN fund f ON f.id = b.fund_id
        WHERE f.code = $1 AND b.code = $2`,
      [fundCode, code],
    );
    return rows[0];
  }

  /**
   * Serialises imports into one account: the continuity check reads the previous statement,
   * which a concurrent import of the same account could be writing.
   */
  async lockAccount(manager: EntityManager, accountId: string): Promise<void> {
    await manager.query(`SELECT id FROM bank_account WHERE id = $1 FOR UPDATE`, [accountId]);
  }

  async byFile(
    manager: EntityManager,
    accountId: string,
    sha256: string,
  ): Promise<StatementRow | undefined> {
    const rows = await manager.query<StatementRow[]>(
      `SELECT ${STATEMENT_COLUMNS} FROM ${STATEMENT_FROM}
        WHERE s.bank_account_id = $1 AND s.file_sha256 = $2 ORDER BY s.imported_at LIMIT 1`,
      [accountId, sha256],
    );
    return rows[0];
  }

  async byStatementId(
    manager: EntityManager,
    accountId: string,
    statementId: string,
  ): Promise<StatementRow | undefined> {
    const rows = await manager.query<StatementRow[]>(
      `SELECT ${STATEMENT_COLUMNS} FROM ${STATEMENT_FROM}
        WHERE s.bank_account_id = $1 AND s.statement_id = $2`,
      [accountId, statementId],
    );
    return rows[0];
  }

  /** The account's statement that closed last on or before `closingDate` (latest import first). */
  async previous(
    manager: EntityManager,
    accountId: string,
    closingDate: string,
  ): Promise<{ statement_id: string; closing_date: string; closing_minor: string } | undefined> {
    const rows = await manager.query<
      { statement_id: string; closing_date: string; closing_minor: string }[]
    >(
      `SELECT statement_id, to_char(closing_date, 'YYYY-MM-DD') AS closing_date,
              closing_minor::text AS closing_minor
         FROM bank_statement
        WHERE bank_account_id = $1 AND closing_date <= $2::date
        ORDER BY closing_date DESC, imported_at DESC, sequence DESC NULLS LAST LIMIT 1`,
      [accountId, closingDate],
    );
    return rows[0];
  }

  async insertStatement(manager: EntityManager, s: NewStatement): Promise<string> {
    const [row] = await manager.query<{ id: string }[]>(
      `INSERT INTO bank_statement (fund_id, bank_account_id, format, file_name, file_sha256,
         statement_id, sequence, account_identifier, currency, opening_date, opening_minor,
         closing_date, closing_minor, line_count, continuity_warning, imported_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       RETURNING id`,
      [
        s.fundId,
        s.bankAccountId,
        s.format,
        s.fileName,
        s.fileSha256,
        s.statementId,
        s.sequence,
        s.accountIdentifier,
        s.currency,
        s.openingDate,
        s.openingMinor.toString(),
        s.closingDate,
        s.closingMinor.toString(),
        s.lineCount,
        s.continuityWarning,
        s.importedBy,
      ],
    );
    return row.id;
  }

  /** The lines, LINE_BATCH to one multi-row INSERT, so that a long statement goes in quickly. */
  async insertLines(
    manager: EntityManager,
    statementId: string,
    bankAccountId: string,
    lines: readonly NewLine[],
  ): Promise<void> {
    for (let start = 0; start < lines.length; start += LINE_BATCH) {
      const batch = lines.slice(start, start + LINE_BATCH);
      const params: unknown[] = [];
      const tuples = batch.map((line, index) => {
        const base = index * LINE_COLUMNS;
        params.push(
          statementId,
          bankAccountId,
          line.lineNo,
          line.bookingDate,
          line.valueDate,
          line.amountMinor.toString(),
          line.currency,
          line.status,
          line.reversal,
          line.bankReference,
          line.endToEndId,
          line.counterpartyName,
          line.counterpartyAccount,
          line.remittanceText,
          line.bankTransactionCode,
          line.instructedAmountMinor === null ? null : line.instructedAmountMinor.toString(),
          line.instructedCurrency,
          JSON.stringify(line.raw),
        );
        const p = (n: number): string => `$${base + n}`;
        return (
          `(${p(1)}::uuid, ${p(2)}::uuid, ${p(3)}::int, ${p(4)}::date, ${p(5)}::date, ` +
          `${p(6)}::bigint, ${p(7)}, ${p(8)}, ${p(9)}::boolean, ${p(10)}, ${p(11)}, ${p(12)}, ` +
          `${p(13)}, ${p(14)}, ${p(15)}, ${p(16)}::bigint, ${p(17)}, ${p(18)}::jsonb)`
        );
      });
      await manager.query(
        `INSERT INTO bank_statement_line (statement_id, bank_account_id, line_no, booking_date,
           value_date, amount_minor, currency, status, reversal, bank_reference, end_to_end_id,
           counterparty_name, counterparty_account, remittance_text, bank_transaction_code,
           instructed_amount_minor, instructed_currency, raw)
         SELECT v.statement_id, v.bank_account_id, v.line_no, v.booking_date, v.value_date,
                v.amount_minor, v.currency, v.status, v.reversal, v.bank_reference,
                v.end_to_end_id, v.counterparty_name, v.counterparty_account, v.remittance_text,
                v.bank_transaction_code, v.instructed_amount_minor, v.instructed_currency, v.raw
           FROM (VALUES ${tuples.join(', ')}) AS v (statement_id, bank_account_id, line_no,
                booking_date, value_date, amount_minor, currency, status, reversal,
                bank_reference, end_to_end_id, counterparty_name, counterparty_account,
                remittance_text, bank_transaction_code, instructed_amount_minor, instructed_currency,
                raw)`,
        params,
      );
    }
  }

  async find(manager: EntityManager, id: string): Promise<StatementRow | undefined> {
    const rows = await manager.query<StatementRow[]>(
      `SELECT ${STATEMENT_COLUMNS} FROM ${STATEMENT_FROM} WHERE s.id = $1`,
      [id],
    );
    return rows[0];
  }

  list(manager: EntityManager, fundCode: string, accountCode?: string): Promise<StatementRow[]> {
    return manager.query<StatementRow[]>(
      `SELECT ${STATEMENT_COLUMNS} FROM ${STATEMENT_FROM}
        WHERE f.code = $1 AND ($2::text IS NULL OR b.code = $2::text)
        ORDER BY s.closing_date DESC, s.imported_at DESC LIMIT 500`,
      [fundCode, accountCode ?? null],
    );
  }

  lines(manager: EntityManager, statementId: string): Promise<LineRow[]> {
    return manager.query<LineRow[]>(
      `SELECT id, line_no, to_char(booking_date, 'YYYY-MM-DD') AS booking_date,
              to_char(value_date, 'YYYY-MM-DD') AS value_date, amount_minor::text AS amount_minor,
              currency, status, reversal, bank_reference, end_to_end_id, counterparty_name,
              counterparty_account, remittance_text, bank_transaction_code,
              instructed_amount_minor::text AS instructed_amount_minor, instructed_currency
         FROM bank_statement_line WHERE statement_id = $1 ORDER BY line_no`,
      [statementId],
    );
  }

  async csvMapping(manager: EntityManager, accountId: string): Promise<CsvMappingRow | undefined> {
    const rows = await manager.query<CsvMappingRow[]>(
      `SELECT mapping, updated_by, updated_at FROM bank_csv_mapping WHERE bank_account_id = $1`,
      [accountId],
    );
    return rows[0];
  }

  async saveCsvMapping(
    manager: EntityManager,
    accountId: string,
    mapping: unknown,
    actorId: string,
  ): Promise<CsvMappingRow> {
    const [row] = await manager.query<CsvMappingRow[]>(
      `INSERT INTO bank_csv_mapping (bank_account_id, mapping, updated_by)
       VALUES ($1, $2::jsonb, $3)
       ON CONFLICT (bank_account_id) DO UPDATE
         SET mapping = EXCLUDED.mapping, updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING mapping, updated_by, updated_at`,
      [accountId, JSON.stringify(mapping), actorId],
    );
    return row;
  }
}
