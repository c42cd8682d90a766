import { addDays, CalendarDate } from '../common/calendar-date';
import { Money } from '../money/money';
import { daysBetween } from '../pledges/pledge-schedule';
import { PledgeView } from '../pledges/pledge-status';

/** When a fund's donors are reminded of their instalments. */
export interface ReminderPolicy {
  enabled: boolean;
  /** Step 0 is sent from this many days before the due date (0: on the due date). */
  daysBeforeDue: number;
  /** Step 1 is sent the day after the due date, each later step this many days after it. */
  overdueEveryDays: number;
  /** The last overdue step (0: no reminder once overdue). */
  maxOverdueReminders: number;
}

/** The policy of a fund that has none stored (the database's column defaults say the same). */
export const DEFAULT_REMINDER_POLICY: Readonly<ReminderPolicy> = {
  enabled: true,
  daysBeforeDue: 30,
  overdueEveryDays: 30,
  maxOverdueReminders: 3,
};

/** The first day `step` of an instalment due on `dueDate` may be sent. */
export function stepDate(
  policy: ReminderPolicy,
  dueDate: CalendarDate,
  step: number,
): CalendarDate {
  if (step === 0) return addDays(dueDate, -policy.daysBeforeDue);
  return addDays(dueDate, 1 + (step - 1) * policy.overdueEveryDays);
}

/**
 * The latest step due on `today` for an unpaid instalment due on `dueDate`, or null when none
 * is: before the window, or overdue beyond what the policy sends. Only the latest counts: a job
 * that did not run for a while sends that one, not the steps it missed. Step 0 ("falls due on")
 * is never sent once the due date has passed.
 */
export function latestStepDue(
  policy: ReminderPolicy,
  dueDate: CalendarDate,
  today: CalendarDate,
): number | null {
  if (!policy.enabled) return null;
  const late = daysBetween(dueDate, today);
  if (late <= 0) return -late <= policy.daysBeforeDue ? 0 : null;
  if (policy.maxOverdueReminders === 0) return null;
  const step = 1 + Math.floor((late - 1) / policy.overdueEveryDays);
  return Math.min(step, policy.maxOverdueReminders);
}

/** A reminder to send: the latest step due of an unpaid instalment. */
export interface DueReminder {
  instalmentId: string;
  seq: number;
  dueDate: CalendarDate;
  step: number;
  /** What the instalment still asks for, in the pledge's currency. */
  outstanding: Money;
}

/** Pledges whose instalments may be reminded: agreed and neither paid nor ended. */
const OPEN_STATUSES: ReadonlySet<string> = new Set(['agreed', 'partially-paid', 'overdue']);

/**
 * What a pledge's donor is to be reminded of on `today`: for each instalment still unpaid on
 * the pledge's derived schedule (as of `today`), its latest step due, unless that step or a
 * later one was sent already (a due date moved later by an amendment does not repeat a step).
 * An instalment no longer stored (removed by a later amendment) is not reminded.
 */
export function dueReminders(
  view: PledgeView,
  policy: ReminderPolicy,
  today: CalendarDate,
  instalmentIds: ReadonlyMap<number, string>,
  lastSteps: ReadonlyMap<string, number>,
): DueReminder[] {
  if (!OPEN_STATUSES.has(view.status)) return [];
  return view.instalments.flatMap((instalment): DueReminder[] => {
    const instalmentId = instalmentIds.get(instalment.seq);
    if (instalmentId === undefined || !instalment.amountDue.isPositive()) return [];
    const step = latestStepDue(policy, instalment.dueDate, today);
    const last = lastSteps.get(instalmentId);
    if (step === null || (last !== undefined && last >= step)) return [];
    const { seq, dueDate, amountDue } = instalment;
    return [{ instalmentId, seq, dueDate, step, outstanding: amountDue }];
  });
}

export { addDays };
