import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { TransactionRunner } from '../database/transaction-runner';
import { FundsService } from '../funds/funds.service';
import { ReminderPolicyRequest, ReminderPolicyResponse } from './dto/reminder.dto';
import { DEFAULT_REMINDER_POLICY, ReminderPolicy } from './reminder-steps';
import { PolicyRow, RemindersRepository } from './reminders.repository';

/** Each fund's reminder policy; a fund without one of its own follows the default. */
@Injectable()
export class ReminderPolicyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly funds: FundsService,
    private readonly audit: AuditService,
    private readonly repository: RemindersRepository,
  ) {}

  async get(fundCode: string): Promise<ReminderPolicyResponse> {
    const manager = this.dataSource.manager;
    const fund = await this.funds.requireFund(manager, fundCode);
    return toResponse(fund.code, await this.repository.policy(manager, fund.id));
  }

  async set(
    actor: Actor,
    fundCode: string,
    request: ReminderPolicyRequest,
  ): Promise<ReminderPolicyResponse> {
    return this.transactions.run(async (manager) => {
      const fund = await this.funds.requireFund(manager, fundCode);
      const before = toResponse(fund.code, await this.repository.policy(manager, fund.id));
      const after = toResponse(
        fund.code,
        await this.repository.savePolicy(manager, fund.id, toPolicy(request), actor.id),
      );
      await this.audit.record(manager, actor, {
        action: 'reminder-policy.update',
        entityType: 'reminder_policy',
        entityId: fund.code,
        before,
        after,
      });
      return after;
    });
  }

  /** The policy in force for a fund, read in the caller's transaction. */
  async policyOf(manager: EntityManager, fundId: string): Promise<ReminderPolicy> {
    const row = await this.repository.policy(manager, fundId);
    return row === undefined ? DEFAULT_REMINDER_POLICY : fromRow(row);
  }
}

function fromRow(row: PolicyRow): ReminderPolicy {
  return {
    enabled: row.enabled,
    daysBeforeDue: Number(row.days_before_due),
    overdueEveryDays: Number(row.overdue_every_days),
    maxOverdueReminders: Number(row.max_overdue_reminders),
  };
}

function toPolicy(policy: ReminderPolicy): ReminderPolicy {
  return {
    enabled: policy.enabled,
    daysBeforeDue: policy.daysBeforeDue,
    overdueEveryDays: policy.overdueEveryDays,
    maxOverdueReminders: policy.maxOverdueReminders,
  };
}

function toResponse(fund: string, row: PolicyRow | undefined): ReminderPolicyResponse {
  return {
    fund,
    ...(row === undefined ? DEFAULT_REMINDER_POLICY : fromRow(row)),
    isDefault: row === undefined,
    updatedBy: row?.updated_by ?? null,
    updatedAt: row === undefined ? null : new Date(row.updated_at).toISOString(),
  };
}
