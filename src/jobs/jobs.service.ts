import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import { Pool } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DatabaseConnection, EMBEDDED_POOL_SIZE } from '../database/database-connection';
import { sqlState } from '../database/sql-state';
import { backoffDelay, RETRYABLE_SQLSTATES } from '../database/transaction-runner';

/** The PostgreSQL schema pg-boss keeps its tables in (created and migrated by pg-boss itself). */
export const JOBS_SCHEMA = 'pgboss';

/** What a handler is told besides the job's data. */
export interface JobContext {
  readonly id: string;
  /**
   * Aborted when the application begins to shut down: a long handler stops at its next safe
   * point (and re-queues what is left) instead of holding the shutdown.
   */
  readonly signal: AbortSignal;
}

export type JobHandler<T> = (data: T, job: JobContext) => Promise<void>;

export interface RegisterOptions {
  /** A cron expression (UTC): the queue also receives a job (data `{}`) on this schedule. */
  cron?: string;
}

export interface SendOptions {
  /** While a job with this key waits in the queue, sending another with the same key does nothing. */
  singletonKey?: string;
}

interface Registration {
  readonly handler: JobHandler<unknown>;
  readonly cron?: string;
}

/** How often an idle worker asks for a job; a job sent by this instance wakes it at once. */
const POLLING_INTERVAL_SECONDS = 2;
/** pg-boss's own connections on a server; on the embedded database it shares the app's one. */
const SERVER_POOL_SIZE = 3;
/**
 * Queue settings. `short`: at most one QUEUED job per singleton key, whatever is running (a
 * re-send while a job runs queues one follow-up; fetching is not gated, unlike `stately`, whose
 * fetch fails while a job of the same key is active, e.g. one orphaned by a crash).
 * A job running longer than `expireInSeconds` (or orphaned by a crash) is failed by pg-boss's
 * maintenance and retried: handlers must be safe to run again and should finish well within it.
 */
const QUEUE_OPTIONS = {
  policy: 'short',
  retryLimit: 5,
  retryDelay: 30,
  retryBackoff: true,
  expireInSeconds: 15 * 60,
} as const;

/**
 * Background jobs on a PostgreSQL-backed queue (pg-boss), in the application's own database, so
 * that a job is as durable as the data it works on and several instances share one queue (pg-boss
 * hands each job to one worker: SELECT … FOR UPDATE SKIP LOCKED).
 *
 * Modules call `register` from onModuleInit; workers start at application bootstrap unless
 * JOBS_ENABLED=false (an instance that only serves requests: what it sends, others run). `send`
 * starts pg-boss on first use where workers are off (the CLI, test apps). Call `send` after the
 * transaction that made the job's data has committed, never inside one: on the embedded database
 * pg-boss shares the app's single connection and would wait for that very transaction.
 */
@Injectable()
export class JobsService
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(JobsService.name);
  private readonly registrations = new Map<string, Registration>();
  private readonly queuesCreated = new Map<string, Promise<void>>();
  private readonly workerIds = new Map<string, string>();
  private readonly stopping = new AbortController();
  private boss: Promise<PgBoss> | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly database: DatabaseConnection,
  ) {}

  /** Whether this instance runs workers (and scheduled jobs). */
  get runsWorkers(): boolean {
    return this.config.jobs.enabled;
  }

  register<T>(queue: string, handler: JobHandler<T>, options: RegisterOptions = {}): void {
    if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(queue)) throw new Error(`bad queue name "${queue}"`);
    if (this.registrations.has(queue)) throw new Error(`queue "${queue}" is registered twice`);
    if (this.workerIds.size > 0) throw new Error(`register "${queue}" from onModuleInit`);
    this.registrations.set(queue, { handler: handler as JobHandler<unknown>, cron: options.cron });
  }

  async send<T>(queue: string, data: T, options: SendOptions = {}): Promise<void> {
    if (!this.registrations.has(queue)) throw new Error(`no queue "${queue}" is registered`);
    const boss = await this.queue(queue);
    // Without a key of its own every job gets a unique one: `short` would otherwise keep only
    // one queued job among all those sent without a key.
    await boss.send(queue, data as object, { singletonKey: options.singletonKey ?? randomUUID() });
    const worker = this.workerIds.get(queue);
    if (worker !== undefined) boss.notifyWorker(worker);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.runsWorkers || this.registrations.size === 0) return;
    const boss = await this.started();
    const schedules = new Set((await boss.getSchedules()).map((schedule) => schedule.name));
    for (const [queue, registration] of this.registrations) {
      await this.queue(queue);
      const id = await boss.work<unknown>(
        queue,
        { pollingIntervalSeconds: POLLING_INTERVAL_SECONDS, batchSize: 1 },
        ([job]) => this.run(queue, registration, job),
      );
      this.workerIds.set(queue, id);
      if (registration.cron !== undefined) {
        await boss.schedule(
          queue,
          registration.cron,
          {},
          {
            tz: 'UTC',
            singletonKey: 'cron',
          },
        );
      } else if (schedules.has(queue)) {
        await boss.unschedule(queue);
      }
    }
    this.logger.log(`job workers started: ${[...this.registrations.keys()].join(', ')}`);
  }

  /**
   * Stops taking jobs, tells the running handlers to stop at their next safe point and waits
   * for them, before any module closes (onApplicationShutdown): a handler still needs the
   * services it works with (the database, the PDF browser) until it has stopped. A job still
   * running at the timeout is failed by pg-boss and retried later, here or elsewhere.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.stop();
  }

  /** In case the shutdown began without the hook above (pg-boss stops once). */
  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  private async stop(): Promise<void> {
    if (this.boss === undefined) return;
    const boss = await this.boss.catch(() => undefined);
    await boss?.stop({
      graceful: true,
      wait: true,
      close: true,
      timeout: Math.max(1000, Math.floor(this.config.shutdownTimeoutMs / 2)),
    });
  }

  private async run(queue: string, registration: Registration, job: PgBoss.Job<unknown>) {
    try {
      await registration.handler(job.data, { id: job.id, signal: this.stopping.signal });
    } catch (error) {
      // pg-boss records the failure and retries; the log says which job and why.
      this.logger.error({ err: error, queue, job: job.id }, `job ${queue} failed`);
      throw error;
    }
  }

  private queue(queue: string): Promise<PgBoss> {
    let created = this.queuesCreated.get(queue);
    if (created === undefined) {
      created = this.started().then((boss) => createQueueRetried(boss, queue));
      this.queuesCreated.set(queue, created);
      created.catch(() => this.queuesCreated.delete(queue));
    }
    return created.then(() => this.started());
  }

  private started(): Promise<PgBoss> {
    this.boss ??= this.start();
    return this.boss;
  }

  private async start(): Promise<PgBoss> {
    const workers = this.runsWorkers;
    const boss = new PgBoss({
      ...this.connection(),
      schema: JOBS_SCHEMA,
      // Maintenance (expiring orphaned jobs, archiving) and cron run where the workers do.
      supervise: workers,
      schedule: workers,
      migrate: true,
    });
    boss.on('error', (error: unknown) => this.logger.warn({ err: error }, 'job queue error'));
    const started = Date.now();
    await boss.start();
    this.logger.log(`job queue ready in ${Date.now() - started} ms`);
    return boss;
  }

  /**
   * A server: pg-boss's own small pool to the same database, so that polling never waits behind
   * the application's queries nor takes its connections. The embedded PostgreSQL (and any
   * database the app may use through one connection only, as the tests use theirs): the app's
   * own pool, queries taking turns with the application's. PGlite is one backend: statements of a
   * second connection would interleave with the app's.
   */
  private connection(): PgBoss.DatabaseOptions {
    const single =
      this.database.engine === 'embedded' || this.config.database.poolSize <= EMBEDDED_POOL_SIZE;
    if (!single) {
      return {
        connectionString: this.config.database.url,
        max: SERVER_POOL_SIZE,
        application_name: 'trust-fund-tracker-jobs',
      };
    }
    const pool = (this.database.dataSource.driver as PostgresDriver).master as Pool;
    return {
      db: {
        executeSql: (text: string, values: unknown[]) => pool.query(text, values),
      },
    };
  }
}

const CREATE_QUEUE_ATTEMPTS = 5;

/**
 * pg-boss's createQueue, again after a deadlock or serialization failure: instances starting at
 * the same moment create the same queue's tables side by side, and PostgreSQL may pick one of
 * them as a deadlock's victim (seen: "Start-up failed: deadlock detected"). Once the other has
 * created the queue, the retry finds it there.
 */
async function createQueueRetried(boss: PgBoss, queue: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await boss.createQueue(queue, { name: queue, ...QUEUE_OPTIONS });
      return;
    } catch (error) {
      const code = sqlState(error);
      if (
        code === undefined ||
        !RETRYABLE_SQLSTATES.has(code) ||
        attempt >= CREATE_QUEUE_ATTEMPTS
      ) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt)));
    }
  }
}
