import { MigrationInterface, QueryRunner } from 'typeorm';
import { COUNTRY_ROWS } from './seeds/1764400000000-reference-data/countries';
import {
  DEVELOPING_COUNTRIES,
  DEVELOPING_SEED_NOTE,
  DEVELOPING_SEED_VALID_FROM,
  DEVELOPING_SOURCE,
} from './seeds/1764400000000-reference-data/developing-status';
import {
  ITU_D_REGION_SOURCE,
  ITU_MEMBER_STATES_BY_REGION,
  NON_MEMBER_REGIONS,
  REGION_SEED_VALID_FROM,
} from './seeds/1764400000000-reference-data/itu-d-regions';
import { LDC_SEED_ROWS } from './seeds/1764400000000-reference-data/ldc-status';

const SEEDED_BY = 'migration:ReferenceData1764400000000';

/**
 * Countries (ISO 3166-1, names in the six UN languages), their ITU-D region and their LDC and
 * developing-country status, as effective-dated rows that are only ever added: a change of a
 * graduation date is a new row that supersedes the old one (supersedes_id), and the database
 * refuses UPDATE, DELETE and TRUNCATE of region and status rows for every user.
 *
 * The seed comes only from ./seeds/1764400000000-reference-data, frozen with this migration, so
 * that running it again in a year inserts exactly what it inserted today.
 */
export class ReferenceData1764400000000 implements MigrationInterface {
  name = 'ReferenceData1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE country (
        alpha2 text NOT NULL,
        alpha3 text NOT NULL,
        name_ar text NOT NULL,
        name_zh text NOT NULL,
        name_en text NOT NULL,
        name_fr text NOT NULL,
        name_ru text NOT NULL,
        name_es text NOT NULL,
        itu_member boolean NOT NULL,
        CONSTRAINT country_pkey PRIMARY KEY (alpha2),
        CONSTRAINT country_alpha3_key UNIQUE (alpha3),
        CONSTRAINT country_alpha2_check CHECK (alpha2 ~ '^[A-Z]{2}$'),
        CONSTRAINT country_alpha3_check CHECK (alpha3 ~ '^[A-Z]{3}$')
      )`);
    await queryRunner.query(`
      CREATE TABLE country_region (
        id bigint GENERATED ALWAYS AS IDENTITY,
        country text NOT NULL,
        region text NOT NULL,
        valid_from date NOT NULL,
        source text NOT NULL,
        note text,
        reason text,
        recorded_by text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT country_region_pkey PRIMARY KEY (id),
        CONSTRAINT country_region_country_fkey FOREIGN KEY (country) REFERENCES country (alpha2),
        CONSTRAINT country_region_region_check CHECK (
          region IN ('Africa', 'Americas', 'Arab States', 'Asia-Pacific', 'CIS', 'Europe')),
        CONSTRAINT country_region_source_check CHECK (btrim(source) <> '')
      )`);
    await queryRunner.query(
      `CREATE INDEX country_region_country_idx ON country_region (country, valid_from, id)`,
    );
    // A row may supersede one earlier row of the same country and kind, and only one row may
    // supersede it: the history of a status is a chain, never a fork.
    await queryRunner.query(`
      CREATE TABLE country_status (
        id bigint GENERATED ALWAYS AS IDENTITY,
        country text NOT NULL,
        kind text NOT NULL,
        valid_from date NOT NULL,
        valid_to date,
        source text NOT NULL,
        note text,
        supersedes_id bigint,
        reason text,
        recorded_by text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT country_status_pkey PRIMARY KEY (id),
        CONSTRAINT country_status_country_fkey FOREIGN KEY (country) REFERENCES country (alpha2),
        CONSTRAINT country_status_kind_check CHECK (kind IN ('ldc', 'developing')),
        CONSTRAINT country_status_period_check CHECK (valid_to IS NULL OR valid_to > valid_from),
        CONSTRAINT country_status_source_check CHECK (btrim(source) <> ''),
        CONSTRAINT country_status_subject_key UNIQUE (id, country, kind),
        CONSTRAINT country_status_supersedes_fkey FOREIGN KEY (supersedes_id, country, kind)
          REFERENCES country_status (id, country, kind),
        CONSTRAINT country_status_supersedes_key UNIQUE (supersedes_id),
        CONSTRAINT country_status_supersedes_earlier CHECK (supersedes_id < id),
        CONSTRAINT country_status_reason_check CHECK (
          supersedes_id IS NULL OR btrim(coalesce(reason, '')) <> '')
      )`);
    await queryRunner.query(
      `CREATE INDEX country_status_country_idx ON country_status (country, kind, valid_from)`,
    );
    await queryRunner.query(`
      CREATE VIEW country_status_current AS
      SELECT s.* FROM country_status s
       WHERE NOT EXISTS (SELECT 1 FROM country_status n WHERE n.supersedes_id = s.id)`);
    await queryRunner.query(`
      CREATE FUNCTION reference_refuse_rewrite() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% rows are never changed or removed: record a new row instead', TG_TABLE_NAME
          USING ERRCODE = 'restrict_violation', HINT = TG_OP || ' refused on ' || TG_TABLE_NAME;
      END
      $$`);
    for (const table of ['country_region', 'country_status']) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_immutable BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION reference_refuse_rewrite()`);
      await queryRunner.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION reference_refuse_rewrite()`);
    }
    await this.seed(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP VIEW country_status_current`);
    await queryRunner.query(`DROP TABLE country_status`);
    await queryRunner.query(`DROP TABLE country_region`);
    await queryRunner.query(`DROP FUNCTION reference_refuse_rewrite()`);
    await queryRunner.query(`DROP TABLE country`);
  }

  private async seed(queryRunner: QueryRunner): Promise<void> {
    const regions = new Map<string, { region: string; note: string | null }>();
    for (const [region, members] of Object.entries(ITU_MEMBER_STATES_BY_REGION)) {
      for (const alpha2 of members) regions.set(alpha2, { region, note: null });
    }
    const members = new Set(regions.keys());
    for (const [alpha2, entry] of Object.entries(NON_MEMBER_REGIONS)) regions.set(alpha2, entry);

    await insertRows(
      queryRunner,
      'country',
      [
        'alpha2',
        'alpha3',
        'name_ar',
        'name_zh',
        'name_en',
        'name_fr',
        'name_ru',
        'name_es',
        'itu_member',
      ],
      COUNTRY_ROWS.map((row) => [...row, members.has(row[0])]),
    );
    await insertRows(
      queryRunner,
      'country_region',
      ['country', 'region', 'valid_from', 'source', 'note', 'recorded_by'],
      [...regions].map(([alpha2, { region, note }]) => [
        alpha2,
        region,
        REGION_SEED_VALID_FROM,
        ITU_D_REGION_SOURCE,
        note,
        SEEDED_BY,
      ]),
    );
    const columns = ['country', 'kind', 'valid_from', 'valid_to', 'source', 'note', 'recorded_by'];
    await insertRows(
      queryRunner,
      'country_status',
      columns,
      LDC_SEED_ROWS.map((row) => [
        row.country,
        'ldc',
        row.validFrom,
        row.validTo,
        row.source,
        row.note,
        SEEDED_BY,
      ]),
    );
    await insertRows(
      queryRunner,
      'country_status',
      columns,
      DEVELOPING_COUNTRIES.map((alpha2) => [
        alpha2,
        'developing',
        DEVELOPING_SEED_VALID_FROM,
        null,
        DEVELOPING_SOURCE,
        DEVELOPING_SEED_NOTE,
        SEEDED_BY,
      ]),
    );
  }
}

type SqlValue = string | boolean | null;

/** One multi-row INSERT with bound parameters. */
async function insertRows(
  queryRunner: QueryRunner,
  table: string,
  columns: string[],
  rows: SqlValue[][],
): Promise<void> {
  const width = columns.length;
  const values = rows.map(
    (_, i) => `(${Array.from({ length: width }, (__, j) => `$${i * width + j + 1}`).join(', ')})`,
  );
  await queryRunner.query(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`,
    rows.flat(),
  );
}
