import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { BankAccountResponse } from '../../bank-accounts/dto/bank-account.dto';
import { BankAccountsService } from '../../bank-accounts/bank-accounts.service';
import { todayUtc } from '../../common/calendar-date';
import { AppError } from '../../common/errors/app-error';
import { FieldError } from '../../common/errors/problem';
import { DonorsService } from '../../donors/donors.service';
import { JournalEntryResponse, MoneyResponse } from '../../ledger/dto/journal.dto';
import { Money } from '../../money/money';
import { money } from '../../pledges/pledges-page.service';
import { FormBody, pageLinks, PageResult } from '../../web/page-response';
import { Viewer, ViewRenderer } from '../../web/view-renderer';
import {
  AllocateReceiptRequest,
  AssignDonorRequest,
  ListReceiptsQuery,
  OpenInstalmentResponse,
  ReceiptResponse,
  ReceiptStatus,
  ReceiptSummaryResponse,
  RecordReceiptRequest,
  RefundReceiptRequest,
  ReverseReceiptRequest,
} from '../dto/receipt.dto';
import { ReceiptCorrectionsService } from '../receipt-corrections.service';
import { ReceiptsService } from '../receipts.service';
import { field, formKey, isFormRefusal, validated, validatedWith } from '../../web/page-forms';
import { formatNumber, hasUiText, readAmount, uiText } from '../../web/ui-i18n';
import { messageOf, pageCheck } from './page-messages';

const PAGE_SIZE = 25;
const DONOR_CHOICES = 200;
const WRITERS = ['finance_officer'];

/** A receipt's status in the interface's language (receipts.status.*), the code if unknown. */
export function receiptStatusLabel(status: ReceiptStatus): string {
  const key = `receipts.status.${status}`;
  return hasUiText(key) ? uiText(key) : status;
}

/** The list's tabs: every receipt, and the two queues an officer works through. */
const QUEUES = ['', 'unapplied', 'unidentified'] as const;

/** A label of the interface chosen at run time (an event, a notice), or `fallback` without one. */
function textOr(key: string, fallback: string): string {
  return hasUiText(key) ? uiText(key) : fallback;
}

/** The detail page's forms that ask another person's approval. */
export const RECEIPT_ACTIONS = ['refund', 'reversal'] as const;
export type ReceiptAction = (typeof RECEIPT_ACTIONS)[number];

interface ReceiptForm {
  /** `FUND/CODE` of the bank account: codes are unique per fund only. */
  account: string;
  valueDate: string;
  currency: string;
  grossAmount: string;
  bankCharges: string;
  donorId: string;
  remitterName: string;
  remittanceText: string;
  bankReference: string;
  allocation: 'auto' | 'none';
}

interface AllocateRow {
  pledgeId: string;
  instalment: string;
  amount: string;
}

interface AllocateForm {
  date: string;
  rows: AllocateRow[];
  /** The box "I confirm the allocation" ticked. */
  confirm: boolean;
}

type ActionValues = Record<string, string | boolean>;

interface ActionState {
  action: ReceiptAction;
  values: ActionValues;
  errors: Record<string, string>;
  formError: string | null;
}

interface PageErrors {
  fields: Record<string, string>;
  summary: { href: string; message: string }[];
}

/**
 * The officers' receipt pages: the list with its queues (unapplied, unidentified), the form that
 * records a receipt, its page with the allocations, events and entries, the allocation page and
 * the donor assignment of an unidentified receipt. Every form goes through the API's validation
 * and ReceiptsService, so a page can do nothing the API would refuse.
 */
@Injectable()
export class ReceiptsPageService {
  constructor(
    private readonly receipts: ReceiptsService,
    private readonly corrections: ReceiptCorrectionsService,
    private readonly donors: DonorsService,
    private readonly bankAccounts: BankAccountsService,
    private readonly views: ViewRenderer,
  ) {}

  async list(query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const raw: Record<string, string> = {};
    for (const name of ['queue', 'fund', 'bankAccount', 'donorId', 'from', 'to', 'offset']) {
      const value = query[name];
      if (typeof value === 'string' && value.trim() !== '') raw[name] = value.trim();
    }
    let error: string | null = null;
    let parsed: ListReceiptsQuery = {};
    try {
      parsed = await validated(ListReceiptsQuery, raw);
    } catch (caught) {
      if (!(caught instanceof AppError) || caught.status !== 422) throw caught;
      error = caught.detail;
    }
    const offset = parsed.offset ?? 0;
    let result = { items: [] as ReceiptSummaryResponse[], total: 0 };
    if (error === null) {
      try {
        result = await this.receipts.list(viewer.actor!, { ...parsed, limit: PAGE_SIZE, offset });
      } catch (caught) {
        if (!(caught instanceof AppError) || caught.status !== 422) throw caught;
        error = caught.detail;
      }
    }
    const href = (changes: Record<string, string | null>): string => {
      const params = new URLSearchParams(Object.entries(raw).filter(([name]) => name !== 'offset'));
      for (const [name, value] of Object.entries(changes)) {
        if (value === null || value === '' || (name === 'offset' && value === '0')) {
          params.delete(name);
        } else params.set(name, value);
      }
      const search = params.toString();
      return search === '' ? '/receipts' : `/receipts?${search}`;
    };
    const accounts = (await this.bankAccounts.find({})).items;
    const queue = raw.queue ?? '';
    return this.views.render(
      'receipts',
      {
        title: uiText('receipts.list.title'),
        active: 'receipts',
        error,
        tabs: QUEUES.map((tab) => ({
          label: uiText(`receipts.list.queues.${tab === '' ? 'all' : tab}`),
          queue: tab === '' ? 'all' : tab,
          href: href({ queue: tab }),
          current: tab === queue,
        })),
        queue,
        bankAccountOptions: accounts.map((account) => ({
          value: account.code,
          label: `${account.code} — ${account.name} (${account.currency})`,
          selected: account.code === raw.bankAccount,
        })),
        filter: { from: raw.from ?? '', to: raw.to ?? '' },
        clearHref: href({ bankAccount: null, from: null, to: null, donorId: null, fund: null }),
        receipts: result.items.map(toRow),
        ...pageLinks(result, offset, PAGE_SIZE, (next) => href({ offset: String(next) })),
        canCreate: mayWrite(viewer),
      },
      viewer,
    );
  }

  async newForm(query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const accounts = (await this.bankAccounts.find({})).items;
    const only = accounts.length === 1 ? accounts[0] : undefined;
    const form: ReceiptForm = {
      account: only === undefined ? '' : accountValue(only),
      valueDate: todayUtc(),
      currency: only?.currency ?? '',
      grossAmount: '',
      bankCharges: '',
      donorId: typeof query.donorId === 'string' ? query.donorId : '',
      remitterName: '',
      remittanceText: '',
      bankReference: '',
      allocation: 'auto',
    };
    return this.renderForm(form, accounts, [], null, viewer);
  }

  async record(body: FormBody, viewer: Viewer): Promise<PageResult> {
    const accounts = (await this.bankAccounts.find({})).items;
    const form = readReceiptForm(body);
    const chosen = accounts.find((account) => accountValue(account) === form.account);
    // The currency is the bank account's: left empty, it is taken from the account chosen.
    if (form.currency === '' && chosen !== undefined) form.currency = chosen.currency;
    const extra: FieldError[] = [];
    if (form.account === '') {
      extra.push(pageCheck('bankAccount', 'required', uiText('receipts.form.accountRequired')));
    }
    const request = toRecordRequest(form);
    try {
      const valid = await validatedWith(RecordReceiptRequest, request, extra);
      const result = await this.receipts.record(
        viewer.actor!,
        valid,
        formKey(body, '/receipts', request),
      );
      return { redirect: `/receipts/${result.body.id}?done=recorded` };
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      const errors = error.errors ?? [];
      const html = await this.renderForm(
        form,
        accounts,
        errors,
        errors.length > 0 ? null : error.detail,
        viewer,
      );
      // A donor or account that is not there is a mistake in the form, not a missing page.
      return { status: error.status === 404 ? 422 : error.status, html };
    }
  }

  async detail(id: string, query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const receipt = await this.receipts.get(viewer.actor!, id);
    return this.renderDetail(receipt, viewer, { query });
  }

  /** Refund or reversal: asks for a second person's approval; refused, the form comes back filled. */
  async act(
    id: string,
    action: ReceiptAction,
    body: FormBody,
    viewer: Viewer,
  ): Promise<PageResult> {
    const values: ActionValues = {
      date: field(body, 'date').trim(),
      reason: field(body, 'reason').trim(),
      confirm: body.confirm !== undefined,
      ...(action === 'refund' ? { amount: field(body, 'amount').trim() } : {}),
    };
    const extra: FieldError[] =
      values.confirm === true
        ? []
        : [pageCheck('confirm', 'confirmed', uiText('receipts.confirmMissing'))];
    const path = `/receipts/${id}/${action}`;
    const actor = viewer.actor!;
    try {
      let approvalId: string;
      if (action === 'refund') {
        // The amount as typed in the user's language ("1 234,50" in French), read for the API.
        const request = {
          amount: readAmount(String(values.amount)),
          date: values.date,
          reason: values.reason,
        };
        const valid = await validatedWith(RefundReceiptRequest, request, extra);
        const result = await this.corrections.requestRefund(
          actor,
          id,
          valid,
          formKey(body, path, request),
        );
        approvalId = result.body.id;
      } else {
        const request = { date: values.date, reason: values.reason };
        const valid = await validatedWith(ReverseReceiptRequest, request, extra);
        const result = await this.corrections.requestReversal(
          actor,
          id,
          valid,
          formKey(body, path, request),
        );
        approvalId = result.body.id;
      }
      return {
        redirect: `/receipts/${id}?done=${action}&approval=${encodeURIComponent(approvalId)}`,
      };
    } catch (error) {
      if (!isFormRefusal(error)) throw error;
      const receipt = await this.receipts.get(actor, id);
      const state: ActionState = {
        action,
        values,
        errors: fieldMessages(error.errors ?? []),
        formError: error.errors?.length ? null : error.detail,
      };
      return { status: error.status, html: this.renderDetail(receipt, viewer, { state }) };
    }
  }

  async allocateForm(id: string, viewer: Viewer): Promise<string> {
    const actor = viewer.actor!;
    const receipt = await this.receipts.get(actor, id);
    const open = await this.openInstalments(receipt, viewer);
    return this.renderAllocate(
      receipt,
      open,
      { date: todayUtc(), rows: [], confirm: false },
      viewer,
      {},
    );
  }

  /**
   * "Allocate" applies the amounts typed against instalments (in each pledge's currency);
   * "Allocate oldest due first" leaves the choice to the service. Empty rows are ignored.
   */
  async allocate(id: string, body: FormBody, viewer: Viewer): Promise<PageResult> {
    const actor = viewer.actor!;
    const form = readAllocateForm(body);
    const intent = field(body, 'intent');
    // "Work out what is left" (without script): the page again with the figure, nothing written.
    if (intent === 'check') {
      const receipt = await this.receipts.get(actor, id);
      const open = await this.openInstalments(receipt, viewer);
      return { status: 200, html: this.renderAllocate(receipt, open, form, viewer, {}) };
    }
    const auto = intent === 'auto';
    const request: Record<string, unknown> = {};
    if (form.date !== '') request.date = form.date;
    // An allocation is posted to the ledger: only a reversal of the receipt undoes it.
    const extra: FieldError[] = form.confirm
      ? []
      : [pageCheck('confirm', 'confirmed', uiText('receipts.allocate.confirmMissing'))];
    // Which typed row each allocation of the request came from, to put its errors beside it.
    const keys: string[] = [];
    if (auto) {
      request.allocation = 'auto';
    } else {
      const filled = form.rows.filter((row) => row.amount !== '');
      if (filled.length === 0) {
        extra.push(
          pageCheck('allocations', 'required', uiText('receipts.allocate.amountsRequired')),
        );
      } else {
        request.allocations = filled.map((row) => {
          keys.push(rowKey(row.pledgeId, row.instalment));
          return {
            pledgeId: row.pledgeId,
            instalment: /^\d{1,6}$/.test(row.instalment) ? Number(row.instalment) : row.instalment,
            amount: readAmount(row.amount),
          };
        });
      }
    }
    try {
      const valid = await validatedWith(AllocateReceiptRequest, request, extra);
      await this.receipts.allocate(
        actor,
        id,
        valid,
        formKey(body, `/receipts/${id}/allocate`, request),
      );
      return { redirect: `/receipts/${id}?done=allocated` };
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      // The receipt itself missing is a 404 page; a pledge that is not there is the form's error.
      const receipt = await this.receipts.get(actor, id);
      const open = await this.openInstalments(receipt, viewer);
      const html = this.renderAllocate(receipt, open, form, viewer, {
        errors: error.errors ?? [],
        keys,
        formError: error.errors?.length ? null : error.detail,
      });
      return { status: error.status === 404 ? 422 : error.status, html };
    }
  }

  /** The figure under the amounts, worked out again as they are typed (htmx swaps it in). */
  async leftToAllocate(id: string, body: FormBody, viewer: Viewer): Promise<string> {
    const receipt = await this.receipts.get(viewer.actor!, id);
    const open = await this.openInstalments(receipt, viewer);
    return this.views.renderPartial(
      'receipt-left',
      leftFigure(receipt.unapplied, open, readAllocateForm(body).rows),
    );
  }

  async donorForm(id: string, viewer: Viewer): Promise<string> {
    const receipt = await this.receipts.get(viewer.actor!, id);
    return this.renderDonor(
      receipt,
      { donorId: '', date: todayUtc(), confirm: false },
      viewer,
      [],
      null,
    );
  }

  async assignDonor(id: string, body: FormBody, viewer: Viewer): Promise<PageResult> {
    const actor = viewer.actor!;
    const form = {
      donorId: field(body, 'donorId').trim(),
      date: field(body, 'date').trim(),
      confirm: body.confirm !== undefined,
    };
    const extra: FieldError[] = [];
    if (form.donorId === '') {
      extra.push(pageCheck('donorId', 'required', uiText('receipts.donor.required')));
    }
    // The assignment is posted to the ledger (suspense to the donor's credit).
    if (!form.confirm) {
      extra.push(pageCheck('confirm', 'confirmed', uiText('receipts.donor.confirmMissing')));
    }
    const request: Record<string, unknown> = { donorId: form.donorId };
    if (form.date !== '') request.date = form.date;
    try {
      const valid = await validatedWith(AssignDonorRequest, request, extra);
      await this.receipts.assignDonor(
        actor,
        id,
        valid,
        formKey(body, `/receipts/${id}/donor`, request),
      );
      return { redirect: `/receipts/${id}?done=donor` };
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      const receipt = await this.receipts.get(actor, id);
      const errors = error.errors ?? [];
      const html = await this.renderDonor(
        receipt,
        form,
        viewer,
        errors,
        errors.length > 0 ? null : error.detail,
      );
      return { status: error.status === 404 ? 422 : error.status, html };
    }
  }

  /** Open instalments of the receipt's donor; none for an unidentified or spent receipt. */
  private async openInstalments(
    receipt: ReceiptResponse,
    viewer: Viewer,
  ): Promise<OpenInstalmentResponse[]> {
    if (receipt.donor === null || receipt.status === 'reversed') return [];
    return this.receipts.openInstalments(viewer.actor!, receipt.id);
  }

  private async renderForm(
    form: ReceiptForm,
    accounts: BankAccountResponse[],
    errors: readonly FieldError[],
    formError: string | null,
    viewer: Viewer,
  ): Promise<string> {
    const donors = await this.donors.list(viewer.actor!, { limit: DONOR_CHOICES, offset: 0 });
    const placed = placeErrors(errors, receiptFormField);
    const funds = [...new Set(accounts.map((account) => account.fund))];
    return this.views.render(
      'receipt-form',
      {
        title: uiText('receipts.list.record'),
        active: 'receipts',
        formError,
        errorSummary: placed.summary,
        errors: placed.fields,
        form: { ...form, auto: form.allocation === 'auto' },
        accountGroups: funds.map((fund) => ({
          label: fund,
          accounts: accounts
            .filter((account) => account.fund === fund)
            .map((account) => ({
              value: accountValue(account),
              label: `${account.code} — ${account.name} (${account.currency})`,
              selected: accountValue(account) === form.account,
            })),
        })),
        noAccounts: accounts.length === 0,
        donorOptions: donors.items.map((donor) => ({
          value: donor.id,
          label: donor.name,
          selected: donor.id === form.donorId,
        })),
        formKey: randomUUID(),
      },
      viewer,
    );
  }

  private renderDetail(
    receipt: ReceiptResponse,
    viewer: Viewer,
    options: { query?: Record<string, unknown>; state?: ActionState },
  ): string {
    const done = typeof options.query?.done === 'string' ? options.query.done : '';
    const approval = typeof options.query?.approval === 'string' ? options.query.approval : '';
    const pending =
      done === 'refund' || done === 'reversal'
        ? {
            sent: uiText(`receipts.detail.pending.${done}${approval === '' ? 'NoId' : ''}`, {
              id: approval,
            }),
          }
        : null;
    const state = options.state;
    const today = todayUtc();
    const formOf = (action: ReceiptAction, defaults: ActionValues): Record<string, unknown> => {
      const mine = state?.action === action ? state : undefined;
      const errors = mine?.errors ?? {};
      return {
        values: { ...defaults, ...(mine?.values ?? {}) },
        errors,
        // At the top of the form, each linking to its field (`refund-amount`, `reversal-date` …).
        summary: Object.entries(errors).map(([name, message]) => ({
          href: `#${action}-${name}`,
          message,
        })),
        formError: mine?.formError ?? null,
        open: mine !== undefined,
      };
    };
    const entries = new Map(receipt.entries.map((entry) => [entry.id, entry]));
    const entryLink = (entryId: string | null) => {
      const entry = entryId === null ? undefined : entries.get(entryId);
      return entry === undefined ? null : { number: entry.number, href: `#entry-${entry.id}` };
    };
    const reversed = receipt.status === 'reversed';
    const hasUnapplied = isPositive(receipt.unapplied);
    const canWrite = mayWrite(viewer);
    const reversedIds = new Set(
      receipt.allocations
        .map((allocation) => allocation.reversesAllocationId)
        .filter((reverses): reverses is string => reverses !== null),
    );
    return this.views.render(
      'receipt',
      {
        title: uiText('receipts.detail.title', { number: receipt.number }),
        active: 'receipts',
        notice: done === '' ? null : textOr(`receipts.detail.notices.${done}`, '') || null,
        pending,
        receipt: {
          ...toRow(receipt),
          fund: receipt.fund,
          bankAccount: receipt.bankAccount,
          net: money(receipt.net),
          grossFunctional: money(receipt.grossFunctional),
          rate: receipt.rate,
          sameCurrency: receipt.gross.currency === receipt.grossFunctional.currency,
          remittanceText: receipt.remittanceText,
          bankReference: receipt.bankReference,
          unappliedFunctional: money(receipt.unappliedFunctional),
          refunded: money(receipt.refunded),
          hasRefunds: isPositive(receipt.refunded),
          suspense: receipt.donor === null,
          entry: entryLink(receipt.entryId),
          createdBy: receipt.createdBy,
          createdAt: receipt.createdAt,
        },
        allocations: receipt.allocations.map((allocation) => ({
          pledgeReference: allocation.pledgeReference,
          pledgeHref: `/pledges/${allocation.pledgeId}`,
          instalment: allocation.instalment,
          allocatedOn: allocation.allocatedOn,
          amount: money(allocation.amount),
          pledgeAmount:
            allocation.pledgeAmount.currency === allocation.amount.currency
              ? null
              : money(allocation.pledgeAmount),
          value: money(allocation.value),
          relieved: money(allocation.relieved),
          fx: money(allocation.fx),
          fxLabel: fxLabel(allocation.fx),
          entry: entryLink(allocation.entryId),
          reversal: allocation.reversesAllocationId !== null,
          reversed: reversedIds.has(allocation.id),
        })),
        events: receipt.events.map((event) => ({
          kind: event.kind,
          label: textOr(`receipts.detail.events.${event.kind}`, event.kind),
          on: event.on,
          amount: event.amount === null ? null : money(event.amount),
          donor:
            event.donorId === null
              ? null
              : {
                  name: receipt.donor?.id === event.donorId ? receipt.donor.name : event.donorId,
                  href: `/donors/${event.donorId}`,
                },
          reason: event.reason,
          approvalId: event.approvalId,
          entry: entryLink(event.entryId),
          reversingEntries:
            event.kind === 'reversed'
              ? receipt.entries
                  .filter((entry) => entry.reversesEntryId !== null)
                  .map((entry) => ({ number: entry.number, href: `#entry-${entry.id}` }))
              : [],
          actor: event.actor,
          at: event.at,
        })),
        entries: receipt.entries.map((entry) => toEntry(entry, entries)),
        canWrite,
        allocateHref:
          canWrite && !reversed && receipt.donor !== null && hasUnapplied
            ? `/receipts/${receipt.id}/allocate`
            : null,
        donorHref:
          canWrite && !reversed && receipt.donor === null ? `/receipts/${receipt.id}/donor` : null,
        acknowledgementHref:
          canWrite && !reversed && receipt.donor !== null
            ? `/acknowledgements/new?receiptId=${receipt.id}`
            : null,
        actions: {
          refund:
            canWrite && !reversed && receipt.donor !== null && hasUnapplied
              ? formOf('refund', {
                  // What is left, as the user's language writes it ("1 234,50" in French).
                  amount: formatNumber(receipt.unapplied.amount),
                  date: today,
                  reason: '',
                  confirm: false,
                })
              : null,
          reversal:
            canWrite && !reversed
              ? formOf('reversal', { date: today, reason: '', confirm: false })
              : null,
        },
        currency: receipt.gross.currency,
        formKey: randomUUID(),
      },
      viewer,
    );
  }

  private renderAllocate(
    receipt: ReceiptResponse,
    open: OpenInstalmentResponse[],
    form: AllocateForm,
    viewer: Viewer,
    options: { errors?: readonly FieldError[]; keys?: string[]; formError?: string | null },
  ): string {
    const typed = new Map(
      form.rows.map((row) => [rowKey(row.pledgeId, row.instalment), row.amount]),
    );
    // Instalments the remittance text names first: they are what the donor says it pays.
    const ordered = [...open.filter((row) => row.named), ...open.filter((row) => !row.named)];
    const indexOf = new Map(
      ordered.map((row, index) => [rowKey(row.pledgeId, String(row.instalment)), index]),
    );
    const rowErrors = new Map<number, string>();
    const fields: Record<string, string> = {};
    const summary: { href: string; message: string }[] = [];
    for (const error of options.errors ?? []) {
      const reason = groupAmounts(messageOf(error));
      const match = /^allocations\[(\d+)\](?:\.(\w+))?$/.exec(error.field);
      const key = match === null ? undefined : options.keys?.[Number(match[1])];
      const index = key === undefined ? undefined : indexOf.get(key);
      if (index !== undefined) {
        const row = ordered[index];
        if (!rowErrors.has(index)) rowErrors.set(index, reason);
        summary.push({
          href: `#amount-${index}`,
          message: uiText('receipts.allocate.rowError', {
            reference: row.pledgeReference,
            instalment: row.instalment,
            reason,
          }),
        });
        continue;
      }
      const name =
        error.field === 'date' || error.field === 'confirm' ? error.field : 'allocations';
      if (fields[name] === undefined) {
        fields[name] = reason;
        summary.push({ href: `#${name}`, message: reason });
      }
    }
    const left = receipt.unapplied;
    const canAllocate =
      mayWrite(viewer) &&
      receipt.status !== 'reversed' &&
      receipt.donor !== null &&
      isPositive(left);
    return this.views.render(
      'receipt-allocate',
      {
        title: uiText('receipts.allocate.title', { number: receipt.number }),
        active: 'receipts',
        receipt: {
          ...toRow(receipt),
          donorName: receipt.donor?.name ?? '',
          net: money(receipt.net),
          remittanceText: receipt.remittanceText,
        },
        canAllocate,
        left: money(left),
        formError: options.formError ?? null,
        errorSummary: summary,
        errors: fields,
        date: form.date,
        confirm: form.confirm,
        rows: ordered.map((row, index) => ({
          index,
          pledgeId: row.pledgeId,
          pledgeReference: row.pledgeReference,
          pledgeHref: `/pledges/${row.pledgeId}`,
          earmark: row.earmark,
          instalment: row.instalment,
          dueDate: row.dueDate,
          amountDue: money(row.amountDue),
          currency: row.amountDue.currency,
          named: row.named,
          amount: typed.get(rowKey(row.pledgeId, String(row.instalment))) ?? '',
          error: rowErrors.get(index) ?? null,
        })),
        figure: leftFigure(left, open, form.rows),
        formKey: randomUUID(),
      },
      viewer,
    );
  }

  private async renderDonor(
    receipt: ReceiptResponse,
    form: { donorId: string; date: string; confirm: boolean },
    viewer: Viewer,
    errors: readonly FieldError[],
    formError: string | null,
  ): Promise<string> {
    const donors = await this.donors.list(viewer.actor!, { limit: DONOR_CHOICES, offset: 0 });
    const placed = placeErrors(errors, (name) => name);
    return this.views.render(
      'receipt-donor',
      {
        title: uiText('receipts.donor.title', { number: receipt.number }),
        active: 'receipts',
        receipt: { ...toRow(receipt), remittanceText: receipt.remittanceText },
        canAssign: mayWrite(viewer) && receipt.donor === null && receipt.status !== 'reversed',
        formError,
        errorSummary: placed.summary,
        errors: placed.fields,
        form,
        donorOptions: donors.items.map((donor) => ({
          value: donor.id,
          label: donor.name,
          selected: donor.id === form.donorId,
        })),
        formKey: randomUUID(),
      },
      viewer,
    );
  }
}

function mayWrite(viewer: Viewer): boolean {
  return viewer.actor?.roles.some((role) => WRITERS.includes(role)) ?? false;
}

function accountValue(account: BankAccountResponse): string {
  return `${account.fund}/${account.code}`;
}

function rowKey(pledgeId: string, instalment: string): string {
  return `${pledgeId}:${instalment}`;
}

/** More than zero, read exactly (never through a float). */
function isPositive(value: MoneyResponse): boolean {
  return Money.parse(value.amount, value.currency).isPositive();
}

/** "gain" or "loss" beside an allocation's exchange difference, none when there is none. */
function fxLabel(value: MoneyResponse): string | null {
  const amount = Money.parse(value.amount, value.currency);
  const kind = amount.isPositive() ? 'gain' : amount.isNegative() ? 'loss' : null;
  return kind === null ? null : uiText(`receipts.detail.fxKinds.${kind}`);
}

/** "more than is open: CHF 1500.00" → "… CHF 1,500.00", as amounts show elsewhere. */
function groupAmounts(text: string): string {
  return text.replace(/\b([A-Z]{3}) (-?\d+(?:\.\d+)?)\b/g, (_, currency: string, amount: string) =>
    money({ currency, amount }),
  );
}

/**
 * What is left to allocate after the amounts typed so far, in the receipt's currency; amounts of
 * pledges in another currency are listed apart (their worth is known at the value-date rate
 * only when allocated). Only a display: the allocation itself checks everything again.
 */
function leftFigure(
  unapplied: MoneyResponse,
  open: readonly OpenInstalmentResponse[],
  rows: readonly AllocateRow[],
): { text: string; over: boolean; toConvert: string[]; unreadable: number } {
  const currencyOf = new Map(
    open.map((row) => [rowKey(row.pledgeId, String(row.instalment)), row.amountDue.currency]),
  );
  let rest = Money.parse(unapplied.amount, unapplied.currency);
  const other = new Map<string, Money>();
  let unreadable = 0;
  for (const row of rows) {
    const currency = currencyOf.get(rowKey(row.pledgeId, row.instalment));
    if (row.amount === '' || currency === undefined) continue;
    let amount: Money;
    try {
      amount = Money.parse(readAmount(row.amount), currency);
    } catch {
      unreadable++;
      continue;
    }
    if (amount.isNegative()) unreadable++;
    else if (currency === rest.currency) rest = rest.subtract(amount);
    else other.set(currency, (other.get(currency) ?? Money.zero(currency)).add(amount));
  }
  return {
    text: money(rest.toJSON()),
    over: rest.isNegative(),
    toConvert: [...other.values()].map((amount) => money(amount.toJSON())),
    unreadable,
  };
}

function toRow(receipt: ReceiptSummaryResponse): Record<string, unknown> & { id: string } {
  return {
    id: receipt.id,
    href: `/receipts/${receipt.id}`,
    number: receipt.number,
    valueDate: receipt.valueDate,
    bankAccountCode: receipt.bankAccount.code,
    bankAccountName: receipt.bankAccount.name,
    donor:
      receipt.donor === null
        ? null
        : { id: receipt.donor.id, name: receipt.donor.name, href: `/donors/${receipt.donor.id}` },
    remitterName: receipt.remitterName,
    gross: money(receipt.gross),
    charges: money(receipt.charges),
    allocated: money(receipt.allocated),
    unapplied: money(receipt.unapplied),
    status: receipt.status,
    statusLabel: receiptStatusLabel(receipt.status),
  };
}

function toEntry(
  entry: JournalEntryResponse,
  entries: Map<string, JournalEntryResponse>,
): Record<string, unknown> {
  const link = (id: string | null) => {
    const other = id === null ? undefined : entries.get(id);
    return other === undefined ? null : { number: other.number, href: `#entry-${other.id}` };
  };
  return {
    id: entry.id,
    number: entry.number,
    date: entry.date,
    description: entry.description,
    source: entry.source.type,
    reason: entry.reason,
    reverses: link(entry.reversesEntryId),
    reversedBy: link(entry.reversedByEntryId),
    lines: entry.lines.map((line) => ({
      account: `${line.account.code} ${line.account.name}`,
      debit: line.debit === null ? '' : money(line.debit),
      credit: line.credit === null ? '' : money(line.credit),
      functional: money(line.functional),
    })),
  };
}

/** The API's field names → the record form's ids (the account select stands for both). */
function receiptFormField(name: string): string {
  if (name === 'fund' || name === 'bankAccount') return 'account';
  if (name === 'allocation' || name.startsWith('allocations')) return 'allocation';
  return name;
}

/** One message per field beside it, and the list at the top linking to each. */
function placeErrors(errors: readonly FieldError[], toField: (name: string) => string): PageErrors {
  const fields: Record<string, string> = {};
  const summary: { href: string; message: string }[] = [];
  for (const error of errors) {
    const name = toField(error.field);
    if (fields[name] !== undefined) continue;
    fields[name] = groupAmounts(messageOf(error));
    summary.push({ href: `#${name}`, message: fields[name] });
  }
  return { fields, summary };
}

function fieldMessages(errors: readonly FieldError[]): Record<string, string> {
  const messages: Record<string, string> = {};
  for (const error of errors) messages[error.field] ??= groupAmounts(messageOf(error));
  return messages;
}

function readReceiptForm(body: FormBody): ReceiptForm {
  return {
    account: field(body, 'account').trim(),
    valueDate: field(body, 'valueDate').trim(),
    currency: field(body, 'currency').trim().toUpperCase(),
    grossAmount: field(body, 'grossAmount').trim(),
    bankCharges: field(body, 'bankCharges').trim(),
    donorId: field(body, 'donorId').trim(),
    remitterName: field(body, 'remitterName').trim(),
    remittanceText: field(body, 'remittanceText').trim(),
    bankReference: field(body, 'bankReference').trim(),
    allocation: field(body, 'allocation') === 'none' ? 'none' : 'auto',
  };
}

/**
 * The API request the form stands for. Without a donor the receipt is unidentified and goes to
 * suspense: the allocation choice does not apply and is not sent.
 */
function toRecordRequest(form: ReceiptForm): Record<string, unknown> {
  const slash = form.account.indexOf('/');
  const request: Record<string, unknown> = {
    bankAccount: slash < 0 ? form.account : form.account.slice(slash + 1),
    valueDate: form.valueDate,
    currency: form.currency,
    // Amounts as typed in the user's language ("12 345,67" in French), read for the API.
    grossAmount: readAmount(form.grossAmount),
  };
  if (slash > 0) request.fund = form.account.slice(0, slash);
  if (form.bankCharges !== '') request.bankCharges = readAmount(form.bankCharges);
  if (form.donorId !== '') {
    request.donorId = form.donorId;
    request.allocation = form.allocation;
  }
  if (form.remitterName !== '') request.remitterName = form.remitterName;
  if (form.remittanceText !== '') request.remittanceText = form.remittanceText;
  if (form.bankReference !== '') request.bankReference = form.bankReference;
  return request;
}

/** The typed rows of the allocation page: `row-N-pledgeId`, `row-N-instalment`, `row-N-amount`. */
function readAllocateForm(body: FormBody): AllocateForm {
  const rows: AllocateRow[] = [];
  const indexes = Object.keys(body)
    .map((name) => /^row-(\d{1,4})-pledgeId$/.exec(name)?.[1])
    .filter((index): index is string => index !== undefined)
    .sort((a, b) => Number(a) - Number(b));
  for (const index of indexes) {
    rows.push({
      pledgeId: field(body, `row-${index}-pledgeId`).trim(),
      instalment: field(body, `row-${index}-instalment`).trim(),
      amount: field(body, `row-${index}-amount`).trim(),
    });
  }
  return { date: field(body, 'date').trim(), rows, confirm: body.confirm !== undefined };
}
