import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { runMigrations } from '../../src/database/database-connection';
import { EmbeddedPostgres } from '../../src/database/embedded-postgres';

export type TestEngine = 'postgres' | 'embedded';

export interface TestDatabase {
  readonly url: string;
  readonly engine: TestEngine;
  drop(): Promise<void>;
}

/** Set by global-setup: the migrated template every test file copies. */
export const TEMPLATE_DB_ENV = 'TF_TEST_TEMPLATE_DB';
export const TEMPLATE_FILE_ENV = 'TF_TEST_TEMPLATE_FILE';

export function testEngine(): TestEngine {
  return process.env.DATABASE_URL ? 'postgres' : 'embedded';
}

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * A clean database of its own for the calling test file, with the real migrations applied:
 * on a server, a copy of the template database; embedded, a PGlite loaded from the template's dump.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const template = process.env[TEMPLATE_DB_ENV];
    if (!template) throw new Error(`${TEMPLATE_DB_ENV} is not set: is jest's globalSetup running?`);
    const name = `${template.replace('template', 'test')}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    await adminQuery(serverUrl, `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
    return {
      url: databaseUrl(serverUrl, name),
      engine: 'postgres',
      drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
    };
  }
  const file = process.env[TEMPLATE_FILE_ENV];
  if (!file) throw new Error(`${TEMPLATE_FILE_ENV} is not set: is jest's globalSetup running?`);
  const embedded = await EmbeddedPostgres.start(undefined, new Blob([readFileSync(file)]));
  return { url: embedded.url, engine: 'embedded', drop: () => embedded.stop() };
}

export async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Applies the real migrations to the database at `url`. */
export async function migrate(url: string): Promise<void> {
  const dataSource = new DataSource(dataSourceOptions(url, 2));
  await dataSource.initialize();
  try {
    await runMigrations(dataSource, false);
  } finally {
    await dataSource.destroy();
  }
}

/** A plain `pg` client on a test database, for assertions that bypass the application. */
export async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

/**
 * Waits (up to 10 s) until at least `count` sessions of the client's database wait for a lock,
 * and answers how many do: a test holding a lock from `holder` knows its requests are queued.
 */
export async function untilLockWaiters(holder: Client, count: number): Promise<number> {
  const waiters = async (): Promise<number> => {
    const { rows } = await holder.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    return Number(rows[0].n);
  };
  let seen = await waiters();
  for (let i = 0; i < 400 && seen < count; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    seen = await waiters();
  }
  return seen;
}
