import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CalendarDate } from '../common/calendar-date';

/** A grant given (approved on or before the date), with what it is grouped by. */
export interface GrantFigureRow {
  id: string;
  number: string;
  event_code: string;
  event_name: string;
  country: string;
  country_name: string;
  /** ITU-D region of the country on the decision date (null: none recorded then). */
  region: string | null;
  /** LDC / developing on the decision date. */
  ldc: boolean;
  developing: boolean;
  gender: string;
  stakeholder_group: string;
  status: 'approved' | 'disbursed' | 'settled' | 'cancelled';
  /** Open commitment as of the date. */
  committed_minor: string;
}

/**
 * Lines of a grant's journal entries on one account, summed by the step that caused the entry:
 * `disbursed`, `settled`, `cancelled`, or `other` (an entry that names the grant as its source
 * without a step naming it). A reversal counts for the step of the entry it reverses.
 */
export interface GrantLineSum {
  grant_id: string;
  step: string;
  account: string;
  functional_minor: string;
}

export interface GrantLedgerRow {
  expense_minor: string;
  support_minor: string;
  committed_minor: string;
}

/** The accounts the grant figures read. */
export const GRANT_ADVANCES = '1200';
export const GRANT_EXPENSE = '5000';
export const SUPPORT_COSTS = '5400';

/**
 * A participant's country as of the grant's decision date (the same rules as
 * ReferenceRepository.statusOn): the region of the latest start on or before the date; a status
 * when a current (not superseded) period covers the date; an LDC counts as developing.
 * `country` and `date` are SQL expressions.
 */
export function countryOnSql(country: string, date: string): string {
  const covered = (kinds: string) => `EXISTS (
    SELECT 1 FROM country_status_current s
     WHERE s.country = ${country} AND s.kind IN (${kinds})
       AND s.valid_from <= ${date} AND (s.valid_to IS NULL OR s.valid_to > ${date}))`;
  return `
    (SELECT r.region FROM country_region r
      WHERE r.country = ${country} AND r.valid_from <= ${date}
      ORDER BY r.valid_from DESC, r.id DESC LIMIT 1) AS region,
    ${covered(`'ldc'`)} AS ldc,
    ${covered(`'ldc', 'developing'`)} AS developing`;
}

/**
 * Reads, never writes: the grants of a fund as of a date, the lines of their journal entries,
 * and the fund's own balances to check them against (three queries whatever the number of
 * grants).
 */
@Injectable()
export class GrantFiguresRepository {
  /** Every event of the fund, for the page's choice of event. */
  events(manager: EntityManager, fundId: string): Promise<Array<{ code: string; name: string }>> {
    return manager.query(
      `SELECT code, name FROM grant_event WHERE fund_id = $1 ORDER BY starts_on DESC, code`,
      [fundId],
    );
  }

  async eventExists(manager: EntityManager, fundId: string, code: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `SELECT 1 FROM grant_event WHERE fund_id = $1 AND code = $2`,
      [fundId, code],
    );
    return rows.length > 0;
  }

  /**
   * Grants of the fund approved on or before `asOf` (of one event, when given), with their
   * status on that date (the latest step dated on or before it) and their open commitment.
   */
  grants(
    manager: EntityManager,
    fundId: string,
    asOf: CalendarDate,
    eventCode: string | null,
  ): Promise<GrantFigureRow[]> {
    return manager.query<GrantFigureRow[]>(
      `SELECT g.id, g.number, ev.code AS event_code, ev.name AS event_name, pa.country,
              c.name_en AS country_name, ${countryOnSql('pa.country', 'g.decision_date')},
              pa.gender, pa.stakeholder_group,
              (SELECT s.kind FROM grant_step s
                WHERE s.grant_id = g.id AND s.effective_on <= $2::date
                ORDER BY s.effective_on DESC, s.id DESC LIMIT 1) AS status,
              coalesce((SELECT sum(gc.amount_minor) FROM grant_commitment gc
                         WHERE gc.grant_id = g.id AND gc.effective_on <= $2::date), 0)::text
                AS committed_minor
         FROM participation_grant g
         JOIN grant_event ev ON ev.id = g.event_id
         JOIN participant pa ON pa.id = g.participant_id
         JOIN country c ON c.alpha2 = pa.country
        WHERE g.fund_id = $1
          AND ($3::text IS NULL OR ev.code = $3::text)
          AND EXISTS (SELECT 1 FROM grant_step s
                       WHERE s.grant_id = g.id AND s.kind = 'approved'
                         AND s.effective_on <= $2::date)
        ORDER BY g.number`,
      [fundId, asOf, eventCode],
    );
  }

  /**
   * The grants' lines on advances, grant expense and support costs dated on or before `asOf`.
   * A grant's entries are those its steps name, those posted with the grant as their source
   * (source type grant…, source ref the grant's id), and the reversals of either.
   */
  lineSums(
    manager: EntityManager,
    fundId: string,
    grantIds: readonly string[],
    asOf: CalendarDate,
  ): Promise<GrantLineSum[]> {
    if (grantIds.length === 0) return Promise.resolve([]);
    return manager.query<GrantLineSum[]>(
      `WITH named AS (
         SELECT s.grant_id, s.entry_id, s.kind AS step
           FROM grant_step s
          WHERE s.grant_id = ANY($2::uuid[]) AND s.entry_id IS NOT NULL
         UNION
         SELECT g.id, e.id, 'other'
           FROM participation_grant g
           JOIN journal_entry e
             ON e.fund_id = g.fund_id AND e.source_ref = g.id::text AND e.source_type LIKE 'grant%'
          WHERE g.id = ANY($2::uuid[])
            AND NOT EXISTS (SELECT 1 FROM grant_step s WHERE s.entry_id = e.id)
       ), entries AS (
         SELECT grant_id, entry_id, step FROM named
         UNION
         SELECT n.grant_id, rv.id, n.step
           FROM named n JOIN journal_entry rv ON rv.reverses_entry_id = n.entry_id
       )
       SELECT en.grant_id, en.step, a.code AS account,
              sum(l.functional_minor)::text AS functional_minor
         FROM entries en
         JOIN journal_line l ON l.entry_id = en.entry_id
         JOIN account a ON a.id = l.account_id
        WHERE l.fund_id = $1 AND l.entry_date <= $3::date
          AND a.code IN ('${GRANT_ADVANCES}', '${GRANT_EXPENSE}', '${SUPPORT_COSTS}')
        GROUP BY 1, 2, 3`,
      [fundId, grantIds, asOf],
    );
  }

  /**
   * What the figures must tie to, read without going through the grants: the balances of grant
   * expense and support costs, and the sum of every commitment of the fund, as of `asOf`.
   */
  async ledger(
    manager: EntityManager,
    fundId: string,
    asOf: CalendarDate,
  ): Promise<GrantLedgerRow> {
    const [row] = await manager.query<GrantLedgerRow[]>(
      `SELECT
         coalesce((SELECT sum(l.functional_minor) FROM journal_line l
                     JOIN account a ON a.id = l.account_id
                    WHERE l.fund_id = $1 AND a.code = '${GRANT_EXPENSE}'
                      AND l.entry_date <= $2::date), 0)::text AS expense_minor,
         coalesce((SELECT sum(l.functional_minor) FROM journal_line l
                     JOIN account a ON a.id = l.account_id
                    WHERE l.fund_id = $1 AND a.code = '${SUPPORT_COSTS}'
                      AND l.entry_date <= $2::date), 0)::text AS support_minor,
         coalesce((SELECT sum(gc.amount_minor) FROM grant_commitment gc
                    WHERE gc.fund_id = $1 AND gc.effective_on <= $2::date), 0)::text
           AS committed_minor`,
      [fundId, asOf],
    );
    return row;
  }
}
