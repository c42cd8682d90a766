import { CalendarDate, isCalendarDate } from '../common/calendar-date';
import { DocumentAmount, UnLanguage } from '../statements/statement-data.types';
import { LOCALES } from './document-i18n';

// Building an Intl formatter costs far more than using one: one per locale and options.
const cache = new Map<
  string,
  Intl.NumberFormat | Intl.DateTimeFormat | Intl.DisplayNames | Intl.ListFormat
>();

function cached<
  T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.DisplayNames | Intl.ListFormat,
>(key: string, create: () => T): T {
  let found = cache.get(key) as T | undefined;
  if (found === undefined) {
    found = create();
    cache.set(key, found);
  }
  return found;
}

const DECIMAL = /^-?\d+(?:\.(\d+))?$/;

function decimals(value: string): number {
  const match = DECIMAL.exec(value);
  if (match === null) throw new Error(`not a decimal number: "${value}"`);
  return match[1]?.length ?? 0;
}

/**
 * An amount as `language` writes it, from its decimal string: Intl formats a string exactly
 * (no float on the way), and with exactly the digits the string has, so nothing is rounded.
 * The currency is shown as its ISO code: "$" or "kr" would be ambiguous for an international donor.
 */
export function formatMoney(language: UnLanguage, { amount, currency }: DocumentAmount): string {
  const digits = decimals(amount);
  const locale = LOCALES[language];
  return cached(
    `money|${locale}|${currency}|${digits}`,
    () =>
      new Intl.NumberFormat(locale, {
        style: 'currency',
        currency,
        currencyDisplay: 'code',
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      }),
  ).format(amount as Intl.StringNumericLiteral);
}

/** A plain decimal (an exchange rate), every digit of the string kept. */
export function formatDecimal(language: UnLanguage, value: string): string {
  const digits = decimals(value);
  const locale = LOCALES[language];
  return cached(
    `decimal|${locale}|${digits}`,
    () =>
      new Intl.NumberFormat(locale, {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      }),
  ).format(value as Intl.StringNumericLiteral);
}

/** A calendar day written out in `language` ("31 March 2026", "31 mars 2026", "2026年3月31日"). */
export function formatDate(language: UnLanguage, date: CalendarDate): string {
  if (!isCalendarDate(date)) throw new Error(`not a calendar date: "${String(date)}"`);
  const locale = LOCALES[language];
  return cached(
    `date|${locale}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }),
  ).format(new Date(`${date}T00:00:00Z`));
}

/** A country's name in `language`, from its ISO alpha-2 code. */
export function countryName(language: UnLanguage, code: string): string {
  const locale = LOCALES[language];
  return (
    cached(`region|${locale}`, () => new Intl.DisplayNames([locale], { type: 'region' })).of(
      code,
    ) ?? code
  );
}

/** "a, b and c" as `language` writes a list. */
export function formatList(language: UnLanguage, items: readonly string[]): string {
  const locale = LOCALES[language];
  return cached(
    `list|${locale}`,
    () => new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }),
  ).format(items);
}

/** Whether a decimal string is zero ("0.00", "-0.00"). */
export function isZeroDecimal(value: string): boolean {
  decimals(value);
  return /^-?0+(?:\.0+)?$/.test(value);
}
