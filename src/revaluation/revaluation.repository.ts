import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** A foreign-currency balance to revalue: receivables of an earmark, or a bank account. */
export interface ForeignBalanceRow {
  /** '1190' for receivables (1100 and its revaluation 1190 together), '1000' for cash. */
  account: '1190' | '1000';
  earmark_id: string | null;
  earmark: string | null;
  bank_account_id: string | null;
  bank_account: string | null;
  currency: string;
  amount_minor: string;
  functional_minor: string;
}

export interface RunRow {
  fund_code: string;
  functional_currency: string;
  period: string;
  run_no: number;
  revalued_on: string;
  entry_id: string | null;
  entry_number: string | null;
  entry_date: string | null;
  reversal_entry_id: string | null;
  reversal_number: string | null;
  reversal_date: string | null;
  run_by: string;
  run_at: Date;
  gain_minor: string;
  loss_minor: string;
}

export interface RevaluedLineRow {
  entry_id: string;
  account: '1190' | '1000';
  earmark: string | null;
  bank_account: string | null;
  currency: string;
  rate: string | null;
  functional_minor: string;
}

@Injectable()
export class RevaluationRepository {
  /**
   * Held until the transaction ends: two runs of the same fund and month (two officers, or an
   * officer and a period close) take turns, and the second finds the first's run row and entry
   * (which its recomputation then counts as carried: it posts nothing twice).
   */
  async lock(manager: EntityManager, fundId: string, period: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `revaluation:${fundId}:${period}`,
    ]);
  }

  async periodStatus(
    manager: EntityManager,
    fundId: string,
    period: string,
  ): Promise<'open' | 'closed'> {
    const rows = await manager.query<{ status: 'open' | 'closed' }[]>(
      `SELECT status FROM accounting_period WHERE fund_id = $1 AND period = $2`,
      [fundId, period],
    );
    return rows[0]?.status ?? 'open';
  }

  /**
   * The balances as of `asOf` in currencies other than the fund's: receivables (1100 with what
   * earlier revaluations left on 1190) per earmark and currency, cash at bank (1000) per bank
   * account and currency. One aggregate over the lines of three accounts (the balance index).
   * An earlier run of the same month is dated its last day (its reversal the 1st after) and so
   * is part of what is carried: revaluing again gives only the difference still missing.
   */
  foreignBalances(
    manager: EntityManager,
    fundId: string,
    asOf: string,
    functionalCurrency: string,
  ): Promise<ForeignBalanceRow[]> {
    return manager.query<ForeignBalanceRow[]>(
      `SELECT b.account, b.earmark_id, em.code AS earmark, b.bank_account_id,
              ba.code AS bank_account, b.currency, b.amount_minor, b.functional_minor
         FROM (SELECT CASE WHEN a.code = '1000' THEN '1000' ELSE '1190' END AS account,
                      CASE WHEN a.code = '1000' THEN NULL ELSE l.earmark_id END AS earmark_id,
                      l.bank_account_id, l.currency::text AS currency,
                      sum(l.amount_minor)::text AS amount_minor,
                      sum(l.functional_minor)::text AS functional_minor
                 FROM account a
                 JOIN journal_line l ON l.account_id = a.id
                WHERE a.fund_id = $1 AND a.code IN ('1000', '1100', '1190')
                  AND l.entry_date <= $2::date AND l.currency <> $3::bpchar
                GROUP BY 1, 2, 3, 4) b
         LEFT JOIN earmark em ON em.id = b.earmark_id
         LEFT JOIN bank_account ba ON ba.id = b.bank_account_id
        ORDER BY b.account DESC, em.code NULLS FIRST, ba.code, b.currency`,
      [fundId, asOf, functionalCurrency],
    );
  }

  async insertRun(
    manager: EntityManager,
    run: {
      fundId: string;
      period: string;
      runNo: number;
      revaluedOn: string;
      entryId: string | null;
      reversalEntryId: string | null;
      runBy: string;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO revaluation_run
         (fund_id, period, run_no, revalued_on, entry_id, reversal_entry_id, run_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        run.fundId,
        run.period,
        run.runNo,
        run.revaluedOn,
        run.entryId,
        run.reversalEntryId,
        run.runBy,
      ],
    );
  }

  /**
   * The fund's runs (or those of `period`, or its run `runNo`) with their totals, newest month
   * first and, within a month, the latest run first.
   */
  runs(manager: EntityManager, fundId: string, period?: string, runNo?: number): Promise<RunRow[]> {
    return manager.query<RunRow[]>(
      `SELECT f.code AS fund_code, f.functional_currency, r.period, r.run_no::int AS run_no,
              to_char(r.revalued_on, 'YYYY-MM-DD') AS revalued_on,
              r.entry_id, e.number AS entry_number,
              to_char(e.entry_date, 'YYYY-MM-DD') AS entry_date,
              r.reversal_entry_id, x.number AS reversal_number,
              to_char(x.entry_date, 'YYYY-MM-DD') AS reversal_date,
              r.run_by, r.run_at,
              coalesce(t.gain, 0)::text AS gain_minor, coalesce(t.loss, 0)::text AS loss_minor
         FROM revaluation_run r
         JOIN fund f ON f.id = r.fund_id
         LEFT JOIN journal_entry e ON e.id = r.entry_id
         LEFT JOIN journal_entry x ON x.id = r.reversal_entry_id
         LEFT JOIN LATERAL (
           SELECT -sum(l.functional_minor) FILTER (WHERE a.code = '4300') AS gain,
                  sum(l.functional_minor) FILTER (WHERE a.code = '5500') AS loss
             FROM journal_line l
             JOIN account a ON a.id = l.account_id
            WHERE l.entry_id = r.entry_id) t ON true
        WHERE r.fund_id = $1 AND ($2::text IS NULL OR r.period = $2::text)
          AND ($3::int IS NULL OR r.run_no = $3::int)
        ORDER BY r.period DESC, r.run_no DESC`,
      [fundId, period ?? null, runNo ?? null],
    );
  }

  /** The revalued lines (1190, 1000) of these entries, in line order. */
  revaluedLines(manager: EntityManager, entryIds: readonly string[]): Promise<RevaluedLineRow[]> {
    if (entryIds.length === 0) return Promise.resolve([]);
    return manager.query<RevaluedLineRow[]>(
      `SELECT l.entry_id, a.code AS account, em.code AS earmark, ba.code AS bank_account,
              l.currency::text AS currency, l.rate::text AS rate,
              l.functional_minor::text AS functional_minor
         FROM journal_line l
         JOIN account a ON a.id = l.account_id
         LEFT JOIN earmark em ON em.id = l.earmark_id
         LEFT JOIN bank_account ba ON ba.id = l.bank_account_id
        WHERE l.entry_id = ANY($1::uuid[]) AND a.code IN ('1190', '1000')
        ORDER BY l.entry_id, l.line_no`,
      [entryIds],
    );
  }
}
