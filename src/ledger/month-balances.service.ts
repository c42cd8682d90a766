import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { addDays, CalendarDate, lastDayOfMonth } from '../common/calendar-date';
import { PeriodHooks } from './period-hooks';
import { MonthBalancesRepository } from './month-balances.repository';

/**
 * Keeps ledger_month_balance in step with the periods: a month's sums are written in the
 * transaction that closes it and deleted in the one that reopens it, so that the trial balance
 * and the fund position can add up closed months instead of reading every line, and still find
 * the same figures (nothing can be posted into a closed month).
 */
@Injectable()
export class MonthBalancesService implements OnModuleInit {
  constructor(
    private readonly hooks: PeriodHooks,
    private readonly repository: MonthBalancesRepository,
  ) {}

  onModuleInit(): void {
    this.hooks.register('afterClose', ({ manager, fund, period }) =>
      this.repository.write(manager, fund.id, period),
    );
    this.hooks.register('afterReopen', ({ manager, fund, period }) =>
      this.repository.remove(manager, fund.id, period),
    );
  }

  /**
   * How to read a fund's balances as of a day: the kept sums of the closed months that ended by
   * then, and the lines of the other days from the first line to the day (as few date ranges as
   * possible). Undefined when the fund has no line on or before the day.
   */
  async spans(
    manager: EntityManager,
    fundId: string,
    asOf: CalendarDate,
  ): Promise<{ kept: string[]; ranges: DateRange[] } | undefined> {
    const first = await this.repository.firstDay(manager, fundId);
    if (first === null || first > asOf) return undefined;
    const kept = await this.repository.keptMonths(manager, fundId, lastFullMonth(asOf));
    return { kept, ranges: openRanges(first, asOf, kept) };
  }
}

export interface DateRange {
  from: CalendarDate;
  to: CalendarDate;
}

/** The last month whose last day is on or before the day (YYYY-MM). */
export function lastFullMonth(asOf: CalendarDate): string {
  if (asOf === lastDayOfMonth(asOf.slice(0, 7))) return asOf.slice(0, 7);
  return addDays(`${asOf.slice(0, 7)}-01`, -1).slice(0, 7);
}

/**
 * The days from `first` to `asOf` outside the kept months, as few ranges as possible (usually
 * one: from the first open month to the day).
 */
export function openRanges(
  first: CalendarDate,
  asOf: CalendarDate,
  kept: readonly string[],
): DateRange[] {
  const skip = new Set(kept);
  const ranges: DateRange[] = [];
  let [year, month] = first.split('-').map(Number);
  let previousOpen = false;
  for (;;) {
    const period = `${year}-${String(month).padStart(2, '0')}`;
    const open = !skip.has(period);
    if (open) {
      const end = lastDayOfMonth(period);
      const to = end < asOf ? end : asOf;
      // Consecutive open months make one range.
      if (previousOpen) ranges[ranges.length - 1].to = to;
      else ranges.push({ from: period === first.slice(0, 7) ? first : `${period}-01`, to });
    }
    previousOpen = open;
    if (period === asOf.slice(0, 7)) return ranges;
    [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
  }
}
