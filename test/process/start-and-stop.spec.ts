import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess, runAppUntilExit, startAppProcess } from '../support/app-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';

interface Info {
  database: { engine: string; installationId: string; migrations: string[] };
}

const info = async (app: AppProcess): Promise<Info> =>
  (await (await fetch(`${app.baseUrl}/api/v1/info`)).json()) as Info;

const freshDataDir = (): string => join(mkdtempSync(join(tmpdir(), 'tf-start-')), 'data');

/**
 * A data folder the application has created, migrated and closed (SIGTERM), once for the file:
 * the tests that are about stopping, restarting and locking start on a copy of it, rather than
 * each migrating a fresh folder (the slowest part of a start). The first test starts fresh.
 */
let migratedDataDir: string;
const copyOfMigrated = (): string => {
  const dataDir = freshDataDir();
  cpSync(migratedDataDir, dataDir, { recursive: true });
  return dataDir;
};

describe('the built application, as a newcomer starts it', () => {
  const running: AppProcess[] = [];
  const start = async (env: Record<string, string>): Promise<AppProcess> => {
    const app = await startAppProcess(env);
    running.push(app);
    return app;
  };

  beforeAll(async () => {
    migratedDataDir = freshDataDir();
    const app = await startAppProcess({ DATA_DIR: migratedDataDir });
    expect(await app.stop('SIGTERM')).toBe(0);
  }, 120_000);

  afterEach(async () => {
    await Promise.all(running.splice(0).map((app) => app.stop('SIGKILL')));
  });

  // How fast is a figure of `npm run bench:startup`, not an assertion here: under the suite's
  // own parallel load a timed test would fail for reasons that say nothing about the start.
  it('starts on the embedded database with no configuration, migrated and ready', async () => {
    const dataDir = freshDataDir();
    const app = await start({ DATA_DIR: dataDir });
    const { database } = await info(app);
    expect(database.engine).toBe('embedded');
    expect(database.migrations).toContain('InitialSchema1764300000000');
    expect(existsSync(join(dataDir, 'pgdata', 'PG_VERSION'))).toBe(true);
    // Nobody can sign in yet: the log says how to create the first admin.
    expect(app.output()).toContain(
      'no admin yet: create one with `npm run cli -- user:create-admin',
    );
  });

  it('stops cleanly on SIGTERM and keeps the data for the next start', async () => {
    const dataDir = copyOfMigrated();
    const first = await start({ DATA_DIR: dataDir });
    const { installationId } = (await info(first)).database;
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.output()).toContain('shutdown complete');
    expect(existsSync(join(dataDir, 'embedded.lock'))).toBe(false);

    const second = await start({ DATA_DIR: dataDir });
    expect((await info(second)).database.installationId).toBe(installationId);
    expect(await second.stop('SIGINT')).toBe(0);
  });

  it('starts again after being killed with SIGKILL, with its data intact', async () => {
    const dataDir = copyOfMigrated();
    const first = await start({ DATA_DIR: dataDir });
    const { installationId } = (await info(first)).database;
    // Keep it busy so the kill lands while the database is working.
    const load = Array.from({ length: 20 }, () =>
      fetch(`${first.baseUrl}/api/v1/info`).catch(() => null),
    );
    await first.stop('SIGKILL');
    await Promise.all(load);

    const second = await start({ DATA_DIR: dataDir });
    expect((await info(second)).database.installationId).toBe(installationId);
    expect((await fetch(`${second.baseUrl}/health/ready`)).status).toBe(200);
  });

  it('refuses to open a data folder another running instance holds, naming the process', async () => {
    const dataDir = copyOfMigrated();
    const first = await start({ DATA_DIR: dataDir });
    const second = await runAppUntilExit({ DATA_DIR: dataDir });
    expect(second.code).toBe(1);
    expect(second.stderr.trim()).toBe(
      `The embedded database in ${dataDir} is in use by process ${first.child.pid}. ` +
        'Stop that process, or set DATA_DIR to another folder, or DATABASE_URL to a PostgreSQL server.',
    );
    expect((await fetch(`${first.baseUrl}/health/ready`)).status).toBe(200);
  });

  it('stops at once with one line naming a malformed variable', async () => {
    const result = await runAppUntilExit({ DATA_DIR: freshDataDir(), PORT: 'eighty' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Invalid configuration: PORT must be an integer port number',
    ]);
  });

  it('creates the first admin from ADMIN_USERNAME and ADMIN_PASSWORD, and refuses a weak one', async () => {
    const weak = await runAppUntilExit({
      DATA_DIR: copyOfMigrated(),
      ADMIN_USERNAME: 'first.admin',
      ADMIN_PASSWORD: 'password123',
    });
    expect(weak.code).toBe(1);
    expect(weak.stderr.trim()).toBe(
      'Invalid configuration: ADMIN_PASSWORD must be at least 12 characters long',
    );
    const app = await start({
      DATA_DIR: copyOfMigrated(),
      ADMIN_USERNAME: 'first.admin',
      ADMIN_PASSWORD: 'Tru5ted-Founding-Admin',
    });
    expect(app.output()).toContain('created the first admin, first.admin');
  }, 180_000);

  describe('with DATABASE_URL', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(() => db.drop());

    it('runs the same code on that server and creates no local database', async () => {
      const dataDir = freshDataDir();
      // A pool of one must do: migrations hold the advisory lock on the connection they use.
      const app = await start({ DATABASE_URL: db.url, DATA_DIR: dataDir, DB_POOL_SIZE: '1' });
      expect((await info(app)).database.engine).toBe('postgres');
      expect(existsSync(join(dataDir, 'pgdata'))).toBe(false);
      expect(await app.stop('SIGTERM')).toBe(0);
    });
  });
});
