import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fillPlaceholders, flattenCatalogue, TranslationParams } from '../documents/document-i18n';
import { FieldError } from '../common/errors/problem';
import { requestContext } from '../common/request-context';

/**
 * The interface's languages. The pages are translated with the statements' mechanism (JSON
 * catalogues of dotted keys, `{name}` placeholders, a missing key fails loudly), from
 * src/web/i18n/<language>/<area>.json: the file name is the first part of every key, so
 * `pledges.json`'s { "title": "Pledges" } is "pledges.title".
 */
export const UI_LANGUAGES = ['en', 'fr'] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];
export const DEFAULT_UI_LANGUAGE: UiLanguage = 'en';

/** The cookie that keeps the language a user chose with the switch in the header. */
export const LANGUAGE_COOKIE = 'tf_lang';

/** The Intl locale of each interface language (UN English is British English). */
export const UI_LOCALES: Readonly<Record<UiLanguage, string>> = { en: 'en-GB', fr: 'fr-CH' };

export const UI_I18N_DIR = join(__dirname, 'i18n');

export function isUiLanguage(value: unknown): value is UiLanguage {
  return typeof value === 'string' && (UI_LANGUAGES as readonly string[]).includes(value);
}

type Catalogue = ReadonlyMap<string, string>;
let catalogues: ReadonlyMap<UiLanguage, Catalogue> | undefined;

/** Every src/web/i18n/<language>/*.json, each file's keys under its name. */
export function loadUiCatalogue(language: UiLanguage, dir = UI_I18N_DIR): Catalogue {
  const folder = join(dir, language);
  const entries = readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .flatMap((name) =>
      flattenCatalogue(
        JSON.parse(readFileSync(join(folder, name), 'utf8')),
        `web/i18n/${language}/${name}`,
        basename(name, '.json'),
      ),
    );
  return new Map(entries);
}

function catalogue(language: UiLanguage): Catalogue {
  catalogues ??= new Map(UI_LANGUAGES.map((lang) => [lang, loadUiCatalogue(lang)]));
  return catalogues.get(language) ?? new Map();
}

/** The language of the request being served (chosen in middleware), English outside one. */
export function currentLanguage(): UiLanguage {
  const language = requestContext().language;
  return isUiLanguage(language) ? language : DEFAULT_UI_LANGUAGE;
}

/**
 * The interface text of `key` in `language` (the request's by default). A key missing in the
 * language throws, as in the documents: a page never shows a raw key.
 */
export function uiText(
  key: string,
  params: TranslationParams = {},
  language: UiLanguage = currentLanguage(),
): string {
  const text = catalogue(language).get(key);
  if (text === undefined) throw new Error(`no interface text "${key}" in ${language}`);
  return fillPlaceholders(key, text, params);
}

/** Whether the catalogue has `key` (for texts chosen at run time, such as a status label). */
export function hasUiText(key: string, language: UiLanguage = currentLanguage()): boolean {
  return catalogue(language).has(key);
}

/**
 * The language a request is served in: the one chosen with the switch (cookie), else the best
 * of the browser's Accept-Language, else English.
 */
export function negotiateLanguage(cookie: unknown, acceptLanguage: unknown): UiLanguage {
  if (isUiLanguage(cookie)) return cookie;
  if (typeof acceptLanguage !== 'string') return DEFAULT_UI_LANGUAGE;
  const ranked = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return {
        base: tag.trim().toLowerCase().split('-')[0],
        q: q === undefined ? 1 : Number(q),
        index,
      };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.map((entry) => entry.base).find(isUiLanguage) ?? DEFAULT_UI_LANGUAGE;
}

/**
 * An amount for a page, in the request's language: "USD 100,000.00" in English,
 * "100 000,00 USD" in French. Grouped on the decimal string, never through a float.
 */
export function formatAmount(
  value: { currency: string; amount: string },
  language: UiLanguage = currentLanguage(),
): string {
  // The figure grouped as formatNumber does (U+202F between thousands in French, as Swiss and
  // French typography do); the currency after it in French, before it in English.
  const figure = formatNumber(value.amount, language);
  return language === 'fr' ? `${figure}\u00a0${value.currency}` : `${value.currency} ${figure}`;
}

/**
 * A figure without currency in the request's language ("1,234.50" / "1 234,50"), for tables
 * whose column names the currency.
 */
export function formatNumber(amount: string, language: UiLanguage = currentLanguage()): string {
  const [whole, fraction] = amount.split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = whole.replace('-', '');
  const [group, decimal] = language === 'fr' ? ['\u202f', ','] : [',', '.'];
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return `${sign}${grouped}${fraction === undefined ? '' : `${decimal}${fraction}`}`;
}

/**
 * An amount as a user typed it in their language, rewritten in the form the API reads
 * (Money.parse: '.' before decimals, ',' between thousands). In French "1 234,50", "1234,50"
 * and "1234.50" are all 1234.50; in English the input is left as typed. Anything else is left
 * as typed too, so that Money.parse refuses it with its reason.
 */
export function readAmount(input: string, language: UiLanguage = currentLanguage()): string {
  const trimmed = input.trim();
  if (language !== 'fr') return trimmed;
  const compact = trimmed.replace(/(\d)[\s\u00a0\u202f'](?=\d{3}(?!\d))/g, '$1');
  if (/^-?\d+,\d+$/.test(compact)) return compact.replace(',', '.');
  // "1,234,567" is English grouping, not French: never read as a million in French. Its commas
  // become spaces, which Money.parse refuses with its reason, like any other unreadable amount.
  if (compact.includes(',')) return compact.replace(/,/g, ' ');
  return compact;
}

/**
 * The message shown beside a field: the interface's text for the field error's rule when it
 * has one (validation.<rule>, with the reason as {reason}), else the reason as the API gave it.
 */
export function fieldMessage(
  error: Pick<FieldError, 'rule' | 'reason'>,
  language: UiLanguage = currentLanguage(),
): string {
  if (language === DEFAULT_UI_LANGUAGE) return error.reason;
  const key = `validation.${error.rule}`;
  return hasUiText(key, language) ? uiText(key, { reason: error.reason }, language) : error.reason;
}
