import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * UN operational rates of exchange: units of a currency per 1 USD, in force from a date until
 * the next row of that currency. A correction is a new version of the same (currency, date);
 * rows are never changed or removed, which a trigger enforces for every database user.
 */
export class ExchangeRates1764500000000 implements MigrationInterface {
  name = 'ExchangeRates1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE exchange_rate (
        id bigserial NOT NULL,
        currency char(3) NOT NULL,
        effective_from date NOT NULL,
        units_per_usd numeric(24,10) NOT NULL,
        version integer NOT NULL,
        source text NOT NULL,
        reason text,
        entered_by text NOT NULL,
        entered_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT exchange_rate_pkey PRIMARY KEY (id),
        CONSTRAINT exchange_rate_version_key UNIQUE (currency, effective_from, version),
        CONSTRAINT exchange_rate_currency_check CHECK (currency ~ '^[A-Z]{3}$' AND currency <> 'USD'),
        CONSTRAINT exchange_rate_units_positive CHECK (units_per_usd > 0),
        CONSTRAINT exchange_rate_version_check CHECK (version >= 1),
        CONSTRAINT exchange_rate_source_check CHECK (source = 'manual' OR source ~ '^csv:.+'),
        CONSTRAINT exchange_rate_correction_reason CHECK (version = 1 OR btrim(coalesce(reason, '')) <> '')
      )`);
    await queryRunner.query(`
      CREATE FUNCTION exchange_rate_refuse_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'exchange_rate rows are never changed or removed: enter a correction as a new version'
          USING ERRCODE = 'restrict_violation', HINT = TG_OP || ' refused on exchange_rate';
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER exchange_rate_immutable
      BEFORE UPDATE OR DELETE ON exchange_rate
      FOR EACH ROW EXECUTE FUNCTION exchange_rate_refuse_change()`);
    await queryRunner.query(`
      CREATE TRIGGER exchange_rate_no_truncate
      BEFORE TRUNCATE ON exchange_rate
      FOR EACH STATEMENT EXECUTE FUNCTION exchange_rate_refuse_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE exchange_rate`);
    await queryRunner.query(`DROP FUNCTION exchange_rate_refuse_change()`);
  }
}
