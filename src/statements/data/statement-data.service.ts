import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CalendarDate, calendarDateProblem } from '../../common/calendar-date';
import { FieldError } from '../../common/errors/problem';
import { DonorRow } from '../../donors/donors.repository';
import { DonorsService } from '../../donors/donors.service';
import { FundsService } from '../../funds/funds.service';
import { Money } from '../../money/money';
import { PledgeView } from '../../pledges/pledge-status';
import { PledgeViewsService } from '../../pledges/pledge-views.service';
import { PledgeRow, PledgesRepository } from '../../pledges/pledges.repository';
import { trimRate } from '../../receipts/receipt-response';
import { GrantAttributionRepository } from '../../reports/grant-attribution.repository';
import { RECEIVABLE } from '../../reports/pledge-reconciliation.repository';
import { categoryOf } from '../../reports/pledge-reconciliation.service';
import {
  DocumentAmount,
  DocumentDonor,
  DocumentFund,
  StatementData,
  StatementFundSection,
  StatementGrantUse,
  StatementInstalmentDue,
  StatementPledge,
  StatementReceipt,
  StatementWriteOff,
} from '../statement-data.types';
import { InvalidStatementPeriodError } from './statement-data.errors';
import {
  MovementRow,
  StatementDataRepository,
  StatementFundRow,
} from './statement-data.repository';

export interface StatementRequest {
  donorId: string;
  /** A fund's code, or null for every fund the donor has anything with. */
  fundCode: string | null;
  from: CalendarDate;
  to: CalendarDate;
}

export function toDocumentDonor(row: DonorRow): DocumentDonor {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    country: row.country,
    language: row.statement_language,
  };
}

export function toDocumentFund(row: StatementFundRow): DocumentFund {
  return { code: row.code, name: row.name, currency: row.functional_currency };
}

/**
 * The donor's receivable lines of the period, by what caused them, all in the fund's currency
 * (minor units). A receivable debit is positive; every figure below that reduces the
 * receivable is shown positive, as the statement prints it.
 */
interface Movements {
  /** Σ of the period's receivable lines: closing = opening + this, to the minor unit. */
  receivable: bigint;
  /** Per pledge: what its agreement and amendments booked, per currency and in the fund's. */
  bookings: Map<string, { amounts: Map<string, bigint>; functional: bigint; on: CalendarDate }>;
  /** Per receipt: the receivable its money cleared (at booking rates) and the realised FX. */
  receipts: Map<string, { relieved: bigint; fx: bigint }>;
  writeOffs: Map<string, { functional: bigint; on: CalendarDate }>;
  cancelledAndAdjusted: bigint;
}

/**
 * Builds the content of a donor statement (issue 9, item 1) from the ledger, one section per
 * fund. Each section rolls forward exactly in the fund's currency because every figure is a
 * share of the same receivable lines (1100, naming the donor) dated in the period: bookings are
 * the pledges, receipt entries the money received (what cleared the receivable plus the
 * realised FX on it, 4100/5200), write-off entries the write-offs, anything else a cancellation
 * or adjustment. Reads only, in the caller's transaction.
 */
@Injectable()
export class StatementDataService {
  constructor(
    private readonly donors: DonorsService,
    private readonly funds: FundsService,
    private readonly pledges: PledgesRepository,
    private readonly views: PledgeViewsService,
    private readonly grants: GrantAttributionRepository,
    private readonly repository: StatementDataRepository,
  ) {}

  async build(manager: EntityManager, request: StatementRequest): Promise<StatementData> {
    const period = checkedPeriod(request.from, request.to);
    const donor = await this.donors.requireDonor(manager, request.donorId);
    const fund =
      request.fundCode === null ? null : await this.funds.requireFund(manager, request.fundCode);
    const funds =
      fund === null ? await this.repository.fundsOfDonor(manager, donor.id, period.to) : [fund];
    const sections: StatementFundSection[] = [];
    for (const each of funds) sections.push(await this.section(manager, donor.id, each, period));
    return {
      kind: 'statement',
      donor: toDocumentDonor(donor),
      fund: fund === null ? null : toDocumentFund(fund),
      period,
      sections,
    };
  }

  private async section(
    manager: EntityManager,
    donorId: string,
    fund: StatementFundRow,
    { from, to }: { from: CalendarDate; to: CalendarDate },
  ): Promise<StatementFundSection> {
    const currency = fund.functional_currency;
    const amount = (minor: bigint): DocumentAmount => Money.of(minor, currency).toJSON();
    const balances = await this.repository.balances(manager, fund.id, donorId, from, to);
    const moved = classify(await this.repository.movements(manager, fund.id, donorId, from, to));
    const opening = BigInt(balances.opening_minor);

    const { rows } = await this.pledges.list(
      manager,
      { fundId: fund.id, donorIds: [donorId], announcedBy: to },
      { by: 'reference', descending: false },
    );
    const pledges = await this.views.views(manager, rows, to);
    const references = new Map(rows.map((row) => [row.id, row.reference]));

    const receiptRows = await this.repository.receipts(manager, fund.id, donorId, from, to, [
      ...moved.receipts.keys(),
    ]);
    const receipts = receiptRows.map((row): StatementReceipt => {
      const applied = moved.receipts.get(row.id) ?? { relieved: 0n, fx: 0n };
      return {
        number: row.number,
        valueDate: row.value_date,
        original: Money.fromMinor(row.gross_minor, row.currency.trim()).toJSON(),
        rate: row.rate === null ? '1' : trimRate(row.rate),
        functional: amount(BigInt(row.gross_functional_minor)),
        charges: amount(BigInt(row.charges_functional_minor)),
        pledges: row.pledge_references,
        applied: amount(applied.relieved + applied.fx),
        exchangeDifference: amount(applied.fx),
      };
    });
    let received = 0n;
    let fx = 0n;
    for (const part of moved.receipts.values()) {
      received += part.relieved + part.fx;
      fx += part.fx;
    }

    const pledged = [...moved.bookings.values()].reduce((sum, b) => sum + b.functional, 0n);
    const writeOffs = [...moved.writeOffs.entries()]
      .filter(([, writeOff]) => writeOff.functional !== 0n)
      .map(([pledgeId, writeOff]): StatementWriteOff => ({
        pledgeReference: references.get(pledgeId) ?? pledgeId,
        date: writeOff.on,
        functional: amount(writeOff.functional),
      }))
      .sort((a, b) => compare(a.date, b.date) || compare(a.pledgeReference, b.pledgeReference));
    const writtenOff = [...moved.writeOffs.values()].reduce((sum, w) => sum + w.functional, 0n);

    return {
      fund: toDocumentFund(fund),
      openingOutstanding: amount(opening),
      pledges: pledgesOfPeriod(pledges, moved, from, to, currency),
      pledgedTotal: amount(pledged),
      receipts,
      receivedTotal: amount(received),
      exchangeDifferences: amount(fx),
      writeOffs,
      writtenOffTotal: amount(writtenOff),
      cancelledAndAdjusted: amount(moved.cancelledAndAdjusted),
      closingOutstanding: amount(opening + moved.receivable),
      unappliedCredit: amount(BigInt(balances.unapplied_minor)),
      instalmentsDue: instalmentsDue(pledges),
      grantUse: await this.grantUse(manager, fund, donorId, to),
    };
  }

  private async grantUse(
    manager: EntityManager,
    fund: StatementFundRow,
    donorId: string,
    to: CalendarDate,
  ): Promise<StatementGrantUse> {
    const grants = new Map<string, { amount: bigint; country: string; ldc: boolean }>();
    let total = 0n;
    for (const row of await this.grants.attributions(manager, fund.id, to, [donorId])) {
      const minor = BigInt(row.amount_minor);
      total += minor;
      const grant = grants.get(row.grant_id);
      if (grant === undefined) {
        grants.set(row.grant_id, { amount: minor, country: row.country, ldc: row.ldc });
      } else grant.amount += minor;
    }
    const funded = [...grants.entries()].filter(([, grant]) => grant.amount > 0n);
    return {
      grants: funded.length,
      participants: await this.repository.participants(
        manager,
        funded.map(([id]) => id),
      ),
      countries: [...new Set(funded.map(([, grant]) => grant.country))].sort(),
      ldcGrants: funded.filter(([, grant]) => grant.ldc).length,
      amount: Money.of(total, fund.functional_currency).toJSON(),
    };
  }
}

function checkedPeriod(from: CalendarDate, to: CalendarDate): { from: string; to: string } {
  const errors: FieldError[] = [];
  for (const [field, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    const problem = calendarDateProblem(value);
    if (problem !== undefined) errors.push({ field, rule: 'isCalendarDate', reason: problem });
  }
  if (errors.length === 0 && from > to) {
    errors.push({ field: 'to', rule: 'notBeforeFrom', reason: `must not be before from, ${from}` });
  }
  if (errors.length > 0) throw new InvalidStatementPeriodError(errors);
  return { from, to };
}

/**
 * Sorts the period's lines by cause. A receivable line the statement cannot name (a booking or
 * write-off without a pledge, a receipt entry whose receipt is not found, a manual entry) is an
 * adjustment, so that nothing is left out of the roll-forward. FX lines count only as part of a
 * receipt's money; they never touch the receivable.
 */
function classify(rows: readonly MovementRow[]): Movements {
  const moved: Movements = {
    receivable: 0n,
    bookings: new Map(),
    receipts: new Map(),
    writeOffs: new Map(),
    cancelledAndAdjusted: 0n,
  };
  const receipt = (id: string) => {
    let part = moved.receipts.get(id);
    if (part === undefined) {
      part = { relieved: 0n, fx: 0n };
      moved.receipts.set(id, part);
    }
    return part;
  };
  for (const row of rows) {
    const functional = BigInt(row.functional_minor);
    const category = categoryOf(row.kind);
    if (row.account !== RECEIVABLE) {
      // Realised FX: a gain is a credit, shown positive.
      if (category === 'relieved' && row.receipt_id !== null)
        receipt(row.receipt_id).fx -= functional;
      continue;
    }
    moved.receivable += functional;
    if (category === 'pledged' && row.pledge_id !== null) {
      let booking = moved.bookings.get(row.pledge_id);
      if (booking === undefined) {
        booking = { amounts: new Map(), functional: 0n, on: row.last_on };
        moved.bookings.set(row.pledge_id, booking);
      }
      booking.functional += functional;
      if (row.last_on > booking.on) booking.on = row.last_on;
      const currency = row.currency.trim();
      booking.amounts.set(
        currency,
        (booking.amounts.get(currency) ?? 0n) + BigInt(row.amount_minor),
      );
    } else if (category === 'writtenOff' && row.pledge_id !== null) {
      const writeOff = moved.writeOffs.get(row.pledge_id);
      if (writeOff === undefined) {
        moved.writeOffs.set(row.pledge_id, { functional: -functional, on: row.last_on });
      } else {
        writeOff.functional -= functional;
        if (row.last_on > writeOff.on) writeOff.on = row.last_on;
      }
    } else if (category === 'relieved' && row.receipt_id !== null) {
      receipt(row.receipt_id).relieved -= functional;
    } else {
      moved.cancelledAndAdjusted -= functional;
    }
  }
  return moved;
}

/** Pledges booked (agreed or amended) in the period, and announcements made in it (memo). */
function pledgesOfPeriod(
  pledges: ReadonlyArray<{ row: PledgeRow; view: PledgeView }>,
  moved: Movements,
  from: CalendarDate,
  to: CalendarDate,
  functionalCurrency: string,
): StatementPledge[] {
  const listed: StatementPledge[] = [];
  for (const { row, view } of pledges) {
    const booking = moved.bookings.get(row.id);
    const announced = row.announced_on >= from && row.announced_on <= to;
    if (booking === undefined && !announced) continue;
    // When it was agreed if that was in the period, else when it was amended, else announced.
    const agreedInPeriod = row.agreed_on !== null && row.agreed_on >= from && row.agreed_on <= to;
    listed.push({
      reference: row.reference,
      earmark: row.earmark_code,
      status: statusOf(view),
      date: agreedInPeriod ? (row.agreed_on as string) : (booking?.on ?? row.announced_on),
      amount: Money.fromMinor(
        booking === undefined ? row.amount_minor : (booking.amounts.get(row.currency) ?? 0n),
        row.currency,
      ).toJSON(),
      functional: Money.of(booking?.functional ?? 0n, functionalCurrency).toJSON(),
    });
  }
  return listed.sort((a, b) => compare(a.date, b.date) || compare(a.reference, b.reference));
}

/** The statement's words for a pledge's status; "overdue" shows on its instalments instead. */
function statusOf(view: PledgeView): string {
  switch (view.status) {
    case 'partially-paid':
      return 'partially_paid';
    case 'written-off':
      return 'written_off';
    case 'overdue':
      return view.totals.paid.isPositive() ? 'partially_paid' : 'agreed';
    default:
      return view.status;
  }
}

const OPEN = new Set(['agreed', 'partially-paid', 'overdue']);

function instalmentsDue(
  pledges: ReadonlyArray<{ row: PledgeRow; view: PledgeView }>,
): StatementInstalmentDue[] {
  const due: StatementInstalmentDue[] = [];
  for (const { row, view } of pledges) {
    if (!OPEN.has(view.status)) continue;
    for (const instalment of view.instalments) {
      if (!instalment.amountDue.isPositive()) continue;
      due.push({
        pledgeReference: row.reference,
        seq: instalment.seq,
        dueDate: instalment.dueDate,
        outstanding: instalment.amountDue.toJSON(),
        overdue: instalment.status === 'overdue',
      });
    }
  }
  return due.sort(
    (a, b) =>
      compare(a.dueDate, b.dueDate) ||
      compare(a.pledgeReference, b.pledgeReference) ||
      a.seq - b.seq,
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
