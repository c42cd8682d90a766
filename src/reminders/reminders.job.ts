import { Injectable, OnModuleInit } from '@nestjs/common';
import { todayUtc } from '../common/calendar-date';
import { JobsService } from '../jobs/jobs.service';
import { REMINDERS_ACTOR, RemindersService } from './reminders.service';

export const REMINDERS_QUEUE = 'payment-reminders';
/** Every day at 06:00 UTC. */
export const REMINDERS_CRON = '0 6 * * *';

/**
 * The daily reminder run on the job queue: one instance of the application runs it, and a run
 * repeated (a retry, a second instance) sends nothing twice.
 */
@Injectable()
export class RemindersJob implements OnModuleInit {
  constructor(
    private readonly reminders: RemindersService,
    private readonly jobs: JobsService,
  ) {}

  onModuleInit(): void {
    this.jobs.register(REMINDERS_QUEUE, () => this.runToday(), { cron: REMINDERS_CRON });
  }

  /** Fails (the queue retries; nothing is sent twice) when a pledge's reminders could not be decided. */
  async runToday(): Promise<void> {
    const result = await this.reminders.run(REMINDERS_ACTOR, todayUtc());
    if (result.failures.length > 0) {
      throw new Error(
        `reminders of ${result.failures.length} pledge(s) failed: ` +
          result.failures.map((f) => `${f.pledgeReference}: ${f.reason}`).join('; '),
      );
    }
  }
}
