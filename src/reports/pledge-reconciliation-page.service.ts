import { Injectable } from '@nestjs/common';
import { todayUtc } from '../common/calendar-date';
import { AppError } from '../common/errors/app-error';
import { createValidationPipe } from '../common/validation';
import { DonorsService } from '../donors/donors.service';
import { FundsService } from '../funds/funds.service';
import { MoneyResponse } from '../ledger/dto/journal.dto';
import { money } from '../pledges/pledges-page.service';
import { uiText } from '../web/ui-i18n';
import { Viewer, ViewRenderer } from '../web/view-renderer';
import {
  CurrencyFiguresResponse,
  PledgeReconciliationLineResponse,
  PledgeReconciliationQuery,
  PledgeReconciliationResponse,
  ReconciliationStage,
  ReconciliationSubtotalResponse,
} from './dto/pledge-reconciliation.dto';
import { DEFAULT_FUND, PledgeReconciliationService } from './pledge-reconciliation.service';

const DONOR_CHOICES = 200;
const PAGE_PATH = '/reports/pledge-reconciliation';
const API_PATH = '/api/v1/reports/pledge-reconciliation';

function stageLabel(stage: ReconciliationStage): string {
  return uiText(`pledges.reconciliation.stages.${stage}`);
}

/** The report's page: the same figures as the API, with an as-of date and a link to the CSV. */
@Injectable()
export class PledgeReconciliationPageService {
  constructor(
    private readonly reports: PledgeReconciliationService,
    private readonly funds: FundsService,
    private readonly donors: DonorsService,
    private readonly views: ViewRenderer,
  ) {}

  async page(query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const raw: Record<string, string> = {};
    for (const name of ['fund', 'asOf', 'donorId']) {
      const value = query[name];
      if (typeof value === 'string' && value.trim() !== '') raw[name] = value.trim();
    }
    let error: string | null = null;
    let report: PledgeReconciliationResponse | null = null;
    try {
      const parsed = (await createValidationPipe().transform(raw, {
        type: 'query',
        metatype: PledgeReconciliationQuery,
      })) as PledgeReconciliationQuery;
      report = await this.reports.report(viewer.actor!, parsed);
    } catch (caught) {
      if (!(caught instanceof AppError) || caught.status !== 422) throw caught;
      error = caught.detail;
    }
    const [funds, donors] = await Promise.all([
      this.funds.list(),
      this.donors.list(viewer.actor!, { limit: DONOR_CHOICES, offset: 0 }),
    ]);
    const fund = report?.fund ?? raw.fund ?? DEFAULT_FUND;
    const asOf = report?.asOf ?? raw.asOf ?? todayUtc();
    const csv = new URLSearchParams({
      fund,
      asOf,
      ...(raw.donorId ? { donorId: raw.donorId } : {}),
    });
    csv.set('format', 'csv');
    return this.views.render(
      'pledge-reconciliation',
      {
        title: uiText('pledges.reconciliation.title'),
        active: 'reports',
        error: error === null ? null : uiText('pledges.reconciliation.error', { detail: error }),
        asOf,
        fund,
        fundOptions: funds.map((f) => ({
          value: f.code,
          label: `${f.code} — ${f.name}`,
          selected: f.code === fund,
        })),
        donorOptions: donors.items.map((donor) => ({
          value: donor.id,
          label: donor.name,
          selected: donor.id === raw.donorId,
        })),
        csvHref: `${API_PATH}?${csv.toString()}`,
        clearHref: PAGE_PATH,
        report: report === null ? null : toView(report),
      },
      viewer,
    );
  }
}

function toView(report: PledgeReconciliationResponse): Record<string, unknown> {
  return {
    fund: report.fund,
    asOf: report.asOf,
    functionalCurrency: report.functionalCurrency,
    empty: report.donors.length === 0,
    donors: report.donors.map((donor) => ({
      id: donor.donor.id,
      name: donor.donor.name,
      href: `/donors/${donor.donor.id}`,
      pledges: donor.pledges.map(pledgeRow),
      subtotal: subtotalView(donor.subtotal),
    })),
    total: subtotalView(report.total),
  };
}

function pledgeRow(pledge: PledgeReconciliationLineResponse): Record<string, unknown> {
  return {
    ...figures(pledge),
    id: pledge.pledgeId,
    href: `/pledges/${pledge.pledgeId}`,
    reference: pledge.reference,
    earmark: pledge.earmark,
    stage: pledge.stage,
    stageLabel: stageLabel(pledge.stage),
    memo: pledge.memo,
    reconciles: pledge.reconciles,
    allocations: pledge.allocations.map((allocation) => ({
      receiptNumber: allocation.receiptNumber,
      valueDate: allocation.valueDate,
      allocatedOn: allocation.allocatedOn,
      instalment: allocation.instalment,
      amount: money(allocation.amount),
      pledgeAmount: money(allocation.pledgeAmount),
      value: money(allocation.value),
      relieved: money(allocation.relieved),
      fx: money(allocation.fx),
      mark: allocation.reversal
        ? uiText('pledges.reconciliation.marks.reversal')
        : allocation.reversed
          ? uiText('pledges.reconciliation.marks.reversed')
          : null,
    })),
  };
}

function figures(line: CurrencyFiguresResponse): Record<string, unknown> {
  return {
    currency: line.currency,
    pledged: money(line.pledged),
    pledgedFunctional: money(line.pledgedFunctional),
    received: money(line.received),
    receivedInReceiptCurrencies: list(line.receivedInReceiptCurrencies),
    receivedFunctional: money(line.receivedFunctional),
    relievedFunctional: money(line.relievedFunctional),
    fxFunctional: money(line.fxFunctional),
    writtenOff: money(line.writtenOff),
    writtenOffFunctional: money(line.writtenOffFunctional),
    cancelled: money(line.cancelled),
    cancelledFunctional: money(line.cancelledFunctional),
    adjusted: money(line.adjusted),
    adjustedFunctional: money(line.adjustedFunctional),
    outstanding: money(line.outstanding),
    outstandingFunctional: money(line.outstandingFunctional),
    announced: isZero(line.announced) ? null : money(line.announced),
  };
}

function subtotalView(subtotal: ReconciliationSubtotalResponse): Record<string, unknown> {
  const f = subtotal.functional;
  return {
    pledges: subtotal.pledges,
    reconciles: subtotal.reconciles,
    byCurrency: subtotal.byCurrency.map(figures),
    functional: {
      pledged: money(f.pledged),
      received: money(f.received),
      relieved: money(f.relieved),
      fx: money(f.fx),
      writtenOff: money(f.writtenOff),
      cancelled: money(f.cancelled),
      adjusted: money(f.adjusted),
      outstanding: money(f.outstanding),
    },
    receivedInReceiptCurrencies: list(subtotal.receivedInReceiptCurrencies),
  };
}

function list(amounts: readonly MoneyResponse[]): string {
  return amounts.map(money).join('; ');
}

function isZero(value: MoneyResponse): boolean {
  return /^-?0+(\.0+)?$/.test(value.amount);
}
