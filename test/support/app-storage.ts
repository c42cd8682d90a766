import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgres } from '../../src/database/embedded-postgres';
import {
  connect,
  createTestDatabase,
  TEMPLATE_FILE_ENV,
  TestDatabase,
  testEngine,
} from './test-database';

/**
 * Where the data of an application run in a child process (startAppProcess) lives. On a server,
 * a test database the child shares with the test; embedded, a data folder prepared here and then
 * handed to the child (one process at a time), opened again by the test once the child has
 * stopped.
 */
export interface AppStorage {
  /** The environment that points a child process at the data. */
  readonly childEnv: Record<string, string>;
  /** Runs `work` with a client on the data: at any time on a server, only while no child runs embedded. */
  query<T>(work: (sql: Client) => Promise<T>): Promise<T>;
  /**
   * Server: waits until no other session is left on the test database (the server ends the
   * transactions of a killed child only once it notices the broken connection). Embedded: nothing
   * to wait for, the child's database died with it.
   */
  settled(): Promise<void>;
  drop(): Promise<void>;
}

/**
 * A fresh migrated database for a child process, and `db`, the same data open in this process to
 * seed it (createTestApp, addBankAccount…). Embedded, `db.drop()` closes the folder for the child:
 * call it before starting one.
 */
export async function prepareAppStorage(
  prefix = 'tf-app-storage-',
): Promise<{ storage: AppStorage; db: TestDatabase }> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  if (testEngine() === 'postgres') {
    const db = await createTestDatabase();
    const query = async <T>(work: (sql: Client) => Promise<T>): Promise<T> => {
      const sql = await connect(db.url);
      try {
        return await work(sql);
      } finally {
        await sql.end();
      }
    };
    return {
      db,
      storage: {
        childEnv: { DATABASE_URL: db.url, DATA_DIR: dataDir },
        query,
        settled: () =>
          query(async (sql) => {
            for (let i = 0; i < 100; i += 1) {
              const { rows } = await sql.query<{ n: number }>(
                `SELECT count(*)::int AS n FROM pg_stat_activity
                  WHERE datname = current_database() AND pid <> pg_backend_pid()`,
              );
              if (rows[0].n === 0) return;
              await new Promise((resolve) => setTimeout(resolve, 100));
            }
            throw new Error('the sessions of the stopped application are still open after 10 s');
          }),
        drop: async () => {
          await db.drop();
          rmSync(dataDir, { recursive: true, force: true });
        },
      },
    };
  }
  // The migrated template, loaded into the folder the child will use as its DATA_DIR.
  const template = new Blob([readFileSync(process.env[TEMPLATE_FILE_ENV]!)]);
  let open: EmbeddedPostgres | undefined = await EmbeddedPostgres.start(dataDir, template);
  const db: TestDatabase = {
    url: open.url,
    engine: 'embedded',
    drop: async () => {
      await open?.stop();
      open = undefined;
    },
  };
  return {
    db,
    storage: {
      childEnv: { DATA_DIR: dataDir },
      query: async (work) => {
        const embedded = await EmbeddedPostgres.start(dataDir);
        try {
          const sql = await connect(embedded.url);
          try {
            return await work(sql);
          } finally {
            await sql.end();
          }
        } finally {
          await embedded.stop();
        }
      },
      settled: () => Promise.resolve(),
      drop: async () => {
        await open?.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    },
  };
}
