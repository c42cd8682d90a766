import fc from 'fast-check';
import { Money } from '../money/money';
import {
  AGING_BUCKETS,
  agingBucket,
  derivePledge,
  PLEDGE_AGREEMENT,
  PLEDGE_CANCELLATION,
  PLEDGE_WRITE_OFF,
  PledgeFacts,
  ReceivableSum,
} from './pledge-status';

const PAYMENT = 'manual-adjustment';

/** USD 300.00 in three instalments of 100.00, agreed at 0.80 CHF per USD. */
function facts(
  overrides: Partial<PledgeFacts> = {},
  receivable: ReceivableSum[] = [],
): PledgeFacts {
  return {
    currency: 'USD',
    functionalCurrency: 'CHF',
    amountMinor: 30_000n,
    announcedOn: '2026-01-10',
    agreedOn: '2026-01-20',
    ending: null,
    instalments: [
      { seq: 1, dueDate: '2026-03-31', amountMinor: 10_000n },
      { seq: 2, dueDate: '2026-06-30', amountMinor: 10_000n },
      { seq: 3, dueDate: '2026-09-30', amountMinor: 10_000n },
    ],
    receivable: [
      { kind: PLEDGE_AGREEMENT, currency: 'USD', amountMinor: 30_000n, functionalMinor: 24_000n },
      ...receivable,
    ],
    ...overrides,
  };
}

const paid = (usd: bigint, chf: bigint): ReceivableSum => ({
  kind: PAYMENT,
  currency: 'USD',
  amountMinor: -usd,
  functionalMinor: -chf,
});

const json = (money: Money) => money.toJSON();

describe('derivePledge', () => {
  it('is announced, with nothing due and nothing aging, until the agreement date', () => {
    const view = derivePledge(facts({ receivable: [] }), '2026-01-15');
    expect(view.status).toBe('announced');
    expect(view.instalments.map((i) => i.status)).toEqual(['announced', 'announced', 'announced']);
    expect(view.nextAmountDue).toBeNull();
    expect(view.aging.every((line) => line.amount.isZero() && line.functional.isZero())).toBe(true);
  });

  it('is agreed, then overdue once a due date has passed unpaid (not on the due date itself)', () => {
    expect(derivePledge(facts(), '2026-02-01').status).toBe('agreed');
    expect(derivePledge(facts(), '2026-03-31').status).toBe('agreed');
    const late = derivePledge(facts(), '2026-04-01');
    expect(late.status).toBe('overdue');
    expect(late.instalments[0]).toMatchObject({ status: 'overdue', daysOverdue: 1 });
  });

  it('gives as next amount due what is left of the oldest unpaid instalment, not its scheduled amount', () => {
    // 150.00 paid: the first instalment is paid, half of the second; both due dates have passed.
    const view = derivePledge(facts({}, [paid(15_000n, 12_000n)]), '2026-07-15');
    expect(view.status).toBe('overdue');
    expect(view.instalments.map((i) => [i.status, i.paid.minor, i.amountDue.minor])).toEqual([
      ['paid', 10_000n, 0n],
      ['overdue', 5_000n, 5_000n],
      ['agreed', 0n, 10_000n],
    ]);
    expect(view.nextAmountDue).toEqual({
      seq: 2,
      dueDate: '2026-06-30',
      amount: Money.of(5_000n, 'USD'),
      overdue: true,
    });
    expect(json(view.amountOverdue)).toEqual({ currency: 'USD', amount: '50.00' });
  });

  it('is partially paid while what is paid covers every passed due date, then paid', () => {
    expect(derivePledge(facts({}, [paid(10_000n, 8_000n)]), '2026-05-01').status).toBe(
      'partially-paid',
    );
    const done = derivePledge(facts({}, [paid(30_000n, 24_000n)]), '2026-12-31');
    expect(done.status).toBe('paid');
    expect(done.nextAmountDue).toBeNull();
    expect(done.instalments.every((i) => i.status === 'paid')).toBe(true);
  });

  it('never counts a write-off twice: what was paid stays paid, the rest is written off, nothing remains', () => {
    const writtenOff = derivePledge(
      facts({ ending: { kind: 'written-off', on: '2026-11-30' } }, [
        paid(10_000n, 8_000n),
        {
          kind: PLEDGE_WRITE_OFF,
          currency: 'USD',
          amountMinor: -20_000n,
          functionalMinor: -16_000n,
        },
      ]),
      '2026-12-31',
    );
    expect(writtenOff.status).toBe('written-off');
    expect(json(writtenOff.totals.paid)).toEqual({ currency: 'USD', amount: '100.00' });
    expect(json(writtenOff.totals.writtenOff)).toEqual({ currency: 'USD', amount: '200.00' });
    expect(writtenOff.totals.outstanding.isZero()).toBe(true);
    expect(writtenOff.totals.outstandingFunctional.isZero()).toBe(true);
    expect(writtenOff.instalments.map((i) => [i.status, i.amountDue.minor])).toEqual([
      ['paid', 0n],
      ['written-off', 0n],
      ['written-off', 0n],
    ]);
    expect(writtenOff.amountOverdue.isZero()).toBe(true);
    expect(writtenOff.aging.every((line) => line.amount.isZero())).toBe(true);
  });

  it('shows a cancellation from its date on, and the pledge as it was before', () => {
    const cancelled = facts({ ending: { kind: 'cancelled', on: '2026-05-01' } }, [
      {
        kind: PLEDGE_CANCELLATION,
        currency: 'USD',
        amountMinor: -30_000n,
        functionalMinor: -24_000n,
      },
    ]);
    expect(derivePledge(cancelled, '2026-05-01').status).toBe('cancelled');
    expect(derivePledge(cancelled, '2026-05-01').totals.cancelled.minor).toBe(30_000n);
    expect(
      derivePledge({ ...cancelled, receivable: cancelled.receivable.slice(0, 1) }, '2026-04-30')
        .status,
    ).toBe('overdue');
  });

  it('counts a reversed payment as no payment', () => {
    const view = derivePledge(
      facts({}, [paid(10_000n, 8_000n), paid(-10_000n, -8_000n)]),
      '2026-02-01',
    );
    expect(view.status).toBe('agreed');
    expect(view.totals.paid.isZero()).toBe(true);
  });

  it('ages each unpaid instalment amount by days overdue, in the pledge currency and in CHF', () => {
    const view = derivePledge(facts({}, [paid(5_000n, 4_000n)]), '2026-07-30');
    const byBucket = Object.fromEntries(
      view.aging.map((line) => [line.bucket, [line.amount.minor, line.functional.minor]]),
    );
    // Instalment 1: 50.00 left, 121 days overdue; 2: 100.00, 30 days; 3: 100.00, not yet due.
    expect(byBucket).toEqual({
      'not-yet-due': [10_000n, 8_000n],
      '1-30': [10_000n, 8_000n],
      '31-90': [0n, 0n],
      '91-180': [5_000n, 4_000n],
      '181-365': [0n, 0n],
      'over-365': [0n, 0n],
    });
  });

  it('keeps the aging equal to the outstanding in both currencies, whatever was paid and whenever', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: -5_000n, max: 40_000n }), { maxLength: 4 }),
        fc.bigInt({ min: 1n, max: 3n }),
        fc.constantFrom('2026-02-01', '2026-05-15', '2026-08-01', '2027-06-01', '2028-01-01'),
        (payments, rateTenths, asOf) => {
          const view = derivePledge(
            facts(
              {},
              payments.map((usd) => paid(usd, (usd * rateTenths * 8n) / 10n)),
            ),
            asOf,
          );
          const amounts = view.aging.reduce((sum, line) => sum + line.amount.minor, 0n);
          const functional = view.aging.reduce((sum, line) => sum + line.functional.minor, 0n);
          expect(amounts).toBe(view.totals.outstanding.minor);
          expect(functional).toBe(view.totals.outstandingFunctional.minor);
          const due = view.instalments.reduce((sum, i) => sum + i.amountDue.minor, 0n);
          expect(due <= 30_000n && due >= 0n).toBe(true);
        },
      ),
    );
  });
});

describe('agingBucket', () => {
  it('puts the boundaries where the report says', () => {
    const cases: Array<[number, (typeof AGING_BUCKETS)[number]]> = [
      [-10, 'not-yet-due'],
      [0, 'not-yet-due'],
      [1, '1-30'],
      [30, '1-30'],
      [31, '31-90'],
      [90, '31-90'],
      [91, '91-180'],
      [180, '91-180'],
      [181, '181-365'],
      [365, '181-365'],
      [366, 'over-365'],
    ];
    for (const [days, bucket] of cases) expect([days, agingBucket(days)]).toEqual([days, bucket]);
  });
});
