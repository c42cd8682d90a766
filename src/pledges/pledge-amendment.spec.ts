import fc from 'fast-check';
import { amendSchedule, ScheduleChanges, ScheduleLine } from './pledge-amendment';

// fast-check prints the seed and path of a failing run; pass them to fc.assert to replay it.
const RUNS = { numRuns: 300 };

const date = fc
  .integer({ min: 0, max: 3 * 365 })
  .map((days) => new Date(Date.UTC(2026, 0, 1) + days * 86_400_000).toISOString().slice(0, 10));
const amount = fc.bigInt({ min: 1n, max: 10n ** 9n });

/** A schedule numbered 1…n, and an amendment naming some of its instalments (never twice). */
const scenario = fc
  .array(fc.record({ dueDate: date, amountMinor: amount }), { minLength: 1, maxLength: 15 })
  .chain((lines) => {
    const schedule: ScheduleLine[] = lines.map((line, index) => ({ ...line, seq: index + 1 }));
    const seqs = schedule.map((line) => line.seq);
    return fc.record({
      schedule: fc.constant(schedule),
      // Each instalment is left alone, changed or removed.
      fate: fc.array(fc.constantFrom('keep', 'change', 'remove'), {
        minLength: seqs.length,
        maxLength: seqs.length,
      }),
      changes: fc.array(
        fc.record({ dueDate: fc.option(date, { nil: undefined }), amountMinor: amount }),
        { minLength: seqs.length, maxLength: seqs.length },
      ),
      add: fc.array(fc.record({ dueDate: date, amountMinor: amount }), { maxLength: 5 }),
      nextSeq: fc.integer({ min: seqs.length + 1, max: seqs.length + 20 }),
    });
  })
  .map(({ schedule, fate, changes, add, nextSeq }) => {
    const request: ScheduleChanges = {
      change: schedule
        .filter((_, index) => fate[index] === 'change')
        .map((line) => {
          const change = changes[line.seq - 1];
          // A change that changes nothing is refused: make sure the amount moves.
          const amountMinor =
            change.amountMinor === line.amountMinor ? line.amountMinor + 1n : change.amountMinor;
          return { seq: line.seq, dueDate: change.dueDate, amountMinor };
        }),
      add,
      remove: schedule.filter((_, index) => fate[index] === 'remove').map((line) => line.seq),
    };
    return { schedule, request, nextSeq };
  })
  .filter(
    ({ schedule, request }) => schedule.length - request.remove.length + request.add.length > 0,
  );

describe(amendSchedule.name, () => {
  it('never creates extra instalments: the count moves by exactly added − removed, nothing unnamed changes, and the new total is what the schedule sums to', () => {
    fc.assert(
      fc.property(scenario, ({ schedule, request, nextSeq }) => {
        const { schedule: amended, errors } = amendSchedule(schedule, request, nextSeq, new Map());
        expect(errors).toEqual([]);
        const lines = amended!.lines;
        expect(lines).toHaveLength(schedule.length + request.add.length - request.remove.length);
        const named = new Set([...request.change.map((c) => c.seq), ...request.remove]);
        for (const line of schedule.filter((l) => !named.has(l.seq))) {
          expect(lines).toContainEqual({ ...line, change: 'unchanged' });
        }
        for (const seq of request.remove) {
          expect(lines.some((line) => line.seq === seq)).toBe(false);
        }
        const added = lines.filter((line) => line.change === 'added');
        expect(added.map((line) => line.seq).sort((a, b) => a - b)).toEqual(
          request.add.map((_, index) => nextSeq + index),
        );
        expect(new Set(lines.map((line) => line.seq)).size).toBe(lines.length);
        // The amount the caller checks against: the kept, changed and added amounts, exactly.
        const expected =
          schedule
            .filter((line) => !named.has(line.seq))
            .reduce((sum, line) => sum + line.amountMinor, 0n) +
          request.change.reduce((sum, change) => sum + (change.amountMinor as bigint), 0n) +
          request.add.reduce((sum, line) => sum + line.amountMinor, 0n);
        expect(lines.reduce((sum, line) => sum + line.amountMinor, 0n)).toBe(expected);
        // Ordered as payments are applied: by due date, then seq.
        const order = lines.map((line) => `${line.dueDate}#${String(line.seq).padStart(5, '0')}`);
        expect([...order].sort()).toEqual(order);
      }),
      RUNS,
    );
  });

  it('refuses any change to a paid instalment, whatever else is asked', () => {
    fc.assert(
      fc.property(
        scenario.filter(({ request }) => request.change.length + request.remove.length > 0),
        ({ schedule, request, nextSeq }) => {
          const target = [...request.change.map((c) => c.seq), ...request.remove][0];
          const { schedule: amended, errors } = amendSchedule(
            schedule,
            request,
            nextSeq,
            new Map([[target, 'CHF 1.00']]),
          );
          expect(amended).toBeUndefined();
          expect(errors).toContainEqual(
            expect.objectContaining({
              rule: 'unpaid',
              reason: expect.stringContaining(`instalment ${target} has received CHF 1.00`),
            }),
          );
        },
      ),
      RUNS,
    );
  });

  const schedule: ScheduleLine[] = [
    { seq: 1, dueDate: '2026-03-31', amountMinor: 10_000n },
    { seq: 2, dueDate: '2026-06-30', amountMinor: 10_000n },
  ];

  it.each<[string, ScheduleChanges, Array<{ field: string; rule: string }>]>([
    [
      'an unknown seq',
      { change: [{ seq: 7, amountMinor: 1n }], add: [], remove: [9] },
      [
        { field: 'instalments.change[0].seq', rule: 'exists' },
        { field: 'instalments.remove[0]', rule: 'exists' },
      ],
    ],
    [
      'a seq named twice',
      { change: [{ seq: 2, amountMinor: 5n }], add: [], remove: [2] },
      [{ field: 'instalments.remove[0]', rule: 'namedOnce' }],
    ],
    [
      'a change that changes nothing',
      { change: [{ seq: 1, dueDate: '2026-03-31' }], add: [], remove: [] },
      [{ field: 'instalments.change[0]', rule: 'changesSomething' }],
    ],
    [
      'removing every instalment',
      { change: [], add: [], remove: [1, 2] },
      [{ field: 'instalments.remove', rule: 'notEmpty' }],
    ],
  ])('refuses %s, field by field', (_, changes, expected) => {
    const { schedule: amended, errors } = amendSchedule(schedule, changes, 3, new Map());
    expect(amended).toBeUndefined();
    expect(errors.map(({ field, rule }) => ({ field, rule }))).toEqual(expected);
  });
});
