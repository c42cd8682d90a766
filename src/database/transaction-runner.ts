import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';
import { sqlState } from './sql-state';

/** serialization_failure and deadlock_detected: the whole unit may succeed if run again. */
export const RETRYABLE_SQLSTATES: ReadonlySet<string> = new Set(['40001', '40P01']);

export interface TransactionOptions {
  isolation?: IsolationLevel;
  /** Attempts in all, the first included. */
  maxAttempts?: number;
}

const DEFAULT_MAX_ATTEMPTS = 5;
const BASE_DELAY_MS = 10;
const MAX_DELAY_MS = 250;

/**
 * Runs one unit of work in one database transaction. On a serialization failure or a deadlock
 * the transaction is rolled back and the whole unit runs again, with bounded, jittered backoff,
 * so `work` must have no side effects outside the transaction and must not call `run` itself.
 * When the attempts are used up, the last error is thrown (answered as 503, retryable).
 */
@Injectable()
export class TransactionRunner {
  private readonly logger = new Logger(TransactionRunner.name);

  constructor(private readonly dataSource: DataSource) {}

  async run<T>(
    work: (manager: EntityManager, attempt: number) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    const isolation = options.isolation ?? 'READ COMMITTED';
    const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(isolation, (manager) => work(manager, attempt));
      } catch (error) {
        const code = sqlState(error);
        if (code === undefined || !RETRYABLE_SQLSTATES.has(code) || attempt >= maxAttempts) {
          throw error;
        }
        const delay = backoffDelay(attempt);
        this.logger.debug({ sqlState: code, attempt, delayMs: delay }, 'transaction retried');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

// Full jitter keeps competing retries from colliding again in lockstep.
export function backoffDelay(attempt: number): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
  return Math.floor(Math.random() * ceiling) + 1;
}
