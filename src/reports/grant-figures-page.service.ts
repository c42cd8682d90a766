import { Injectable } from '@nestjs/common';
import { todayUtc } from '../common/calendar-date';
import { AppError } from '../common/errors/app-error';
import { createValidationPipe } from '../common/validation';
import { FundsService } from '../funds/funds.service';
import {
  countryLabel,
  genderLabel,
  regionLabel,
  stakeholderGroupLabel,
} from '../grants/pages/grant-page-text';
import { money } from '../pledges/pledges-page.service';
import { ReferenceService } from '../reference/reference.service';
import { currentLanguage, uiText } from '../web/ui-i18n';
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

/** How a grouping is named: grants.figures.groupings.<grouping> in the catalogue. */
const groupingLabel = (grouping: GrantGrouping): string =>
  uiText(`grants.figures.groupings.${grouping}`);

/** The grant figures' page: the API's figures with a group-by choice, an as-of date and CSV. */
@Injectable()
export class GrantFiguresPageService {
  constructor(
    private readonly reports: GrantFiguresService,
    private readonly funds: FundsService,
    private readonly reference: ReferenceService,
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
        title: uiText('grants.figures.title'),
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
          label: groupingLabel(value),
          selected: value === groupBy,
        })),
        eventOptions: events.map((event) => ({
          value: event.code,
          label: `${event.code} — ${event.name}`,
          selected: event.code === raw.event,
        })),
        csvHref: `${API_PATH}?${csv.toString()}`,
        clearHref: PAGE_PATH,
        report: report === null ? null : toView(report, await this.groupNamer(report.groupBy)),
      },
      viewer,
    );
  }

  /**
   * How the page names a group: in English as the report does; in another language from the
   * catalogue, and a country by the reference data's name in that language.
   */
  private async groupNamer(
    grouping: GrantGrouping,
  ): Promise<(line: GrantFiguresLineResponse) => string> {
    if (currentLanguage() === 'en') return (figures) => figures.label;
    switch (grouping) {
      case 'country': {
        const names = new Map(
          (await this.reference.countries()).map((c) => [
            c.alpha2,
            countryLabel({ name_en: c.names.en, name_fr: c.names.fr }),
          ]),
        );
        return (figures) => names.get(figures.key) ?? figures.label;
      }
      case 'region':
        return (figures) =>
          figures.key === 'none' ? uiText('grants.figures.noRegion') : regionLabel(figures.key);
      case 'ldc-status':
        return (figures) => uiText(`grants.figures.ldcStatus.${figures.key}`);
      case 'gender':
        return (figures) => genderLabel(figures.key);
      case 'stakeholder-group':
        return (figures) => stakeholderGroupLabel(figures.key);
      default:
        return (figures) => figures.label;
    }
  }
}

function toView(
  report: GrantFiguresResponse,
  nameOf: (line: GrantFiguresLineResponse) => string,
): Record<string, unknown> {
  return {
    fund: report.fund,
    asOf: report.asOf,
    event: report.event,
    functionalCurrency: report.functionalCurrency,
    groupLabel: groupingLabel(report.groupBy),
    empty: report.groups.length === 0,
    groups: report.groups.map((figures) => ({ ...line(figures), label: nameOf(figures) })),
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
