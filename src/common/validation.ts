import { ValidationError, ValidationPipe } from '@nestjs/common';
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

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // Messages name the field themselves ("amount must be an integer"): keep them as written.
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailedError(toFieldErrors(errors)),
  });
}
