import { AppError } from '../common/errors/app-error';
import { FieldError } from '../common/errors/problem';

/** A bank account request refused field by field; nothing was written. */
export class InvalidBankAccountError extends AppError {
  constructor(errors: FieldError[]) {
    super(
      422,
      'invalid-bank-account',
      'The bank account request is not valid',
      errors.length === 1
        ? `${errors[0].field}: ${errors[0].reason}`
        : `${errors.length} fields are not valid; see errors.`,
      errors,
    );
  }
}

export class BankAccountNotFoundError extends AppError {
  constructor(id: string) {
    super(
      404,
      'bank-account-not-found',
      'Bank account not found',
      `There is no bank account ${id}.`,
    );
  }
}

/** The fund already has an account with this code. */
export class BankAccountCodeTakenError extends AppError {
  constructor(fund: string, code: string, existing?: string) {
    super(
      409,
      'bank-account-code-taken',
      'Bank account code already used',
      `Fund ${fund} already has a bank account coded ${code}` +
        `${existing === undefined ? '' : ` (${existing})`}; choose another code.`,
      undefined,
      { field: 'code' },
    );
  }
}

/** The fund already has an account with this number: the same account entered twice. */
export class BankAccountNumberTakenError extends AppError {
  constructor(fund: string, accountNumber: string, existingCode?: string) {
    super(
      409,
      'bank-account-number-taken',
      'Bank account already recorded',
      `Fund ${fund} already has the account ${accountNumber}` +
        `${existingCode === undefined ? '' : `, coded ${existingCode}`}; it is not recorded twice.`,
      undefined,
      { field: 'accountNumber', ...(existingCode === undefined ? {} : { existing: existingCode }) },
    );
  }
}
