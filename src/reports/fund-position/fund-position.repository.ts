import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CalendarDate } from '../../common/calendar-date';

/** The accounts the fund position reads (see FundPositionService for what each figure is). */
export const POSITION_ACCOUNTS = [
  '1100',
  '1190',
  '1200',
  '2100',
  '4000',
  '5000',
  '5300',
  '5400',
] as const;
export type PositionAccount = (typeof POSITION_ACCOUNTS)[number];

/** One account's balance (debit positive) for one earmark (or none) of a fund, functional minor units. */
export interface AccountEarmarkSum {
  code: PositionAccount;
  earmark_id: string | null;
  functional_minor: string;
}

export interface AnnouncedRow {
  earmark_id: string;
  currency: string;
  amount_minor: string;
}

@Injectable()
export class FundPositionRepository {
  /**
   * Balances of the position's accounts per earmark: the kept sums of the months `kept` plus the
   * lines dated within `ranges` (the other months, up to the day), each range read through the
   * (fund_id, entry_date) index. A month has kept sums only while it is closed, and nothing can
   * be posted into a closed month, so both halves together are exactly the sum of all lines.
   * (The ranges come from the caller rather than generate_series: with a set-returning
   * function's default estimate the planner expected millions of rows and spent half a second
   * compiling the query with JIT.)
   */
  accountSums(
    manager: EntityManager,
    fundId: string,
    kept: string[],
    ranges: Array<{ from: CalendarDate; to: CalendarDate }>,
  ): Promise<AccountEarmarkSum[]> {
    return manager.query<AccountEarmarkSum[]>(
      `WITH sums AS (
         SELECT b.account_id, b.earmark_id, b.functional_minor
           FROM ledger_month_balance b
          WHERE b.fund_id = $1 AND b.period = ANY($2::text[])
         UNION ALL
         SELECT l.account_id, l.earmark_id, l.functional_minor
           FROM unnest($3::date[], $4::date[]) AS m (first_day, last_day)
           JOIN journal_line l
             ON l.fund_id = $1 AND l.entry_date BETWEEN m.first_day AND m.last_day
       )
       SELECT a.code, s.earmark_id, sum(s.functional_minor)::text AS functional_minor
         FROM sums s JOIN account a ON a.id = s.account_id
        WHERE a.fund_id = $1 AND a.code = ANY($5::text[])
        GROUP BY a.code, s.earmark_id`,
      [
        fundId,
        kept,
        ranges.map((range) => range.from),
        ranges.map((range) => range.to),
        POSITION_ACCOUNTS,
      ],
    );
  }

  /**
   * Pledges at the announced stage on the day (announced, not yet agreed, not ended), per
   * earmark and currency, at their current amount: the memo figure, never on the ledger.
   */
  announced(manager: EntityManager, fundId: string, asOf: CalendarDate): Promise<AnnouncedRow[]> {
    return manager.query<AnnouncedRow[]>(
      `SELECT p.earmark_id, p.currency, sum(p.amount_minor)::text AS amount_minor
         FROM pledge p
        WHERE p.fund_id = $1 AND p.announced_on <= $2
          AND (p.agreed_on IS NULL OR p.agreed_on > $2)
          AND NOT EXISTS (SELECT 1 FROM pledge_event e
                           WHERE e.pledge_id = p.id AND e.kind IN ('cancelled', 'written-off')
                             AND e.effective_on <= $2)
        GROUP BY p.earmark_id, p.currency
        ORDER BY p.currency`,
      [fundId, asOf],
    );
  }
}
