import { Injectable } from '@nestjs/common';
import { todayUtc } from '../../common/calendar-date';
import { AppError } from '../../common/errors/app-error';
import { createValidationPipe } from '../../common/validation';
import { FundsService } from '../../funds/funds.service';
import { MoneyResponse } from '../../ledger/dto/journal.dto';
import { money } from '../../pledges/pledges-page.service';
import { Viewer, ViewRenderer } from '../../web/view-renderer';
import { uiText } from '../../web/ui-i18n';
import { filterErrors, generatedLabel } from '../index/report-table-i18n';
import {
  FundPositionLineResponse,
  FundPositionQuery,
  FundPositionResponse,
} from './fund-position.dto';
import { FundPositionService } from './fund-position.service';

const PAGE_PATH = '/reports/fund-position';
const API_PATH = '/api/v1/reports/fund-position';

/** The fund position's page: the API's figures with fund, earmark and as-of filters, CSV and XLSX. */
@Injectable()
export class FundPositionPageService {
  constructor(
    private readonly position: FundPositionService,
    private readonly funds: FundsService,
    private readonly views: ViewRenderer,
  ) {}

  async page(query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const raw: Record<string, string> = {};
    for (const name of ['fund', 'earmark', 'asOf']) {
      const value = query[name];
      if (typeof value === 'string' && value.trim() !== '') raw[name] = value.trim();
    }
    let refusal: AppError | null = null;
    let report: FundPositionResponse | null = null;
    try {
      const parsed = (await createValidationPipe().transform(raw, {
        type: 'query',
        metatype: FundPositionQuery,
      })) as FundPositionQuery;
      report = await this.position.report(parsed);
    } catch (caught) {
      if (!(caught instanceof AppError) || caught.status !== 422) throw caught;
      refusal = caught;
    }
    const placed = filterErrors(refusal?.errors, {
      fund: uiText('reports.fields.fund'),
      earmark: uiText('reports.fields.earmark'),
      asOf: uiText('reports.fields.asOf'),
    });
    const asOf = report?.asOf ?? raw.asOf ?? todayUtc();
    const funds = await this.funds.list();
    const download = (format: string) => {
      const params = new URLSearchParams({ ...raw, asOf, format });
      return `${API_PATH}?${params.toString()}`;
    };
    return this.views.render(
      'reports/fund-position',
      {
        title: uiText('reports.fundPosition.title'),
        active: 'reports',
        error: refusal?.detail ?? null,
        errors: placed.fields,
        errorSummary: placed.summary,
        asOf,
        fundOptions: funds.map((f) => ({
          value: f.code,
          label: `${f.code} — ${f.name}`,
          selected: f.code === raw.fund,
        })),
        earmarkOptions: funds.flatMap((f) =>
          f.earmarks.map((e) => ({
            value: e.code,
            label: `${e.code} (${f.code})`,
            selected: e.code === raw.earmark,
          })),
        ),
        csvHref: download('csv'),
        xlsxHref: download('xlsx'),
        clearHref: PAGE_PATH,
        funds:
          report === null
            ? []
            : report.funds.map((fund) => ({
                fund: fund.fund,
                name: fund.name,
                currency: fund.functionalCurrency,
                lines: fund.earmarks.map(line),
                total: line(fund.total),
                unconverted: fund.announcedUnconverted.map(money).join(', '),
                checked: fund.ties !== null,
                tiesAll: fund.tiesAll === true,
                ties: (fund.ties ?? []).map((tie) => ({
                  figure: uiText(`reports.fundPosition.columns.${tie.figure}`),
                  accounts: tie.accounts.join(', '),
                  position: money(tie.position),
                  trialBalance: money(tie.trialBalance),
                  ties: tie.ties,
                })),
              })),
        empty: report !== null && report.funds.length === 0,
      },
      viewer,
    );
  }
}

function line(figures: FundPositionLineResponse): Record<string, unknown> {
  const m = (value: MoneyResponse | null) => (value === null ? '—' : money(value));
  return {
    earmark: figures.earmark ?? '',
    label: generatedLabel('label', figures.label),
    announced: m(figures.announced),
    agreed: m(figures.agreed),
    conditional: m(figures.conditional),
    received: m(figures.received),
    outstandingBooked: m(figures.outstanding.booked),
    revaluation: m(figures.outstanding.revaluation),
    outstandingCurrent: m(figures.outstanding.current),
    writtenOff: m(figures.writtenOff),
    committed: m(figures.committed),
    disbursed: m(figures.disbursed),
    available: m(figures.available),
  };
}
