import { randomUUID } from 'node:crypto';
import { pageLinks } from '../web/page-response';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ApprovalResponse } from '../approvals/dto/approval.dto';
import { todayUtc } from '../common/calendar-date';
import { AppError } from '../common/errors/app-error';
import { FieldError } from '../common/errors/problem';
import { IdempotentResult } from '../common/idempotency/idempotent-result';
import { DonorsPageService, FormBody, PageResult } from '../donors/donors-page.service';
import { DonorResponse } from '../donors/dto/donor.dto';
import { DonorsService } from '../donors/donors.service';
import { FundsService } from '../funds/funds.service';
import { MoneyResponse } from '../ledger/dto/journal.dto';
import { earmarkGroups, field, formKey, InvalidFormError, validated } from '../web/page-forms';
import { fieldMessage, formatAmount, hasUiText, readAmount, uiText } from '../web/ui-i18n';
import { Viewer, ViewRenderer } from '../web/view-renderer';
import {
  AgreePledgeRequest,
  ConditionsMetRequest,
  CreatePledgeRequest,
  EndPledgeRequest,
  ListPledgesQuery,
  PledgeResponse,
  PledgeSummaryResponse,
} from './dto/pledge.dto';
import { AmendPledgeRequest, PledgeAmendmentResponse } from './dto/pledge-amendment.dto';
import {
  AMEND_BLANK_ROWS,
  AmendForm,
  initialAmendForm,
  placeErrors,
  PlacedErrors,
  readAmendForm,
  toAmendRequest,
} from './pledge-amend-form';
import { PledgeAmendmentsService } from './pledge-amendments.service';
import { MAX_INSTALMENTS, SCHEDULE_PERIODS } from './pledge-schedule';
import { PLEDGE_STATUSES, PledgeStatus } from './pledge-status';
import { PledgesService } from './pledges.service';

const PAGE_SIZE = 25;
/** Empty schedule rows under the filled ones, so that rows can be added without script. */
const BLANK_ROWS = 2;
const MIN_ROWS = 4;
const DONOR_CHOICES = 200;
const WRITERS = ['finance_officer'];

/** A pledge's or an instalment's status as the interface names it (pledges.statuses.*). */
export function statusLabel(status: PledgeStatus): string {
  return uiText(`pledges.statuses.${status}`);
}

/** The actions of the detail page, each a form of its own. */
export const PLEDGE_ACTIONS = ['agreement', 'conditions-met', 'cancellation', 'write-off'] as const;
export type PledgeAction = (typeof PLEDGE_ACTIONS)[number];

/**
 * Actions that cannot be undone by the one who does them: a ticked "I confirm" is required.
 * Recording the conditions as met posts revenue, as final as the agreement's entry.
 */
const CONFIRMED: readonly PledgeAction[] = [
  'agreement',
  'conditions-met',
  'cancellation',
  'write-off',
];

/** The notice after a done action (?done=…), none for anything else. */
function doneNotice(done: string): string | null {
  const key = `pledges.detail.notices.${done}`;
  return done !== '' && hasUiText(key) ? uiText(key) : null;
}

/**
 * The "Reminders" section of the pledge page, filled by the reminders module
 * (`provideRemindersSection`) so that this module does not depend on that one; no section until
 * then.
 */
export type PledgeRemindersSectionProvider = (
  pledge: PledgeResponse,
  viewer: Viewer,
) => Promise<Record<string, unknown> | null>;

interface ScheduleRow {
  index: number;
  dueDate: string;
  amount: string;
  errors: Record<string, string>;
}

interface PledgeForm {
  donorId: string;
  fund: string;
  earmark: string;
  currency: string;
  amount: string;
  announcedOn: string;
  scheduleMode: 'rows' | 'generate';
  count: string;
  period: string;
  firstDueDate: string;
  rows: ScheduleRow[];
}

type ActionValues = Record<string, string | boolean>;

interface ActionState {
  action: PledgeAction;
  values: ActionValues;
  errors: Record<string, string>;
  formError: string | null;
}

/**
 * The officers' pledge pages: list, detail with its actions, the create form with its schedule
 * editor, and the "Pledges" section of a donor's page. Every form goes through the API's own
 * validation and service, so the pages can do nothing the API would refuse.
 */
@Injectable()
export class PledgesPageService implements OnModuleInit {
  constructor(
    private readonly pledges: PledgesService,
    private readonly amendments: PledgeAmendmentsService,
    private readonly funds: FundsService,
    private readonly donors: DonorsService,
    private readonly donorPages: DonorsPageService,
    private readonly views: ViewRenderer,
  ) {}

  private remindersSection: PledgeRemindersSectionProvider = () => Promise.resolve(null);

  onModuleInit(): void {
    this.donorPages.providePledgesSection((donor, viewer) => this.donorSection(donor, viewer));
  }

  provideRemindersSection(provider: PledgeRemindersSectionProvider): void {
    this.remindersSection = provider;
  }

  /** The donor page's section: every pledge of the donor (a donor has tens, not thousands). */
  async donorSection(
    donor: DonorResponse,
    viewer: Viewer,
  ): Promise<{ pledges: Record<string, unknown>[] }> {
    const page = await this.pledges.list(viewer.actor!, {
      donorId: donor.id,
      sort: '-announcedOn',
      limit: 500,
    });
    return { pledges: page.items.map(toRow) };
  }

  async list(query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const raw: Record<string, string> = {};
    for (const name of ['fund', 'status', 'donorId', 'offset']) {
      const value = query[name];
      if (typeof value === 'string' && value.trim() !== '') raw[name] = value.trim();
    }
    let error: string | null = null;
    let parsed: ListPledgesQuery = {};
    try {
      parsed = await validated(ListPledgesQuery, raw);
    } catch (caught) {
      if (!(caught instanceof AppError) || caught.status !== 422) throw caught;
      error = caught.detail;
    }
    const offset = parsed.offset ?? 0;
    let result = { items: [] as PledgeSummaryResponse[], total: 0 };
    if (error === null) {
      try {
        result = await this.pledges.list(viewer.actor!, {
          ...parsed,
          sort: '-announcedOn',
          limit: PAGE_SIZE,
          offset,
        });
      } catch (caught) {
        if (!(caught instanceof AppError) || caught.status !== 422) throw caught;
        error = caught.detail;
      }
    }
    const href = (at: number): string => {
      const params = new URLSearchParams(Object.entries(raw).filter(([name]) => name !== 'offset'));
      if (at > 0) params.set('offset', String(at));
      const search = params.toString();
      return search === '' ? '/pledges' : `/pledges?${search}`;
    };
    const [funds, donors] = await Promise.all([
      this.funds.list(),
      this.donors.list(viewer.actor!, { limit: DONOR_CHOICES, offset: 0 }),
    ]);
    return this.views.render(
      'pledges',
      {
        title: uiText('pledges.list.title'),
        active: 'pledges',
        error: error === null ? null : uiText('pledges.list.filterError', { detail: error }),
        fundOptions: funds.map((fund) => ({
          value: fund.code,
          label: `${fund.code} — ${fund.name}`,
          selected: fund.code === raw.fund,
        })),
        statusOptions: PLEDGE_STATUSES.map((status) => ({
          value: status,
          label: statusLabel(status),
          selected: status === raw.status,
        })),
        donorOptions: donors.items.map((donor) => ({
          value: donor.id,
          label: donor.name,
          selected: donor.id === raw.donorId,
        })),
        pledges: result.items.map(toRow),
        ...pageLinks(result, offset, PAGE_SIZE, href),
        canCreate: mayWrite(viewer),
      },
      viewer,
    );
  }

  async newForm(query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const donorId = typeof query.donorId === 'string' ? query.donorId : '';
    let currency = 'CHF';
    if (donorId !== '') {
      currency = (await this.donors.get(viewer.actor!, donorId)).statementCurrency;
    }
    const form: PledgeForm = {
      donorId,
      fund: 'WSIS-TF',
      earmark: 'UNEARMARKED',
      currency,
      amount: '',
      announcedOn: todayUtc(),
      scheduleMode: 'rows',
      count: '',
      period: 'quarter',
      firstDueDate: '',
      rows: [],
    };
    return this.renderForm(form, [], null, viewer);
  }

  async create(body: FormBody, viewer: Viewer): Promise<PageResult> {
    const form = readForm(body);
    // "More rows" re-shows the form with more empty rows; nothing is saved.
    if (field(body, 'intent') === 'more-rows') {
      const html = await this.renderForm(form, [], null, viewer, BLANK_ROWS + 3);
      return { status: 200, html };
    }
    const request = toCreateRequest(form);
    try {
      const valid = await validated(CreatePledgeRequest, request);
      const result = await this.pledges.create(
        viewer.actor!,
        valid,
        formKey(body, '/pledges', request),
      );
      return { redirect: `/pledges/${result.body.id}?done=created` };
    } catch (error) {
      if (!(error instanceof AppError) || error.status === 404 || error.status >= 500) throw error;
      const html = await this.renderForm(
        form,
        error.errors ?? [],
        error.errors?.length ? null : uiText('pledges.errors.refused', { detail: error.detail }),
        viewer,
      );
      return { status: error.status, html };
    }
  }

  async detail(id: string, query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const pledge = await this.pledges.get(viewer.actor!, id, {});
    const reminders = await this.remindersSection(pledge, viewer);
    return this.renderDetail(pledge, viewer, { query, reminders });
  }

  /** Runs one of the detail page's forms; on a refusal the page comes back with the form filled. */
  async act(id: string, action: PledgeAction, body: FormBody, viewer: Viewer): Promise<PageResult> {
    const values = readAction(action, body);
    const errors: FieldError[] = [];
    if (CONFIRMED.includes(action) && values.confirm !== true) {
      errors.push({
        field: 'confirm',
        rule: 'confirmed',
        reason: uiText('pledges.errors.confirmAction'),
      });
    }
    const path = `/pledges/${id}/${action}`;
    try {
      const actor = viewer.actor!;
      switch (action) {
        case 'agreement': {
          const request = {
            agreedOn: values.agreedOn,
            documentRef: values.documentRef,
            conditional: values.conditional === true,
          };
          const valid = await validatedWith(AgreePledgeRequest, request, errors);
          await this.pledges.agree(actor, id, valid, formKey(body, path, request));
          return { redirect: `/pledges/${id}?done=agreement` };
        }
        case 'conditions-met': {
          const request = { date: values.date };
          const valid = await validatedWith(ConditionsMetRequest, request, errors);
          await this.pledges.conditionsMet(actor, id, valid, formKey(body, path, request));
          return { redirect: `/pledges/${id}?done=conditions-met` };
        }
        case 'cancellation':
        case 'write-off': {
          const request = { date: values.date, reason: values.reason };
          const valid = await validatedWith(EndPledgeRequest, request, errors);
          const ending = action === 'cancellation' ? 'cancelled' : 'written-off';
          const result: IdempotentResult<ApprovalResponse> = await this.pledges.requestEnding(
            actor,
            ending,
            id,
            valid,
            formKey(body, path, request),
          );
          return { redirect: `/pledges/${id}?done=${action}&approval=${result.body.id}` };
        }
      }
    } catch (error) {
      if (!(error instanceof AppError) || error.status === 404 || error.status >= 500) throw error;
      const pledge = await this.pledges.get(viewer.actor!, id, {});
      const state: ActionState = {
        action,
        values,
        errors: fieldMessages(error.errors ?? []),
        formError: error.errors?.length
          ? null
          : uiText('pledges.errors.refused', { detail: error.detail }),
      };
      const reminders = await this.remindersSection(pledge, viewer);
      return {
        status: error.status,
        html: this.renderDetail(pledge, viewer, { state, reminders }),
      };
    }
  }

  /** The amendment form: the current schedule, unpaid rows editable, paid ones shown as they are. */
  async amendForm(id: string, viewer: Viewer): Promise<string> {
    const pledge = await this.pledges.get(viewer.actor!, id, {});
    return this.renderAmend(pledge, initialAmendForm(pledge, todayUtc()), viewer, {});
  }

  /** "Preview" answers the dry run on the same page; "Apply amendment" records it. */
  async amend(id: string, body: FormBody, viewer: Viewer): Promise<PageResult> {
    const actor = viewer.actor!;
    const pledge = await this.pledges.get(actor, id, {});
    const form = readAmendForm(pledge, body);
    const dryRun = field(body, 'intent') !== 'apply';
    const { request, changeSeqs, removeSeqs } = toAmendRequest(pledge, form, dryRun);
    const extra: FieldError[] =
      dryRun || form.confirm
        ? []
        : [
            {
              field: 'confirm',
              rule: 'confirmed',
              reason: uiText('pledges.errors.confirmAmendment'),
            },
          ];
    try {
      const valid = await validatedWith(AmendPledgeRequest, request, extra);
      if (dryRun) {
        const preview = (await this.amendments.amend(actor, id, valid, undefined)).body;
        return { status: 200, html: this.renderAmend(pledge, form, viewer, { preview }) };
      }
      await this.amendments.amend(actor, id, valid, formKey(body, `/pledges/${id}/amend`, request));
      return { redirect: `/pledges/${id}?done=amended` };
    } catch (error) {
      if (!(error instanceof AppError) || error.status === 404 || error.status >= 500) throw error;
      const errors = placeErrors(error.errors ?? [], changeSeqs, removeSeqs, (given) =>
        pledgeFieldMessage(given, 'amend'),
      );
      const formError = error.errors?.length
        ? null
        : uiText('pledges.errors.refused', { detail: error.detail });
      const html = this.renderAmend(pledge, form, viewer, { errors, formError });
      return { status: error.status, html };
    }
  }

  private renderAmend(
    pledge: PledgeResponse,
    form: AmendForm,
    viewer: Viewer,
    options: {
      preview?: PledgeAmendmentResponse;
      errors?: PlacedErrors;
      formError?: string | null;
    },
  ): string {
    const typed = new Map(form.rows.map((row) => [row.seq, row]));
    const errors = options.errors;
    const added = form.added.map((row) => ({ ...row, errors: errors?.added.get(row.index) ?? {} }));
    while (added.length < form.added.length + AMEND_BLANK_ROWS) {
      added.push({ index: added.length, dueDate: '', amount: '', errors: {} });
    }
    const preview = options.preview;
    return this.views.render(
      'pledge-amend',
      {
        title: uiText('pledges.amend.title', { reference: pledge.reference }),
        active: 'pledges',
        pledge: { ...toRow(pledge), href: `/pledges/${pledge.id}` },
        currency: pledge.amount.currency,
        formError: options.formError ?? null,
        errorSummary: errors?.summary ?? [],
        errors: errors?.fields ?? {},
        form: {
          date: form.date,
          reason: form.reason,
          amount: form.amount,
          confirm: form.confirm,
        },
        rows: pledge.instalments.map((instalment) => {
          const row = typed.get(instalment.seq);
          return {
            seq: instalment.seq,
            current: `${instalment.dueDate} · ${money(instalment.amount)}`,
            editable: row !== undefined,
            dueDate: row?.dueDate ?? instalment.dueDate,
            amount: row?.amount ?? money(instalment.amount),
            remove: row?.remove ?? false,
            paid: money(instalment.paid),
            statusLabel: statusLabel(instalment.status),
            errors: errors?.rows.get(instalment.seq) ?? {},
          };
        }),
        added: added.map((row) => ({ ...row, number: row.index + 1 })),
        preview:
          preview === undefined
            ? null
            : {
                amountBefore: money(preview.amountBefore),
                amountAfter: money(preview.amountAfter),
                difference: money(preview.difference),
                schedule: preview.scheduleAfter.map((line) => ({
                  seq: line.seq,
                  dueDate: line.dueDate,
                  amount: money(line.amount),
                  change: line.change ?? 'unchanged',
                  changeLabel: uiText(`pledges.changes.${line.change ?? 'unchanged'}`),
                })),
                removed: preview.removed.map((seq) => {
                  const line = preview.scheduleBefore.find((before) => before.seq === seq);
                  return {
                    seq,
                    dueDate: line?.dueDate ?? '',
                    amount: line === undefined ? '' : money(line.amount),
                  };
                }),
                lines: preview.ledger.lines.map((line) => ({
                  account: line.account,
                  debit: line.debit === null ? '' : money(line.debit),
                  credit: line.credit === null ? '' : money(line.credit),
                  functional: money(line.functional),
                })),
              },
        formKey: randomUUID(),
      },
      viewer,
    );
  }

  private renderDetail(
    pledge: PledgeResponse,
    viewer: Viewer,
    options: {
      query?: Record<string, unknown>;
      state?: ActionState;
      reminders?: Record<string, unknown> | null;
    },
  ): string {
    const done = typeof options.query?.done === 'string' ? options.query.done : '';
    const approval = typeof options.query?.approval === 'string' ? options.query.approval : '';
    const pending =
      done === 'cancellation' || done === 'write-off'
        ? {
            sent:
              approval === ''
                ? uiText(`pledges.detail.pending.${done}`)
                : uiText(`pledges.detail.pending.${done}Request`, { id: approval }),
          }
        : null;
    const state = options.state;
    const today = todayUtc();
    const formOf = (action: PledgeAction, defaults: ActionValues): Record<string, unknown> => {
      const mine = state?.action === action ? state : undefined;
      return {
        values: { ...defaults, ...(mine?.values ?? {}) },
        errors: mine?.errors ?? {},
        formError: mine?.formError ?? null,
        open: mine !== undefined,
      };
    };
    const agreed = pledge.agreement !== null;
    const ended = pledge.ending !== null;
    const canWrite = mayWrite(viewer);
    return this.views.render(
      'pledge',
      {
        title: uiText('pledges.detail.title', { reference: pledge.reference }),
        active: 'pledges',
        notice: doneNotice(done),
        pending,
        reminders: options.reminders ?? null,
        pledge: {
          ...toRow(pledge),
          announcedOn: pledge.announcedOn,
          agreement: pledge.agreement,
          ending: pledge.ending,
          endingLabel:
            pledge.ending === null ? null : statusLabel(pledge.ending.kind as PledgeStatus),
          paid: money(pledge.paid),
          amountOverdue: money(pledge.amountOverdue),
          outstandingFunctional: money(pledge.outstandingFunctional),
          writtenOff: money(pledge.writtenOff),
          cancelled: money(pledge.cancelled),
          asOf: pledge.asOf,
          createdBy: pledge.createdBy,
          createdAt: pledge.createdAt,
        },
        instalments: pledge.instalments.map((instalment) => ({
          seq: instalment.seq,
          dueDate: instalment.dueDate,
          amount: money(instalment.amount),
          paid: money(instalment.paid),
          amountDue: money(instalment.amountDue),
          status: instalment.status,
          statusLabel: statusLabel(instalment.status),
          daysOverdue: instalment.daysOverdue,
        })),
        aging: pledge.aging.map((bucket) => ({
          bucket: bucket.bucket,
          label: uiText(`pledges.aging.${bucket.bucket}`),
          amounts: bucket.amounts.map(money).join(', '),
          functional: money(bucket.functional),
        })),
        events: [
          ...pledge.events.map((event) => ({
            ...event,
            kindLabel: uiText(`pledges.events.${event.kind}`),
            amendment: null,
            entryNumber: pledge.entries.find((entry) => entry.id === event.entryId)?.number ?? null,
          })),
          ...pledge.amendments.map((amendment) => ({
            kind: 'amendment',
            kindLabel: uiText('pledges.events.amendment', { number: amendment.number }),
            on: amendment.date,
            reason: amendment.reason,
            documentRef: null,
            approvalId: null,
            amendment: {
              amount: `${money(amendment.amountBefore)} → ${money(amendment.amountAfter)}`,
              schedule: amendment.scheduleAfter
                .map((line) => `${line.seq}: ${line.dueDate} ${money(line.amount)}`)
                .join('; '),
            },
            entryNumber:
              pledge.entries.find((entry) => entry.id === amendment.entryId)?.number ?? null,
            actor: amendment.actor,
            at: amendment.at,
          })),
        ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)),
        entries: pledge.entries.map((entry) => ({
          number: entry.number,
          date: entry.date,
          description: entry.description,
          source: entry.source.type,
          lines: entry.lines.map((line) => ({
            account: `${line.account.code} ${line.account.name}`,
            debit: line.debit === null ? '' : money(line.debit),
            credit: line.credit === null ? '' : money(line.credit),
          })),
        })),
        canWrite,
        amendHref: canWrite && !ended ? `/pledges/${pledge.id}/amend` : null,
        actions: {
          agreement:
            canWrite && !agreed && !ended
              ? formOf('agreement', {
                  agreedOn: today,
                  documentRef: '',
                  conditional: false,
                  confirm: false,
                })
              : null,
          conditionsMet:
            canWrite &&
            agreed &&
            !ended &&
            pledge.agreement!.conditional &&
            pledge.agreement!.conditionsMetOn === null
              ? formOf('conditions-met', { date: today, confirm: false })
              : null,
          cancellation:
            canWrite && !ended
              ? formOf('cancellation', { date: today, reason: '', confirm: false })
              : null,
          writeOff:
            canWrite && agreed && !ended
              ? formOf('write-off', { date: today, reason: '', confirm: false })
              : null,
        },
        formKey: randomUUID(),
      },
      viewer,
    );
  }

  private async renderForm(
    form: PledgeForm,
    errors: readonly FieldError[],
    formError: string | null,
    viewer: Viewer,
    blankRows = BLANK_ROWS,
  ): Promise<string> {
    const funds = await this.funds.list();
    let donor: { id: string; name: string } | null = null;
    let donorOptions: { value: string; label: string; selected: boolean }[] = [];
    if (form.donorId !== '' && /^[0-9a-f-]{36}$/i.test(form.donorId)) {
      try {
        donor = await this.donors.get(viewer.actor!, form.donorId);
      } catch (error) {
        if (!(error instanceof AppError) || error.status !== 404) throw error;
      }
    }
    if (donor === null) {
      const donors = await this.donors.list(viewer.actor!, { limit: DONOR_CHOICES, offset: 0 });
      donorOptions = donors.items.map((d) => ({
        value: d.id,
        label: d.name,
        selected: d.id === form.donorId,
      }));
    }
    const rows: ScheduleRow[] = form.rows.map((row, index) => ({ ...row, index, errors: {} }));
    const wanted = Math.max(MIN_ROWS, rows.length + blankRows);
    while (rows.length < Math.min(wanted, MAX_INSTALMENTS)) {
      rows.push({ index: rows.length, dueDate: '', amount: '', errors: {} });
    }
    const fieldErrors: Record<string, string> = {};
    const summary: { href: string; message: string }[] = [];
    for (const given of errors) {
      const message = pledgeFieldMessage(given, 'create');
      const row = /^instalments\[(\d+)\]\.(\w+)$/.exec(given.field);
      if (row !== null && rows[Number(row[1])] !== undefined) {
        rows[Number(row[1])].errors[row[2]] ??= message;
        summary.push({
          href: `#row-${row[1]}-${row[2]}`,
          message: uiText('pledges.form.rowError', { number: Number(row[1]) + 1, message }),
        });
        continue;
      }
      const name = formField(given.field);
      fieldErrors[name] ??= message;
      summary.push({ href: `#${name}`, message });
    }
    return this.views.render(
      'pledge-form',
      {
        title: uiText('pledges.form.title'),
        active: 'pledges',
        formError,
        errorSummary: summary,
        errors: fieldErrors,
        form: {
          ...form,
          generate: form.scheduleMode === 'generate',
          rows: rows.map((row) => ({ ...row, number: row.index + 1 })),
        },
        donor,
        donorOptions,
        cancelHref: donor === null ? '/pledges' : `/donors/${donor.id}`,
        fundOptions: funds.map((fund) => ({
          value: fund.code,
          label: `${fund.code} — ${fund.name}`,
          selected: fund.code === form.fund,
        })),
        earmarkGroups: earmarkGroups(funds, form.earmark),
        periodOptions: SCHEDULE_PERIODS.map((period) => ({
          value: period,
          label: uiText(`pledges.periods.${period}`),
          selected: period === form.period,
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

/** "the instalments add up to CHF 90000.00" → "… CHF 90,000.00", as amounts show elsewhere. */
function groupAmounts(text: string): string {
  return text.replace(/\b([A-Z]{3}) (-?\d+(?:\.\d+)?)\b/g, (_, currency: string, amount: string) =>
    money({ currency, amount }),
  );
}

/**
 * USD 100000.00 → "USD 100,000.00" (in French "100 000,00 USD"): grouped in the request's
 * language on the decimal string, never through a float.
 */
export function money(value: MoneyResponse): string {
  return formatAmount(value);
}

function toRow(pledge: PledgeSummaryResponse): Record<string, unknown> & { id: string } {
  return {
    id: pledge.id,
    href: `/pledges/${pledge.id}`,
    reference: pledge.reference,
    fund: pledge.fund,
    earmark: pledge.earmark,
    donor: pledge.donor,
    donorHref: `/donors/${pledge.donor.id}`,
    amount: money(pledge.amount),
    status: pledge.status,
    statusLabel: statusLabel(pledge.status),
    outstanding: money(pledge.outstanding),
    announcedOn: pledge.announcedOn,
    nextDue:
      pledge.nextAmountDue === null
        ? null
        : {
            dueDate: pledge.nextAmountDue.dueDate,
            amount: money(pledge.nextAmountDue.amount),
            overdue: pledge.nextAmountDue.overdue,
          },
  };
}

/** Validation together with the page's own checks (the confirmation), reported at once. */
async function validatedWith<T extends object>(
  type: new () => T,
  value: object,
  extra: FieldError[],
): Promise<T> {
  try {
    const valid = await validated(type, value);
    if (extra.length > 0) throw new InvalidFormError(extra);
    return valid;
  } catch (error) {
    if (error instanceof AppError && error.status === 422 && error.errors !== undefined) {
      throw new InvalidFormError([...(error.errors ?? []), ...extra]);
    }
    throw error;
  }
}

/** `generate.count` → the form's `count`; everything else keeps its name. */
function formField(name: string): string {
  if (name.startsWith('generate.')) return name.slice('generate.'.length);
  if (name === 'generate') return 'schedule';
  if (name === 'instalments') return 'schedule';
  return name;
}

function fieldMessages(errors: readonly FieldError[]): Record<string, string> {
  const messages: Record<string, string> = {};
  for (const error of errors) messages[error.field] ??= pledgeFieldMessage(error, 'action');
  return messages;
}

/** An amount an API reason names: "CHF 90000.00". */
const AMOUNT_IN_REASON = /\b([A-Z]{3}) (-?\d+(?:\.\d+)?)\b/g;

/**
 * The message beside a field of the pledge pages, in the interface's language: the pages' own
 * text for the rule (pledges.errors.<form>.<rule>, then .fields.<field>.<rule>, then
 * .rules.<rule>), given the API's reason and the amounts and date it names; else the common
 * text of the rule (fieldMessage), else the API's reason. Amounts read as elsewhere on the page.
 */
export function pledgeFieldMessage(error: FieldError, form: 'create' | 'amend' | 'action'): string {
  const params: Record<string, string> = { reason: groupAmounts(error.reason) };
  [...error.reason.matchAll(AMOUNT_IN_REASON)].forEach(([, currency, amount], index) => {
    params[`amount${index + 1}`] = money({ currency, amount });
  });
  const date = /\d{4}-\d{2}-\d{2}/.exec(error.reason)?.[0];
  if (date !== undefined) params.date = date;
  const direction = / (too much|missing)\)$/.exec(error.reason)?.[1];
  if (direction !== undefined) {
    params.direction = uiText(
      `pledges.errors.amend.${direction === 'missing' ? 'missing' : 'tooMuch'}`,
    );
  }
  const name = error.field.replace(/^.*\./, '').replace(/\[\d+\]$/, '');
  const key = [
    `pledges.errors.${form}.${error.rule}`,
    `pledges.errors.fields.${name}.${error.rule}`,
    `pledges.errors.rules.${error.rule}`,
  ].find((candidate) => hasUiText(candidate));
  if (key !== undefined) {
    try {
      return uiText(key, params);
    } catch {
      // A reason that does not name what the text needs (an amount, a date): said as it is.
    }
  }
  // A typed amount the API's pattern refuses is the common "not a valid amount".
  const rule = error.rule === 'matches' && name === 'amount' ? 'amount' : error.rule;
  return groupAmounts(fieldMessage({ rule, reason: error.reason }));
}

function readAction(action: PledgeAction, body: FormBody): ActionValues {
  const checked = (name: string): boolean => body[name] !== undefined;
  switch (action) {
    case 'agreement':
      return {
        agreedOn: field(body, 'agreedOn'),
        documentRef: field(body, 'documentRef').trim(),
        conditional: checked('conditional'),
        confirm: checked('confirm'),
      };
    case 'conditions-met':
      return { date: field(body, 'date'), confirm: checked('confirm') };
    default:
      return {
        date: field(body, 'date'),
        reason: field(body, 'reason').trim(),
        confirm: checked('confirm'),
      };
  }
}

/** The form as typed; empty schedule rows are dropped (the form shows blank ones again). */
function readForm(body: FormBody): PledgeForm {
  const rows: ScheduleRow[] = [];
  for (let row = 0; row < MAX_INSTALMENTS + BLANK_ROWS + 3; row++) {
    const dueDate = field(body, `row-${row}-dueDate`).trim();
    const amount = field(body, `row-${row}-amount`).trim();
    if (dueDate !== '' || amount !== '') {
      rows.push({ index: rows.length, dueDate, amount, errors: {} });
    }
  }
  return {
    donorId: field(body, 'donorId').trim(),
    fund: field(body, 'fund'),
    earmark: field(body, 'earmark'),
    currency: field(body, 'currency').trim().toUpperCase(),
    amount: field(body, 'amount').trim(),
    announcedOn: field(body, 'announcedOn').trim(),
    scheduleMode: field(body, 'scheduleMode') === 'generate' ? 'generate' : 'rows',
    count: field(body, 'count').trim(),
    period: field(body, 'period'),
    firstDueDate: field(body, 'firstDueDate').trim(),
    rows,
  };
}

/** The API request the form stands for: the chosen schedule only, the other one ignored. */
function toCreateRequest(form: PledgeForm): Record<string, unknown> {
  // Amounts as typed in the user's language ("150 000,50" in French) read as the API reads them.
  const request: Record<string, unknown> = {
    fund: form.fund,
    donorId: form.donorId,
    currency: form.currency,
    amount: readAmount(form.amount),
    announcedOn: form.announcedOn,
  };
  if (form.earmark !== '') request.earmark = form.earmark;
  if (form.scheduleMode === 'generate') {
    request.generate = {
      count: /^\d+$/.test(form.count) ? Number(form.count) : form.count,
      period: form.period,
      firstDueDate: form.firstDueDate,
    };
  } else if (form.rows.length > 0) {
    request.instalments = form.rows.map((row) => ({
      dueDate: row.dueDate,
      amount: readAmount(row.amount),
    }));
  }
  return request;
}
