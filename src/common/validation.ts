import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError } from './errors/problem';
import { ValidationFailedError } from './errors/app-error';

/** Flattens class-validator's tree into `contacts[0].email`-style paths. */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent === ''
        ? error.property
        : `${parent}.${error.property}`;
    const own = Object.entries(error.constraints ?? {}).map(([rule, reason]) => ({
      field,
      rule: rule === 'whitelistValidation' ? 'unknown-field' : rule,
      reason: rule === 'whitelistValidation' ? 'is not a field of this request' : reason,
    }));
    return own.concat(toFieldErrors(error.children ?? [], field));
  });
}

/** Deeper than any request of the API needs; class-transformer recurses once per level. */
export const MAX_REQUEST_DEPTH = 32;

/** The top-level field under which `value` nests deeper than `limit` levels, if any. */
function tooDeep(value: unknown, limit: number, field = ''): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (limit === 0) return field === '' ? '(body)' : field;
  for (const [key, child] of Object.entries(value)) {
    const found = tooDeep(child, limit - 1, field === '' ? key : field);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Refuses (422 maxDepth) a value nested deeper than MAX_REQUEST_DEPTH, before any recursion. */
export function assertNotTooDeep(value: unknown): void {
  const field = tooDeep(value, MAX_REQUEST_DEPTH);
  if (field !== undefined) {
    throw new ValidationFailedError([
      { field, rule: 'maxDepth', reason: `is nested more than ${MAX_REQUEST_DEPTH} levels deep` },
    ]);
  }
}

/**
 * A body nested thousands of levels deep (`[[[[…]]]]`, a few kilobytes) would overflow the stack
 * of class-transformer and answer 500: it is refused before the transformation.
 */
class DepthLimitedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    assertNotTooDeep(value);
    return super.transform(value, metadata) as Promise<unknown>;
  }
}

export function createValidationPipe(): ValidationPipe {
  return new DepthLimitedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // Messages name the field themselves ("amount must be an integer"): keep them as written.
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailedError(toFieldErrors(errors)),
  });
}
