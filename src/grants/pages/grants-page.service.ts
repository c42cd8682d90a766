import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ApprovalsService } from '../../approvals/approvals.service';
import { BankAccountsService } from '../../bank-accounts/bank-accounts.service';
import { todayUtc } from '../../common/calendar-date';
import { AppError } from '../../common/errors/app-error';
import { FieldError } from '../../common/errors/problem';
import { money } from '../../pledges/pledges-page.service';
import { field, formKey, isFormRefusal, validated } from '../../web/page-forms';
import { FormBody, pageLinks, PageResult } from '../../web/page-response';
import { Viewer, ViewRenderer } from '../../web/view-renderer';
import {
  CancelGrantRequest,
  DisburseGrantRequest,
  SettleGrantRequest,
} from '../dto/grant-lifecycle.dto';
import {
  CheckEligibilityRequest,
  EligibilityResponse,
  GRANT_STATUSES,
  GrantResponse,
  GrantStatus,
  GrantSummaryResponse,
  ListGrantsQuery,
  RequestGrantRequest,
} from '../dto/grant.dto';
import { GRANT_KINDS, GrantKind } from '../eligibility';
import { GrantLifecycleService } from '../grant-lifecycle.service';
import { GRANT_APPROVAL, GrantsService } from '../grants.service';
import { GrantsPagesRepository } from './grants-pages.repository';

const PAGE_SIZE = 50;
const WRITERS = ['finance_officer'];

export const GRANT_STATUS_LABELS: Record<GrantStatus, string> = {
  requested: 'Requested',
  approved: 'Approved',
  disbursed: 'Disbursed',
  settled: 'Settled',
  cancelled: 'Cancelled',
};

export const GRANT_KIND_LABELS: Record<GrantKind, string> = {
  full: 'Full (ticket and allowance)',
  'partial-ticket': 'Partial: air ticket',
  'partial-allowance': 'Partial: daily allowance',
  remote: 'Remote participation',
};

const COUNTRY_STATUS_LABELS: Record<string, string> = {
  ldc: 'Least Developed Country',
  developing: 'Developing country',
  other: 'Neither LDC nor developing',
};

const DONE_NOTICES: Record<string, string> = {
  recorded: 'Grant request recorded.',
  approval: 'Approval requested: the grant is committed once another person approves it.',
  disbursed: 'Advance paid and posted to the ledger.',
  settled: 'Grant settled and posted to the ledger.',
  'settlement-approval':
    'The actual cost is above the advance: the settlement was sent for approval.',
  cancelled: 'Grant cancelled: what was committed for it is released.',
};

/** The detail page's forms of the grant's lifecycle (when GrantLifecycleService is there). */
export const GRANT_STEPS = ['disbursement', 'settlement', 'cancellation'] as const;
export type GrantStepAction = (typeof GRANT_STEPS)[number];

interface GrantForm {
  eventId: string;
  participantId: string;
  kind: string;
  ticket: string;
  allowance: string;
  decisionDate: string;
  exceptionReason: string;
}

type StepValues = Record<string, string>;

interface StepState {
  action: GrantStepAction | 'approval';
  values: StepValues;
  errors: Record<string, string>;
  formError: string | null;
}

/**
 * The grant pages: the list by status, the request form (with a check of the eligibility rules
 * that writes nothing), the grant's page with its eligibility, steps, commitments, donors and
 * entries, and the forms of its lifecycle. Every form goes through the API's validation and the
 * grants' services, so a page can do nothing the API would refuse.
 */
@Injectable()
export class GrantsPageService {
  constructor(
    private readonly grants: GrantsService,
    private readonly choices: GrantsPagesRepository,
    private readonly bankAccounts: BankAccountsService,
    private readonly approvals: ApprovalsService,
    private readonly lifecycleService: GrantLifecycleService,
    private readonly views: ViewRenderer,
  ) {}

  async list(query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const raw: Record<string, string> = {};
    for (const name of ['status', 'offset']) {
      const value = query[name];
      if (typeof value === 'string' && value.trim() !== '') raw[name] = value.trim();
    }
    let error: string | null = null;
    let parsed: ListGrantsQuery = {};
    try {
      parsed = await validated(ListGrantsQuery, {
        ...raw,
        ...(raw.offset === undefined ? {} : { offset: Number(raw.offset) }),
      });
    } catch (caught) {
      if (!(caught instanceof AppError) || caught.status !== 422) throw caught;
      error = caught.detail;
    }
    const offset = parsed.offset ?? 0;
    const result =
      error === null
        ? await this.grants.list(viewer.actor!, { ...parsed, limit: PAGE_SIZE, offset })
        : { items: [] as GrantSummaryResponse[], total: 0 };
    const href = (status: string | undefined, at = 0): string => {
      const params = new URLSearchParams();
      if (status !== undefined && status !== '') params.set('status', status);
      if (at > 0) params.set('offset', String(at));
      const search = params.toString();
      return search === '' ? '/grants' : `/grants?${search}`;
    };
    const status = error === null ? (parsed.status ?? '') : '';
    return this.views.render(
      'grants',
      {
        title: 'Participation grants',
        active: 'grant-requests',
        error,
        tabs: [
          { label: 'All', status: 'all', href: href(undefined), current: status === '' },
          ...GRANT_STATUSES.map((value) => ({
            label: GRANT_STATUS_LABELS[value],
            status: value,
            href: href(value),
            current: status === value,
          })),
        ],
        grants: result.items.map(toRow),
        ...pageLinks(result, offset, PAGE_SIZE, (next) => href(status, next)),
        canCreate: mayWrite(viewer),
      },
      viewer,
    );
  }

  newForm(query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const form: GrantForm = {
      eventId: typeof query.eventId === 'string' ? query.eventId : '',
      participantId: typeof query.participantId === 'string' ? query.participantId : '',
      kind: 'full',
      ticket: '',
      allowance: '',
      decisionDate: todayUtc(),
      exceptionReason: '',
    };
    return this.renderForm(form, viewer, {});
  }

  /**
   * The request form's two buttons: 'check' asks the eligibility rules and shows what they say,
   * writing nothing; anything else records the request (refused by the rules, the form comes
   * back with the rules that failed and the exception's reason to give).
   */
  async submit(body: FormBody, viewer: Viewer): Promise<PageResult> {
    const form = readGrantForm(body);
    if (field(body, 'action') === 'check') {
      try {
        const valid = await validated(CheckEligibilityRequest, {
          eventId: form.eventId,
          participantId: form.participantId,
          kind: form.kind,
          ...(form.decisionDate === '' ? {} : { decisionDate: form.decisionDate }),
        });
        const eligibility = await this.grants.checkEligibility(viewer.actor!, valid);
        return { status: 200, html: await this.renderForm(form, viewer, { eligibility }) };
      } catch (error) {
        if (!isFormRefusal(error)) throw error;
        const html = await this.renderForm(form, viewer, { errors: error.errors ?? [] });
        return { status: 422, html };
      }
    }
    const request = toRequestGrant(form);
    try {
      const valid = await validated(RequestGrantRequest, request);
      const result = await this.grants.request(
        viewer.actor!,
        valid,
        formKey(body, '/grants', request),
      );
      return { redirect: `/grants/${result.body.id}?done=recorded` };
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      const ineligible = error.code === 'grant-ineligible';
      const html = await this.renderForm(form, viewer, {
        errors: ineligible ? [] : (error.errors ?? []),
        formError: ineligible || (error.errors ?? []).length > 0 ? null : error.detail,
        refused: ineligible
          ? (error.errors ?? []).map((failed) => ({ rule: failed.rule, reason: failed.reason }))
          : null,
      });
      return { status: error.status === 404 ? 422 : error.status, html };
    }
  }

  async detail(id: string, query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const grant = await this.grants.get(viewer.actor!, id);
    return this.renderDetail(grant, viewer, { query });
  }

  /** Asks a second person to approve; refused, the page says why. */
  async requestApproval(id: string, body: FormBody, viewer: Viewer): Promise<PageResult> {
    try {
      const result = await this.grants.requestApproval(
        viewer.actor!,
        id,
        formKey(body, `/grants/${id}/approval`, {}),
      );
      return { redirect: `/grants/${id}?done=approval&approval=${result.body.id}` };
    } catch (error) {
      if (!isFormRefusal(error)) throw error;
      const grant = await this.grants.get(viewer.actor!, id);
      const html = await this.renderDetail(grant, viewer, {
        state: { action: 'approval', values: {}, errors: {}, formError: describe(error) },
      });
      return { status: error.status, html };
    }
  }

  /** Disbursement, settlement or cancellation; refused, the form comes back filled. */
  async step(
    id: string,
    action: GrantStepAction,
    body: FormBody,
    viewer: Viewer,
  ): Promise<PageResult> {
    const lifecycle = this.lifecycle();
    if (lifecycle === null) return { redirect: `/grants/${id}` };
    const values: StepValues = {};
    const names = {
      disbursement: ['date', 'bankAccount', 'amount'],
      settlement: ['date', 'actualCost', 'bankAccount'],
      cancellation: ['date', 'reason'],
    }[action];
    for (const name of names) values[name] = field(body, name).trim();
    const request = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== ''));
    const path = `/grants/${id}/${action}`;
    const actor = viewer.actor!;
    try {
      const key = formKey(body, path, request);
      if (action === 'disbursement') {
        await lifecycle.disburse(actor, id, await validated(DisburseGrantRequest, request), key);
        return { redirect: `/grants/${id}?done=disbursed` };
      }
      if (action === 'settlement') {
        const result = await lifecycle.settle(
          actor,
          id,
          await validated(SettleGrantRequest, request),
          key,
        );
        return {
          redirect:
            result.status === 202
              ? `/grants/${id}?done=settlement-approval&approval=${result.body.id}`
              : `/grants/${id}?done=settled`,
        };
      }
      await lifecycle.cancel(actor, id, await validated(CancelGrantRequest, request), key);
      return { redirect: `/grants/${id}?done=cancelled` };
    } catch (error) {
      if (!isFormRefusal(error)) throw error;
      const errors = fieldMessages(error.errors ?? []);
      const placed = Object.keys(errors).some((name) => names.includes(name));
      const grant = await this.grants.get(actor, id);
      const html = await this.renderDetail(grant, viewer, {
        state: { action, values, errors, formError: placed ? null : describe(error) },
      });
      return { status: error.status, html };
    }
  }

  /** The approval request waiting for the grant, if one is. */
  private async pendingApproval(grantId: string): Promise<string | null> {
    const pending = await this.approvals.list({
      status: 'pending',
      kind: GRANT_APPROVAL,
      limit: 1000,
    });
    return pending.find((request) => request.subject === `grant:${grantId}`)?.id ?? null;
  }

  /** The lifecycle of grants after approval (disbursement, settlement, cancellation). */
  private lifecycle(): GrantLifecycleService | null {
    return this.lifecycleService;
  }

  private async renderForm(
    form: GrantForm,
    viewer: Viewer,
    options: {
      errors?: readonly FieldError[];
      formError?: string | null;
      eligibility?: EligibilityResponse;
      refused?: { rule: string; reason: string }[] | null;
    },
  ): Promise<string> {
    const [events, participants] = await Promise.all([
      this.choices.events(),
      this.choices.participants(),
    ]);
    const errors = fieldMessages(options.errors ?? []);
    const summary = Object.entries(errors).map(([name, message]) => ({
      href: `#${name}`,
      message,
    }));
    const eligibility = options.eligibility;
    return this.views.render(
      'grant-form',
      {
        title: 'Request a participation grant',
        active: 'grant-requests',
        formError: options.formError ?? null,
        errorSummary: summary,
        errors,
        form,
        eventOptions: events.map((event) => ({
          value: event.id,
          label: `${event.code} — ${event.name} (${event.starts_on})`,
          selected: event.id === form.eventId,
        })),
        participantOptions: participants.map((person) => ({
          value: person.id,
          label: `${person.name} (${person.country}, ${person.organisation})`,
          selected: person.id === form.participantId,
        })),
        kindOptions: GRANT_KINDS.map((kind) => ({
          value: kind,
          label: GRANT_KIND_LABELS[kind],
          selected: kind === form.kind,
        })),
        eligibility:
          eligibility === undefined
            ? null
            : {
                eligible: eligibility.eligible,
                decisionDate: eligibility.decisionDate,
                countryStatus:
                  COUNTRY_STATUS_LABELS[eligibility.countryStatus] ?? eligibility.countryStatus,
                region: eligibility.region,
                failed: eligibility.failed,
              },
        refused: options.refused ?? null,
        exceptionWanted:
          (options.refused ?? []).length > 0 ||
          (eligibility !== undefined && !eligibility.eligible),
        formKey: randomUUID(),
      },
      viewer,
    );
  }

  private async renderDetail(
    grant: GrantResponse,
    viewer: Viewer,
    options: { query?: Record<string, unknown>; state?: StepState },
  ): Promise<string> {
    const done = typeof options.query?.done === 'string' ? options.query.done : '';
    const approval = typeof options.query?.approval === 'string' ? options.query.approval : '';
    const canWrite = mayWrite(viewer);
    const lifecycle = canWrite ? this.lifecycle() : null;
    const state = options.state;
    const today = todayUtc();
    const formOf = (action: GrantStepAction, defaults: StepValues): Record<string, unknown> => {
      const mine = state?.action === action ? state : undefined;
      return {
        values: { ...defaults, ...(mine?.values ?? {}) },
        errors: mine?.errors ?? {},
        formError: mine?.formError ?? null,
        open: mine !== undefined,
      };
    };
    const accounts =
      lifecycle === null
        ? []
        : (await this.bankAccounts.find({})).items.filter((account) => account.fund === grant.fund);
    const accountOptions = (chosen: string | undefined) =>
      accounts.map((account) => ({
        value: account.code,
        label: `${account.code} — ${account.name} (${account.currency})`,
        selected: account.code === chosen,
      }));
    const values = (action: GrantStepAction) =>
      state?.action === action ? state.values : ({} as StepValues);
    const status = grant.status;
    const waiting = status === 'requested' ? await this.pendingApproval(grant.id) : null;
    const entries = new Map(grant.entries.map((entry) => [entry.id, entry]));
    return this.views.render(
      'grant',
      {
        title: `Grant ${grant.number}`,
        active: 'grant-requests',
        notice: DONE_NOTICES[done] ?? null,
        approvalId: approval === '' ? null : approval,
        grant: {
          ...toRow(grant),
          fund: grant.fund,
          ticket: grant.ticket === null ? null : money(grant.ticket),
          allowance: grant.allowance === null ? null : money(grant.allowance),
          decisionDate: grant.decisionDate,
          gender: grant.participant.gender,
          stakeholderGroup: grant.participant.stakeholderGroup,
          committed: money(grant.committed),
          createdBy: grant.createdBy,
          createdAt: grant.createdAt,
          exceptionReason: grant.exceptionReason,
        },
        eligibility: {
          eligible: grant.eligibility.eligible,
          countryStatus:
            COUNTRY_STATUS_LABELS[grant.eligibility.countryStatus] ??
            grant.eligibility.countryStatus,
          region: grant.eligibility.region,
          decisionDate: grant.eligibility.decisionDate,
          failed: grant.eligibility.failed,
        },
        steps: grant.steps.map((step) => ({
          kind: step.kind,
          label: GRANT_STATUS_LABELS[step.kind as GrantStatus] ?? step.kind,
          on: step.on,
          amount: step.amount === null ? null : money(step.amount),
          reason: step.reason,
          approvalId: step.approvalId,
          entry: entryLink(step.entryId, entries),
          actor: step.actor,
          at: step.at,
        })),
        attributions: grant.attributions.map((row) => ({
          donorName: row.donorName,
          donorHref: `/donors/${row.donorId}`,
          amount: money(row.amount),
        })),
        entries: grant.entries.map((entry) => ({
          id: entry.id,
          number: entry.number,
          date: entry.date,
          description: entry.description,
          lines: entry.lines.map((line) => ({
            account: `${line.account.code} ${line.account.name}`,
            debit: line.debit === null ? '' : money(line.debit),
            credit: line.credit === null ? '' : money(line.credit),
            functional: money(line.functional),
          })),
        })),
        canWrite,
        approvalError: state?.action === 'approval' ? state.formError : null,
        waitingApproval: waiting,
        canAskApproval: canWrite && status === 'requested' && waiting === null,
        lifecycleMissing: canWrite && lifecycle === null,
        actions:
          lifecycle === null
            ? null
            : {
                disbursement:
                  status === 'approved'
                    ? {
                        ...formOf('disbursement', {
                          date: today,
                          amount: grant.committed.amount,
                          bankAccount: '',
                        }),
                        accountOptions: accountOptions(values('disbursement').bankAccount),
                      }
                    : null,
                settlement:
                  status === 'disbursed'
                    ? {
                        ...formOf('settlement', { date: today, actualCost: '', bankAccount: '' }),
                        accountOptions: accountOptions(values('settlement').bankAccount),
                      }
                    : null,
                cancellation:
                  status === 'requested' || status === 'approved'
                    ? formOf('cancellation', { date: today, reason: '' })
                    : null,
              },
        formKey: randomUUID(),
      },
      viewer,
    );
  }
}

function mayWrite(viewer: Viewer): boolean {
  return viewer.actor?.roles.some((role) => WRITERS.includes(role)) ?? false;
}

function entryLink(
  id: string | null,
  entries: Map<string, { id: string; number: string }>,
): { number: string; href: string } | null {
  const entry = id === null ? undefined : entries.get(id);
  return entry === undefined ? null : { number: entry.number, href: `#entry-${entry.id}` };
}

function describe(error: AppError): string {
  const reasons = (error.errors ?? []).map((failed) => failed.reason);
  return reasons.length > 0 ? `${error.detail} (${reasons.join('; ')})` : error.detail;
}

function fieldMessages(errors: readonly FieldError[]): Record<string, string> {
  const messages: Record<string, string> = {};
  for (const error of errors) {
    const name = error.field.startsWith('exception') ? 'exceptionReason' : error.field;
    messages[name] ??= error.reason;
  }
  return messages;
}

function toRow(grant: GrantSummaryResponse): Record<string, unknown> & { id: string } {
  return {
    id: grant.id,
    href: `/grants/${grant.id}`,
    number: grant.number,
    event: grant.event,
    eventHref: `/grant-events/${grant.event.id}`,
    participant: grant.participant,
    country: grant.participant.country,
    kind: grant.kind,
    kindLabel: GRANT_KIND_LABELS[grant.kind] ?? grant.kind,
    amount: money(grant.amount),
    status: grant.status,
    statusLabel: GRANT_STATUS_LABELS[grant.status] ?? grant.status,
    exception: grant.exceptionReason !== null,
  };
}

function readGrantForm(body: FormBody): GrantForm {
  return {
    eventId: field(body, 'eventId').trim(),
    participantId: field(body, 'participantId').trim(),
    kind: field(body, 'kind').trim(),
    ticket: field(body, 'ticket').trim(),
    allowance: field(body, 'allowance').trim(),
    decisionDate: field(body, 'decisionDate').trim(),
    exceptionReason: field(body, 'exceptionReason').trim(),
  };
}

/** The API request the form stands for: empty fields are not sent. */
function toRequestGrant(form: GrantForm): Record<string, unknown> {
  const request: Record<string, unknown> = {
    eventId: form.eventId,
    participantId: form.participantId,
    kind: form.kind,
  };
  if (form.ticket !== '') request.ticket = form.ticket;
  if (form.allowance !== '') request.allowance = form.allowance;
  if (form.decisionDate !== '') request.decisionDate = form.decisionDate;
  if (form.exceptionReason !== '') request.exception = { reason: form.exceptionReason };
  return request;
}
