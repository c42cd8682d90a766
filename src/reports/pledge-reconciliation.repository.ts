import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CalendarDate } from '../common/calendar-date';

/** A pledge of the report, with the amount in force on the as-of date. */
export interface ReconciliationPledgeRow {
  id: string;
  reference: string;
  donor_id: string;
  donor_name: string;
  earmark_code: string;
  currency: string;
  amount_minor: string;
  announced_on: string;
  agreed_on: string | null;
  ending_kind: 'cancelled' | 'written-off' | null;
  ending_on: string | null;
}

/** Pledge-linked lines of one account, summed by what caused them and by currency. */
export interface ReconciliationLineSum {
  pledge_id: string;
  account: string;
  kind: string;
  currency: string;
  amount_minor: string;
  functional_minor: string;
}

export interface ReconciliationAllocationRow {
  id: string;
  pledge_id: string;
  receipt_id: string;
  receipt_number: string;
  receipt_currency: string;
  value_date: string;
  allocated_on: string;
  instalment_seq: number;
  amount_minor: string;
  pledge_amount_minor: string;
  value_functional_minor: string;
  relieved_functional_minor: string;
  fx_functional_minor: string;
  reverses_allocation_id: string | null;
  reversed: boolean;
}

/** The accounts the report reads: receivable, realised FX gains and losses. */
export const RECEIVABLE = '1100';
export const FX_GAINS = '4100';
export const FX_LOSSES = '5200';

/**
 * Reads, never writes: the fund's pledges, their lines on the receivable and FX accounts, and
 * their receipt allocations, each as of a date (three queries whatever the number of pledges).
 */
@Injectable()
export class PledgeReconciliationRepository {
  /**
   * Pledges of the fund announced on or before `asOf` (of some donors only, when given), by
   * donor name and reference. A pledge amended after `asOf` carries the amount before that
   * amendment; its ending shows only if dated on or before `asOf`.
   */
  pledges(
    manager: EntityManager,
    fundId: string,
    asOf: CalendarDate,
    donorIds: readonly string[] | undefined,
  ): Promise<ReconciliationPledgeRow[]> {
    return manager.query<ReconciliationPledgeRow[]>(
      `SELECT p.id, p.reference, p.donor_id, d.name AS donor_name, em.code AS earmark_code,
              p.currency,
              COALESCE((SELECT a.amount_before FROM pledge_amendment a
                         WHERE a.pledge_id = p.id AND a.effective_on > $2::date
                         ORDER BY a.number LIMIT 1), p.amount_minor)::text AS amount_minor,
              to_char(p.announced_on, 'YYYY-MM-DD') AS announced_on,
              CASE WHEN p.agreed_on <= $2::date
                   THEN to_char(p.agreed_on, 'YYYY-MM-DD') END AS agreed_on,
              CASE WHEN ending.effective_on <= $2::date THEN ending.kind END AS ending_kind,
              CASE WHEN ending.effective_on <= $2::date
                   THEN to_char(ending.effective_on, 'YYYY-MM-DD') END AS ending_on
         FROM pledge p
         JOIN donor d ON d.id = p.donor_id
         JOIN earmark em ON em.id = p.earmark_id
         LEFT JOIN pledge_event ending
           ON ending.pledge_id = p.id AND ending.kind IN ('cancelled', 'written-off')
        WHERE p.fund_id = $1 AND p.announced_on <= $2::date
          AND ($3::uuid[] IS NULL OR p.donor_id = ANY($3::uuid[]))
        ORDER BY d.name, d.id, p.reference`,
      [fundId, asOf, donorIds ?? null],
    );
  }

  /**
   * The pledges' lines on the receivable and realised FX accounts dated on or before `asOf`,
   * summed by account, currency and the kind of event that caused them: the entry's source
   * type, or for a reversal the source type of the entry it reverses.
   */
  lineSums(
    manager: EntityManager,
    fundId: string,
    pledgeIds: readonly string[],
    asOf: CalendarDate,
  ): Promise<ReconciliationLineSum[]> {
    if (pledgeIds.length === 0) return Promise.resolve([]);
    return manager.query<ReconciliationLineSum[]>(
      `SELECT l.pledge_id, a.code AS account,
              CASE WHEN e.reverses_entry_id IS NULL THEN e.source_type ELSE o.source_type END AS kind,
              l.currency, sum(l.amount_minor)::text AS amount_minor,
              sum(l.functional_minor)::text AS functional_minor
         FROM journal_line l
         JOIN account a ON a.id = l.account_id
         JOIN journal_entry e ON e.id = l.entry_id
         LEFT JOIN journal_entry o ON o.id = e.reverses_entry_id
        WHERE l.fund_id = $1 AND a.code IN ('${RECEIVABLE}', '${FX_GAINS}', '${FX_LOSSES}')
          AND l.pledge_id = ANY($2::uuid[]) AND l.entry_date <= $3::date
        GROUP BY 1, 2, 3, 4`,
      [fundId, pledgeIds, asOf],
    );
  }

  /**
   * The receipt allocations to the pledges made on or before `asOf`, oldest first, each saying
   * whether a reversal made on or before `asOf` undoes it.
   */
  allocations(
    manager: EntityManager,
    pledgeIds: readonly string[],
    asOf: CalendarDate,
  ): Promise<ReconciliationAllocationRow[]> {
    if (pledgeIds.length === 0) return Promise.resolve([]);
    return manager.query<ReconciliationAllocationRow[]>(
      `SELECT ra.id, ra.pledge_id, ra.receipt_id, r.number AS receipt_number,
              r.currency AS receipt_currency, to_char(r.value_date, 'YYYY-MM-DD') AS value_date,
              to_char(ra.allocated_on, 'YYYY-MM-DD') AS allocated_on, ra.instalment_seq,
              ra.amount_minor::text AS amount_minor,
              ra.pledge_amount_minor::text AS pledge_amount_minor,
              ra.value_functional_minor::text AS value_functional_minor,
              ra.relieved_functional_minor::text AS relieved_functional_minor,
              ra.fx_functional_minor::text AS fx_functional_minor, ra.reverses_allocation_id,
              EXISTS (SELECT 1 FROM receipt_allocation later
                       WHERE later.reverses_allocation_id = ra.id
                         AND later.allocated_on <= $2::date) AS reversed
         FROM receipt_allocation ra
         JOIN receipt r ON r.id = ra.receipt_id
        WHERE ra.pledge_id = ANY($1::uuid[]) AND ra.allocated_on <= $2::date
        ORDER BY ra.pledge_id, ra.allocated_on, r.number, ra.reverses_allocation_id IS NOT NULL,
                 ra.instalment_seq, ra.created_at, ra.id`,
      [pledgeIds, asOf],
    );
  }
}
