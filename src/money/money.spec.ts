import fc from 'fast-check';
import { assertCurrency, isSupportedCurrency, minorDigits } from './currency';
import { Money } from './money';
import { CurrencyMismatchError, InvalidAllocationError, InvalidAmountError } from './money.errors';
import { Rate } from './rate';

// fast-check prints the seed and path of a failing run; pass them to fc.assert to replay it.
const RUNS = { numRuns: 500 };

const HUGE = 10n ** 30n;
const amount = fc.bigInt({ min: -HUGE, max: HUGE });
const smallAmount = fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n });
const currency = fc.constantFrom('CHF', 'USD', 'EUR', 'JPY', 'KWD', 'BHD', 'GBP', 'XOF');
const weights = fc
  .array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { minLength: 1, maxLength: 12 })
  .filter((ws) => ws.some((w) => w > 0n));
const rate = fc
  .tuple(fc.bigInt({ min: 1n, max: 10n ** 15n }), fc.bigInt({ min: 1n, max: 10n ** 15n }))
  .map(([num, den]) => Rate.of(num, den));

const chf = (text: string) => Money.parse(text, 'CHF');
const abs = (n: bigint) => (n < 0n ? -n : n);

describe('ISO 4217 currencies', () => {
  it.each([
    ['CHF', 2],
    ['USD', 2],
    ['EUR', 2],
    ['JPY', 0],
    ['XOF', 0],
    ['KWD', 3],
    ['BHD', 3],
  ])('knows that %s has %i decimal places', (code, digits) => {
    expect(minorDigits(code)).toBe(digits);
    expect(assertCurrency(code)).toBe(code);
  });

  it.each([
    ['chf', 'lower case'],
    ['EURO', 'not three letters'],
    ['', 'empty'],
    ['ABC', 'never assigned'],
    ['HRK', 'withdrawn (Croatia adopted the euro)'],
    ['XAU', 'gold: ISO gives no minor unit'],
    ['XDR', 'SDR: ISO gives no minor unit'],
    ['XXX', 'no currency'],
    ['CLF', 'a fund code (Unidad de Fomento)'],
    ['USN', 'a fund code (US dollar next day)'],
  ])('refuses %s (%s) as an unknown currency', (code) => {
    expect(isSupportedCurrency(code)).toBe(false);
    expect(() => minorDigits(code)).toThrow(
      expect.objectContaining({ status: 422, code: 'unknown-currency' }),
    );
    expect(() => Money.zero(code)).toThrow(expect.objectContaining({ code: 'unknown-currency' }));
  });
});

describe(Money.name, () => {
  describe('parse', () => {
    it.each([
      ['1,234.50', 'CHF', 123450n],
      ['1234.5', 'CHF', 123450n],
      ['1234', 'CHF', 123400n],
      ['0.05', 'CHF', 5n],
      ['-0.05', 'CHF', -5n],
      ['-1,234,567.89', 'CHF', -123456789n],
      ['0', 'CHF', 0n],
      ['1,000', 'CHF', 100000n],
      ['999,999,999,999,999,999,999.99', 'CHF', 99999999999999999999999n],
      ['1500', 'JPY', 1500n],
      ['1,500', 'JPY', 1500n],
      ['1.234', 'KWD', 1234n],
      ['1.2', 'BHD', 1200n],
    ])('reads %s %s as %p minor units', (input, code, minor) => {
      const money = Money.parse(input, code);
      expect(money.minor).toBe(minor);
      expect(money.currency).toBe(code);
    });

    it.each([
      ['1,23.50', 'CHF', /groups of three/],
      ['12,34', 'CHF', /groups of three/],
      ['1,2345', 'CHF', /groups of three/],
      [',123', 'CHF', /groups of three/],
      ['0,123', 'CHF', /groups of three/],
      ['1,234,', 'CHF', /groups of three/],
      ['1.234', 'CHF', /CHF has 2 decimal places; got 3/],
      ['10.5', 'JPY', /JPY has no decimal places; got 1/],
      ['1.2345', 'KWD', /KWD has 3 decimal places; got 4/],
      ['', 'CHF', /empty/],
      [' 12', 'CHF', /spaces/],
      ['12 ', 'CHF', /spaces/],
      ['1 234.50', 'CHF', /spaces/],
      ['+12', 'CHF', /'\+'/],
      ['1e3', 'CHF', /exponent/],
      ['1.5E2', 'CHF', /exponent/],
      ['.5', 'CHF', /0 before the decimal point/],
      ['12.', 'CHF', /followed by digits/],
      ['007', 'CHF', /leading zeros/],
      ['--1', 'CHF', /write digits/],
      ['1-', 'CHF', /write digits/],
      ['CHF 12', 'CHF', /spaces/],
      ['12CHF', 'CHF', /write digits/],
      ['1.2.3', 'CHF', /write digits/],
      ['1,234.5,0', 'CHF', /write digits/],
      ['12,5', 'CHF', /groups of three/],
      ['١٢', 'CHF', /write digits/],
      ['−5', 'CHF', /write digits/],
      ['Infinity', 'CHF', /write digits/],
      ['NaN', 'CHF', /write digits/],
    ])('refuses %p for %s', (input, code, reason) => {
      let error: unknown;
      try {
        Money.parse(input, code);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(InvalidAmountError);
      expect(error).toMatchObject({ status: 422, code: 'invalid-amount' });
      expect((error as InvalidAmountError).detail).toMatch(reason);
    });

    it('refuses an unknown currency before looking at the amount', () => {
      expect(() => Money.parse('1', 'XYZ')).toThrow(
        expect.objectContaining({ code: 'unknown-currency' }),
      );
    });

    it('reads back exactly what it writes, for any amount and currency', () => {
      fc.assert(
        fc.property(amount, currency, (minor, code) => {
          const money = Money.of(minor, code);
          expect(Money.parse(money.toDecimalString(), code)).toEqual(money);
        }),
        RUNS,
      );
    });
  });

  describe('formatting', () => {
    it.each([
      [123450n, 'CHF', '1234.50', 'CHF 1234.50'],
      [-5n, 'CHF', '-0.05', 'CHF -0.05'],
      [0n, 'CHF', '0.00', 'CHF 0.00'],
      [1500n, 'JPY', '1500', 'JPY 1500'],
      [-1500n, 'JPY', '-1500', 'JPY -1500'],
      [1n, 'KWD', '0.001', 'KWD 0.001'],
    ])('%p %s is %s', (minor, code, decimal, text) => {
      const money = Money.of(minor, code);
      expect(money.toDecimalString()).toBe(decimal);
      expect(money.toString()).toBe(text);
      expect(JSON.parse(JSON.stringify({ money }))).toEqual({
        money: { currency: code, amount: decimal },
      });
    });

    it('reads minor units as the database returns them', () => {
      expect(Money.fromMinor('-123456789012345678901234567890', 'CHF').minor).toBe(
        -123456789012345678901234567890n,
      );
      expect(Money.fromMinor(42n, 'JPY').toString()).toBe('JPY 42');
      expect(() => Money.fromMinor('12.50', 'CHF')).toThrow(InvalidAmountError);
    });

    it('cannot be changed once made', () => {
      const money = chf('10.00');
      expect(Object.isFrozen(money)).toBe(true);
      expect(() => {
        (money as { minor: bigint }).minor = 1n;
      }).toThrow(TypeError);
    });
  });

  describe('arithmetic', () => {
    it('adds, subtracts, negates and compares in one currency', () => {
      const a = chf('1,234.50');
      const b = chf('0.75');
      expect(a.add(b).toString()).toBe('CHF 1235.25');
      expect(b.subtract(a).toString()).toBe('CHF -1233.75');
      expect(b.subtract(a).abs().toString()).toBe('CHF 1233.75');
      expect(a.negate().isNegative()).toBe(true);
      expect(a.subtract(a).isZero()).toBe(true);
      expect(b.isPositive()).toBe(true);
      expect([a.compare(b), b.compare(a), a.compare(chf('1234.5'))]).toEqual([1, -1, 0]);
      expect(a.equals(chf('1234.50'))).toBe(true);
      expect(Money.sum('CHF', [a, b, b]).toString()).toBe('CHF 1236.00');
      expect(Money.sum('CHF', []).toString()).toBe('CHF 0.00');
    });

    it('never mixes two currencies: add, subtract and compare throw, equals is false', () => {
      fc.assert(
        fc.property(smallAmount, smallAmount, currency, currency, (x, y, c1, c2) => {
          fc.pre(c1 !== c2);
          const a = Money.of(x, c1);
          const b = Money.of(y, c2);
          expect(() => a.add(b)).toThrow(CurrencyMismatchError);
          expect(() => a.subtract(b)).toThrow(CurrencyMismatchError);
          expect(() => a.compare(b)).toThrow(CurrencyMismatchError);
          expect(() => Money.sum(c1, [a, b])).toThrow(CurrencyMismatchError);
          expect(a.equals(b)).toBe(false);
        }),
        RUNS,
      );
    });

    it('names both currencies when they are mixed', () => {
      expect(() => chf('1').add(Money.parse('1', 'EUR'))).toThrow(
        expect.objectContaining({
          code: 'currency-mismatch',
          detail: 'Cannot add CHF and EUR: convert one of them first.',
        }),
      );
    });
  });

  describe('allocate and split', () => {
    it('always hands out exactly the whole amount, each part within one unit of its share', () => {
      fc.assert(
        fc.property(amount, currency, weights, (minor, code, ws) => {
          const parts = Money.of(minor, code).allocate(ws);
          const total = ws.reduce((sum, w) => sum + w, 0n);
          expect(parts).toHaveLength(ws.length);
          expect(Money.sum(code, parts)).toEqual(Money.of(minor, code));
          parts.forEach((part, i) => {
            expect(part.currency).toBe(code);
            // |part − minor × w / total| < 1, without leaving integers.
            expect(abs(part.minor * total - minor * ws[i])).toBeLessThan(total);
            if (ws[i] === 0n) expect(part.isZero()).toBe(true);
            if (part.minor !== 0n) expect(part.minor < 0n).toBe(minor < 0n);
          });
        }),
        RUNS,
      );
    });

    it('splits a negative amount as the mirror image of the positive one', () => {
      fc.assert(
        fc.property(amount, weights, (minor, ws) => {
          const positive = Money.of(abs(minor), 'CHF').allocate(ws);
          const negative = Money.of(-abs(minor), 'CHF').allocate(ws);
          expect(negative.map((p) => p.minor)).toEqual(positive.map((p) => -p.minor));
        }),
        RUNS,
      );
    });

    it('splits into n parts that differ by at most one unit, the larger ones first', () => {
      fc.assert(
        fc.property(amount, fc.integer({ min: 1, max: 50 }), (minor, n) => {
          const parts = Money.of(minor, 'CHF')
            .split(n)
            .map((p) => abs(p.minor));
          expect(parts.reduce((s, p) => s + p, 0n)).toBe(abs(minor));
          expect(parts[0] - parts[n - 1]).toBeLessThanOrEqual(1n);
          for (let i = 1; i < n; i++) expect(parts[i] <= parts[i - 1]).toBe(true);
        }),
        RUNS,
      );
    });

    it('gives leftover units to the largest remainders, then to earlier parts on a tie', () => {
      expect(chf('100.00').split(3).map(String)).toEqual(['CHF 33.34', 'CHF 33.33', 'CHF 33.33']);
      expect(chf('-0.05').split(2).map(String)).toEqual(['CHF -0.03', 'CHF -0.02']);
      expect(
        chf('0.05')
          .split(7)
          .map((p) => p.minor),
      ).toEqual([1n, 1n, 1n, 1n, 1n, 0n, 0n]);
      // Shares 1.666…, 3.333…, 5: floors 1, 3, 5 leave one unit; 0.666 beats 0.333.
      expect(
        chf('0.10')
          .allocate([1n, 2n, 3n])
          .map((p) => p.minor),
      ).toEqual([2n, 3n, 5n]);
      expect(Money.parse('1000', 'JPY').allocate([1n, 0n, 1n, 1n]).map(String)).toEqual([
        'JPY 334',
        'JPY 0',
        'JPY 333',
        'JPY 333',
      ]);
      expect(Money.parse('0.010', 'KWD').split(3).map(String)).toEqual([
        'KWD 0.004',
        'KWD 0.003',
        'KWD 0.003',
      ]);
    });

    it.each([
      [[], /no parts/],
      [[0n, 0n], /all be zero/],
      [[1n, -1n], /non-negative/],
    ])('refuses weights %p', (ws, reason) => {
      expect(() => chf('1').allocate(ws)).toThrow(InvalidAllocationError);
      expect(() => chf('1').allocate(ws)).toThrow(reason);
    });

    it.each([0, -1, 1.5, Number.NaN])('refuses to split into %p parts', (n) => {
      expect(() => chf('1').split(n)).toThrow(InvalidAllocationError);
    });
  });

  describe('convert', () => {
    it('rounds half to even, once, at the minor unit of the target', () => {
      const tenth = Rate.of(1n, 10n);
      const examples: Array<[string, string]> = [
        ['1.25', '0.12'], // 0.125: tie, 2 is even
        ['1.35', '0.14'], // 0.135: tie, 4 is even
        ['0.15', '0.02'], // 0.015: tie, 2 is even
        ['0.05', '0.00'], // 0.005: tie, 0 is even
        ['1.26', '0.13'], // 0.126: above the tie
        ['1.24', '0.12'], // 0.124: below the tie
        ['-1.25', '-0.12'], // ties round to even on the negative side too
        ['-1.35', '-0.14'],
      ];
      for (const [from, to] of examples) {
        expect(chf(from).convert(tenth, 'CHF').toDecimalString()).toBe(to);
      }
    });

    it('handles currencies with 0 and 3 decimal places', () => {
      // 1 CHF = 0.3725 KWD (example rate): 1,234.56 CHF = 459.87366 KWD → 459.874
      expect(chf('1234.56').convert(Rate.parse('0.3725'), 'KWD').toString()).toBe('KWD 459.874');
      // 1 KWD = 487.5 JPY: 0.001 KWD = 0.4875 JPY → 0; 0.003 KWD = 1.4625 → 1
      expect(Money.parse('0.001', 'KWD').convert(Rate.parse('487.5'), 'JPY').toString()).toBe(
        'JPY 0',
      );
      expect(Money.parse('0.003', 'KWD').convert(Rate.parse('487.5'), 'JPY').toString()).toBe(
        'JPY 1',
      );
      // 2.5 JPY is a tie at the yen: 5 JPY at 0.5 → 2 (even); 7 JPY at 0.5 → 4 (3.5 → 4)
      expect(Money.parse('5', 'JPY').convert(Rate.parse('0.5'), 'JPY').minor).toBe(2n);
      expect(Money.parse('7', 'JPY').convert(Rate.parse('0.5'), 'JPY').minor).toBe(4n);
      // 1,500 JPY at 0.0058 CHF per JPY = 8.70 CHF; the same with rate 1 moves the point.
      expect(Money.parse('1500', 'JPY').convert(Rate.parse('0.0058'), 'CHF').toString()).toBe(
        'CHF 8.70',
      );
      expect(Money.parse('1500', 'JPY').convert(Rate.ONE, 'BHD').toString()).toBe('BHD 1500.000');
      expect(Money.parse('1.500', 'BHD').convert(Rate.ONE, 'JPY').toString()).toBe('JPY 2');
      expect(Money.parse('2.500', 'BHD').convert(Rate.ONE, 'JPY').toString()).toBe('JPY 2');
    });

    it('is deterministic and depends only on the value of the rate', () => {
      fc.assert(
        fc.property(
          amount,
          currency,
          currency,
          rate,
          fc.bigInt({ min: 1n, max: 1000n }),
          (minor, from, to, r, k) => {
            const money = Money.of(minor, from);
            const once = money.convert(r, to);
            expect(money.convert(r, to)).toEqual(once);
            expect(money.convert(Rate.of(r.num * k, r.den * k), to)).toEqual(once);
          },
        ),
        RUNS,
      );
    });

    it('is the identity at rate 1 between currencies with the same decimal places', () => {
      fc.assert(
        fc.property(amount, fc.constantFrom('CHF', 'USD', 'EUR', 'GBP'), (minor, to) => {
          expect(Money.of(minor, 'CHF').convert(Rate.ONE, to)).toEqual(Money.of(minor, to));
        }),
        RUNS,
      );
    });

    it('lands within half a minor unit of the exact value', () => {
      fc.assert(
        fc.property(amount, currency, currency, rate, (minor, from, to, r) => {
          const converted = Money.of(minor, from).convert(r, to);
          // exact value in target minor units = numerator / denominator
          const numerator = minor * r.num * 10n ** BigInt(minorDigits(to));
          const denominator = r.den * 10n ** BigInt(minorDigits(from));
          expect(2n * abs(converted.minor * denominator - numerator)).toBeLessThanOrEqual(
            denominator,
          );
        }),
        RUNS,
      );
    });

    it('converting the parts and adding differs from converting the sum by at most (n + 1) / 2 units', () => {
      // Each of the n conversions is off by at most half a unit, the converted sum by another half.
      fc.assert(
        fc.property(
          fc.array(amount, { minLength: 1, maxLength: 20 }),
          currency,
          currency,
          rate,
          (minors, from, to, r) => {
            const amounts = minors.map((m) => Money.of(m, from));
            const sumOfConverted = Money.sum(
              to,
              amounts.map((a) => a.convert(r, to)),
            );
            const convertedSum = Money.sum(from, amounts).convert(r, to);
            const n = BigInt(amounts.length);
            expect(2n * abs(sumOfConverted.minor - convertedSum.minor)).toBeLessThanOrEqual(n + 1n);
          },
        ),
        RUNS,
      );
    });

    it('refuses an unknown target currency', () => {
      expect(() => chf('1').convert(Rate.ONE, 'XAU')).toThrow(
        expect.objectContaining({ code: 'unknown-currency' }),
      );
    });
  });
});
