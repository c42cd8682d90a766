import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { todayUtc } from '../common/calendar-date';
import { FundNotFoundError } from '../funds/funds.errors';
import { FundRow } from '../funds/funds.repository';
import { FundsService } from '../funds/funds.service';
import { MoneyResponse } from '../ledger/dto/journal.dto';
import { Money } from '../money/money';
import {
  GrantCountsResponse,
  GrantFiguresLineResponse,
  GrantFiguresQuery,
  GrantFiguresResponse,
  GrantGrouping,
} from './dto/grant-figures.dto';
import {
  GRANT_ADVANCES,
  GRANT_EXPENSE,
  GrantFigureRow,
  GrantFiguresRepository,
  GrantLineSum,
  SUPPORT_COSTS,
} from './grant-figures.repository';
import { DEFAULT_FUND } from './pledge-reconciliation.service';
import { InvalidReportQueryError } from './reports.errors';

/** One grant's money as of the date, in minor units of the fund currency. */
interface GrantMoney {
  committed: bigint;
  disbursed: bigint;
  expense: bigint;
  support: bigint;
  returned: bigint;
}

const MONEY_KEYS = ['committed', 'disbursed', 'expense', 'support', 'returned'] as const;

const LDC_STATUS_LABELS: Record<string, string> = {
  ldc: 'Least developed countries',
  developing: 'Other developing countries',
  other: 'Other countries',
};

const GENDER_LABELS: Record<string, string> = {
  female: 'Female',
  male: 'Male',
  'non-binary': 'Non-binary',
  'not-disclosed': 'Not disclosed',
};

const STAKEHOLDER_LABELS: Record<string, string> = {
  government: 'Government',
  'private-sector': 'Private sector',
  'civil-society': 'Civil society',
  academia: 'Academia',
  'technical-community': 'Technical community',
  'international-organization': 'International organisation',
};

/** The order groups come in where a fixed order reads better than alphabetical. */
const FIXED_ORDER: Partial<Record<GrantGrouping, readonly string[]>> = {
  'ldc-status': Object.keys(LDC_STATUS_LABELS),
  gender: Object.keys(GENDER_LABELS),
  'stakeholder-group': Object.keys(STAKEHOLDER_LABELS),
};

/** The group a grant falls in: its key and how it is shown. */
function groupOf(row: GrantFigureRow, by: GrantGrouping): { key: string; label: string } {
  switch (by) {
    case 'event':
      return { key: row.event_code, label: `${row.event_code} — ${row.event_name}` };
    case 'country':
      return { key: row.country, label: row.country_name };
    case 'region':
      return row.region === null
        ? { key: 'none', label: 'No region recorded' }
        : { key: row.region, label: row.region };
    case 'ldc-status': {
      const key = row.ldc ? 'ldc' : row.developing ? 'developing' : 'other';
      return { key, label: LDC_STATUS_LABELS[key] };
    }
    case 'gender':
      return { key: row.gender, label: GENDER_LABELS[row.gender] ?? row.gender };
    case 'stakeholder-group':
      return {
        key: row.stakeholder_group,
        label: STAKEHOLDER_LABELS[row.stakeholder_group] ?? row.stakeholder_group,
      };
  }
}

/**
 * A grant's money from its ledger lines: expense and support costs are its lines on 5000 and
 * 5400; disbursed is what its disbursement put on advances (1200); returned is what its
 * settlement (or cancellation) cleared from advances beyond the actual cost it booked.
 */
function grantMoney(row: GrantFigureRow, lines: readonly GrantLineSum[]): GrantMoney {
  const money: GrantMoney = {
    committed: BigInt(row.committed_minor),
    disbursed: 0n,
    expense: 0n,
    support: 0n,
    returned: 0n,
  };
  let cleared = 0n;
  let settledCost = 0n;
  for (const line of lines) {
    const amount = BigInt(line.functional_minor);
    const closing = line.step === 'settled' || line.step === 'cancelled';
    if (line.account === GRANT_EXPENSE) {
      money.expense += amount;
      if (closing) settledCost += amount;
    } else if (line.account === SUPPORT_COSTS) {
      money.support += amount;
    } else if (line.account === GRANT_ADVANCES) {
      if (line.step === 'disbursed') money.disbursed += amount;
      else if (closing) cleared -= amount;
    }
  }
  if (cleared > settledCost) money.returned = cleared - settledCost;
  return money;
}

/** Counts and money of several grants. */
class GroupSums {
  readonly counts: GrantCountsResponse = {
    approved: 0,
    disbursed: 0,
    settled: 0,
    total: 0,
    cancelled: 0,
  };
  readonly money: GrantMoney = {
    committed: 0n,
    disbursed: 0n,
    expense: 0n,
    support: 0n,
    returned: 0n,
  };

  add(status: GrantFigureRow['status'], money: GrantMoney): void {
    this.counts[status] += 1;
    if (status !== 'cancelled') this.counts.total += 1;
    for (const key of MONEY_KEYS) this.money[key] += money[key];
  }

  toResponse(key: string, label: string, currency: string): GrantFiguresLineResponse {
    const m = (minor: bigint): MoneyResponse => Money.of(minor, currency).toJSON();
    return {
      key,
      label,
      grants: { ...this.counts },
      committed: m(this.money.committed),
      disbursed: m(this.money.disbursed),
      expense: m(this.money.expense),
      supportCosts: m(this.money.support),
      returned: m(this.money.returned),
    };
  }
}

/**
 * Figures of the participation grants (issue 7, item 8): per event, country, ITU-D region,
 * LDC/developing status, gender or stakeholder group, as of a date: how many grants at each
 * stage, what is committed, disbursed, spent (direct costs and support costs apart) and
 * returned. Money comes from each grant's own ledger lines and commitments, and the totals are
 * checked against the fund's balances of 5000 and 5400 and its commitments (`ledger.ties`).
 */
@Injectable()
export class GrantFiguresService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly funds: FundsService,
    private readonly repository: GrantFiguresRepository,
  ) {}

  /** The fund's events (code and name), for a choice on the page; none for an unknown fund. */
  async events(fundCode: string): Promise<Array<{ code: string; name: string }>> {
    const manager = this.dataSource.manager;
    try {
      const fund = await this.funds.requireFund(manager, fundCode);
      return await this.repository.events(manager, fund.id);
    } catch (error) {
      if (error instanceof FundNotFoundError) return [];
      throw error;
    }
  }

  async report(query: GrantFiguresQuery): Promise<GrantFiguresResponse> {
    const manager = this.dataSource.manager;
    const fund = await requireReportFund(this.funds, manager, query.fund ?? DEFAULT_FUND);
    const asOf = query.asOf ?? todayUtc();
    const groupBy = query.groupBy ?? 'event';
    const event = query.event ?? null;
    const currency = fund.functional_currency;
    if (event !== null && !(await this.repository.eventExists(manager, fund.id, event))) {
      throw new InvalidReportQueryError([
        { field: 'event', rule: 'exists', reason: `there is no event ${event} in ${fund.code}` },
      ]);
    }

    const rows = await this.repository.grants(manager, fund.id, asOf, event);
    const lines = new Map<string, GrantLineSum[]>();
    for (const line of await this.repository.lineSums(
      manager,
      fund.id,
      rows.map((row) => row.id),
      asOf,
    )) {
      const list = lines.get(line.grant_id);
      if (list === undefined) lines.set(line.grant_id, [line]);
      else list.push(line);
    }

    const groups = new Map<string, { label: string; sums: GroupSums }>();
    const total = new GroupSums();
    for (const row of rows) {
      const money = grantMoney(row, lines.get(row.id) ?? []);
      const { key, label } = groupOf(row, groupBy);
      let group = groups.get(key);
      if (group === undefined) {
        group = { label, sums: new GroupSums() };
        groups.set(key, group);
      }
      group.sums.add(row.status, money);
      total.add(row.status, money);
    }

    const ledger = await this.repository.ledger(manager, fund.id, asOf);
    const expense = BigInt(ledger.expense_minor);
    const support = BigInt(ledger.support_minor);
    const commitments = BigInt(ledger.committed_minor);
    const m = (minor: bigint): MoneyResponse => Money.of(minor, currency).toJSON();
    return {
      fund: fund.code,
      functionalCurrency: currency,
      asOf,
      groupBy,
      event,
      groups: orderGroups(groupBy, groups).map(([key, group]) =>
        group.sums.toResponse(key, group.label, currency),
      ),
      total: total.toResponse('total', 'Total', currency),
      ledger: {
        expense: m(expense),
        supportCosts: m(support),
        commitments: m(commitments),
        ties:
          event !== null
            ? null
            : total.money.expense === expense &&
              total.money.support === support &&
              total.money.committed === commitments,
      },
    };
  }
}

function orderGroups<T extends { label: string }>(
  by: GrantGrouping,
  groups: ReadonlyMap<string, T>,
): Array<[string, T]> {
  const entries = [...groups.entries()];
  const fixed = FIXED_ORDER[by];
  if (fixed !== undefined) {
    const rank = (key: string) => (fixed.includes(key) ? fixed.indexOf(key) : fixed.length);
    return entries.sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  }
  if (by === 'event') return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // Countries and regions by name; "no region" last.
  return entries.sort(([a, x], [b, y]) => {
    if (a === 'none' || b === 'none') return a === 'none' ? (b === 'none' ? 0 : 1) : -1;
    return x.label.localeCompare(y.label, 'en');
  });
}

/** The fund a report is asked for; an unknown code is a field error of the query. */
export async function requireReportFund(
  funds: FundsService,
  manager: EntityManager,
  code: string,
): Promise<FundRow> {
  try {
    return await funds.requireFund(manager, code);
  } catch (error) {
    if (!(error instanceof FundNotFoundError)) throw error;
    throw new InvalidReportQueryError([
      { field: 'fund', rule: 'exists', reason: `there is no fund ${code}` },
    ]);
  }
}
