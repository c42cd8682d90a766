import { AppError } from '../common/errors/app-error';

/** A date range the query cannot mean: an impossible date, or `to` before `from`. */
export class InvalidAuditPeriodError extends AppError {
  constructor(field: 'from' | 'to', reason: string) {
    super(422, 'invalid-audit-period', 'The period asked for is not valid', `${field}: ${reason}`, [
      { field, rule: 'period', reason },
    ]);
  }
}

/**
 * A programming error: an audit record written outside a transaction could not be tied to the
 * change it describes, nor hold the chain's lock until commit.
 */
export class AuditOutsideTransactionError extends Error {
  constructor() {
    super(
      "AuditService.record must be given the manager of the caller's transaction, so that the " +
        'record commits or rolls back with the change it describes',
    );
    this.name = 'AuditOutsideTransactionError';
  }
}

/**
 * A record the database hashed differently from the verifier's formula, or linked to another
 * record than the one written just before it in the same unit of work: nothing commits.
 */
export class AuditChainError extends Error {
  constructor(id: string) {
    super(`audit record ${id} does not hash or link as audit-hash.ts says: the change is refused`);
    this.name = 'AuditChainError';
  }
}
