import { calendarDateProblem } from '../common/calendar-date';
import { isSupportedCurrency } from '../money/currency';

/**
 * The rules for the fields of a rate, shared by the JSON requests and the CSV import so that
 * both refuse the same things with the same words. Each check returns why a value is refused
 * (to follow the field's name: "currency must be …"), or undefined when it is fine.
 */

export const BASE_CURRENCY = 'USD';

// numeric(24,10): at most 14 digits before the point and 10 after.
const UNITS_PER_USD = /^(?:0|[1-9]\d{0,13})(?:\.\d{1,10})?$/;
export const MAX_REASON_LENGTH = 1000;

export function currencyProblem(value: unknown): string | undefined {
  if (!isSupportedCurrency(value)) {
    return 'must be an active ISO 4217 currency code in capitals, such as EUR';
  }
  return undefined;
}

export function ratedCurrencyProblem(value: unknown): string | undefined {
  if (value === BASE_CURRENCY) {
    return 'must not be USD: UN operational rates are units per 1 USD, so USD is always 1';
  }
  return currencyProblem(value);
}

/** A calendar date written YYYY-MM-DD, from 1900 to 2999. */
/** A date of a rate: see calendarDateProblem. */
export const isoDateProblem = calendarDateProblem;

export function unitsPerUsdProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') {
    return 'must be a decimal number written as a string, such as "0.862", so that no digit is lost';
  }
  if (!UNITS_PER_USD.test(value) || !/[1-9]/.test(value)) {
    return 'must be a positive decimal number with a decimal point (.) and at most 10 decimals, such as 0.862, without thousands separators, sign or exponent';
  }
  return undefined;
}

/** "0.8620000000" (as numeric(24,10) returns it) → "0.862"; "1.0000000000" → "1". */
export function trimDecimal(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}
