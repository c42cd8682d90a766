import { Injectable } from '@nestjs/common';
import { todayUtc } from '../common/calendar-date';
import { AppError } from '../common/errors/app-error';
import { createValidationPipe } from '../common/validation';
import { FundsService } from '../funds/funds.service';
import { ContributionsReportService } from '../reports/contributions/contributions-report.service';
import { GrantFiguresResponse } from '../reports/dto/grant-figures.dto';
import { FundPositionService } from '../reports/fund-position/fund-position.service';
import { GrantFiguresService } from '../reports/grant-figures.service';
import { DEFAULT_FUND } from '../reports/pledge-reconciliation.service';
import { ReportCell, ReportColumn, ReportTable } from '../reports/report-table';
import { Viewer, ViewRenderer } from '../web/view-renderer';
import { DashboardQuery } from './dto/dashboard.dto';
import { barChart, BarChartSpec, pickColumns } from './svg-chart';

/** Money columns shown with thousands separators; the digits are the table's own. */
function grouped(value: string): string {
  const [whole, fraction] = value.split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = whole.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${digits}${fraction === undefined ? '' : `.${fraction}`}`;
}

function cellText(column: ReportColumn, cell: ReportCell | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (column.kind === 'money' && typeof cell === 'string') return grouped(cell);
  return String(cell);
}

/** A table for the page: caption, header cells, rows whose first cell is the row header. */
function tableView(table: ReportTable, caption: string): Record<string, unknown> {
  const numeric = (column: ReportColumn) => column.kind !== 'text' && column.kind !== 'date';
  const row = (cells: Record<string, ReportCell>) =>
    table.columns.map((column, index) => ({
      text: cellText(column, cells[column.key]),
      header: index === 0,
      num: numeric(column),
    }));
  return {
    caption,
    name: table.name,
    columns: table.columns.map((column) => ({ label: column.label, num: numeric(column) })),
    rows: table.rows.map(row),
    total: table.total === undefined ? null : row(table.total),
    empty: table.rows.length === 0,
  };
}

/** The grant figures as a table: grants given, committed, paid (advances and cost), per group. */
function grantTable(report: GrantFiguresResponse, by: string): ReportTable {
  const currency = report.functionalCurrency;
  const row = (line: GrantFiguresResponse['total']): Record<string, ReportCell> => ({
    group: line.label,
    grants: line.grants.total,
    committed: line.committed.amount,
    disbursed: line.disbursed.amount,
    expense: line.expense.amount,
  });
  return {
    name: `grants-by-${report.groupBy}`,
    title: `Participation grants by ${by}`,
    columns: [
      { key: 'group', label: by[0].toUpperCase() + by.slice(1), kind: 'text' },
      { key: 'grants', label: 'Grants', kind: 'count' },
      { key: 'committed', label: `Committed (${currency})`, kind: 'money' },
      { key: 'disbursed', label: `Disbursed (${currency})`, kind: 'money' },
      { key: 'expense', label: `Actual cost (${currency})`, kind: 'money' },
    ],
    rows: report.groups.map(row),
    total: row(report.total),
    filters: { Fund: report.fund, 'As of': report.asOf },
  };
}

interface Chart {
  spec: BarChartSpec;
  /** The table shown under the chart: the chart's own columns, and its total. */
  table: ReportTable;
}

/**
 * The management dashboard (issue 10, item 6): contributions by year and by region, the fund
 * position per earmark, grants by region and by gender, each as an SVG bar chart drawn on the
 * server with its table under it. The figures are the reports' own (the same services as the
 * API), so the dashboard can never disagree with them.
 */
@Injectable()
export class DashboardService {
  constructor(
    private readonly funds: FundsService,
    private readonly position: FundPositionService,
    private readonly contributions: ContributionsReportService,
    private readonly grants: GrantFiguresService,
    private readonly views: ViewRenderer,
  ) {}

  async page(query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const raw: Record<string, string> = {};
    for (const name of ['fund', 'year']) {
      const value = query[name];
      if (typeof value === 'string' && value.trim() !== '') raw[name] = value.trim();
    }
    const today = todayUtc();
    let error: string | null = null;
    let charts: Chart[] = [];
    let fund = raw.fund ?? DEFAULT_FUND;
    let year = Number(today.slice(0, 4));
    let asOf = today;
    try {
      const parsed = (await createValidationPipe().transform(raw, {
        type: 'query',
        metatype: DashboardQuery,
      })) as DashboardQuery;
      fund = parsed.fund ?? DEFAULT_FUND;
      year = parsed.year ?? year;
      const yearEnd = `${year}-12-31`;
      asOf = yearEnd < today ? yearEnd : today;
      charts = await this.charts(fund, year, asOf);
    } catch (caught) {
      if (!(caught instanceof AppError) || caught.status !== 422) throw caught;
      error = caught.detail;
    }
    const funds = await this.funds.list();
    return this.views.render(
      'dashboard/index',
      {
        title: 'Management dashboard',
        active: 'dashboard',
        error,
        fund,
        year: String(year),
        asOf,
        fundOptions: funds.map((f) => ({
          value: f.code,
          label: `${f.code} — ${f.name}`,
          selected: f.code === fund,
        })),
        charts: charts.map((chart) => ({
          id: chart.spec.id,
          title: chart.spec.title,
          svg: barChart(chart.spec),
          table: tableView(chart.table, chart.spec.title),
        })),
      },
      viewer,
    );
  }

  private async charts(fund: string, year: number, asOf: string): Promise<Chart[]> {
    const firstYear = `${year - 4}-01-01`;
    // Read side by side (each report on its own connection, on a server database); the fund
    // position without its ties to the trial balance, which the chart does not show.
    const [byYear, byRegion, position, grantsByRegion, grantsByGender] = await Promise.all([
      this.contributions.contributions({ fund, groupBy: 'year', from: firstYear, to: asOf }),
      this.contributions.contributions({
        fund,
        groupBy: 'region',
        from: `${year}-01-01`,
        to: asOf,
      }),
      this.position.report({ fund, asOf, ties: false }),
      this.grants.report({ fund, asOf, groupBy: 'region' }),
      this.grants.report({ fund, asOf, groupBy: 'gender' }),
    ]);
    const currency = byYear.functionalCurrency;
    const chart = (
      spec: Omit<BarChartSpec, 'table'>,
      table: ReportTable,
      tableKeys: string[] = [spec.labelKey, ...spec.valueKeys],
    ): Chart => ({ spec: { ...spec, table }, table: pickColumns(table, tableKeys) });

    const [yearTable] = this.contributions.contributionsTables(byYear);
    const [regionTable] = this.contributions.contributionsTables(byRegion);
    const [positionTable] = this.position.tables(position);
    // The fund position's earmark lines only (its total is the table's total).
    const earmarkLines: ReportTable = {
      ...positionTable,
      rows: positionTable.rows.filter((row) => row.earmark !== ''),
    };
    return [
      chart(
        {
          id: 'chart-contributions-year',
          title: `Contributions by year, ${year - 4}–${year}`,
          description: `Pledged (agreed) and received per year in ${currency}, ${firstYear} to ${asOf}.`,
          labelKey: 'group',
          valueKeys: ['pledged', 'received'],
          orientation: 'vertical',
        },
        yearTable,
      ),
      chart(
        {
          id: 'chart-contributions-region',
          title: `Contributions by ITU-D region, ${year}`,
          description: `Received in ${currency} per donor region, ${year}-01-01 to ${asOf}.`,
          labelKey: 'group',
          valueKeys: ['received'],
          orientation: 'horizontal',
        },
        regionTable,
        ['group', 'donors', 'received', 'share'],
      ),
      chart(
        {
          id: 'chart-fund-position',
          title: `Fund position by earmark, as of ${asOf}`,
          description: `Received, committed to grants, paid for grants and available, in ${currency}.`,
          labelKey: 'label',
          valueKeys: ['received', 'committed', 'disbursed', 'available'],
          orientation: 'horizontal',
        },
        earmarkLines,
      ),
      chart(
        {
          id: 'chart-grants-region',
          title: `Participation grants by ITU-D region, as of ${asOf}`,
          description: 'Grants given (approved, disbursed or settled) per participant region.',
          labelKey: 'group',
          valueKeys: ['grants'],
          orientation: 'horizontal',
        },
        grantTable(grantsByRegion, 'region'),
        ['group', 'grants', 'committed', 'disbursed', 'expense'],
      ),
      chart(
        {
          id: 'chart-grants-gender',
          title: `Participation grants by gender, as of ${asOf}`,
          description: 'Grants given (approved, disbursed or settled) per participant gender.',
          labelKey: 'group',
          valueKeys: ['grants'],
          orientation: 'horizontal',
        },
        grantTable(grantsByGender, 'gender'),
        ['group', 'grants', 'committed', 'disbursed', 'expense'],
      ),
    ];
  }
}
