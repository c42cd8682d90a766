import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Amendments of a pledge: each one keeps the amount and the whole schedule before and after it,
 * so that the pledge as of any date reads the schedule then in force (the earliest amendment
 * effective after that date holds it in `schedule_before`). Appended, never rewritten; numbered
 * 1… per pledge; the amount difference of an agreed pledge is posted as its own entry.
 */
export class PledgeAmendments1765150000000 implements MigrationInterface {
  name = 'PledgeAmendments1765150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE pledge_amendment (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        pledge_id uuid NOT NULL,
        number integer NOT NULL,
        effective_on date NOT NULL,
        reason text NOT NULL,
        amount_before bigint NOT NULL,
        amount_after bigint NOT NULL,
        schedule_before jsonb NOT NULL,
        schedule_after jsonb NOT NULL,
        entry_id uuid,
        actor text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pledge_amendment_pkey PRIMARY KEY (id),
        CONSTRAINT pledge_amendment_pledge_fk FOREIGN KEY (pledge_id) REFERENCES pledge (id),
        CONSTRAINT pledge_amendment_entry_fk FOREIGN KEY (entry_id) REFERENCES journal_entry (id),
        CONSTRAINT pledge_amendment_number_key UNIQUE (pledge_id, number),
        CONSTRAINT pledge_amendment_number_positive CHECK (number >= 1),
        CONSTRAINT pledge_amendment_has_reason CHECK (btrim(reason) <> ''),
        CONSTRAINT pledge_amendment_amounts_positive
          CHECK (amount_before > 0 AND amount_after > 0),
        CONSTRAINT pledge_amendment_schedules_are_lists
          CHECK (jsonb_typeof(schedule_before) = 'array' AND jsonb_typeof(schedule_after) = 'array')
      )`);
    await queryRunner.query(`
      CREATE FUNCTION pledge_amendment_refuse_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% on pledge_amendment is refused: an amendment is never rewritten',
          TG_OP USING ERRCODE = '55000';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER pledge_amendment_immutable BEFORE UPDATE OR DELETE ON pledge_amendment
        FOR EACH ROW EXECUTE FUNCTION pledge_amendment_refuse_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE pledge_amendment`);
    await queryRunner.query(`DROP FUNCTION pledge_amendment_refuse_change()`);
  }
}
