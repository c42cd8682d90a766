import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { nextGaplessNumber } from '../database/gapless-counter';
import { CalendarDate } from '../common/calendar-date';
import { PledgeEnding } from './pledge-status';

export interface PledgeRow {
  id: string;
  fund_id: string;
  fund_code: string;
  functional_currency: string;
  donor_id: string;
  donor_name: string;
  earmark_id: string;
  earmark_code: string;
  reference: string;
  currency: string;
  amount_minor: string;
  announced_on: string;
  agreed_on: string | null;
  agreement_ref: string | null;
  conditional: boolean;
  conditions_met_on: string | null;
  created_by: string;
  created_at: Date;
  ending_kind: PledgeEnding | null;
  ending_on: string | null;
  ending_reason: string | null;
}

export interface InstalmentRow {
  pledge_id: string;
  seq: number;
  due_date: string;
  amount_minor: string;
}

export interface ReceivableRow {
  pledge_id: string;
  kind: string;
  currency: string;
  amount_minor: string;
  functional_minor: string;
}

export interface EventRow {
  kind: string;
  effective_on: string;
  reason: string | null;
  document_ref: string | null;
  entry_id: string | null;
  approval_id: string | null;
  actor: string;
  at: Date;
}

export interface NewPledge {
  fundId: string;
  donorId: string;
  earmarkId: string;
  reference: string;
  currency: string;
  amountMinor: bigint;
  announcedOn: CalendarDate;
  createdBy: string;
}

export interface NewEvent {
  pledgeId: string;
  kind: 'announced' | 'agreed' | 'conditions-met' | PledgeEnding;
  effectiveOn: CalendarDate;
  reason?: string;
  documentRef?: string;
  entryId?: string;
  approvalId?: string;
  actor: string;
}

/** An instalment as kept in an amendment's history (amounts as text: JSON has no bigint). */
export interface StoredScheduleLine {
  seq: number;
  dueDate: string;
  amountMinor: string;
}

export interface AmendmentRow {
  id: string;
  pledge_id: string;
  number: number;
  effective_on: string;
  reason: string;
  amount_before: string;
  amount_after: string;
  schedule_before: StoredScheduleLine[];
  schedule_after: StoredScheduleLine[];
  entry_id: string | null;
  actor: string;
  at: Date;
}

export interface NewAmendment {
  pledgeId: string;
  number: number;
  effectiveOn: CalendarDate;
  reason: string;
  amountBefore: bigint;
  amountAfter: bigint;
  scheduleBefore: StoredScheduleLine[];
  scheduleAfter: StoredScheduleLine[];
  entryId?: string;
  actor: string;
}

const AMENDMENT_COLUMNS = `
  id, pledge_id, number, to_char(effective_on, 'YYYY-MM-DD') AS effective_on, reason,
  amount_before::text AS amount_before, amount_after::text AS amount_after, schedule_before,
  schedule_after, entry_id, actor, at`;

/** Filters of the pledge list that are stored columns (status is derived, filtered later). */
export interface PledgeFilter {
  fundId?: string;
  donorIds?: readonly string[];
  earmark?: string;
  currency?: string;
  announcedBy: CalendarDate;
}

export type StoredSort = 'reference' | 'announcedOn' | 'donor';

const SORT_COLUMNS: Record<StoredSort, string> = {
  reference: 'p.reference',
  announcedOn: 'p.announced_on',
  donor: 'd.name',
};

const PLEDGE_COLUMNS = `
  p.id, p.fund_id, f.code AS fund_code, f.functional_currency, p.donor_id, d.name AS donor_name,
  p.earmark_id, em.code AS earmark_code, p.reference, p.currency,
  p.amount_minor::text AS amount_minor, to_char(p.announced_on, 'YYYY-MM-DD') AS announced_on,
  to_char(p.agreed_on, 'YYYY-MM-DD') AS agreed_on, p.agreement_ref, p.conditional,
  to_char(p.conditions_met_on, 'YYYY-MM-DD') AS conditions_met_on, p.created_by, p.created_at,
  ending.kind AS ending_kind, to_char(ending.effective_on, 'YYYY-MM-DD') AS ending_on,
  ending.reason AS ending_reason`;

const PLEDGE_FROM = `
  pledge p
  JOIN fund f ON f.id = p.fund_id
  JOIN donor d ON d.id = p.donor_id
  JOIN earmark em ON em.id = p.earmark_id
  LEFT JOIN pledge_event ending
    ON ending.pledge_id = p.id AND ending.kind IN ('cancelled', 'written-off')`;

const FILTER = `
  ($1::uuid IS NULL OR p.fund_id = $1::uuid)
  AND ($2::uuid[] IS NULL OR p.donor_id = ANY($2::uuid[]))
  AND ($3::text IS NULL OR em.code = $3::text)
  AND ($4::text IS NULL OR p.currency = $4::text)
  AND p.announced_on <= $5::date`;

@Injectable()
export class PledgesRepository {
  /** The next pledge reference number of the fund for the year, without gaps. */
  nextNumber(manager: EntityManager, fundId: string, year: number): Promise<number> {
    return nextGaplessNumber(manager, 'pledge', fundId, year);
  }

  async insert(manager: EntityManager, pledge: NewPledge): Promise<string> {
    const [row] = await manager.query<{ id: string }[]>(
      `INSERT INTO pledge (fund_id, donor_id, earmark_id, reference, currency, amount_minor,
         announced_on, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        pledge.fundId,
        pledge.donorId,
        pledge.earmarkId,
        pledge.reference,
        pledge.currency,
        pledge.amountMinor.toString(),
        pledge.announcedOn,
        pledge.createdBy,
      ],
    );
    return row.id;
  }

  /** The schedule in one statement, numbered 1… in the order given. */
  async insertInstalments(
    manager: EntityManager,
    pledgeId: string,
    instalments: ReadonlyArray<{ dueDate: CalendarDate; amountMinor: bigint }>,
  ): Promise<void> {
    const values: unknown[] = [];
    const tuples = instalments.map((instalment, index) => {
      values.push(pledgeId, index + 1, instalment.dueDate, instalment.amountMinor.toString());
      const base = index * 4;
      return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4})`;
    });
    await manager.query(
      `INSERT INTO pledge_instalment (pledge_id, seq, due_date, amount_minor)
       VALUES ${tuples.join(', ')}`,
      values,
    );
  }

  async insertEvent(manager: EntityManager, event: NewEvent): Promise<void> {
    await manager.query(
      `INSERT INTO pledge_event (pledge_id, kind, effective_on, reason, document_ref, entry_id,
         approval_id, actor)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        event.pledgeId,
        event.kind,
        event.effectiveOn,
        event.reason ?? null,
        event.documentRef ?? null,
        event.entryId ?? null,
        event.approvalId ?? null,
        event.actor,
      ],
    );
  }

  /** Records the agreement, if the pledge has none yet; false when it already had one. */
  async recordAgreement(
    manager: EntityManager,
    id: string,
    agreement: { agreedOn: CalendarDate; documentRef: string; conditional: boolean },
  ): Promise<boolean> {
    // Wrapped in a SELECT: TypeORM answers a bare UPDATE with [rows, count], not the rows.
    const rows = await manager.query<{ id: string }[]>(
      `WITH changed AS (
         UPDATE pledge SET agreed_on = $2, agreement_ref = $3, conditional = $4
          WHERE id = $1 AND agreed_on IS NULL RETURNING id)
       SELECT id FROM changed`,
      [id, agreement.agreedOn, agreement.documentRef, agreement.conditional],
    );
    return rows.length === 1;
  }

  async recordConditionsMet(
    manager: EntityManager,
    id: string,
    on: CalendarDate,
  ): Promise<boolean> {
    const rows = await manager.query<{ id: string }[]>(
      `WITH changed AS (
         UPDATE pledge SET conditions_met_on = $2
          WHERE id = $1 AND conditional AND conditions_met_on IS NULL RETURNING id)
       SELECT id FROM changed`,
      [id, on],
    );
    return rows.length === 1;
  }

  async find(manager: EntityManager, id: string): Promise<PledgeRow | undefined> {
    const rows = await manager.query<PledgeRow[]>(
      `SELECT ${PLEDGE_COLUMNS} FROM ${PLEDGE_FROM} WHERE p.id = $1`,
      [id],
    );
    return rows[0];
  }

  /** Locks the pledge row until the transaction ends: one change of a pledge at a time. */
  async lock(manager: EntityManager, id: string): Promise<PledgeRow | undefined> {
    const locked = await manager.query<{ id: string }[]>(
      `SELECT id FROM pledge WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return locked.length === 0 ? undefined : this.find(manager, id);
  }

  /**
   * Pledges matching the stored filters, with their total count. Without a page (limit
   * undefined), all of them: the caller filters or sorts by what is derived.
   */
  async list(
    manager: EntityManager,
    filter: PledgeFilter,
    order: { by: StoredSort; descending: boolean },
    page?: { limit: number; offset: number },
  ): Promise<{ rows: PledgeRow[]; total: number }> {
    const direction = order.descending ? 'DESC' : 'ASC';
    const rows = await manager.query<Array<PledgeRow & { total: string }>>(
      `SELECT ${PLEDGE_COLUMNS}, count(*) OVER () AS total
         FROM ${PLEDGE_FROM}
        WHERE ${FILTER}
        ORDER BY ${SORT_COLUMNS[order.by]} ${direction}, p.reference ${direction}, p.id
        LIMIT $6 OFFSET $7`,
      [
        filter.fundId ?? null,
        filter.donorIds ?? null,
        filter.earmark ?? null,
        filter.currency ?? null,
        filter.announcedBy,
        page?.limit ?? null,
        page?.offset ?? 0,
      ],
    );
    if (rows.length === 0 && page !== undefined && page.offset > 0) {
      const [count] = await manager.query<{ total: string }[]>(
        `SELECT count(*) AS total FROM ${PLEDGE_FROM} WHERE ${FILTER}`,
        [
          filter.fundId ?? null,
          filter.donorIds ?? null,
          filter.earmark ?? null,
          filter.currency ?? null,
          filter.announcedBy,
        ],
      );
      return { rows: [], total: Number(count.total) };
    }
    return { rows, total: rows.length === 0 ? 0 : Number(rows[0].total) };
  }

  instalments(manager: EntityManager, pledgeIds: readonly string[]): Promise<InstalmentRow[]> {
    if (pledgeIds.length === 0) return Promise.resolve([]);
    return manager.query<InstalmentRow[]>(
      `SELECT pledge_id, seq, to_char(due_date, 'YYYY-MM-DD') AS due_date,
              amount_minor::text AS amount_minor
         FROM pledge_instalment WHERE pledge_id = ANY($1::uuid[])
        ORDER BY pledge_id, due_date, seq`,
      [pledgeIds],
    );
  }

  /**
   * The pledges' lines on one account (by code, in each pledge's fund) dated on or before
   * `asOf` (all of them without one), summed by currency and by the kind of event that caused
   * them: the source type of the entry, or for a reversal the source type of what it reverses.
   */
  accountSums(
    manager: EntityManager,
    pledgeIds: readonly string[],
    accountCode: string,
    asOf?: CalendarDate,
  ): Promise<ReceivableRow[]> {
    if (pledgeIds.length === 0) return Promise.resolve([]);
    return manager.query<ReceivableRow[]>(
      `SELECT l.pledge_id,
              CASE WHEN e.reverses_entry_id IS NULL THEN e.source_type ELSE o.source_type END AS kind,
              l.currency, sum(l.amount_minor)::text AS amount_minor,
              sum(l.functional_minor)::text AS functional_minor
         FROM journal_line l
         JOIN journal_entry e ON e.id = l.entry_id
         LEFT JOIN journal_entry o ON o.id = e.reverses_entry_id
        WHERE l.account_id IN (SELECT a.id FROM account a WHERE a.code = $2)
          AND l.pledge_id = ANY($1::uuid[])
          AND ($3::date IS NULL OR l.entry_date <= $3::date)
        GROUP BY 1, 2, 3`,
      [pledgeIds, accountCode, asOf ?? null],
    );
  }

  /**
   * What receipts allocated to each instalment of the pledges (pledge currency, net of
   * reversals), allocated on or before `asOf` (all dates without one).
   */
  allocationSums(
    manager: EntityManager,
    pledgeIds: readonly string[],
    asOf?: CalendarDate,
  ): Promise<Array<{ pledge_id: string; seq: number; amount_minor: string }>> {
    if (pledgeIds.length === 0) return Promise.resolve([]);
    return manager.query(
      `SELECT pledge_id, instalment_seq AS seq, sum(pledge_amount_minor)::text AS amount_minor
         FROM receipt_allocation
        WHERE pledge_id = ANY($1::uuid[]) AND ($2::date IS NULL OR allocated_on <= $2::date)
        GROUP BY pledge_id, instalment_seq`,
      [pledgeIds, asOf ?? null],
    );
  }

  /** Receivable lines of the fund that name no pledge, as of a date, by currency. */
  unlinkedReceivable(
    manager: EntityManager,
    fundId: string,
    asOf: CalendarDate,
    filter: { donorId?: string; earmarkId?: string },
  ): Promise<Array<{ currency: string; amount_minor: string; functional_minor: string }>> {
    return manager.query(
      `SELECT l.currency, sum(l.amount_minor)::text AS amount_minor,
              sum(l.functional_minor)::text AS functional_minor
         FROM journal_line l
         JOIN account a ON a.id = l.account_id
        WHERE a.fund_id = $1 AND a.code = '1100' AND l.pledge_id IS NULL AND l.entry_date <= $2
          AND ($3::uuid IS NULL OR l.donor_id = $3::uuid)
          AND ($4::uuid IS NULL OR l.earmark_id = $4::uuid)
        GROUP BY l.currency
        ORDER BY l.currency`,
      [fundId, asOf, filter.donorId ?? null, filter.earmarkId ?? null],
    );
  }

  events(manager: EntityManager, pledgeId: string): Promise<EventRow[]> {
    return manager.query<EventRow[]>(
      `SELECT kind, to_char(effective_on, 'YYYY-MM-DD') AS effective_on, reason, document_ref,
              entry_id, approval_id, actor, at
         FROM pledge_event WHERE pledge_id = $1 ORDER BY id`,
      [pledgeId],
    );
  }

  /** The journal entries with a line naming the pledge, in the order they were posted. */
  async entryIds(manager: EntityManager, pledgeId: string): Promise<string[]> {
    const rows = await manager.query<{ id: string }[]>(
      `SELECT e.id FROM journal_entry e
        WHERE EXISTS (SELECT 1 FROM journal_line l WHERE l.entry_id = e.id AND l.pledge_id = $1)
        ORDER BY e.entry_date, e.fiscal_year, e.sequence`,
      [pledgeId],
    );
    return rows.map((row) => row.id);
  }

  /**
   * For each pledge amended after `asOf`, the first such amendment: its `schedule_before` and
   * `amount_before` are the schedule and amount in force on `asOf`.
   */
  amendmentsAfter(
    manager: EntityManager,
    pledgeIds: readonly string[],
    asOf: CalendarDate,
  ): Promise<AmendmentRow[]> {
    if (pledgeIds.length === 0) return Promise.resolve([]);
    return manager.query<AmendmentRow[]>(
      `SELECT DISTINCT ON (pledge_id) ${AMENDMENT_COLUMNS}
         FROM pledge_amendment WHERE pledge_id = ANY($1::uuid[]) AND effective_on > $2::date
        ORDER BY pledge_id, number`,
      [pledgeIds, asOf],
    );
  }

  amendments(manager: EntityManager, pledgeId: string): Promise<AmendmentRow[]> {
    return manager.query<AmendmentRow[]>(
      `SELECT ${AMENDMENT_COLUMNS} FROM pledge_amendment WHERE pledge_id = $1 ORDER BY number`,
      [pledgeId],
    );
  }

  /** The latest amendment's number and date, and the highest instalment number ever used. */
  async amendmentState(
    manager: EntityManager,
    pledgeId: string,
  ): Promise<{ lastNumber: number; lastOn: CalendarDate | null; maxSeq: number }> {
    const [row] = await manager.query<
      { last_number: number | null; last_on: string | null; max_seq: number | null }[]
    >(
      `SELECT (SELECT max(number) FROM pledge_amendment WHERE pledge_id = $1) AS last_number,
              (SELECT to_char(max(effective_on), 'YYYY-MM-DD')
                 FROM pledge_amendment WHERE pledge_id = $1) AS last_on,
              greatest(
                (SELECT max(seq) FROM pledge_instalment WHERE pledge_id = $1),
                (SELECT max((line ->> 'seq')::int)
                   FROM pledge_amendment a, jsonb_array_elements(a.schedule_before) line
                  WHERE a.pledge_id = $1)) AS max_seq`,
      [pledgeId],
    );
    return {
      lastNumber: row.last_number ?? 0,
      lastOn: row.last_on,
      maxSeq: row.max_seq ?? 0,
    };
  }

  async insertAmendment(manager: EntityManager, amendment: NewAmendment): Promise<string> {
    const [row] = await manager.query<{ id: string }[]>(
      `INSERT INTO pledge_amendment (pledge_id, number, effective_on, reason, amount_before,
         amount_after, schedule_before, schedule_after, entry_id, actor)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10) RETURNING id`,
      [
        amendment.pledgeId,
        amendment.number,
        amendment.effectiveOn,
        amendment.reason,
        amendment.amountBefore.toString(),
        amendment.amountAfter.toString(),
        JSON.stringify(amendment.scheduleBefore),
        JSON.stringify(amendment.scheduleAfter),
        amendment.entryId ?? null,
        amendment.actor,
      ],
    );
    return row.id;
  }

  /**
   * Writes an amended schedule: removes, changes and adds exactly the instalments given. The
   * sum is checked by the database at commit, with the pledge's new amount.
   */
  async amendSchedule(
    manager: EntityManager,
    pledgeId: string,
    amountMinor: bigint,
    changes: {
      removed: readonly number[];
      changed: ReadonlyArray<{ seq: number; dueDate: CalendarDate; amountMinor: bigint }>;
      added: ReadonlyArray<{ seq: number; dueDate: CalendarDate; amountMinor: bigint }>;
    },
  ): Promise<void> {
    await manager.query(`UPDATE pledge SET amount_minor = $2 WHERE id = $1`, [
      pledgeId,
      amountMinor.toString(),
    ]);
    if (changes.removed.length > 0) {
      await manager.query(
        `DELETE FROM pledge_instalment WHERE pledge_id = $1 AND seq = ANY($2::smallint[])`,
        [pledgeId, changes.removed],
      );
    }
    for (const line of changes.changed) {
      await manager.query(
        `UPDATE pledge_instalment SET due_date = $3, amount_minor = $4
          WHERE pledge_id = $1 AND seq = $2`,
        [pledgeId, line.seq, line.dueDate, line.amountMinor.toString()],
      );
    }
    for (const line of changes.added) {
      await manager.query(
        `INSERT INTO pledge_instalment (pledge_id, seq, due_date, amount_minor)
         VALUES ($1, $2, $3, $4)`,
        [pledgeId, line.seq, line.dueDate, line.amountMinor.toString()],
      );
    }
  }

  async donorName(manager: EntityManager, donorId: string): Promise<string | undefined> {
    const rows = await manager.query<{ name: string }[]>(`SELECT name FROM donor WHERE id = $1`, [
      donorId,
    ]);
    return rows[0]?.name;
  }
}
