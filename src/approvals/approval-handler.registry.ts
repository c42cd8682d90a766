import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { ApprovalKindUnknownError } from './approvals.errors';

/** Who asked for the action: only who they are, since their roles may have changed since. */
export type ApprovalMaker = Pick<Actor, 'id' | 'userId'>;

export interface ApprovalContext {
  readonly approvalId: string;
  readonly maker: ApprovalMaker;
  /** The approver, who holds the approver role and is not the maker. */
  readonly checker: Actor;
}

/**
 * An action that needs a second person. The module that owns the action registers one handler
 * per kind (`approvals.register(handler)` in its onModuleInit). `execute` runs in the approval's
 * own transaction, with the payload stored when the request was made, so it must check again
 * whatever may have changed since (rates, periods, balances): if it throws, nothing is kept and
 * the request stays pending. What it returns is stored as the request's result, as JSON.
 */
export interface ApprovalHandler<P = unknown, R = unknown> {
  /** `<area>.<action>`, e.g. 'journal.adjustment', 'period.reopen'. */
  readonly kind: string;
  execute(manager: EntityManager, payload: P, context: ApprovalContext): Promise<R>;
}

const KIND = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

/** The handlers of the application, by kind. Filled at start-up, read-only afterwards. */
@Injectable()
export class ApprovalHandlerRegistry {
  private readonly handlers = new Map<string, ApprovalHandler>();

  register<P, R>(handler: ApprovalHandler<P, R>): void {
    if (!KIND.test(handler.kind)) {
      throw new Error(`Approval kind "${handler.kind}" must look like area.action`);
    }
    if (this.handlers.has(handler.kind)) {
      throw new Error(`An approval handler for "${handler.kind}" is already registered`);
    }
    this.handlers.set(handler.kind, handler);
  }

  has(kind: string): boolean {
    return this.handlers.has(kind);
  }

  /** The registered kinds, for whoever presents them (the approvals page names each one). */
  kinds(): string[] {
    return [...this.handlers.keys()].sort();
  }

  get(kind: string): ApprovalHandler {
    const handler = this.handlers.get(kind);
    if (handler === undefined) throw new ApprovalKindUnknownError(kind);
    return handler;
  }
}
