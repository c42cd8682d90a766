import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { FieldError } from '../common/errors/problem';
import { money } from '../pledges/pledges-page.service';
import {
  countryLabel,
  fieldText,
  genderLabel,
  grantKindLabel,
  grantStatusLabel,
  stakeholderGroupLabel,
} from '../grants/pages/grant-page-text';
import { field, formKey, isFormRefusal, validated } from '../web/page-forms';
import { FormBody, pageLinks, PageResult } from '../web/page-response';
import { currentLanguage, UI_LOCALES, uiText } from '../web/ui-i18n';
import { Viewer, ViewRenderer } from '../web/view-renderer';
import {
  CreateParticipantRequest,
  DuplicateParticipantResponse,
  GENDERS,
  ListParticipantsQuery,
  ParticipantResponse,
  STAKEHOLDER_GROUPS,
} from './dto/participant.dto';
import { ParticipantDuplicateError } from './grant-events.errors';
import { ParticipantsService } from './participants.service';

const PAGE_SIZE = 25;
const WRITERS = ['finance_officer'];

/** The notices of a done action (`?done=`), in the catalogue under participants.detail.notices. */
const DONE_NOTICES = ['created'];

type Countries = Array<{ alpha2: string; name_en: string; name_fr: string }>;

interface ParticipantForm {
  name: string;
  gender: string;
  country: string;
  organisation: string;
  stakeholderGroup: string;
  email: string;
  phone: string;
  confirmDuplicate: boolean;
}

/** The form's fields, each named (and given its own error text) in the catalogue. */
const FIELD_NAMES = [
  'name',
  'gender',
  'country',
  'organisation',
  'stakeholderGroup',
  'email',
  'phone',
];

/**
 * The participant pages: the list with its name search, the form (with the duplicate warning
 * and its confirmation) and a participant's page with its grants. The form goes through the
 * API's validation and ParticipantsService, so a page can do nothing the API would refuse.
 */
@Injectable()
export class ParticipantsPageService {
  constructor(
    private readonly participants: ParticipantsService,
    private readonly views: ViewRenderer,
  ) {}

  async list(query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const raw: Record<string, string> = {};
    for (const name of ['q', 'country', 'offset']) {
      const value = query[name];
      if (typeof value === 'string' && value.trim() !== '') raw[name] = value.trim();
    }
    let error: string | null = null;
    let parsed: ListParticipantsQuery = {};
    try {
      parsed = await validated(ListParticipantsQuery, raw);
    } catch (caught) {
      if (!(caught instanceof AppError) || caught.status !== 422) throw caught;
      error = caught.detail;
    }
    const offset = parsed.offset ?? 0;
    let result = { items: [] as ParticipantResponse[], total: 0 };
    if (error === null) {
      result = await this.participants.list(viewer.actor!, {
        ...parsed,
        limit: PAGE_SIZE,
        offset,
      });
    }
    const href = (at: number): string => {
      const params = new URLSearchParams(Object.entries(raw).filter(([name]) => name !== 'offset'));
      if (at > 0) params.set('offset', String(at));
      const search = params.toString();
      return search === '' ? '/participants' : `/participants?${search}`;
    };
    const countries = await this.participants.countries();
    return this.views.render(
      'participants',
      {
        title: uiText('events.participants.list.title'),
        active: 'grants',
        error,
        filter: { q: raw.q ?? '' },
        countryOptions: countryOptions(countries, raw.country),
        participants: result.items.map((item) => toRow(item, countries)),
        ...pageLinks(result, offset, PAGE_SIZE, href),
        canCreate: mayWrite(viewer),
      },
      viewer,
    );
  }

  async newForm(viewer: Viewer): Promise<string> {
    const form: ParticipantForm = {
      name: '',
      gender: '',
      country: '',
      organisation: '',
      stakeholderGroup: '',
      email: '',
      phone: '',
      confirmDuplicate: false,
    };
    return this.renderForm(form, { errors: [] }, viewer);
  }

  async create(body: FormBody, viewer: Viewer): Promise<PageResult> {
    const form = readForm(body);
    const request = toCreateRequest(form);
    try {
      const valid = await validated(CreateParticipantRequest, request);
      const result = await this.participants.create(
        viewer.actor!,
        valid,
        formKey(body, '/participants', request),
      );
      return { redirect: `/participants/${result.body.id}?done=created` };
    } catch (error) {
      if (error instanceof ParticipantDuplicateError) {
        // The warning comes with the confirmation box, unticked: ticking it is the decision.
        const html = await this.renderForm(
          { ...form, confirmDuplicate: false },
          { errors: [], duplicates: error.duplicates },
          viewer,
        );
        return { status: 409, html };
      }
      if (!isFormRefusal(error)) throw error;
      const errors = error.errors ?? [];
      const html = await this.renderForm(
        form,
        { errors, formError: errors.length > 0 ? null : error.detail },
        viewer,
      );
      return { status: error.status, html };
    }
  }

  async detail(id: string, query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const actor = viewer.actor!;
    const participant = await this.participants.get(actor, id);
    const grants = await this.participants.grants(actor, id);
    const countries = await this.participants.countries();
    const done = typeof query.done === 'string' ? query.done : '';
    return this.views.render(
      'participant',
      {
        title: participant.name,
        active: 'grants',
        notice: DONE_NOTICES.includes(done)
          ? uiText(`events.participants.detail.notices.${done}`)
          : null,
        participant: { ...toRow(participant, countries), createdBy: participant.createdBy },
        grants: grants.map((grant) => ({
          href: `/grants/${grant.id}`,
          number: grant.number,
          event: grant.event,
          eventHref: `/grant-events/${grant.event.id}`,
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
    form: ParticipantForm,
    state: {
      errors: readonly FieldError[];
      formError?: string | null;
      duplicates?: DuplicateParticipantResponse[];
    },
    viewer: Viewer,
  ): Promise<string> {
    const countries = await this.participants.countries();
    const fields: Record<string, string> = {};
    const summary: { href: string; message: string }[] = [];
    for (const error of state.errors) {
      if (fields[error.field] !== undefined) continue;
      const known = FIELD_NAMES.includes(error.field);
      // Outside English, the page's own words for the field; its rules are all about its form.
      fields[error.field] = fieldText(
        error,
        known ? uiText(`events.participants.fieldErrors.${error.field}`) : undefined,
      );
      const label = known ? uiText(`events.participants.fields.${error.field}`) : error.field;
      summary.push({
        href: `#${error.field}`,
        message: uiText('events.participants.form.summaryItem', {
          label,
          message: fields[error.field],
        }),
      });
    }
    return this.views.render(
      'participant-form',
      {
        title: uiText('events.participants.form.title'),
        active: 'grants',
        formError: state.formError ?? null,
        errorSummary: summary,
        errors: fields,
        form,
        duplicates: (state.duplicates ?? []).map((duplicate) => ({
          ...duplicate,
          href: `/participants/${duplicate.id}`,
          matchedLabel: duplicate.matched
            .map((match) => uiText(`events.participants.matches.${match}`))
            .join(uiText('events.participants.matches.and')),
        })),
        genderOptions: GENDERS.map((gender) => ({
          value: gender,
          label: genderLabel(gender),
          selected: gender === form.gender,
        })),
        groupOptions: STAKEHOLDER_GROUPS.map((group) => ({
          value: group,
          label: stakeholderGroupLabel(group),
          selected: group === form.stakeholderGroup,
        })),
        countryOptions: countryOptions(countries, form.country),
        formKey: randomUUID(),
      },
      viewer,
    );
  }
}

function mayWrite(viewer: Viewer): boolean {
  return viewer.actor?.roles.some((role) => WRITERS.includes(role)) ?? false;
}

/** Every country for a select, by its name in the page's language. */
function countryOptions(
  countries: Countries,
  chosen: string | undefined,
): Array<{ value: string; label: string; selected: boolean }> {
  const collator = new Intl.Collator(UI_LOCALES[currentLanguage()]);
  return countries
    .map((c) => ({ value: c.alpha2, label: countryLabel(c), selected: c.alpha2 === chosen }))
    .sort((a, b) => collator.compare(a.label, b.label) || a.value.localeCompare(b.value));
}

function toRow(
  participant: ParticipantResponse,
  countries: Countries,
): Record<string, unknown> & { id: string } {
  const country = countries.find((c) => c.alpha2 === participant.country);
  return {
    id: participant.id,
    href: `/participants/${participant.id}`,
    name: participant.name,
    gender: participant.gender,
    genderLabel: genderLabel(participant.gender),
    country: participant.country,
    countryName: country === undefined ? participant.countryName : countryLabel(country),
    organisation: participant.organisation,
    stakeholderGroup: participant.stakeholderGroup,
    groupLabel: stakeholderGroupLabel(participant.stakeholderGroup),
    email: participant.email,
    phone: participant.phone,
    createdAt: participant.createdAt,
  };
}

function readForm(body: FormBody): ParticipantForm {
  return {
    name: field(body, 'name').trim(),
    gender: field(body, 'gender'),
    country: field(body, 'country').trim().toUpperCase(),
    organisation: field(body, 'organisation').trim(),
    stakeholderGroup: field(body, 'stakeholderGroup'),
    email: field(body, 'email').trim(),
    phone: field(body, 'phone').trim(),
    confirmDuplicate: body.confirmDuplicate !== undefined,
  };
}

/** The API request the form stands for: empty contact fields are not sent. */
function toCreateRequest(form: ParticipantForm): Record<string, unknown> {
  const request: Record<string, unknown> = {
    name: form.name,
    gender: form.gender,
    country: form.country,
    organisation: form.organisation,
    stakeholderGroup: form.stakeholderGroup,
  };
  if (form.email !== '') request.email = form.email;
  if (form.phone !== '') request.phone = form.phone;
  if (form.confirmDuplicate) request.confirmDuplicate = true;
  return request;
}
