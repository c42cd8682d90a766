import { AppError } from '../../common/errors/app-error';
import { FieldError } from '../../common/errors/problem';

/** A batch request refused field by field; nothing was written. */
export class InvalidReceiptBatchError extends AppError {
  constructor(errors: FieldError[]) {
    super(
      422,
      'invalid-receipt-batch',
      'The receipt batch is not valid',
      errors.length === 1
        ? `${errors[0].field}: ${errors[0].reason}`
        : `${errors.length} fields are not valid; see errors.`,
      errors,
    );
  }
}

export class ReceiptBatchNotFoundError extends AppError {
  constructor(id: string) {
    super(404, 'receipt-batch-not-found', 'Receipt batch not found', `There is no batch ${id}.`);
  }
}

export class ReceiptBatchPostedError extends AppError {
  constructor(id: string, postedAt: string) {
    super(
      409,
      'receipt-batch-posted',
      'Receipt batch already posted',
      `Batch ${id} was posted at ${postedAt}: its receipts are recorded and it cannot change. ` +
        'Correct a receipt through its own refund or reversal.',
    );
  }
}

/** What a batch's figures look like, for the refusal and the page. */
export interface BatchFigureText {
  enteredCount: number;
  declaredCount: number;
  countDifference: number;
  entered: string;
  declared: string;
  totalDifference: string;
  totalDiffers: boolean;
}

/**
 * The receipts entered do not agree with the count or the total the list declared, and no
 * override was given: the problem names both figures, entered against declared.
 */
export class ReceiptBatchDisagreesError extends AppError {
  constructor(figures: BatchFigureText, extensions: Record<string, unknown>) {
    const errors: FieldError[] = [];
    if (figures.countDifference !== 0) {
      errors.push({
        field: 'declaredCount',
        rule: 'count-agrees',
        reason:
          `${figures.enteredCount} receipts entered, ${figures.declaredCount} declared ` +
          `(difference ${signed(figures.countDifference)})`,
      });
    }
    if (figures.totalDiffers) {
      errors.push({
        field: 'declaredTotal',
        rule: 'total-agrees',
        reason:
          `${figures.entered} entered, ${figures.declared} declared ` +
          `(difference ${figures.totalDifference})`,
      });
    }
    super(
      422,
      'receipt-batch-disagrees',
      'The batch does not agree with what was declared',
      `Entered ${figures.enteredCount} receipts for ${figures.entered}; declared ` +
        `${figures.declaredCount} for ${figures.declared}. Count difference ` +
        `${signed(figures.countDifference)}, total difference ${figures.totalDifference}. ` +
        'Correct the receipts or the declared figures, or post with an override and its reason. ' +
        'Nothing was posted.',
      errors,
      extensions,
    );
  }
}

/** A batch that holds no receipt: there is nothing to post, override or not. */
export class ReceiptBatchEmptyError extends AppError {
  constructor() {
    super(
      422,
      'receipt-batch-empty',
      'The batch has no receipts',
      'Enter the receipts of the list before posting the batch.',
      [{ field: 'receipts', rule: 'notEmpty', reason: 'the batch has no receipts' }],
    );
  }
}

/**
 * One receipt of the batch was refused when it was recorded: the whole batch is refused, its
 * errors named under `receipts[i].`, and nothing is written; the batch stays a draft.
 */
export class ReceiptBatchLineRefusedError extends AppError {
  constructor(index: number, cause: AppError, errors: FieldError[]) {
    super(
      422,
      'receipt-batch-line-refused',
      'A receipt of the batch was refused',
      `Receipt ${index + 1} of the batch (receipts[${index}]) was refused: ` +
        `${/[.!?]$/.test(cause.detail) ? cause.detail : `${cause.detail}.`} ` +
        'Nothing was posted; the batch stays a draft.',
      errors,
      { line: index, cause: cause.code },
    );
  }
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}
