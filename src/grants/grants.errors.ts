import { AppError } from '../common/errors/app-error';
import { FieldError } from '../common/errors/problem';
import { FailedRule } from './eligibility';

export class InvalidGrantError extends AppError {
  constructor(errors: FieldError[]) {
    super(
      422,
      'invalid-grant',
      'The grant request is not valid',
      errors.length === 1
        ? `${errors[0].field}: ${errors[0].reason}`
        : `${errors.length} fields are not valid; see errors.`,
      errors,
    );
  }
}

/** Refused by the eligibility rules; every rule that failed is named. */
export class GrantIneligibleError extends AppError {
  constructor(failed: readonly FailedRule[]) {
    super(
      422,
      'grant-ineligible',
      'Not eligible',
      `${failed.map((rule) => rule.reason).join('; ')}. An exception needs a recorded reason and approval.`,
      failed.map((rule) => ({ field: 'eligibility', rule: rule.rule, reason: rule.reason })),
      { failedRules: failed.map((rule) => rule.rule) },
    );
  }
}

export class InsufficientFundsError extends AppError {
  constructor(what: string, requested: string, available: string) {
    super(
      422,
      'insufficient-funds',
      'Not enough money available',
      `${requested} is more than the ${available} available ${what}.`,
      [{ field: 'amount', rule: 'withinAvailable', reason: `${available} available ${what}` }],
      { available },
    );
  }
}

export class GrantNotFoundError extends AppError {
  constructor(id: string) {
    super(404, 'grant-not-found', 'Grant not found', `There is no grant ${id}.`);
  }
}

export class GrantStateError extends AppError {
  constructor(number: string, status: string, action: string) {
    super(
      409,
      'grant-state',
      'Not possible in this state',
      `Grant ${number} is ${status}: it cannot be ${action}.`,
    );
  }
}

export class EarmarkNotFoundError extends AppError {
  constructor(fund: string, earmark: string) {
    super(404, 'earmark-not-found', 'Earmark not found', `Fund ${fund} has no earmark ${earmark}.`);
  }
}
