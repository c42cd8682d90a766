import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testConfig } from '../../test/support/test-app';
import { createTestDatabase, TestDatabase, testEngine } from '../../test/support/test-database';
import { loadConfig } from '../config/app-config';
import { ConfigurationError } from '../config/environment';
import { DatabaseConnection } from '../database/database-connection';
import { JobsService } from './jobs.service';

// Only a server lets two instances (two pools) work on one database at the same time.
const onServer = testEngine() === 'postgres' ? it : it.skip;

interface Instance {
  jobs: JobsService;
  database: DatabaseConnection;
}

/** One application instance's queue, as the app wires it, started or not. */
async function instance(db: TestDatabase, enabled = true): Promise<Instance> {
  const config = testConfig(db, { JOBS_ENABLED: String(enabled) });
  const database = await DatabaseConnection.open(config.database, { migrate: false });
  return { jobs: new JobsService(config, database), database };
}

async function shutdown({ jobs, database }: Instance): Promise<void> {
  await jobs.beforeApplicationShutdown();
  await jobs.onApplicationShutdown();
  await database.close();
}

/** Resolves once `condition` holds; polls, because jobs arrive on the queue's own schedule. */
async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe(JobsService.name, () => {
  let db: TestDatabase;
  const running: Instance[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterEach(async () => {
    for (const started of running.splice(0)) await shutdown(started);
  });

  afterAll(() => db.drop());

  async function started(enabled = true): Promise<Instance> {
    const created = await instance(db, enabled);
    running.push(created);
    return created;
  }

  it('hands each job sent to the registered handler once, with its data', async () => {
    const { jobs } = await started();
    const seen: Array<{ n: number }> = [];
    jobs.register<{ n: number }>('probe.once', (data) => {
      seen.push(data);
      return Promise.resolve();
    });
    await jobs.onApplicationBootstrap();
    for (const n of [1, 2, 3]) await jobs.send('probe.once', { n });
    await until(() => seen.length === 3, 'three jobs are handled');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(seen.map((data) => data.n).sort()).toEqual([1, 2, 3]);
  });

  it('keeps one waiting job per singleton key; jobs sent where workers are off run elsewhere', async () => {
    const producer = await started(false);
    producer.jobs.register('probe.singleton', () => Promise.resolve());
    await producer.jobs.onApplicationBootstrap();
    await producer.jobs.send('probe.singleton', { batch: 'a' }, { singletonKey: 'a' });
    await producer.jobs.send('probe.singleton', { batch: 'a' }, { singletonKey: 'a' });
    await producer.jobs.send('probe.singleton', { batch: 'b' }, { singletonKey: 'b' });

    const worker = await started(true);
    const seen: string[] = [];
    worker.jobs.register<{ batch: string }>('probe.singleton', (data) => {
      seen.push(data.batch);
      return Promise.resolve();
    });
    await worker.jobs.onApplicationBootstrap();
    await until(() => seen.length >= 2, 'the queued jobs are handled');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(seen.sort()).toEqual(['a', 'b']);
  });

  it('tells a running handler to stop and waits for it before the database closes', async () => {
    const worker = await started();
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    const outcome: string[] = [];
    worker.jobs.register('probe.long', async (_data, job) => {
      entered();
      while (!job.signal.aborted) await new Promise((resolve) => setTimeout(resolve, 20));
      // The safe point: the handler still has its database to record where it stopped.
      const [{ answer }] =
        await worker.database.dataSource.query<{ answer: number }[]>('SELECT 42 AS answer');
      outcome.push(`stopped cleanly, database answered ${answer}`);
    });
    await worker.jobs.onApplicationBootstrap();
    await worker.jobs.send('probe.long', {});
    await inHandler;
    running.splice(running.indexOf(worker), 1);
    await shutdown(worker);
    expect(outcome).toEqual(['stopped cleanly, database answered 42']);
  });

  it('stores the schedule of a queue registered with a cron expression', async () => {
    const { jobs, database } = await started();
    jobs.register('probe.cron', () => Promise.resolve(), { cron: '0 6 * * *' });
    await jobs.onApplicationBootstrap();
    const rows = await database.dataSource.query<Array<{ cron: string; timezone: string }>>(
      `SELECT cron, timezone FROM pgboss.schedule WHERE name = 'probe.cron'`,
    );
    expect(rows).toEqual([{ cron: '0 6 * * *', timezone: 'UTC' }]);
  });

  onServer(
    'shares one queue between instances: each job runs exactly once (server only: two pools on one database)',
    async () => {
      const counts = new Map<number, number>();
      const handler = async (data: { n: number }): Promise<void> => {
        counts.set(data.n, (counts.get(data.n) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 10));
      };
      const instances = [await started(), await started()];
      for (const { jobs } of instances) {
        jobs.register('probe.shared', handler);
        await jobs.onApplicationBootstrap();
      }
      for (let n = 0; n < 40; n += 1) await instances[n % 2].jobs.send('probe.shared', { n });
      await until(() => counts.size === 40, 'all 40 jobs are handled');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect([...counts.values()].every((count) => count === 1)).toBe(true);
    },
  );

  it('refuses a job for a queue nobody registered', async () => {
    const { jobs } = await started();
    await expect(jobs.send('probe.unknown', {})).rejects.toThrow('no queue "probe.unknown"');
  });
});

describe('JOBS_ENABLED', () => {
  it('runs workers unless set to false, and refuses anything but true or false', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tf-jobs-config-'));
    expect(loadConfig({ DATA_DIR: dir }).jobs).toEqual({ enabled: true });
    expect(loadConfig({ DATA_DIR: dir, JOBS_ENABLED: 'false' }).jobs).toEqual({ enabled: false });
    expect(() => loadConfig({ DATA_DIR: dir, JOBS_ENABLED: 'no' })).toThrow(
      new ConfigurationError(['JOBS_ENABLED must be true or false']),
    );
  });
});
