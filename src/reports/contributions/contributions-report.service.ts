import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CalendarDate, todayUtc } from '../../common/calendar-date';
import { FieldError } from '../../common/errors/problem';
import { FundRow } from '../../funds/funds.repository';
import { FundsService } from '../../funds/funds.service';
import { MoneyResponse } from '../../ledger/dto/journal.dto';
import { Money } from '../../money/money';
import { divideHalfEven, formatScaled, Rate } from '../../money/rate';
import { AGING_BUCKETS, AgingBucket } from '../../pledges/pledge-status';
import { PledgeViewsService, PledgeWithView } from '../../pledges/pledge-views.service';
import { PledgesRepository } from '../../pledges/pledges.repository';
import { RatesService } from '../../rates/rates.service';
import { ReportFiltersQuery } from '../dto/report-filters.dto';
import { DEFAULT_FUND } from '../pledge-reconciliation.service';
import { ReportCell, ReportColumn, ReportTable } from '../report-table';
import { requireReportFund } from '../grant-figures.service';
import { InvalidReportQueryError } from '../reports.errors';
import {
  ContributionsReportRepository,
  ContributionGroupRow,
  PledgeScope,
} from './contributions-report.repository';
import {
  AppliedFiltersResponse,
  CashForecastResponse,
  ContributionGrouping,
  ContributionGroupResponse,
  ContributionsQuery,
  ContributionsResponse,
  ForecastPeriodResponse,
  OutstandingDonorResponse,
  OutstandingPledgesResponse,
  PledgedVsReceivedResponse,
  PledgedVsReceivedYearResponse,
  TopDonorsQuery,
  TopDonorsResponse,
} from './dto/contributions.dto';

export const BUCKET_LABELS: Record<AgingBucket, string> = {
  'not-yet-due': 'Not yet due',
  '1-30': '1–30 days',
  '31-90': '31–90 days',
  '91-180': '91–180 days',
  '181-365': '181–365 days',
  'over-365': 'Over 365 days',
};

export const GROUPING_LABELS: Record<ContributionGrouping, string> = {
  donor: 'Donor',
  'donor-type': 'Donor type',
  country: 'Country',
  region: 'ITU-D region',
  year: 'Year',
};

const FORECAST_MONTHS = 12;
const OPEN_STATUSES = new Set(['agreed', 'partially-paid', 'overdue']);

/** What a report is about: the fund, and the pledges in scope. */
interface Context {
  manager: EntityManager;
  fund: FundRow;
  scope: PledgeScope;
  filters: AppliedFiltersResponse;
}

/**
 * Contributions to a fund for management, in the fund's currency, from the ledger: by donor,
 * donor type, country, region or year; pledged against received per year; the top donors; the
 * pledges still owed, aged; and the cash expected from the unpaid instalments. The outstanding
 * and forecast figures come from the pledges' own derivation (PledgeViewsService), so that they
 * always agree with each pledge's page and with the receivable of the ledger.
 */
@Injectable()
export class ContributionsReportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly funds: FundsService,
    private readonly repository: ContributionsReportRepository,
    private readonly pledges: PledgesRepository,
    private readonly views: PledgeViewsService,
    private readonly rates: RatesService,
  ) {}

  async contributions(query: ContributionsQuery): Promise<ContributionsResponse> {
    const groupBy = query.groupBy ?? 'donor';
    const { from, to } = range(query, 0);
    const context = await this.context(query, to);
    const rows = await this.repository.contributions(
      context.manager,
      context.scope,
      from,
      to,
      groupBy,
    );
    return this.shape(context, from, to, groupBy, rows);
  }

  async topDonors(query: TopDonorsQuery): Promise<TopDonorsResponse> {
    const limit = query.limit ?? 10;
    const all = await this.contributions({ ...query, groupBy: 'donor' });
    // Ties broken by name, then by id (two donors may share a name).
    const groups = [...all.groups].sort((a, b) => {
      const difference = Money.parse(b.received.amount, b.received.currency).compare(
        Money.parse(a.received.amount, a.received.currency),
      );
      if (difference !== 0) return difference;
      if (a.label !== b.label) return a.label < b.label ? -1 : 1;
      return (a.key ?? '') < (b.key ?? '') ? -1 : 1;
    });
    return { ...all, limit, groups: groups.slice(0, limit) };
  }

  async pledgedVsReceived(query: ReportFiltersQuery): Promise<PledgedVsReceivedResponse> {
    const { from, to } = range(query, 4);
    const context = await this.context(query, to);
    const rows = await this.repository.years(context.manager, context.scope, from, to);
    const currency = context.fund.functional_currency;
    const byYear = new Map(rows.map((row) => [row.year, row]));
    const firstYear = Number(from.slice(0, 4));
    const lastYear = Number(to.slice(0, 4));
    let receivable = rows
      .filter((row) => row.year < firstYear)
      .reduce((total, row) => total + BigInt(row.receivable_minor), 0n);
    const years: PledgedVsReceivedYearResponse[] = [];
    for (let year = firstYear; year <= lastYear; year++) {
      const row = byYear.get(year);
      receivable += BigInt(row?.receivable_minor ?? '0');
      const yearEnd = `${year}-12-31`;
      years.push({
        year,
        yearEnd: yearEnd < to ? yearEnd : to,
        pledged: money(row?.pledged_minor, currency),
        received: money(row?.received_minor, currency),
        receivedForYearPledges: money(row?.received_for_minor, currency),
        outstandingAtYearEnd: Money.of(receivable, currency).toJSON(),
      });
    }
    return {
      fund: context.fund.code,
      functionalCurrency: currency,
      from,
      to,
      filters: context.filters,
      years,
    };
  }

  async outstanding(query: ReportFiltersQuery): Promise<OutstandingPledgesResponse> {
    const asOf = query.asOf ?? todayUtc();
    const context = await this.context(query, asOf);
    const currency = context.fund.functional_currency;
    const views = await this.pledgeViews(context, asOf);
    const donors = new Map<string, DonorAging>();
    const total = new DonorAging(null, 'Total', currency);
    for (const pledge of views) {
      const { row, view } = pledge;
      const onLedger =
        !view.totals.outstanding.isZero() ||
        !view.totals.outstandingFunctional.isZero() ||
        view.totals.otherCurrencies.length > 0;
      if (!onLedger) continue;
      let donor = donors.get(row.donor_id);
      if (donor === undefined) {
        donor = new DonorAging(row.donor_id, row.donor_name, currency);
        donors.set(row.donor_id, donor);
      }
      donor.add(pledge);
      total.add(pledge);
    }
    let notLinked: MoneyResponse | null = null;
    if (context.scope.donorType === null && context.scope.region === null) {
      const earmarkId = await this.earmarkId(context);
      const unlinked = await this.pledges.unlinkedReceivable(
        context.manager,
        context.fund.id,
        asOf,
        { earmarkId },
      );
      notLinked = Money.sum(
        currency,
        unlinked.map((row) => Money.fromMinor(row.functional_minor, currency)),
      ).toJSON();
    }
    return {
      fund: context.fund.code,
      functionalCurrency: currency,
      asOf,
      filters: context.filters,
      donors: [...donors.values()]
        .sort((a, b) =>
          a.name === b.name ? ((a.id ?? '') < (b.id ?? '') ? -1 : 1) : a.name < b.name ? -1 : 1,
        )
        .map((donor) => donor.toJSON()),
      total: total.toJSON(),
      notLinkedToPledges: notLinked,
    };
  }

  async cashForecast(query: ReportFiltersQuery): Promise<CashForecastResponse> {
    const asOf = query.asOf ?? todayUtc();
    const context = await this.context(query, asOf);
    const functional = context.fund.functional_currency;
    const months = forecastMonths(asOf);
    const periods = new Map<string, { instalments: number; amounts: Map<string, bigint> }>();
    for (const key of ['overdue', ...months.map((m) => m.period), 'later']) {
      periods.set(key, { instalments: 0, amounts: new Map() });
    }
    for (const { row, view } of await this.pledgeViews(context, asOf)) {
      if (!OPEN_STATUSES.has(view.status)) continue;
      for (const instalment of view.instalments) {
        if (!instalment.amountDue.isPositive()) continue;
        const key =
          instalment.dueDate < asOf
            ? 'overdue'
            : (months.find((m) => instalment.dueDate <= m.dueTo)?.period ?? 'later');
        const period = periods.get(key)!;
        period.instalments += 1;
        period.amounts.set(
          row.currency,
          (period.amounts.get(row.currency) ?? 0n) + instalment.amountDue.minor,
        );
      }
    }
    const currencies = [...new Set([...periods.values()].flatMap((p) => [...p.amounts.keys()]))];
    currencies.sort();
    const rates = new Map<string, Rate>();
    for (const code of currencies) {
      rates.set(code, (await this.rates.rate(code, functional, asOf, context.manager)).rate);
    }
    const totals = { instalments: 0, amounts: new Map<string, bigint>() };
    const shaped = [...periods.entries()].map(([period, figures]): ForecastPeriodResponse => {
      totals.instalments += figures.instalments;
      for (const [code, minor] of figures.amounts) {
        totals.amounts.set(code, (totals.amounts.get(code) ?? 0n) + minor);
      }
      const month = months.find((m) => m.period === period);
      return forecastPeriod(
        period,
        month?.dueFrom ?? (period === 'later' ? nextDay(months.at(-1)!.dueTo) : null),
        month?.dueTo ?? (period === 'overdue' ? previousDay(asOf) : null),
        figures,
        rates,
        functional,
      );
    });
    const total = forecastPeriod('total', null, null, totals, rates, functional);
    // The total in the fund currency is the sum of the periods' (each converted once).
    total.functional = Money.sum(
      functional,
      shaped.map((p) => Money.parse(p.functional.amount, functional)),
    ).toJSON();
    return {
      fund: context.fund.code,
      functionalCurrency: functional,
      asOf,
      filters: context.filters,
      rates: currencies.map((code) => ({
        currency: code,
        rate: rates.get(code)!.toDecimalString(10),
      })),
      periods: shaped,
      total,
    };
  }

  contributionsTables(report: ContributionsResponse): ReportTable[] {
    const label = GROUPING_LABELS[report.groupBy];
    const columns: ReportColumn[] = [
      { key: 'group', label, kind: 'text' },
      { key: 'donors', label: 'Donors', kind: 'count' },
      { key: 'pledges', label: 'Pledges', kind: 'count' },
      { key: 'pledged', label: `Pledged (${report.functionalCurrency})`, kind: 'money' },
      { key: 'received', label: `Received (${report.functionalCurrency})`, kind: 'money' },
      {
        key: 'receivable_cleared',
        label: `Receivable cleared (${report.functionalCurrency})`,
        kind: 'money',
      },
      { key: 'fx', label: `Realised FX (${report.functionalCurrency})`, kind: 'money' },
      { key: 'share', label: 'Share of received (%)', kind: 'percent' },
    ];
    const row = (group: ContributionGroupResponse): Record<string, ReportCell> => ({
      group: group.label,
      donors: group.donors,
      pledges: group.pledges,
      pledged: group.pledged.amount,
      received: group.received.amount,
      receivable_cleared: group.receivableCleared.amount,
      fx: group.fx.amount,
      share: group.share,
    });
    return [
      {
        name: `contributions-by-${report.groupBy}`,
        title: `Contributions to ${report.fund} by ${label.toLowerCase()}, ${report.from} to ${report.to}`,
        columns,
        rows: report.groups.map(row),
        total: row(report.total),
        filters: filterLines(report, { From: report.from, To: report.to }),
      },
    ];
  }

  topDonorsTables(report: TopDonorsResponse): ReportTable[] {
    const [table] = this.contributionsTables(report);
    return [
      {
        ...table,
        name: 'top-donors',
        title: `Top ${report.limit} donors to ${report.fund} by received, ${report.from} to ${report.to}`,
        columns: [{ key: 'rank', label: 'Rank', kind: 'count' }, ...table.columns],
        rows: table.rows.map((row, index) => ({ rank: index + 1, ...row })),
        total: undefined,
      },
    ];
  }

  pledgedVsReceivedTables(report: PledgedVsReceivedResponse): ReportTable[] {
    const c = report.functionalCurrency;
    return [
      {
        name: 'pledged-vs-received',
        title: `Pledged against received per year, ${report.fund}, ${report.from} to ${report.to}`,
        columns: [
          { key: 'year', label: 'Year', kind: 'count' },
          { key: 'pledged', label: `Pledged (${c})`, kind: 'money' },
          { key: 'received', label: `Received (${c})`, kind: 'money' },
          {
            key: 'received_for_year_pledges',
            label: `Received for the year's pledges (${c})`,
            kind: 'money',
          },
          { key: 'year_end', label: 'Year end', kind: 'date' },
          {
            key: 'outstanding_at_year_end',
            label: `Outstanding at year end (${c})`,
            kind: 'money',
          },
        ],
        rows: report.years.map((year) => ({
          year: year.year,
          pledged: year.pledged.amount,
          received: year.received.amount,
          received_for_year_pledges: year.receivedForYearPledges.amount,
          year_end: year.yearEnd,
          outstanding_at_year_end: year.outstandingAtYearEnd.amount,
        })),
        filters: filterLines(report, { From: report.from, To: report.to }),
      },
    ];
  }

  outstandingTables(report: OutstandingPledgesResponse): ReportTable[] {
    const c = report.functionalCurrency;
    const buckets: ReportColumn[] = AGING_BUCKETS.map((bucket) => ({
      key: bucketKey(bucket),
      label: BUCKET_LABELS[bucket],
      kind: 'money',
    }));
    const chfRow = (donor: OutstandingDonorResponse): Record<string, ReportCell> => {
      const row: Record<string, ReportCell> = { donor: donor.name, pledges: donor.pledges };
      for (const line of donor.aging) row[bucketKey(line.bucket)] = line.amount.amount;
      row.total = donor.total.amount;
      return row;
    };
    const byCurrency: Record<string, ReportCell>[] = [];
    for (const donor of [...report.donors, report.total]) {
      for (const figures of donor.byCurrency) {
        const row: Record<string, ReportCell> = {
          donor: donor.name,
          currency: figures.currency,
        };
        for (const line of figures.aging) row[bucketKey(line.bucket)] = line.amount.amount;
        row.total = figures.total.amount;
        byCurrency.push(row);
      }
    }
    const filters = filterLines(report, { 'As of': report.asOf });
    return [
      {
        name: 'outstanding-pledges',
        title: `Outstanding pledges of ${report.fund} by days past due on ${report.asOf} (${c}, booking rates)`,
        columns: [
          { key: 'donor', label: 'Donor', kind: 'text' },
          { key: 'pledges', label: 'Pledges', kind: 'count' },
          ...buckets.map((b) => ({ ...b, label: `${b.label} (${c})` })),
          { key: 'total', label: `Total (${c})`, kind: 'money' },
        ],
        rows: report.donors.map(chfRow),
        total: chfRow(report.total),
        filters,
      },
      {
        name: 'outstanding-by-currency',
        title: `Outstanding pledges of ${report.fund} on ${report.asOf}, in the pledge currencies`,
        columns: [
          { key: 'donor', label: 'Donor', kind: 'text' },
          { key: 'currency', label: 'Currency', kind: 'text' },
          ...buckets,
          { key: 'total', label: 'Total', kind: 'money' },
        ],
        rows: byCurrency,
        filters,
      },
    ];
  }

  cashForecastTables(report: CashForecastResponse): ReportTable[] {
    const c = report.functionalCurrency;
    const filters = filterLines(report, { 'As of': report.asOf });
    const label = (period: string): string =>
      period === 'overdue'
        ? 'Overdue'
        : period === 'later'
          ? 'Later'
          : period === 'total'
            ? 'Total'
            : period;
    const rateOf = new Map(report.rates.map((r) => [r.currency, r.rate]));
    const byCurrency: Record<string, ReportCell>[] = [];
    for (const period of report.periods) {
      for (const amount of period.amounts) {
        byCurrency.push({
          period: label(period.period),
          currency: amount.currency,
          amount: amount.amount,
          rate: rateOf.get(amount.currency) ?? null,
        });
      }
    }
    return [
      {
        name: 'cash-forecast',
        title: `Cash forecast of ${report.fund} from unpaid instalments, 12 months from ${report.asOf} (${c} at the UN rates in force on ${report.asOf})`,
        columns: [
          { key: 'period', label: 'Period', kind: 'text' },
          { key: 'due_from', label: 'Due from', kind: 'date' },
          { key: 'due_to', label: 'Due to', kind: 'date' },
          { key: 'instalments', label: 'Instalments', kind: 'count' },
          { key: 'amount', label: `Expected (${c})`, kind: 'money' },
        ],
        rows: report.periods.map((period) => ({
          period: label(period.period),
          due_from: period.dueFrom,
          due_to: period.dueTo,
          instalments: period.instalments,
          amount: period.functional.amount,
        })),
        total: {
          period: 'Total',
          instalments: report.total.instalments,
          amount: report.total.functional.amount,
        },
        filters,
      },
      {
        name: 'cash-forecast-by-currency',
        title: `Cash forecast of ${report.fund} in the pledge currencies`,
        columns: [
          { key: 'period', label: 'Period', kind: 'text' },
          { key: 'currency', label: 'Currency', kind: 'text' },
          { key: 'amount', label: 'Expected', kind: 'money' },
          { key: 'rate', label: `Rate to ${c} on ${report.asOf}`, kind: 'text' },
        ],
        rows: byCurrency,
        filters,
      },
    ];
  }

  /** The fund (422 on `fund` when unknown), the earmark (422 on `earmark`), and the scope. */
  private async context(query: ReportFiltersQuery, regionOn: CalendarDate): Promise<Context> {
    const manager = this.dataSource.manager;
    const fund = await requireReportFund(this.funds, manager, query.fund ?? DEFAULT_FUND);
    if (query.earmark !== undefined) {
      const earmarks = await this.funds.earmarks(manager, fund.id);
      if (!earmarks.some((earmark) => earmark.code === query.earmark)) {
        throw new InvalidReportQueryError([
          {
            field: 'earmark',
            rule: 'exists',
            reason: `fund ${fund.code} has no earmark ${query.earmark}`,
          },
        ]);
      }
    }
    const filters = {
      earmark: query.earmark ?? null,
      donorType: query.donorType ?? null,
      region: query.region ?? null,
    };
    return {
      manager,
      fund,
      filters,
      scope: { fundId: fund.id, ...filters, regionOn },
    };
  }

  private async earmarkId(context: Context): Promise<string | undefined> {
    if (context.scope.earmark === null) return undefined;
    const earmarks = await this.funds.earmarks(context.manager, context.fund.id);
    return earmarks.find((earmark) => earmark.code === context.scope.earmark)?.id;
  }

  /** The fund's pledges in scope announced by `asOf`, each derived as of `asOf`. */
  private async pledgeViews(context: Context, asOf: CalendarDate): Promise<PledgeWithView[]> {
    const { scope, manager } = context;
    const donorIds = await this.repository.donorIds(
      manager,
      scope.donorType,
      scope.region,
      scope.regionOn,
    );
    if (donorIds?.length === 0) return [];
    const { rows } = await this.pledges.list(
      manager,
      {
        fundId: scope.fundId,
        donorIds,
        earmark: scope.earmark ?? undefined,
        announcedBy: asOf,
      },
      { by: 'donor', descending: false },
    );
    return this.views.views(manager, rows, asOf);
  }

  private shape(
    context: Context,
    from: CalendarDate,
    to: CalendarDate,
    groupBy: ContributionGrouping,
    rows: readonly ContributionGroupRow[],
  ): ContributionsResponse {
    const currency = context.fund.functional_currency;
    const groupRows = rows.filter((row) => !row.is_total);
    const totalRow = rows.find((row) => row.is_total);
    const totalReceived = BigInt(totalRow?.received_minor ?? '0');
    const group = (
      row: ContributionGroupRow | undefined,
      label: string,
    ): ContributionGroupResponse => {
      const received = BigInt(row?.received_minor ?? '0');
      const relieved = BigInt(row?.relieved_minor ?? '0');
      return {
        key: row === undefined || row.is_total ? null : row.key,
        label,
        donors: row?.donors ?? 0,
        pledges: row?.pledges ?? 0,
        pledged: Money.fromMinor(row?.pledged_minor ?? '0', currency).toJSON(),
        received: Money.of(received, currency).toJSON(),
        receivableCleared: Money.of(relieved, currency).toJSON(),
        fx: Money.of(received - relieved, currency).toJSON(),
        share:
          totalReceived === 0n
            ? null
            : formatScaled(divideHalfEven(received * 10000n, totalReceived), 2),
      };
    };
    return {
      fund: context.fund.code,
      functionalCurrency: currency,
      from,
      to,
      groupBy,
      filters: context.filters,
      groups: groupRows.map((row) => group(row, groupLabel(groupBy, row.key, row.label))),
      total: group(totalRow, 'Total'),
    };
  }
}

/** Aging of one donor's (or every donor's) outstanding pledges. */
class DonorAging {
  pledges = 0;
  private readonly functional: Map<AgingBucket, bigint> = new Map(
    AGING_BUCKETS.map((b) => [b, 0n]),
  );
  private readonly byCurrency = new Map<string, Map<AgingBucket, bigint>>();

  constructor(
    readonly id: string | null,
    readonly name: string,
    private readonly currency: string,
  ) {}

  add({ row, view }: PledgeWithView): void {
    this.pledges += 1;
    let own = this.byCurrency.get(row.currency);
    if (own === undefined) {
      own = new Map(AGING_BUCKETS.map((b) => [b, 0n]));
      this.byCurrency.set(row.currency, own);
    }
    for (const line of view.aging) {
      own.set(line.bucket, own.get(line.bucket)! + line.amount.minor);
      this.functional.set(line.bucket, this.functional.get(line.bucket)! + line.functional.minor);
    }
  }

  toJSON(): OutstandingDonorResponse {
    const aging = (amounts: Map<AgingBucket, bigint>, currency: string) =>
      AGING_BUCKETS.map((bucket) => ({
        bucket,
        amount: Money.of(amounts.get(bucket)!, currency).toJSON(),
      }));
    const total = (amounts: Map<AgingBucket, bigint>, currency: string): MoneyResponse =>
      Money.of(
        [...amounts.values()].reduce((sum, minor) => sum + minor, 0n),
        currency,
      ).toJSON();
    return {
      donorId: this.id,
      name: this.name,
      pledges: this.pledges,
      byCurrency: [...this.byCurrency.keys()].sort().map((code) => ({
        currency: code,
        aging: aging(this.byCurrency.get(code)!, code),
        total: total(this.byCurrency.get(code)!, code),
      })),
      aging: aging(this.functional, this.currency),
      total: total(this.functional, this.currency),
    };
  }
}

/** `from`/`to` of a range report: `to` defaults to today, `from` to 1 January `years` before. */
function range(query: ReportFiltersQuery, years: number): { from: CalendarDate; to: CalendarDate } {
  const to = query.to ?? todayUtc();
  const from = query.from ?? `${String(Number(to.slice(0, 4)) - years).padStart(4, '0')}-01-01`;
  if (from > to) {
    const error: FieldError = {
      field: 'from',
      rule: 'before-to',
      reason: `from (${from}) is after to (${to})`,
    };
    throw new InvalidReportQueryError([error]);
  }
  return { from, to };
}

function money(minor: string | undefined, currency: string): MoneyResponse {
  return Money.fromMinor(minor ?? '0', currency).toJSON();
}

function groupLabel(
  groupBy: ContributionGrouping,
  key: string | null,
  label: string | null,
): string {
  if (key === null) return groupBy === 'country' ? 'No country recorded' : 'No region recorded';
  if (groupBy === 'donor-type') return donorTypeLabel(key);
  return label ?? key;
}

export function donorTypeLabel(type: string): string {
  const words = type.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function bucketKey(bucket: AgingBucket): string {
  return bucket === 'not-yet-due' ? 'not_yet_due' : `days_${bucket.replace('-', '_')}`;
}

function filterLines(
  report: { fund: string; filters: AppliedFiltersResponse },
  dates: Record<string, string>,
): Record<string, string> {
  const lines: Record<string, string> = { Fund: report.fund, ...dates };
  if (report.filters.earmark !== null) lines.Earmark = report.filters.earmark;
  if (report.filters.donorType !== null)
    lines['Donor type'] = donorTypeLabel(report.filters.donorType);
  if (report.filters.region !== null) lines['ITU-D region'] = report.filters.region;
  return lines;
}

/** The 12 calendar months from asOf's (the first from asOf itself). */
function forecastMonths(
  asOf: CalendarDate,
): Array<{ period: string; dueFrom: string; dueTo: string }> {
  const months: Array<{ period: string; dueFrom: string; dueTo: string }> = [];
  let year = Number(asOf.slice(0, 4));
  let month = Number(asOf.slice(5, 7));
  for (let index = 0; index < FORECAST_MONTHS; index++) {
    const period = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    months.push({
      period,
      dueFrom: index === 0 ? asOf : `${period}-01`,
      dueTo: `${period}-${String(last).padStart(2, '0')}`,
    });
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

function shiftDay(date: CalendarDate, days: number): CalendarDate {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
const nextDay = (date: CalendarDate): CalendarDate => shiftDay(date, 1);
const previousDay = (date: CalendarDate): CalendarDate => shiftDay(date, -1);

function forecastPeriod(
  period: string,
  dueFrom: string | null,
  dueTo: string | null,
  figures: { instalments: number; amounts: Map<string, bigint> },
  rates: ReadonlyMap<string, Rate>,
  functional: string,
): ForecastPeriodResponse {
  const codes = [...figures.amounts.keys()].sort();
  const converted = codes.map((code) =>
    Money.of(figures.amounts.get(code)!, code).convert(rates.get(code)!, functional),
  );
  return {
    period,
    dueFrom,
    dueTo,
    instalments: figures.instalments,
    amounts: codes.map((code) => Money.of(figures.amounts.get(code)!, code).toJSON()),
    functional: Money.sum(functional, converted).toJSON(),
  };
}
