import { Injectable } from '@nestjs/common';
import { todayUtc } from '../common/calendar-date';
import { AppError } from '../common/errors/app-error';
import { createValidationPipe } from '../common/validation';
import { FundsService } from '../funds/funds.service';
import { money } from '../pledges/pledges-page.service';
import { Viewer, ViewRenderer } from '../web/view-renderer';
import {
  GRANT_GROUPINGS,
  GrantFiguresLineResponse,
  GrantFiguresQuery,
  GrantFiguresResponse,
  GrantGrouping,
} from './dto/grant-figures.dto';
import { GrantFiguresService } from './grant-figures.service';
import { DEFAULT_FUND } from './pledge-reconciliation.service';

const PAGE_PATH = '/reports/grant-figures';
const API_PATH = '/api/v1/reports/grant-figures';

const GROUPING_LABELS: Record<GrantGrouping, string> = {
  event: 'Event',
  country: 'Country',
  region: 'ITU-D region',
  'ldc-status': 'LDC / developing status',
  gender: 'Gender',
  'stakeholder-group': 'Stakeholder group',
};

/** The grant figures' page: the API's figures with a group-by choice, an as-of date and CSV. */
@Injectable()
export class GrantFiguresPageService {
  constructor(
    private readonly reports: GrantFiguresService,
    private readonly funds: FundsService,
    private readonly views: ViewRenderer,
  ) {}

  async page(query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const raw: Record<string, string> = {};
    for (const name of ['fund', 'asOf', 'groupBy', 'event']) {
      const value = query[name];
      if (typeof value === 'string' && value.trim() !== '') raw[name] = value.trim();
    }
    let error: string | null = null;
    let report: GrantFiguresResponse | null = null;
    try {
      const parsed = (await createValidationPipe().transform(raw, {
        type: 'query',
        metatype: GrantFiguresQuery,
      })) as GrantFiguresQuery;
      report = await this.reports.report(parsed);
    } catch (caught) {
      if (!(caught instanceof AppError) || caught.status !== 422) throw caught;
      error = caught.detail;
    }
    const fund = report?.fund ?? raw.fund ?? DEFAULT_FUND;
    const asOf = report?.asOf ?? raw.asOf ?? todayUtc();
    const groupBy = report?.groupBy ?? raw.groupBy ?? 'event';
    const [funds, events] = await Promise.all([this.funds.list(), this.reports.events(fund)]);
    const csv = new URLSearchParams({ fund, asOf, groupBy });
    if (raw.event) csv.set('event', raw.event);
    csv.set('format', 'csv');
    return this.views.render(
      'grant-figures',
      {
        title: 'Participation grant figures',
        active: 'reports',
        error,
        asOf,
        fund,
        fundOptions: funds.map((f) => ({
          value: f.code,
          label: `${f.code} — ${f.name}`,
          selected: f.code === fund,
        })),
        groupByOptions: GRANT_GROUPINGS.map((value) => ({
          value,
          label: GROUPING_LABELS[value],
          selected: value === groupBy,
        })),
        eventOptions: events.map((event) => ({
          value: event.code,
          label: `${event.code} — ${event.name}`,
          selected: event.code === raw.event,
        })),
        csvHref: `${API_PATH}?${csv.toString()}`,
        clearHref: PAGE_PATH,
        report: report === null ? null : toView(report),
      },
      viewer,
    );
  }
}

function toView(report: GrantFiguresResponse): Record<string, unknown> {
  return {
    fund: report.fund,
    asOf: report.asOf,
    event: report.event,
    functionalCurrency: report.functionalCurrency,
    groupLabel: GROUPING_LABELS[report.groupBy],
    empty: report.groups.length === 0,
    groups: report.groups.map(line),
    total: line(report.total),
    ledger: {
      expense: money(report.ledger.expense),
      supportCosts: money(report.ledger.supportCosts),
      commitments: money(report.ledger.commitments),
      ties: report.ledger.ties,
      checked: report.ledger.ties !== null,
    },
  };
}

function line(figures: GrantFiguresLineResponse): Record<string, unknown> {
  return {
    key: figures.key,
    label: figures.label,
    grants: figures.grants,
    committed: money(figures.committed),
    disbursed: money(figures.disbursed),
    expense: money(figures.expense),
    supportCosts: money(figures.supportCosts),
    returned: money(figures.returned),
  };
}
