import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../actor';
import { driverError } from '../../database/sql-state';
import { TransactionOptions, TransactionRunner } from '../../database/transaction-runner';
import { IdempotencyKeyReusedError } from './idempotency.errors';
import { IdempotencyRequest } from './idempotency-key.decorator';
import { IdempotentResult } from './idempotent-result';

/** How long an answer is kept for replay. The issue asks for at least 24 hours. */
export const IDEMPOTENCY_RETENTION_HOURS = 72;

interface StoredRecord {
  request_hash: string;
  status_code: number;
  response_body: unknown;
}

/**
 * Runs a money-moving unit of work at most once per Idempotency-Key.
 *
 * The key is claimed by inserting its record at the START of the unit's own transaction, and the
 * answer is stored in the same transaction before commit. So the key and the effect commit
 * together or not at all; a concurrent request with the same key blocks on the uncommitted
 * insert, then fails on the primary key and is answered with the stored result.
 */
@Injectable()
export class IdempotencyService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyService.name);
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
  ) {}

  // Expired keys are swept at start and every hour; several instances sweeping is harmless.
  onApplicationBootstrap(): void {
    const sweep = (): void => {
      this.purgeExpired().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'could not purge expired idempotency keys'),
      );
    };
    sweep();
    this.sweeper = setInterval(sweep, 60 * 60 * 1000);
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  /** Deletes the records whose retention has passed; returns how many. */
  async purgeExpired(): Promise<number> {
    const rows = await this.dataSource.query<{ n: number }[]>(
      `WITH gone AS (DELETE FROM idempotency_record WHERE expires_at < now() RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
    );
    return rows[0].n;
  }

  async run<T>(
    actor: Actor,
    idempotency: IdempotencyRequest | undefined,
    status: number,
    work: (manager: EntityManager) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<IdempotentResult<T>> {
    if (idempotency === undefined) {
      return new IdempotentResult(status, await this.transactions.run(work, options), false);
    }
    const scope = `actor:${actor.id}`;
    const earlier = await this.find(this.dataSource.manager, scope, idempotency.key);
    if (earlier !== undefined) return this.replay<T>(earlier, idempotency);
    try {
      const body = await this.transactions.run(async (manager) => {
        await manager.query(
          `INSERT INTO idempotency_record (scope, key, request_hash, expires_at)
           VALUES ($1, $2, $3, now() + make_interval(hours => $4))`,
          [scope, idempotency.key, idempotency.fingerprint, IDEMPOTENCY_RETENTION_HOURS],
        );
        const result = await work(manager);
        await manager.query(
          `UPDATE idempotency_record SET status_code = $3, response_body = $4
            WHERE scope = $1 AND key = $2`,
          [scope, idempotency.key, status, JSON.stringify(result)],
        );
        return result;
      }, options);
      return new IdempotentResult(status, body, false);
    } catch (error) {
      if (driverError(error)?.constraint !== 'idempotency_record_pkey') throw error;
      const winner = await this.find(this.dataSource.manager, scope, idempotency.key);
      if (winner === undefined) throw error;
      return this.replay<T>(winner, idempotency);
    }
  }

  private async find(
    manager: EntityManager,
    scope: string,
    key: string,
  ): Promise<StoredRecord | undefined> {
    // An expired record is gone for the client: the key may be used afresh. One round trip: the
    // SELECT sees the rows as before the DELETE, so it skips the expired one itself.
    const rows = await manager.query<StoredRecord[]>(
      `WITH expired AS (
         DELETE FROM idempotency_record WHERE scope = $1 AND key = $2 AND expires_at < now())
       SELECT request_hash, status_code, response_body FROM idempotency_record
        WHERE scope = $1 AND key = $2 AND status_code IS NOT NULL AND expires_at >= now()`,
      [scope, key],
    );
    return rows[0];
  }

  private replay<T>(record: StoredRecord, request: IdempotencyRequest): IdempotentResult<T> {
    if (record.request_hash !== request.fingerprint) throw new IdempotencyKeyReusedError();
    return new IdempotentResult(record.status_code, record.response_body as T, true);
  }
}
