import { InvalidRateError } from './money.errors';

const RATE_DECIMAL = /^(0|[1-9]\d*)(?:\.(\d{1,12}))?$/;
export const MAX_RATE_DECIMALS = 12;

/**
 * An exchange rate as an exact positive fraction, always in lowest terms so that equal rates
 * are equal field by field. Read "units of the target currency per one unit of the source".
 * No float ever enters: a rate typed as "0.912345" is 912345/1000000.
 */
export class Rate {
  static readonly ONE = new Rate(1n, 1n);

  private constructor(
    readonly num: bigint,
    readonly den: bigint,
  ) {
    Object.freeze(this);
  }

  static of(num: bigint, den: bigint = 1n): Rate {
    if (typeof num !== 'bigint' || typeof den !== 'bigint') {
      throw new InvalidRateError('A rate is built from two integers.');
    }
    if (num <= 0n || den <= 0n) {
      throw new InvalidRateError(`A rate must be positive; got ${num}/${den}.`);
    }
    const divisor = gcd(num, den);
    return new Rate(num / divisor, den / divisor);
  }

  /** A positive decimal with a decimal point and at most 12 decimals: "0.912345", "1", "1500.5". */
  static parse(input: string): Rate {
    const match = typeof input === 'string' ? RATE_DECIMAL.exec(input) : null;
    if (match === null) {
      throw new InvalidRateError(
        `${JSON.stringify(String(input).slice(0, 40))} is not a rate: write a positive decimal number such as 0.912345, with at most ${MAX_RATE_DECIMALS} decimals after a point, without exponent, sign or separators.`,
      );
    }
    const decimals = match[2] ?? '';
    const num = BigInt(match[1] + decimals);
    if (num === 0n) throw new InvalidRateError('A rate must be greater than zero.');
    return Rate.of(num, 10n ** BigInt(decimals.length));
  }

  times(other: Rate): Rate {
    return Rate.of(this.num * other.num, this.den * other.den);
  }

  divide(other: Rate): Rate {
    return Rate.of(this.num * other.den, this.den * other.num);
  }

  inverse(): Rate {
    return new Rate(this.den, this.num);
  }

  equals(other: Rate): boolean {
    return this.num === other.num && this.den === other.den;
  }

  /** Rounded half-even to `digits` decimals, always with exactly that many: "0.9123450000". */
  toDecimalString(digits = 10): string {
    if (!Number.isSafeInteger(digits) || digits < 0) {
      throw new InvalidRateError(`Cannot show a rate with ${digits} decimals.`);
    }
    return formatScaled(divideHalfEven(this.num * 10n ** BigInt(digits), this.den), digits);
  }

  toJSON(): string {
    return this.toDecimalString();
  }

  toString(): string {
    return this.toDecimalString();
  }
}

/**
 * numerator / denominator rounded to the nearest integer, ties to the even neighbour
 * (banker's rounding), so that rounding many amounts has no drift up or down.
 */
export function divideHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('Division by zero');
  if (denominator < 0n) return divideHalfEven(-numerator, -denominator);
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  let quotient = magnitude / denominator;
  const twiceRemainder = 2n * (magnitude % denominator);
  if (twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n === 1n)) {
    quotient += 1n;
  }
  return negative ? -quotient : quotient;
}

/** An integer count of 10^-digits units as a decimal string: (-5n, 2) → "-0.05". */
export function formatScaled(value: bigint, digits: number): string {
  const negative = value < 0n;
  const text = (negative ? -value : value).toString().padStart(digits + 1, '0');
  const whole = text.slice(0, text.length - digits);
  const fraction = text.slice(text.length - digits);
  return `${negative ? '-' : ''}${whole}${digits > 0 ? `.${fraction}` : ''}`;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}
