import Handlebars from 'handlebars';
import type { Role } from '../auth/roles';
import type { Actor } from '../common/actor';

/** Every helper the views may use, registered in this one place. */
export function registerHelpers(handlebars: typeof Handlebars): void {
  handlebars.registerHelper('year', () => new Date().getUTCFullYear());
  handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);
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
