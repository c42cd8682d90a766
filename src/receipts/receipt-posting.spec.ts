import fc from 'fast-check';
import { amountErrors, imbalances } from '../ledger/ledger.service';
import { PostingLine } from '../ledger/ledger.types';
import { Money } from '../money/money';
import { Rate } from '../money/rate';
import { OpenSlot, planAuto, planExplicit } from './allocation-plan';
import {
  AllocationPart,
  allocationLines,
  Carried,
  receiptValue,
  recordingLines,
  shareOf,
  splitValue,
  unappliedLine,
} from './receipt-posting';

const minor = (max: bigint) => fc.bigInt({ min: 1n, max });
/** A rate with up to 6 decimals between 0.01 and 100 (fund units per unit). */
const rate = fc.bigInt({ min: 10_000n, max: 100_000_000n }).map((num) => Rate.of(num, 1_000_000n));

describe('receipt posting', () => {
  it('clears a carried balance in any number of parts to exactly zero in both currencies', () => {
    fc.assert(
      fc.property(
        minor(10_000_000_000n),
        fc.bigInt({ min: 0n, max: 20_000_000_000n }),
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 12 }),
        (amount, functional, weights) => {
          const parts = Money.of(amount, 'EUR').allocate(weights.map(BigInt));
          let carried: Carried = { minor: amount, functionalMinor: functional };
          let relieved = 0n;
          for (const part of parts) {
            const share = shareOf(carried, part.minor);
            // Close to the exact proportion of the original balance: rounding of earlier parts
            // is carried forward, a minor unit per part at most.
            const exact = (functional * part.minor) / amount;
            const drift = share > exact ? share - exact : exact - share;
            expect(drift <= 1n + BigInt(parts.length)).toBe(true);
            relieved += share;
            carried = {
              minor: carried.minor - part.minor,
              functionalMinor: carried.functionalMinor - share,
            };
          }
          expect(carried).toEqual({ minor: 0n, functionalMinor: 0n });
          expect(relieved).toBe(functional);
        },
      ),
    );
  });

  it('posts a receipt that balances in each currency and in CHF, whatever it pays and whatever is left', () => {
    fc.assert(
      fc.property(
        minor(100_000_000n),
        fc.integer({ min: 0, max: 99 }),
        rate,
        fc.array(fc.tuple(fc.integer({ min: 1, max: 100 }), minor(50_000_000n), fc.boolean()), {
          maxLength: 5,
        }),
        (grossMinor, chargesPercent, fxRate, split) => {
          const gross = Money.of(grossMinor, 'EUR');
          const charges = Money.of((grossMinor * BigInt(chargesPercent)) / 100n, 'EUR');
          const weights = split.map(([weight]) => BigInt(weight));
          // Some of the receipt goes to pledges (in EUR or in USD), the rest stays unapplied.
          const applied = split.length === 0 ? [] : gross.allocate([...weights, 1n]).slice(0, -1);
          const parts: AllocationPart[] = applied.map((amount, index) => {
            const inUsd = split[index][2];
            return {
              pledge: {
                id: `p${index}`,
                donorId: 'd',
                earmarkId: 'e',
                currency: inUsd ? 'USD' : 'EUR',
              },
              seq: 1,
              receiptAmount: amount,
              pledgeAmount: inUsd ? amount.convert(Rate.of(11n, 10n), 'USD') : amount,
              value: Money.zero('CHF'),
              relieved: Money.of(split[index][1], 'CHF'),
            };
          });
          const value = receiptValue(gross, charges, fxRate, 'CHF');
          const unapplied = gross.subtract(Money.sum('EUR', applied));
          const values = splitValue(value.grossFunctional, [...applied, unapplied], fxRate);
          const lines = recordingLines({
            receiptId: 'r',
            bankAccountId: 'b',
            donorId: 'd',
            gross,
            charges,
            value,
            parts: parts.map((part, index) => ({ ...part, value: values[index] })),
            unapplied,
            unappliedValue: values[values.length - 1],
            functionalCurrency: 'CHF',
          });
          expect(imbalances('CHF', lines)).toEqual([]);
          expect(Money.sum('CHF', values).equals(value.grossFunctional)).toBe(true);
        },
      ),
    );
  });
});

describe('allocation plans', () => {
  const slot = (
    id: string,
    seq: number,
    dueDate: string,
    due: string,
    named = false,
  ): OpenSlot => ({
    pledge: { id, reference: `WSIS-TF-2026-${id}`, donorId: 'd', earmarkId: 'e', currency: 'CHF' },
    seq,
    dueDate,
    due: Money.parse(due, 'CHF'),
    named,
  });

  it('never gives an instalment more than it asks nor spends more than the receipt has', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 28 }), minor(1_000_000n)), {
          minLength: 1,
          maxLength: 8,
        }),
        minor(5_000_000n),
        (dues, available) => {
          const slots = dues.map(([day, due], index) =>
            slot(
              '0001',
              index + 1,
              `2026-05-${String(day).padStart(2, '0')}`,
              Money.of(due, 'CHF').toDecimalString(),
            ),
          );
          const parts = planAuto(slots, Money.of(available, 'CHF'), new Map());
          const spent = parts.reduce((sum, part) => sum + part.receiptAmount.minor, 0n);
          const due = dues.reduce((sum, [, amount]) => sum + amount, 0n);
          expect(spent).toBe(available < due ? available : due);
          for (const part of parts)
            expect(part.pledgeAmount.compare(part.slot.due)).toBeLessThanOrEqual(0);
          // Oldest due first: no later instalment is paid while an earlier one is left unpaid.
          const paid = new Set(parts.map((part) => part.slot.seq));
          const unpaidDates = slots
            .filter((s) => !parts.some((p) => p.slot.seq === s.seq && p.pledgeAmount.equals(s.due)))
            .map((s) => s.dueDate);
          for (const part of parts.filter((p) => p.pledgeAmount.equals(p.slot.due))) {
            expect(unpaidDates.every((date) => date >= part.slot.dueDate)).toBe(true);
          }
          expect(paid.size).toBe(parts.length);
        },
      ),
    );
  });

  it('pays the pledges named in the remittance first, and only them', () => {
    const slots = [
      slot('0001', 1, '2026-01-31', '100.00'),
      slot('0002', 1, '2026-06-30', '100.00', true),
    ];
    const parts = planAuto(slots, Money.parse('150.00', 'CHF'), new Map());
    expect(parts.map((part) => [part.slot.pledge.id, part.pledgeAmount.toDecimalString()])).toEqual(
      [['0002', '100.00']],
    );
  });

  it('refuses explicit allocations beyond what is open, counting an instalment named twice once', () => {
    const slots = [slot('0001', 1, '2026-01-31', '100.00')];
    const { errors } = planExplicit(
      slots,
      [
        { pledgeId: '0001', instalment: 1, amount: '60.00' },
        { pledgeId: '0001', instalment: 1, amount: '60.00' },
      ],
      Money.parse('500.00', 'CHF'),
      new Map(),
    );
    expect(errors).toEqual([
      expect.objectContaining({ field: 'allocations[1].amount', rule: 'notMoreThanOpen' }),
    ]);
  });
});

describe('receipt posting across currencies, automatic allocation', () => {
  const FUNCTIONAL = 'CHF';
  const CURRENCIES = ['CHF', 'EUR', 'USD', 'JPY'] as const;
  /** Roughly what a unit of USD buys, so that generated rates stay of the right size. */
  const PER_USD: Record<(typeof CURRENCIES)[number], bigint> = {
    CHF: 900_000n,
    EUR: 920_000n,
    USD: 1_000_000n,
    JPY: 150_000_000n,
  };
  /** UN rates as the rates service keeps them: units per USD, six decimals, ±50%. */
  const unitsPerUsd = fc.record(
    Object.fromEntries(
      CURRENCIES.map((currency) => [
        currency,
        fc
          .bigInt({ min: PER_USD[currency] / 2n, max: (PER_USD[currency] * 3n) / 2n })
          .map((num) => Rate.of(num, 1_000_000n)),
      ]),
    ) as Record<(typeof CURRENCIES)[number], fc.Arbitrary<Rate>>,
  );
  /** Units of `to` per unit of `from`, as RatesService.rate computes it. */
  const cross = (upu: Record<string, Rate>, from: string, to: string): Rate =>
    from === to ? Rate.ONE : upu[to].divide(upu[from]);
  /** Up to 100,000 units of the currency, in its minor units. */
  const inMinor = (currency: string, whole: bigint): bigint =>
    currency === 'JPY' ? whole / 100n + 1n : whole;

  const pledgeArb = fc.record({
    currency: fc.constantFrom(...CURRENCIES),
    instalments: fc.array(fc.bigInt({ min: 1n, max: 10_000_000n }), {
      minLength: 1,
      maxLength: 3,
    }),
    /** Already paid of the first instalment, in parts per 1,000 (the receivable carried less). */
    paidPerMille: fc.constantFrom(0n, 0n, 0n, 333n, 500n, 999n),
  });

  /**
   * What ReceiptsService.plan does with the plan: each part relieves its share of the pledge's
   * receivable at the value it was booked at (the agreement's rate).
   */
  function planned(
    pledges: Array<{ currency: string; instalments: bigint[]; paidPerMille: bigint }>,
    receiptCurrency: string,
    available: Money,
    atAgreement: Record<string, Rate>,
    atValueDate: Record<string, Rate>,
  ): Array<Omit<AllocationPart, 'value'>> {
    const carried = new Map<string, Carried>();
    const slots: OpenSlot[] = [];
    pledges.forEach((pledge, index) => {
      const id = `p${index}`;
      const dues = pledge.instalments.map((amount, seq) =>
        seq === 0 ? amount - (amount * pledge.paidPerMille) / 1000n : amount,
      );
      const total = pledge.instalments.reduce((a, b) => a + b, 0n);
      const booked = Money.of(total, pledge.currency).convert(
        cross(atAgreement, pledge.currency, FUNCTIONAL),
        FUNCTIONAL,
      );
      const open = dues.reduce((a, b) => a + b, 0n);
      carried.set(id, {
        minor: open,
        functionalMinor: shareOf({ minor: total, functionalMinor: booked.minor }, open),
      });
      dues.forEach((due, seq) => {
        if (due <= 0n) return;
        slots.push({
          pledge: {
            id,
            reference: `WSIS-TF-2026-${String(index).padStart(4, '0')}`,
            donorId: 'd',
            earmarkId: 'e',
            currency: pledge.currency,
          },
          seq: seq + 1,
          dueDate: `2026-0${seq + 1}-${String(10 + index).padStart(2, '0')}`,
          due: Money.of(due, pledge.currency),
          named: false,
        });
      });
    });
    const rates = new Map<string, Rate>();
    for (const currency of new Set(pledges.map((pledge) => pledge.currency))) {
      if (currency !== receiptCurrency)
        rates.set(currency, cross(atValueDate, receiptCurrency, currency));
    }
    return planAuto(slots, available, rates).map((part) => {
      const pledgeCarried = carried.get(part.slot.pledge.id) as Carried;
      const relievedMinor = shareOf(pledgeCarried, part.pledgeAmount.minor);
      carried.set(part.slot.pledge.id, {
        minor: pledgeCarried.minor - part.pledgeAmount.minor,
        functionalMinor: pledgeCarried.functionalMinor - relievedMinor,
      });
      return {
        pledge: part.slot.pledge,
        seq: part.slot.seq,
        receiptAmount: part.receiptAmount,
        pledgeAmount: part.pledgeAmount,
        relieved: Money.of(relievedMinor, FUNCTIONAL),
      };
    });
  }

  /** The rules LedgerService.post refuses an entry for, on its amounts. */
  function refusals(lines: readonly PostingLine[]): string[] {
    return [
      ...imbalances(FUNCTIONAL, lines),
      ...lines.flatMap((line, index) =>
        amountErrors(`lines[${index}]`, { functional_currency: FUNCTIONAL }, line).map(
          (error) => `${error.field} ${line.accountCode}: ${error.reason}`,
        ),
      ),
    ];
  }

  const scenario = fc.record({
    receiptCurrency: fc.constantFrom(...CURRENCIES),
    grossWhole: fc.bigInt({ min: 1n, max: 10_000_000n }),
    chargesPerMille: fc.constantFrom(0n, 1n, 7n, 25n, 100n),
    pledges: fc.array(pledgeArb, { minLength: 1, maxLength: 4 }),
    atAgreement: unitsPerUsd,
    atValueDate: unitsPerUsd,
  });

  it('records a receipt applied oldest due first to pledges in any currencies as an entry the ledger accepts', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const gross = Money.of(inMinor(s.receiptCurrency, s.grossWhole), s.receiptCurrency);
        const charges = Money.of((gross.minor * s.chargesPerMille) / 1000n, s.receiptCurrency);
        const rate = cross(s.atValueDate, s.receiptCurrency, FUNCTIONAL);
        const parts = planned(s.pledges, s.receiptCurrency, gross, s.atAgreement, s.atValueDate);
        const unapplied = gross.subtract(
          Money.sum(
            gross.currency,
            parts.map((part) => part.receiptAmount),
          ),
        );
        const value = receiptValue(gross, charges, rate, FUNCTIONAL);
        const values = splitValue(
          value.grossFunctional,
          [...parts.map((part) => part.receiptAmount), unapplied],
          rate,
        );
        const lines = recordingLines({
          receiptId: 'r',
          bankAccountId: 'b',
          donorId: 'd',
          gross,
          charges,
          value,
          parts: parts.map((part, index) => ({ ...part, value: values[index] })),
          unapplied,
          unappliedValue: values[values.length - 1],
          functionalCurrency: FUNCTIONAL,
        });
        expect(refusals(lines)).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('applies a receipt’s unapplied credit later to pledges in any currencies as an entry the ledger accepts', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        // The credit as the recording entry left it: its amount, at the value date's rate.
        const held = Money.of(inMinor(s.receiptCurrency, s.grossWhole), s.receiptCurrency);
        const heldValue = held.convert(
          cross(s.atValueDate, s.receiptCurrency, FUNCTIONAL),
          FUNCTIONAL,
        );
        const parts = planned(s.pledges, s.receiptCurrency, held, s.atAgreement, s.atValueDate);
        // As ReceiptsService.allocate: each part takes its share of the credit at its carried value.
        let carried: Carried = { minor: held.minor, functionalMinor: heldValue.minor };
        const valued = parts.map((part) => {
          const valueMinor = shareOf(carried, part.receiptAmount.minor);
          carried = {
            minor: carried.minor - part.receiptAmount.minor,
            functionalMinor: carried.functionalMinor - valueMinor,
          };
          return { ...part, value: Money.of(valueMinor, FUNCTIONAL) };
        });
        fc.pre(valued.length > 0);
        const lines: PostingLine[] = [
          unappliedLine(
            { receiptId: 'r', bankAccountId: 'b', donorId: 'd' },
            Money.of(held.minor - carried.minor, held.currency),
            Money.of(heldValue.minor - carried.functionalMinor, FUNCTIONAL),
          ),
          ...valued.flatMap((part) => allocationLines(part, 'r', FUNCTIONAL)),
        ];
        expect(refusals(lines)).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });
});
