import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CalendarDate, StatusKind } from './reference.types';

export interface CountryRow {
  alpha2: string;
  alpha3: string;
  name_ar: string;
  name_zh: string;
  name_en: string;
  name_fr: string;
  name_ru: string;
  name_es: string;
  itu_member: boolean;
  region: string | null;
}

export interface StatusOnRow {
  alpha2: string;
  ldc: boolean;
  developing: boolean;
  region: string | null;
}

export interface StatusRow {
  id: string;
  country: string;
  kind: StatusKind;
  valid_from: string;
  valid_to: string | null;
  source: string;
  note: string | null;
  supersedes_id: string | null;
  superseded_by_id: string | null;
  reason: string | null;
  recorded_by: string;
  recorded_at: Date;
}

export interface RegionRow {
  id: string;
  country: string;
  region: string;
  valid_from: string;
  source: string;
  note: string | null;
  reason: string | null;
  recorded_by: string;
  recorded_at: Date;
}

export interface CountryQuery {
  regionOn: CalendarDate;
  region: string | null;
  ldcOn: CalendarDate | null;
  developingOn: CalendarDate | null;
  ituMember: boolean | null;
}

const COUNTRY_COLUMNS = `c.alpha2, c.alpha3, c.name_ar, c.name_zh, c.name_en, c.name_fr,
  c.name_ru, c.name_es, c.itu_member`;

// The region in force on a date: the latest start on or before it; of two rows with the same
// start, the one recorded last (a correction) wins.
const regionOn = (country: string, date: string) => `(
  SELECT r.region FROM country_region r
   WHERE r.country = ${country} AND r.valid_from <= ${date}
   ORDER BY r.valid_from DESC, r.id DESC LIMIT 1)`;

// A status applies on a date when a current (not superseded) period covers it. An LDC period
// counts as developing too: every LDC is a developing country.
const covered = (country: string, kinds: string, date: string) => `EXISTS (
  SELECT 1 FROM country_status_current s
   WHERE s.country = ${country} AND s.kind IN (${kinds})
     AND s.valid_from <= ${date} AND (s.valid_to IS NULL OR s.valid_to > ${date}))`;
const LDC = `'ldc'`;
const LDC_OR_DEVELOPING = `'ldc', 'developing'`;

const STATUS_SELECT = `
  SELECT s.id::text AS id, s.country, s.kind,
         to_char(s.valid_from, 'YYYY-MM-DD') AS valid_from,
         to_char(s.valid_to, 'YYYY-MM-DD') AS valid_to,
         s.source, s.note, s.supersedes_id::text AS supersedes_id,
         n.id::text AS superseded_by_id, s.reason, s.recorded_by, s.recorded_at
    FROM country_status s
    LEFT JOIN country_status n ON n.supersedes_id = s.id`;

const REGION_SELECT = `
  SELECT r.id::text AS id, r.country, r.region, to_char(r.valid_from, 'YYYY-MM-DD') AS valid_from,
         r.source, r.note, r.reason, r.recorded_by, r.recorded_at
    FROM country_region r`;

@Injectable()
export class ReferenceRepository {
  /** By alpha-2 or alpha-3 code, upper case. */
  async findCountry(
    manager: EntityManager,
    code: string,
    on: CalendarDate,
  ): Promise<CountryRow | undefined> {
    const rows = await manager.query<CountryRow[]>(
      `SELECT ${COUNTRY_COLUMNS}, ${regionOn('c.alpha2', '$2::date')} AS region
         FROM country c WHERE c.alpha2 = $1 OR c.alpha3 = $1`,
      [code, on],
    );
    return rows[0];
  }

  async statusOn(
    manager: EntityManager,
    code: string,
    on: CalendarDate,
  ): Promise<StatusOnRow | undefined> {
    const rows = await manager.query<StatusOnRow[]>(
      `SELECT c.alpha2,
              ${covered('c.alpha2', LDC, '$2::date')} AS ldc,
              ${covered('c.alpha2', LDC_OR_DEVELOPING, '$2::date')} AS developing,
              ${regionOn('c.alpha2', '$2::date')} AS region
         FROM country c WHERE c.alpha2 = $1 OR c.alpha3 = $1`,
      [code, on],
    );
    return rows[0];
  }

  listCountries(manager: EntityManager, query: CountryQuery): Promise<CountryRow[]> {
    return manager.query<CountryRow[]>(
      `SELECT * FROM (
         SELECT ${COUNTRY_COLUMNS}, ${regionOn('c.alpha2', '$1::date')} AS region FROM country c
       ) c
       WHERE ($2::text IS NULL OR c.region = $2)
         AND ($3::date IS NULL OR ${covered('c.alpha2', LDC, '$3::date')})
         AND ($4::date IS NULL OR ${covered('c.alpha2', LDC_OR_DEVELOPING, '$4::date')})
         AND ($5::boolean IS NULL OR c.itu_member = $5)
       ORDER BY c.alpha2`,
      [query.regionOn, query.region, query.ldcOn, query.developingOn, query.ituMember],
    );
  }

  /** Every status row of the country, superseded ones included: by kind, start, recording. */
  statusHistory(manager: EntityManager, alpha2: string): Promise<StatusRow[]> {
    return manager.query<StatusRow[]>(
      `${STATUS_SELECT} WHERE s.country = $1 ORDER BY s.kind, s.valid_from, s.id`,
      [alpha2],
    );
  }

  async findStatus(manager: EntityManager, id: string): Promise<StatusRow | undefined> {
    const rows = await manager.query<StatusRow[]>(`${STATUS_SELECT} WHERE s.id = $1::bigint`, [id]);
    return rows[0];
  }

  regionHistory(manager: EntityManager, alpha2: string): Promise<RegionRow[]> {
    return manager.query<RegionRow[]>(
      `${REGION_SELECT} WHERE r.country = $1 ORDER BY r.valid_from, r.id`,
      [alpha2],
    );
  }

  async findRegion(manager: EntityManager, id: string): Promise<RegionRow> {
    const [row] = await manager.query<RegionRow[]>(`${REGION_SELECT} WHERE r.id = $1::bigint`, [
      id,
    ]);
    return row;
  }

  /** Serialises the writers of one country's reference data until the transaction ends. */
  async lockCountry(manager: EntityManager, alpha2: string): Promise<void> {
    await manager.query(`SELECT alpha2 FROM country WHERE alpha2 = $1 FOR UPDATE`, [alpha2]);
  }

  /** A current period of the same kind that shares at least one day with [from, to). */
  async overlappingStatus(
    manager: EntityManager,
    period: {
      country: string;
      kind: StatusKind;
      validFrom: CalendarDate;
      validTo: CalendarDate | null;
      except: string | null;
    },
  ): Promise<string | undefined> {
    const rows = await manager.query<{ id: string }[]>(
      `SELECT id::text AS id FROM country_status_current
        WHERE country = $1 AND kind = $2 AND ($5::bigint IS NULL OR id <> $5::bigint)
          AND daterange(valid_from, valid_to) && daterange($3::date, $4::date)
        ORDER BY id LIMIT 1`,
      [period.country, period.kind, period.validFrom, period.validTo, period.except],
    );
    return rows[0]?.id;
  }

  async insertStatus(
    manager: EntityManager,
    row: {
      country: string;
      kind: StatusKind;
      validFrom: CalendarDate;
      validTo: CalendarDate | null;
      source: string;
      note: string | null;
      supersedesId: string | null;
      reason: string | null;
      recordedBy: string;
    },
  ): Promise<string> {
    const [{ id }] = await manager.query<{ id: string }[]>(
      `INSERT INTO country_status
         (country, kind, valid_from, valid_to, source, note, supersedes_id, reason, recorded_by)
       VALUES ($1, $2, $3::date, $4::date, $5, $6, $7::bigint, $8, $9)
       RETURNING id::text AS id`,
      [
        row.country,
        row.kind,
        row.validFrom,
        row.validTo,
        row.source,
        row.note,
        row.supersedesId,
        row.reason,
        row.recordedBy,
      ],
    );
    return id;
  }

  async insertRegion(
    manager: EntityManager,
    row: {
      country: string;
      region: string;
      validFrom: CalendarDate;
      source: string;
      note: string | null;
      reason: string;
      recordedBy: string;
    },
  ): Promise<string> {
    const [{ id }] = await manager.query<{ id: string }[]>(
      `INSERT INTO country_region (country, region, valid_from, source, note, reason, recorded_by)
       VALUES ($1, $2, $3::date, $4, $5, $6, $7)
       RETURNING id::text AS id`,
      [row.country, row.region, row.validFrom, row.source, row.note, row.reason, row.recordedBy],
    );
    return id;
  }
}
