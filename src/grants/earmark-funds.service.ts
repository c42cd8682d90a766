import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CalendarDate, todayUtc } from '../common/calendar-date';
import { FundsService } from '../funds/funds.service';
import { EarmarkMoney } from '../ledger/earmark-money';
import { Money } from '../money/money';
import { EarmarkFundsResponse } from './dto/grant.dto';
import { EarmarkNotFoundError } from './grants.errors';
import { GrantsRepository } from './grants.repository';

export interface EarmarkFunds {
  received: Money;
  committed: Money;
  spent: Money;
  available: Money;
}

/**
 * The money of an earmark that may still be approved (DESIGN.md): what receipts allocated to its
 * pledges brought, net of their bank charges, less open grant commitments and what grants
 * already cost (advances, expenses, support costs; money returned on settlement comes back).
 */
@Injectable()
export class EarmarkFundsService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly funds: FundsService,
    private readonly repository: GrantsRepository,
    private readonly earmarkMoney: EarmarkMoney,
  ) {}

  /** Manual journal entries are checked against the same money, under the same lock. */
  onModuleInit(): void {
    this.earmarkMoney.provide({
      lock: (manager, earmarkId) => this.repository.lockEarmark(manager, earmarkId),
      available: async (manager, earmarkId, currency) =>
        (await this.available(manager, earmarkId, currency)).available,
    });
  }

  async available(
    manager: EntityManager,
    earmarkId: string,
    currency: string,
    asOf: CalendarDate | null = null,
  ): Promise<EarmarkFunds> {
    const row = await this.repository.earmarkFunds(manager, earmarkId, asOf);
    const received = Money.fromMinor(row.received, currency);
    const committed = Money.fromMinor(row.committed, currency);
    const spent = Money.fromMinor(row.spent, currency);
    return { received, committed, spent, available: received.subtract(committed).subtract(spent) };
  }

  async report(
    fundCode: string,
    earmarkCode: string,
    asOf: CalendarDate = todayUtc(),
  ): Promise<EarmarkFundsResponse> {
    const manager = this.dataSource.manager;
    const fund = await this.funds.requireFund(manager, fundCode);
    const earmark = (await this.funds.earmarks(manager, fund.id)).find(
      (candidate) => candidate.code === earmarkCode,
    );
    if (earmark === undefined) throw new EarmarkNotFoundError(fund.code, earmarkCode);
    const funds = await this.available(manager, earmark.id, fund.functional_currency, asOf);
    return {
      fund: fund.code,
      earmark: earmark.code,
      asOf,
      received: funds.received.toJSON(),
      committed: funds.committed.toJSON(),
      spent: funds.spent.toJSON(),
      available: funds.available.toJSON(),
    };
  }
}
