import { AppError } from '../../common/errors/app-error';
import { FieldError } from '../../common/errors/problem';

/** An upload refused before or while reading it; nothing was written. */
export class InvalidStatementImportError extends AppError {
  constructor(errors: FieldError[]) {
    super(
      422,
      'invalid-statement-import',
      'The statement cannot be imported',
      errors.length === 1
        ? `${errors[0].field}: ${errors[0].reason}`
        : `${errors.length} problems; see errors.`,
      errors,
    );
  }
}

/** The file could not be read as a statement: the parser's own words. */
export class StatementUnreadableError extends AppError {
  constructor(fileName: string, problem: string) {
    super(
      422,
      'statement-unreadable',
      'The file is not a statement that can be read',
      problem,
      [{ field: 'content', rule: 'parse', reason: problem }],
      { fileName },
    );
  }
}

/** The same account's statement (by the bank's statement id) is already in. */
export class StatementAlreadyImportedError extends AppError {
  constructor(statementId: string, importedAt?: Date, importedBy?: string, existingId?: string) {
    super(
      409,
      'statement-already-imported',
      'Statement already imported',
      `Statement ${statementId} of this bank account was already imported` +
        (importedAt === undefined ? '' : ` on ${importedAt.toISOString()} by ${importedBy}`) +
        '; it is not imported twice.',
      undefined,
      {
        statementId,
        ...(existingId === undefined ? {} : { existing: existingId }),
        ...(importedAt === undefined ? {} : { importedAt: importedAt.toISOString(), importedBy }),
      },
    );
  }
}

/** The very same file (by its SHA-256) was already imported into this account. */
export class StatementFileAlreadyImportedError extends AppError {
  constructor(fileName: string, importedAt: Date, importedBy: string, existingId: string) {
    super(
      409,
      'statement-already-imported',
      'Statement file already imported',
      `This file (${fileName}) was already imported into this bank account on ` +
        `${importedAt.toISOString()} by ${importedBy}; it is not imported twice.`,
      undefined,
      { sameFile: true, existing: existingId, importedAt: importedAt.toISOString(), importedBy },
    );
  }
}

export class StatementNotFoundError extends AppError {
  constructor(id: string) {
    super(
      404,
      'bank-statement-not-found',
      'Bank statement not found',
      `There is no bank statement ${id}.`,
    );
  }
}

export class StatementBankAccountNotFoundError extends AppError {
  constructor(fund: string, code: string) {
    super(
      404,
      'bank-account-not-found',
      'Bank account not found',
      `Fund ${fund} has no bank account ${code}.`,
    );
  }
}
