import { AppConfig } from '../config/app-config';
import { ENVIRONMENT_VARIABLES } from '../config/environment';
import { maskDatabaseUrl } from '../database/database-url';

export type EnvironmentVariableName = (typeof ENVIRONMENT_VARIABLES)[number];

/**
 * The effective value of every environment variable the application reads, defaults applied,
 * secrets masked. Keyed by variable name because that is what an operator sets; the type makes
 * the compiler point here when a variable is added to ENVIRONMENT_VARIABLES.
 */
export function describeConfig(config: AppConfig): Record<EnvironmentVariableName, string> {
  return {
    NODE_ENV: config.env,
    HOST: config.http.host,
    PORT: String(config.http.port),
    BODY_LIMIT: config.http.bodyLimit,
    DATABASE_URL:
      config.database.url === undefined
        ? '(not set: embedded PostgreSQL in DATA_DIR)'
        : maskDatabaseUrl(config.database.url),
    DATA_DIR: config.database.dataDir,
    DB_POOL_SIZE: String(config.database.poolSize),
    DB_PREPARED_STATEMENTS:
      config.database.url === undefined
        ? 'false (the embedded database)'
        : String(config.database.prepareStatements),
    LOG_LEVEL: config.log.level,
    MAIL_URL:
      config.mail.url === undefined
        ? '(not set: nothing is e-mailed)'
        : maskDatabaseUrl(config.mail.url),
    MAIL_FROM: config.mail.from,
    SESSION_SECRET:
      config.session.secretSource === 'environment' ? '[set]' : '[generated in DATA_DIR]',
    SHUTDOWN_TIMEOUT_MS: String(config.shutdownTimeoutMs),
    API_RATE_LIMIT_PER_MINUTE: String(config.http.rateLimitPerMinute),
    ADMIN_USERNAME: config.firstAdmin?.username ?? '(not set)',
    TRUST_PROXY: String(config.http.trustProxy),
    ADMIN_PASSWORD: config.firstAdmin === undefined ? '(not set)' : '[set]',
    MATCHING_AUTO_CONFIRM_SCORE: String(config.matching.autoConfirmScore),
    MATCHING_TOLERANCE: config.matching.tolerance,
    MATCHING_DATE_WINDOW_DAYS: String(config.matching.dateWindowDays),
    JOBS_ENABLED: String(config.jobs.enabled),
  };
}

/** `describeConfig` as aligned `NAME  value` lines, in the order of ENVIRONMENT_VARIABLES. */
export function formatConfig(config: AppConfig): string[] {
  const values = describeConfig(config);
  const width = Math.max(...ENVIRONMENT_VARIABLES.map((name) => name.length));
  return ENVIRONMENT_VARIABLES.map((name) => `${name.padEnd(width)}  ${values[name]}`);
}
