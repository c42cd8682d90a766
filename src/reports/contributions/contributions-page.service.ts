import { Injectable } from '@nestjs/common';
import { todayUtc } from '../../common/calendar-date';
import { AppError } from '../../common/errors/app-error';
import { createValidationPipe } from '../../common/validation';
import { DONOR_TYPES } from '../../donors/dto/donor.dto';
import { FundsService } from '../../funds/funds.service';
import { ITU_D_REGIONS } from '../../reference/reference.types';
import { Viewer, ViewRenderer } from '../../web/view-renderer';
import { ReportFiltersQuery } from '../dto/report-filters.dto';
import { DEFAULT_FUND } from '../pledge-reconciliation.service';
import { ReportTable } from '../report-table';
import {
  cellText,
  filterErrors,
  isNumeric,
  localiseTable,
  regionName,
} from '../index/report-table-i18n';
import { uiText } from '../../web/ui-i18n';
import { ContributionsReportService } from './contributions-report.service';
import { CONTRIBUTION_GROUPINGS, ContributionsQuery } from './dto/contributions.dto';

type PageKind = 'contributions' | 'outstanding-pledges' | 'cash-forecast';

/**
 * Each page's API route and the query fields of its form, in order; its title and hint are the
 * catalogue's reports.pages.<kind>.
 */
interface PageSpec {
  api: string;
  fields: string[];
}

const PAGES: Record<PageKind, PageSpec> = {
  contributions: {
    api: '/api/v1/reports/contributions',
    fields: ['groupBy', 'from', 'to', 'fund', 'earmark', 'donorType', 'region'],
  },
  'outstanding-pledges': {
    api: '/api/v1/reports/outstanding-pledges',
    fields: ['asOf', 'fund', 'earmark', 'donorType', 'region'],
  },
  'cash-forecast': {
    api: '/api/v1/reports/cash-forecast',
    fields: ['asOf', 'fund', 'earmark', 'donorType', 'region'],
  },
};

/** The contributions, outstanding pledges and cash forecast pages: the API's tables, a form. */
@Injectable()
export class ContributionsPageService {
  constructor(
    private readonly reports: ContributionsReportService,
    private readonly funds: FundsService,
    private readonly views: ViewRenderer,
  ) {}

  async page(kind: PageKind, query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const spec = PAGES[kind];
    const raw: Record<string, string> = {};
    for (const name of spec.fields) {
      const value = query[name];
      if (typeof value === 'string' && value.trim() !== '') raw[name] = value.trim();
    }
    let refusal: AppError | null = null;
    let tables: ReportTable[] = [];
    try {
      tables = await this.tables(kind, raw);
    } catch (caught) {
      if (!(caught instanceof AppError) || caught.status !== 422) throw caught;
      refusal = caught;
    }
    const labels = Object.fromEntries(
      spec.fields.map((name) => [name, uiText(`reports.fields.${name}`)]),
    );
    const placed = filterErrors(refusal?.errors, labels);
    const title = uiText(`reports.pages.${kind}.title`);
    const fund = raw.fund ?? DEFAULT_FUND;
    const funds = await this.funds.list();
    const earmarks = funds.find((f) => f.code === fund)?.earmarks ?? [];
    const options: Record<string, Array<{ value: string; label: string }>> = {
      groupBy: CONTRIBUTION_GROUPINGS.map((value) => ({
        value,
        label: uiText(`reports.groupings.${value}`),
      })),
      fund: funds.map((f) => ({ value: f.code, label: `${f.code} — ${f.name}` })),
      earmark: [
        { value: '', label: uiText('reports.common.everyEarmark') },
        ...earmarks.map((e) => ({ value: e.code, label: e.code })),
      ],
      donorType: [
        { value: '', label: uiText('reports.common.everyDonorType') },
        ...DONOR_TYPES.map((value) => ({ value, label: uiText(`reports.donorTypes.${value}`) })),
      ],
      region: [
        { value: '', label: uiText('reports.common.everyRegion') },
        ...ITU_D_REGIONS.map((value) => ({ value, label: regionName(value) })),
      ],
    };
    const download = (format: string): string => {
      const params = new URLSearchParams(raw);
      params.set('format', format);
      return `${spec.api}?${params.toString()}`;
    };
    return this.views.render(
      'reports/contributions-report',
      {
        title,
        active: 'reports',
        heading: title,
        action: `/reports/${kind}`,
        hint: uiText(`reports.pages.${kind}.hint`),
        error: refusal?.detail ?? null,
        errorSummary: placed.summary,
        csvHref: download('csv'),
        xlsxHref: download('xlsx'),
        fields: spec.fields.map((name) => {
          const value = raw[name] ?? (name === 'fund' ? fund : '');
          const choices = options[name];
          return {
            id: name,
            label: labels[name],
            error: placed.fields[name] ?? null,
            isSelect: choices !== undefined,
            value,
            options: (choices ?? []).map((choice) => ({
              ...choice,
              selected: choice.value === value,
            })),
          };
        }),
        tables: tables.map((table, index) => toView(table, index)),
      },
      viewer,
    );
  }

  private async tables(kind: PageKind, raw: Record<string, string>): Promise<ReportTable[]> {
    const pipe = createValidationPipe();
    if (kind === 'contributions') {
      const query = (await pipe.transform(raw, {
        type: 'query',
        metatype: ContributionsQuery,
      })) as ContributionsQuery;
      const report = await this.reports.contributions(query);
      return this.reports.contributionsTables(report).map((table) =>
        localiseTable(table, {
          key: 'contributions',
          title: uiText(`reports.tables.contributions.title.${report.groupBy}`, {
            fund: report.fund,
            from: report.from,
            to: report.to,
          }),
          params: { currency: report.functionalCurrency },
          columns: { group: uiText(`reports.groupings.${report.groupBy}`) },
          groupBy: report.groupBy,
        }),
      );
    }
    const query = (await pipe.transform(raw, {
      type: 'query',
      metatype: ReportFiltersQuery,
    })) as ReportFiltersQuery;
    query.asOf ??= todayUtc();
    if (kind === 'outstanding-pledges') {
      const report = await this.reports.outstanding(query);
      const params = { fund: report.fund, asOf: report.asOf, currency: report.functionalCurrency };
      const [byDays, byCurrency] = this.reports.outstandingTables(report);
      return [
        localiseTable(byDays, {
          key: 'outstanding',
          title: uiText('reports.tables.outstanding.title', params),
          params,
        }),
        localiseTable(byCurrency, {
          key: 'outstandingByCurrency',
          title: uiText('reports.tables.outstandingByCurrency.title', params),
        }),
      ];
    }
    const report = await this.reports.cashForecast(query);
    const params = { fund: report.fund, asOf: report.asOf, currency: report.functionalCurrency };
    const [byPeriod, byCurrency] = this.reports.cashForecastTables(report);
    return [
      localiseTable(byPeriod, {
        key: 'cashForecast',
        title: uiText('reports.tables.cashForecast.title', params),
        params,
      }),
      localiseTable(byCurrency, {
        key: 'cashForecastByCurrency',
        title: uiText('reports.tables.cashForecastByCurrency.title', params),
        params,
      }),
    ];
  }
}

function toView(table: ReportTable, index: number): Record<string, unknown> {
  const row = (values: ReportTable['rows'][number]) =>
    table.columns.map((column, position) => ({
      value: cellText(column, values[column.key]),
      num: isNumeric(column),
      header: position === 0,
      key: column.key,
    }));
  return {
    id: `report-table-${index + 1}`,
    name: table.name,
    title: table.title,
    columns: table.columns.map((column) => ({ label: column.label, num: isNumeric(column) })),
    rows: table.rows.map((values) => ({ cells: row(values) })),
    empty: table.rows.length === 0,
    total: table.total === undefined ? null : { cells: row(table.total) },
  };
}
