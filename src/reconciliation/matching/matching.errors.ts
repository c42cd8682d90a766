import { AppError } from '../../common/errors/app-error';
import { FieldError } from '../../common/errors/problem';

/** A matching request refused field by field; nothing was written. */
export class InvalidMatchError extends AppError {
  constructor(errors: FieldError[]) {
    super(
      422,
      'invalid-bank-match',
      'The bank match request is not valid',
      errors.length === 1
        ? `${errors[0].field}: ${errors[0].reason}`
        : `${errors.length} fields are not valid; see errors.`,
      errors,
    );
  }
}

export class BankLineNotFoundError extends AppError {
  constructor(id: string) {
    super(
      404,
      'bank-line-not-found',
      'Bank line not found',
      `There is no bank statement line ${id}.`,
    );
  }
}

export class BankMatchNotFoundError extends AppError {
  constructor(id: string) {
    super(
      404,
      'bank-match-not-found',
      'Bank match not found',
      `There is no bank line match ${id}.`,
    );
  }
}

export class BankAccountUnknownError extends AppError {
  constructor(fund: string, code: string) {
    super(
      422,
      'invalid-bank-match',
      'The bank match request is not valid',
      `bankAccount: fund ${fund} has no bank account ${code}`,
      [
        {
          field: 'bankAccount',
          rule: 'exists',
          reason: `fund ${fund} has no bank account ${code}`,
        },
      ],
    );
  }
}

/** The line (or receipt) already has a decision in force: undo it first. */
export class AlreadyDecidedError extends AppError {
  constructor(what: string) {
    super(409, 'bank-line-already-decided', 'Already decided', `${what}; undo that first.`);
  }
}

export class MatchAlreadyUndoneError extends AppError {
  constructor(id: string) {
    super(
      409,
      'bank-match-not-live',
      'Not in force',
      `Match ${id} is an undo or was undone already.`,
    );
  }
}
