import { AppError } from '../common/errors/app-error';
import { FieldError } from '../common/errors/problem';

/** A pledge request refused field by field; nothing was written. */
export class InvalidPledgeError extends AppError {
  constructor(errors: FieldError[]) {
    super(
      422,
      'invalid-pledge',
      'The pledge request is not valid',
      errors.length === 1
        ? `${errors[0].field}: ${errors[0].reason}`
        : `${errors.length} fields are not valid; see errors.`,
      errors,
    );
  }
}

export class PledgeNotFoundError extends AppError {
  constructor(id: string) {
    super(404, 'pledge-not-found', 'Pledge not found', `There is no pledge ${id}.`);
  }
}

export class PledgeAlreadyAgreedError extends AppError {
  constructor(reference: string, agreedOn: string) {
    super(
      409,
      'pledge-already-agreed',
      'Pledge already agreed',
      `Pledge ${reference} was agreed on ${agreedOn}; an agreement is recorded once.`,
    );
  }
}

export class PledgeNotAgreedError extends AppError {
  constructor(reference: string, what: string) {
    super(
      409,
      'pledge-not-agreed',
      'Pledge not agreed',
      `Pledge ${reference} has no agreement yet: ${what}.`,
    );
  }
}

export class PledgeEndedError extends AppError {
  constructor(reference: string, ending: string, on: string) {
    super(
      409,
      'pledge-ended',
      'Pledge ended',
      `Pledge ${reference} was ${ending.replace('-', ' ')} on ${on}; nothing more can happen to it.`,
      undefined,
      { ending },
    );
  }
}

export class PledgeNotConditionalError extends AppError {
  constructor(reference: string) {
    super(
      409,
      'pledge-not-conditional',
      'Pledge not conditional',
      `Pledge ${reference} was not agreed under conditions: there are none to be met.`,
    );
  }
}

export class ConditionsAlreadyMetError extends AppError {
  constructor(reference: string, on: string) {
    super(
      409,
      'pledge-conditions-already-met',
      'Conditions already met',
      `The conditions of pledge ${reference} were recorded as met on ${on}.`,
    );
  }
}

export class ConditionsNotMetError extends AppError {
  constructor(reference: string) {
    super(
      409,
      'pledge-conditions-not-met',
      'Conditions not met',
      `Pledge ${reference} is conditional and its conditions are not met: its revenue was never ` +
        'recognised, so there is nothing to write off. Cancel it instead.',
    );
  }
}

export class NothingOutstandingError extends AppError {
  constructor(reference: string, action: string) {
    super(
      409,
      'pledge-nothing-outstanding',
      'Nothing outstanding',
      `Pledge ${reference} has nothing outstanding on the receivable: there is nothing to ${action}.`,
    );
  }
}
