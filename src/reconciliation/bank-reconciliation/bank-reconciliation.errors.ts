import { AppError } from '../../common/errors/app-error';
import { FieldError } from '../../common/errors/problem';

/** The report asked for a fund or bank account that does not exist; nothing is read. */
export class InvalidBankReconciliationQueryError extends AppError {
  constructor(errors: FieldError[]) {
    super(
      422,
      'invalid-bank-reconciliation-query',
      'The bank reconciliation cannot be produced with these parameters',
      errors.length === 1
        ? `${errors[0].field}: ${errors[0].reason}`
        : `${errors.length} parameters are not valid; see errors.`,
      errors,
    );
  }
}
