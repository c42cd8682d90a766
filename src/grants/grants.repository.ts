import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CalendarDate } from '../common/calendar-date';
import { nextGaplessNumber } from '../database/gapless-counter';
import { EARMARK_SPENT_ACCOUNTS } from '../ledger/earmark-money';
import { GrantKind } from './eligibility';

export interface GrantEventRow {
  id: string;
  fund_id: string;
  fund_code: string;
  functional_currency: string;
  earmark_id: string;
  earmark_code: string;
  code: string;
  name: string;
  budget_minor: string;
  eligibility_rule: 'ldc-only' | 'ldc-and-developing' | 'ldc-first';
  offers_full: boolean;
  offers_partial_ticket: boolean;
  offers_partial_allowance: boolean;
  offers_remote: boolean;
  remote_amount_minor: string | null;
}

export interface ParticipantRow {
  id: string;
  name: string;
  gender: string;
  country: string;
  organisation: string;
  stakeholder_group: string;
}

export interface GrantRow {
  id: string;
  fund_id: string;
  fund_code: string;
  functional_currency: string;
  number: string;
  event_id: string;
  event_code: string;
  event_name: string;
  earmark_id: string;
  participant_id: string;
  participant_name: string;
  participant_country: string;
  participant_gender: string;
  participant_stakeholder_group: string;
  kind: GrantKind;
  amount_minor: string;
  ticket_minor: string | null;
  allowance_minor: string | null;
  decision_date: string;
  eligibility: unknown;
  exception_reason: string | null;
  created_by: string;
  created_at: Date;
  status: 'requested' | 'approved' | 'disbursed' | 'settled' | 'cancelled';
  committed_minor: string;
}

export interface GrantStepRow {
  kind: string;
  effective_on: string;
  amount_minor: string | null;
  reason: string | null;
  entry_id: string | null;
  approval_id: string | null;
  actor: string;
  at: Date;
}

export interface NewGrant {
  fundId: string;
  number: string;
  eventId: string;
  participantId: string;
  kind: GrantKind;
  amountMinor: bigint;
  ticketMinor: bigint | null;
  allowanceMinor: bigint | null;
  decisionDate: CalendarDate;
  eligibility: object;
  exceptionReason: string | null;
  createdBy: string;
}

/** A receipt allocation to a pledge of an earmark, with what is left of it to attribute. */
export interface FundingRow {
  allocation_id: string;
  donor_id: string;
  net_minor: string;
  attributed_minor: string;
}

/**
 * The CHF a receipt allocation brought to its pledge's earmark: its value at the receipt's rate
 * less its share of the receipt's bank charges (charges × allocated / gross, rounded half away
 * from zero). Reversals count negatively, so a reversed allocation brings nothing.
 */
export const ALLOCATION_NET_MINOR = `
  (ra.value_functional_minor
   - round(r.charges_functional_minor::numeric * ra.amount_minor / r.gross_minor)::bigint)`;

/** The spent accounts as an SQL list of literals (constant codes, never user input). */
const EARMARK_SPENT_SQL = EARMARK_SPENT_ACCOUNTS.map((code) => `'${code}'`).join(', ');

const STATUS = `
  coalesce((SELECT s.kind FROM grant_step s WHERE s.grant_id = g.id
             ORDER BY s.id DESC LIMIT 1), 'requested')`;

const GRANT_COLUMNS = `
  g.id, g.fund_id, f.code AS fund_code, f.functional_currency, g.number, g.event_id,
  ev.code AS event_code, ev.name AS event_name, ev.earmark_id, g.participant_id,
  pa.name AS participant_name, pa.country AS participant_country, pa.gender AS participant_gender,
  pa.stakeholder_group AS participant_stakeholder_group, g.kind, g.amount_minor::text AS amount_minor,
  g.ticket_minor::text AS ticket_minor, g.allowance_minor::text AS allowance_minor,
  to_char(g.decision_date, 'YYYY-MM-DD') AS decision_date, g.eligibility, g.exception_reason,
  g.created_by, g.created_at, ${STATUS} AS status,
  coalesce((SELECT sum(c.amount_minor) FROM grant_commitment c WHERE c.grant_id = g.id), 0)::text
    AS committed_minor`;

const GRANT_FROM = `
  participation_grant g
  JOIN fund f ON f.id = g.fund_id
  JOIN grant_event ev ON ev.id = g.event_id
  JOIN participant pa ON pa.id = g.participant_id`;

@Injectable()
export class GrantsRepository {
  nextNumber(manager: EntityManager, fundId: string, year: number): Promise<number> {
    return nextGaplessNumber(manager, 'grant', fundId, year);
  }

  async event(manager: EntityManager, id: string): Promise<GrantEventRow | undefined> {
    const rows = await manager.query<GrantEventRow[]>(
      `SELECT ev.id, ev.fund_id, f.code AS fund_code, f.functional_currency, ev.earmark_id,
              em.code AS earmark_code, ev.code, ev.name, ev.budget_minor::text AS budget_minor,
              ev.eligibility_rule, ev.offers_full, ev.offers_partial_ticket,
              ev.offers_partial_allowance, ev.offers_remote,
              ev.remote_amount_minor::text AS remote_amount_minor
         FROM grant_event ev JOIN fund f ON f.id = ev.fund_id JOIN earmark em ON em.id = ev.earmark_id
        WHERE ev.id = $1`,
      [id],
    );
    return rows[0];
  }

  async participant(manager: EntityManager, id: string): Promise<ParticipantRow | undefined> {
    const rows = await manager.query<ParticipantRow[]>(
      `SELECT id, name, gender, country, organisation, stakeholder_group FROM participant
        WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  /** Kinds of the event's live grants for participants of a country, this grant aside. */
  async countryGrantKinds(
    manager: EntityManager,
    eventId: string,
    country: string,
    except: string | null,
  ): Promise<GrantKind[]> {
    const rows = await manager.query<{ kind: GrantKind }[]>(
      `SELECT g.kind FROM participation_grant g JOIN participant pa ON pa.id = g.participant_id
        WHERE g.event_id = $1 AND pa.country = $2 AND ($3::uuid IS NULL OR g.id <> $3::uuid)
          AND NOT EXISTS (SELECT 1 FROM grant_step s WHERE s.grant_id = g.id AND s.kind = 'cancelled')`,
      [eventId, country, except],
    );
    return rows.map((row) => row.kind);
  }

  /** Kinds of a person's live grants decided in a year, this grant aside. */
  async personGrantKinds(
    manager: EntityManager,
    participantId: string,
    year: number,
    except: string | null,
  ): Promise<GrantKind[]> {
    const rows = await manager.query<{ kind: GrantKind }[]>(
      `SELECT g.kind FROM participation_grant g
        WHERE g.participant_id = $1 AND extract(year FROM g.decision_date) = $2
          AND ($3::uuid IS NULL OR g.id <> $3::uuid)
          AND NOT EXISTS (SELECT 1 FROM grant_step s WHERE s.grant_id = g.id AND s.kind = 'cancelled')`,
      [participantId, year, except],
    );
    return rows.map((row) => row.kind);
  }

  async insert(manager: EntityManager, grant: NewGrant): Promise<string> {
    const [row] = await manager.query<{ id: string }[]>(
      `INSERT INTO participation_grant (fund_id, number, event_id, participant_id, kind,
         amount_minor, ticket_minor, allowance_minor, decision_date, eligibility, exception_reason,
         created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12) RETURNING id`,
      [
        grant.fundId,
        grant.number,
        grant.eventId,
        grant.participantId,
        grant.kind,
        grant.amountMinor.toString(),
        grant.ticketMinor?.toString() ?? null,
        grant.allowanceMinor?.toString() ?? null,
        grant.decisionDate,
        JSON.stringify(grant.eligibility),
        grant.exceptionReason,
        grant.createdBy,
      ],
    );
    return row.id;
  }

  async find(manager: EntityManager, id: string): Promise<GrantRow | undefined> {
    const rows = await manager.query<GrantRow[]>(
      `SELECT ${GRANT_COLUMNS} FROM ${GRANT_FROM} WHERE g.id = $1`,
      [id],
    );
    return rows[0];
  }

  /** Locks the grant until the transaction ends: one step of a grant at a time. */
  async lock(manager: EntityManager, id: string): Promise<GrantRow | undefined> {
    const locked = await manager.query<{ id: string }[]>(
      `SELECT id FROM participation_grant WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return locked.length === 0 ? undefined : this.find(manager, id);
  }

  async list(
    manager: EntityManager,
    filter: { eventId?: string; status?: string; country?: string },
    page: { limit: number; offset: number },
  ): Promise<{ rows: GrantRow[]; total: number }> {
    const where = `($1::uuid IS NULL OR g.event_id = $1::uuid)
      AND ($2::text IS NULL OR ${STATUS} = $2::text)
      AND ($3::text IS NULL OR pa.country = $3::text)`;
    const parameters = [filter.eventId ?? null, filter.status ?? null, filter.country ?? null];
    const rows = await manager.query<GrantRow[]>(
      `SELECT ${GRANT_COLUMNS} FROM ${GRANT_FROM} WHERE ${where}
        ORDER BY g.created_at DESC, g.number DESC LIMIT $4 OFFSET $5`,
      [...parameters, page.limit, page.offset],
    );
    const [count] = await manager.query<{ total: string }[]>(
      `SELECT count(*) AS total FROM ${GRANT_FROM} WHERE ${where}`,
      parameters,
    );
    return { rows, total: Number(count.total) };
  }

  async insertStep(
    manager: EntityManager,
    step: {
      grantId: string;
      kind: string;
      effectiveOn: CalendarDate;
      amountMinor?: bigint;
      reason?: string;
      entryId?: string;
      approvalId?: string;
      actor: string;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO grant_step (grant_id, kind, effective_on, amount_minor, reason, entry_id,
         approval_id, actor)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        step.grantId,
        step.kind,
        step.effectiveOn,
        step.amountMinor?.toString() ?? null,
        step.reason ?? null,
        step.entryId ?? null,
        step.approvalId ?? null,
        step.actor,
      ],
    );
  }

  steps(manager: EntityManager, grantId: string): Promise<GrantStepRow[]> {
    return manager.query<GrantStepRow[]>(
      `SELECT kind, to_char(effective_on, 'YYYY-MM-DD') AS effective_on,
              amount_minor::text AS amount_minor, reason, entry_id, approval_id, actor, at
         FROM grant_step WHERE grant_id = $1 ORDER BY id`,
      [grantId],
    );
  }

  async insertCommitment(
    manager: EntityManager,
    commitment: {
      fundId: string;
      earmarkId: string;
      grantId: string;
      effectiveOn: CalendarDate;
      amountMinor: bigint;
      cause: 'approved' | 'disbursed' | 'settled' | 'cancelled';
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO grant_commitment (fund_id, earmark_id, grant_id, effective_on, amount_minor, cause)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        commitment.fundId,
        commitment.earmarkId,
        commitment.grantId,
        commitment.effectiveOn,
        commitment.amountMinor.toString(),
        commitment.cause,
      ],
    );
  }

  /** Serialises every change of an earmark's commitments and spending. */
  async lockEarmark(manager: EntityManager, earmarkId: string): Promise<void> {
    await manager.query(`SELECT id FROM earmark WHERE id = $1 FOR UPDATE`, [earmarkId]);
  }

  /**
   * What an earmark has received (net of bank charges), committed and spent, in the fund's
   * currency, as of a date (all dates without one).
   */
  async earmarkFunds(
    manager: EntityManager,
    earmarkId: string,
    asOf: CalendarDate | null,
  ): Promise<{ received: string; committed: string; spent: string }> {
    const [row] = await manager.query<{ received: string; committed: string; spent: string }[]>(
      `SELECT
         coalesce((SELECT sum(${ALLOCATION_NET_MINOR})
                     FROM receipt_allocation ra
                     JOIN receipt r ON r.id = ra.receipt_id
                     JOIN pledge p ON p.id = ra.pledge_id
                    WHERE p.earmark_id = $1 AND ($2::date IS NULL OR ra.allocated_on <= $2::date)),
                  0)::text AS received,
         coalesce((SELECT sum(c.amount_minor) FROM grant_commitment c
                    WHERE c.earmark_id = $1 AND ($2::date IS NULL OR c.effective_on <= $2::date)),
                  0)::text AS committed,
         coalesce((SELECT sum(l.functional_minor) FROM journal_line l JOIN account a ON a.id = l.account_id
                    WHERE l.earmark_id = $1 AND a.code IN (${EARMARK_SPENT_SQL})
                      AND ($2::date IS NULL OR l.entry_date <= $2::date)), 0)::text AS spent`,
      [earmarkId, asOf],
    );
    return row;
  }

  /** Commitments of an event's grants (all dates). */
  async eventCommitted(manager: EntityManager, eventId: string): Promise<bigint> {
    const [row] = await manager.query<{ committed: string }[]>(
      `SELECT coalesce(sum(c.amount_minor), 0)::text AS committed
         FROM grant_commitment c JOIN participation_grant g ON g.id = c.grant_id
        WHERE g.event_id = $1`,
      [eventId],
    );
    return BigInt(row.committed);
  }

  /**
   * The earmark's receipt allocations not reversed, oldest receipt first, with what each
   * brought (net of charges) and what grants already took of it.
   */
  funding(manager: EntityManager, earmarkId: string): Promise<FundingRow[]> {
    return manager.query<FundingRow[]>(
      `SELECT ra.id AS allocation_id, ra.donor_id, ${ALLOCATION_NET_MINOR}::text AS net_minor,
              coalesce((SELECT sum(ga.amount_minor) FROM grant_attribution ga
                         WHERE ga.receipt_allocation_id = ra.id), 0)::text AS attributed_minor
         FROM receipt_allocation ra
         JOIN receipt r ON r.id = ra.receipt_id
         JOIN pledge p ON p.id = ra.pledge_id
        WHERE p.earmark_id = $1 AND ra.reverses_allocation_id IS NULL
          AND NOT EXISTS (SELECT 1 FROM receipt_allocation rv WHERE rv.reverses_allocation_id = ra.id)
        ORDER BY r.value_date, r.number, ra.created_at, ra.instalment_seq`,
      [earmarkId],
    );
  }

  /** `attributedOn`: the date the row counts from in reports and statements "as of" a date. */
  async insertAttribution(
    manager: EntityManager,
    attribution: {
      grantId: string;
      donorId: string;
      allocationId: string;
      amountMinor: bigint;
      attributedOn: CalendarDate;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO grant_attribution (grant_id, donor_id, receipt_allocation_id, amount_minor,
                                      attributed_on)
       VALUES ($1, $2, $3, $4, $5)`,
      [
        attribution.grantId,
        attribution.donorId,
        attribution.allocationId,
        attribution.amountMinor.toString(),
        attribution.attributedOn,
      ],
    );
  }

  attributions(
    manager: EntityManager,
    grantId: string,
  ): Promise<Array<{ donor_id: string; donor_name: string; amount_minor: string }>> {
    return manager.query(
      `SELECT ga.donor_id, d.name AS donor_name, sum(ga.amount_minor)::text AS amount_minor
         FROM grant_attribution ga JOIN donor d ON d.id = ga.donor_id
        WHERE ga.grant_id = $1 GROUP BY ga.donor_id, d.name HAVING sum(ga.amount_minor) <> 0
        ORDER BY d.name`,
      [grantId],
    );
  }

  async entryIds(manager: EntityManager, grantId: string): Promise<string[]> {
    const rows = await manager.query<{ entry_id: string }[]>(
      `SELECT entry_id FROM grant_step WHERE grant_id = $1 AND entry_id IS NOT NULL ORDER BY id`,
      [grantId],
    );
    return rows.map((row) => row.entry_id);
  }
}
