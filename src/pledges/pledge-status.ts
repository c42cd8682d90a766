import { CalendarDate } from '../common/calendar-date';
import { Money } from '../money/money';
import { daysBetween, spreadPayments } from './pledge-schedule';

/**
 * The status of a pledge or an instalment as of a date. Never stored: derived by `derivePledge`
 * from the pledge's facts (announcement, agreement, ending) and its receivable in the ledger.
 */
export const PLEDGE_STATUSES = [
  'announced',
  'agreed',
  'partially-paid',
  'paid',
  'overdue',
  'written-off',
  'cancelled',
] as const;
export type PledgeStatus = (typeof PLEDGE_STATUSES)[number];

export type PledgeEnding = 'cancelled' | 'written-off';

/** Days overdue of unpaid instalment amounts: on the due date itself, nothing is overdue yet. */
export const AGING_BUCKETS = [
  'not-yet-due',
  '1-30',
  '31-90',
  '91-180',
  '181-365',
  'over-365',
] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];

/** Source types of the entries that book, move or end a pledge's receivable. */
export const PLEDGE_AGREEMENT = 'pledge-agreement';
export const PLEDGE_CONDITIONS_MET = 'pledge-conditions-met';
export const PLEDGE_CANCELLATION = 'pledge-cancellation';
export const PLEDGE_WRITE_OFF = 'pledge-write-off';
/** The difference an amendment makes to an agreed pledge's amount (either sign). */
export const PLEDGE_AMENDMENT = 'pledge-amendment';

/** Receivable lines of one pledge summed by what caused them (a reversal counts as its original). */
export interface ReceivableSum {
  kind: string;
  currency: string;
  amountMinor: bigint;
  functionalMinor: bigint;
}

export interface PledgeFacts {
  currency: string;
  functionalCurrency: string;
  amountMinor: bigint;
  announcedOn: CalendarDate;
  agreedOn: CalendarDate | null;
  ending: { kind: PledgeEnding; on: CalendarDate } | null;
  instalments: ReadonlyArray<{ seq: number; dueDate: CalendarDate; amountMinor: bigint }>;
  /** The pledge's lines on the receivable account dated on or before the as-of date. */
  receivable: readonly ReceivableSum[];
  /** Receipts allocated to each instalment (by seq, pledge currency) on or before the date. */
  allocated?: ReadonlyMap<number, bigint>;
}

/** The pledge's receivable as the ledger has it, in the pledge currency unless said otherwise. */
export interface ReceivableTotals {
  booked: Money;
  paid: Money;
  writtenOff: Money;
  cancelled: Money;
  outstanding: Money;
  /** The whole receivable of the pledge in the fund's currency, at the rates it was booked at. */
  outstandingFunctional: Money;
  /** Receivable lines of the pledge in other currencies (none unless entered by hand). */
  otherCurrencies: Money[];
}

export interface InstalmentView {
  seq: number;
  dueDate: CalendarDate;
  amount: Money;
  paid: Money;
  amountDue: Money;
  status: PledgeStatus;
  daysOverdue: number;
}

export interface AgingLine {
  bucket: AgingBucket;
  amount: Money;
  functional: Money;
}

export interface PledgeView {
  status: PledgeStatus;
  totals: ReceivableTotals;
  instalments: InstalmentView[];
  amountOverdue: Money;
  nextAmountDue: { seq: number; dueDate: CalendarDate; amount: Money; overdue: boolean } | null;
  /** Every bucket, in order; all zero unless the pledge's receivable is on the ledger. */
  aging: AgingLine[];
}

const BOOKING = new Set([PLEDGE_AGREEMENT, PLEDGE_AMENDMENT]);
const LIFECYCLE = new Set([...BOOKING, PLEDGE_CANCELLATION, PLEDGE_WRITE_OFF]);

/**
 * What the receivable lines say: booked (at agreement and by amendments), ended, and paid (every
 * other credit).
 */
export function receivableTotals(facts: PledgeFacts): ReceivableTotals {
  const { currency, functionalCurrency } = facts;
  const sum = (filter: (row: ReceivableSum) => boolean): Money =>
    Money.of(
      facts.receivable
        .filter((row) => row.currency === currency && filter(row))
        .reduce((total, row) => total + row.amountMinor, 0n),
      currency,
    );
  const others = new Map<string, bigint>();
  for (const row of facts.receivable) {
    if (row.currency === currency) continue;
    others.set(row.currency, (others.get(row.currency) ?? 0n) + row.amountMinor);
  }
  return {
    booked: sum((row) => BOOKING.has(row.kind)),
    paid: sum((row) => !LIFECYCLE.has(row.kind)).negate(),
    writtenOff: sum((row) => row.kind === PLEDGE_WRITE_OFF).negate(),
    cancelled: sum((row) => row.kind === PLEDGE_CANCELLATION).negate(),
    outstanding: sum(() => true),
    outstandingFunctional: Money.of(
      facts.receivable.reduce((total, row) => total + row.functionalMinor, 0n),
      functionalCurrency,
    ),
    otherCurrencies: [...others.entries()]
      .filter(([, minor]) => minor !== 0n)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([code, minor]) => Money.of(minor, code)),
  };
}

/**
 * The pledge and its instalments as of `asOf`. The rules, in order:
 * - cancelled / written off: from the ending's date on (an instalment paid in full stays paid);
 * - announced: until the agreement's date (non-binding: nothing is due, nothing ages);
 * - paid: the receivable is cleared (what the ledger still holds for the pledge is zero or less);
 * - overdue: an instalment whose due date has passed (before `asOf`) is not fully cleared;
 * - partially paid: part of the schedule is cleared;
 * - agreed: nothing cleared yet, nothing overdue.
 * "Paid" is every credit to the receivable other than the pledge's own agreement, amendments,
 * cancellation and write-off (receipt allocations, and manual adjustment lines naming the
 * pledge). Receipts allocated to a named instalment count for that instalment; the rest is
 * cleared from the schedule oldest due first: paid amounts to show what each instalment
 * received, and the whole cleared part (amount − outstanding) to say what each instalment still
 * asks for, so that the amounts due always add up to the outstanding receivable of the ledger.
 */
export function derivePledge(facts: PledgeFacts, asOf: CalendarDate): PledgeView {
  const { currency } = facts;
  const totals = receivableTotals(facts);
  const agreed = facts.agreedOn !== null && facts.agreedOn <= asOf;
  const ending = facts.ending !== null && facts.ending.on <= asOf ? facts.ending.kind : null;
  const ordered = [...facts.instalments].sort((a, b) =>
    a.dueDate === b.dueDate ? a.seq - b.seq : a.dueDate < b.dueDate ? -1 : 1,
  );
  const amounts = ordered.map((instalment) => instalment.amountMinor);
  const allocated = facts.allocated ?? new Map<number, bigint>();
  const paid = spreadPayments(ordered, allocated, totals.paid.minor);
  const cleared = agreed
    ? clamp(facts.amountMinor - totals.outstanding.minor, facts.amountMinor)
    : 0n;
  const clearedParts = spreadPayments(ordered, allocated, cleared);
  const due = amounts.map((amount, index) => {
    if (agreed) return amount - clearedParts[index];
    return ending === null ? amount - paid[index] : 0n;
  });

  const instalments = ordered.map((instalment, index): InstalmentView => {
    const overdue = agreed && due[index] > 0n && instalment.dueDate < asOf;
    return {
      seq: instalment.seq,
      dueDate: instalment.dueDate,
      amount: Money.of(instalment.amountMinor, currency),
      paid: Money.of(paid[index], currency),
      amountDue: Money.of(due[index], currency),
      status: instalmentStatus(agreed, ending, amounts[index], paid[index], due[index], overdue),
      daysOverdue: overdue && ending === null ? daysBetween(instalment.dueDate, asOf) : 0,
    };
  });

  const open = agreed && ending === null;
  const overdueOnes = open ? instalments.filter((i) => i.status === 'overdue') : [];
  const next = open ? instalments.find((i) => i.amountDue.isPositive()) : undefined;
  return {
    status: pledgeStatus(agreed, ending, due, overdueOnes.length > 0, cleared),
    totals,
    instalments,
    amountOverdue: Money.sum(
      currency,
      overdueOnes.map((i) => i.amountDue),
    ),
    nextAmountDue:
      next === undefined
        ? null
        : {
            seq: next.seq,
            dueDate: next.dueDate,
            amount: next.amountDue,
            overdue: next.status === 'overdue',
          },
    aging: agreed ? aging(facts, totals, ordered, due, asOf) : emptyAging(facts),
  };
}

export function agingBucket(daysOverdue: number): AgingBucket {
  if (daysOverdue <= 0) return 'not-yet-due';
  if (daysOverdue <= 30) return '1-30';
  if (daysOverdue <= 90) return '31-90';
  if (daysOverdue <= 180) return '91-180';
  if (daysOverdue <= 365) return '181-365';
  return 'over-365';
}

function instalmentStatus(
  agreed: boolean,
  ending: PledgeEnding | null,
  amount: bigint,
  paid: bigint,
  due: bigint,
  overdue: boolean,
): PledgeStatus {
  if (ending !== null) return paid >= amount ? 'paid' : ending;
  if (!agreed) return 'announced';
  if (due === 0n) return 'paid';
  if (overdue) return 'overdue';
  return due < amount ? 'partially-paid' : 'agreed';
}

function pledgeStatus(
  agreed: boolean,
  ending: PledgeEnding | null,
  due: readonly bigint[],
  overdue: boolean,
  cleared: bigint,
): PledgeStatus {
  if (ending !== null) return ending;
  if (!agreed) return 'announced';
  if (due.every((amount) => amount === 0n)) return 'paid';
  if (overdue) return 'overdue';
  return cleared > 0n ? 'partially-paid' : 'agreed';
}

/**
 * The outstanding receivable by days overdue. In the pledge currency, each instalment's amount
 * due goes to its bucket; in the fund's currency, the receivable's booked value is spread over
 * the buckets in the same proportions (Money.allocate: nothing lost). Whatever the schedule does
 * not explain (an overpayment, a line entered by hand) goes to the last instalment's bucket, so
 * that the buckets always add up to the ledger's outstanding in both currencies.
 */
function aging(
  facts: PledgeFacts,
  totals: ReceivableTotals,
  ordered: ReadonlyArray<{ dueDate: CalendarDate }>,
  due: readonly bigint[],
  asOf: CalendarDate,
): AgingLine[] {
  const amounts = new Map<AgingBucket, bigint>(AGING_BUCKETS.map((bucket) => [bucket, 0n]));
  ordered.forEach((instalment, index) => {
    const bucket = agingBucket(daysBetween(instalment.dueDate, asOf));
    amounts.set(bucket, (amounts.get(bucket) as bigint) + due[index]);
  });
  const last =
    ordered.length === 0
      ? 'not-yet-due'
      : agingBucket(daysBetween(ordered[ordered.length - 1].dueDate, asOf));
  const weights = AGING_BUCKETS.map((bucket) => amounts.get(bucket) as bigint);
  const functional = weights.some((weight) => weight > 0n)
    ? totals.outstandingFunctional.allocate(weights)
    : AGING_BUCKETS.map((bucket) =>
        bucket === last ? totals.outstandingFunctional : Money.zero(facts.functionalCurrency),
      );
  const scheduled = weights.reduce((total, weight) => total + weight, 0n);
  amounts.set(last, (amounts.get(last) as bigint) + totals.outstanding.minor - scheduled);
  return AGING_BUCKETS.map((bucket, index) => ({
    bucket,
    amount: Money.of(amounts.get(bucket) as bigint, facts.currency),
    functional: functional[index],
  }));
}

function emptyAging(facts: PledgeFacts): AgingLine[] {
  return AGING_BUCKETS.map((bucket) => ({
    bucket,
    amount: Money.zero(facts.currency),
    functional: Money.zero(facts.functionalCurrency),
  }));
}

function clamp(value: bigint, max: bigint): bigint {
  if (value < 0n) return 0n;
  return value > max ? max : value;
}
