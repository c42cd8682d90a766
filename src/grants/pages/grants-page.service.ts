import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ApprovalsService } from '../../approvals/approvals.service';
import { BankAccountsService } from '../../bank-accounts/bank-accounts.service';
import { todayUtc } from '../../common/calendar-date';
import { AppError } from '../../common/errors/app-error';
import { FieldError } from '../../common/errors/problem';
import { money } from '../../pledges/pledges-page.service';
import { field, formKey, isFormRefusal, validated, validatedWith } from '../../web/page-forms';
import { FormBody, pageLinks, PageResult } from '../../web/page-response';
import { currentLanguage, formatNumber, hasUiText, readAmount, uiText } from '../../web/ui-i18n';
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
  GrantSummaryResponse,
  ListGrantsQuery,
  RequestGrantRequest,
} from '../dto/grant.dto';
import { GRANT_KINDS } from '../eligibility';
import { GrantLifecycleService } from '../grant-lifecycle.service';
import { GRANT_APPROVAL, GrantsService } from '../grants.service';
import { GrantsPagesRepository } from './grants-pages.repository';
import {
  countryStatusLabel,
  EligibilityContext,
  failedRuleText,
  fieldText,
  genderLabel,
  grantKindLabel,
  grantStatusLabel,
  regionLabel,
  stakeholderGroupLabel,
} from './grant-page-text';

const PAGE_SIZE = 50;
const WRITERS = ['finance_officer'];

/** The notices of a done action (`?done=`), grants.detail.notices.<done> in the catalogue. */
const DONE_NOTICES = [
  'recorded',
  'approval',
  'disbursed',
  'settled',
  'settlement-approval',
  'cancelled',
] as const;

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
        title: uiText('grants.list.title'),
        active: 'grant-requests',
        error,
        tabs: [
          {
            label: uiText('grants.list.all'),
            status: 'all',
            href: href(undefined),
            current: status === '',
          },
          ...GRANT_STATUSES.map((value) => ({
            label: grantStatusLabel(value),
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
        formError: ineligible || (error.errors ?? []).length > 0 ? null : errorText(error),
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
    // Amounts as the user typed them in their language ("1 234,50"), read for the API.
    const request = Object.fromEntries(
      Object.entries(values)
        .filter(([, value]) => value !== '')
        .map(([name, value]) => [name, AMOUNT_FIELDS.includes(name) ? readAmount(value) : value]),
    );
    // Each of these posts to the ledger (or releases a commitment) for good: a ticked box says so.
    const confirmed = body.confirm !== undefined;
    const unconfirmed: FieldError[] = confirmed
      ? []
      : [{ field: 'confirm', rule: 'confirmed', reason: uiText('grants.fieldErrors.confirm') }];
    const path = `/grants/${id}/${action}`;
    const actor = viewer.actor!;
    try {
      const key = formKey(body, path, request);
      if (action === 'disbursement') {
        const valid = await validatedWith(DisburseGrantRequest, request, unconfirmed);
        await lifecycle.disburse(actor, id, valid, key);
        return { redirect: `/grants/${id}?done=disbursed` };
      }
      if (action === 'settlement') {
        const result = await lifecycle.settle(
          actor,
          id,
          await validatedWith(SettleGrantRequest, request, unconfirmed),
          key,
        );
        return {
          redirect:
            result.status === 202
              ? `/grants/${id}?done=settlement-approval&approval=${result.body.id}`
              : `/grants/${id}?done=settled`,
        };
      }
      const valid = await validatedWith(CancelGrantRequest, request, unconfirmed);
      await lifecycle.cancel(actor, id, valid, key);
      return { redirect: `/grants/${id}?done=cancelled` };
    } catch (error) {
      if (!isFormRefusal(error)) throw error;
      const errors = fieldMessages(error.errors ?? []);
      const placed = Object.keys(errors).some((name) => [...names, 'confirm'].includes(name));
      const grant = await this.grants.get(actor, id);
      const html = await this.renderDetail(grant, viewer, {
        state: {
          action,
          values: { ...values, confirm: confirmed ? 'true' : '' },
          errors,
          formError: placed ? null : describe(error),
        },
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
    const event = events.find((row) => row.id === form.eventId);
    const context: EligibilityContext = {
      country: participants.find((row) => row.id === form.participantId)?.country ?? '',
      decisionDate: eligibility?.decisionDate ?? (form.decisionDate || todayUtc()),
      kind: form.kind,
      eventRule: event?.eligibility_rule,
      countryStatus: eligibility?.countryStatus,
    };
    const failed = (rules: readonly { rule: string; reason: string }[]) =>
      rules.map((rule) => ({ rule: rule.rule, reason: failedRuleText(rule, context) }));
    return this.views.render(
      'grant-form',
      {
        title: uiText('grants.form.title'),
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
          label: grantKindLabel(kind),
          selected: kind === form.kind,
        })),
        // The amount inputs' placeholders, as amounts are written in the page's language.
        placeholders: { ticket: formatNumber('1450.00'), allowance: formatNumber('1200.00') },
        eligibility:
          eligibility === undefined
            ? null
            : {
                eligible: eligibility.eligible,
                decisionDate: eligibility.decisionDate,
                countryStatus: countryStatusLabel(eligibility.countryStatus),
                region: eligibility.region === null ? null : regionLabel(eligibility.region),
                failed: failed(eligibility.failed),
              },
        refused: options.refused ? failed(options.refused) : null,
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
    const context: EligibilityContext = {
      country: grant.participant.country,
      decisionDate: grant.eligibility.decisionDate,
      kind: grant.kind,
      countryStatus: grant.eligibility.countryStatus,
    };
    return this.views.render(
      'grant',
      {
        title: uiText('grants.detail.title', { number: grant.number }),
        active: 'grant-requests',
        notice: (DONE_NOTICES as readonly string[]).includes(done)
          ? uiText(`grants.detail.notices.${done}`)
          : null,
        approvalId: approval === '' ? null : approval,
        grant: {
          ...toRow(grant),
          fund: grant.fund,
          ticket: grant.ticket === null ? null : money(grant.ticket),
          allowance: grant.allowance === null ? null : money(grant.allowance),
          decisionDate: grant.decisionDate,
          gender: genderLabel(grant.participant.gender),
          stakeholderGroup: stakeholderGroupLabel(grant.participant.stakeholderGroup),
          committed: money(grant.committed),
          createdBy: grant.createdBy,
          createdAt: grant.createdAt,
          exceptionReason: grant.exceptionReason,
        },
        eligibility: {
          eligible: grant.eligibility.eligible,
          countryStatus: countryStatusLabel(grant.eligibility.countryStatus),
          region: grant.eligibility.region === null ? null : regionLabel(grant.eligibility.region),
          decisionDate: grant.eligibility.decisionDate,
          failed: grant.eligibility.failed.map((rule) => ({
            rule: rule.rule,
            reason: failedRuleText(rule, context),
          })),
        },
        steps: grant.steps.map((step) => ({
          kind: step.kind,
          label: grantStatusLabel(step.kind),
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
                          // What is committed, written as the page's language writes amounts.
                          amount: formatNumber(grant.committed.amount),
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

/** A refusal's detail in the page's language: the catalogue's text of its code, if it has one. */
function errorText(error: AppError): string {
  const key = `grants.errors.${error.code}`;
  return currentLanguage() !== 'en' && hasUiText(key) ? uiText(key) : error.detail;
}

function describe(error: AppError): string {
  const reasons = (error.errors ?? []).map((failed) => fieldText(failed));
  const detail = errorText(error);
  return reasons.length > 0 ? `${detail} (${reasons.join('; ')})` : detail;
}

/** The fields whose value is an amount typed in the user's language. */
const AMOUNT_FIELDS = ['ticket', 'allowance', 'amount', 'actualCost'];

/** The message beside each field, the first error of each, in the page's language. */
function fieldMessages(errors: readonly FieldError[]): Record<string, string> {
  const messages: Record<string, string> = {};
  for (const error of errors) {
    const name = error.field.startsWith('exception') ? 'exceptionReason' : error.field;
    messages[name] ??= fieldText(error, ownText(name, error.rule));
  }
  return messages;
}

/** The pages' own words for a field's error outside English, where they say it better. */
function ownText(name: string, rule: string): string | undefined {
  if (name === 'confirm') return uiText('grants.fieldErrors.confirm');
  if ((name === 'eventId' || name === 'participantId') && ['isUuid', 'exists'].includes(rule)) {
    return uiText(`grants.fieldErrors.${name}`);
  }
  if (name === 'kind' && rule === 'isIn') return uiText('grants.fieldErrors.kind');
  if ((name === 'date' || name === 'decisionDate') && rule === 'isCalendarDate') {
    return uiText('grants.fieldErrors.date');
  }
  if (name === 'bankAccount' && rule === 'matches') return uiText('grants.fieldErrors.bankAccount');
  if (AMOUNT_FIELDS.includes(name) && rule === 'matches') {
    return uiText('grants.fieldErrors.amountFormat', { example: formatNumber('1450.00') });
  }
  if (name === 'exceptionReason' && rule === 'isLength') {
    return uiText('grants.fieldErrors.exceptionReason');
  }
  if (name === 'reason' && ['isLength', 'isString'].includes(rule)) {
    return uiText('grants.fieldErrors.reason');
  }
  return undefined;
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
    kindLabel: grantKindLabel(grant.kind),
    amount: money(grant.amount),
    status: grant.status,
    statusLabel: grantStatusLabel(grant.status),
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
  if (form.ticket !== '') request.ticket = readAmount(form.ticket);
  if (form.allowance !== '') request.allowance = readAmount(form.allowance);
  if (form.decisionDate !== '') request.decisionDate = form.decisionDate;
  if (form.exceptionReason !== '') request.exception = { reason: form.exceptionReason };
  return request;
}
