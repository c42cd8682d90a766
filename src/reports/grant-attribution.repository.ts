import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CalendarDate } from '../common/calendar-date';
import { ALLOCATION_NET_MINOR } from '../grants/grants.repository';
import { countryOnSql } from './grant-figures.repository';

/** What a donor paid for an earmark: its receipt allocations to the earmark's pledges. */
export interface DonorPaidRow {
  donor_id: string;
  donor_name: string;
  earmark_code: string;
  paid_minor: string;
}

/** A donor's net attribution to one grant through allocations to one earmark's pledges. */
export interface DonorGrantRow {
  donor_id: string;
  donor_name: string;
  earmark_code: string;
  grant_id: string;
  country: string;
  /** The participant's country was an LDC on the grant's decision date. */
  ldc: boolean;
  amount_minor: string;
}

/** Reads, never writes: what donors paid per earmark and how grants were attributed to them. */
@Injectable()
export class GrantAttributionRepository {
  /**
   * Per donor and earmark, the CHF value of the donor's receipt allocations to pledges of the
   * fund allocated on or before `asOf`, less their share of the bank charges (the rule the
   * grants module attributes by; a reversal counts negatively).
   */
  paid(
    manager: EntityManager,
    fundId: string,
    asOf: CalendarDate,
    donorIds: readonly string[] | undefined,
  ): Promise<DonorPaidRow[]> {
    return manager.query<DonorPaidRow[]>(
      `SELECT ra.donor_id, d.name AS donor_name, em.code AS earmark_code,
              sum(${ALLOCATION_NET_MINOR})::text AS paid_minor
         FROM receipt_allocation ra
         JOIN receipt r ON r.id = ra.receipt_id
         JOIN pledge p ON p.id = ra.pledge_id
         JOIN earmark em ON em.id = p.earmark_id
         JOIN donor d ON d.id = ra.donor_id
        WHERE ra.fund_id = $1 AND ra.allocated_on <= $2::date
          AND ($3::uuid[] IS NULL OR ra.donor_id = ANY($3::uuid[]))
        GROUP BY ra.donor_id, d.name, em.code`,
      [fundId, asOf, donorIds ?? null],
    );
  }

  /**
   * Per donor, earmark (of the pledge the attributed allocation paid) and grant of the fund, the
   * net amount attributed on or before `asOf` (each row's `attributed_on`: the date of the grant
   * step that wrote it, or of the reversal that moved it to other money), with the participant's
   * country and whether it was an LDC on the decision date.
   */
  attributions(
    manager: EntityManager,
    fundId: string,
    asOf: CalendarDate,
    donorIds: readonly string[] | undefined,
  ): Promise<DonorGrantRow[]> {
    return manager.query<DonorGrantRow[]>(
      `SELECT ga.donor_id, d.name AS donor_name, em.code AS earmark_code, ga.grant_id,
              pa.country, c.ldc, sum(ga.amount_minor)::text AS amount_minor
         FROM grant_attribution ga
         JOIN participation_grant g ON g.id = ga.grant_id
         JOIN participant pa ON pa.id = g.participant_id
         JOIN receipt_allocation ra ON ra.id = ga.receipt_allocation_id
         JOIN pledge p ON p.id = ra.pledge_id
         JOIN earmark em ON em.id = p.earmark_id
         JOIN donor d ON d.id = ga.donor_id
         CROSS JOIN LATERAL (SELECT ${countryOnSql('pa.country', 'g.decision_date')}) c
        WHERE g.fund_id = $1 AND ga.attributed_on <= $2::date
          AND ($3::uuid[] IS NULL OR ga.donor_id = ANY($3::uuid[]))
        GROUP BY ga.donor_id, d.name, em.code, ga.grant_id, pa.country, c.ldc`,
      [fundId, asOf, donorIds ?? null],
    );
  }
}
