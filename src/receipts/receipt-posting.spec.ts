import fc from 'fast-check';
import { imbalances } from '../ledger/ledger.service';
import { Money } from '../money/money';
import { Rate } from '../money/rate';
import { OpenSlot, planAuto, planExplicit } from './allocation-plan';
import {
  AllocationPart,
  Carried,
  receiptValue,
  recordingLines,
  shareOf,
  splitValue,
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
