import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const NODE_ENVS = ['development', 'production', 'test'] as const;

// An empty variable counts as unset, so `PORT=` behaves like no PORT at all.
const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const toInteger = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  if (value.trim() === '') return undefined;
  return /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
};

/**
 * The environment variables the application reads, exactly as they arrive (strings).
 * Each one is documented in the README's configuration table; keep the two in step.
 * Decorators run nearest-first and validation stops at the first failure per variable, so the
 * type check sits next to the property: "abc" is reported as not an integer, not out of range.
 */
export class EnvironmentVariables {
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(NODE_ENVS, { message: `must be one of ${NODE_ENVS.join(', ')}` })
  NODE_ENV?: (typeof NODE_ENVS)[number];

  @IsOptional()
  @Transform(toInteger)
  @Min(0, { message: 'must be between 0 and 65535' })
  @Max(65535, { message: 'must be between 0 and 65535' })
  @IsInt({ message: 'must be an integer port number' })
  PORT?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @Matches(/^[A-Za-z0-9.:-]+$/, { message: 'must be a host name or IP address' })
  HOST?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^postgres(ql)?:\/\/[^\s]+$/, {
    message: 'must be a postgres:// or postgresql:// connection URL',
  })
  DATABASE_URL?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  DATA_DIR?: string;

  @IsOptional()
  @Transform(toInteger)
  @Min(1, { message: 'must be between 1 and 100' })
  @Max(100, { message: 'must be between 1 and 100' })
  @IsInt({ message: 'must be an integer' })
  DB_POOL_SIZE?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  DB_PREPARED_STATEMENTS?: 'true' | 'false';

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL?: LogLevel;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^smtps?:\/\/[^\s/?#]+([/?][^\s]*)?$/, {
    message: 'must be an smtp:// or smtps:// URL such as smtp://mail.example.org:587',
  })
  MAIL_URL?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^([^<>\r\n]+<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/, {
    message: 'must be an address such as trust-fund@example.org or "Name <trust-fund@example.org>"',
  })
  MAIL_FROM?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters long' })
  SESSION_SECRET?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^\d+(b|kb|mb)$/i, { message: 'must be a size such as 100kb or 1mb' })
  BODY_LIMIT?: string;

  @IsOptional()
  @Transform(toInteger)
  @Min(100, { message: 'must be between 100 and 120000' })
  @Max(120000, { message: 'must be between 100 and 120000' })
  @IsInt({ message: 'must be an integer number of milliseconds' })
  SHUTDOWN_TIMEOUT_MS?: number;

  @IsOptional()
  @Transform(toInteger)
  @Min(1, { message: 'must be between 1 and 100000' })
  @Max(100000, { message: 'must be between 1 and 100000' })
  @IsInt({ message: 'must be an integer number of requests' })
  API_RATE_LIMIT_PER_MINUTE?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[a-z0-9][a-z0-9._@-]{2,99}$/, {
    message: 'must be 3 to 100 lower-case letters, digits, dots, hyphens, @ or _',
  })
  ADMIN_USERNAME?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  ADMIN_PASSWORD?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^(loopback|linklocal|uniquelocal|\d{1,2}|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/, {
    message:
      'must be loopback, a number of proxy hops, or a comma-separated list of addresses/CIDRs',
  })
  TRUST_PROXY?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^(0\.[5-9]\d{0,2}|1(\.0{1,3})?)$/, { message: 'must be a score between 0.5 and 1' })
  MATCHING_AUTO_CONFIRM_SCORE?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^\d{1,6}(\.\d{1,2})?$/, { message: 'must be an amount such as 50.00' })
  MATCHING_TOLERANCE?: string;

  @IsOptional()
  @Transform(toInteger)
  @Min(0, { message: 'must be between 0 and 60' })
  @Max(60, { message: 'must be between 0 and 60' })
  @IsInt({ message: 'must be an integer number of days' })
  MATCHING_DATE_WINDOW_DAYS?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  JOBS_ENABLED?: 'true' | 'false';
}

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigurationError';
  }
}

/** Values are never echoed back: a malformed secret must not end up in a log either. */
function messages(errors: ValidationError[]): string[] {
  return errors.flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) => `${error.property} ${message}`),
  );
}

export function validateEnvironment(env: Record<string, string | undefined>): EnvironmentVariables {
  const known = Object.fromEntries(ENVIRONMENT_VARIABLES.map((name) => [name, env[name]]));
  const parsed = plainToInstance(EnvironmentVariables, known);
  const errors = validateSync(parsed, { stopAtFirstError: true });
  if (parsed.NODE_ENV === 'production' && parsed.SESSION_SECRET === undefined) {
    errors.push(
      Object.assign(new ValidationError(), {
        property: 'SESSION_SECRET',
        constraints: { required: 'is required when NODE_ENV=production' },
      }),
    );
  }
  if ((parsed.ADMIN_USERNAME === undefined) !== (parsed.ADMIN_PASSWORD === undefined)) {
    const missing = parsed.ADMIN_USERNAME === undefined ? 'ADMIN_USERNAME' : 'ADMIN_PASSWORD';
    errors.push(
      Object.assign(new ValidationError(), {
        property: missing,
        constraints: { required: 'is required when the other ADMIN_ variable is set' },
      }),
    );
  }
  if (errors.length > 0) throw new ConfigurationError(messages(errors));
  return parsed;
}

export const ENVIRONMENT_VARIABLES = [
  'NODE_ENV',
  'PORT',
  'HOST',
  'DATABASE_URL',
  'DATA_DIR',
  'DB_POOL_SIZE',
  'DB_PREPARED_STATEMENTS',
  'LOG_LEVEL',
  'MAIL_URL',
  'MAIL_FROM',
  'SESSION_SECRET',
  'BODY_LIMIT',
  'SHUTDOWN_TIMEOUT_MS',
  'API_RATE_LIMIT_PER_MINUTE',
  'ADMIN_USERNAME',
  'ADMIN_PASSWORD',
  'TRUST_PROXY',
  'MATCHING_AUTO_CONFIRM_SCORE',
  'MATCHING_TOLERANCE',
  'MATCHING_DATE_WINDOW_DAYS',
  'JOBS_ENABLED',
] as const;
