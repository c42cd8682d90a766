import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CalendarDate } from '../common/calendar-date';

/** The SQL of ledger_month_balance: a closed month's lines summed, kept and dropped. */
@Injectable()
export class MonthBalancesRepository {
  /**
   * Sums the month's lines of the fund per account, earmark and currency. Called once the month
   * is closed, so no line can be added to it afterwards; a month closed, reopened and closed
   * again was emptied by the reopening.
   */
  async write(manager: EntityManager, fundId: string, period: string): Promise<void> {
    await manager.query(
      `INSERT INTO ledger_month_balance
         (fund_id, period, account_id, earmark_id, currency, amount_minor, functional_minor, line_count)
       SELECT l.fund_id, $2::text, l.account_id, l.earmark_id, l.currency,
              sum(l.amount_minor), sum(l.functional_minor), count(*)
         FROM journal_line l
        WHERE l.fund_id = $1
          AND l.entry_date >= to_date($2::text, 'YYYY-MM')
          AND l.entry_date < to_date($2::text, 'YYYY-MM') + interval '1 month'
        GROUP BY l.fund_id, l.account_id, l.earmark_id, l.currency`,
      [fundId, period],
    );
  }

  /** The months of the fund whose sums are kept (closed months), up to `lastMonth`, in order. */
  async keptMonths(manager: EntityManager, fundId: string, lastMonth: string): Promise<string[]> {
    const rows = await manager.query<{ period: string }[]>(
      `SELECT DISTINCT period FROM ledger_month_balance
        WHERE fund_id = $1 AND period <= $2 ORDER BY period`,
      [fundId, lastMonth],
    );
    return rows.map((row) => row.period);
  }

  /** The day of the fund's first journal line, if any. */
  async firstDay(manager: EntityManager, fundId: string): Promise<CalendarDate | null> {
    const [row] = await manager.query<{ first: string | null }[]>(
      `SELECT to_char(min(entry_date), 'YYYY-MM-DD') AS first FROM journal_line WHERE fund_id = $1`,
      [fundId],
    );
    return row.first;
  }

  async remove(manager: EntityManager, fundId: string, period: string): Promise<void> {
    await manager.query(`DELETE FROM ledger_month_balance WHERE fund_id = $1 AND period = $2`, [
      fundId,
      period,
    ]);
  }
}
