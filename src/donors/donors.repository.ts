import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DonorSort, DonorType, StatementLanguage } from './dto/donor.dto';

export interface DonorRow {
  id: string;
  name: string;
  normalized_name: string;
  type: DonorType;
  country: string | null;
  /** The country's English name, joined for display. */
  country_name: string | null;
  statement_language: StatementLanguage;
  statement_currency: string;
  created_by: string;
  created_at: Date;
  updated_by: string | null;
  updated_at: Date | null;
}

export interface DonorContactRow {
  id: string;
  donor_id: string;
  name: string;
  email: string | null;
  role: string | null;
  receives_statements: boolean;
  position: number;
}

export interface DonorFields {
  name: string;
  normalizedName: string;
  type: DonorType;
  country: string | null;
  statementLanguage: StatementLanguage;
  statementCurrency: string;
}

export interface ContactFields {
  name: string;
  email: string | null;
  role: string | null;
  receivesStatements: boolean;
}

export interface DonorFilter {
  /** Words of the folded name, each of which must occur in it. */
  words: string[];
  type?: DonorType;
  country?: string;
  /** Only these donors (a donor user's); undefined for all. */
  ids?: readonly string[];
}

export interface DonorCandidateRow {
  id: string;
  name: string;
  country: string | null;
}

// Whitelisted ORDER BY clauses; the id makes the order total, so pages never overlap. Folded
// names hold no capitals or accents, so code-point order ("C") is alphabetical for them, and the
// same on every server whatever its locale.
const ORDER_BY: Record<DonorSort, string> = {
  name: 'd.normalized_name COLLATE "C" {dir}, d.name COLLATE "C" {dir}, d.id',
  type: 'd.type {dir}, d.normalized_name COLLATE "C", d.id',
  country: 'd.country COLLATE "C" {dir} NULLS LAST, d.normalized_name COLLATE "C", d.id',
  createdAt: 'd.created_at {dir}, d.id',
};

const DONOR_SELECT = `
  SELECT d.id, d.name, d.normalized_name, d.type, d.country, c.name_en AS country_name,
         d.statement_language, d.statement_currency, d.created_by, d.created_at, d.updated_by,
         d.updated_at
    FROM donor d LEFT JOIN country c ON c.alpha2 = d.country`;

/**
 * The advisory lock a donor's creation holds while it compares names and inserts (7_310_020_001
 * to 003 are the migration, audit-chain and first-admin locks): two officers creating the same
 * donor at once are checked one after the other, so the second one is warned.
 */
export const DONOR_NAMES_LOCK_KEY = 7_310_020_005;

/** SQL of donors and their contacts. */
@Injectable()
export class DonorsRepository {
  async insert(manager: EntityManager, donor: DonorFields, createdBy: string): Promise<string> {
    const [row] = await manager.query<{ id: string }[]>(
      `INSERT INTO donor (name, normalized_name, type, country, statement_language,
                          statement_currency, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        donor.name,
        donor.normalizedName,
        donor.type,
        donor.country,
        donor.statementLanguage,
        donor.statementCurrency,
        createdBy,
      ],
    );
    return row.id;
  }

  async update(
    manager: EntityManager,
    id: string,
    donor: DonorFields,
    updatedBy: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE donor SET name = $2, normalized_name = $3, type = $4, country = $5,
              statement_language = $6, statement_currency = $7, updated_by = $8,
              updated_at = now()
        WHERE id = $1`,
      [
        id,
        donor.name,
        donor.normalizedName,
        donor.type,
        donor.country,
        donor.statementLanguage,
        donor.statementCurrency,
        updatedBy,
      ],
    );
  }

  async replaceContacts(
    manager: EntityManager,
    donorId: string,
    contacts: readonly ContactFields[],
  ): Promise<void> {
    await manager.query(`DELETE FROM donor_contact WHERE donor_id = $1`, [donorId]);
    if (contacts.length === 0) return;
    await manager.query(
      `INSERT INTO donor_contact (donor_id, name, email, role, receives_statements, position)
       SELECT $1, c.name, c.email, c.role, c.receives_statements, c.position - 1
         FROM unnest($2::text[], $3::text[], $4::text[], $5::boolean[])
              WITH ORDINALITY AS c(name, email, role, receives_statements, position)`,
      [
        donorId,
        contacts.map((c) => c.name),
        contacts.map((c) => c.email),
        contacts.map((c) => c.role),
        contacts.map((c) => c.receivesStatements),
      ],
    );
  }

  async find(
    manager: EntityManager,
    id: string,
    options: { lock?: boolean } = {},
  ): Promise<DonorRow | undefined> {
    const lock = options.lock === true ? 'FOR UPDATE OF d' : '';
    const rows = await manager.query<DonorRow[]>(`${DONOR_SELECT} WHERE d.id = $1 ${lock}`, [id]);
    return rows[0];
  }

  contacts(manager: EntityManager, donorId: string): Promise<DonorContactRow[]> {
    return manager.query<DonorContactRow[]>(
      `SELECT id, donor_id, name, email, role, receives_statements, position
         FROM donor_contact WHERE donor_id = $1 ORDER BY position`,
      [donorId],
    );
  }

  async list(
    manager: EntityManager,
    filter: DonorFilter,
    page: { sort: DonorSort; order: 'asc' | 'desc'; limit: number; offset: number },
  ): Promise<{ rows: DonorRow[]; total: number }> {
    const { where, params } = whereClause(filter);
    const orderBy = ORDER_BY[page.sort].replace(/\{dir\}/g, page.order === 'desc' ? 'DESC' : 'ASC');
    const rows = await manager.query<DonorRow[]>(
      `${DONOR_SELECT} ${where} ORDER BY ${orderBy}
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, page.limit, page.offset],
    );
    const [count] = await manager.query<{ total: number }[]>(
      `SELECT count(*)::int AS total FROM donor d ${where}`,
      params,
    );
    return { rows, total: count.total };
  }

  /** Held until the transaction ends; taken before the audit chain's, never after it. */
  async lockNames(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock($1::bigint)`, [DONOR_NAMES_LOCK_KEY]);
  }

  /** Donors whose folded name matches one of the LIKE patterns: the duplicate check's shortlist. */
  candidates(
    manager: EntityManager,
    patterns: readonly string[],
    limit: number,
  ): Promise<DonorCandidateRow[]> {
    return manager.query<DonorCandidateRow[]>(
      `SELECT id, name, country FROM donor
        WHERE normalized_name LIKE ANY ($1::text[])
        ORDER BY normalized_name, id LIMIT $2`,
      [patterns, limit],
    );
  }

  async countryExists(manager: EntityManager, alpha2: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>(`SELECT 1 FROM country WHERE alpha2 = $1`, [
      alpha2,
    ]);
    return rows.length > 0;
  }

  /** Every country with its English and French names, for the forms' lists (by English name). */
  countries(
    manager: EntityManager,
  ): Promise<{ alpha2: string; name_en: string; name_fr: string }[]> {
    return manager.query(`SELECT alpha2, name_en, name_fr FROM country ORDER BY name_en, alpha2`);
  }
}

function whereClause(filter: DonorFilter): { where: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (condition: (placeholder: string) => string, value: unknown): void => {
    params.push(value);
    conditions.push(condition(`$${params.length}`));
  };
  // Folded words hold only letters, digits and no LIKE wildcards: no escaping needed.
  for (const word of filter.words) add((p) => `d.normalized_name LIKE '%' || ${p} || '%'`, word);
  if (filter.type !== undefined) add((p) => `d.type = ${p}`, filter.type);
  if (filter.country !== undefined) add((p) => `d.country = ${p}`, filter.country);
  if (filter.ids !== undefined) add((p) => `d.id = ANY (${p}::uuid[])`, filter.ids);
  return { where: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, params };
}
