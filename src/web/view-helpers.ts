import Handlebars from 'handlebars';
import type { Role } from '../auth/roles';
import type { Actor } from '../common/actor';
import {
  currentLanguage,
  formatAmount,
  formatNumber,
  isUiLanguage,
  uiText,
  UiLanguage,
} from './ui-i18n';
import { navigationFor } from './navigation';

/** The page's language: the layout's `lang`, else the request's. */
function languageOf(options: Handlebars.HelperOptions | undefined): UiLanguage {
  const lang = (options?.data as { root?: { lang?: unknown } } | undefined)?.root?.lang;
  return isUiLanguage(lang) ? lang : currentLanguage();
}

/** Every helper the views may use, registered in this one place. */
export function registerHelpers(handlebars: typeof Handlebars): void {
  // `{{t "pledges.title"}}`, `{{t "pledges.count" total=total}}`: the interface's text in the
  // page's language (src/web/i18n); a missing key throws, like strict mode.
  handlebars.registerHelper('t', (key: unknown, options: Handlebars.HelperOptions) => {
    if (typeof key !== 'string') throw new Error('{{t}} needs a key');
    return uiText(key, options.hash as Record<string, string | number>, languageOf(options));
  });
  // `{{localAmount money}}` with { currency, amount }: "USD 1,234.50" / "1 234,50 USD". (Not
  // `amount`: a helper wins over a context property of the same name, and pages use {{amount}}.)
  handlebars.registerHelper('localAmount', (value: unknown, options: Handlebars.HelperOptions) => {
    const money = value as { currency?: unknown; amount?: unknown } | null | undefined;
    if (typeof money?.currency !== 'string' || typeof money.amount !== 'string') return '';
    return formatAmount({ currency: money.currency, amount: money.amount }, languageOf(options));
  });
  // `{{localNumber "1234.50"}}` or a count: grouped in the page's language ("1 234,50").
  handlebars.registerHelper('localNumber', (value: unknown, options: Handlebars.HelperOptions) => {
    if (typeof value === 'number' && Number.isSafeInteger(value)) {
      return formatNumber(String(value), languageOf(options));
    }
    return typeof value === 'string' ? formatNumber(value, languageOf(options)) : '';
  });
  handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  // `{{#each (navigation user active)}}`: the header's links the signed-in user may use.
  handlebars.registerHelper('navigation', (user: unknown, active: unknown) =>
    navigationFor(user as Actor | null, active),
  );
  // `(hasRole user "admin" "auditor")`: whether the signed-in user holds one of the roles.
  handlebars.registerHelper('hasRole', (user: unknown, ...rest: unknown[]) => {
    const roles = rest.slice(0, -1); // the last argument is Handlebars' options object
    const held = (user as Partial<Actor> | null | undefined)?.roles ?? [];
    return roles.some((role) => held.includes(role as Role));
  });
  // Dates are shown as ISO (2026-11-28 14:05 UTC) until the user's locale is known (issue 11).
  handlebars.registerHelper('datetime', (value: unknown) => {
    if (!(value instanceof Date) && typeof value !== 'string') return '';
    const date = new Date(value);
    return Number.isNaN(date.getTime())
      ? ''
      : `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 16)} UTC`;
  });
}
