import { QueryFailedError } from 'typeorm';

export interface DriverErrorFields {
  code?: string;
  constraint?: string;
  table?: string;
  column?: string;
  detail?: string;
}

/** The SQLSTATE of a database error, whether TypeORM wrapped it or `pg` threw it directly. */
export function sqlState(error: unknown): string | undefined {
  return driverError(error)?.code;
}

export function driverError(error: unknown): DriverErrorFields | undefined {
  const inner: unknown = error instanceof QueryFailedError ? error.driverError : error;
  if (typeof inner !== 'object' || inner === null || !('code' in inner)) return undefined;
  const code = (inner as { code: unknown }).code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return undefined;
  return inner as DriverErrorFields;
}
