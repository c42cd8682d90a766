import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CalendarDate } from '../common/calendar-date';
import { EligibilityRule, GrantKind, GrantStatus } from './dto/grant-event.dto';

/** An event (or programme) with its fund's and earmark's codes; money in minor units as text. */
export interface GrantEventRow {
  id: string;
  fund_id: string;
  fund_code: string;
  /** The fund's currency: the currency of the budget and of the remote amount. */
  functional_currency: string;
  earmark_id: string;
  earmark_code: string;
  code: string;
  name: string;
  place: string;
  starts_on: CalendarDate;
  ends_on: CalendarDate;
  budget_minor: string;
  eligibility_rule: EligibilityRule;
  offers_full: boolean;
  offers_partial_ticket: boolean;
  offers_partial_allowance: boolean;
  offers_remote: boolean;
  remote_amount_minor: string | null;
  created_by: string;
  created_at: Date;
}

export interface NewGrantEvent {
  fundId: string;
  earmarkId: string;
  code: string;
  name: string;
  place: string;
  startsOn: CalendarDate;
  endsOn: CalendarDate;
  budgetMinor: bigint;
  eligibilityRule: EligibilityRule;
  offersFull: boolean;
  offersPartialTicket: boolean;
  offersPartialAllowance: boolean;
  offersRemote: boolean;
  remoteAmountMinor: bigint | null;
  createdBy: string;
}

/** What the grant tables hold for one event, summed in SQL. */
export interface EventGrantsRow {
  event_id: string;
  count: number;
  requested: number;
  approved: number;
  disbursed: number;
  settled: number;
  cancelled: number;
  /** Amounts of the grants not cancelled. */
  amount_minor: string;
  /** Sum of the commitment rows of its grants (+ approved, − consumed or released). */
  committed_minor: string;
}

export interface EventGrantRow {
  id: string;
  number: string;
  participant_id: string;
  participant_name: string;
  participant_country: string;
  kind: GrantKind;
  amount_minor: string;
  decision_date: CalendarDate;
  status: GrantStatus;
}

const EVENT_COLUMNS = `
  e.id, e.fund_id, f.code AS fund_code, f.functional_currency, e.earmark_id,
  em.code AS earmark_code, e.code, e.name, e.place,
  to_char(e.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(e.ends_on, 'YYYY-MM-DD') AS ends_on,
  e.budget_minor::text AS budget_minor, e.eligibility_rule, e.offers_full,
  e.offers_partial_ticket, e.offers_partial_allowance, e.offers_remote,
  e.remote_amount_minor::text AS remote_amount_minor, e.created_by, e.created_at`;

const EVENT_FROM = `
  grant_event e
  JOIN fund f ON f.id = e.fund_id
  JOIN earmark em ON em.id = e.earmark_id`;

// A grant's status is its latest step; a grant recorded without one yet counts as requested.
const GRANT_STATUS = `
  coalesce((SELECT s.kind FROM grant_step s WHERE s.grant_id = g.id ORDER BY s.id DESC LIMIT 1),
           'requested')`;

/** SQL of events and programmes, and what the grant tables hold for them. */
@Injectable()
export class GrantEventsRepository {
  async insert(manager: EntityManager, event: NewGrantEvent): Promise<string> {
    const [row] = await manager.query<{ id: string }[]>(
      `INSERT INTO grant_event (fund_id, earmark_id, code, name, place, starts_on, ends_on,
                                budget_minor, eligibility_rule, offers_full,
                                offers_partial_ticket, offers_partial_allowance, offers_remote,
                                remote_amount_minor, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
      [
        event.fundId,
        event.earmarkId,
        event.code,
        event.name,
        event.place,
        event.startsOn,
        event.endsOn,
        event.budgetMinor.toString(),
        event.eligibilityRule,
        event.offersFull,
        event.offersPartialTicket,
        event.offersPartialAllowance,
        event.offersRemote,
        event.remoteAmountMinor === null ? null : event.remoteAmountMinor.toString(),
        event.createdBy,
      ],
    );
    return row.id;
  }

  /** The event, locked FOR SHARE if asked (its terms cannot change under the caller). */
  async find(
    manager: EntityManager,
    id: string,
    options: { lock?: boolean } = {},
  ): Promise<GrantEventRow | undefined> {
    const lock = options.lock === true ? 'FOR SHARE OF e' : '';
    const rows = await manager.query<GrantEventRow[]>(
      `SELECT ${EVENT_COLUMNS} FROM ${EVENT_FROM} WHERE e.id = $1 ${lock}`,
      [id],
    );
    return rows[0];
  }

  async findByCode(
    manager: EntityManager,
    fundId: string,
    code: string,
  ): Promise<GrantEventRow | undefined> {
    const rows = await manager.query<GrantEventRow[]>(
      `SELECT ${EVENT_COLUMNS} FROM ${EVENT_FROM} WHERE e.fund_id = $1 AND e.code = $2`,
      [fundId, code],
    );
    return rows[0];
  }

  /** Latest events first (by start date), then by code. */
  async list(
    manager: EntityManager,
    filter: { fundId?: string },
    page: { limit: number; offset: number },
  ): Promise<{ rows: GrantEventRow[]; total: number }> {
    const fundId = filter.fundId ?? null;
    const rows = await manager.query<GrantEventRow[]>(
      `SELECT ${EVENT_COLUMNS} FROM ${EVENT_FROM}
        WHERE ($1::uuid IS NULL OR e.fund_id = $1::uuid)
        ORDER BY e.starts_on DESC, e.code COLLATE "C", e.id
        LIMIT $2 OFFSET $3`,
      [fundId, page.limit, page.offset],
    );
    const [count] = await manager.query<{ total: number }[]>(
      `SELECT count(*)::int AS total FROM grant_event e
        WHERE ($1::uuid IS NULL OR e.fund_id = $1::uuid)`,
      [fundId],
    );
    return { rows, total: count.total };
  }

  /** Counts and sums of the grants of these events (events without grants are absent). */
  grantsSummary(manager: EntityManager, eventIds: readonly string[]): Promise<EventGrantsRow[]> {
    return manager.query<EventGrantsRow[]>(
      `WITH grants AS (
         SELECT g.id, g.event_id, g.amount_minor, ${GRANT_STATUS} AS status
           FROM participation_grant g WHERE g.event_id = ANY ($1::uuid[])),
       commitments AS (
         SELECT g.event_id, sum(c.amount_minor) AS committed
           FROM grant_commitment c JOIN participation_grant g ON g.id = c.grant_id
          WHERE g.event_id = ANY ($1::uuid[])
          GROUP BY g.event_id)
       SELECT g.event_id, count(*)::int AS count,
              count(*) FILTER (WHERE g.status = 'requested')::int AS requested,
              count(*) FILTER (WHERE g.status = 'approved')::int AS approved,
              count(*) FILTER (WHERE g.status = 'disbursed')::int AS disbursed,
              count(*) FILTER (WHERE g.status = 'settled')::int AS settled,
              count(*) FILTER (WHERE g.status = 'cancelled')::int AS cancelled,
              coalesce(sum(g.amount_minor) FILTER (WHERE g.status <> 'cancelled'), 0)::text
                AS amount_minor,
              coalesce(max(c.committed), 0)::text AS committed_minor
         FROM grants g LEFT JOIN commitments c ON c.event_id = g.event_id
        GROUP BY g.event_id`,
      [eventIds],
    );
  }

  /** The grants of one event, by number. */
  grants(manager: EntityManager, eventId: string): Promise<EventGrantRow[]> {
    return manager.query<EventGrantRow[]>(
      `SELECT g.id, g.number, g.participant_id, p.name AS participant_name,
              p.country AS participant_country, g.kind, g.amount_minor::text AS amount_minor,
              to_char(g.decision_date, 'YYYY-MM-DD') AS decision_date, ${GRANT_STATUS} AS status
         FROM participation_grant g JOIN participant p ON p.id = g.participant_id
        WHERE g.event_id = $1
        ORDER BY g.number COLLATE "C", g.id`,
      [eventId],
    );
  }
}
