import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CalendarDate } from '../common/calendar-date';
import { LineRow } from '../ledger/journal.repository';
import { SUSPENSE, UNAPPLIED } from './receipt-posting';

export interface BankAccountRef {
  id: string;
  fund_id: string;
  code: string;
  name: string;
  currency: string;
}

export interface ReceiptRow {
  id: string;
  fund_id: string;
  fund_code: string;
  functional_currency: string;
  number: string;
  bank_account_id: string;
  bank_account_code: string;
  bank_account_name: string;
  value_date: string;
  currency: string;
  gross_minor: string;
  charges_minor: string;
  rate: string | null;
  gross_functional_minor: string;
  charges_functional_minor: string;
  donor_id: string | null;
  donor_name: string | null;
  remitter_name: string | null;
  remittance_text: string | null;
  bank_reference: string | null;
  batch_id: string | null;
  entry_id: string;
  created_by: string;
  created_at: Date;
  /** Not yet applied (unapplied credit or suspense), from the ledger: credits are positive here. */
  unapplied_minor: string;
  unapplied_functional_minor: string;
  allocated_minor: string;
  refunded_minor: string;
  reversed_on: string | null;
}

export interface NewReceipt {
  id: string;
  fundId: string;
  number: string;
  bankAccountId: string;
  valueDate: CalendarDate;
  currency: string;
  grossMinor: bigint;
  chargesMinor: bigint;
  rate: string | null;
  grossFunctionalMinor: bigint;
  chargesFunctionalMinor: bigint;
  donorId: string | null;
  remitterName: string | null;
  remittanceText: string | null;
  bankReference: string | null;
  batchId: string | null;
  entryId: string;
  createdBy: string;
}

export interface AllocationRow {
  id: string;
  receipt_id: string;
  pledge_id: string;
  pledge_reference: string;
  pledge_currency: string;
  instalment_seq: number;
  allocated_on: string;
  amount_minor: string;
  pledge_amount_minor: string;
  value_functional_minor: string;
  relieved_functional_minor: string;
  fx_functional_minor: string;
  entry_id: string;
  reverses_allocation_id: string | null;
  reversed: boolean;
}

export interface NewAllocation {
  id: string;
  fundId: string;
  receiptId: string;
  pledgeId: string;
  donorId: string;
  seq: number;
  allocatedOn: CalendarDate;
  amountMinor: bigint;
  pledgeAmountMinor: bigint;
  valueMinor: bigint;
  relievedMinor: bigint;
  entryId: string;
  reversesAllocationId?: string;
  createdBy: string;
}

export interface ReceiptEventRow {
  kind: 'donor-assigned' | 'refunded' | 'reversed';
  effective_on: string;
  amount_minor: string | null;
  donor_id: string | null;
  reason: string | null;
  entry_id: string | null;
  approval_id: string | null;
  actor: string;
  at: Date;
}

export interface NewReceiptEvent {
  receiptId: string;
  kind: ReceiptEventRow['kind'];
  effectiveOn: CalendarDate;
  amountMinor?: bigint;
  donorId?: string;
  reason?: string;
  entryId?: string;
  approvalId?: string;
  actor: string;
}

export interface ReceiptFilter {
  fundId?: string;
  queue?: 'unidentified' | 'unapplied' | 'allocated' | 'reversed';
  donorIds?: readonly string[];
  bankAccountCode?: string;
  from?: CalendarDate;
  to?: CalendarDate;
}

/** Unapplied (2000) and suspense (2300): what is not yet applied, per receipt. */
const RECEIPT_COLUMNS = `
  r.id, r.fund_id, f.code AS fund_code, f.functional_currency, r.number, r.bank_account_id,
  ba.code AS bank_account_code, ba.name AS bank_account_name,
  to_char(r.value_date, 'YYYY-MM-DD') AS value_date, r.currency,
  r.gross_minor::text AS gross_minor, r.charges_minor::text AS charges_minor, r.rate::text AS rate,
  r.gross_functional_minor::text AS gross_functional_minor,
  r.charges_functional_minor::text AS charges_functional_minor,
  r.donor_id, d.name AS donor_name, r.remitter_name, r.remittance_text, r.bank_reference,
  r.batch_id, r.entry_id, r.created_by, r.created_at,
  coalesce(bal.unapplied_minor, 0)::text AS unapplied_minor,
  coalesce(bal.unapplied_functional_minor, 0)::text AS unapplied_functional_minor,
  coalesce((SELECT sum(amount_minor) FROM receipt_allocation ra WHERE ra.receipt_id = r.id), 0)::text
    AS allocated_minor,
  coalesce((SELECT sum(amount_minor) FROM receipt_event ev
             WHERE ev.receipt_id = r.id AND ev.kind = 'refunded'), 0)::text AS refunded_minor,
  (SELECT to_char(effective_on, 'YYYY-MM-DD') FROM receipt_event ev
    WHERE ev.receipt_id = r.id AND ev.kind = 'reversed') AS reversed_on`;

const RECEIPT_FROM = `
  receipt r
  JOIN fund f ON f.id = r.fund_id
  JOIN bank_account ba ON ba.id = r.bank_account_id
  LEFT JOIN donor d ON d.id = r.donor_id
  LEFT JOIN LATERAL (
    SELECT -sum(l.amount_minor) AS unapplied_minor,
           -sum(l.functional_minor) AS unapplied_functional_minor
      FROM journal_line l JOIN account a ON a.id = l.account_id
     WHERE l.receipt_id = r.id AND a.code IN ('2000', '2300')) bal ON true`;

const FILTER = `
  ($1::uuid IS NULL OR r.fund_id = $1::uuid)
  AND ($2::uuid[] IS NULL OR r.donor_id = ANY($2::uuid[]))
  AND ($3::text IS NULL OR ba.code = $3::text)
  AND ($4::date IS NULL OR r.value_date >= $4::date)
  AND ($5::date IS NULL OR r.value_date <= $5::date)
  AND (CASE $6::text
         WHEN 'unidentified' THEN r.donor_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM receipt_event x WHERE x.receipt_id = r.id AND x.kind = 'reversed')
         WHEN 'unapplied' THEN r.donor_id IS NOT NULL AND coalesce(bal.unapplied_minor, 0) > 0
           AND NOT EXISTS (SELECT 1 FROM receipt_event x WHERE x.receipt_id = r.id AND x.kind = 'reversed')
         WHEN 'allocated' THEN coalesce(bal.unapplied_minor, 0) = 0
           AND NOT EXISTS (SELECT 1 FROM receipt_event x WHERE x.receipt_id = r.id AND x.kind = 'reversed')
         WHEN 'reversed' THEN
           EXISTS (SELECT 1 FROM receipt_event x WHERE x.receipt_id = r.id AND x.kind = 'reversed')
         ELSE true END)`;

const ALLOCATION_COLUMNS = `
  ra.id, ra.receipt_id, ra.pledge_id, p.reference AS pledge_reference, p.currency AS pledge_currency,
  ra.instalment_seq, to_char(ra.allocated_on, 'YYYY-MM-DD') AS allocated_on,
  ra.amount_minor::text AS amount_minor, ra.pledge_amount_minor::text AS pledge_amount_minor,
  ra.value_functional_minor::text AS value_functional_minor,
  ra.relieved_functional_minor::text AS relieved_functional_minor,
  ra.fx_functional_minor::text AS fx_functional_minor, ra.entry_id, ra.reverses_allocation_id,
  EXISTS (SELECT 1 FROM receipt_allocation rv WHERE rv.reverses_allocation_id = ra.id) AS reversed`;

/**
 * What `find` reads of a receipt just inserted in this transaction, from what was inserted: the
 * receipt, its recording entry's lines (the receipt's only lines yet) and its allocations (its
 * only ones yet), and the names the request was checked against. It has no events yet. Kept
 * beside RECEIPT_COLUMNS and RECEIPT_FROM, which it mirrors column for column; the receipts e2e
 * suite holds the two to equality.
 */
export function newReceiptRow(
  receipt: NewReceipt & { createdAt: Date },
  names: {
    fundCode: string;
    functionalCurrency: string;
    bankAccountCode: string;
    bankAccountName: string;
    donorName: string | null;
  },
  lines: readonly Pick<
    LineRow,
    'account_code' | 'receipt_id' | 'amount_minor' | 'functional_minor'
  >[],
  allocations: readonly NewAllocation[],
): ReceiptRow {
  // bal: -sum over the receipt's lines on 2000 and 2300, NULL (then 0) without any.
  const held = lines.filter(
    (line) =>
      line.receipt_id === receipt.id &&
      (line.account_code === UNAPPLIED || line.account_code === SUSPENSE),
  );
  const sum = (values: readonly bigint[]): bigint => values.reduce((a, b) => a + b, 0n);
  return {
    id: receipt.id,
    fund_id: receipt.fundId,
    fund_code: names.fundCode,
    functional_currency: names.functionalCurrency,
    number: receipt.number,
    bank_account_id: receipt.bankAccountId,
    bank_account_code: names.bankAccountCode,
    bank_account_name: names.bankAccountName,
    value_date: receipt.valueDate,
    currency: receipt.currency,
    gross_minor: receipt.grossMinor.toString(),
    charges_minor: receipt.chargesMinor.toString(),
    rate: receipt.rate,
    gross_functional_minor: receipt.grossFunctionalMinor.toString(),
    charges_functional_minor: receipt.chargesFunctionalMinor.toString(),
    donor_id: receipt.donorId,
    donor_name: receipt.donorId === null ? null : names.donorName,
    remitter_name: receipt.remitterName,
    remittance_text: receipt.remittanceText,
    bank_reference: receipt.bankReference,
    batch_id: receipt.batchId,
    entry_id: receipt.entryId,
    created_by: receipt.createdBy,
    created_at: receipt.createdAt,
    unapplied_minor: (-sum(held.map((line) => BigInt(line.amount_minor)))).toString(),
    unapplied_functional_minor: (-sum(
      held.map((line) => BigInt(line.functional_minor)),
    )).toString(),
    allocated_minor: sum(allocations.map((allocation) => allocation.amountMinor)).toString(),
    refunded_minor: '0',
    reversed_on: null,
  };
}

/**
 * What `allocations` reads of a new receipt's allocations, from what was inserted (one
 * created_at, none reversed nor reversing), in ALLOCATION_ORDER.
 */
export function newAllocationRows(
  allocations: ReadonlyArray<NewAllocation & { pledgeReference: string; pledgeCurrency: string }>,
): AllocationRow[] {
  return [...allocations]
    .sort((a, b) =>
      a.pledgeReference !== b.pledgeReference
        ? compareText(a.pledgeReference, b.pledgeReference)
        : a.seq !== b.seq
          ? a.seq - b.seq
          : compareText(a.id, b.id),
    )
    .map((allocation) => ({
      id: allocation.id,
      receipt_id: allocation.receiptId,
      pledge_id: allocation.pledgeId,
      pledge_reference: allocation.pledgeReference,
      pledge_currency: allocation.pledgeCurrency,
      instalment_seq: allocation.seq,
      allocated_on: allocation.allocatedOn,
      amount_minor: allocation.amountMinor.toString(),
      pledge_amount_minor: allocation.pledgeAmountMinor.toString(),
      value_functional_minor: allocation.valueMinor.toString(),
      relieved_functional_minor: allocation.relievedMinor.toString(),
      fx_functional_minor: (allocation.valueMinor - allocation.relievedMinor).toString(),
      entry_id: allocation.entryId,
      reverses_allocation_id: allocation.reversesAllocationId ?? null,
      reversed: false,
    }));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The order of a receipt's allocations: as made, reversals after what they reverse, by pledge and
 * instalment; the id last, so that two parts of one receipt on the same instalment keep one order
 * (`newAllocationRows` sorts a new receipt's the same way).
 */
const ALLOCATION_ORDER = `ra.created_at, ra.reverses_allocation_id IS NOT NULL, p.reference,
  ra.instalment_seq, ra.id`;

/** INSERT … VALUES of the allocations, their parameters appended to `parameters`. */
function insertAllocationsSql(
  allocations: readonly NewAllocation[],
  parameters: unknown[],
): string {
  const rows = allocations.map((allocation) => {
    const first = parameters.length;
    parameters.push(
      allocation.id,
      allocation.fundId,
      allocation.receiptId,
      allocation.pledgeId,
      allocation.donorId,
      allocation.seq,
      allocation.allocatedOn,
      allocation.amountMinor.toString(),
      allocation.pledgeAmountMinor.toString(),
      allocation.valueMinor.toString(),
      allocation.relievedMinor.toString(),
      (allocation.valueMinor - allocation.relievedMinor).toString(),
      allocation.entryId,
      allocation.reversesAllocationId ?? null,
      allocation.createdBy,
    );
    return `(${Array.from({ length: 15 }, (_, i) => `$${first + i + 1}`).join(', ')})`;
  });
  return `INSERT INTO receipt_allocation (id, fund_id, receipt_id, pledge_id, donor_id,
         instalment_seq, allocated_on, amount_minor, pledge_amount_minor, value_functional_minor,
         relieved_functional_minor, fx_functional_minor, entry_id, reverses_allocation_id,
         created_by)
       VALUES ${rows.join(',\n              ')}`;
}

@Injectable()
export class ReceiptsRepository {
  async bankAccount(
    manager: EntityManager,
    fundId: string,
    code: string,
  ): Promise<BankAccountRef | undefined> {
    const rows = await manager.query<BankAccountRef[]>(
      `SELECT id, fund_id, code, name, currency FROM bank_account WHERE fund_id = $1 AND code = $2`,
      [fundId, code],
    );
    return rows[0];
  }

  async donorName(manager: EntityManager, donorId: string): Promise<string | undefined> {
    const rows = await manager.query<{ name: string }[]>(`SELECT name FROM donor WHERE id = $1`, [
      donorId,
    ]);
    return rows[0]?.name;
  }

  /**
   * The receipt and its allocations in one statement (one round trip); answers the receipt's
   * created_at as stored. The allocations' foreign key to the receipt is checked at the end of
   * the statement, as it would be for a separate insert after it.
   */
  async insert(
    manager: EntityManager,
    receipt: NewReceipt,
    allocations: readonly NewAllocation[],
  ): Promise<{ createdAt: Date }> {
    const parameters: unknown[] = [
      receipt.id,
      receipt.fundId,
      receipt.number,
      receipt.bankAccountId,
      receipt.valueDate,
      receipt.currency,
      receipt.grossMinor.toString(),
      receipt.chargesMinor.toString(),
      receipt.rate,
      receipt.grossFunctionalMinor.toString(),
      receipt.chargesFunctionalMinor.toString(),
      receipt.donorId,
      receipt.remitterName,
      receipt.remittanceText,
      receipt.bankReference,
      receipt.batchId,
      receipt.entryId,
      receipt.createdBy,
    ];
    const withAllocations =
      allocations.length === 0
        ? ''
        : `, a AS (${insertAllocationsSql(allocations, parameters)} RETURNING 1)`;
    const [row] = await manager.query<{ created_at: Date }[]>(
      `WITH r AS (
         INSERT INTO receipt (id, fund_id, number, bank_account_id, value_date, currency,
           gross_minor, charges_minor, rate, gross_functional_minor, charges_functional_minor,
           donor_id, remitter_name, remittance_text, bank_reference, batch_id, entry_id, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
         RETURNING created_at)${withAllocations}
       SELECT created_at FROM r`,
      parameters,
    );
    return { createdAt: row.created_at };
  }

  async find(manager: EntityManager, id: string): Promise<ReceiptRow | undefined> {
    const rows = await manager.query<ReceiptRow[]>(
      `SELECT ${RECEIPT_COLUMNS} FROM ${RECEIPT_FROM} WHERE r.id = $1`,
      [id],
    );
    return rows[0];
  }

  /** Locks the receipt until the transaction ends: one use of its money at a time. */
  async lock(manager: EntityManager, id: string): Promise<ReceiptRow | undefined> {
    const locked = await manager.query<{ id: string }[]>(
      `SELECT id FROM receipt WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return locked.length === 0 ? undefined : this.find(manager, id);
  }

  async list(
    manager: EntityManager,
    filter: ReceiptFilter,
    page: { limit: number; offset: number },
  ): Promise<{ rows: ReceiptRow[]; total: number }> {
    const parameters = [
      filter.fundId ?? null,
      filter.donorIds ?? null,
      filter.bankAccountCode ?? null,
      filter.from ?? null,
      filter.to ?? null,
      filter.queue ?? null,
    ];
    const rows = await manager.query<ReceiptRow[]>(
      `SELECT ${RECEIPT_COLUMNS} FROM ${RECEIPT_FROM} WHERE ${FILTER}
        ORDER BY r.value_date DESC, r.number DESC LIMIT $7 OFFSET $8`,
      [...parameters, page.limit, page.offset],
    );
    const [count] = await manager.query<{ total: string }[]>(
      `SELECT count(*) AS total FROM ${RECEIPT_FROM} WHERE ${FILTER}`,
      parameters,
    );
    return { rows, total: Number(count.total) };
  }

  /** Sets the donor of an unidentified receipt; false when it already has one. */
  async assignDonor(manager: EntityManager, id: string, donorId: string): Promise<boolean> {
    const rows = await manager.query<{ id: string }[]>(
      `WITH changed AS (
         UPDATE receipt SET donor_id = $2 WHERE id = $1 AND donor_id IS NULL RETURNING id)
       SELECT id FROM changed`,
      [id, donorId],
    );
    return rows.length === 1;
  }

  /** All the allocations in one statement (one round trip, however many instalments). */
  async insertAllocations(
    manager: EntityManager,
    allocations: readonly NewAllocation[],
  ): Promise<void> {
    if (allocations.length === 0) return;
    const parameters: unknown[] = [];
    await manager.query(insertAllocationsSql(allocations, parameters), parameters);
  }

  allocations(manager: EntityManager, receiptId: string): Promise<AllocationRow[]> {
    return manager.query<AllocationRow[]>(
      `SELECT ${ALLOCATION_COLUMNS}
         FROM receipt_allocation ra JOIN pledge p ON p.id = ra.pledge_id
        WHERE ra.receipt_id = $1
        ORDER BY ${ALLOCATION_ORDER}`,
      [receiptId],
    );
  }

  async insertEvent(manager: EntityManager, event: NewReceiptEvent): Promise<void> {
    await manager.query(
      `INSERT INTO receipt_event (receipt_id, kind, effective_on, amount_minor, donor_id, reason,
         entry_id, approval_id, actor)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        event.receiptId,
        event.kind,
        event.effectiveOn,
        event.amountMinor?.toString() ?? null,
        event.donorId ?? null,
        event.reason ?? null,
        event.entryId ?? null,
        event.approvalId ?? null,
        event.actor,
      ],
    );
  }

  events(manager: EntityManager, receiptId: string): Promise<ReceiptEventRow[]> {
    return manager.query<ReceiptEventRow[]>(
      `SELECT kind, to_char(effective_on, 'YYYY-MM-DD') AS effective_on,
              amount_minor::text AS amount_minor, donor_id, reason, entry_id, approval_id, actor, at
         FROM receipt_event WHERE receipt_id = $1 ORDER BY id`,
      [receiptId],
    );
  }

  /** The entries with a line naming the receipt, in the order they were posted. */
  async entryIds(manager: EntityManager, receiptId: string): Promise<string[]> {
    const rows = await manager.query<{ id: string }[]>(
      `SELECT e.id FROM journal_entry e
        WHERE EXISTS (SELECT 1 FROM journal_line l WHERE l.entry_id = e.id AND l.receipt_id = $1)
        ORDER BY e.entry_date, e.fiscal_year, e.sequence`,
      [receiptId],
    );
    return rows.map((row) => row.id);
  }

  /** The receipt's entries that no entry reverses yet, latest first. */
  async unreversedEntryIds(manager: EntityManager, receiptId: string): Promise<string[]> {
    const rows = await manager.query<{ id: string }[]>(
      `SELECT e.id FROM journal_entry e
        WHERE EXISTS (SELECT 1 FROM journal_line l WHERE l.entry_id = e.id AND l.receipt_id = $1)
          AND e.reverses_entry_id IS NULL
          AND NOT EXISTS (SELECT 1 FROM journal_entry x WHERE x.reverses_entry_id = e.id)
        ORDER BY e.entry_date DESC, e.fiscal_year DESC, e.sequence DESC`,
      [receiptId],
    );
    return rows.map((row) => row.id);
  }

  /** How many allocation entries the receipt has had: numbers the idempotency key of the next. */
  async allocationEntryCount(manager: EntityManager, receiptId: string): Promise<number> {
    const [row] = await manager.query<{ count: string }[]>(
      `SELECT count(*) AS count FROM journal_entry e
        WHERE e.source_type IN ('receipt-allocation', 'receipt-refund')
          AND EXISTS (SELECT 1 FROM journal_line l WHERE l.entry_id = e.id AND l.receipt_id = $1)`,
      [receiptId],
    );
    return Number(row.count);
  }

  /** Agreed, not ended pledges of a donor in a fund: where money may be applied. */
  async openPledgeIds(manager: EntityManager, fundId: string, donorId: string): Promise<string[]> {
    const rows = await manager.query<{ id: string }[]>(
      `SELECT p.id FROM pledge p
        WHERE p.fund_id = $1 AND p.donor_id = $2 AND p.agreed_on IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM pledge_event ev
                           WHERE ev.pledge_id = p.id AND ev.kind IN ('cancelled', 'written-off'))
        ORDER BY p.reference`,
      [fundId, donorId],
    );
    return rows.map((row) => row.id);
  }

  /** Locks pledges in id order (the order every writer uses: no deadlock between two). */
  async lockPledges(manager: EntityManager, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await manager.query(`SELECT id FROM pledge WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [
      ids,
    ]);
  }
}
