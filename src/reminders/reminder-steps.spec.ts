import fc from 'fast-check';
import { daysBetween } from '../pledges/pledge-schedule';
import { addDays, latestStepDue, ReminderPolicy, stepDate } from './reminder-steps';

const policy: ReminderPolicy = {
  enabled: true,
  daysBeforeDue: 10,
  overdueEveryDays: 7,
  maxOverdueReminders: 3,
};

describe('latestStepDue', () => {
  const due = '2026-03-31';
  const at = (today: string) => latestStepDue(policy, due, today);

  it('sends nothing before the window, step 0 from due − days before up to the due date', () => {
    expect(at('2026-03-20')).toBeNull();
    expect(at('2026-03-21')).toBe(0);
    expect(at('2026-03-31')).toBe(0);
  });

  it('sends step 1 the day after the due date, step k at due + 1 + (k − 1)·N, up to the maximum', () => {
    expect(at('2026-04-01')).toBe(1);
    expect(at('2026-04-07')).toBe(1);
    expect(at('2026-04-08')).toBe(2);
    expect(at('2026-04-15')).toBe(3);
    expect(at('2027-01-01')).toBe(3);
  });

  it('sends nothing once overdue when the maximum is 0, and nothing at all when disabled', () => {
    expect(latestStepDue({ ...policy, maxOverdueReminders: 0 }, due, '2026-04-01')).toBeNull();
    expect(latestStepDue({ ...policy, maxOverdueReminders: 0 }, due, '2026-03-31')).toBe(0);
    expect(latestStepDue({ ...policy, enabled: false }, due, '2026-03-31')).toBeNull();
  });

  it('with 0 days before, step 0 is due on the due date only', () => {
    const onTheDay = { ...policy, daysBeforeDue: 0 };
    expect(latestStepDue(onTheDay, due, '2026-03-30')).toBeNull();
    expect(latestStepDue(onTheDay, due, '2026-03-31')).toBe(0);
  });

  it('agrees with stepDate: the step due on a day is the last whose date has come', () => {
    const dates = fc.integer({ min: 0, max: 3000 }).map((offset) => addDays('2024-01-01', offset));
    fc.assert(
      fc.property(
        dates,
        dates,
        fc.integer({ min: 0, max: 365 }),
        fc.integer({ min: 1, max: 365 }),
        fc.integer({ min: 0, max: 24 }),
        (dueDate, today, daysBeforeDue, overdueEveryDays, maxOverdueReminders) => {
          const p = { enabled: true, daysBeforeDue, overdueEveryDays, maxOverdueReminders };
          const step = latestStepDue(p, dueDate, today);
          const steps = [...Array(maxOverdueReminders + 1).keys()];
          const come = steps.filter((k) => stepDate(p, dueDate, k) <= today);
          if (today > dueDate) {
            const overdue = come.filter((k) => k > 0);
            expect(step).toBe(overdue.length === 0 ? null : Math.max(...overdue));
          } else {
            expect(step).toBe(come.includes(0) ? 0 : null);
          }
        },
      ),
    );
  });
});

describe('addDays', () => {
  it('moves by exact days across months, leap days and years', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-01-01', addDays('2026-01-01', 400))).toBe(400);
  });
});
