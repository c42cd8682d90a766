import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, Migration, MigrationExecutor } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { describeDatabase } from './database-url';
import { EmbeddedPostgres } from './embedded-postgres';
import { keepsPreparedStatements } from './prepared-statements';

export type DatabaseEngine = 'embedded' | 'postgres';

/**
 * PGlite is one PostgreSQL backend behind a socket: queries of several connections interleave in
 * it (seen: "portal \"\" cannot be run" under concurrent requests), so the embedded database is
 * used through a single connection, and everything on it runs one at a time.
 */
export const EMBEDDED_POOL_SIZE = 1;

// Any fixed number works, as long as every instance uses the same one.
const MIGRATION_LOCK_KEY = 7_310_020_001;

/**
 * The application's one database: the server named by DATABASE_URL, or else the embedded
 * PostgreSQL in DATA_DIR. Owns the connection pool and, on shutdown, closes the pool first and
 * the embedded database after it.
 */
export class DatabaseConnection implements OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseConnection.name);
  private closing = false;

  private constructor(
    readonly dataSource: DataSource,
    readonly engine: DatabaseEngine,
    /** Where this connection points, for people: never the password. */
    readonly description: string,
    private readonly embedded?: EmbeddedPostgres,
  ) {}

  /**
   * Opens the database and, unless `migrate` is false (the CLI migrates itself to report what it
   * applied), brings its schema up to date.
   */
  static async open(
    config: AppConfig['database'],
    { migrate = true }: { migrate?: boolean } = {},
  ): Promise<DatabaseConnection> {
    const logger = new Logger(DatabaseConnection.name);
    let embedded: EmbeddedPostgres | undefined;
    let url = config.url;
    if (url === undefined) {
      logger.log(`starting the embedded PostgreSQL in ${config.dataDir}`);
      embedded = await EmbeddedPostgres.start(config.dataDir);
      url = embedded.url;
    }
    // Off until the server is known not to be a PGlite (a test's, or another process's).
    const statementPreparation = { enabled: false };
    const dataSource = new DataSource(
      embedded === undefined
        ? dataSourceOptions(url, config.poolSize, {
            statementPreparation: config.prepareStatements ? statementPreparation : undefined,
          })
        : dataSourceOptions(url, EMBEDDED_POOL_SIZE),
    );
    try {
      await dataSource.initialize();
      if (embedded === undefined && config.prepareStatements) {
        const [{ version }] = await dataSource.query<{ version: string }[]>(
          'SELECT version() AS version',
        );
        statementPreparation.enabled = keepsPreparedStatements(version);
      }
      if (migrate) await runMigrations(dataSource, embedded === undefined);
    } catch (error) {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
      throw error;
    }
    return new DatabaseConnection(
      dataSource,
      embedded ? 'embedded' : 'postgres',
      describeDatabase(config),
      embedded,
    );
  }

  /** Resolves when the database answers a trivial query within `timeoutMs`. */
  async ping(timeoutMs = 2000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  get isClosing(): boolean {
    return this.closing;
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    if (this.embedded !== undefined) {
      await this.embedded.stop();
      this.logger.log('embedded PostgreSQL closed');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

/**
 * Applies pending migrations and resolves with those applied. Several instances may start at
 * once against one server: an advisory lock lets one of them migrate while the others wait,
 * then find nothing left to do. Lock and migrations share one connection, so a pool of one works.
 */
export async function runMigrations(dataSource: DataSource, shared: boolean): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    if (shared) await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'all';
      return await executor.executePendingMigrations();
    } finally {
      if (shared) await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
