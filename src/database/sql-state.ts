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
  const fields = inner as DriverErrorFields & { code: unknown };
  if (typeof fields.code !== 'string' || !/^[0-9A-Z]{5}$/.test(fields.code)) return undefined;
  return fields;
}
