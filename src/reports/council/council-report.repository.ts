import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CalendarDate } from '../../common/calendar-date';
import { countryOnSql } from '../grant-figures.repository';

/** Receipts of one donor (or of no identified donor) whose value date falls in the year. */
export interface CouncilDonorRow {
  donor_id: string | null;
  name: string | null;
  country: string | null;
  type: string | null;
  receipts: number;
  received_minor: string;
}

/** Grants awarded in the year, summed per country, status on the decision date and gender. */
export interface CouncilGrantRow {
  country: string;
  country_name: string;
  region: string | null;
  ldc: boolean;
  gender: string;
  grants: number;
  amount_minor: string;
}

/** An account's movements before the year and during it (debit positive, functional currency). */
export interface CouncilAccountRow {
  code: string;
  name: string;
  kind: 'asset' | 'liability' | 'net_assets' | 'revenue' | 'expense';
  before_minor: string;
  during_minor: string;
}

/**
 * The SQL of the annual report to Council: three aggregate queries, whatever the number of
 * receipts, grants or journal lines.
 */
@Injectable()
export class CouncilReportRepository {
  /**
   * Receipts with a value date in [from, to], gross at the rate of their value date, per donor;
   * a receipt reversed by `to` did not bring anything.
   */
  contributions(
    manager: EntityManager,
    fundId: string,
    from: CalendarDate,
    to: CalendarDate,
  ): Promise<CouncilDonorRow[]> {
    return manager.query<CouncilDonorRow[]>(
      `SELECT r.donor_id, d.name, d.country, d.type, count(*)::int AS receipts,
              sum(r.gross_functional_minor)::text AS received_minor
         FROM receipt r
         LEFT JOIN donor d ON d.id = r.donor_id
        WHERE r.fund_id = $1 AND r.value_date BETWEEN $2::date AND $3::date
          AND NOT EXISTS (SELECT 1 FROM journal_entry rv
                           WHERE rv.reverses_entry_id = r.entry_id AND rv.entry_date <= $3::date)
        GROUP BY r.donor_id, d.name, d.country, d.type
        ORDER BY sum(r.gross_functional_minor) DESC, d.name NULLS LAST`,
      [fundId, from, to],
    );
  }

  /**
   * Grants approved in [from, to] and not cancelled by `to`, at the amount awarded, summed by
   * the participant's country (with its region and LDC status on the grant's decision date)
   * and gender.
   */
  grants(
    manager: EntityManager,
    fundId: string,
    from: CalendarDate,
    to: CalendarDate,
  ): Promise<CouncilGrantRow[]> {
    return manager.query<CouncilGrantRow[]>(
      `SELECT country, country_name, region, ldc, gender, count(*)::int AS grants,
              sum(amount_minor)::text AS amount_minor
         FROM (SELECT pa.country, c.name_en AS country_name,
                      ${countryOnSql('pa.country', 'g.decision_date')},
                      pa.gender, g.amount_minor
                 FROM participation_grant g
                 JOIN participant pa ON pa.id = g.participant_id
                 JOIN country c ON c.alpha2 = pa.country
                WHERE g.fund_id = $1
                  AND EXISTS (SELECT 1 FROM grant_step s
                               WHERE s.grant_id = g.id AND s.kind = 'approved'
                                 AND s.effective_on BETWEEN $2::date AND $3::date)
                  AND NOT EXISTS (SELECT 1 FROM grant_step s
                                   WHERE s.grant_id = g.id AND s.kind = 'cancelled'
                                     AND s.effective_on <= $3::date)) awarded
        GROUP BY country, country_name, region, ldc, gender
        ORDER BY country_name, gender`,
      [fundId, from, to],
    );
  }

  /** Every account of the fund with its movements before `from` and in [from, to]. */
  accounts(
    manager: EntityManager,
    fundId: string,
    from: CalendarDate,
    to: CalendarDate,
  ): Promise<CouncilAccountRow[]> {
    return manager.query<CouncilAccountRow[]>(
      `SELECT a.code, a.name, a.kind,
              coalesce(m.before_minor, 0)::text AS before_minor,
              coalesce(m.during_minor, 0)::text AS during_minor
         FROM account a
         LEFT JOIN (SELECT l.account_id,
                           sum(l.functional_minor) FILTER (WHERE l.entry_date < $2::date)
                             AS before_minor,
                           sum(l.functional_minor) FILTER (WHERE l.entry_date >= $2::date)
                             AS during_minor
                      FROM journal_line l
                     WHERE l.fund_id = $1 AND l.entry_date <= $3::date
                     GROUP BY l.account_id) m ON m.account_id = a.id
        WHERE a.fund_id = $1
        ORDER BY a.code`,
      [fundId, from, to],
    );
  }
}
