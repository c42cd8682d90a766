import { FieldError } from './problem';

/**
 * The base of every error the application raises on purpose. Modules subclass it with their
 * own codes; the problem filter turns it into problem+json, so no handler builds responses.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class ValidationFailedError extends AppError {
  constructor(errors: FieldError[]) {
    super(
      422,
      'validation-failed',
      'Your request is not valid',
      errors.length === 1
        ? `${errors[0].field}: ${errors[0].reason}`
        : `${errors.length} fields are not valid; see errors.`,
      errors,
    );
  }
}

export class ConflictError extends AppError {
  constructor(code: string, detail: string, extensions: Record<string, unknown> = {}) {
    super(409, code, 'Conflict', detail, undefined, extensions);
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(
    code: string,
    detail: string,
    readonly retryAfterSeconds = 1,
  ) {
    super(503, code, 'Service unavailable', detail);
  }
}
