import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { Actor } from '../../common/actor';
import { AppError } from '../../common/errors/app-error';
import { translateDatabaseError } from '../../common/errors/database-errors';
import { FieldError } from '../../common/errors/problem';
import { IdempotencyRequest } from '../../common/idempotency/idempotency-key.decorator';
import { IdempotencyService } from '../../common/idempotency/idempotency.service';
import { IdempotentResult } from '../../common/idempotency/idempotent-result';
import { isUuid } from '../../common/uuid';
import { driverError } from '../../database/sql-state';
import { TransactionRunner } from '../../database/transaction-runner';
import { PARTS_PER_PRINT, PdfRenderer } from '../../documents/pdf-renderer';
import { FundNotFoundError } from '../../funds/funds.errors';
import { FundsService } from '../../funds/funds.service';
import { JobsService } from '../../jobs/jobs.service';
import { StatementsService } from '../statements.service';
import {
  CreateStatementBatchRequest,
  ListStatementBatchesQuery,
  StatementBatchPageResponse,
  StatementBatchResponse,
  StatementBatchSummaryResponse,
} from './dto/statement-batch.dto';
import {
  InvalidStatementBatchError,
  StatementBatchNotFoundError,
  StatementBatchNotRetryableError,
} from './statement-batches.errors';
import {
  BatchRow,
  ClaimedItem,
  ItemRow,
  StatementBatchesRepository,
} from './statement-batches.repository';

/** The queue the batches are worked on: one job per batch (and per follow-up slice). */
export const STATEMENT_BATCH_QUEUE = 'statement-batch';

/** Statements issued in one transaction, their PDFs printed together (see issueNextGroup). */
const STATEMENTS_TOGETHER = PARTS_PER_PRINT;

export interface StatementBatchJob {
  batchId: string;
}

/** What became of one donor's statement. */
export interface ItemOutcome {
  donorId: string;
  status: 'issued' | 'failed';
  number?: string;
  error?: string;
}

export interface WorkOptions {
  /** Stop (between two statements) once aborted. */
  signal?: AbortSignal;
  /** Stop (between two statements) after this long; the caller queues the rest. */
  sliceMs?: number;
  onItem?: (outcome: ItemOutcome) => void;
}

const DEFAULT_LIMIT = 50;
/** An error stored on an item is for people; a stack trace belongs in the log. */
const MAX_ERROR_LENGTH = 1000;
const BATCH_DONOR_KEY = 'donor_document_batch_donor_key';
const WARM_UP_HTML = '<!doctype html><html lang="en"><title>warm-up</title></html>';
/** How long a worker waits before looking again at items another worker holds. */
const HELD_ITEM_WAIT_MS = 250;

/**
 * Statement batches: a statement for every donor of a fund for a period, issued in the
 * background. Creating a batch writes it and one pending item per donor in one transaction;
 * the work then goes item by item, each statement issued and its item marked in a transaction
 * of its own, so a crash loses at most the statement in flight, and running the work again
 * (a retry, a follow-up job, a second worker, the CLI) issues only what is still pending.
 */
@Injectable()
export class StatementBatchesService {
  private readonly logger = new Logger(StatementBatchesService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly idempotency: IdempotencyService,
    private readonly funds: FundsService,
    private readonly statements: StatementsService,
    private readonly audit: AuditService,
    private readonly jobs: JobsService,
    private readonly pdf: PdfRenderer,
    private readonly repository: StatementBatchesRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    // The embedded database has one connection, shared with every request: a transaction that
    // prints several statements would hold them all up, so there it takes one at a time.
    this.together = config.database.url === undefined ? 1 : STATEMENTS_TOGETHER;
  }

  /** Statements issued per transaction. */
  private readonly together: number;

  /**
   * Creates the batch (202) and, once it has committed, queues its work, unless `queue` is
   * false (the CLI works on it in its own process).
   */
  async create(
    actor: Actor,
    request: CreateStatementBatchRequest,
    idempotency: IdempotencyRequest | undefined,
    { queue = true }: { queue?: boolean } = {},
  ): Promise<IdempotentResult<StatementBatchResponse>> {
    const result = await this.idempotency.run(actor, idempotency, 202, (manager) =>
      this.createIn(manager, actor, request),
    );
    // Also on a replay: if the first answer's job was never sent (a crash right after the
    // commit), the retry sends it; a job already waiting for the batch is not doubled.
    if (queue) await this.enqueue(result.body.id);
    return result;
  }

  private async createIn(
    manager: EntityManager,
    actor: Actor,
    request: CreateStatementBatchRequest,
  ): Promise<StatementBatchResponse> {
    const errors: FieldError[] = [];
    const fund = await this.funds.requireFund(manager, request.fund).catch((error: unknown) => {
      if (!(error instanceof FundNotFoundError)) throw error;
      errors.push({ field: 'fund', rule: 'exists', reason: `there is no fund ${request.fund}` });
      return undefined;
    });
    if (request.from > request.to) {
      errors.push({
        field: 'to',
        rule: 'notBeforeFrom',
        reason: `the period must end on or after its first day (${request.from})`,
      });
    }
    if (fund === undefined || errors.length > 0) throw new InvalidStatementBatchError(errors);
    const donorIds = await this.repository.donorsToState(manager, fund.id, request.to);
    if (donorIds.length === 0) {
      throw new InvalidStatementBatchError([
        {
          field: 'fund',
          rule: 'hasDonors',
          reason: `no donor has a pledge or a receipt in ${fund.code} up to ${request.to}`,
        },
      ]);
    }
    const id = await this.repository.insert(manager, {
      fundId: fund.id,
      from: request.from,
      to: request.to,
      language: request.language ?? null,
      donorIds,
      requestedBy: actor.id,
    });
    const created = await this.detail(manager, id);
    await this.audit.record(manager, actor, {
      action: 'statement-batch.create',
      entityType: 'statement-batch',
      entityId: id,
      after: toSummary(created),
    });
    return created;
  }

  enqueue(batchId: string): Promise<void> {
    return this.jobs.send<StatementBatchJob>(
      STATEMENT_BATCH_QUEUE,
      { batchId },
      { singletonKey: batchId },
    );
  }

  async get(id: string): Promise<StatementBatchResponse> {
    return this.detail(this.dataSource.manager, id);
  }

  async list(query: ListStatementBatchesQuery): Promise<StatementBatchPageResponse> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const offset = query.offset ?? 0;
    const { rows, total } = await this.repository.list(
      this.dataSource.manager,
      { status: query.status ?? null, fundCode: query.fund ?? null },
      { limit, offset },
    );
    return { items: rows.map(toBatchSummary), total, limit, offset };
  }

  /** Gives the failed statements of a finished batch another try (after fixing the cause). */
  async retry(
    actor: Actor,
    id: string,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<StatementBatchResponse>> {
    const result = await this.idempotency.run(actor, idempotency, 202, async (manager) => {
      const status = isUuid(id) ? await this.repository.lock(manager, id) : undefined;
      if (status === undefined) throw new StatementBatchNotFoundError(id);
      const before = await this.detail(manager, id);
      if (status !== 'failed' || (await this.repository.reopenFailed(manager, id)) === 0) {
        throw new StatementBatchNotRetryableError(id, status);
      }
      const after = await this.detail(manager, id);
      await this.audit.record(manager, actor, {
        action: 'statement-batch.retry',
        entityType: 'statement-batch',
        entityId: id,
        before: toSummary(before),
        after: toSummary(after),
      });
      return after;
    });
    await this.enqueue(id);
    return result;
  }

  /** Batches still to be worked on: queued, or running when a worker stopped (or died). */
  unfinished(): Promise<string[]> {
    return this.repository.unfinished(this.dataSource.manager);
  }

  /**
   * Issues the batch's pending statements, a few donors per transaction, until none is left (then the
   * batch is closed, unless another worker still holds an item) or the signal or the time slice
   * says stop. Safe to run several times at once on one batch.
   */
  async work(id: string, options: WorkOptions = {}): Promise<'finished' | 'interrupted'> {
    const deadline = Date.now() + (options.sliceMs ?? Number.POSITIVE_INFINITY);
    await this.transactions.run((manager) => this.repository.markRunning(manager, id));
    if (((await this.repository.find(this.dataSource.manager, id))?.pending ?? 0) > 0) {
      await this.warmUpBrowser();
    }
    for (;;) {
      if (options.signal?.aborted === true || Date.now() >= deadline) return 'interrupted';
      let outcomes: ItemOutcome[] | undefined;
      try {
        outcomes = await this.issueNextGroup(id, options.signal);
      } catch (error) {
        if (error instanceof WorkInterruptedError) return 'interrupted';
        throw error;
      }
      if (outcomes !== undefined) {
        for (const outcome of outcomes) options.onItem?.(outcome);
        continue;
      }
      if (await this.transactions.run((manager) => this.repository.finish(manager, id))) break;
      // Items still pending are held by another worker: wait for it to finish them, or, if it
      // died, for its transaction to roll them back, rather than leave them to a later job.
      const batch = await this.repository.find(this.dataSource.manager, id);
      if (batch === undefined || batch.pending === 0) break;
      await new Promise((resolve) => setTimeout(resolve, HELD_ITEM_WAIT_MS));
    }
    return 'finished';
  }

  /**
   * The next pending items, up to STATEMENTS_TOGETHER of them (one on the embedded database):
   * their statements issued with
   * consecutive numbers and their PDFs printed together, and the items marked issued, in one
   * transaction. If that fails, they are issued one by one (issueNext), so that only the
   * statement at fault fails. Nothing pending: undefined.
   */
  async issueNextGroup(id: string, signal?: AbortSignal): Promise<ItemOutcome[] | undefined> {
    let claimed: ClaimedItem[] = [];
    try {
      return await this.transactions.run(async (manager) => {
        claimed = await this.repository.claimPending(manager, id, this.together);
        if (claimed.length === 0) return undefined;
        return this.issueClaimed(manager, id, claimed);
      });
    } catch (error) {
      if (claimed.length === 0) throw error;
      if (signal?.aborted === true) throw new WorkInterruptedError();
      if (translateDatabaseError(error)?.status === 503) throw error;
      // One of them at fault (or issued meanwhile by someone else): each on its own.
      const outcomes: ItemOutcome[] = [];
      for (let n = 0; n < claimed.length; n++) {
        const outcome = await this.issueNext(id, signal);
        if (outcome === undefined) break;
        outcomes.push(outcome);
      }
      return outcomes;
    }
  }

  /**
   * One pending item: its statement issued and the item marked issued in one transaction. A
   * statement the batch already holds for the donor (the unique (batch, donor) of issued
   * documents is the last guard) is taken as issued, never issued again. A statement that
   * cannot be issued marks its item failed with the reason, and the batch goes on; the database
   * failing (or failing to record that) is thrown, for the job to be retried. A failure once
   * `signal` has aborted is the stop's doing (the browser closed under it): the item stays
   * pending for whoever resumes the batch.
   */
  async issueNext(id: string, signal?: AbortSignal): Promise<ItemOutcome | undefined> {
    let claimed: ClaimedItem | undefined;
    try {
      return await this.transactions.run(async (manager) => {
        [claimed] = await this.repository.claimPending(manager, id, 1);
        if (claimed === undefined) return undefined;
        const [outcome] = await this.issueClaimed(manager, id, [claimed]);
        return outcome;
      });
    } catch (error) {
      const item = claimed;
      if (item === undefined) throw error;
      // Issued meanwhile by someone else: the next round finds it and marks the item.
      if (driverError(error)?.constraint === BATCH_DONOR_KEY) return this.issueNext(id, signal);
      if (signal?.aborted === true) throw new WorkInterruptedError();
      // The database gone or overloaded: not the statement's fault; the job is retried later.
      if (translateDatabaseError(error)?.status === 503) throw error;
      const reason = describeFailure(error);
      this.logger.warn({ err: error, batch: id, donor: item.donorId }, 'statement not issued');
      await this.transactions.run((manager) =>
        this.repository.markFailed(manager, id, item.donorId, reason),
      );
      return { donorId: item.donorId, status: 'failed', error: reason };
    }
  }

  /**
   * The claimed items' statements issued together (those the batch already holds for their
   * donor are taken as issued, never issued again), and the items marked issued, in the
   * caller's transaction.
   */
  private async issueClaimed(
    manager: EntityManager,
    id: string,
    claimed: ClaimedItem[],
  ): Promise<ItemOutcome[]> {
    const existing = new Map<string, string>();
    for (const item of claimed) {
      const document = await this.repository.issuedDocument(manager, id, item.donorId);
      if (document !== undefined) existing.set(item.donorId, document);
    }
    const toIssue = claimed.filter((item) => !existing.has(item.donorId));
    const issued =
      toIssue.length === 0
        ? []
        : await this.statements.issueManyWith(
            manager,
            issuerOf(toIssue[0]),
            toIssue.map((item) => ({
              donorId: item.donorId,
              fundCode: item.fundCode,
              from: item.from,
              to: item.to,
              language: item.language ?? undefined,
              batchId: id,
            })),
          );
    const outcomes: ItemOutcome[] = [];
    for (const item of claimed) {
      const k = toIssue.indexOf(item);
      const documentId = k < 0 ? existing.get(item.donorId)! : issued[k].id;
      await this.repository.markIssued(manager, id, item.donorId, documentId);
      outcomes.push({ donorId: item.donorId, status: 'issued', number: issued[k]?.number });
    }
    return outcomes;
  }

  /**
   * Starts chromium, if it is not running, before the first statement's transaction: its launch
   * takes seconds, during which the transaction would hold its connection (the only one, on the
   * embedded database, so every request would wait). A browser that cannot start is left to
   * fail each statement with its reason.
   */
  private async warmUpBrowser(): Promise<void> {
    await this.pdf
      .pdf(WARM_UP_HTML, { language: 'en', headerText: '' })
      .catch((error: unknown) => this.logger.warn({ err: error }, 'chromium did not start'));
  }

  private async detail(manager: EntityManager, id: string): Promise<StatementBatchResponse> {
    const batch = isUuid(id) ? await this.repository.find(manager, id) : undefined;
    if (batch === undefined) throw new StatementBatchNotFoundError(id);
    const items = await this.repository.items(manager, id);
    return { ...toBatchSummary(batch), items: items.map(toItem) };
  }
}

/** The work was stopped while a statement was being issued; nothing of it was kept. */
class WorkInterruptedError extends Error {}

/** Statements of a batch are issued in the name of whoever asked for the batch. */
function issuerOf(item: ClaimedItem): Actor {
  return { id: item.requestedBy, roles: ['finance_officer'], donorIds: [] };
}

function describeFailure(error: unknown): string {
  const text =
    error instanceof AppError
      ? `${error.title}: ${error.detail}`
      : error instanceof Error
        ? error.message
        : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

function toBatchSummary(row: BatchRow): StatementBatchSummaryResponse {
  return {
    id: row.id,
    fund: row.fund_code,
    from: row.period_from,
    to: row.period_to,
    language: row.language,
    status: row.status,
    total: row.total,
    issued: row.issued,
    failed: row.failed,
    pending: row.pending,
    requestedBy: row.requested_by,
    requestedAt: new Date(row.requested_at).toISOString(),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at).toISOString(),
  };
}

function toSummary(batch: StatementBatchResponse): StatementBatchSummaryResponse {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { items, ...summary } = batch;
  return summary;
}

function toItem(row: ItemRow): StatementBatchResponse['items'][number] {
  return {
    donorId: row.donor_id,
    donorName: row.donor_name,
    status: row.status,
    documentId: row.document_id,
    number: row.number,
    error: row.error,
  };
}
