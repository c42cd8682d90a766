import { calendarDateProblem } from '../common/calendar-date';
import { InvalidAuditPeriodError } from './audit.errors';

/** A date (2026-03-31) or an ISO-8601 timestamp with a zone (2026-03-31T14:05:09.123Z). */
export const AUDIT_TIMESTAMP_PATTERN =
  /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The half-open range [from, before) of `at` values a query asks for. A date stands for its whole
 * day in UTC, so that `to=2026-03-31` includes the records of the 31st.
 */
export function auditPeriod(
  from: string | undefined,
  to: string | undefined,
): { from: string | null; before: string | null } {
  const start = from === undefined ? null : instant('from', from);
  const end = to === undefined ? null : instant('to', to);
  if (start !== null && end !== null && end < start) {
    throw new InvalidAuditPeriodError('to', 'must not be before from');
  }
  return {
    from: start === null ? null : new Date(start).toISOString(),
    // A timestamp is inclusive: `at` has milliseconds, so the next millisecond is the bound.
    before: end === null ? null : new Date(end + (isDate(to as string) ? DAY_MS : 1)).toISOString(),
  };
}

function isDate(value: string): boolean {
  return value.length === 10;
}

function instant(field: 'from' | 'to', value: string): number {
  const problem = calendarDateProblem(value.slice(0, 10));
  if (problem !== undefined) throw new InvalidAuditPeriodError(field, problem);
  const time = Date.parse(isDate(value) ? `${value}T00:00:00Z` : value);
  if (!AUDIT_TIMESTAMP_PATTERN.test(value) || Number.isNaN(time)) {
    throw new InvalidAuditPeriodError(field, 'must be a date or an ISO-8601 timestamp');
  }
  return time;
}
