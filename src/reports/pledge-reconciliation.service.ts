import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { STAFF } from '../auth/roles';
import { Actor } from '../common/actor';
import { CalendarDate, todayUtc } from '../common/calendar-date';
import { FundNotFoundError } from '../funds/funds.errors';
import { FundRow } from '../funds/funds.repository';
import { FundsService } from '../funds/funds.service';
import { MoneyResponse } from '../ledger/dto/journal.dto';
import { Money } from '../money/money';
import {
  PLEDGE_AGREEMENT,
  PLEDGE_AMENDMENT,
  PLEDGE_CANCELLATION,
  PLEDGE_WRITE_OFF,
} from '../pledges/pledge-status';
import {
  CurrencyFiguresResponse,
  DonorReconciliationResponse,
  FunctionalFiguresResponse,
  PledgeReconciliationLineResponse,
  PledgeReconciliationQuery,
  PledgeReconciliationResponse,
  ReconciliationAllocationResponse,
  ReconciliationStage,
  ReconciliationSubtotalResponse,
} from './dto/pledge-reconciliation.dto';
import {
  PledgeReconciliationRepository,
  ReconciliationAllocationRow,
  ReconciliationLineSum,
  ReconciliationPledgeRow,
  RECEIVABLE,
} from './pledge-reconciliation.repository';
import { InvalidReportQueryError } from './reports.errors';

export const DEFAULT_FUND = 'WSIS-TF';

/**
 * Running sums in minor units: one pledge currency (`currency`) and the fund currency
 * (the `…F` fields). Only ever integers; turned into decimal strings at the very end.
 */
interface Sums {
  pledged: bigint;
  pledgedF: bigint;
  received: bigint;
  receivedF: bigint;
  /** Receivable cleared by receipts per the ledger: pledge currency and fund currency. */
  relieved: bigint;
  relievedF: bigint;
  fxF: bigint;
  writtenOff: bigint;
  writtenOffF: bigint;
  cancelled: bigint;
  cancelledF: bigint;
  adjusted: bigint;
  adjustedF: bigint;
  outstanding: bigint;
  outstandingF: bigint;
  announced: bigint;
  byReceiptCurrency: Map<string, bigint>;
}

type Category = 'pledged' | 'writtenOff' | 'cancelled' | 'relieved' | 'adjusted';

const BOOKING = new Set([PLEDGE_AGREEMENT, PLEDGE_AMENDMENT]);

/**
 * What caused a receivable line: the pledge's booking (agreement, amendment), its ending, a
 * receipt (recorded with allocations, allocated later, refunded or reversed: every source type
 * of the receipts module starts with "receipt"), or anything else (manual adjustments).
 */
export function categoryOf(kind: string): Category {
  if (BOOKING.has(kind)) return 'pledged';
  if (kind === PLEDGE_WRITE_OFF) return 'writtenOff';
  if (kind === PLEDGE_CANCELLATION) return 'cancelled';
  if (kind.startsWith('receipt')) return 'relieved';
  return 'adjusted';
}

function emptySums(): Sums {
  return {
    pledged: 0n,
    pledgedF: 0n,
    received: 0n,
    receivedF: 0n,
    relieved: 0n,
    relievedF: 0n,
    fxF: 0n,
    writtenOff: 0n,
    writtenOffF: 0n,
    cancelled: 0n,
    cancelledF: 0n,
    adjusted: 0n,
    adjustedF: 0n,
    outstanding: 0n,
    outstandingF: 0n,
    announced: 0n,
    byReceiptCurrency: new Map(),
  };
}

const SUMMED = [
  'pledged',
  'pledgedF',
  'received',
  'receivedF',
  'relieved',
  'relievedF',
  'fxF',
  'writtenOff',
  'writtenOffF',
  'cancelled',
  'cancelledF',
  'adjusted',
  'adjustedF',
  'outstanding',
  'outstandingF',
  'announced',
] as const;

function addInto(target: Sums, source: Sums): void {
  for (const key of SUMMED) target[key] += source[key];
  for (const [currency, minor] of source.byReceiptCurrency) {
    target.byReceiptCurrency.set(currency, (target.byReceiptCurrency.get(currency) ?? 0n) + minor);
  }
}

/**
 * The figures tie out: in the pledge currency, what was booked less what cleared it is what is
 * still on the receivable, with receipts counted from their allocations; in the fund currency,
 * what the receipts were worth less the realised FX is the receivable they relieved.
 */
function reconciles(sums: Sums): boolean {
  return (
    sums.pledged - sums.received - sums.writtenOff - sums.cancelled - sums.adjusted ===
      sums.outstanding && sums.receivedF - sums.fxF === sums.relievedF
  );
}

/**
 * The pledge reconciliation report: per pledge and per donor, as of a date, what was pledged,
 * received (with the realised FX), written off, cancelled and is outstanding. Everything on the
 * ledger is read from the ledger (lines naming the pledge on the receivable and FX accounts);
 * receipts from their allocations, which the report checks against the ledger (`reconciles`).
 */
@Injectable()
export class PledgeReconciliationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly funds: FundsService,
    private readonly repository: PledgeReconciliationRepository,
  ) {}

  async report(
    actor: Actor,
    query: PledgeReconciliationQuery,
  ): Promise<PledgeReconciliationResponse> {
    const manager = this.dataSource.manager;
    const fundCode = query.fund ?? DEFAULT_FUND;
    const asOf = query.asOf ?? todayUtc();
    let fund: FundRow;
    try {
      fund = await this.funds.requireFund(manager, fundCode);
    } catch (error) {
      if (!(error instanceof FundNotFoundError)) throw error;
      throw new InvalidReportQueryError([
        { field: 'fund', rule: 'exists', reason: `there is no fund ${fundCode}` },
      ]);
    }
    let donorIds = query.donorId === undefined ? undefined : [query.donorId];
    if (isDonorOnly(actor)) {
      donorIds = actor.donorIds.filter((donor) => donorIds?.includes(donor) ?? true);
    }
    const rows =
      donorIds?.length === 0 ? [] : await this.repository.pledges(manager, fund.id, asOf, donorIds);
    const ids = rows.map((row) => row.id);
    const lines = groupBy(await this.repository.lineSums(manager, fund.id, ids, asOf));
    const allocations = groupBy(await this.repository.allocations(manager, ids, asOf));
    return build(fund, asOf, query.donorId ?? null, rows, lines, allocations);
  }
}

/** A donor user (holding no staff role) sees only the donors they are linked to. */
export function isDonorOnly(actor: Actor): boolean {
  return actor.roles.includes('donor') && !actor.roles.some((role) => STAFF.includes(role));
}

function groupBy<T extends { pledge_id: string }>(rows: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(row.pledge_id);
    if (group === undefined) groups.set(row.pledge_id, [row]);
    else group.push(row);
  }
  return groups;
}

function build(
  fund: FundRow,
  asOf: CalendarDate,
  donorId: string | null,
  rows: readonly ReconciliationPledgeRow[],
  lines: ReadonlyMap<string, ReconciliationLineSum[]>,
  allocations: ReadonlyMap<string, ReconciliationAllocationRow[]>,
): PledgeReconciliationResponse {
  const functional = fund.functional_currency;
  const total = new Subtotal();
  // Rows come by donor: each donor's pledges are consecutive.
  const donors: Array<{
    donor: { id: string; name: string };
    pledges: PledgeReconciliationLineResponse[];
    subtotal: Subtotal;
  }> = [];
  for (const row of rows) {
    let current = donors.at(-1);
    if (current?.donor.id !== row.donor_id) {
      current = {
        donor: { id: row.donor_id, name: row.donor_name },
        pledges: [],
        subtotal: new Subtotal(),
      };
      donors.push(current);
    }
    const pledgeAllocations = allocations.get(row.id) ?? [];
    const sums = pledgeSums(row, lines.get(row.id) ?? [], pledgeAllocations);
    current.subtotal.add(row.currency, sums);
    total.add(row.currency, sums);
    current.pledges.push({
      pledgeId: row.id,
      reference: row.reference,
      earmark: row.earmark_code,
      announcedOn: row.announced_on,
      agreedOn: row.agreed_on,
      stage: stageOf(row, sums),
      memo: row.agreed_on === null,
      reconciles: reconciles(sums),
      ...currencyFigures(row.currency, functional, sums),
      allocations: pledgeAllocations.map((allocation) =>
        toAllocation(allocation, row.currency, functional),
      ),
    });
  }
  return {
    fund: fund.code,
    functionalCurrency: functional,
    asOf,
    donorId,
    donors: donors.map(({ donor, pledges, subtotal }): DonorReconciliationResponse => ({
      donor,
      pledges,
      subtotal: subtotal.toResponse(functional),
    })),
    total: total.toResponse(functional),
  };
}

function pledgeSums(
  row: ReconciliationPledgeRow,
  lines: readonly ReconciliationLineSum[],
  allocations: readonly ReconciliationAllocationRow[],
): Sums {
  const sums = emptySums();
  for (const line of lines) {
    const amount = BigInt(line.amount_minor);
    const functional = BigInt(line.functional_minor);
    if (line.account !== RECEIVABLE) {
      // Realised FX: a gain is a credit (negative), a loss a debit; shown gain positive.
      sums.fxF -= functional;
      continue;
    }
    const inPledgeCurrency = line.currency.trim() === row.currency ? amount : 0n;
    sums.outstanding += inPledgeCurrency;
    sums.outstandingF += functional;
    const category = categoryOf(line.kind);
    // The booking is a debit; everything that clears the receivable a credit, shown positive.
    const sign = category === 'pledged' ? 1n : -1n;
    switch (category) {
      case 'pledged':
        sums.pledged += sign * inPledgeCurrency;
        sums.pledgedF += sign * functional;
        break;
      case 'writtenOff':
        sums.writtenOff += sign * inPledgeCurrency;
        sums.writtenOffF += sign * functional;
        break;
      case 'cancelled':
        sums.cancelled += sign * inPledgeCurrency;
        sums.cancelledF += sign * functional;
        break;
      case 'relieved':
        sums.relieved += sign * inPledgeCurrency;
        sums.relievedF += sign * functional;
        break;
      case 'adjusted':
        sums.adjusted += sign * inPledgeCurrency;
        sums.adjustedF += sign * functional;
        break;
    }
  }
  for (const allocation of allocations) {
    sums.received += BigInt(allocation.pledge_amount_minor);
    sums.receivedF += BigInt(allocation.value_functional_minor);
    const currency = allocation.receipt_currency.trim();
    sums.byReceiptCurrency.set(
      currency,
      (sums.byReceiptCurrency.get(currency) ?? 0n) + BigInt(allocation.amount_minor),
    );
  }
  if (row.agreed_on === null && row.ending_kind === null) sums.announced = BigInt(row.amount_minor);
  return sums;
}

function stageOf(row: ReconciliationPledgeRow, sums: Sums): ReconciliationStage {
  if (row.ending_kind !== null) return row.ending_kind;
  if (row.agreed_on === null) return 'announced';
  if (sums.pledged > 0n && sums.outstanding <= 0n) return 'paid';
  return sums.received > 0n || sums.relieved > 0n ? 'partially-paid' : 'agreed';
}

/** Pledges' sums by pledge currency, for a donor or the fund. */
class Subtotal {
  private readonly byCurrency = new Map<string, Sums>();
  private pledges = 0;
  private allReconcile = true;

  add(currency: string, sums: Sums): void {
    let target = this.byCurrency.get(currency);
    if (target === undefined) {
      target = emptySums();
      this.byCurrency.set(currency, target);
    }
    addInto(target, sums);
    this.pledges += 1;
    this.allReconcile &&= reconciles(sums);
  }

  toResponse(functional: string): ReconciliationSubtotalResponse {
    const currencies = [...this.byCurrency.keys()].sort();
    const all = emptySums();
    for (const currency of currencies) addInto(all, this.byCurrency.get(currency)!);
    const inFunctional = (minor: bigint): MoneyResponse => money(minor, functional);
    const figures: FunctionalFiguresResponse = {
      pledged: inFunctional(all.pledgedF),
      received: inFunctional(all.receivedF),
      relieved: inFunctional(all.relievedF),
      fx: inFunctional(all.fxF),
      writtenOff: inFunctional(all.writtenOffF),
      cancelled: inFunctional(all.cancelledF),
      adjusted: inFunctional(all.adjustedF),
      outstanding: inFunctional(all.outstandingF),
    };
    return {
      pledges: this.pledges,
      byCurrency: currencies.map((currency) =>
        currencyFigures(currency, functional, this.byCurrency.get(currency)!),
      ),
      functional: figures,
      receivedInReceiptCurrencies: receiptCurrencies(all),
      reconciles: this.allReconcile,
    };
  }
}

function currencyFigures(
  currency: string,
  functional: string,
  sums: Sums,
): CurrencyFiguresResponse {
  const own = (minor: bigint): MoneyResponse => money(minor, currency);
  const inFunctional = (minor: bigint): MoneyResponse => money(minor, functional);
  return {
    currency,
    pledged: own(sums.pledged),
    pledgedFunctional: inFunctional(sums.pledgedF),
    received: own(sums.received),
    receivedInReceiptCurrencies: receiptCurrencies(sums),
    receivedFunctional: inFunctional(sums.receivedF),
    relievedFunctional: inFunctional(sums.relievedF),
    fxFunctional: inFunctional(sums.fxF),
    writtenOff: own(sums.writtenOff),
    writtenOffFunctional: inFunctional(sums.writtenOffF),
    cancelled: own(sums.cancelled),
    cancelledFunctional: inFunctional(sums.cancelledF),
    adjusted: own(sums.adjusted),
    adjustedFunctional: inFunctional(sums.adjustedF),
    outstanding: own(sums.outstanding),
    outstandingFunctional: inFunctional(sums.outstandingF),
    announced: own(sums.announced),
  };
}

function receiptCurrencies(sums: Sums): MoneyResponse[] {
  return [...sums.byReceiptCurrency.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, minor]) => money(minor, currency));
}

function toAllocation(
  row: ReconciliationAllocationRow,
  pledgeCurrency: string,
  functional: string,
): ReconciliationAllocationResponse {
  return {
    id: row.id,
    receiptId: row.receipt_id,
    receiptNumber: row.receipt_number,
    valueDate: row.value_date,
    allocatedOn: row.allocated_on,
    instalment: row.instalment_seq,
    amount: money(BigInt(row.amount_minor), row.receipt_currency.trim()),
    pledgeAmount: money(BigInt(row.pledge_amount_minor), pledgeCurrency),
    value: money(BigInt(row.value_functional_minor), functional),
    relieved: money(BigInt(row.relieved_functional_minor), functional),
    fx: money(BigInt(row.fx_functional_minor), functional),
    reversal: row.reverses_allocation_id !== null,
    reversesAllocationId: row.reverses_allocation_id,
    reversed: row.reversed,
  };
}

function money(minor: bigint, currency: string): MoneyResponse {
  return Money.of(minor, currency).toJSON();
}
