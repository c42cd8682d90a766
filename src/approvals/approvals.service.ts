import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { isUuid } from '../common/uuid';
import { Actor } from '../common/actor';
import { ValidationFailedError } from '../common/errors/app-error';
import { driverError } from '../database/sql-state';
import { TransactionRunner } from '../database/transaction-runner';
import { ApprovalHandler, ApprovalHandlerRegistry } from './approval-handler.registry';
import {
  ApprovalAlreadyDecidedError,
  ApprovalAlreadyPendingError,
  ApprovalNotFoundError,
  ApproverRoleRequiredError,
  MakerCannotDecideError,
  OnlyMakerCanCancelError,
} from './approvals.errors';
import { ApprovalRow, ApprovalsRepository } from './approvals.repository';
import { ApprovalResponse, ListApprovalsQuery } from './dto/approval.dto';

/** What a module asks a second person to approve. */
export interface ApprovalRequestInput<P> {
  /** A registered handler's kind. */
  kind: string;
  /** One line for the approver's inbox: what, on what, how much. */
  summary: string;
  /** What the handler will execute: plain JSON (no bigint, no Date objects). */
  payload: P;
  fundId?: string;
  /** The object concerned ('WSIS-TF/2026-03'): at most one pending request per kind and subject. */
  subject?: string;
}

const DEFAULT_LIMIT = 100;

/**
 * Maker-checker. A module stores what needs a second person with `request` (in its own
 * transaction, after validating everything it can); a different user holding the approver role
 * approves it, and the module's handler executes it in the approval's transaction, or rejects it
 * with a reason; the maker may cancel it while it is pending. Each step is audited.
 */
@Injectable()
export class ApprovalsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly repository: ApprovalsRepository,
    private readonly registry: ApprovalHandlerRegistry,
    private readonly audit: AuditService,
  ) {}

  /** Called by the module that owns the action, once, at start-up (onModuleInit). */
  register<P, R>(handler: ApprovalHandler<P, R>): void {
    this.registry.register(handler);
  }

  /** Stores a pending request in the caller's transaction and returns it. */
  async request<P>(
    manager: EntityManager,
    maker: Actor,
    input: ApprovalRequestInput<P>,
  ): Promise<ApprovalResponse> {
    // A request nobody could execute is a programming error; better refused now than stuck.
    this.registry.get(input.kind);
    let id: string;
    try {
      id = await this.repository.insert(manager, {
        ...input,
        maker: maker.id,
        makerUserId: maker.userId,
      });
    } catch (error) {
      if (driverError(error)?.constraint === 'approval_request_pending_subject_key') {
        throw new ApprovalAlreadyPendingError(input.kind, input.subject ?? '');
      }
      throw error;
    }
    const created = toApprovalResponse((await this.repository.find(manager, id)) as ApprovalRow);
    await this.audit.record(manager, maker, {
      action: 'approval.request',
      entityType: 'approval_request',
      entityId: id,
      after: created,
    });
    return created;
  }

  /**
   * Approves and executes, in one transaction: the request is locked, the checker checked, the
   * handler run, and the request marked executed with its result only if the update still finds
   * it pending. If anything throws, all of it rolls back and the request stays pending. Two
   * concurrent approvals: the second waits on the lock, then finds it decided (409). So a retried
   * approval is harmless and no Idempotency-Key is needed.
   */
  approve(checker: Actor, id: string, comment?: string): Promise<ApprovalResponse> {
    return this.transactions.run(async (manager) => {
      const pending = await this.lockPending(manager, checker, id, 'approve');
      const result: unknown = await this.registry
        .get(pending.kind)
        .execute(manager, pending.payload, {
          approvalId: pending.id,
          maker: { id: pending.maker, userId: pending.maker_user_id ?? undefined },
          checker,
        });
      return this.decide(manager, checker, pending, {
        status: 'executed',
        checker: checker.id,
        checkerUserId: checker.userId,
        comment,
        result,
      });
    });
  }

  /** Refuses a request for good, with the reason the maker will read. */
  async reject(checker: Actor, id: string, comment: string): Promise<ApprovalResponse> {
    if (comment === undefined || comment.trim().length === 0) {
      throw new ValidationFailedError([
        { field: 'comment', rule: 'required', reason: 'say why the request is rejected' },
      ]);
    }
    return this.transactions.run(async (manager) => {
      const pending = await this.lockPending(manager, checker, id, 'reject');
      return this.decide(manager, checker, pending, {
        status: 'rejected',
        checker: checker.id,
        checkerUserId: checker.userId,
        comment,
      });
    });
  }

  /** The maker withdraws a pending request. */
  cancel(maker: Actor, id: string, comment?: string): Promise<ApprovalResponse> {
    return this.transactions.run(async (manager) => {
      const row = await this.lockExisting(manager, id);
      if (!isMaker(maker, row)) throw new OnlyMakerCanCancelError();
      if (row.status !== 'pending') throw new ApprovalAlreadyDecidedError(row.id, row.status);
      return this.decide(manager, maker, row, { status: 'cancelled', comment });
    });
  }

  async get(id: string): Promise<ApprovalResponse> {
    const row = isUuid(id) ? await this.repository.find(this.dataSource.manager, id) : undefined;
    if (row === undefined) throw new ApprovalNotFoundError(id);
    return toApprovalResponse(row);
  }

  /** Newest first. */
  async list(query: ListApprovalsQuery): Promise<ApprovalResponse[]> {
    const rows = await this.repository.list(this.dataSource.manager, {
      status: query.status ?? null,
      kind: query.kind ?? null,
      fund: query.fund ?? null,
      maker: query.maker ?? null,
      limit: query.limit ?? DEFAULT_LIMIT,
      offset: query.offset ?? 0,
    });
    return rows.map(toApprovalResponse);
  }

  private async lockExisting(manager: EntityManager, id: string): Promise<ApprovalRow> {
    const row = isUuid(id) ? await this.repository.lock(manager, id) : undefined;
    if (row === undefined) throw new ApprovalNotFoundError(id);
    return row;
  }

  /**
   * The request, locked, if this checker may decide it now. Who is asked before what state it is
   * in, so that a maker learns they may not decide their own request even once it is decided.
   */
  private async lockPending(
    manager: EntityManager,
    checker: Actor,
    id: string,
    verb: 'approve' | 'reject',
  ): Promise<ApprovalRow> {
    const row = await this.lockExisting(manager, id);
    // The route already requires the role; this guards every other caller of the service.
    if (!checker.roles.includes('approver')) throw new ApproverRoleRequiredError();
    if (isMaker(checker, row)) throw new MakerCannotDecideError(verb);
    if (row.status !== 'pending') throw new ApprovalAlreadyDecidedError(row.id, row.status);
    return row;
  }

  private async decide(
    manager: EntityManager,
    actor: Actor,
    pending: ApprovalRow,
    decision: Parameters<ApprovalsRepository['decide']>[2],
  ): Promise<ApprovalResponse> {
    const decided = await this.repository.decide(manager, pending.id, decision);
    // Cannot happen under the lock; kept so that the update alone would still be safe.
    if (decided === undefined) throw new ApprovalAlreadyDecidedError(pending.id, 'decided');
    const response = toApprovalResponse(decided);
    const verb = { executed: 'approve', rejected: 'reject', cancelled: 'cancel' }[decision.status];
    await this.audit.record(manager, actor, {
      action: `approval.${verb}`,
      entityType: 'approval_request',
      entityId: pending.id,
      before: { status: pending.status },
      after: response,
    });
    return response;
  }
}

/** The same person: the same user, or the same login when either side has no user id. */
function isMaker(actor: Actor, row: ApprovalRow): boolean {
  if (actor.id === row.maker) return true;
  return (
    actor.userId !== undefined &&
    row.maker_user_id !== null &&
    actor.userId.toLowerCase() === row.maker_user_id.toLowerCase()
  );
}

export function toApprovalResponse(row: ApprovalRow): ApprovalResponse {
  return {
    id: row.id,
    kind: row.kind,
    summary: row.summary,
    payload: row.payload,
    fund: row.fund_code,
    subject: row.subject,
    status: row.status,
    maker: row.maker,
    createdAt: new Date(row.created_at).toISOString(),
    checker: row.checker,
    decidedAt: row.decided_at === null ? null : new Date(row.decided_at).toISOString(),
    comment: row.comment,
    result: row.result ?? null,
  };
}
