import { CalendarDate } from '../common/calendar-date';
import { Money } from '../money/money';

export const SCHEDULE_PERIODS = ['month', 'quarter', 'year'] as const;
export type SchedulePeriod = (typeof SCHEDULE_PERIODS)[number];

const MONTHS: Record<SchedulePeriod, number> = { month: 1, quarter: 3, year: 12 };

/** The most instalments one pledge may have (ten years of monthly payments). */
export const MAX_INSTALMENTS = 120;

export interface ScheduledInstalment {
  dueDate: CalendarDate;
  amount: Money;
}

/**
 * `count` instalments of `amount`, one every period from `firstDueDate`, split with Money.split:
 * the parts add up to the amount exactly and differ by at most one minor unit, the larger ones
 * first. Each due date is computed from the first (never from the previous one), so that a
 * schedule starting on the 31st stays on the 31st wherever the month allows it; one starting on
 * the last day of a month stays on month ends (28 Feb, 31 Mar, 30 Jun…).
 */
export function generateSchedule(
  amount: Money,
  count: number,
  period: SchedulePeriod,
  firstDueDate: CalendarDate,
): ScheduledInstalment[] {
  return amount.split(count).map((part, index) => ({
    dueDate: addMonths(firstDueDate, index * MONTHS[period]),
    amount: part,
  }));
}

/** `date` plus `months`, on the same day of the month, or the month's last day if shorter. */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const [year, month, day] = date.split('-').map(Number);
  const monthEnd = day === daysInMonth(year, month);
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = (index % 12) + 1;
  const lastDay = daysInMonth(targetYear, targetMonth);
  const targetDay = monthEnd ? lastDay : Math.min(day, lastDay);
  return `${String(targetYear).padStart(4, '0')}-${pad(targetMonth)}-${pad(targetDay)}`;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). UTC midnights: exact days. */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
}

/**
 * Spreads `total` over `amounts` in the order given (oldest due first): each part takes as much
 * as it can before the next gets anything. `total` is bounded to [0, sum of amounts], so the
 * parts never exceed what each instalment asks for.
 */
/**
 * How `total` paid is spread over instalments (given in the order payments apply: oldest due
 * first): each instalment first takes what receipts were explicitly allocated to it (`allocated`,
 * by seq, capped at its amount), then the rest of the total fills the remaining amounts oldest due
 * first. Without allocations this is `allocateInOrder`.
 */
export function spreadPayments(
  ordered: ReadonlyArray<{ seq: number; amountMinor: bigint }>,
  allocated: ReadonlyMap<number, bigint>,
  total: bigint,
): bigint[] {
  const explicit = ordered.map((instalment) => {
    const minor = allocated.get(instalment.seq) ?? 0n;
    if (minor < 0n) return 0n;
    return minor > instalment.amountMinor ? instalment.amountMinor : minor;
  });
  const taken = explicit.reduce((sum, minor) => sum + minor, 0n);
  const rest = allocateInOrder(
    ordered.map((instalment, index) => instalment.amountMinor - explicit[index]),
    total - taken,
  );
  return explicit.map((minor, index) => minor + rest[index]);
}

export function allocateInOrder(amounts: readonly bigint[], total: bigint): bigint[] {
  let left = total > 0n ? total : 0n;
  return amounts.map((amount) => {
    const taken = left < amount ? left : amount;
    left -= taken;
    return taken;
  });
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
