import { AppError } from '../common/errors/app-error';
import { FieldError } from '../common/errors/problem';
import { Money } from '../money/money';

/** A receipt request refused field by field; nothing was written. */
export class InvalidReceiptError extends AppError {
  constructor(errors: FieldError[]) {
    super(
      422,
      'invalid-receipt',
      'The receipt request is not valid',
      errors.length === 1
        ? `${errors[0].field}: ${errors[0].reason}`
        : `${errors.length} fields are not valid; see errors.`,
      errors,
    );
  }
}

export class ReceiptNotFoundError extends AppError {
  constructor(id: string) {
    super(404, 'receipt-not-found', 'Receipt not found', `There is no receipt ${id}.`);
  }
}

export class DuplicateReceiptError extends AppError {
  constructor(bankReference: string, existing: string) {
    super(
      409,
      'duplicate-receipt',
      'Receipt already recorded',
      `Bank reference ${bankReference} is already recorded on this bank account as receipt ` +
        `${existing}: the same credit is recorded once.`,
      undefined,
      { existing },
    );
  }
}

export class ReceiptReversedError extends AppError {
  constructor(number: string, on: string) {
    super(
      409,
      'receipt-reversed',
      'Receipt reversed',
      `Receipt ${number} was reversed on ${on}: nothing more can be done with it.`,
    );
  }
}

export class ReceiptUnidentifiedError extends AppError {
  constructor(number: string) {
    super(
      409,
      'receipt-unidentified',
      'Donor unknown',
      `Receipt ${number} has no donor yet: assign its donor before allocating it.`,
    );
  }
}

export class DonorAlreadyKnownError extends AppError {
  constructor(number: string, donor: string) {
    super(
      409,
      'receipt-donor-known',
      'Donor already known',
      `Receipt ${number} is already from ${donor}; a receipt's donor is assigned once.`,
    );
  }
}

export class NothingToAllocateError extends AppError {
  constructor(number: string, why: string) {
    super(409, 'nothing-to-allocate', 'Nothing to allocate', `Receipt ${number}: ${why}.`);
  }
}

export class ReceiptRefundedError extends AppError {
  constructor(number: string) {
    super(
      409,
      'receipt-refunded',
      'Receipt partly refunded',
      `Money of receipt ${number} was refunded: a refunded receipt is not reversed as a whole.`,
    );
  }
}

/**
 * A reversal that would take money grants are committed against or already spent: an earmark's
 * available money is never negative. Nothing was written.
 */
export class ReversalLeavesEarmarkShortError extends AppError {
  constructor(number: string, shortfalls: ReadonlyArray<{ earmark: string; short: Money }>) {
    const reasons = shortfalls.map(
      ({ earmark, short }) =>
        `reversing ${number} would leave earmark ${earmark} ${short.toString()} short of the ` +
        `grants committed against it; cancel or re-fund those grants first`,
    );
    super(
      422,
      'insufficient-funds',
      'Not enough money available',
      `R${reasons.join('; ').slice(1)}.`,
      reasons.map((reason) => ({ field: 'receipt', rule: 'earmarkStaysCovered', reason })),
      {
        shortfalls: shortfalls.map(({ earmark, short }) => ({ earmark, short: short.toJSON() })),
      },
    );
  }
}
