import { AppError } from '../../common/errors/app-error';
import { FieldError } from '../../common/errors/problem';

/** A batch request refused field by field; nothing was written. */
export class InvalidStatementBatchError extends AppError {
  constructor(errors: FieldError[]) {
    super(
      422,
      'invalid-statement-batch',
      'The statement batch is not valid',
      errors.length === 1
        ? `${errors[0].field}: ${errors[0].reason}`
        : `${errors.length} fields are not valid; see errors.`,
      errors,
    );
  }
}

export class StatementBatchNotFoundError extends AppError {
  constructor(id: string) {
    super(
      404,
      'statement-batch-not-found',
      'Statement batch not found',
      `There is no batch ${id}.`,
    );
  }
}

/** Only a finished batch with failed items can be given another try. */
export class StatementBatchNotRetryableError extends AppError {
  constructor(id: string, status: string) {
    super(
      409,
      'statement-batch-not-retryable',
      'Nothing to retry in this batch',
      `Batch ${id} is ${status}: only a finished batch with failed statements can be retried.`,
    );
  }
}
