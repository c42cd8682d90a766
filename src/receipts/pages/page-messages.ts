import { FieldError } from '../../common/errors/problem';
import { fieldMessage } from '../../web/ui-i18n';

/*
 * The messages the receipt and bank pages show beside a field. A check the page makes itself
 * (a box not ticked, an account not chosen) is written in the interface's language already;
 * an error of the API's validation or of a service goes through fieldMessage(), which gives the
 * interface's text for its rule where the catalogue has one, else the API's reason.
 */

const PAGE_CHECKS = new WeakSet<FieldError>();

/** A field error found by the page itself, its reason already in the user's language. */
export function pageCheck(field: string, rule: string, reason: string): FieldError {
  const error: FieldError = { field, rule, reason };
  PAGE_CHECKS.add(error);
  return error;
}

/** The fields of these pages that hold a typed amount (the last part of an error's path). */
const AMOUNT_FIELDS: ReadonlySet<string> = new Set([
  'grossAmount',
  'bankCharges',
  'amount',
  'declaredTotal',
]);

/**
 * What to show beside the field for `error`. An amount the API's pattern refused (its rule is
 * `matches`) is told as the catalogue's "not a valid amount", with how the language writes one.
 */
export function messageOf(error: FieldError): string {
  if (PAGE_CHECKS.has(error)) return error.reason;
  const name = error.field.split('.').pop() ?? error.field;
  if (error.rule === 'matches' && AMOUNT_FIELDS.has(name)) {
    return fieldMessage({ rule: 'amount', reason: error.reason });
  }
  return fieldMessage(error);
}
