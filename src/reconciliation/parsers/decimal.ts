import { minorDigits } from '../../money/currency';

/**
 * Decimal strings as text, never as floats. A bank writes '18.150', '000000001213,28', '9,' or
 * '1,525.00'; the parsed form is '18.15', '1213.28', '9.00', '1525.00': padded to the currency's
 * minor unit, trailing zeros beyond it dropped, significant digits beyond it kept.
 */
const DIGITS = /^(\d*)(?:\.(\d*))?$/;

/** Minor digits of a currency, or 2 for a code that is not (or no longer) ISO 4217 (DEM). */
export function minorDigitsOr2(currency: string): number {
  try {
    return minorDigits(currency);
  } catch {
    return 2;
  }
}

/**
 * Normalises an unsigned amount. `decimalSeparator` is the character that separates the
 * fraction; the other of '.' and ',' (and spaces, apostrophes) is taken as a thousands separator.
 * Returns null when the text is not an amount.
 */
export function normaliseAmount(
  text: string,
  currency: string,
  decimalSeparator: '.' | ',' = '.',
): string | null {
  let value = text.trim();
  const negative = value.startsWith('-');
  if (negative || value.startsWith('+')) value = value.slice(1).trim();
  const thousands = decimalSeparator === '.' ? ',' : '.';
  value = value
    .split(thousands)
    .join('')
    .replace(/[\s'\u00a0]/g, '');
  if (decimalSeparator === ',') value = value.replace(',', '.');
  const match = DIGITS.exec(value);
  if (match === null || (match[1] === '' && (match[2] ?? '') === '')) return null;
  const integer = match[1].replace(/^0+(?=\d)/, '') || '0';
  const digits = minorDigitsOr2(currency);
  let fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length < digits) fraction = fraction.padEnd(digits, '0');
  const unsigned = fraction === '' ? integer : `${integer}.${fraction}`;
  return negative && !isZero(unsigned) ? `-${unsigned}` : unsigned;
}

/** Applies a sign to a normalised amount ('-' for debits); zero stays unsigned. */
export function signed(amount: string, negative: boolean): string {
  const unsigned = amount.startsWith('-') ? amount.slice(1) : amount;
  const isNegative = amount.startsWith('-') !== negative;
  return isNegative && !isZero(unsigned) ? `-${unsigned}` : unsigned;
}

function isZero(amount: string): boolean {
  return /^[0.]*$/.test(amount.replace('-', ''));
}
