import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { FieldError } from '../common/errors/problem';
import { money } from '../pledges/pledges-page.service';
import { field, formKey, isFormRefusal, validated } from '../web/page-forms';
import { FormBody, pageLinks, PageResult } from '../web/page-response';
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
import {
  GENDER_LABELS,
  GRANT_KIND_LABELS,
  GRANT_STATUS_LABELS,
  STAKEHOLDER_GROUP_LABELS,
} from './grant-labels';
import { ParticipantsService } from './participants.service';

const PAGE_SIZE = 25;
const WRITERS = ['finance_officer'];

const DONE_NOTICES: Record<string, string> = {
  created: 'Participant recorded.',
};

const MATCH_LABELS: Record<DuplicateParticipantResponse['matched'][number], string> = {
  'name-and-country': 'same name, same country',
  email: 'same e-mail',
};

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

const FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  gender: 'Gender',
  country: 'Country',
  organisation: 'Organisation',
  stakeholderGroup: 'Stakeholder group',
  email: 'E-mail',
  phone: 'Telephone',
};

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
        title: 'Participants',
        active: 'grants',
        error,
        filter: { q: raw.q ?? '' },
        countryOptions: countries.map((c) => ({
          value: c.alpha2,
          label: c.name_en,
          selected: c.alpha2 === raw.country,
        })),
        participants: result.items.map(toRow),
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
    const done = typeof query.done === 'string' ? query.done : '';
    return this.views.render(
      'participant',
      {
        title: participant.name,
        active: 'grants',
        notice: DONE_NOTICES[done] ?? null,
        participant: { ...toRow(participant), createdBy: participant.createdBy },
        grants: grants.map((grant) => ({
          href: `/grants/${grant.id}`,
          number: grant.number,
          event: grant.event,
          eventHref: `/grant-events/${grant.event.id}`,
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
      fields[error.field] = error.reason;
      summary.push({
        href: `#${error.field}`,
        message: `${FIELD_LABELS[error.field] ?? error.field}: ${error.reason}`,
      });
    }
    return this.views.render(
      'participant-form',
      {
        title: 'New participant',
        active: 'grants',
        formError: state.formError ?? null,
        errorSummary: summary,
        errors: fields,
        form,
        duplicates: (state.duplicates ?? []).map((duplicate) => ({
          ...duplicate,
          href: `/participants/${duplicate.id}`,
          matchedLabel: duplicate.matched.map((match) => MATCH_LABELS[match]).join(' and '),
        })),
        genderOptions: GENDERS.map((gender) => ({
          value: gender,
          label: GENDER_LABELS[gender],
          selected: gender === form.gender,
        })),
        groupOptions: STAKEHOLDER_GROUPS.map((group) => ({
          value: group,
          label: STAKEHOLDER_GROUP_LABELS[group],
          selected: group === form.stakeholderGroup,
        })),
        countryOptions: countries.map((c) => ({
          value: c.alpha2,
          label: c.name_en,
          selected: c.alpha2 === form.country,
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

function toRow(participant: ParticipantResponse): Record<string, unknown> & { id: string } {
  return {
    id: participant.id,
    href: `/participants/${participant.id}`,
    name: participant.name,
    gender: participant.gender,
    genderLabel: GENDER_LABELS[participant.gender],
    country: participant.country,
    countryName: participant.countryName,
    organisation: participant.organisation,
    stakeholderGroup: participant.stakeholderGroup,
    groupLabel: STAKEHOLDER_GROUP_LABELS[participant.stakeholderGroup],
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
