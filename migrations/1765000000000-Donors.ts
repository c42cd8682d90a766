import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Donors and the contacts that receive their statements; user_donor links now point at real
 * donors. `normalized_name` is the name folded for search (lower case, without accents or
 * punctuation, single spaces), written by the application with the name (donor-name.ts), so
 * that a search for "ministere de l economie" finds "Ministère de l'Économie".
 */
export class Donors1765000000000 implements MigrationInterface {
  name = 'Donors1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE donor (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        name text NOT NULL,
        normalized_name text NOT NULL,
        type text NOT NULL,
        country text,
        statement_language text NOT NULL DEFAULT 'en',
        statement_currency char(3) NOT NULL DEFAULT 'CHF',
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_by text,
        updated_at timestamptz,
        CONSTRAINT donor_pkey PRIMARY KEY (id),
        CONSTRAINT donor_country_fkey FOREIGN KEY (country) REFERENCES country (alpha2),
        CONSTRAINT donor_name_check CHECK (btrim(name) <> ''),
        CONSTRAINT donor_type_check CHECK (type IN ('member_state', 'sector_member', 'associate',
          'academia', 'intergovernmental', 'private_sector', 'foundation', 'other')),
        CONSTRAINT donor_statement_language_check CHECK (
          statement_language IN ('ar', 'zh', 'en', 'fr', 'es', 'ru')),
        CONSTRAINT donor_statement_currency_check CHECK (statement_currency ~ '^[A-Z]{3}$')
      )`);
    // Lists are filtered by type and country and sorted by name; the duplicate check and the
    // name search scan normalized_name, which stays small (one row per donor).
    await queryRunner.query(`CREATE INDEX donor_normalized_name_idx ON donor (normalized_name)`);
    await queryRunner.query(`CREATE INDEX donor_type_idx ON donor (type)`);
    await queryRunner.query(`CREATE INDEX donor_country_idx ON donor (country)`);
    await queryRunner.query(`
      CREATE TABLE donor_contact (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        donor_id uuid NOT NULL,
        name text NOT NULL,
        email text,
        role text,
        receives_statements boolean NOT NULL DEFAULT false,
        position integer NOT NULL,
        CONSTRAINT donor_contact_pkey PRIMARY KEY (id),
        CONSTRAINT donor_contact_donor_fkey FOREIGN KEY (donor_id) REFERENCES donor (id),
        CONSTRAINT donor_contact_position_key UNIQUE (donor_id, position),
        CONSTRAINT donor_contact_name_check CHECK (btrim(name) <> ''),
        CONSTRAINT donor_contact_position_check CHECK (position >= 0),
        -- Statements are sent by e-mail: a contact who receives them must have an address.
        CONSTRAINT donor_contact_statements_email_check CHECK (
          NOT receives_statements OR email IS NOT NULL)
      )`);
    await queryRunner.query(`
      ALTER TABLE user_donor
        ADD CONSTRAINT user_donor_donor_fkey FOREIGN KEY (donor_id) REFERENCES donor (id)`);
    await queryRunner.query(`CREATE INDEX user_donor_donor_idx ON user_donor (donor_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX user_donor_donor_idx`);
    await queryRunner.query(`ALTER TABLE user_donor DROP CONSTRAINT user_donor_donor_fkey`);
    await queryRunner.query(`DROP TABLE donor_contact`);
    await queryRunner.query(`DROP TABLE donor`);
  }
}
