import { Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { runWithRequestContext } from '../../common/request-context';
import { JobContext, JobsService } from '../../jobs/jobs.service';
import {
  STATEMENT_BATCH_QUEUE,
  StatementBatchesService,
  StatementBatchJob,
} from './statement-batches.service';

/**
 * A job works on a batch for at most this long, then queues a follow-up job and ends: well
 * within the queue's expiry (15 min), so a live worker's job never expires, while one orphaned
 * by a crash expires and is retried by whichever instance is left.
 */
export const BATCH_SLICE_MS = 60_000;

/**
 * Runs statement batches on the job queue. At start (where workers run) it queues again every
 * batch left unfinished, so work interrupted by a crash or a stop resumes at once rather than
 * when its orphaned job expires.
 */
@Injectable()
export class StatementBatchWorker implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(StatementBatchWorker.name);

  constructor(
    private readonly batches: StatementBatchesService,
    private readonly jobs: JobsService,
  ) {}

  onModuleInit(): void {
    this.jobs.register<StatementBatchJob>(STATEMENT_BATCH_QUEUE, (data, job) =>
      this.handle(data, job),
    );
  }

  // Not awaited: the queue may still be starting, and the start of the application must not
  // wait for it. JobsModule (global) has started its workers before this hook runs.
  onApplicationBootstrap(): void {
    if (!this.jobs.runsWorkers) return;
    this.resume().catch((error: unknown) =>
      this.logger.error({ err: error }, 'could not resume unfinished statement batches'),
    );
  }

  async resume(): Promise<number> {
    const unfinished = await this.batches.unfinished();
    for (const id of unfinished) await this.batches.enqueue(id);
    if (unfinished.length > 0) {
      this.logger.log(`resuming ${unfinished.length} unfinished statement batch(es)`);
    }
    return unfinished.length;
  }

  async handle({ batchId }: StatementBatchJob, job: JobContext): Promise<void> {
    const outcome = await runWithRequestContext({ requestId: `job:${job.id}` }, () =>
      this.batches.work(batchId, { signal: job.signal, sliceMs: BATCH_SLICE_MS }),
    );
    // The rest goes back in the queue: here or on another instance, or after the next start.
    if (outcome === 'interrupted') await this.batches.enqueue(batchId);
  }
}
