import { AppError } from '../common/errors/app-error';
import { FieldError } from '../common/errors/problem';

/** A disbursement, settlement, cancellation or rate change refused field by field; nothing written. */
export class InvalidGrantStepError extends AppError {
  constructor(errors: FieldError[]) {
    super(
      422,
      'invalid-grant-step',
      'The request is not valid',
      errors.length === 1
        ? `${errors[0].field}: ${errors[0].reason}`
        : `${errors.length} fields are not valid; see errors.`,
      errors,
    );
  }
}

/**
 * A settlement the earmark cannot carry: what it costs beyond the advance and the grant's own
 * remaining commitment (an overspend, and the support costs on the actual cost) is more than the
 * earmark's available money.
 */
export class SettlementNotCoveredError extends AppError {
  constructor(earmark: string, needed: string, available: string) {
    super(
      422,
      'insufficient-funds',
      'Not enough money available',
      `Settling needs ${needed} more than the grant holds (the cost beyond its advance and ` +
        `the support costs); earmark ${earmark} has ${available} available.`,
      [
        {
          field: 'actualCost',
          rule: 'withinAvailable',
          reason: `${available} available on earmark ${earmark}`,
        },
      ],
      { available, needed },
    );
  }
}

/** The grant changed between reading it and locking it: asking again gives a consistent answer. */
export class GrantChangedError extends AppError {
  constructor(number: string) {
    super(
      409,
      'grant-changed',
      'Grant changed meanwhile',
      `Grant ${number} changed while the request was read: send it again.`,
    );
  }
}
