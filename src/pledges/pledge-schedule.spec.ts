import fc from 'fast-check';
import { Money } from '../money/money';
import {
  addMonths,
  allocateInOrder,
  daysBetween,
  generateSchedule,
  MAX_INSTALMENTS,
  SCHEDULE_PERIODS,
} from './pledge-schedule';

const calendarDate = fc
  .date({
    min: new Date('2000-01-01T00:00:00Z'),
    max: new Date('2090-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((date) => date.toISOString().slice(0, 10));

const currency = fc.constantFrom('CHF', 'USD', 'EUR', 'JPY', 'KWD');

describe('generateSchedule', () => {
  it('always sums to the pledge amount, to the minor unit', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 15n }),
        currency,
        fc.integer({ min: 1, max: MAX_INSTALMENTS }),
        fc.constantFrom(...SCHEDULE_PERIODS),
        calendarDate,
        (minor, code, count, period, first) => {
          const amount = Money.of(minor, code);
          const schedule = generateSchedule(amount, count, period, first);
          expect(schedule).toHaveLength(count);
          expect(
            Money.sum(
              code,
              schedule.map((i) => i.amount),
            ).equals(amount),
          ).toBe(true);
        },
      ),
    );
  });

  it('gives every instalment at least one minor unit when there are no more instalments than minor units, never differing by more than one', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: MAX_INSTALMENTS })
          .chain((count) =>
            fc.tuple(fc.constant(count), fc.bigInt({ min: BigInt(count), max: 10n ** 12n })),
          ),
        fc.constantFrom(...SCHEDULE_PERIODS),
        calendarDate,
        ([count, minor], period, first) => {
          const parts = generateSchedule(Money.of(minor, 'CHF'), count, period, first).map(
            (i) => i.amount.minor,
          );
          expect(parts.every((part) => part > 0n)).toBe(true);
          const max = parts.reduce((a, b) => (a > b ? a : b));
          const min = parts.reduce((a, b) => (a < b ? a : b));
          expect(max - min <= 1n).toBe(true);
        },
      ),
    );
  });

  it('puts the due dates one period apart from the first, in order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(...SCHEDULE_PERIODS),
        calendarDate,
        (count, period, first) => {
          const dates = generateSchedule(Money.of(10_000n, 'CHF'), count, period, first).map(
            (i) => i.dueDate,
          );
          expect(dates[0]).toBe(first);
          for (let i = 1; i < dates.length; i++) {
            expect(dates[i] > dates[i - 1]).toBe(true);
            expect(dates[i]).toBe(addMonths(first, i * { month: 1, quarter: 3, year: 12 }[period]));
          }
        },
      ),
    );
  });

  it('splits CHF 100.00 in three as 33.34, 33.33, 33.33 every quarter from the first due date', () => {
    const schedule = generateSchedule(Money.parse('100.00', 'CHF'), 3, 'quarter', '2026-01-31');
    expect(schedule.map((i) => [i.dueDate, i.amount.toDecimalString()])).toEqual([
      ['2026-01-31', '33.34'],
      ['2026-04-30', '33.33'],
      ['2026-07-31', '33.33'],
    ]);
  });
});

describe('addMonths', () => {
  it('keeps the day of the month, or the month end when the month is shorter', () => {
    expect(addMonths('2026-01-15', 1)).toBe('2026-02-15');
    expect(addMonths('2026-01-30', 1)).toBe('2026-02-28');
    expect(addMonths('2026-01-30', 2)).toBe('2026-03-30');
    expect(addMonths('2027-11-30', 3)).toBe('2028-02-29');
    expect(addMonths('2026-12-15', 12)).toBe('2027-12-15');
  });

  it('keeps a schedule starting on a month end on month ends', () => {
    expect(addMonths('2026-02-28', 1)).toBe('2026-03-31');
    expect(addMonths('2026-06-30', 3)).toBe('2026-09-30');
    expect(addMonths('2026-06-30', 6)).toBe('2026-12-31');
  });
});

describe('allocateInOrder', () => {
  it('fills the oldest first, never more than each asks, and hands out exactly what is given', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 1n, max: 10n ** 9n }), { minLength: 1, maxLength: 20 }),
        fc.bigInt({ min: -(10n ** 9n), max: 3n * 10n ** 10n }),
        (amounts, total) => {
          const parts = allocateInOrder(amounts, total);
          const sum = amounts.reduce((a, b) => a + b, 0n);
          const expected = total < 0n ? 0n : total > sum ? sum : total;
          expect(parts.reduce((a, b) => a + b, 0n)).toBe(expected);
          parts.forEach((part, i) => {
            expect(part >= 0n && part <= amounts[i]).toBe(true);
            // A later instalment gets something only once every earlier one is full.
            if (part > 0n) expect(parts.slice(0, i).every((p, j) => p === amounts[j])).toBe(true);
          });
        },
      ),
    );
  });
});

describe('daysBetween', () => {
  it('counts whole days across months and leap years', () => {
    expect(daysBetween('2026-03-31', '2026-03-31')).toBe(0);
    expect(daysBetween('2026-03-31', '2026-04-01')).toBe(1);
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
    expect(daysBetween('2026-04-01', '2026-03-31')).toBe(-1);
  });
});
