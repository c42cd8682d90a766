import { ValidateBy, ValidationOptions } from 'class-validator';

/** A day of the calendar written 'YYYY-MM-DD': how dates travel through the API and the SQL. */
export type CalendarDate = string;

const SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Why `value` is not a usable calendar date, or undefined when it is: the shape YYYY-MM-DD, a
 * day that exists (no 2026-02-30), and a year in 1900–2999 (a typo such as 0226 is caught).
 */
export function calendarDateProblem(value: unknown): string | undefined {
  const match = typeof value === 'string' ? SHAPE.exec(value) : null;
  if (match === null) return 'must be a date written YYYY-MM-DD, such as 2026-01-31';
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return `must be a real calendar date; ${value as string} does not exist`;
  }
  if (year < 1900 || year > 2999) return 'must be a date between 1900-01-01 and 2999-12-31';
  return undefined;
}

export function isCalendarDate(value: unknown): value is CalendarDate {
  return calendarDateProblem(value) === undefined;
}

/** Today in UTC: what "now" means for an as-of date when none is given. */
export function todayUtc(now: Date = new Date()): CalendarDate {
  return now.toISOString().slice(0, 10);
}

/** class-validator decorator for request fields that are calendar dates. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value) => isCalendarDate(value),
        defaultMessage: (args) =>
          `${args?.property} ${calendarDateProblem(args?.value) ?? 'must be a date'}`,
      },
    },
    options,
  );
}

/** The day `days` after (or before, when negative) the date; UTC arithmetic, no time zone. */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The last day of a month: '2026-02' → '2026-02-28'. */
export function lastDayOfMonth(period: string): CalendarDate {
  const [year, month] = period.split('-').map(Number);
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}
