import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { FieldError } from '../common/errors/problem';
import { FundsService } from '../funds/funds.service';
import { money } from '../pledges/pledges-page.service';
import {
  eligibilityRuleLabel,
  fieldText,
  grantKindLabel,
  grantStatusLabel,
} from '../grants/pages/grant-page-text';
import { earmarkGroups, field, formKey, isFormRefusal, validated } from '../web/page-forms';
import { FormBody, pageLinks, PageResult } from '../web/page-response';
import { formatNumber, readAmount, uiText } from '../web/ui-i18n';
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
import { GrantEventsService } from './grant-events.service';

const PAGE_SIZE = 25;
const WRITERS = ['finance_officer'];

/** The notices of a done action (`?done=`), events.detail.notices.<done> in the catalogue. */
const DONE_NOTICES = ['created'];

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
        title: uiText('events.list.title'),
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
        notice: DONE_NOTICES.includes(done) ? uiText(`events.detail.notices.${done}`) : null,
        event: {
          ...toRow(event),
          createdBy: event.createdBy,
          createdAt: event.createdAt,
        },
        offers: [
          { offered: offers.full, label: grantKindLabel('full'), amount: null },
          {
            offered: offers.partialTicket,
            label: grantKindLabel('partial-ticket'),
            amount: null,
          },
          {
            offered: offers.partialAllowance,
            label: grantKindLabel('partial-allowance'),
            amount: null,
          },
          {
            offered: offers.remote,
            label: grantKindLabel('remote'),
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
              label: grantStatusLabel(status),
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
          kindLabel: grantKindLabel(grant.kind),
          amount: money(grant.amount),
          decisionDate: grant.decisionDate,
          status: grant.status,
          statusLabel: grantStatusLabel(grant.status),
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
      fields[name] = groupAmounts(fieldText(error, ownText(name, error, form)));
      const label = FIELD_NAMES.includes(name) ? uiText(`events.fields.${name}`) : name;
      summary.push({
        href: `#${name}`,
        message: uiText('events.form.summaryItem', { label, message: fields[name] }),
      });
    }
    return this.views.render(
      'grant-event-form',
      {
        title: uiText('events.form.title'),
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
          label: eligibilityRuleLabel(rule),
          checked: rule === form.eligibilityRule,
        })),
        // The amount inputs' placeholders, as amounts are written in the page's language.
        placeholders: { budget: formatNumber('150000.00'), remoteAmount: formatNumber('300.00') },
        formKey: randomUUID(),
      },
      viewer,
    );
  }
}

/** The form's fields, each named in the catalogue (events.fields.<name>) for the summary. */
const FIELD_NAMES = [
  'fund',
  'earmark',
  'code',
  'name',
  'place',
  'startsOn',
  'endsOn',
  'budget',
  'eligibilityRule',
  'offers',
  'remoteAmount',
];

/** The page's own words for a field's error outside English, where it says it better. */
function ownText(name: string, error: FieldError, form: EventForm): string | undefined {
  const key = (rule: string) => `events.fieldErrors.${rule}`;
  switch (error.rule) {
    case 'unique':
      return name === 'code' ? uiText(key('codeTaken'), { code: form.code }) : undefined;
    case 'notBeforeStart':
      return uiText(key('endsBeforeStart'));
    case 'isCalendarDate':
      return uiText(key('date'));
    case 'atLeastOne':
    case 'requiredForRemote':
    case 'onlyForRemote':
    case 'withinBudget':
      return uiText(key(error.rule));
    case 'isIn':
      return name === 'eligibilityRule' ? uiText(key('eligibilityRule')) : undefined;
    case 'exists':
      return name === 'fund' || name === 'earmark' ? uiText(key(name)) : undefined;
    case 'matches':
    case 'isLength':
      if (name === 'budget' || name === 'remoteAmount') {
        return uiText(key('amountFormat'), { example: formatNumber('150000.00') });
      }
      if (['code', 'name', 'place', 'fund', 'earmark'].includes(name)) return uiText(key(name));
      return undefined;
    default:
      return undefined;
  }
}

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
    event.offers.full ? uiText('events.offered.full') : null,
    event.offers.partialTicket ? uiText('events.offered.partialTicket') : null,
    event.offers.partialAllowance ? uiText('events.offered.partialAllowance') : null,
    event.offers.remote && event.offers.remoteAmount !== null
      ? uiText('events.offered.remote', { amount: money(event.offers.remoteAmount) })
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
    ruleLabel: eligibilityRuleLabel(event.eligibilityRule),
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
  if (form.remoteAmount !== '') offers.remoteAmount = readAmount(form.remoteAmount);
  return {
    fund: form.fund,
    earmark: form.earmark,
    code: form.code,
    name: form.name,
    place: form.place,
    startsOn: form.startsOn,
    endsOn: form.endsOn,
    budget: readAmount(form.budget),
    eligibilityRule: form.eligibilityRule,
    offers,
  };
}
