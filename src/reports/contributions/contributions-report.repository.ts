import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CalendarDate } from '../../common/calendar-date';
import { PLEDGE_AGREEMENT, PLEDGE_AMENDMENT } from '../../pledges/pledge-status';
import { RECEIVABLE } from '../pledge-reconciliation.repository';
import { ContributionGrouping } from './dto/contributions.dto';

/** Which pledges a report covers: the fund's, of some earmark, donor type and region. */
export interface PledgeScope {
  fundId: string;
  earmark: string | null;
  donorType: string | null;
  region: string | null;
  /** The date the donors' countries' regions are read on. */
  regionOn: CalendarDate;
}

export interface ContributionGroupRow {
  /** The row of the whole (donors and pledges counted once). */
  is_total: boolean;
  key: string | null;
  label: string | null;
  donors: number;
  pledges: number;
  pledged_minor: string;
  received_minor: string;
  relieved_minor: string;
}

export interface YearFiguresRow {
  year: number;
  pledged_minor: string;
  received_minor: string;
  received_for_minor: string;
  receivable_minor: string;
}

const BOOKING_KINDS = `('${PLEDGE_AGREEMENT}', '${PLEDGE_AMENDMENT}')`;

/**
 * The pledges in scope with their donor's type, country and the country's ITU-D region on a date.
 * Parameters: $1 fund, $2 earmark, $3 donor type, $4 region, $5 region date.
 */
const SCOPE = `
  regions AS (
    SELECT DISTINCT ON (r.country) r.country, r.region
      FROM country_region r WHERE r.valid_from <= $5::date
     ORDER BY r.country, r.valid_from DESC, r.id DESC),
  scope AS (
    SELECT p.id, p.donor_id, d.name AS donor_name, d.type AS donor_type, d.country,
           c.name_en AS country_name, rg.region, p.agreed_on
      FROM pledge p
      JOIN donor d ON d.id = p.donor_id
      JOIN earmark em ON em.id = p.earmark_id
      LEFT JOIN country c ON c.alpha2 = d.country
      LEFT JOIN regions rg ON rg.country = d.country
     WHERE p.fund_id = $1 AND ($2::text IS NULL OR em.code = $2::text)
       AND ($3::text IS NULL OR d.type = $3::text)
       AND ($4::text IS NULL OR rg.region = $4::text))`;

const GROUP_KEYS: Record<ContributionGrouping, { key: string; label: string; order: string }> = {
  donor: { key: 's.donor_id::text', label: 'min(s.donor_name)', order: 'label, key' },
  'donor-type': { key: 's.donor_type', label: 's.donor_type', order: 'key' },
  country: { key: 's.country', label: 'min(s.country_name)', order: 'label NULLS LAST, key' },
  region: { key: 's.region', label: 's.region', order: 'key NULLS LAST' },
  year: { key: 'm.year::text', label: 'm.year::text', order: 'key' },
};

/**
 * Reads, never writes. Pledged is read from the ledger (the receivable's booking lines: agreement
 * and amendments); received from the receipt allocations, which post the receivable's receipt
 * credits one for one (the report's total is checked against those lines in the tests).
 * Each report is one query, whatever the number of donors.
 */
@Injectable()
export class ContributionsReportRepository {
  scopeParams(scope: PledgeScope): unknown[] {
    return [scope.fundId, scope.earmark, scope.donorType, scope.region, scope.regionOn];
  }

  /** Pledged and received between `from` and `to` ($6, $7), per group, and the total last. */
  contributions(
    manager: EntityManager,
    scope: PledgeScope,
    from: CalendarDate,
    to: CalendarDate,
    groupBy: ContributionGrouping,
  ): Promise<ContributionGroupRow[]> {
    const group = GROUP_KEYS[groupBy];
    // Labels that are the key itself are grouped by too; the others are aggregates of the group.
    const grouped = groupBy !== 'donor' && groupBy !== 'country';
    return manager.query<ContributionGroupRow[]>(
      `WITH ${SCOPE},
       moves AS (
         SELECT l.pledge_id, extract(year FROM l.entry_date)::int AS year,
                sum(l.functional_minor) AS pledged, 0::numeric AS received, 0::numeric AS relieved
           FROM journal_entry e
           JOIN journal_line l ON l.entry_id = e.id
           JOIN account a ON a.id = l.account_id AND a.code = '${RECEIVABLE}'
          WHERE e.fund_id = $1 AND e.source_type IN ${BOOKING_KINDS}
            AND e.entry_date BETWEEN $6::date AND $7::date AND l.pledge_id IS NOT NULL
          GROUP BY 1, 2
         UNION ALL
         SELECT ra.pledge_id, extract(year FROM ra.allocated_on)::int, 0,
                sum(ra.value_functional_minor), sum(ra.relieved_functional_minor)
           FROM receipt_allocation ra
          WHERE ra.fund_id = $1 AND ra.allocated_on BETWEEN $6::date AND $7::date
          GROUP BY 1, 2)
       SELECT ${group.key} AS key, ${group.label} AS label,
              GROUPING(${group.key}) = 1 AS is_total,
              count(DISTINCT s.donor_id)::int AS donors, count(DISTINCT s.id)::int AS pledges,
              coalesce(sum(m.pledged), 0)::text AS pledged_minor,
              coalesce(sum(m.received), 0)::text AS received_minor,
              coalesce(sum(m.relieved), 0)::text AS relieved_minor
         FROM moves m JOIN scope s ON s.id = m.pledge_id
        GROUP BY GROUPING SETS ((${group.key}${grouped ? `, ${group.label}` : ''}), ())
        ORDER BY is_total, ${group.order}`,
      [...this.scopeParams(scope), from, to],
    );
  }

  /**
   * Per calendar year up to `to` ($7): pledged and received within [`from`, `to`], received by
   * `to` for the pledges agreed that year, and the movement of the pledges' receivable (every
   * year up to `to`, so that the caller can carry the balance forward).
   */
  years(
    manager: EntityManager,
    scope: PledgeScope,
    from: CalendarDate,
    to: CalendarDate,
  ): Promise<YearFiguresRow[]> {
    return manager.query<YearFiguresRow[]>(
      `WITH ${SCOPE},
       moves AS (
         SELECT l.pledge_id, extract(year FROM l.entry_date)::int AS year,
                sum(l.functional_minor) AS pledged, 0::numeric AS received,
                0::numeric AS received_for, 0::numeric AS receivable
           FROM journal_entry e
           JOIN journal_line l ON l.entry_id = e.id
           JOIN account a ON a.id = l.account_id AND a.code = '${RECEIVABLE}'
          WHERE e.fund_id = $1 AND e.source_type IN ${BOOKING_KINDS}
            AND e.entry_date BETWEEN $6::date AND $7::date AND l.pledge_id IS NOT NULL
          GROUP BY 1, 2
         UNION ALL
         SELECT ra.pledge_id, extract(year FROM ra.allocated_on)::int, 0,
                sum(ra.value_functional_minor), 0, 0
           FROM receipt_allocation ra
          WHERE ra.fund_id = $1 AND ra.allocated_on BETWEEN $6::date AND $7::date
          GROUP BY 1, 2
         UNION ALL
         SELECT ra.pledge_id, extract(year FROM p.agreed_on)::int, 0, 0,
                sum(ra.value_functional_minor), 0
           FROM receipt_allocation ra
           JOIN pledge p ON p.id = ra.pledge_id
          WHERE ra.fund_id = $1 AND ra.allocated_on <= $7::date
            AND p.agreed_on BETWEEN $6::date AND $7::date
          GROUP BY 1, 2
         UNION ALL
         SELECT l.pledge_id, extract(year FROM l.entry_date)::int, 0, 0, 0,
                sum(l.functional_minor)
           FROM journal_line l
          WHERE l.account_id = (SELECT a.id FROM account a
                                 WHERE a.fund_id = $1 AND a.code = '${RECEIVABLE}')
            AND l.pledge_id IS NOT NULL AND l.entry_date <= $7::date
          GROUP BY 1, 2)
       SELECT m.year, sum(m.pledged)::text AS pledged_minor,
              sum(m.received)::text AS received_minor,
              sum(m.received_for)::text AS received_for_minor,
              sum(m.receivable)::text AS receivable_minor
         FROM moves m JOIN scope s ON s.id = m.pledge_id
        GROUP BY m.year ORDER BY m.year`,
      [...this.scopeParams(scope), from, to],
    );
  }

  /** The donors matching a donor type and region (on `regionOn`); undefined: every donor. */
  async donorIds(
    manager: EntityManager,
    donorType: string | null,
    region: string | null,
    regionOn: CalendarDate,
  ): Promise<string[] | undefined> {
    if (donorType === null && region === null) return undefined;
    const rows = await manager.query<{ id: string }[]>(
      `SELECT d.id FROM donor d
        WHERE ($1::text IS NULL OR d.type = $1::text)
          AND ($2::text IS NULL OR (SELECT r.region FROM country_region r
                                     WHERE r.country = d.country AND r.valid_from <= $3::date
                                     ORDER BY r.valid_from DESC, r.id DESC LIMIT 1) = $2::text)`,
      [donorType, region, regionOn],
    );
    return rows.map((row) => row.id);
  }
}
