import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { FieldError } from '../common/errors/problem';
import { FundsService } from '../funds/funds.service';
import { money } from '../pledges/pledges-page.service';
import { earmarkGroups, field, formKey, isFormRefusal, validated } from '../web/page-forms';
import { FormBody, pageLinks, PageResult } from '../web/page-response';
import { Viewer, ViewRenderer } from '../web/view-renderer';
import {
  CreateGrantEventRequest,
  DEFAULT_EVENT_EARMARK,
  DEFAULT_EVENT_FUND,
  ELIGIBILITY_RULES,
  GRANT_STATUSES,
  GrantEventResponse,
  ListGrantEventsQuery,
} from './dto/grant-event.dto';
import { ELIGIBILITY_RULE_LABELS, GRANT_KIND_LABELS, GRANT_STATUS_LABELS } from './grant-labels';
import { GrantEventsService } from './grant-events.service';

const PAGE_SIZE = 25;
const WRITERS = ['finance_officer'];

const DONE_NOTICES: Record<string, string> = {
  created: 'Event set up. Grants can now be requested for it.',
};

interface EventForm {
  fund: string;
  earmark: string;
  code: string;
  name: string;
  place: string;
  startsOn: string;
  endsOn: string;
  budget: string;
  eligibilityRule: string;
  offerFull: boolean;
  offerPartialTicket: boolean;
  offerPartialAllowance: boolean;
  offerRemote: boolean;
  remoteAmount: string;
}

/**
 * The event pages: the list, the set-up form and an event's page with its offers, rule, budget
 * and grants. The form goes through the API's validation and GrantEventsService, so a page can
 * do nothing the API would refuse.
 */
@Injectable()
export class GrantEventsPageService {
  constructor(
    private readonly events: GrantEventsService,
    private readonly funds: FundsService,
    private readonly views: ViewRenderer,
  ) {}

  async list(query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const raw: Record<string, string> = {};
    for (const name of ['fund', 'offset']) {
      const value = query[name];
      if (typeof value === 'string' && value.trim() !== '') raw[name] = value.trim();
    }
    let error: string | null = null;
    let parsed: ListGrantEventsQuery = {};
    try {
      parsed = await validated(ListGrantEventsQuery, raw);
    } catch (caught) {
      if (!(caught instanceof AppError) || caught.status !== 422) throw caught;
      error = caught.detail;
    }
    const offset = parsed.offset ?? 0;
    let result = { items: [] as GrantEventResponse[], total: 0 };
    if (error === null) {
      try {
        result = await this.events.list(viewer.actor!, { ...parsed, limit: PAGE_SIZE, offset });
      } catch (caught) {
        if (!(caught instanceof AppError) || caught.status !== 422) throw caught;
        error = caught.detail;
      }
    }
    const href = (at: number): string => {
      const params = new URLSearchParams(Object.entries(raw).filter(([name]) => name !== 'offset'));
      if (at > 0) params.set('offset', String(at));
      const search = params.toString();
      return search === '' ? '/grant-events' : `/grant-events?${search}`;
    };
    const funds = await this.funds.list();
    return this.views.render(
      'grant-events',
      {
        title: 'Events and programmes',
        active: 'grants',
        error,
        fundOptions: funds.map((fund) => ({
          value: fund.code,
          label: `${fund.code} — ${fund.name}`,
          selected: fund.code === raw.fund,
        })),
        events: result.items.map(toRow),
        ...pageLinks(result, offset, PAGE_SIZE, href),
        canCreate: mayWrite(viewer),
      },
      viewer,
    );
  }

  async newForm(viewer: Viewer): Promise<string> {
    const form: EventForm = {
      fund: DEFAULT_EVENT_FUND,
      earmark: DEFAULT_EVENT_EARMARK,
      code: '',
      name: '',
      place: '',
      startsOn: '',
      endsOn: '',
      budget: '',
      eligibilityRule: 'ldc-and-developing',
      offerFull: true,
      offerPartialTicket: true,
      offerPartialAllowance: true,
      offerRemote: false,
      remoteAmount: '',
    };
    return this.renderForm(form, [], null, viewer);
  }

  async create(body: FormBody, viewer: Viewer): Promise<PageResult> {
    const form = readForm(body);
    const request = toCreateRequest(form);
    try {
      const valid = await validated(CreateGrantEventRequest, request);
      const result = await this.events.create(
        viewer.actor!,
        valid,
        formKey(body, '/grant-events', request),
      );
      return { redirect: `/grant-events/${result.body.id}?done=created` };
    } catch (error) {
      if (!isFormRefusal(error)) throw error;
      const errors = error.errors ?? [];
      const html = await this.renderForm(
        form,
        errors,
        errors.length > 0 ? null : error.detail,
        viewer,
      );
      return { status: error.status, html };
    }
  }

  async detail(id: string, query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const actor = viewer.actor!;
    const event = await this.events.get(actor, id);
    const grants = await this.events.grants(actor, id);
    const done = typeof query.done === 'string' ? query.done : '';
    const offers = event.offers;
    return this.views.render(
      'grant-event',
      {
        title: `${event.code} — ${event.name}`,
        active: 'grants',
        notice: DONE_NOTICES[done] ?? null,
        event: {
          ...toRow(event),
          createdBy: event.createdBy,
          createdAt: event.createdAt,
        },
        offers: [
          { offered: offers.full, label: GRANT_KIND_LABELS.full, amount: null },
          {
            offered: offers.partialTicket,
            label: GRANT_KIND_LABELS['partial-ticket'],
            amount: null,
          },
          {
            offered: offers.partialAllowance,
            label: GRANT_KIND_LABELS['partial-allowance'],
            amount: null,
          },
          {
            offered: offers.remote,
            label: GRANT_KIND_LABELS.remote,
            amount: offers.remoteAmount === null ? null : money(offers.remoteAmount),
          },
        ],
        summary: {
          count: event.grants.count,
          amount: money(event.grants.amount),
          committed: money(event.grants.committed),
          byStatus: GRANT_STATUSES.filter((status) => event.grants.byStatus[status] > 0).map(
            (status) => ({
              status,
              label: GRANT_STATUS_LABELS[status],
              count: event.grants.byStatus[status],
            }),
          ),
        },
        grants: grants.map((grant) => ({
          id: grant.id,
          href: `/grants/${grant.id}`,
          number: grant.number,
          participant: grant.participant,
          participantHref: `/participants/${grant.participant.id}`,
          kind: grant.kind,
          kindLabel: GRANT_KIND_LABELS[grant.kind] ?? grant.kind,
          amount: money(grant.amount),
          decisionDate: grant.decisionDate,
          status: grant.status,
          statusLabel: GRANT_STATUS_LABELS[grant.status] ?? grant.status,
        })),
      },
      viewer,
    );
  }

  private async renderForm(
    form: EventForm,
    errors: readonly FieldError[],
    formError: string | null,
    viewer: Viewer,
  ): Promise<string> {
    const funds = await this.funds.list();
    const fields: Record<string, string> = {};
    const summary: { href: string; message: string }[] = [];
    for (const error of errors) {
      const name = formField(error.field);
      if (fields[name] !== undefined) continue;
      fields[name] = groupAmounts(error.reason);
      summary.push({ href: `#${name}`, message: `${FIELD_LABELS[name] ?? name}: ${fields[name]}` });
    }
    return this.views.render(
      'grant-event-form',
      {
        title: 'New event or programme',
        active: 'grants',
        formError,
        errorSummary: summary,
        errors: fields,
        form,
        fundOptions: funds.map((fund) => ({
          value: fund.code,
          label: `${fund.code} — ${fund.name} (${fund.functionalCurrency})`,
          selected: fund.code === form.fund,
        })),
        earmarkGroups: earmarkGroups(funds, form.earmark),
        ruleOptions: ELIGIBILITY_RULES.map((rule) => ({
          value: rule,
          label: ELIGIBILITY_RULE_LABELS[rule],
          checked: rule === form.eligibilityRule,
        })),
        formKey: randomUUID(),
      },
      viewer,
    );
  }
}

const FIELD_LABELS: Record<string, string> = {
  fund: 'Fund',
  earmark: 'Earmark',
  code: 'Code',
  name: 'Name',
  place: 'Place',
  startsOn: 'Starts on',
  endsOn: 'Ends on',
  budget: 'Budget',
  eligibilityRule: 'Eligibility rule',
  offers: 'Grants offered',
  remoteAmount: 'Remote grant amount',
};

function mayWrite(viewer: Viewer): boolean {
  return viewer.actor?.roles.some((role) => WRITERS.includes(role)) ?? false;
}

/** The API's field names → the form's ids. */
function formField(name: string): string {
  if (name === 'offers.remoteAmount') return 'remoteAmount';
  if (name.startsWith('offers')) return 'offers';
  return name;
}

/** "must not be more than the budget CHF 1000.00" → "… CHF 1,000.00", as amounts show. */
function groupAmounts(text: string): string {
  return text.replace(/\b([A-Z]{3}) (-?\d+(?:\.\d+)?)\b/g, (_, currency: string, amount: string) =>
    money({ currency, amount }),
  );
}

function toRow(event: GrantEventResponse): Record<string, unknown> & { id: string } {
  const offered = [
    event.offers.full ? 'full' : null,
    event.offers.partialTicket ? 'partial ticket' : null,
    event.offers.partialAllowance ? 'partial allowance' : null,
    event.offers.remote && event.offers.remoteAmount !== null
      ? `remote ${money(event.offers.remoteAmount)}`
      : null,
  ].filter((offer): offer is string => offer !== null);
  return {
    id: event.id,
    href: `/grant-events/${event.id}`,
    code: event.code,
    name: event.name,
    place: event.place,
    startsOn: event.startsOn,
    endsOn: event.endsOn,
    fund: event.fund,
    earmark: event.earmark,
    budget: money(event.budget),
    eligibilityRule: event.eligibilityRule,
    ruleLabel: ELIGIBILITY_RULE_LABELS[event.eligibilityRule],
    offered: offered.join(', '),
    grantCount: event.grants.count,
    committed: money(event.grants.committed),
    granted: money(event.grants.amount),
  };
}

function readForm(body: FormBody): EventForm {
  const checked = (name: string): boolean => body[name] !== undefined;
  return {
    fund: field(body, 'fund').trim(),
    earmark: field(body, 'earmark').trim(),
    code: field(body, 'code').trim().toUpperCase(),
    name: field(body, 'name').trim(),
    place: field(body, 'place').trim(),
    startsOn: field(body, 'startsOn').trim(),
    endsOn: field(body, 'endsOn').trim(),
    budget: field(body, 'budget').trim(),
    eligibilityRule: field(body, 'eligibilityRule'),
    offerFull: checked('offerFull'),
    offerPartialTicket: checked('offerPartialTicket'),
    offerPartialAllowance: checked('offerPartialAllowance'),
    offerRemote: checked('offerRemote'),
    remoteAmount: field(body, 'remoteAmount').trim(),
  };
}

/** The API request the form stands for; an empty remote amount is not sent. */
function toCreateRequest(form: EventForm): Record<string, unknown> {
  const offers: Record<string, unknown> = {
    full: form.offerFull,
    partialTicket: form.offerPartialTicket,
    partialAllowance: form.offerPartialAllowance,
    remote: form.offerRemote,
  };
  if (form.remoteAmount !== '') offers.remoteAmount = form.remoteAmount;
  return {
    fund: form.fund,
    earmark: form.earmark,
    code: form.code,
    name: form.name,
    place: form.place,
    startsOn: form.startsOn,
    endsOn: form.endsOn,
    budget: form.budget,
    eligibilityRule: form.eligibilityRule,
    offers,
  };
}
