import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BankAccountsService } from '../../bank-accounts/bank-accounts.service';
import { AppError } from '../../common/errors/app-error';
import { FieldError } from '../../common/errors/problem';
import { DonorsService } from '../../donors/donors.service';
import { FundsService } from '../../funds/funds.service';
import { money } from '../../pledges/pledges-page.service';
import { field, formKey, isFormRefusal, validated, validatedWith } from '../../web/page-forms';
import { FormBody, pageLinks, PageResult } from '../../web/page-response';
import { Viewer, ViewRenderer } from '../../web/view-renderer';
import { hasUiText, readAmount, uiText } from '../../web/ui-i18n';
import { ALLOCATION_MODES } from '../dto/receipt.dto';
import { messageOf, pageCheck } from '../pages/page-messages';
import {
  BATCH_STATUSES,
  BatchStatus,
  CreateReceiptBatchRequest,
  ListReceiptBatchesQuery,
  MAX_BATCH_LINES,
  PostReceiptBatchRequest,
  ReceiptBatchResponse,
  ReceiptBatchSummaryResponse,
  SaveReceiptBatchDraftRequest,
} from './dto/receipt-batch.dto';
import { ReceiptBatchesService } from './receipt-batches.service';

const PAGE_SIZE = 25;
const DONOR_CHOICES = 200;
/** Rows shown on a draft: the lines entered, one empty row, and at least this many in all. */
const MIN_ROWS = 3;
const WRITERS = ['finance_officer'];

const LINE_FIELDS = [
  'valueDate',
  'grossAmount',
  'bankCharges',
  'donorId',
  'remitterName',
  'remittanceText',
  'bankReference',
  'allocation',
] as const;
type LineField = (typeof LINE_FIELDS)[number];
type LineValues = Record<LineField, string>;
/** The line fields typed as amounts, read in the user's language. */
const AMOUNT_FIELDS: ReadonlySet<string> = new Set(['grossAmount', 'bankCharges']);

function statusLabel(status: BatchStatus): string {
  return uiText(`receipts.batches.statuses.${status}`);
}

/** A line's allocation choice: '' is the default (oldest due first for a known donor). */
function allocationLabel(mode: string): string {
  const key = `receipts.batch.allocations.${mode === '' ? 'default' : mode}`;
  return hasUiText(key) ? uiText(key) : mode;
}

function doneNotice(done: string): string | null {
  const key = `receipts.batch.notices.${done}`;
  return done !== '' && hasUiText(key) ? uiText(key) : null;
}

interface DraftForm {
  description: string;
  declaredCount: string;
  declaredTotal: string;
  overrideReason: string;
  /** The box "I confirm posting" ticked (only posting asks for it). */
  confirm: boolean;
  /** The rows typed, empty ones dropped: row i is receipts[i] of the request. */
  rows: LineValues[];
}

interface NewForm {
  account: string;
  description: string;
  declaredCount: string;
  declaredTotal: string;
}

interface Placed {
  fields: Record<string, string>;
  rows: Map<number, Record<string, string>>;
  summary: { href: string; message: string }[];
}

/**
 * The batch-entry pages: the list of drafts and posted batches, the form that opens a batch,
 * and a batch's page, where a draft's receipts are typed in a table, saved and resumed, and
 * posted once they agree with the declared count and total (or with an override). Every form
 * goes through the API's validation and ReceiptBatchesService, as the API does.
 */
@Injectable()
export class ReceiptBatchesPageService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly batches: ReceiptBatchesService,
    private readonly funds: FundsService,
    private readonly bankAccounts: BankAccountsService,
    private readonly donors: DonorsService,
    private readonly views: ViewRenderer,
  ) {}

  async list(query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const status =
      typeof query.status === 'string' &&
      (BATCH_STATUSES as readonly string[]).includes(query.status)
        ? (query.status as BatchStatus)
        : undefined;
    const offsetValue = typeof query.offset === 'string' ? Number(query.offset) : 0;
    const offset = Number.isSafeInteger(offsetValue) && offsetValue > 0 ? offsetValue : 0;
    const request: ListReceiptBatchesQuery = { status, limit: PAGE_SIZE, offset };
    const page = await this.batches.list(viewer.actor!, request);
    const href = (at: number): string => {
      const params = new URLSearchParams();
      if (status !== undefined) params.set('status', status);
      if (at > 0) params.set('offset', String(at));
      const search = params.toString();
      return search === '' ? '/receipts/batches' : `/receipts/batches?${search}`;
    };
    return this.views.render(
      'receipt-batches',
      {
        title: uiText('receipts.batches.title'),
        active: 'receipts',
        statusOptions: BATCH_STATUSES.map((value) => ({
          value,
          label: statusLabel(value),
          selected: value === status,
        })),
        batches: page.items.map(toRow),
        ...pageLinks(page, offset, PAGE_SIZE, href),
        canCreate: mayWrite(viewer),
      },
      viewer,
    );
  }

  async newForm(viewer: Viewer): Promise<string> {
    return this.renderNew(
      { account: '', description: '', declaredCount: '', declaredTotal: '' },
      [],
      null,
      viewer,
    );
  }

  async create(body: FormBody, viewer: Viewer): Promise<PageResult> {
    const form: NewForm = {
      account: field(body, 'account'),
      description: field(body, 'description').trim(),
      declaredCount: field(body, 'declaredCount').trim(),
      declaredTotal: field(body, 'declaredTotal').trim(),
    };
    const [fund, bankAccount] = form.account.includes('|') ? form.account.split('|') : ['', ''];
    const request: Record<string, unknown> = {
      bankAccount,
      description: form.description,
      declaredCount: integerOrText(form.declaredCount),
      // As typed in the user's language ("152 300,00" in French), read for the API.
      declaredTotal: readAmount(form.declaredTotal),
    };
    if (fund !== '') request.fund = fund;
    try {
      const valid = await validated(CreateReceiptBatchRequest, request);
      const result = await this.batches.create(
        viewer.actor!,
        valid,
        formKey(body, '/receipts/batches', request, 'create'),
      );
      return { redirect: `/receipts/batches/${result.body.id}?done=created` };
    } catch (error) {
      if (!isFormRefusal(error)) throw error;
      const html = await this.renderNew(
        form,
        error.errors ?? [],
        error.errors?.length ? null : error.detail,
        viewer,
      );
      return { status: error.status, html };
    }
  }

  async detail(id: string, query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const batch = await this.batches.get(viewer.actor!, id);
    const done = typeof query.done === 'string' ? query.done : '';
    return this.renderDetail(batch, viewer, {
      form: formOf(batch),
      notice: doneNotice(done),
    });
  }

  /**
   * The draft's form, by the button used: "Add row" shows the form again with one more empty
   * row (nothing saved); "Save draft" saves the figures and lines; "Post batch" saves them if
   * they changed, then posts the batch. A refusal shows the page again with the form as typed.
   */
  async act(id: string, body: FormBody, viewer: Viewer): Promise<PageResult> {
    const actor = viewer.actor!;
    const batch = await this.batches.get(actor, id);
    const form = readDraftForm(body);
    const intent = field(body, 'intent');
    if (batch.status !== 'draft') {
      const html = await this.renderDetail(batch, viewer, {
        form: formOf(batch),
        formError: uiText('receipts.batch.postedAlready'),
      });
      return { status: 409, html };
    }
    if (intent === 'add-row') {
      return { status: 200, html: await this.renderDetail(batch, viewer, { form, extraRows: 1 }) };
    }
    const path = `/receipts/batches/${batch.id}`;
    const save = toSaveRequest(form);
    // Posting records every receipt in the ledger: asked for with the box ticked, checked here
    // before anything is saved, so that a refusal changes nothing.
    if (intent === 'post' && !form.confirm) {
      const missing = pageCheck('confirm', 'confirmed', uiText('receipts.batch.confirmMissing'));
      try {
        await validatedWith(PostReceiptBatchRequest, postRequest(form), [missing]);
      } catch (error) {
        if (!isFormRefusal(error)) throw error;
        return this.refused(batch, form, error, viewer);
      }
    }
    try {
      if (!sameAsSaved(save, batch)) {
        const valid = await validated(SaveReceiptBatchDraftRequest, save);
        await this.batches.saveDraft(actor, batch.id, valid, formKey(body, path, save, 'save'));
      }
    } catch (error) {
      if (!isFormRefusal(error)) throw error;
      return this.refused(batch, form, error, viewer);
    }
    if (intent !== 'post') return { redirect: `${path}?done=saved` };
    const post = postRequest(form);
    try {
      const valid = await validated(PostReceiptBatchRequest, post);
      await this.batches.post(actor, batch.id, valid, formKey(body, `${path}/post`, post, 'post'));
      return { redirect: `${path}?done=posted` };
    } catch (error) {
      if (!isFormRefusal(error)) throw error;
      return this.refused(await this.batches.get(actor, batch.id), form, error, viewer);
    }
  }

  private async refused(
    batch: ReceiptBatchResponse,
    form: DraftForm,
    error: AppError,
    viewer: Viewer,
  ): Promise<PageResult> {
    const html = await this.renderDetail(batch, viewer, {
      form,
      errors: error.errors ?? [],
      formError: error.errors?.length ? null : error.detail,
    });
    return { status: error.status, html };
  }

  private async renderNew(
    form: NewForm,
    errors: readonly FieldError[],
    formError: string | null,
    viewer: Viewer,
  ): Promise<string> {
    const accounts = await this.accountChoices();
    const fieldErrors: Record<string, string> = {};
    const summary: { href: string; message: string }[] = [];
    for (const error of errors) {
      const name =
        error.field === 'fund' || error.field === 'bankAccount' ? 'account' : error.field;
      fieldErrors[name] ??= messageOf(error);
      summary.push({ href: `#${name}`, message: messageOf(error) });
    }
    return this.views.render(
      'receipt-batch-form',
      {
        title: uiText('receipts.batchForm.title'),
        active: 'receipts',
        formError,
        errorSummary: summary,
        errors: fieldErrors,
        form,
        accountGroups: accounts.map((group) => ({
          label: group.fund,
          accounts: group.accounts.map((account) => ({
            value: `${group.fund}|${account.code}`,
            label: `${account.code} — ${account.name} (${account.currency})`,
            selected: `${group.fund}|${account.code}` === form.account,
          })),
        })),
        hasAccounts: accounts.some((group) => group.accounts.length > 0),
        maxLines: MAX_BATCH_LINES,
        formKey: randomUUID(),
      },
      viewer,
    );
  }

  private async renderDetail(
    batch: ReceiptBatchResponse,
    viewer: Viewer,
    options: {
      form: DraftForm;
      notice?: string | null;
      errors?: readonly FieldError[];
      formError?: string | null;
      extraRows?: number;
    },
  ): Promise<string> {
    const draft = batch.status === 'draft';
    const editable = draft && mayWrite(viewer);
    const placed = placeErrors(options.errors ?? []);
    const countDiffers = batch.difference.count !== 0;
    const totalDiffers = !isZeroAmount(batch.difference.total.amount);
    let rows: Record<string, unknown>[] = [];
    if (editable) {
      const donorChoices = await this.donors.list(viewer.actor!, {
        limit: DONOR_CHOICES,
        offset: 0,
      });
      const known = new Map(donorChoices.items.map((donor) => [donor.id, donor.name]));
      const typed = options.form.rows;
      const count = Math.min(
        Math.max(MIN_ROWS, typed.length + 1 + (options.extraRows ?? 0)),
        MAX_BATCH_LINES,
      );
      for (let index = 0; index < Math.max(count, typed.length); index++) {
        const values = typed[index] ?? blankLine();
        const donors = [...known].map(([value, label]) => ({
          value,
          label,
          selected: value === values.donorId,
        }));
        if (values.donorId !== '' && !known.has(values.donorId)) {
          donors.unshift({
            value: values.donorId,
            label: uiText('receipts.batch.donorById', { id: values.donorId }),
            selected: true,
          });
        }
        rows.push({
          index,
          number: index + 1,
          values,
          errors: placed.rows.get(index) ?? {},
          donorOptions: donors,
          allocationOptions: ['', ...ALLOCATION_MODES].map((value) => ({
            value,
            label: allocationLabel(value),
            selected: value === values.allocation,
          })),
        });
      }
    } else {
      const names = await this.donorNames(
        viewer,
        batch.lines.map((line) => line.donorId),
      );
      rows = batch.lines.map((line, index) => ({
        index,
        number: index + 1,
        valueDate: line.valueDate,
        gross: money({ currency: batch.bankAccount.currency, amount: line.grossAmount }),
        charges:
          line.bankCharges === undefined
            ? ''
            : money({ currency: batch.bankAccount.currency, amount: line.bankCharges }),
        donor:
          line.donorId === undefined
            ? null
            : { id: line.donorId, name: names.get(line.donorId) ?? line.donorId },
        remitterName: line.remitterName ?? '',
        remittanceText: line.remittanceText ?? '',
        bankReference: line.bankReference ?? '',
        allocation: allocationLabel(line.allocation ?? ''),
        receipt:
          line.receipt === null ? null : { ...line.receipt, href: `/receipts/${line.receipt.id}` },
      }));
    }
    return this.views.render(
      'receipt-batch',
      {
        title: uiText('receipts.batch.title', { description: batch.description }),
        active: 'receipts',
        notice: options.notice ?? null,
        formError: options.formError ?? null,
        errorSummary: placed.summary,
        errors: placed.fields,
        batch: {
          ...toRow(batch),
          overrideReason: batch.overrideReason,
          postedBy: batch.postedBy,
          postedAt: batch.postedAt,
          createdBy: batch.createdBy,
          createdAt: batch.createdAt,
          updatedAt: batch.updatedAt,
          receipts: batch.receipts.map((receipt) => ({
            ...receipt,
            href: `/receipts/${receipt.id}`,
          })),
        },
        figures: {
          enteredCount: batch.entered.count,
          declaredCount: batch.declared.count,
          countDifference: signedCount(batch.difference.count),
          countDiffers,
          enteredTotal: money(batch.entered.total),
          declaredTotal: money(batch.declared.total),
          totalDifference: signedMoney(
            batch.difference.total.currency,
            batch.difference.total.amount,
          ),
          totalDiffers,
          agrees: batch.agrees,
        },
        draft,
        editable,
        form: {
          description: options.form.description,
          declaredCount: options.form.declaredCount,
          declaredTotal: options.form.declaredTotal,
          overrideReason: options.form.overrideReason,
          confirm: options.form.confirm,
        },
        rows,
        rowCount: rows.length,
        currency: batch.bankAccount.currency,
        showOverride: editable && (!batch.agrees || options.form.overrideReason !== ''),
        formKey: randomUUID(),
      },
      viewer,
    );
  }

  /** The names of the donors lines name (a batch names a handful), for the read-only table. */
  private async donorNames(
    viewer: Viewer,
    ids: readonly (string | undefined)[],
  ): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const id of new Set(ids)) {
      if (id === undefined) continue;
      try {
        names.set(id, (await this.donors.get(viewer.actor!, id)).name);
      } catch (error) {
        if (!(error instanceof AppError) || error.status !== 404) throw error;
      }
    }
    return names;
  }

  private async accountChoices(): Promise<
    { fund: string; accounts: { code: string; name: string; currency: string }[] }[]
  > {
    const funds = await this.funds.list();
    const groups = [];
    for (const fund of funds) {
      const accounts = await this.bankAccounts.list(this.dataSource.manager, fund.code);
      groups.push({ fund: fund.code, accounts });
    }
    return groups;
  }
}

function mayWrite(viewer: Viewer): boolean {
  return viewer.actor?.roles.some((role) => WRITERS.includes(role)) ?? false;
}

function toRow(batch: ReceiptBatchSummaryResponse): Record<string, unknown> {
  return {
    id: batch.id,
    href: `/receipts/batches/${batch.id}`,
    fund: batch.fund,
    bankAccount: batch.bankAccount,
    description: batch.description,
    status: batch.status,
    statusLabel: statusLabel(batch.status),
    declaredCount: batch.declared.count,
    declaredTotal: money(batch.declared.total),
    enteredCount: batch.entered.count,
    enteredTotal: money(batch.entered.total),
    agrees: batch.agrees,
    createdBy: batch.createdBy,
    createdAt: batch.createdAt,
    postedAt: batch.postedAt,
  };
}

function blankLine(): LineValues {
  return Object.fromEntries(LINE_FIELDS.map((name) => [name, ''])) as LineValues;
}

/** The form a saved batch stands for: its figures and lines as they were saved. */
function formOf(batch: ReceiptBatchResponse): DraftForm {
  return {
    description: batch.description,
    declaredCount: String(batch.declared.count),
    declaredTotal: batch.declared.total.amount,
    overrideReason: '',
    confirm: false,
    rows: batch.lines.map((line) => {
      const values = blankLine();
      for (const name of LINE_FIELDS) values[name] = line[name] ?? '';
      return values;
    }),
  };
}

/** The draft's form as typed; rows left empty are dropped (the page shows empty ones again). */
function readDraftForm(body: FormBody): DraftForm {
  const given = Number(field(body, 'rowCount'));
  const rowCount =
    Number.isSafeInteger(given) && given > 0 ? Math.min(given, MAX_BATCH_LINES + 5) : 0;
  const rows: LineValues[] = [];
  for (let index = 0; index < rowCount; index++) {
    const values = blankLine();
    for (const name of LINE_FIELDS) values[name] = field(body, `row-${index}-${name}`).trim();
    const typed = LINE_FIELDS.some((name) => name !== 'allocation' && values[name] !== '');
    if (typed) rows.push(values);
  }
  return {
    description: field(body, 'description').trim(),
    declaredCount: field(body, 'declaredCount').trim(),
    declaredTotal: field(body, 'declaredTotal').trim(),
    overrideReason: field(body, 'overrideReason').trim(),
    confirm: body.confirm !== undefined,
    rows,
  };
}

function toSaveRequest(form: DraftForm): Record<string, unknown> {
  return {
    description: form.description,
    declaredCount: integerOrText(form.declaredCount),
    // Amounts as typed in the user's language ("1 234,50" in French), read for the API.
    declaredTotal: readAmount(form.declaredTotal),
    receipts: form.rows.map((row) => {
      const line: Record<string, string> = {};
      for (const name of LINE_FIELDS) {
        if (row[name] === '') continue;
        line[name] = AMOUNT_FIELDS.has(name) ? readAmount(row[name]) : row[name];
      }
      // Required fields stay in the request, empty, so that validation names them.
      line.valueDate ??= '';
      line.grossAmount ??= '';
      return line;
    }),
  };
}

/** What "Post batch" sends: an override reason when one was given. */
function postRequest(form: DraftForm): Record<string, unknown> {
  return form.overrideReason === '' ? {} : { override: { reason: form.overrideReason } };
}

/** Whether the form holds exactly what is saved (then "Post" does not save it again). */
function sameAsSaved(request: Record<string, unknown>, batch: ReceiptBatchResponse): boolean {
  return JSON.stringify(request) === JSON.stringify(toSaveRequest(formOf(batch)));
}

/** `receipts[3].valueDate` → row 3's valueDate; `declaredTotal` → the field; the rest on top. */
function placeErrors(errors: readonly FieldError[]): Placed {
  const placed: Placed = { fields: {}, rows: new Map(), summary: [] };
  for (const error of errors) {
    const line = /^receipts\[(\d+)\](?:\.(.+))?$/.exec(error.field);
    if (line !== null) {
      const index = Number(line[1]);
      const name = line[2] ?? '';
      const known = (LINE_FIELDS as readonly string[]).includes(name);
      const errorsOfRow = placed.rows.get(index) ?? {};
      const reason = messageOf(error);
      const fieldName = hasUiText(`receipts.batch.fieldNames.${name}`)
        ? uiText(`receipts.batch.fieldNames.${name}`)
        : name;
      errorsOfRow[known ? name : 'row'] ??= known
        ? reason
        : `${name === '' ? '' : `${fieldName}: `}${reason}`;
      placed.rows.set(index, errorsOfRow);
      placed.summary.push({
        href: known ? `#row-${index}-${name}` : `#row-${index}`,
        message:
          name === ''
            ? uiText('receipts.batch.rowError', { number: index + 1, reason })
            : uiText('receipts.batch.rowFieldError', {
                number: index + 1,
                field: fieldName,
                reason,
              }),
      });
      continue;
    }
    const name =
      error.field === 'override.reason' || error.field === 'override'
        ? 'overrideReason'
        : error.field;
    placed.fields[name] ??= messageOf(error);
    placed.summary.push({ href: `#${name}`, message: messageOf(error) });
  }
  return placed;
}

function isZeroAmount(amount: string): boolean {
  return /^-?0(\.0*)?$/.test(amount);
}

function signedCount(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

function signedMoney(currency: string, amount: string): string {
  const shown = money({ currency, amount });
  // A plus sign before the first digit: "CHF +12.50", "+12,50 CHF".
  return amount.startsWith('-') || isZeroAmount(amount) ? shown : shown.replace(/\d/, '+$&');
}

function integerOrText(value: string): number | string {
  return /^\d{1,9}$/.test(value) ? Number(value) : value;
}
