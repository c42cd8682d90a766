import { QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { driverError } from '../../database/sql-state';
import { AppError, ConflictError, ServiceUnavailableError } from './app-error';

// Constraint names are part of the schema; a module may give one a readable sentence here.
const CONSTRAINT_MESSAGES: Record<string, string> = {};

/**
 * The one place where database errors become answers. Returns undefined for errors that are
 * not the database's, and never lets a driver message or stack through as a 500.
 */
export function translateDatabaseError(error: unknown): AppError | undefined {
  if (isConnectionFailure(error)) return databaseUnavailable();
  const fields = driverError(error);
  if (fields?.code === undefined) return undefined;
  const { code, constraint, table, column } = fields;
  const where = constraint !== undefined ? { constraint } : {};
  switch (code) {
    case '23505':
      return new ConflictError(
        'unique-violation',
        (constraint && CONSTRAINT_MESSAGES[constraint]) ??
          'A record with the same unique values already exists.',
        where,
      );
    case '23503':
      return new AppError(
        422,
        'reference-violation',
        'Unprocessable request',
        (constraint && CONSTRAINT_MESSAGES[constraint]) ??
          'The request refers to a record that does not exist, or removes one still in use.',
        undefined,
        where,
      );
    case '23514':
    case '23502':
    case '23P01':
    case '22001':
    case '22003':
      return new AppError(
        422,
        code === '23502' ? 'not-null-violation' : 'constraint-violation',
        'Unprocessable request',
        (constraint && CONSTRAINT_MESSAGES[constraint]) ??
          (column !== undefined
            ? `The value of ${table ? `${table}.` : ''}${column} breaks a rule of the database.`
            : 'The request breaks a rule of the database.'),
        undefined,
        where,
      );
    case '22P02':
      return new AppError(
        422,
        'invalid-value',
        'Unprocessable request',
        'A value in the request is not of the expected kind (an id, a number or a date).',
      );
    // A NUL character (`%00` in a path) or another one that UTF-8 text cannot hold.
    case '22021':
      return new AppError(
        422,
        'invalid-value',
        'Unprocessable request',
        'A value in the request holds a character that cannot be stored (such as NUL).',
      );
    case '40001':
    case '40P01':
      return new ServiceUnavailableError(
        'transaction-conflict',
        'The request collided with concurrent changes and was not applied. Retry it with the same Idempotency-Key.',
      );
    case '57P01':
    case '57P02':
    case '57P03':
    case '53300':
      return databaseUnavailable();
    default:
      return code.startsWith('08') ? databaseUnavailable() : undefined;
  }
}

function databaseUnavailable(): ServiceUnavailableError {
  return new ServiceUnavailableError(
    'database-unavailable',
    'The database is not available at the moment. Retry shortly.',
    2,
  );
}

const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']);

// `pg` reports a lost or refused connection without a SQLSTATE. TypeORM releases a query runner
// whose connection fails (the client's 'error' event, e.g. the server shutting down mid-
// transaction): the next query of that transaction then throws QueryRunnerProviderAlreadyReleased,
// and nothing of the transaction was committed.
function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof QueryRunnerProviderAlreadyReleasedError) return true;
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && CONNECTION_ERROR_CODES.has(code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(
    error.message,
  );
}
