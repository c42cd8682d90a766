import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor } from '../common/actor';
import { TransactionRunner } from '../database/transaction-runner';
import { FundsService } from '../funds/funds.service';
import { ClosePeriodRequest, PeriodResponse, ReopenPeriodRequest } from './dto/period.dto';
import { InvalidEntryError, PeriodStateError } from './ledger.errors';
import { PeriodsRepository } from './periods.repository';

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * Accounting periods are calendar months. Closing one stops all posting into it; reopening is a
 * recorded act with a reason (accounting_period_event), which the audit trail will show.
 */
@Injectable()
export class PeriodsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly funds: FundsService,
    private readonly periods: PeriodsRepository,
  ) {}

  close(
    actor: Actor,
    fundCode: string,
    period: string,
    request: ClosePeriodRequest,
  ): Promise<PeriodResponse> {
    return this.change(actor, fundCode, period, 'close', request.reason);
  }

  reopen(
    actor: Actor,
    fundCode: string,
    period: string,
    request: ReopenPeriodRequest,
  ): Promise<PeriodResponse> {
    return this.change(actor, fundCode, period, 'reopen', request.reason);
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

  private change(
    actor: Actor,
    fundCode: string,
    period: string,
    action: 'close' | 'reopen',
    reason: string | undefined,
  ): Promise<PeriodResponse> {
    if (!PERIOD.test(period)) {
      throw new InvalidEntryError([
        { field: 'period', rule: 'format', reason: 'must be a month YYYY-MM' },
      ]);
    }
    const [from, to] =
      action === 'close' ? (['open', 'closed'] as const) : (['closed', 'open'] as const);
    return this.transactions.run(async (manager) => {
      const fund = await this.funds.requireFund(manager, fundCode);
      if (!(await this.periods.transition(manager, fund.id, period, from, to, actor.id))) {
        throw new PeriodStateError(fund.code, period, to);
      }
      await this.periods.recordEvent(manager, {
        fundId: fund.id,
        period,
        action,
        reason,
        actor: actor.id,
      });
      return {
        fund: fund.code,
        period,
        status: to,
        changedBy: actor.id,
        changedAt: new Date().toISOString(),
      };
    });
  }
}
