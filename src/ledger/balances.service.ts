import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CalendarDate, todayUtc } from '../common/calendar-date';
import { FundsService } from '../funds/funds.service';
import { Money } from '../money/money';
import {
  AccountBalanceResponse,
  BalanceGroupResponse,
  BalanceQuery,
  TrialBalanceResponse,
} from './dto/balance.dto';
import { MoneyResponse } from './dto/journal.dto';
import { ValidationFailedError } from '../common/errors/app-error';
import { AccountNotFoundError } from './ledger.errors';
import { BalanceRow, BalancesRepository } from './balances.repository';
import { MonthBalancesService } from './month-balances.service';

@Injectable()
export class BalancesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly funds: FundsService,
    private readonly balances: BalancesRepository,
    private readonly monthBalances: MonthBalancesService,
  ) {}

  async accountBalance(
    fundCode: string,
    accountCode: string,
    query: BalanceQuery,
  ): Promise<AccountBalanceResponse> {
    const manager = this.dataSource.manager;
    const fund = await this.funds.requireFund(manager, fundCode);
    const account = (await this.funds.accounts(manager, fund.id)).find(
      (a) => a.code === accountCode,
    );
    if (account === undefined) throw new AccountNotFoundError(fund.code, accountCode);
    let earmarkId: string | undefined;
    if (query.earmark !== undefined) {
      earmarkId = (await this.funds.earmarks(manager, fund.id)).find(
        (e) => e.code === query.earmark,
      )?.id;
      if (earmarkId === undefined) {
        throw new ValidationFailedError([
          {
            field: 'earmark',
            rule: 'exists',
            reason: `no earmark ${query.earmark} in fund ${fund.code}`,
          },
        ]);
      }
    }
    const asOf = query.asOf ?? todayUtc();
    const rows = await this.balances.accountBalance(
      manager,
      account.id,
      asOf,
      { donorId: query.donorId, earmarkId, bankAccountId: query.bankAccountId },
      query.groupBy,
    );
    const groups = groupRows(rows, fund.functional_currency);
    const all = groupRows(
      rows.map((row) => ({ ...row, dimension: null })),
      fund.functional_currency,
    )[0] ?? {
      dimension: null,
      balances: [],
      functional: Money.zero(fund.functional_currency).toJSON(),
    };
    return {
      fund: fund.code,
      account: { code: account.code, name: account.name, kind: account.kind },
      asOf,
      groupBy: query.groupBy,
      groups: query.groupBy === undefined ? [] : groups,
      balances: all.balances,
      functional: all.functional,
    };
  }

  /** The trial balance as of the day, read from one snapshot of the database. */
  trialBalance(fundCode: string, asOf = todayUtc()): Promise<TrialBalanceResponse> {
    return this.dataSource.transaction('REPEATABLE READ', (manager) =>
      this.trialBalanceIn(manager, fundCode, asOf),
    );
  }

  /**
   * The trial balance in the caller's transaction: the closed months' kept sums and the other
   * lines, read in one snapshot (REPEATABLE READ), so that a month reopened meanwhile is counted
   * once, either way.
   */
  async trialBalanceIn(
    manager: EntityManager,
    fundCode: string,
    asOf: CalendarDate,
  ): Promise<TrialBalanceResponse> {
    const fund = await this.funds.requireFund(manager, fundCode);
    const accounts = await this.funds.accounts(manager, fund.id);
    const spans = await this.monthBalances.spans(manager, fund.id, asOf);
    const rows =
      spans === undefined
        ? []
        : await this.balances.trialBalance(manager, fund.id, spans.kept, spans.ranges);
    const currency = fund.functional_currency;
    let totalDebit = Money.zero(currency);
    let totalCredit = Money.zero(currency);
    const currencyTotals = new Map<string, Money>();
    const lines = accounts.map((account) => {
      const own = rows.filter((row) => row.account_id === account.id);
      const functional = Money.sum(
        currency,
        own.map((row) => Money.fromMinor(row.functional_minor, currency)),
      );
      for (const row of own) {
        const amount = Money.fromMinor(row.amount_minor, row.currency);
        currencyTotals.set(
          row.currency,
          (currencyTotals.get(row.currency) ?? Money.zero(row.currency)).add(amount),
        );
      }
      if (functional.isNegative()) totalCredit = totalCredit.add(functional.negate());
      else totalDebit = totalDebit.add(functional);
      return {
        code: account.code,
        name: account.name,
        kind: account.kind,
        debit: (functional.isNegative() ? Money.zero(currency) : functional).toJSON(),
        credit: (functional.isNegative() ? functional.negate() : Money.zero(currency)).toJSON(),
        balances: own
          .map((row) => Money.fromMinor(row.amount_minor, row.currency))
          .filter((amount) => !amount.isZero())
          .sort((a, b) => (a.currency < b.currency ? -1 : 1))
          .map((amount) => amount.toJSON()),
      };
    });
    const totals = [...currencyTotals.values()].sort((a, b) => (a.currency < b.currency ? -1 : 1));
    return {
      fund: fund.code,
      asOf,
      accounts: lines,
      totalDebit: totalDebit.toJSON(),
      totalCredit: totalCredit.toJSON(),
      currencyTotals: totals.map((total) => total.toJSON()),
      balanced: totalDebit.equals(totalCredit) && totals.every((total) => total.isZero()),
    };
  }
}

function groupRows(rows: BalanceRow[], functionalCurrency: string): BalanceGroupResponse[] {
  const groups = new Map<string | null, { balances: Map<string, Money>; functional: Money }>();
  for (const row of rows) {
    const group = groups.get(row.dimension) ?? {
      balances: new Map<string, Money>(),
      functional: Money.zero(functionalCurrency),
    };
    const amount = Money.fromMinor(row.amount_minor, row.currency);
    group.balances.set(
      row.currency,
      (group.balances.get(row.currency) ?? Money.zero(row.currency)).add(amount),
    );
    group.functional = group.functional.add(
      Money.fromMinor(row.functional_minor, functionalCurrency),
    );
    groups.set(row.dimension, group);
  }
  return [...groups.entries()].map(([dimension, group]) => ({
    dimension,
    balances: [...group.balances.values()]
      .filter((amount) => !amount.isZero())
      .map((amount): MoneyResponse => amount.toJSON()),
    functional: group.functional.toJSON(),
  }));
}
