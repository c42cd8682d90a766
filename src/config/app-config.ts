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
  };
  readonly log: { readonly level: LogLevel };
  readonly session: { readonly secret: string; readonly secretSource: 'environment' | 'data-dir' };
  readonly shutdownTimeoutMs: number;
  /** The first admin, created on first start when no active admin exists. */
  readonly firstAdmin?: { readonly username: string; readonly password: string };
}

export const APP_CONFIG = Symbol('APP_CONFIG');

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
    database: { url: vars.DATABASE_URL, dataDir, poolSize: vars.DB_POOL_SIZE ?? 10 },
    log: { level: vars.LOG_LEVEL ?? 'info' },
    session:
      vars.SESSION_SECRET !== undefined
        ? { secret: vars.SESSION_SECRET, secretSource: 'environment' }
        : { secret: localSessionSecret(dataDir), secretSource: 'data-dir' },
    shutdownTimeoutMs: vars.SHUTDOWN_TIMEOUT_MS ?? 10000,
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
