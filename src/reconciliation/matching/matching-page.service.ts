import { Injectable } from '@nestjs/common';
import { Actor } from '../../common/actor';
import { DonorsService } from '../../donors/donors.service';
import { AppError } from '../../common/errors/app-error';
import { field, validated } from '../../web/page-forms';
import { FormBody, PageResult } from '../../web/page-response';
import { Viewer, ViewRenderer } from '../../web/view-renderer';
import {
  ConfirmLineRequest,
  CreateReceiptFromLineRequest,
  LINE_STATUSES,
  ListLinesQuery,
  LineStatus,
  NotContributionRequest,
  RejectSuggestionRequest,
} from './dto/matching.dto';
import { LinesResponse, MatchingService } from './matching.service';

const QUEUE_LABELS: Record<LineStatus, string> = {
  unmatched: 'Unmatched',
  matched: 'Matched',
  'not-contribution': 'Not a contribution',
};
/** The donors offered in the create-receipt form's select, as on the receipt form. */
const DONOR_CHOICES = 200;
const ACTIONS = ['confirm', 'reject', 'not-contribution', 'create-receipt'] as const;
const DONE: Record<string, string> = {
  confirm: 'Match confirmed.',
  reject: 'Suggestion rejected: it will not be suggested again.',
  'not-contribution': 'Line posted as not a contribution.',
  'create-receipt': 'Receipt recorded from the line and matched to it.',
  approval: 'The difference is beyond the tolerance: the match awaits approval.',
};

/** The workbench: lines of a bank account by queue, suggestions with reasons, open receipts. */
@Injectable()
export class MatchingPageService {
  constructor(
    private readonly matching: MatchingService,
    private readonly donors: DonorsService,
    private readonly views: ViewRenderer,
  ) {}

  async workbench(query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const accounts = await this.matching.accounts();
    const code = typeof query.bankAccount === 'string' ? query.bankAccount : accounts[0]?.code;
    const fund =
      typeof query.fund === 'string' ? query.fund : (accounts[0]?.fund_code ?? 'WSIS-TF');
    const status = LINE_STATUSES.find((s) => s === query.status) ?? 'unmatched';
    let data: LinesResponse | null = null;
    let error = typeof query.error === 'string' ? query.error : null;
    if (code !== undefined) {
      try {
        const request = await validated(ListLinesQuery, { fund, bankAccount: code, status });
        data = await this.matching.lines(viewer.actor as Actor, request);
      } catch (caught) {
        if (!(caught instanceof AppError)) throw caught;
        error = caught.detail;
      }
    }
    const canAct = (viewer.actor?.roles ?? []).includes('finance_officer');
    const donors =
      canAct && status === 'unmatched' && (data?.lines.length ?? 0) > 0
        ? (await this.donors.list(viewer.actor as Actor, { limit: DONOR_CHOICES, offset: 0 })).items
        : [];
    const back = (s: LineStatus) =>
      `/bank-reconciliation?fund=${encodeURIComponent(fund)}&bankAccount=${encodeURIComponent(code ?? '')}&status=${s}`;
    return this.views.render(
      'matching-workbench',
      {
        title: 'Reconciliation workbench',
        active: 'bank-reconciliation',
        error,
        notice: typeof query.done === 'string' ? (DONE[query.done] ?? null) : null,
        noAccounts: accounts.length === 0,
        fund,
        accountOptions: accounts.map((a) => ({
          value: a.code,
          label: `${a.fund_code} · ${a.code} (${a.currency})`,
          selected: a.code === code,
        })),
        queues: LINE_STATUSES.map((s) => ({
          href: back(s),
          label: QUEUE_LABELS[s],
          count: data?.counts[s] ?? 0,
          current: s === status,
        })),
        queueLabel: QUEUE_LABELS[status],
        canAct: canAct && status === 'unmatched',
        lines: (data?.lines ?? []).map((line) => ({
          ...line,
          valueDate: line.valueDate ?? line.bookingDate,
          counterpartyName: line.counterpartyName ?? '',
          remittanceText: line.remittanceText ?? '',
          bankReference: line.bankReference ?? '',
          credit: !line.amount.startsWith('-'),
          confirmHref: `/bank-reconciliation/lines/${line.id}/confirm`,
          rejectHref: `/bank-reconciliation/lines/${line.id}/reject`,
          notContributionHref: `/bank-reconciliation/lines/${line.id}/not-contribution`,
          createReceiptHref: `/bank-reconciliation/lines/${line.id}/create-receipt`,
          suggestions: line.suggestions.map((s) => ({
            ...s,
            single: s.receipts.length === 1 && s.lineIds.length === 1,
            firstReceipt: s.receipts[0]?.id ?? '',
            receiptIds: s.receipts.map((r) => r.id).join(','),
            receiptLabel: s.receipts.map((r) => `${r.number} (${r.amount})`).join(' + '),
            scoreText: s.score.toFixed(2),
          })),
          matches: line.matches.map((m) => ({
            ...m,
            receiptNumber: m.receiptNumber ?? '',
            classification: m.classification ?? '',
          })),
        })),
        receipts:
          data?.openReceipts.map((r) => ({ ...r, donor: r.donor ?? r.remitterName ?? '—' })) ?? [],
        currency: data?.currency ?? '',
        donorOptions: donors.map((donor) => ({ value: donor.id, label: donor.name })),
        returnTo: back(status),
      },
      viewer,
    );
  }

  async act(id: string, action: string, body: FormBody, viewer: Viewer): Promise<PageResult> {
    const returnTo = field(body, 'returnTo').startsWith('/bank-reconciliation')
      ? field(body, 'returnTo')
      : '/bank-reconciliation';
    const actor = viewer.actor as Actor;
    const join = (extra: string) => `${returnTo}${returnTo.includes('?') ? '&' : '?'}${extra}`;
    try {
      if (!(ACTIONS as readonly string[]).includes(action)) {
        return { redirect: join(`error=${encodeURIComponent('Unknown action')}`) };
      }
      let status = 200;
      if (action === 'confirm') {
        const request = await validated(ConfirmLineRequest, {
          receiptIds: field(body, 'receiptIds')
            .split(',')
            .filter((s) => s !== ''),
        });
        status = (await this.matching.confirm(actor, id, request, undefined)).status;
      } else if (action === 'reject') {
        const request = await validated(RejectSuggestionRequest, {
          receiptId: field(body, 'receiptId'),
        });
        await this.matching.reject(actor, id, request, undefined);
      } else if (action === 'not-contribution') {
        const request = await validated(NotContributionRequest, {
          classification: field(body, 'classification'),
          account: field(body, 'account'),
          description: field(body, 'description'),
        });
        await this.matching.notContribution(actor, id, request, undefined);
      } else {
        const donorId = field(body, 'donorId').trim();
        const request = await validated(CreateReceiptFromLineRequest, {
          ...(donorId === '' ? {} : { donorId, allocation: 'auto' }),
        });
        await this.matching.createReceipt(actor, id, request, undefined);
      }
      return { redirect: join(`done=${status === 202 ? 'approval' : action}`) };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return { redirect: join(`error=${encodeURIComponent(error.detail)}`) };
    }
  }
}
