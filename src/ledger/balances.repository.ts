import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DateRange } from './month-balances.service';

export interface DimensionFilter {
  donorId?: string;
  earmarkId?: string;
  bankAccountId?: string;
}

export type DimensionName = 'donor' | 'earmark' | 'bankAccount';

const DIMENSION_COLUMN: Record<DimensionName, string> = {
  donor: 'donor_id',
  earmark: 'earmark_id',
  bankAccount: 'bank_account_id',
};

export interface BalanceRow {
  dimension: string | null;
  currency: string;
  amount_minor: string;
  functional_minor: string;
}

export interface TrialBalanceRow {
  account_id: string;
  currency: string;
  amount_minor: string;
  functional_minor: string;
}

/** Sums over journal lines. Every balance in the system is one of these, never a stored total. */
@Injectable()
export class BalancesRepository {
  /** Balance of one account as of a date, per currency, optionally filtered and grouped by a dimension. */
  accountBalance(
    manager: EntityManager,
    accountId: string,
    asOf: string,
    filter: DimensionFilter,
    groupBy?: DimensionName,
  ): Promise<BalanceRow[]> {
    const dimension = groupBy === undefined ? 'NULL::uuid' : DIMENSION_COLUMN[groupBy];
    return manager.query<BalanceRow[]>(
      `SELECT ${dimension}::text AS dimension, currency,
              sum(amount_minor)::text AS amount_minor, sum(functional_minor)::text AS functional_minor
         FROM journal_line
        WHERE account_id = $1 AND entry_date <= $2
          AND ($3::uuid IS NULL OR donor_id = $3::uuid)
          AND ($4::uuid IS NULL OR earmark_id = $4::uuid)
          AND ($5::uuid IS NULL OR bank_account_id = $5::uuid)
        GROUP BY 1, currency
        ORDER BY 1, currency`,
      [
        accountId,
        asOf,
        filter.donorId ?? null,
        filter.earmarkId ?? null,
        filter.bankAccountId ?? null,
      ],
    );
  }

  /**
   * The trial balance's sums per account and currency: the kept sums of the closed months
   * `kept` plus the lines dated within `ranges` (every other day up to the day asked for); see
   * MonthBalancesService.spans. Nothing can be posted into a closed month, so both together are
   * exactly the sum of all lines.
   */
  trialBalance(
    manager: EntityManager,
    fundId: string,
    kept: string[],
    ranges: DateRange[],
  ): Promise<TrialBalanceRow[]> {
    return manager.query<TrialBalanceRow[]>(
      `WITH sums AS (
         SELECT b.account_id, b.currency, b.amount_minor, b.functional_minor
           FROM ledger_month_balance b
          WHERE b.fund_id = $1 AND b.period = ANY($2::text[])
         UNION ALL
         SELECT l.account_id, l.currency, l.amount_minor, l.functional_minor
           FROM unnest($3::date[], $4::date[]) AS m (first_day, last_day)
           JOIN journal_line l
             ON l.fund_id = $1 AND l.entry_date BETWEEN m.first_day AND m.last_day
       )
       SELECT account_id, currency,
              sum(amount_minor)::text AS amount_minor, sum(functional_minor)::text AS functional_minor
         FROM sums
        GROUP BY account_id, currency`,
      [fundId, kept, ranges.map((range) => range.from), ranges.map((range) => range.to)],
    );
  }
}
