import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ApprovalContext } from '../approvals/approval-handler.registry';
import { ApprovalsService } from '../approvals/approvals.service';
import { ApprovalResponse } from '../approvals/dto/approval.dto';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { TransactionRunner } from '../database/transaction-runner';
import { FundRow } from '../funds/funds.repository';
import { FundsService } from '../funds/funds.service';
import { ClosePeriodRequest, PeriodResponse, ReopenPeriodRequest } from './dto/period.dto';
import { ValidationFailedError } from '../common/errors/app-error';
import { PeriodStateError } from './ledger.errors';
import { PeriodHooks } from './period-hooks';
import { PeriodsRepository } from './periods.repository';

/** A month, as periods are named: YYYY-MM. */
export const PERIOD_FORMAT = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The approval kind of reopening a closed period. */
export const PERIOD_REOPEN = 'period.reopen';

/** What a reopening's approval request stores. */
export interface ReopenPayload {
  fund: string;
  period: string;
  reason: string;
}

/**
 * Accounting periods are calendar months. Closing one stops all posting into it; reopening is a
 * recorded act with a reason (accounting_period_event), which needs a second person's approval.
 */
@Injectable()
export class PeriodsService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly funds: FundsService,
    private readonly periods: PeriodsRepository,
    private readonly audit: AuditService,
    private readonly approvals: ApprovalsService,
    private readonly hooks: PeriodHooks,
  ) {}

  onModuleInit(): void {
    this.approvals.register<ReopenPayload, PeriodResponse>({
      kind: PERIOD_REOPEN,
      execute: (manager, payload, context) => this.reopenApproved(manager, payload, context),
    });
  }

  close(
    actor: Actor,
    fundCode: string,
    period: string,
    request: ClosePeriodRequest,
  ): Promise<PeriodResponse> {
    assertPeriod(period);
    return this.transactions.run(async (manager) => {
      const fund = await this.funds.requireFund(manager, fundCode);
      return this.change(manager, actor, actor, fund, period, 'close', request.reason);
    });
  }

  /**
   * Asks for a closed period to be reopened: checks now that it is closed, and stores the request
   * for an approver (202). At most one reopening of a period waits at a time.
   */
  requestReopen(
    actor: Actor,
    fundCode: string,
    period: string,
    request: ReopenPeriodRequest,
  ): Promise<ApprovalResponse> {
    assertPeriod(period);
    return this.transactions.run(async (manager) => {
      const fund = await this.funds.requireFund(manager, fundCode);
      if ((await this.periods.status(manager, fund.id, period)) !== 'closed') {
        throw new PeriodStateError(fund.code, period, 'open');
      }
      return this.approvals.request<ReopenPayload>(manager, actor, {
        kind: PERIOD_REOPEN,
        summary: `Reopen period ${period} of ${fund.code}: ${request.reason}`,
        payload: { fund: fund.code, period, reason: request.reason },
        fundId: fund.id,
        subject: `${fund.code}/${period}`,
      });
    });
  }

  async list(fundCode: string): Promise<PeriodResponse[]> {
    const manager = this.dataSource.manager;
    const fund = await this.funds.requireFund(manager, fundCode);
    return (await this.periods.list(manager, fund.id)).map((row) => ({
      fund: fund.code,
      period: row.period,
      status: row.status,
      changedBy: row.changed_by,
      changedAt: new Date(row.changed_at).toISOString(),
    }));
  }

  /**
   * Executes an approved reopening. The period's row and event name the maker, who asked for it
   * and gave the reason; the reason records the approver and the approval request, and the audit
   * record names the approver, whose approval made it happen.
   */
  private async reopenApproved(
    manager: EntityManager,
    payload: ReopenPayload,
    { approvalId, maker, checker }: ApprovalContext,
  ): Promise<PeriodResponse> {
    const fund = await this.funds.requireFund(manager, payload.fund);
    const reason = `${payload.reason} (approved by ${checker.id}, approval ${approvalId})`;
    return this.change(manager, maker, checker, fund, payload.period, 'reopen', reason);
  }

  /** `author` is recorded on the period and its event; `actor` in the audit trail. */
  private async change(
    manager: EntityManager,
    author: Pick<Actor, 'id'>,
    actor: Actor,
    fund: FundRow,
    period: string,
    action: 'close' | 'reopen',
    reason: string | undefined,
  ): Promise<PeriodResponse> {
    const [from, to] =
      action === 'close' ? (['open', 'closed'] as const) : (['closed', 'open'] as const);
    const hookChange = { manager, actor, fund, period };
    if (action === 'close') {
      // Postings into the month (or its year) in flight finish first; later ones wait for the
      // close, and two closes of one month take turns.
      await this.periods.holdPostings(manager, fund.id, Number(period.slice(0, 4)));
      // Refused before the hooks run, which would otherwise try to post into a closed month.
      if ((await this.periods.status(manager, fund.id, period)) !== 'open') {
        throw new PeriodStateError(fund.code, period, to);
      }
      await this.hooks.run('beforeClose', hookChange);
    }
    if (!(await this.periods.transition(manager, fund.id, period, from, to, author.id))) {
      throw new PeriodStateError(fund.code, period, to);
    }
    await this.hooks.run(action === 'close' ? 'afterClose' : 'afterReopen', hookChange);
    await this.periods.recordEvent(manager, {
      fundId: fund.id,
      period,
      action,
      reason,
      actor: author.id,
    });
    await this.audit.record(manager, actor, {
      action: `period.${action}`,
      entityType: 'accounting_period',
      entityId: `${fund.code}/${period}`,
      before: { fund: fund.code, period, status: from },
      after: { fund: fund.code, period, status: to, reason: reason ?? null },
    });
    return {
      fund: fund.code,
      period,
      status: to,
      changedBy: author.id,
      changedAt: new Date().toISOString(),
    };
  }
}

/** 422 on `period` unless it is a month YYYY-MM. */
export function assertPeriod(period: string): void {
  if (!PERIOD_FORMAT.test(period)) {
    throw new ValidationFailedError([
      { field: 'period', rule: 'format', reason: 'must be a month YYYY-MM' },
    ]);
  }
}
