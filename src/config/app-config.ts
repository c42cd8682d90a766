import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LogLevel, validateEnvironment } from './environment';

/** The validated, typed configuration, grouped by concern. Built once at boot. */
export interface AppConfig {
  readonly env: 'development' | 'production' | 'test';
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly bodyLimit: string;
    /** Requests one client address may make to /api/v1 per minute, per instance. */
    readonly rateLimitPerMinute: number;
    /** Which proxies may tell the client's address and protocol (Express `trust proxy`). */
    readonly trustProxy: string | number;
  };
  readonly database: {
    /** Absent: the application runs on the embedded PostgreSQL in `dataDir`. */
    readonly url?: string;
    readonly dataDir: string;
    readonly poolSize: number;
    /**
     * Repeated parameterized statements go as named prepared statements (a server only; off for
     * a transaction-mode pooler such as PgBouncer, which cannot keep them).
     */
    readonly prepareStatements: boolean;
  };
  readonly log: { readonly level: LogLevel };
  /** Outgoing e-mail (statements, reminders). Without a url nothing is e-mailed. */
  readonly mail: { readonly url?: string; readonly from: string };
  readonly session: { readonly secret: string; readonly secretSource: 'environment' | 'data-dir' };
  readonly shutdownTimeoutMs: number;
  /** Bank reconciliation: what the matching engine may decide without an officer. */
  readonly matching: {
    /** A suggestion scoring at least this (0.5–1) is confirmed automatically; 1: exact reference and amount. */
    readonly autoConfirmScore: number;
    /** Bank charges a match may leave unexplained, in major units of the line's currency. */
    readonly tolerance: string;
    /** Days a bank line's date may differ from a receipt's value date. */
    readonly dateWindowDays: number;
  };
  /** Background jobs (pg-boss queue in the same database): false runs no workers here. */
  readonly jobs: { readonly enabled: boolean };
  /** The first admin, created on first start when no active admin exists. */
  readonly firstAdmin?: { readonly username: string; readonly password: string };
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export const DEFAULT_MAIL_FROM = 'WSIS Trust Fund <trust-fund@localhost>';

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const vars = validateEnvironment(env);
  const dataDir = resolve(vars.DATA_DIR ?? './data');
  const nodeEnv = vars.NODE_ENV ?? 'development';
  return {
    env: nodeEnv,
    http: {
      host: vars.HOST ?? '127.0.0.1',
      port: vars.PORT ?? 3000,
      bodyLimit: vars.BODY_LIMIT ?? '1mb',
      rateLimitPerMinute: vars.API_RATE_LIMIT_PER_MINUTE ?? 600,
      trustProxy: /^\d+$/.test(vars.TRUST_PROXY ?? '')
        ? Number(vars.TRUST_PROXY)
        : (vars.TRUST_PROXY ?? 'loopback'),
    },
    database: {
      url: vars.DATABASE_URL,
      dataDir,
      poolSize: vars.DB_POOL_SIZE ?? 10,
      prepareStatements: vars.DB_PREPARED_STATEMENTS !== 'false',
    },
    log: { level: vars.LOG_LEVEL ?? 'info' },
    mail: { url: vars.MAIL_URL, from: vars.MAIL_FROM ?? DEFAULT_MAIL_FROM },
    session:
      vars.SESSION_SECRET !== undefined
        ? { secret: vars.SESSION_SECRET, secretSource: 'environment' }
        : { secret: localSessionSecret(dataDir), secretSource: 'data-dir' },
    shutdownTimeoutMs: vars.SHUTDOWN_TIMEOUT_MS ?? 10000,
    matching: {
      autoConfirmScore: Number(vars.MATCHING_AUTO_CONFIRM_SCORE ?? '1'),
      tolerance: vars.MATCHING_TOLERANCE ?? '50.00',
      dateWindowDays: vars.MATCHING_DATE_WINDOW_DAYS ?? 5,
    },
    jobs: { enabled: vars.JOBS_ENABLED !== 'false' },
    firstAdmin:
      vars.ADMIN_USERNAME !== undefined && vars.ADMIN_PASSWORD !== undefined
        ? { username: vars.ADMIN_USERNAME, password: vars.ADMIN_PASSWORD }
        : undefined,
  };
}

// Outside production a newcomer should not have to invent a secret: one is generated once and
// kept in the data folder (mode 0600), so sessions survive a restart. Production must set it.
function localSessionSecret(dataDir: string): string {
  const file = join(dataDir, 'session-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
    return secret;
  }
}
