import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CalendarDate, todayUtc } from '../../common/calendar-date';
import { FundRow } from '../../funds/funds.repository';
import { FundsService } from '../../funds/funds.service';
import { EarmarkFundsService } from '../../grants/earmark-funds.service';
import { MonthBalancesService } from '../../ledger/month-balances.service';
import { BalancesService } from '../../ledger/balances.service';
import { TrialBalanceResponse } from '../../ledger/dto/balance.dto';
import { Money } from '../../money/money';
import { Rate } from '../../money/rate';
import { MissingRateError } from '../../rates/rates.errors';
import { RatesService } from '../../rates/rates.service';
import { requireReportFund } from '../grant-figures.service';
import { ReportCell, ReportColumn, ReportTable } from '../report-table';
import { InvalidReportQueryError } from '../reports.errors';
import {
  FundPositionFundResponse,
  FundPositionLineResponse,
  FundPositionQuery,
  FundPositionResponse,
  FundPositionTieResponse,
} from './fund-position.dto';
import { FundPositionRepository, PositionAccount } from './fund-position.repository';

/** One line's figures in minor units of the fund currency (debit-positive balances turned to figures). */
interface Figures {
  announced: bigint;
  agreed: bigint;
  conditional: bigint;
  received: bigint;
  outstandingBooked: bigint;
  revaluation: bigint;
  writtenOff: bigint;
  committed: bigint;
  disbursed: bigint;
  available: bigint | null;
  availableFrom: bigint | null;
}

type Balances = Partial<Record<PositionAccount, bigint>>;

/** Which accounts each ledger figure comes from, and its sign against a debit-positive balance. */
const LEDGER_FIGURES: Array<{
  figure: keyof Figures;
  accounts: Array<[PositionAccount, 1n | -1n]>;
}> = [
  { figure: 'agreed', accounts: [['4000', -1n]] },
  { figure: 'conditional', accounts: [['2100', -1n]] },
  {
    figure: 'received',
    accounts: [
      ['4000', -1n],
      ['2100', -1n],
      ['5300', -1n],
      ['1100', -1n],
    ],
  },
  { figure: 'outstandingBooked', accounts: [['1100', 1n]] },
  { figure: 'revaluation', accounts: [['1190', 1n]] },
  { figure: 'writtenOff', accounts: [['5300', 1n]] },
  {
    figure: 'disbursed',
    accounts: [
      ['1200', 1n],
      ['5000', 1n],
      ['5400', 1n],
    ],
  },
];

const MONEY_COLUMNS: Array<[string, string, (f: FundPositionLineResponse) => string | null]> = [
  ['announced', 'Announced (memo)', (f) => f.announced.amount],
  ['agreed', 'Agreed (4000)', (f) => f.agreed.amount],
  ['conditional', 'Conditional (2100)', (f) => f.conditional.amount],
  ['received', 'Received (receivables cleared, at booking rates)', (f) => f.received.amount],
  ['outstanding_booked', 'Outstanding at booking rates (1100)', (f) => f.outstanding.booked.amount],
  ['outstanding_revaluation', 'Revaluation (1190)', (f) => f.outstanding.revaluation.amount],
  ['outstanding_current', 'Outstanding at current rates', (f) => f.outstanding.current.amount],
  ['written_off', 'Written off (5300)', (f) => f.writtenOff.amount],
  ['committed', 'Grants committed', (f) => f.committed.amount],
  ['disbursed', 'Grants paid (1200, 5000, 5400)', (f) => f.disbursed.amount],
  ['available', 'Available balance', (f) => f.available?.amount ?? null],
];

/**
 * The fund position as of a day, per fund and earmark: what was announced (memo), agreed,
 * received, is still owed (at booking and at current rates), was written off, is committed to
 * grants, was paid for grants and is still available. Ledger figures add up the kept sums of
 * closed months and the lines of the others (FundPositionRepository); the available balance is
 * the grants' own rule (EarmarkFundsService), never a second one.
 */
@Injectable()
export class FundPositionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly funds: FundsService,
    private readonly repository: FundPositionRepository,
    private readonly earmarkFunds: EarmarkFundsService,
    private readonly rates: RatesService,
    private readonly balances: BalancesService,
    private readonly monthBalances: MonthBalancesService,
  ) {}

  async report(query: FundPositionQuery): Promise<FundPositionResponse> {
    const asOf = query.asOf ?? todayUtc();
    if (query.earmark !== undefined && query.fund === undefined) {
      throw new InvalidReportQueryError([
        { field: 'earmark', rule: 'needsFund', reason: 'an earmark filter needs a fund' },
      ]);
    }
    // Filters the position is not made of are refused rather than silently ignored.
    const unused = (['from', 'to', 'donorType', 'region'] as const).filter(
      (field) => query[field] !== undefined,
    );
    if (unused.length > 0) {
      throw new InvalidReportQueryError(
        unused.map((field) => ({
          field,
          rule: 'notApplicable',
          reason: `the fund position is as of a day (asOf), per fund and earmark: ${field} does not apply`,
        })),
      );
    }
    const codes =
      query.fund !== undefined ? [query.fund] : (await this.funds.list()).map((fund) => fund.code);
    // One snapshot for every figure and the trial balance they are tied to.
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const result: FundPositionFundResponse[] = [];
      for (const code of codes) {
        const fund =
          query.fund !== undefined
            ? await requireReportFund(this.funds, manager, code)
            : await this.funds.requireFund(manager, code);
        result.push(await this.fundPosition(manager, fund, asOf, query));
      }
      return { asOf, earmark: query.earmark ?? null, funds: result };
    });
  }

  /** The report as tables: the position (one row per earmark, fund totals) and the ties. */
  tables(report: FundPositionResponse): ReportTable[] {
    const single = report.funds.length === 1;
    const columns: ReportColumn[] = [
      { key: 'fund', label: 'Fund', kind: 'text' },
      { key: 'earmark', label: 'Earmark', kind: 'text' },
      { key: 'label', label: 'Name', kind: 'text' },
      { key: 'currency', label: 'Currency', kind: 'text' },
      ...MONEY_COLUMNS.map(([key, label]): ReportColumn => ({ key, label, kind: 'money' })),
    ];
    const row = (fund: FundPositionFundResponse, line: FundPositionLineResponse) => {
      const out: Record<string, ReportCell> = {
        fund: fund.fund,
        earmark: line.earmark ?? '',
        label: line.label,
        currency: fund.functionalCurrency,
      };
      for (const [key, , read] of MONEY_COLUMNS) out[key] = read(line);
      return out;
    };
    const rows: Record<string, ReportCell>[] = [];
    for (const fund of report.funds) {
      for (const line of fund.earmarks) rows.push(row(fund, line));
      if (!single) rows.push(row(fund, fund.total));
    }
    const filters: Record<string, string> = { 'As of': report.asOf };
    if (report.earmark !== null) filters.Earmark = report.earmark;
    const position: ReportTable = {
      name: 'fund-position',
      title: 'Fund position',
      columns,
      rows,
      filters,
      ...(single ? { total: row(report.funds[0], report.funds[0].total) } : {}),
    };
    const ties: ReportTable = {
      name: 'fund-position-ties',
      title: 'Fund position against the trial balance',
      columns: [
        { key: 'fund', label: 'Fund', kind: 'text' },
        { key: 'figure', label: 'Figure', kind: 'text' },
        { key: 'accounts', label: 'Accounts', kind: 'text' },
        { key: 'currency', label: 'Currency', kind: 'text' },
        { key: 'position', label: 'Fund position', kind: 'money' },
        { key: 'trial_balance', label: 'Trial balance', kind: 'money' },
        { key: 'ties', label: 'Ties', kind: 'text' },
      ],
      rows: report.funds.flatMap((fund) =>
        (fund.ties ?? []).map((tie) => ({
          fund: fund.fund,
          figure: tie.figure,
          accounts: tie.accounts.join(' '),
          currency: fund.functionalCurrency,
          position: tie.position.amount,
          trial_balance: tie.trialBalance.amount,
          ties: tie.ties ? 'yes' : 'no',
        })),
      ),
      filters,
    };
    return [position, ties];
  }

  private async fundPosition(
    manager: EntityManager,
    fund: FundRow,
    asOf: CalendarDate,
    query: FundPositionQuery,
  ): Promise<FundPositionFundResponse> {
    const currency = fund.functional_currency;
    let earmarks = await this.funds.earmarks(manager, fund.id);
    if (query.earmark !== undefined) {
      earmarks = earmarks.filter((earmark) => earmark.code === query.earmark);
      if (earmarks.length === 0) {
        throw new InvalidReportQueryError([
          {
            field: 'earmark',
            rule: 'exists',
            reason: `there is no earmark ${query.earmark} in fund ${fund.code}`,
          },
        ]);
      }
    }
    const sums = await this.ledgerSums(manager, fund.id, asOf);
    const byEarmark = new Map<string | null, Balances>();
    for (const sum of sums) {
      const balances = byEarmark.get(sum.earmark_id) ?? {};
      balances[sum.code] = (balances[sum.code] ?? 0n) + BigInt(sum.functional_minor);
      byEarmark.set(sum.earmark_id, balances);
    }
    const { announced, unconverted } = await this.announced(manager, fund, asOf);

    const lines: Array<{ earmark: string | null; label: string; figures: Figures }> = [];
    for (const earmark of earmarks) {
      const available = await this.earmarkFunds.available(manager, earmark.id, currency, asOf);
      lines.push({
        earmark: earmark.code,
        label: earmark.name,
        figures: {
          ...ledgerFigures(byEarmark.get(earmark.id) ?? {}),
          announced: announced.get(earmark.id) ?? 0n,
          committed: available.committed.minor,
          available: available.available.minor,
          availableFrom: available.received.minor,
        },
      });
    }
    if (query.earmark === undefined) {
      const none = ledgerFigures(byEarmark.get(null) ?? {});
      if (LEDGER_FIGURES.some(({ figure }) => none[figure] !== 0n)) {
        lines.push({
          earmark: null,
          label: 'No earmark',
          figures: {
            ...none,
            announced: 0n,
            committed: 0n,
            available: null,
            availableFrom: null,
          },
        });
      }
    }
    const total = sumFigures(lines.map((line) => line.figures));
    let ties: FundPositionTieResponse[] | null = null;
    if (query.earmark === undefined && query.ties !== false) {
      ties = tiesWith(
        total,
        await this.balances.trialBalanceIn(manager, fund.code, asOf),
        currency,
      );
    }
    return {
      fund: fund.code,
      name: fund.name,
      functionalCurrency: currency,
      earmarks: lines.map((line) => toLine(line.earmark, line.label, line.figures, currency)),
      total: toLine(null, `Total ${fund.code}`, total, currency),
      announcedUnconverted: unconverted.map((money) => money.toJSON()),
      ties,
      tiesAll: ties === null ? null : ties.every((tie) => tie.ties),
    };
  }

  /**
   * The position's account balances per earmark as of the day: kept sums of the closed months
   * that ended by then, lines of every other month from the first line to the day.
   */
  private async ledgerSums(manager: EntityManager, fundId: string, asOf: CalendarDate) {
    const spans = await this.monthBalances.spans(manager, fundId, asOf);
    if (spans === undefined) return [];
    return this.repository.accountSums(manager, fundId, spans.kept, spans.ranges);
  }

  /**
   * Announced pledges per earmark in the fund currency, each earmark's sum in a currency
   * converted (and rounded) once at the rate in force on the day; currencies without a rate are
   * given apart.
   */
  private async announced(
    manager: EntityManager,
    fund: FundRow,
    asOf: CalendarDate,
  ): Promise<{ announced: Map<string, bigint>; unconverted: Money[] }> {
    const currency = fund.functional_currency;
    const announced = new Map<string, bigint>();
    const missing = new Map<string, Money>();
    const rates = new Map<string, Rate | null>();
    for (const row of await this.repository.announced(manager, fund.id, asOf)) {
      const amount = Money.fromMinor(row.amount_minor, row.currency);
      if (!rates.has(row.currency)) {
        try {
          rates.set(
            row.currency,
            (await this.rates.rate(row.currency, currency, asOf, manager)).rate,
          );
        } catch (error) {
          if (!(error instanceof MissingRateError)) throw error;
          rates.set(row.currency, null);
        }
      }
      const rate = rates.get(row.currency) ?? null;
      if (rate === null) {
        missing.set(
          row.currency,
          (missing.get(row.currency) ?? Money.zero(row.currency)).add(amount),
        );
        continue;
      }
      const value = amount.convert(rate, currency).minor;
      announced.set(row.earmark_id, (announced.get(row.earmark_id) ?? 0n) + value);
    }
    return { announced, unconverted: [...missing.values()] };
  }
}

function ledgerFigures(
  balances: Balances,
): Pick<Figures, (typeof LEDGER_FIGURES)[number]['figure']> {
  const figures = {} as Record<string, bigint>;
  for (const { figure, accounts } of LEDGER_FIGURES)
    figures[figure] = ledgerFigure(balances, accounts);
  return figures as Pick<Figures, (typeof LEDGER_FIGURES)[number]['figure']>;
}

function ledgerFigure(balances: Balances, accounts: Array<[PositionAccount, 1n | -1n]>): bigint {
  return accounts.reduce((total, [code, sign]) => total + sign * (balances[code] ?? 0n), 0n);
}

function sumFigures(all: Figures[]): Figures {
  const total: Figures = {
    announced: 0n,
    agreed: 0n,
    conditional: 0n,
    received: 0n,
    outstandingBooked: 0n,
    revaluation: 0n,
    writtenOff: 0n,
    committed: 0n,
    disbursed: 0n,
    available: 0n,
    availableFrom: 0n,
  };
  for (const figures of all) {
    for (const key of Object.keys(total) as Array<keyof Figures>) {
      const value = figures[key];
      if (value !== null) total[key] = (total[key] ?? 0n) + value;
    }
  }
  return total;
}

function toLine(
  earmark: string | null,
  label: string,
  f: Figures,
  currency: string,
): FundPositionLineResponse {
  const money = (minor: bigint) => Money.of(minor, currency).toJSON();
  return {
    earmark,
    label,
    announced: money(f.announced),
    agreed: money(f.agreed),
    conditional: money(f.conditional),
    received: money(f.received),
    outstanding: {
      booked: money(f.outstandingBooked),
      revaluation: money(f.revaluation),
      current: money(f.outstandingBooked + f.revaluation),
    },
    writtenOff: money(f.writtenOff),
    committed: money(f.committed),
    disbursed: money(f.disbursed),
    available: f.available === null ? null : money(f.available),
    availableFrom: f.availableFrom === null ? null : money(f.availableFrom),
  };
}

/** Each ledger figure of the fund total against the same accounts of the trial balance. */
function tiesWith(
  total: Figures,
  trialBalance: TrialBalanceResponse,
  currency: string,
): FundPositionTieResponse[] {
  const balances: Balances = {};
  for (const account of trialBalance.accounts) {
    const debit = Money.parse(account.debit.amount, currency).minor;
    const credit = Money.parse(account.credit.amount, currency).minor;
    balances[account.code as PositionAccount] = debit - credit;
  }
  return LEDGER_FIGURES.map(({ figure, accounts }) => {
    const position = total[figure] as bigint;
    const fromTrialBalance = ledgerFigure(balances, accounts);
    return {
      figure,
      accounts: accounts.map(([code]) => code),
      position: Money.of(position, currency).toJSON(),
      trialBalance: Money.of(fromTrialBalance, currency).toJSON(),
      ties: position === fromTrialBalance,
    };
  });
}
