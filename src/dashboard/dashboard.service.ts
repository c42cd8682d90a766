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
import { ReportCell, ReportTable } from '../reports/report-table';
import {
  cellText,
  filterErrors,
  isNumeric,
  localiseTable,
  regionName,
} from '../reports/index/report-table-i18n';
import { formatNumber, hasUiText, uiText } from '../web/ui-i18n';
import { Viewer, ViewRenderer } from '../web/view-renderer';
import { DashboardQuery } from './dto/dashboard.dto';
import { barChart, BarChartSpec, pickColumns } from './svg-chart';

/**
 * A table for the page: caption, header cells, rows whose first cell is the row header; figures
 * grouped in the page's language (the digits are the table's own).
 */
function tableView(table: ReportTable, caption: string): Record<string, unknown> {
  const row = (cells: Record<string, ReportCell>) =>
    table.columns.map((column, index) => ({
      text: cellText(column, cells[column.key]),
      header: index === 0,
      num: isNumeric(column),
    }));
  return {
    caption,
    name: table.name,
    columns: table.columns.map((column) => ({ label: column.label, num: isNumeric(column) })),
    rows: table.rows.map(row),
    total: table.total === undefined ? null : row(table.total),
    empty: table.rows.length === 0,
  };
}

/** A grant group's name in the interface's language: a region, a gender, or the total. */
function grantGroupLabel(line: GrantFiguresResponse['total'], by: 'region' | 'gender'): string {
  if (line.key === 'total') return uiText('reports.cells.total');
  if (by === 'region') {
    return line.key === 'none' ? uiText('reports.cells.noRegion') : regionName(line.label);
  }
  const key = `dashboard.genders.${line.key}`;
  return hasUiText(key) ? uiText(key) : line.label;
}

/**
 * The grant figures as a table: grants given, committed, paid (advances and cost), per group,
 * named in the interface's language.
 */
function grantTable(report: GrantFiguresResponse, by: 'region' | 'gender'): ReportTable {
  const currency = report.functionalCurrency;
  const row = (line: GrantFiguresResponse['total']): Record<string, ReportCell> => ({
    group: grantGroupLabel(line, by),
    grants: line.grants.total,
    committed: line.committed.amount,
    disbursed: line.disbursed.amount,
    expense: line.expense.amount,
  });
  return {
    name: `grants-by-${report.groupBy}`,
    title: uiText(`dashboard.grants.title.${by}`),
    columns: [
      { key: 'group', label: uiText(`dashboard.grants.columns.${by}`), kind: 'text' },
      { key: 'grants', label: uiText('dashboard.grants.columns.grants'), kind: 'count' },
      {
        key: 'committed',
        label: uiText('dashboard.grants.columns.committed', { currency }),
        kind: 'money',
      },
      {
        key: 'disbursed',
        label: uiText('dashboard.grants.columns.disbursed', { currency }),
        kind: 'money',
      },
      {
        key: 'expense',
        label: uiText('dashboard.grants.columns.expense', { currency }),
        kind: 'money',
      },
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
    let refusal: AppError | null = null;
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
      refusal = caught;
    }
    const placed = filterErrors(refusal?.errors, {
      fund: uiText('dashboard.fund'),
      year: uiText('dashboard.year'),
    });
    const funds = await this.funds.list();
    return this.views.render(
      'dashboard/index',
      {
        title: uiText('dashboard.title'),
        active: 'dashboard',
        error: refusal?.detail ?? null,
        errors: placed.fields,
        errorSummary: placed.summary,
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
          svg: barChart({ ...chart.spec, formatValue: (value) => formatNumber(value) }),
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

    // The reports' own tables, named in the interface's language (only their columns and the
    // labels the services write change; the figures are the reports').
    const contributionsTable = (report: typeof byYear): ReportTable =>
      localiseTable(this.contributions.contributionsTables(report)[0], {
        key: 'contributions',
        title: uiText(`reports.tables.contributions.title.${report.groupBy}`, {
          fund: report.fund,
          from: report.from,
          to: report.to,
        }),
        params: { currency: report.functionalCurrency },
        columns: { group: uiText(`reports.groupings.${report.groupBy}`) },
        groupBy: report.groupBy,
      });
    const yearTable = contributionsTable(byYear);
    const regionTable = contributionsTable(byRegion);
    const positionTable = localiseTable(this.position.tables(position)[0], {
      key: 'fundPosition',
      title: uiText('reports.tables.fundPosition.title'),
    });
    // The fund position's earmark lines only (its total is the table's total).
    const earmarkLines: ReportTable = {
      ...positionTable,
      rows: positionTable.rows.filter((row) => row.earmark !== ''),
    };
    return [
      chart(
        {
          id: 'chart-contributions-year',
          title: uiText('dashboard.charts.contributionsYear.title', { first: year - 4, year }),
          description: uiText('dashboard.charts.contributionsYear.description', {
            currency,
            from: firstYear,
            asOf,
          }),
          labelKey: 'group',
          valueKeys: ['pledged', 'received'],
          orientation: 'vertical',
        },
        yearTable,
      ),
      chart(
        {
          id: 'chart-contributions-region',
          title: uiText('dashboard.charts.contributionsRegion.title', { year }),
          description: uiText('dashboard.charts.contributionsRegion.description', {
            currency,
            from: `${year}-01-01`,
            asOf,
          }),
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
          title: uiText('dashboard.charts.fundPosition.title', { asOf }),
          description: uiText('dashboard.charts.fundPosition.description', { currency }),
          labelKey: 'label',
          valueKeys: ['received', 'committed', 'disbursed', 'available'],
          orientation: 'horizontal',
        },
        earmarkLines,
      ),
      chart(
        {
          id: 'chart-grants-region',
          title: uiText('dashboard.charts.grantsRegion.title', { asOf }),
          description: uiText('dashboard.charts.grantsRegion.description'),
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
          title: uiText('dashboard.charts.grantsGender.title', { asOf }),
          description: uiText('dashboard.charts.grantsGender.description'),
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
