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
import { ReportCell, ReportTable } from '../report-table';
import {
  ContributionsReportService,
  donorTypeLabel,
  GROUPING_LABELS,
} from './contributions-report.service';
import { CONTRIBUTION_GROUPINGS, ContributionsQuery } from './dto/contributions.dto';

type PageKind = 'contributions' | 'outstanding-pledges' | 'cash-forecast';

interface PageSpec {
  title: string;
  api: string;
  /** The query fields of the form, in order. */
  fields: string[];
  hint: string;
}

const PAGES: Record<PageKind, PageSpec> = {
  contributions: {
    title: 'Contributions',
    api: '/api/v1/reports/contributions',
    fields: ['groupBy', 'from', 'to', 'fund', 'earmark', 'donorType', 'region'],
    hint:
      'Pledged: agreements and amendments booked in the range, in the fund currency at the ' +
      'booking rates. Received: cash allocated to pledges in the range, at the value-date rates ' +
      '(what donor statements call receipts applied); receivable cleared: what that cash took ' +
      'off the receivable (1100) at the booking rates; the difference is realised FX. Region: ' +
      'the ITU-D region of the donor’s country on the last day of the range.',
  },
  'outstanding-pledges': {
    title: 'Outstanding pledges',
    api: '/api/v1/reports/outstanding-pledges',
    fields: ['asOf', 'fund', 'earmark', 'donorType', 'region'],
    hint:
      'What agreed pledges still owe on the as-of date, by days past the instalments’ due dates ' +
      '(on the due date itself nothing is overdue yet), after partial payments and write-offs, ' +
      'in the fund currency at the booking rates and in each pledge currency.',
  },
  'cash-forecast': {
    title: 'Cash forecast',
    api: '/api/v1/reports/cash-forecast',
    fields: ['asOf', 'fund', 'earmark', 'donorType', 'region'],
    hint:
      'Unpaid instalments of agreed pledges: those past due, then per month for the 12 months ' +
      'from the as-of date, then later. Converted to the fund currency at the UN operational ' +
      'rates in force on the as-of date (cash to come, not the booking rates).',
  },
};

const FIELD_LABELS: Record<string, string> = {
  groupBy: 'Group by',
  from: 'From',
  to: 'To',
  asOf: 'As-of date',
  fund: 'Fund',
  earmark: 'Earmark',
  donorType: 'Donor type',
  region: 'ITU-D region',
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
    let error: string | null = null;
    let tables: ReportTable[] = [];
    try {
      tables = await this.tables(kind, raw);
    } catch (caught) {
      if (!(caught instanceof AppError) || caught.status !== 422) throw caught;
      error = caught.detail;
    }
    const fund = raw.fund ?? DEFAULT_FUND;
    const funds = await this.funds.list();
    const earmarks = funds.find((f) => f.code === fund)?.earmarks ?? [];
    const options: Record<string, Array<{ value: string; label: string }>> = {
      groupBy: CONTRIBUTION_GROUPINGS.map((value) => ({ value, label: GROUPING_LABELS[value] })),
      fund: funds.map((f) => ({ value: f.code, label: `${f.code} — ${f.name}` })),
      earmark: [
        { value: '', label: 'Every earmark' },
        ...earmarks.map((e) => ({ value: e.code, label: e.code })),
      ],
      donorType: [
        { value: '', label: 'Every donor type' },
        ...DONOR_TYPES.map((value) => ({ value, label: donorTypeLabel(value) })),
      ],
      region: [
        { value: '', label: 'Every region' },
        ...ITU_D_REGIONS.map((value) => ({ value, label: value })),
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
        title: spec.title,
        active: 'reports',
        heading: spec.title,
        action: `/reports/${kind}`,
        hint: spec.hint,
        error,
        csvHref: download('csv'),
        xlsxHref: download('xlsx'),
        fields: spec.fields.map((name) => {
          const value = raw[name] ?? (name === 'fund' ? fund : '');
          const choices = options[name];
          return {
            id: name,
            label: FIELD_LABELS[name],
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
      return this.reports.contributionsTables(await this.reports.contributions(query));
    }
    const query = (await pipe.transform(raw, {
      type: 'query',
      metatype: ReportFiltersQuery,
    })) as ReportFiltersQuery;
    query.asOf ??= todayUtc();
    if (kind === 'outstanding-pledges') {
      return this.reports.outstandingTables(await this.reports.outstanding(query));
    }
    return this.reports.cashForecastTables(await this.reports.cashForecast(query));
  }
}

function toView(table: ReportTable, index: number): Record<string, unknown> {
  const numeric = (kind: string): boolean => kind !== 'text' && kind !== 'date';
  const row = (values: Record<string, ReportCell>) =>
    table.columns.map((column, position) => ({
      value: cellText(column.kind, values[column.key]),
      num: numeric(column.kind),
      header: position === 0,
      key: column.key,
    }));
  return {
    id: `report-table-${index + 1}`,
    name: table.name,
    title: table.title,
    columns: table.columns.map((column) => ({ label: column.label, num: numeric(column.kind) })),
    rows: table.rows.map((values) => ({ cells: row(values) })),
    empty: table.rows.length === 0,
    total: table.total === undefined ? null : { cells: row(table.total) },
  };
}

/** Money with thousands separators (the exact decimal string, never a float). */
function cellText(kind: string, value: ReportCell | undefined): string {
  if (value === null || value === undefined) return '';
  if (kind !== 'money' || typeof value !== 'string') return String(value);
  const [whole, fraction] = value.split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = whole.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${digits}${fraction === undefined ? '' : `.${fraction}`}`;
}
