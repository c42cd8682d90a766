import { AppError } from '../common/errors/app-error';

export class UnknownCurrencyError extends AppError {
  constructor(
    readonly currency: string,
    detail = `${describe(currency)} is not an active ISO 4217 currency code.`,
  ) {
    super(422, 'unknown-currency', 'Unknown currency', detail, undefined, { currency });
  }
}

export class InvalidAmountError extends AppError {
  constructor(
    readonly input: string,
    readonly currency: string,
    reason: string,
  ) {
    super(
      422,
      'invalid-amount',
      'Invalid amount',
      `${describe(input)} is not a valid ${currency} amount: ${reason}.`,
      undefined,
      { currency },
    );
  }
}

export class CurrencyMismatchError extends AppError {
  constructor(
    readonly left: string,
    readonly right: string,
    operation: string,
  ) {
    super(
      422,
      'currency-mismatch',
      'Currencies do not match',
      `Cannot ${operation} ${left} and ${right}: convert one of them first.`,
      undefined,
      { currencies: [left, right] },
    );
  }
}

export class InvalidAllocationError extends AppError {
  constructor(detail: string) {
    super(422, 'invalid-allocation', 'Invalid allocation', detail);
  }
}

export class InvalidRateError extends AppError {
  constructor(detail: string) {
    super(422, 'invalid-rate', 'Invalid exchange rate', detail);
  }
}

// User input goes into messages quoted and shortened, so a pasted paragraph stays readable.
function describe(value: string): string {
  const text = String(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
