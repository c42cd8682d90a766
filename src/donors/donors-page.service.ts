import { Injectable } from '@nestjs/common';
import { Role } from '../auth/roles';
import { ValidationFailedError } from '../common/errors/app-error';
import { FieldError } from '../common/errors/problem';
import { createValidationPipe } from '../common/validation';
import { currentLanguage, fieldMessage, hasUiText, UI_LOCALES, uiText } from '../web/ui-i18n';
import { Viewer, ViewRenderer } from '../web/view-renderer';
import {
  CloseDonorResponse,
  CreateDonorRequest,
  DEFAULT_DONOR_PAGE,
  DONOR_SORTS,
  DONOR_TYPES,
  DonorContactRequest,
  DonorResponse,
  DonorType,
  ListDonorsQuery,
  MAX_CONTACTS,
  STATEMENT_LANGUAGES,
  StatementLanguage,
  UpdateDonorRequest,
} from './dto/donor.dto';
import { DonorPossibleDuplicateError } from './donors.errors';
import { DonorsService } from './donors.service';

/** A donor type as the interface names it (donors.types.* in src/web/i18n). */
export function donorTypeLabel(type: DonorType): string {
  return uiText(`donors.types.${type}`);
}

/** A statement language as the interface names it, in the interface's language. */
export function statementLanguageLabel(language: StatementLanguage): string {
  return uiText(`donors.languages.${language}`);
}

type Country = { alpha2: string; name_en: string; name_fr: string };

/** The country's name in the interface's language. */
function countryName(country: Country): string {
  return currentLanguage() === 'fr' ? country.name_fr : country.name_en;
}

/** The countries for a select: named and ordered in the interface's language. */
function countryOptions(
  countries: readonly Country[],
  selected: string | undefined,
): { value: string; label: string; selected: boolean }[] {
  const collator = new Intl.Collator(UI_LOCALES[currentLanguage()]);
  return countries
    .map((c) => ({ value: c.alpha2, label: countryName(c), selected: c.alpha2 === selected }))
    .sort((a, b) => collator.compare(a.label, b.label) || a.value.localeCompare(b.value));
}

const EDITORS: readonly Role[] = ['finance_officer', 'admin'];
/** Empty contact rows under the filled ones, so that contacts can be added without script. */
const BLANK_CONTACT_ROWS = 2;

export type { FormBody, PageResult } from '../web/page-response';
import type { FormBody, PageResult } from '../web/page-response';
import { pageLinks } from '../web/page-response';

/**
 * What the "Pledges" section of a donor's page shows. The pledges module provides it
 * (`providePledgesSection`) so that this module does not depend on that one; until then the
 * partial `donor-pledges` gets `{ pledges: [] }` and shows that there are none.
 */
export type PledgesSectionProvider = (
  donor: DonorResponse,
  viewer: Viewer,
) => Promise<Record<string, unknown> & { pledges: unknown[] }>;

interface ContactRow {
  index: number;
  name: string;
  email: string;
  role: string;
  receivesStatements: boolean;
  errors: Record<string, string>;
}

interface FormError {
  field: string;
  message: string;
  /** For a contact's field: its row and column (name, email, role). */
  row?: number;
  column?: string;
}

interface DonorForm {
  name: string;
  type: string;
  country: string;
  statementLanguage: string;
  statementCurrency: string;
  contacts: ContactRow[];
  confirmDuplicate: boolean;
}

/** The donor pages: list with search, detail, and the create and edit forms (no script needed). */
@Injectable()
export class DonorsPageService {
  private pledgesSection: PledgesSectionProvider = () => Promise.resolve({ pledges: [] });

  constructor(
    private readonly donors: DonorsService,
    private readonly views: ViewRenderer,
  ) {}

  providePledgesSection(provider: PledgesSectionProvider): void {
    this.pledgesSection = provider;
  }

  async list(query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const raw: Record<string, string> = {};
    for (const name of ['q', 'type', 'country', 'sort', 'order', 'offset']) {
      const value = query[name];
      if (typeof value === 'string' && value.trim() !== '') raw[name] = value.trim();
    }
    let error: string | null = null;
    let parsed: ListDonorsQuery = {};
    try {
      parsed = await validated(ListDonorsQuery, raw);
    } catch (caught) {
      if (!(caught instanceof ValidationFailedError)) throw caught;
      error = caught.detail;
    }
    const limit = DEFAULT_DONOR_PAGE;
    const offset = parsed.offset ?? 0;
    const result = await this.donors.list(viewer.actor!, { ...parsed, limit, offset });
    const href = (at: number): string => {
      const params = new URLSearchParams(Object.entries(raw).filter(([name]) => name !== 'offset'));
      if (at > 0) params.set('offset', String(at));
      const search = params.toString();
      return search === '' ? '/donors' : `/donors?${search}`;
    };
    const countries = await this.donors.countries();
    return this.views.render(
      'donors',
      {
        title: uiText('donors.list.title'),
        active: 'donors',
        error: error === null ? null : uiText('donors.list.searchError', { detail: error }),
        filter: {
          q: raw.q ?? '',
          type: raw.type ?? '',
          country: raw.country ?? '',
          sort: raw.sort ?? 'name',
          order: raw.order ?? 'asc',
        },
        typeOptions: options(DONOR_TYPES, donorTypeLabel, raw.type),
        countryOptions: countryOptions(countries, raw.country),
        sortOptions: options(
          DONOR_SORTS,
          (sort) => uiText(`donors.sorts.${sort}`),
          raw.sort ?? 'name',
        ),
        orderOptions: options(
          ['asc', 'desc'],
          (order) => uiText(`donors.orders.${order}`),
          raw.order ?? 'asc',
        ),
        donors: result.items.map((donor) => ({
          ...donor,
          countryName: localCountryName(countries, donor.country, donor.countryName),
          typeLabel: donorTypeLabel(donor.type),
          languageLabel: statementLanguageLabel(donor.statementLanguage),
          href: `/donors/${donor.id}`,
        })),
        ...pageLinks(result, offset, limit, href),
        canEdit: mayEdit(viewer),
      },
      viewer,
    );
  }

  async detail(id: string, saved: unknown, viewer: Viewer): Promise<string> {
    const donor = await this.donors.get(viewer.actor!, id);
    const countries = donor.country === null ? [] : await this.donors.countries();
    return this.views.render(
      'donor',
      {
        title: donor.name,
        active: 'donors',
        notice:
          saved === 'created'
            ? uiText('donors.detail.created')
            : saved === 'updated'
              ? uiText('donors.detail.updated')
              : null,
        donor: {
          ...donor,
          countryName: localCountryName(countries, donor.country, donor.countryName),
          typeLabel: donorTypeLabel(donor.type),
          languageLabel: statementLanguageLabel(donor.statementLanguage),
        },
        canEdit: mayEdit(viewer),
        pledgesSection: await this.pledgesSection(donor, viewer),
      },
      viewer,
    );
  }

  async newForm(viewer: Viewer): Promise<string> {
    const form: DonorForm = {
      name: '',
      type: '',
      country: '',
      statementLanguage: 'en',
      statementCurrency: 'CHF',
      contacts: [],
      confirmDuplicate: false,
    };
    return this.renderForm({ mode: 'new', form, errors: [] }, viewer);
  }

  async editForm(id: string, viewer: Viewer): Promise<string> {
    const donor = await this.donors.get(viewer.actor!, id);
    const form: DonorForm = {
      name: donor.name,
      type: donor.type,
      country: donor.country ?? '',
      statementLanguage: donor.statementLanguage,
      statementCurrency: donor.statementCurrency,
      contacts: donor.contacts.map((contact, index) => ({
        index,
        name: contact.name,
        email: contact.email ?? '',
        role: contact.role ?? '',
        receivesStatements: contact.receivesStatements,
        errors: {},
      })),
      confirmDuplicate: false,
    };
    return this.renderForm({ mode: 'edit', donor, form, errors: [] }, viewer);
  }

  async create(body: FormBody, viewer: Viewer): Promise<PageResult> {
    const { form, request } = readForm(body);
    try {
      const valid = await validated(CreateDonorRequest, {
        ...request,
        confirmDuplicate: form.confirmDuplicate,
      });
      const created = await this.donors.create(viewer.actor!, valid);
      return { redirect: `/donors/${created.id}?saved=created` };
    } catch (error) {
      if (error instanceof DonorPossibleDuplicateError) {
        const html = await this.renderForm(
          { mode: 'new', form, errors: [], duplicates: error.duplicates },
          viewer,
        );
        return { status: 409, html };
      }
      if (!(error instanceof ValidationFailedError)) throw error;
      const html = await this.renderForm(
        { mode: 'new', form, errors: formErrors(error.errors ?? []) },
        viewer,
      );
      return { status: 422, html };
    }
  }

  async update(id: string, body: FormBody, viewer: Viewer): Promise<PageResult> {
    const donor = await this.donors.get(viewer.actor!, id);
    const { form, request } = readForm(body);
    try {
      const valid = await validated(UpdateDonorRequest, request);
      await this.donors.update(viewer.actor!, donor.id, valid);
      return { redirect: `/donors/${donor.id}?saved=updated` };
    } catch (error) {
      if (!(error instanceof ValidationFailedError)) throw error;
      const html = await this.renderForm(
        { mode: 'edit', donor, form, errors: formErrors(error.errors ?? []) },
        viewer,
      );
      return { status: 422, html };
    }
  }

  private async renderForm(
    state: {
      mode: 'new' | 'edit';
      donor?: DonorResponse;
      form: DonorForm;
      errors: FormError[];
      duplicates?: CloseDonorResponse[];
    },
    viewer: Viewer,
  ): Promise<string> {
    const { mode, donor, form } = state;
    const countries = await this.donors.countries();
    const fieldErrors: Record<string, string> = {};
    const contacts = [...form.contacts];
    for (let i = 0; i < BLANK_CONTACT_ROWS && contacts.length < MAX_CONTACTS; i++) {
      contacts.push({
        index: contacts.length,
        name: '',
        email: '',
        role: '',
        receivesStatements: false,
        errors: {},
      });
    }
    const summary: { href: string; message: string }[] = [];
    for (const error of state.errors) {
      if (error.row !== undefined && error.column !== undefined && contacts[error.row]) {
        contacts[error.row].errors[error.column] ??= error.message;
        summary.push({ href: `#contact-${error.row}-${error.column}`, message: error.message });
      } else {
        fieldErrors[error.field] ??= error.message;
        summary.push({ href: `#${error.field}`, message: error.message });
      }
    }
    const heading =
      mode === 'new'
        ? uiText('donors.form.newTitle')
        : uiText('donors.form.editTitle', { name: donor!.name });
    return this.views.render(
      'donor-form',
      {
        title: heading,
        active: 'donors',
        heading,
        action: mode === 'new' ? '/donors' : `/donors/${donor!.id}/edit`,
        cancelHref: mode === 'new' ? '/donors' : `/donors/${donor!.id}`,
        submitLabel: mode === 'new' ? uiText('donors.form.create') : uiText('donors.form.save'),
        form: { ...form, contacts: contacts.map((c) => ({ ...c, number: c.index + 1 })) },
        errors: fieldErrors,
        errorSummary: summary,
        duplicates: (state.duplicates ?? []).map((duplicate) => ({
          ...duplicate,
          href: `/donors/${duplicate.id}`,
        })),
        typeOptions: options(DONOR_TYPES, donorTypeLabel, form.type),
        languageOptions: options(
          STATEMENT_LANGUAGES,
          statementLanguageLabel,
          form.statementLanguage,
        ),
        countryOptions: countryOptions(countries, form.country),
      },
      viewer,
    );
  }
}

function mayEdit(viewer: Viewer): boolean {
  return viewer.actor?.roles.some((role) => EDITORS.includes(role)) ?? false;
}

function options<T extends string>(
  values: readonly T[],
  label: (value: T) => string,
  selected: string | undefined,
): { value: T; label: string; selected: boolean }[] {
  return values.map((value) => ({ value, label: label(value), selected: value === selected }));
}

/** The donor's country named in the interface's language (the API's English name otherwise). */
function localCountryName(
  countries: readonly Country[],
  code: string | null,
  english: string | null,
): string | null {
  const country = code === null ? undefined : countries.find((c) => c.alpha2 === code);
  return country === undefined ? english : countryName(country);
}

/** Runs the API's own validation (the global pipe) on what a form sent. */
async function validated<T extends object>(type: new () => T, value: object): Promise<T> {
  return (await createValidationPipe().transform(value, { type: 'body', metatype: type })) as T;
}

function field(body: FormBody, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : '';
}

/**
 * The form as typed (to show again on an error) and the API request it stands for. Contact rows
 * left empty are dropped, from both: the form shows the filled rows, then empty ones again.
 */
function readForm(body: FormBody): { form: DonorForm; request: Record<string, unknown> } {
  const contacts: ContactRow[] = [];
  for (let row = 0; row < MAX_CONTACTS + BLANK_CONTACT_ROWS; row++) {
    const prefix = `contact-${row}-`;
    const contact = {
      index: contacts.length,
      name: field(body, `${prefix}name`),
      email: field(body, `${prefix}email`),
      role: field(body, `${prefix}role`),
      receivesStatements: body[`${prefix}receivesStatements`] !== undefined,
      errors: {},
    };
    if ([contact.name, contact.email, contact.role].some((value) => value.trim() !== '')) {
      contacts.push(contact);
    }
  }
  const form: DonorForm = {
    name: field(body, 'name'),
    type: field(body, 'type'),
    country: field(body, 'country').trim().toUpperCase(),
    statementLanguage: field(body, 'statementLanguage'),
    statementCurrency: field(body, 'statementCurrency').trim().toUpperCase(),
    contacts,
    confirmDuplicate: body.confirmDuplicate !== undefined,
  };
  const request: Record<string, unknown> = {
    name: form.name,
    type: form.type,
    country: form.country === '' ? null : form.country,
    statementLanguage: form.statementLanguage,
    statementCurrency: form.statementCurrency,
    contacts: contacts.map((c): DonorContactRequest => ({
      name: c.name,
      email: c.email.trim() === '' ? null : c.email.trim(),
      role: c.role,
      receivesStatements: c.receivesStatements,
    })),
  };
  return { form, request };
}

/**
 * The message beside a donor field: the donor pages' text for the field and rule
 * (donors.errors.name.isLength; a contact's fields under donors.errors.contact), else the
 * interface's common text for the rule, else the API's reason.
 */
function donorFieldMessage(error: FieldError): string {
  const name = error.field.replace(/^contacts\[\d+\]\./, 'contact.');
  const key = `donors.errors.${name}.${error.rule}`;
  return hasUiText(key) ? uiText(key, { reason: error.reason }) : fieldMessage(error);
}

/** Field errors of the API request, placed on the form's fields (contacts[1].email → row 1). */
function formErrors(errors: readonly FieldError[]): FormError[] {
  return errors.map((error) => {
    const contact = /^contacts\[(\d+)\]\.(\w+)$/.exec(error.field);
    const message = donorFieldMessage(error);
    if (contact === null) return { field: error.field, message };
    return { field: error.field, message, row: Number(contact[1]), column: contact[2] };
  });
}
