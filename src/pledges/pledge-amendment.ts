import { CalendarDate } from '../common/calendar-date';
import { FieldError } from '../common/errors/problem';
import { MAX_INSTALMENTS } from './pledge-schedule';

/** One instalment of a schedule, as stored and as kept in an amendment's history. */
export interface ScheduleLine {
  seq: number;
  dueDate: CalendarDate;
  amountMinor: bigint;
}

/** What an amendment asks for, amounts already read in minor units of the pledge currency. */
export interface ScheduleChanges {
  change: ReadonlyArray<{ seq: number; dueDate?: CalendarDate; amountMinor?: bigint }>;
  add: ReadonlyArray<{ dueDate: CalendarDate; amountMinor: bigint }>;
  remove: readonly number[];
}

export type LineChange = 'unchanged' | 'changed' | 'added';

export interface AmendedSchedule {
  /** Ordered by due date, then seq (the order payments are applied in). */
  lines: Array<ScheduleLine & { change: LineChange }>;
  removed: number[];
}

/**
 * Applies exactly the named changes to a schedule: an instalment not named in `change` or
 * `remove` is kept as it is, and only the instalments in `add` are added (numbered from
 * `nextSeq`, never reusing a number). Refused, field by field, when a seq is unknown or named
 * twice, a change changes nothing, a `locked` (paid or partly paid) instalment is named, or the
 * schedule would be empty or too long. Whether it sums to the amount is the caller's check.
 */
export function amendSchedule(
  current: readonly ScheduleLine[],
  changes: ScheduleChanges,
  nextSeq: number,
  locked: ReadonlyMap<number, string>,
): { schedule?: AmendedSchedule; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const bySeq = new Map(current.map((line) => [line.seq, line]));
  const named = new Set<number>();
  const check = (field: string, seq: number, action: string): boolean => {
    if (!bySeq.has(seq)) {
      errors.push({ field, rule: 'exists', reason: `the pledge has no instalment ${seq}` });
      return false;
    }
    if (named.has(seq)) {
      errors.push({
        field,
        rule: 'namedOnce',
        reason: `instalment ${seq} is named more than once`,
      });
      return false;
    }
    named.add(seq);
    const paid = locked.get(seq);
    if (paid !== undefined) {
      errors.push({
        field,
        rule: 'unpaid',
        reason: `instalment ${seq} has received ${paid}: a paid or partly paid instalment cannot be ${action}`,
      });
      return false;
    }
    return true;
  };

  const changed = new Map<number, ScheduleLine>();
  changes.change.forEach((change, index) => {
    const field = `instalments.change[${index}]`;
    if (!check(`${field}.seq`, change.seq, 'changed')) return;
    const line = bySeq.get(change.seq) as ScheduleLine;
    const next = {
      seq: line.seq,
      dueDate: change.dueDate ?? line.dueDate,
      amountMinor: change.amountMinor ?? line.amountMinor,
    };
    if (next.dueDate === line.dueDate && next.amountMinor === line.amountMinor) {
      errors.push({
        field,
        rule: 'changesSomething',
        reason: `instalment ${line.seq} would stay as it is: give a new due date or amount`,
      });
      return;
    }
    changed.set(line.seq, next);
  });
  changes.remove.forEach((seq, index) => {
    check(`instalments.remove[${index}]`, seq, 'removed');
  });
  const removed = new Set(changes.remove);
  const kept = current
    .filter((line) => !removed.has(line.seq))
    .map((line) => {
      const next = changed.get(line.seq);
      return next === undefined
        ? { ...line, change: 'unchanged' as const }
        : { ...next, change: 'changed' as const };
    });
  const added = changes.add.map((line, index) => ({
    seq: nextSeq + index,
    dueDate: line.dueDate,
    amountMinor: line.amountMinor,
    change: 'added' as const,
  }));
  const lines = [...kept, ...added];
  if (lines.length === 0) {
    errors.push({
      field: 'instalments.remove',
      rule: 'notEmpty',
      reason: 'a pledge keeps at least one instalment',
    });
  } else if (lines.length > MAX_INSTALMENTS) {
    errors.push({
      field: 'instalments.add',
      rule: 'atMostInstalments',
      reason: `a pledge has at most ${MAX_INSTALMENTS} instalments; this would make ${lines.length}`,
    });
  }
  if (errors.length > 0) return { errors };
  return {
    schedule: { lines: lines.sort(byDueDate), removed: [...removed].sort((a, b) => a - b) },
    errors,
  };
}

/** The order payments are applied in: oldest due first, then by number. */
export function byDueDate(a: ScheduleLine, b: ScheduleLine): number {
  if (a.dueDate === b.dueDate) return a.seq - b.seq;
  return a.dueDate < b.dueDate ? -1 : 1;
}
