import { AppError } from '../common/errors/app-error';
import { FieldError } from '../common/errors/problem';
import { Money } from '../money/money';

/** A posting the ledger refuses, with the field-level reasons (lines[2].account …). */
export class InvalidEntryError extends AppError {
  constructor(errors: FieldError[]) {
    super(
      422,
      'invalid-entry',
      'The journal entry is not valid',
      errors.length === 1
        ? `${errors[0].field}: ${errors[0].reason}`
        : `${errors.length} problems with the entry; see errors.`,
      errors,
    );
  }
}

export class EntryUnbalancedError extends AppError {
  constructor(differences: string[]) {
    super(
      422,
      'entry-unbalanced',
      'The journal entry does not balance',
      `Debits and credits differ: ${differences.join('; ')}.`,
      differences.map((difference) => ({ field: 'lines', rule: 'balanced', reason: difference })),
    );
  }
}

export class PeriodClosedError extends AppError {
  constructor(fund: string, period: string) {
    super(
      422,
      'period-closed',
      'The accounting period is closed',
      `Period ${period} of fund ${fund} is closed: nothing can be posted into it. ` +
        'Post with a date in an open period, or have the period reopened.',
      [{ field: 'date', rule: 'period-open', reason: `period ${period} is closed` }],
    );
  }
}

export class EntryNotFoundError extends AppError {
  constructor(id: string) {
    super(404, 'entry-not-found', 'Journal entry not found', `There is no journal entry ${id}.`);
  }
}

export class AccountNotFoundError extends AppError {
  constructor(fund: string, code: string) {
    super(404, 'account-not-found', 'Account not found', `Fund ${fund} has no account ${code}.`);
  }
}

export class AlreadyReversedError extends AppError {
  constructor(number: string) {
    super(
      409,
      'entry-already-reversed',
      'Already reversed',
      `Journal entry ${number} has already been reversed; an entry is reversed at most once.`,
    );
  }
}

export class PeriodStateError extends AppError {
  constructor(fund: string, period: string, state: 'open' | 'closed') {
    super(
      409,
      `period-already-${state}`,
      `Period already ${state}`,
      `Period ${period} of fund ${fund} is already ${state}.`,
    );
  }
}

export class EntryNotReversibleError extends AppError {
  constructor(number: string, sourceType: string) {
    super(
      409,
      'entry-not-reversible',
      'This entry is not reversed here',
      `Journal entry ${number} records a ${sourceType} event: undo it through its own workflow ` +
        '(a pledge is cancelled or written off, a reversal is corrected by an adjustment).',
    );
  }
}

/** An earmark a manual entry would overdraw: the line that first takes from it, and by how much. */
export interface EarmarkShortfall {
  /** The first line taking from the earmark (`lines[2].earmark`). */
  field: string;
  earmark: string;
  available: Money;
  taken: Money;
  short: Money;
}

/**
 * A manual adjustment that would take more from an earmark than it has available (received less
 * committed and spent): an earmark's available money is never negative. Nothing was written.
 */
export class AdjustmentLeavesEarmarkShortError extends AppError {
  constructor(shortfalls: readonly EarmarkShortfall[], what: 'adjustment' | 'reversal') {
    const reasons = shortfalls.map(
      ({ earmark, available, taken, short }) =>
        `the ${what} would leave earmark ${earmark} ${short.toString()} short: it takes ` +
        `${taken.toString()} of the ${available.toString()} available`,
    );
    super(
      422,
      'insufficient-funds',
      'Not enough money available',
      `T${reasons.join('; ').slice(1)}.`,
      shortfalls.map(({ field }, index) => ({
        field,
        rule: 'earmarkStaysCovered',
        reason: reasons[index],
      })),
      {
        shortfalls: shortfalls.map(({ earmark, short }) => ({ earmark, short: short.toJSON() })),
      },
    );
  }
}
