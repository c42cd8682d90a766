import Handlebars from 'handlebars';

/** Every helper the views may use, registered in this one place. */
export function registerHelpers(handlebars: typeof Handlebars): void {
  handlebars.registerHelper('year', () => new Date().getUTCFullYear());
  handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  // Dates are shown as ISO (2026-11-28 14:05 UTC) until the user's locale is known (issue 11).
  handlebars.registerHelper('datetime', (value: unknown) => {
    if (!(value instanceof Date) && typeof value !== 'string') return '';
    const date = new Date(value);
    return Number.isNaN(date.getTime())
      ? ''
      : `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 16)} UTC`;
  });
}
