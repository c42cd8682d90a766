import { AppError, ConflictError } from '../common/errors/app-error';

export class MissingRateError extends AppError {
  constructor(
    readonly currency: string,
    readonly date: string,
  ) {
    super(
      422,
      'rate-missing',
      'Exchange rate missing',
      `No UN operational rate for ${currency} in force on ${date}`,
      undefined,
      { currency, date },
    );
  }
}

export class InvalidRateDateError extends AppError {
  constructor(date: string, reason: string) {
    super(422, 'invalid-date', 'Invalid date', `The date ${JSON.stringify(date)} ${reason}.`);
  }
}

export class RateUnchangedError extends ConflictError {
  constructor(currency: string, effectiveFrom: string, unitsPerUsd: string, version: number) {
    super(
      'rate-unchanged',
      `The rate of ${currency} from ${effectiveFrom} is already ${unitsPerUsd} (version ${version}); a correction must change it.`,
      { currency, effectiveFrom, version },
    );
  }
}

export class RateVersionConflictError extends ConflictError {
  constructor() {
    super(
      'rate-version-conflict',
      'Someone else entered or corrected the same rate at the same moment, and nothing was saved. Look at the current rate and try again if it still needs correcting.',
    );
  }
}
