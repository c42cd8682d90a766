import {
  IdempotencyRequest,
  requestFingerprint,
} from '../common/idempotency/idempotency-key.decorator';
import { AppError } from '../common/errors/app-error';
import { FieldError } from '../common/errors/problem';
import { createValidationPipe } from '../common/validation';
import { FormBody } from './page-response';

/*
 * The form plumbing of the officers' pages: the API's validation pipe on what a form sent, the
 * page's own checks reported together with it, and a per-rendering key so that a double
 * submission is answered like the first.
 */

export function field(body: FormBody, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : '';
}

/**
 * Each rendered form carries a fresh key; the request it stands for is the fingerprint, so the
 * same filled form sent twice records once, and the key reused with another request is refused.
 */
export function formKey(
  body: FormBody,
  path: string,
  request: object,
  action?: string,
): IdempotencyRequest | undefined {
  const key = field(body, 'formKey');
  if (!/^[0-9a-f-]{36}$/i.test(key)) return undefined;
  return {
    key: action === undefined ? `web-form:${key}` : `web-form:${key}:${action}`,
    fingerprint: requestFingerprint('POST', path, request),
  };
}

/** Runs the API's own validation (the global pipe) on what a form sent. */
export async function validated<T extends object>(type: new () => T, value: object): Promise<T> {
  return (await createValidationPipe().transform(value, { type: 'body', metatype: type })) as T;
}

/** Validation together with the page's own checks, reported at once (the page's own first). */
export async function validatedWith<T extends object>(
  type: new () => T,
  value: object,
  extra: FieldError[],
): Promise<T> {
  try {
    const valid = await validated(type, value);
    if (extra.length > 0) throw new InvalidFormError(extra);
    return valid;
  } catch (error) {
    if (error instanceof AppError && error.status === 422 && error.errors !== undefined) {
      throw new InvalidFormError([...extra, ...(error.errors ?? [])]);
    }
    throw error;
  }
}

export class InvalidFormError extends AppError {
  constructor(errors: FieldError[]) {
    const unique = [...new Map(errors.map((e) => [`${e.field}:${e.rule}`, e])).values()];
    super(
      422,
      'invalid-form',
      'The form is not valid',
      `${unique.length} fields are not valid`,
      unique,
    );
  }
}

/** A refusal the page shows beside its form; anything else (404, 5xx, bugs) goes up. */
export function isFormRefusal(error: unknown): error is AppError {
  return error instanceof AppError && error.status !== 404 && error.status < 500;
}

/** The earmarks of each fund, grouped for a select (optgroup per fund), `selected` marked. */
export function earmarkGroups(
  funds: ReadonlyArray<{ code: string; earmarks: ReadonlyArray<{ code: string; name: string }> }>,
  selected: string,
): Array<{ label: string; earmarks: Array<{ value: string; label: string; selected: boolean }> }> {
  return funds.map((fund) => ({
    label: fund.code,
    earmarks: fund.earmarks.map((earmark) => ({
      value: earmark.code,
      label: `${earmark.code} — ${earmark.name}`,
      selected: earmark.code === selected,
    })),
  }));
}
