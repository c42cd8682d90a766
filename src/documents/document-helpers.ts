import Handlebars from 'handlebars';
import { DocumentAmount, UnLanguage } from '../statements/statement-data.types';
import {
  countryName,
  formatDate,
  formatDecimal,
  formatList,
  formatMoney,
  isZeroDecimal,
} from './document-format';
import { translate } from './document-i18n';

/** What every document template is rendered with besides its context: `{ data: { lang } }`. */
export interface DocumentRenderData {
  lang: UnLanguage;
}

/** The part of Handlebars' options object the helpers read. */
interface Options {
  hash: Record<string, string | number>;
  data: DocumentRenderData;
}

// The options object Handlebars passes last to every helper.
function split(args: unknown[]): { values: unknown[]; options: Options } {
  return { values: args.slice(0, -1), options: args[args.length - 1] as Options };
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what} expects text, got ${typeof value}`);
  return value;
}

function amount(value: unknown): DocumentAmount {
  const candidate = value as Partial<DocumentAmount> | null | undefined;
  if (typeof candidate?.amount !== 'string' || typeof candidate.currency !== 'string') {
    throw new Error('money expects { amount, currency } with a decimal string amount');
  }
  return candidate as DocumentAmount;
}

/**
 * Every helper the document templates may use, registered in this one place. The language
 * comes from the render's @data (`lang`), so templates never pass it around. Helpers return
 * plain strings, which Handlebars escapes like any other `{{value}}`.
 */
export function registerDocumentHelpers(handlebars: typeof Handlebars): void {
  // {{t "statement.period" from=(date period.from) to=(date period.to)}}; positional parts are
  // joined with dots, so {{t "status" pledge.status}} reads "status.agreed".
  handlebars.registerHelper('t', (...args: unknown[]) => {
    const { values, options } = split(args);
    const key = values.map((part) => text(part, 't')).join('.');
    return translate(options.data.lang, key, options.hash);
  });
  handlebars.registerHelper('money', (...args: unknown[]) => {
    const { values, options } = split(args);
    return formatMoney(options.data.lang, amount(values[0]));
  });
  handlebars.registerHelper('decimal', (...args: unknown[]) => {
    const { values, options } = split(args);
    return formatDecimal(options.data.lang, text(values[0], 'decimal'));
  });
  handlebars.registerHelper('date', (...args: unknown[]) => {
    const { values, options } = split(args);
    return formatDate(options.data.lang, text(values[0], 'date'));
  });
  handlebars.registerHelper('country', (...args: unknown[]) => {
    const { values, options } = split(args);
    return countryName(options.data.lang, text(values[0], 'country'));
  });
  // {{countries codes}}: the names of the countries, as a list in the document's language.
  handlebars.registerHelper('countries', (...args: unknown[]) => {
    const { values, options } = split(args);
    const codes = values[0];
    if (!Array.isArray(codes)) throw new Error('countries expects a list of country codes');
    const lang = options.data.lang;
    return formatList(
      lang,
      codes.map((code) => countryName(lang, text(code, 'countries'))),
    );
  });
  handlebars.registerHelper('list', (...args: unknown[]) => {
    const { values, options } = split(args);
    const items = values[0];
    if (!Array.isArray(items)) throw new Error('list expects a list');
    return formatList(
      options.data.lang,
      items.map((item) => text(item, 'list')),
    );
  });
  handlebars.registerHelper('isZero', (value: unknown) => isZeroDecimal(amount(value).amount));
  handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);
}
