import fc from 'fast-check';
import { InvalidRateError } from './money.errors';
import { divideHalfEven, formatScaled, Rate } from './rate';

const RUNS = { numRuns: 500 };
const abs = (n: bigint) => (n < 0n ? -n : n);

describe(Rate.name, () => {
  it.each([
    ['0.912345', 182469n, 200000n],
    ['1', 1n, 1n],
    ['1.0', 1n, 1n],
    ['0.5', 1n, 2n],
    ['0.50', 1n, 2n],
    ['1500.25', 6001n, 4n],
    ['0.000000000001', 1n, 1000000000000n],
    ['89500', 89500n, 1n],
  ])('reads %s exactly as %p/%p, in lowest terms', (input, num, den) => {
    const rate = Rate.parse(input);
    expect([rate.num, rate.den]).toEqual([num, den]);
  });

  it.each([
    ['0', /greater than zero/],
    ['0.000', /greater than zero/],
    ['-0.9', /not a rate/],
    ['+0.9', /not a rate/],
    ['0.9e1', /not a rate/],
    ['1,5', /not a rate/],
    ['1,000.5', /not a rate/],
    ['.5', /not a rate/],
    ['5.', /not a rate/],
    ['01.5', /not a rate/],
    [' 1.5', /not a rate/],
    ['0.0000000000001', /not a rate/], // 13 decimals
    ['', /not a rate/],
    ['NaN', /not a rate/],
  ])('refuses %p', (input, reason) => {
    expect(() => Rate.parse(input)).toThrow(InvalidRateError);
    expect(() => Rate.parse(input)).toThrow(reason);
  });

  it('refuses a zero or negative fraction', () => {
    expect(() => Rate.of(0n, 1n)).toThrow(InvalidRateError);
    expect(() => Rate.of(1n, 0n)).toThrow(InvalidRateError);
    expect(() => Rate.of(-1n, 2n)).toThrow(InvalidRateError);
  });

  it('multiplies, divides and inverts exactly', () => {
    const eurPerUsd = Rate.parse('0.862');
    const chfPerUsd = Rate.parse('0.8');
    // CHF per EUR = (CHF per USD) / (EUR per USD)
    const chfPerEur = chfPerUsd.divide(eurPerUsd);
    expect(chfPerEur.equals(Rate.of(400n, 431n))).toBe(true);
    expect(chfPerEur.times(eurPerUsd).equals(chfPerUsd)).toBe(true);
    expect(chfPerEur.inverse().equals(Rate.of(431n, 400n))).toBe(true);
    expect(chfPerEur.inverse().inverse().equals(chfPerEur)).toBe(true);
    expect(Rate.parse('2').times(Rate.parse('0.5')).equals(Rate.ONE)).toBe(true);
  });

  it('shows a rate with a fixed number of decimals, rounded half to even', () => {
    expect(Rate.of(400n, 431n).toDecimalString()).toBe('0.9280742459');
    expect(Rate.of(1n, 3n).toDecimalString(4)).toBe('0.3333');
    expect(Rate.of(2n, 3n).toDecimalString(4)).toBe('0.6667');
    expect(Rate.parse('0.25').toDecimalString(1)).toBe('0.2');
    expect(Rate.parse('0.35').toDecimalString(1)).toBe('0.4');
    expect(Rate.parse('1500').toDecimalString(0)).toBe('1500');
    expect(Rate.parse('0.912345').toDecimalString()).toBe('0.9123450000');
    expect(JSON.stringify({ rate: Rate.parse('1.5') })).toBe('{"rate":"1.5000000000"}');
  });
});

describe(divideHalfEven.name, () => {
  it('is within half of the exact quotient, and even on a tie', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }),
        fc.bigInt({ min: 1n, max: 10n ** 20n }),
        (n, d) => {
          const q = divideHalfEven(n, d);
          const error = abs(2n * (q * d - n));
          expect(error <= d).toBe(true);
          if (error === d) expect(q % 2n).toBe(0n);
          expect(divideHalfEven(-n, d)).toBe(-q);
        },
      ),
      RUNS,
    );
  });

  it('formats scaled integers with every digit', () => {
    expect(formatScaled(-5n, 2)).toBe('-0.05');
    expect(formatScaled(123450n, 2)).toBe('1234.50');
    expect(formatScaled(7n, 0)).toBe('7');
    expect(formatScaled(0n, 3)).toBe('0.000');
  });
});
