import { AppError, ConflictError } from '../common/errors/app-error';

/**
 * The month was revalued and nothing posted since changes what it is carried at: a run now would
 * post nothing (the same difference is never posted twice), so none is recorded.
 */
export class RevaluationAlreadyRunError extends ConflictError {
  constructor(fund: string, period: string, run: number, entryNumber: string | null) {
    super(
      'revaluation-already-run',
      `The month-end revaluation of ${period} of fund ${fund} has already run` +
        (run > 1 ? ` ${run} times` : '') +
        (entryNumber === null
          ? ' (nothing needed revaluing)'
          : ` (${run > 1 ? 'last ' : ''}entry ${entryNumber})`) +
        '; nothing has changed since: there is nothing more to post.',
      { fund, period, run, entryNumber },
    );
  }
}

/**
 * What the month's revaluation has to post needs its reversal on the first day of the next
 * month, which is closed: said before anything is posted.
 */
export class RevaluationNextPeriodClosedError extends ConflictError {
  constructor(fund: string, period: string, nextPeriod: string) {
    super(
      'revaluation-next-period-closed',
      `The month-end revaluation of ${period} of fund ${fund} has to be reversed on the first ` +
        `day of ${nextPeriod}, and period ${nextPeriod} is closed: reopen it or close the ` +
        'months in order.',
      { fund, period, nextPeriod },
    );
  }
}

export class RevaluationPeriodClosedError extends ConflictError {
  constructor(fund: string, period: string) {
    super(
      'revaluation-period-closed',
      `Period ${period} of fund ${fund} is closed: its revaluation can no longer be posted. ` +
        'Have the period reopened first.',
      { fund, period },
    );
  }
}

/**
 * The UN rate of a currency held on receivables or bank accounts is not in force on the month's
 * last day. Said per currency on the field `period`; nothing is posted.
 */
export class RevaluationRateMissingError extends AppError {
  constructor(fund: string, period: string, date: string, currencies: readonly string[]) {
    super(
      422,
      'revaluation-rate-missing',
      'Exchange rate missing for the month-end revaluation',
      `The month-end revaluation of ${period} of fund ${fund} (which closing the month runs) ` +
        `needs the UN operational rate in force on ${date} of ${currencies.join(', ')}: ` +
        'enter it, then run the revaluation or close the month again.',
      currencies.map((currency) => ({
        field: 'period',
        rule: 'rateInForce',
        reason: `no UN operational rate for ${currency} in force on ${date}, the last day of ${period}`,
      })),
      { fund, period, date, currencies },
    );
  }
}
