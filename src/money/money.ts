import { assertCurrency, minorDigits } from './currency';
import { CurrencyMismatchError, InvalidAllocationError, InvalidAmountError } from './money.errors';
import { divideHalfEven, formatScaled, Rate } from './rate';

const INTEGER = /^-?\d+$/;
// What a user may type: an optional minus, digits (grouped by commas or not), decimals after '.'.
const AMOUNT_SHAPE = /^(-?)([\d,]+)(?:\.(\d*))?$/;
const GROUPED = /^[1-9]\d{0,2}(?:,\d{3})+$/;

/** The JSON form of an amount: the decimal string keeps every digit, unlike a JSON number. */
export interface MoneyJson {
  currency: string;
  amount: string;
}

/**
 * An amount of one ISO 4217 currency as an integer count of its minor unit (centimes for CHF,
 * yen for JPY, fils for KWD). Immutable; every operation returns a new value. Amounts of
 * different currencies never mix silently: adding or comparing them throws.
 */
export class Money {
  private constructor(
    readonly currency: string,
    readonly minor: bigint,
  ) {
    Object.freeze(this);
  }

  static of(minor: bigint, currency: string): Money {
    if (typeof minor !== 'bigint') {
      throw new InvalidAmountError(
        String(minor),
        currency,
        'an amount is a whole number of minor units (a bigint)',
      );
    }
    return new Money(assertCurrency(currency), minor);
  }

  static zero(currency: string): Money {
    return Money.of(0n, currency);
  }

  /** From a database column: pg returns bigint and numeric as strings such as "-12345". */
  static fromMinor(minor: string | bigint, currency: string): Money {
    if (typeof minor === 'bigint') return Money.of(minor, currency);
    if (typeof minor !== 'string' || !INTEGER.test(minor)) {
      throw new InvalidAmountError(
        String(minor),
        currency,
        'a count of minor units is a whole number',
      );
    }
    return Money.of(BigInt(minor), currency);
  }

  /**
   * Reads an amount as a person types it: "1,234.50", "1234.5", "-0.05". Refuses rather than
   * guesses: more decimals than the currency has, misplaced thousands separators, exponents,
   * signs other than a leading minus, spaces, and anything around the number.
   */
  static parse(input: string, currency: string): Money {
    const digits = minorDigits(currency);
    const refuse = (reason: string): never => {
      throw new InvalidAmountError(String(input), currency, reason);
    };
    if (typeof input !== 'string') return refuse('an amount is given as text');
    if (input === '') return refuse('it is empty');
    if (/\s/.test(input)) return refuse('spaces are not allowed');
    if (input.startsWith('+')) return refuse("a leading '+' is not accepted");
    if (/^-?\./.test(input)) return refuse('write a 0 before the decimal point');
    if (/^-?\d[\d,]*(?:\.\d*)?[eE]/.test(input)) {
      return refuse('exponent notation is not accepted');
    }
    const match = AMOUNT_SHAPE.exec(input);
    if (match === null) {
      return refuse(
        "write digits with an optional leading '-', ',' between thousands and '.' before decimals",
      );
    }
    const [, sign, whole, fraction] = match;
    if (fraction === '') return refuse('the decimal point must be followed by digits');
    if (whole.includes(',')) {
      if (!GROUPED.test(whole)) {
        return refuse("',' must separate groups of three digits, as in 1,234,567.50");
      }
    } else if (whole.length > 1 && whole.startsWith('0')) {
      return refuse('leading zeros are not accepted');
    }
    const decimals = fraction ?? '';
    if (decimals.length > digits) {
      return refuse(
        `${currency} has ${digits === 0 ? 'no' : digits} decimal place${digits === 1 ? '' : 's'}; got ${decimals.length}`,
      );
    }
    const minor = BigInt(whole.replaceAll(',', '') + decimals.padEnd(digits, '0'));
    return new Money(currency, sign === '-' ? -minor : minor);
  }

  /** The total of amounts of one currency; `currency` makes the empty total well defined. */
  static sum(currency: string, amounts: readonly Money[]): Money {
    return amounts.reduce((total, amount) => total.add(amount), Money.zero(currency));
  }

  add(other: Money): Money {
    this.assertSameCurrency(other, 'add');
    return new Money(this.currency, this.minor + other.minor);
  }

  subtract(other: Money): Money {
    this.assertSameCurrency(other, 'subtract');
    return new Money(this.currency, this.minor - other.minor);
  }

  negate(): Money {
    return new Money(this.currency, -this.minor);
  }

  abs(): Money {
    return this.minor < 0n ? this.negate() : this;
  }

  isZero(): boolean {
    return this.minor === 0n;
  }

  isNegative(): boolean {
    return this.minor < 0n;
  }

  isPositive(): boolean {
    return this.minor > 0n;
  }

  compare(other: Money): -1 | 0 | 1 {
    this.assertSameCurrency(other, 'compare');
    return this.minor < other.minor ? -1 : this.minor > other.minor ? 1 : 0;
  }

  /** Same currency and same amount; amounts of different currencies are simply not equal. */
  equals(other: Money): boolean {
    return this.currency === other.currency && this.minor === other.minor;
  }

  /**
   * Splits the amount in proportion to `weights` so that the parts add up to exactly the whole
   * (largest-remainder method): each part gets the floor of its exact share, then the units
   * left over go one each to the parts with the largest remainders, earlier parts first on a
   * tie. Each part is therefore within one minor unit of its exact share, and a part with
   * weight 0 gets nothing. A negative amount is split as its absolute value, then negated.
   */
  allocate(weights: readonly bigint[]): Money[] {
    if (weights.length === 0) throw new InvalidAllocationError('Cannot allocate to no parts.');
    let total = 0n;
    for (const weight of weights) {
      if (typeof weight !== 'bigint' || weight < 0n) {
        throw new InvalidAllocationError(
          `Weights must be non-negative integers; got ${String(weight)}.`,
        );
      }
      total += weight;
    }
    if (total === 0n) throw new InvalidAllocationError('The weights must not all be zero.');
    const whole = this.minor < 0n ? -this.minor : this.minor;
    const shares = weights.map((weight) => whole * weight);
    const parts = shares.map((share) => share / total);
    let left = whole - parts.reduce((sum, part) => sum + part, 0n);
    const byRemainder = shares
      .map((share, index) => ({ index, remainder: share % total }))
      .sort((a, b) =>
        a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
      );
    for (const { index } of byRemainder) {
      if (left === 0n) break;
      parts[index] += 1n;
      left -= 1n;
    }
    const sign = this.minor < 0n ? -1n : 1n;
    return parts.map((part) => new Money(this.currency, sign * part));
  }

  /** `n` parts as equal as minor units allow, the larger ones first. */
  split(n: number): Money[] {
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new InvalidAllocationError(`Cannot split into ${n} parts: give a whole number from 1.`);
    }
    return this.allocate(Array.from({ length: n }, () => 1n));
  }

  /**
   * The amount in `to` at `rate` (units of `to` per unit of this currency), computed exactly
   * and rounded once, half-even, to the minor unit of `to`:
   * minor × rate × 10^digits(to) / 10^digits(from).
   */
  convert(rate: Rate, to: string): Money {
    const target = assertCurrency(to);
    const fromScale = 10n ** BigInt(minorDigits(this.currency));
    const toScale = 10n ** BigInt(minorDigits(target));
    return new Money(target, divideHalfEven(this.minor * rate.num * toScale, rate.den * fromScale));
  }

  /** "1234.50", "-0.05", JPY "1500": no thousands separators, always every minor digit. */
  toDecimalString(): string {
    return formatScaled(this.minor, minorDigits(this.currency));
  }

  toJSON(): MoneyJson {
    return { currency: this.currency, amount: this.toDecimalString() };
  }

  toString(): string {
    return `${this.currency} ${this.toDecimalString()}`;
  }

  private assertSameCurrency(other: Money, operation: string): void {
    if (other.currency !== this.currency) {
      throw new CurrencyMismatchError(this.currency, other.currency, operation);
    }
  }
}
