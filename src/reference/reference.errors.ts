import { AppError, ConflictError, ValidationFailedError } from '../common/errors/app-error';

export class UnknownCountryError extends AppError {
  constructor(code: string) {
    super(
      404,
      'unknown-country',
      'Unknown country',
      `There is no country with ISO 3166-1 code ${JSON.stringify(code)}.`,
      undefined,
      { country: code },
    );
  }
}

/** A date handed to the service by code (not by a request body, which the DTOs check). */
export class InvalidDateError extends AppError {
  constructor(value: unknown) {
    super(
      422,
      'invalid-date',
      'Invalid date',
      `${JSON.stringify(value)} is not a date written YYYY-MM-DD.`,
    );
  }
}

export class StatusNotFoundError extends AppError {
  constructor(country: string, id: string) {
    super(
      404,
      'country-status-not-found',
      'Status record not found',
      `Country ${country} has no status record ${id}.`,
    );
  }
}

export class StatusAlreadySupersededError extends ConflictError {
  constructor(id: string, by: string) {
    super(
      'country-status-superseded',
      `Status record ${id} was already superseded by record ${by}: correct that one instead.`,
      { supersededById: by },
    );
  }
}

export class StatusPeriodOverlapError extends ConflictError {
  constructor(country: string, kind: string, other: string) {
    super(
      'country-status-overlap',
      `The period overlaps record ${other}, a current ${kind} period of ${country}: supersede that record instead.`,
      { overlapsId: other },
    );
  }
}

export function periodOrderError(): ValidationFailedError {
  return new ValidationFailedError([
    {
      field: 'validTo',
      rule: 'isAfterValidFrom',
      reason:
        'validTo must be later than validFrom (it is the first day the status no longer applies)',
    },
  ]);
}
