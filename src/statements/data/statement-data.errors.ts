import { AppError } from '../../common/errors/app-error';
import { FieldError } from '../../common/errors/problem';

/** A statement asked for a period that is not one: a malformed date, or `from` after `to`. */
export class InvalidStatementPeriodError extends AppError {
  constructor(errors: FieldError[]) {
    super(
      422,
      'invalid-statement-period',
      'The statement period is not valid',
      errors.length === 1
        ? `${errors[0].field}: ${errors[0].reason}`
        : `${errors.length} fields are not valid; see errors.`,
      errors,
    );
  }
}

/** An acknowledgement thanks a donor: a receipt still unidentified (in suspense) has none. */
export class ReceiptWithoutDonorError extends AppError {
  constructor(number: string) {
    super(
      422,
      'receipt-without-donor',
      'Receipt without donor',
      `Receipt ${number} has no donor yet: assign its donor before acknowledging it.`,
      [{ field: 'receiptId', rule: 'hasDonor', reason: `receipt ${number} has no donor yet` }],
    );
  }
}
