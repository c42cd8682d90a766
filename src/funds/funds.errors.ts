import { AppError } from '../common/errors/app-error';

export class FundNotFoundError extends AppError {
  constructor(code: string) {
    super(404, 'fund-not-found', 'Fund not found', `There is no fund with code ${code}.`);
  }
}

export class FundCodeTakenError extends AppError {
  constructor(code: string) {
    super(409, 'fund-code-taken', 'Fund code already used', `A fund with code ${code} exists.`);
  }
}

export class EarmarkCodeTakenError extends AppError {
  constructor(fund: string, code: string) {
    super(
      409,
      'earmark-code-taken',
      'Earmark code already used',
      `Fund ${fund} already has an earmark ${code}.`,
    );
  }
}
