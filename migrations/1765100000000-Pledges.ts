import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pledges: a donor's promise to a fund and earmark, its instalment schedule and what happened to
 * it (agreed, conditions met, cancelled, written off). Status is never stored: it is derived from
 * these facts and from the journal lines that carry the pledge's id.
 * The database keeps the promises no code path may break:
 * - a schedule always sums to its pledge's amount (deferred constraint triggers, at commit);
 * - a reference number is unique per fund, numbered without gaps per fund and year;
 * - a journal line tagged with a pledge is in the pledge's fund and for the pledge's donor;
 * - what happened to a pledge is appended, never rewritten, and a pledge ends at most once.
 */
export class Pledges1765100000000 implements MigrationInterface {
  name = 'Pledges1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE pledge_sequence (
        fund_id uuid NOT NULL,
        year integer NOT NULL,
        last_number integer NOT NULL,
        CONSTRAINT pledge_sequence_pkey PRIMARY KEY (fund_id, year),
        CONSTRAINT pledge_sequence_fund_fk FOREIGN KEY (fund_id) REFERENCES fund (id)
      )`);
    await queryRunner.query(`
      CREATE TABLE pledge (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        fund_id uuid NOT NULL,
        donor_id uuid NOT NULL,
        earmark_id uuid NOT NULL,
        reference text NOT NULL,
        currency char(3) NOT NULL,
        amount_minor bigint NOT NULL,
        announced_on date NOT NULL,
        agreed_on date,
        agreement_ref text,
        conditional boolean NOT NULL DEFAULT false,
        conditions_met_on date,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pledge_pkey PRIMARY KEY (id),
        CONSTRAINT pledge_fund_fk FOREIGN KEY (fund_id) REFERENCES fund (id),
        CONSTRAINT pledge_donor_fk FOREIGN KEY (donor_id) REFERENCES donor (id),
        CONSTRAINT pledge_earmark_fk FOREIGN KEY (earmark_id, fund_id)
          REFERENCES earmark (id, fund_id),
        CONSTRAINT pledge_reference_key UNIQUE (fund_id, reference),
        CONSTRAINT pledge_line_key UNIQUE (id, fund_id, donor_id),
        CONSTRAINT pledge_reference_format
          CHECK (reference ~ '^[A-Z0-9][A-Z0-9-]*-[0-9]{4}-[0-9]{4,}$'),
        CONSTRAINT pledge_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
        CONSTRAINT pledge_amount_positive CHECK (amount_minor > 0),
        CONSTRAINT pledge_agreed_after_announced
          CHECK (agreed_on IS NULL OR agreed_on >= announced_on),
        CONSTRAINT pledge_agreement_documented
          CHECK ((agreed_on IS NULL) = (agreement_ref IS NULL)),
        CONSTRAINT pledge_conditional_when_agreed CHECK (agreed_on IS NOT NULL OR NOT conditional),
        CONSTRAINT pledge_conditions_met_after_agreement
          CHECK (conditions_met_on IS NULL OR (conditional AND conditions_met_on >= agreed_on))
      )`);
    await queryRunner.query(`CREATE INDEX pledge_donor_idx ON pledge (donor_id)`);
    await queryRunner.query(`CREATE INDEX pledge_fund_idx ON pledge (fund_id, announced_on)`);
    await queryRunner.query(`
      CREATE TABLE pledge_instalment (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        pledge_id uuid NOT NULL,
        seq smallint NOT NULL,
        due_date date NOT NULL,
        amount_minor bigint NOT NULL,
        CONSTRAINT pledge_instalment_pkey PRIMARY KEY (id),
        CONSTRAINT pledge_instalment_pledge_fk FOREIGN KEY (pledge_id) REFERENCES pledge (id),
        CONSTRAINT pledge_instalment_seq_key UNIQUE (pledge_id, seq),
        CONSTRAINT pledge_instalment_seq_positive CHECK (seq >= 1),
        CONSTRAINT pledge_instalment_amount_positive CHECK (amount_minor > 0)
      )`);
    // Checked at commit, so that a pledge and its instalments can be written in any order.
    await queryRunner.query(`
      CREATE FUNCTION pledge_schedule_check(p_pledge_id uuid) RETURNS void
      LANGUAGE plpgsql AS $$
      DECLARE
        v_amount bigint;
        v_scheduled bigint;
      BEGIN
        SELECT amount_minor INTO v_amount FROM pledge WHERE id = p_pledge_id;
        IF v_amount IS NULL THEN
          RETURN;
        END IF;
        SELECT coalesce(sum(amount_minor), 0) INTO v_scheduled
          FROM pledge_instalment WHERE pledge_id = p_pledge_id;
        IF v_scheduled <> v_amount THEN
          RAISE EXCEPTION 'the schedule of pledge % sums to % minor units, the pledge is %',
            p_pledge_id, v_scheduled, v_amount
            USING ERRCODE = '23514', CONSTRAINT = 'pledge_schedule_sums';
        END IF;
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION pledge_schedule_check_row() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'pledge' THEN
          PERFORM pledge_schedule_check(NEW.id);
        ELSIF TG_OP = 'DELETE' THEN
          PERFORM pledge_schedule_check(OLD.pledge_id);
        ELSE
          PERFORM pledge_schedule_check(NEW.pledge_id);
          IF TG_OP = 'UPDATE' AND OLD.pledge_id <> NEW.pledge_id THEN
            PERFORM pledge_schedule_check(OLD.pledge_id);
          END IF;
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE CONSTRAINT TRIGGER pledge_schedule_sums AFTER INSERT OR UPDATE OF amount_minor
        ON pledge DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION pledge_schedule_check_row()`);
    await queryRunner.query(`
      CREATE CONSTRAINT TRIGGER pledge_instalment_sums AFTER INSERT OR UPDATE OR DELETE
        ON pledge_instalment DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION pledge_schedule_check_row()`);

    // What happened to a pledge, with who, when and why. At most one of each kind, and at most
    // one ending (cancelled or written off).
    await queryRunner.query(`
      CREATE TABLE pledge_event (
        id bigserial NOT NULL,
        pledge_id uuid NOT NULL,
        kind text NOT NULL,
        effective_on date NOT NULL,
        reason text,
        document_ref text,
        entry_id uuid,
        approval_id uuid,
        actor text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pledge_event_pkey PRIMARY KEY (id),
        CONSTRAINT pledge_event_pledge_fk FOREIGN KEY (pledge_id) REFERENCES pledge (id),
        CONSTRAINT pledge_event_entry_fk FOREIGN KEY (entry_id) REFERENCES journal_entry (id),
        CONSTRAINT pledge_event_approval_fk
          FOREIGN KEY (approval_id) REFERENCES approval_request (id),
        CONSTRAINT pledge_event_kind_valid
          CHECK (kind IN ('announced', 'agreed', 'conditions-met', 'cancelled', 'written-off')),
        CONSTRAINT pledge_event_ending_has_reason
          CHECK (kind NOT IN ('cancelled', 'written-off') OR (reason IS NOT NULL AND btrim(reason) <> ''))
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX pledge_event_once_key ON pledge_event (pledge_id, kind)`,
    );
    await queryRunner.query(`
      CREATE UNIQUE INDEX pledge_event_one_ending_key ON pledge_event (pledge_id)
        WHERE kind IN ('cancelled', 'written-off')`);
    await queryRunner.query(`
      CREATE FUNCTION pledge_event_refuse_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% on pledge_event is refused: what happened to a pledge is never rewritten',
          TG_OP USING ERRCODE = '55000';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER pledge_event_immutable BEFORE UPDATE OR DELETE ON pledge_event
        FOR EACH ROW EXECUTE FUNCTION pledge_event_refuse_change()`);

    // Journal lines name the pledge they concern: receivable, revenue, payments, write-offs.
    await queryRunner.query(`ALTER TABLE journal_line ADD COLUMN pledge_id uuid`);
    await queryRunner.query(`
      ALTER TABLE journal_line
        ADD CONSTRAINT journal_line_pledge_fk FOREIGN KEY (pledge_id, fund_id, donor_id)
          REFERENCES pledge (id, fund_id, donor_id),
        ADD CONSTRAINT journal_line_pledge_has_donor
          CHECK (pledge_id IS NULL OR donor_id IS NOT NULL)`);
    // Outstanding and status per pledge as of a date read the receivable by pledge.
    await queryRunner.query(`
      CREATE INDEX journal_line_pledge_balance_idx ON journal_line (account_id, pledge_id, entry_date)
        INCLUDE (currency, amount_minor, functional_minor) WHERE pledge_id IS NOT NULL`);
    // A pledge's entries, whatever the account.
    await queryRunner.query(`
      CREATE INDEX journal_line_pledge_idx ON journal_line (pledge_id) WHERE pledge_id IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX journal_line_pledge_idx`);
    await queryRunner.query(`DROP INDEX journal_line_pledge_balance_idx`);
    await queryRunner.query(`
      ALTER TABLE journal_line
        DROP CONSTRAINT journal_line_pledge_has_donor,
        DROP CONSTRAINT journal_line_pledge_fk,
        DROP COLUMN pledge_id`);
    await queryRunner.query(`DROP TABLE pledge_event`);
    await queryRunner.query(`DROP FUNCTION pledge_event_refuse_change()`);
    await queryRunner.query(`DROP TABLE pledge_instalment`);
    await queryRunner.query(`DROP TABLE pledge`);
    await queryRunner.query(`DROP FUNCTION pledge_schedule_check_row()`);
    await queryRunner.query(`DROP FUNCTION pledge_schedule_check(uuid)`);
    await queryRunner.query(`DROP TABLE pledge_sequence`);
  }
}
