import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { STAFF } from '../auth/roles';
import { Actor } from '../common/actor';
import { ValidationFailedError } from '../common/errors/app-error';
import { FieldError } from '../common/errors/problem';
import { TransactionRunner } from '../database/transaction-runner';
import { assertCurrency } from '../money/currency';
import { UnknownCurrencyError } from '../money/money.errors';
import { candidatePatterns, foldName, isNearDuplicate } from './donor-name';
import {
  CloseDonorResponse,
  CreateDonorRequest,
  DEFAULT_DONOR_PAGE,
  DonorContactRequest,
  DonorContactResponse,
  DonorListResponse,
  DonorResponse,
  DonorSummaryResponse,
  ListDonorsQuery,
  UpdateDonorRequest,
} from './dto/donor.dto';
import { DonorNotFoundError, DonorPossibleDuplicateError } from './donors.errors';
import {
  ContactFields,
  DonorContactRow,
  DonorFields,
  DonorRow,
  DonorsRepository,
} from './donors.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How many donors the duplicate check compares at most, and lists at most in its answer. */
const MAX_CANDIDATES = 1000;
const MAX_DUPLICATES_SHOWN = 20;

/**
 * The donors a user may see: every donor for staff, only the linked ones for a donor user.
 * `undefined` means all.
 */
export function visibleDonorIds(actor: Actor): readonly string[] | undefined {
  return actor.roles.some((role) => STAFF.includes(role))
    ? undefined
    : actor.donorIds.map((id) => id.toLowerCase());
}

/** Whether `actor` may see donor `donorId` (and so its pledges, statements…). */
export function canSeeDonor(actor: Actor, donorId: string): boolean {
  const visible = visibleDonorIds(actor);
  return visible === undefined || visible.includes(donorId.toLowerCase());
}

/**
 * Donors: who contributes, in which language and currency its statements are written, and who
 * receives them. Creating a donor whose name is close to an existing one is refused (409) until
 * the officer confirms it, so that one donor does not end up recorded twice.
 */
@Injectable()
export class DonorsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly repository: DonorsRepository,
    private readonly audit: AuditService,
  ) {}

  create(actor: Actor, request: CreateDonorRequest): Promise<DonorResponse> {
    return this.transactions.run(async (manager) => {
      const fields = await this.checkedFields(manager, {
        name: request.name,
        type: request.type,
        country: request.country ?? null,
        statementLanguage: request.statementLanguage ?? 'en',
        statementCurrency: request.statementCurrency ?? 'CHF',
      });
      const contacts = checkedContacts(request.contacts ?? []);
      // The check reads committed donors only: creations take turns, or both would pass it.
      await this.repository.lockNames(manager);
      const close = await this.closeDonors(manager, fields);
      if (close.length > 0 && request.confirmDuplicate !== true) {
        throw new DonorPossibleDuplicateError(fields.name, close);
      }
      const id = await this.repository.insert(manager, fields, actor.id);
      await this.repository.replaceContacts(manager, id, contacts);
      const created = await this.read(manager, id);
      await this.audit.record(manager, actor, {
        action: 'donor.create',
        entityType: 'donor',
        entityId: id,
        // Who confirmed a duplicate warning, and against which donors, is part of the record.
        after: close.length > 0 ? { ...created, confirmedDuplicateOf: close } : created,
      });
      return created;
    });
  }

  /** Changes the fields sent; `contacts`, when sent, replaces the whole list. */
  update(actor: Actor, id: string, request: UpdateDonorRequest): Promise<DonorResponse> {
    return this.transactions.run(async (manager) => {
      const row = await this.requireDonor(manager, id, { lock: true });
      const before = toDonorResponse(row, await this.repository.contacts(manager, row.id));
      const fields = await this.checkedFields(manager, {
        name: request.name ?? row.name,
        type: request.type ?? row.type,
        country: request.country === undefined ? row.country : request.country,
        statementLanguage: request.statementLanguage ?? row.statement_language,
        statementCurrency: request.statementCurrency ?? row.statement_currency,
      });
      const contacts =
        request.contacts === undefined
          ? before.contacts.map(contactFields)
          : checkedContacts(request.contacts);
      if (
        sameFields(fields, row) &&
        JSON.stringify(contacts) === JSON.stringify(before.contacts.map(contactFields))
      ) {
        return before;
      }
      await this.repository.update(manager, row.id, fields, actor.id);
      if (request.contacts !== undefined) {
        await this.repository.replaceContacts(manager, row.id, contacts);
      }
      const after = await this.read(manager, row.id);
      await this.audit.record(manager, actor, {
        action: 'donor.update',
        entityType: 'donor',
        entityId: row.id,
        before,
        after,
      });
      return after;
    });
  }

  async list(actor: Actor, query: ListDonorsQuery): Promise<DonorListResponse> {
    const limit = query.limit ?? DEFAULT_DONOR_PAGE;
    const offset = query.offset ?? 0;
    const words = foldName(query.q ?? '')
      .split(' ')
      .filter((word) => word !== '');
    const { rows, total } = await this.repository.list(
      this.dataSource.manager,
      { words, type: query.type, country: query.country, ids: visibleDonorIds(actor) },
      { sort: query.sort ?? 'name', order: query.order ?? 'asc', limit, offset },
    );
    return { items: rows.map(toDonorSummary), total, limit, offset };
  }

  /** One donor with its contacts; 404 for a donor the actor may not see. */
  async get(actor: Actor, id: string): Promise<DonorResponse> {
    const manager = this.dataSource.manager;
    const row = await this.requireVisibleDonor(manager, actor, id);
    return toDonorResponse(row, await this.repository.contacts(manager, row.id));
  }

  /**
   * The donor with this id, read in the caller's transaction (locked FOR UPDATE if asked);
   * DonorNotFoundError (404) for an unknown id or one that is not a UUID.
   */
  async requireDonor(
    manager: EntityManager,
    id: string,
    options: { lock?: boolean } = {},
  ): Promise<DonorRow> {
    const row = UUID.test(id) ? await this.repository.find(manager, id, options) : undefined;
    if (row === undefined) throw new DonorNotFoundError(id);
    return row;
  }

  /** As requireDonor, and 404 as well when the actor is a donor user of other donors. */
  requireVisibleDonor(manager: EntityManager, actor: Actor, id: string): Promise<DonorRow> {
    if (UUID.test(id) && !canSeeDonor(actor, id)) throw new DonorNotFoundError(id);
    return this.requireDonor(manager, id);
  }

  /** Every country (English and French names, by English name), for the donor forms. */
  countries(): Promise<{ alpha2: string; name_en: string; name_fr: string }[]> {
    return this.repository.countries(this.dataSource.manager);
  }

  private async read(manager: EntityManager, id: string): Promise<DonorResponse> {
    const row = await this.requireDonor(manager, id);
    return toDonorResponse(row, await this.repository.contacts(manager, id));
  }

  /** The rules the request's shape cannot check: the country and currency must exist. */
  private async checkedFields(
    manager: EntityManager,
    fields: Omit<DonorFields, 'normalizedName'>,
  ): Promise<DonorFields> {
    const errors: FieldError[] = [];
    if (
      fields.country !== null &&
      !(await this.repository.countryExists(manager, fields.country))
    ) {
      errors.push({
        field: 'country',
        rule: 'knownCountry',
        reason: `country ${fields.country} is not a known ISO 3166-1 country`,
      });
    }
    try {
      assertCurrency(fields.statementCurrency);
    } catch (error) {
      if (!(error instanceof UnknownCurrencyError)) throw error;
      errors.push({ field: 'statementCurrency', rule: 'knownCurrency', reason: error.detail });
    }
    if (errors.length > 0) throw new ValidationFailedError(errors);
    const name = fields.name.trim();
    return { ...fields, name, normalizedName: foldName(name) };
  }

  private async closeDonors(
    manager: EntityManager,
    donor: DonorFields,
  ): Promise<CloseDonorResponse[]> {
    const candidates = await this.repository.candidates(
      manager,
      candidatePatterns(donor.name),
      MAX_CANDIDATES,
    );
    return candidates
      .filter((candidate) => isNearDuplicate(donor, candidate))
      .slice(0, MAX_DUPLICATES_SHOWN)
      .map(({ id, name, country }) => ({ id, name, country }));
  }
}

function checkedContacts(contacts: readonly DonorContactRequest[]): ContactFields[] {
  const errors: FieldError[] = [];
  const fields = contacts.map((contact, i) => {
    const email = blankToNull(contact.email);
    const receivesStatements = contact.receivesStatements ?? false;
    if (receivesStatements && email === null) {
      errors.push({
        field: `contacts[${i}].email`,
        rule: 'requiredForStatements',
        reason: 'email is needed for a contact who receives statements',
      });
    }
    return {
      name: contact.name.trim(),
      email,
      role: blankToNull(contact.role),
      receivesStatements,
    };
  });
  if (errors.length > 0) throw new ValidationFailedError(errors);
  return fields;
}

function blankToNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

function contactFields(contact: DonorContactResponse): ContactFields {
  return {
    name: contact.name,
    email: contact.email,
    role: contact.role,
    receivesStatements: contact.receivesStatements,
  };
}

function sameFields(fields: DonorFields, row: DonorRow): boolean {
  return (
    fields.name === row.name &&
    fields.type === row.type &&
    fields.country === row.country &&
    fields.statementLanguage === row.statement_language &&
    fields.statementCurrency === row.statement_currency
  );
}

export function toDonorSummary(row: DonorRow): DonorSummaryResponse {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    country: row.country,
    countryName: row.country_name,
    statementLanguage: row.statement_language,
    statementCurrency: row.statement_currency,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export function toDonorResponse(row: DonorRow, contacts: DonorContactRow[]): DonorResponse {
  return {
    ...toDonorSummary(row),
    contacts: contacts.map((contact) => ({
      id: contact.id,
      name: contact.name,
      email: contact.email,
      role: contact.role,
      receivesStatements: contact.receives_statements,
    })),
    createdBy: row.created_by,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at === null ? null : new Date(row.updated_at).toISOString(),
  };
}
