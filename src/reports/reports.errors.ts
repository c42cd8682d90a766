import { AppError } from '../common/errors/app-error';
import { FieldError } from '../common/errors/problem';

/** A report asked for with parameters that name nothing (an unknown fund…); nothing is read. */
export class InvalidReportQueryError extends AppError {
  constructor(errors: FieldError[]) {
    super(
      422,
      'invalid-report-query',
      'The report cannot be produced with these parameters',
      errors.length === 1
        ? `${errors[0].field}: ${errors[0].reason}`
        : `${errors.length} parameters are not valid; see errors.`,
      errors,
    );
  }
}
