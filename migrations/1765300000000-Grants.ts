import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Participation grants: events (and programmes) that offer them, the people who ask for them,
 * the grants with their lifecycle, the money committed against an earmark, and which donors'
 * receipts paid for each grant.
 * - a grant's steps (requested, approved, disbursed, settled, cancelled) are appended, never
 *   rewritten; its status is the latest step;
 * - commitments (encumbrances) beside the ledger are appended too: + when approved, − when
 *   consumed by a disbursement or released by a settlement or a cancellation;
 * - a fund carries its programme support-cost rate (0 unless set).
 */
export class Grants1765300000000 implements MigrationInterface {
  name = 'Grants1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE fund ADD COLUMN support_cost_rate numeric(6, 4) NOT NULL DEFAULT 0,
        ADD CONSTRAINT fund_support_cost_rate_range
          CHECK (support_cost_rate >= 0 AND support_cost_rate < 1)`);
    await queryRunner.query(`
      CREATE TABLE grant_event (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        fund_id uuid NOT NULL,
        earmark_id uuid NOT NULL,
        code text NOT NULL,
        name text NOT NULL,
        place text NOT NULL,
        starts_on date NOT NULL,
        ends_on date NOT NULL,
        budget_minor bigint NOT NULL,
        eligibility_rule text NOT NULL,
        offers_full boolean NOT NULL,
        offers_partial_ticket boolean NOT NULL,
        offers_partial_allowance boolean NOT NULL,
        offers_remote boolean NOT NULL,
        remote_amount_minor bigint,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT grant_event_pkey PRIMARY KEY (id),
        CONSTRAINT grant_event_id_fund_key UNIQUE (id, fund_id),
        CONSTRAINT grant_event_code_key UNIQUE (fund_id, code),
        CONSTRAINT grant_event_earmark_fk FOREIGN KEY (earmark_id, fund_id)
          REFERENCES earmark (id, fund_id),
        CONSTRAINT grant_event_code_format CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,39}$'),
        CONSTRAINT grant_event_dates CHECK (ends_on >= starts_on),
        CONSTRAINT grant_event_budget_positive CHECK (budget_minor > 0),
        CONSTRAINT grant_event_rule_valid
          CHECK (eligibility_rule IN ('ldc-only', 'ldc-and-developing', 'ldc-first')),
        CONSTRAINT grant_event_offers_something
          CHECK (offers_full OR offers_partial_ticket OR offers_partial_allowance OR offers_remote),
        CONSTRAINT grant_event_remote_amount
          CHECK ((offers_remote AND remote_amount_minor > 0)
                 OR (NOT offers_remote AND remote_amount_minor IS NULL))
      )`);
    await queryRunner.query(`
      CREATE TABLE participant (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        name text NOT NULL,
        normalized_name text NOT NULL,
        gender text NOT NULL,
        country text NOT NULL,
        organisation text NOT NULL,
        stakeholder_group text NOT NULL,
        email text,
        phone text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT participant_pkey PRIMARY KEY (id),
        CONSTRAINT participant_country_fk FOREIGN KEY (country) REFERENCES country (alpha2),
        CONSTRAINT participant_name_not_blank CHECK (btrim(name) <> ''),
        CONSTRAINT participant_gender_valid
          CHECK (gender IN ('female', 'male', 'non-binary', 'not-disclosed')),
        CONSTRAINT participant_stakeholder_group_valid CHECK (stakeholder_group IN (
          'government', 'private-sector', 'civil-society', 'academia', 'technical-community',
          'international-organization'))
      )`);
    await queryRunner.query(
      `CREATE INDEX participant_name_idx ON participant (normalized_name, country)`,
    );
    await queryRunner.query(`
      CREATE TABLE grant_sequence (
        fund_id uuid NOT NULL,
        year integer NOT NULL,
        last_number integer NOT NULL,
        CONSTRAINT grant_sequence_pkey PRIMARY KEY (fund_id, year),
        CONSTRAINT grant_sequence_fund_fk FOREIGN KEY (fund_id) REFERENCES fund (id)
      )`);
    await queryRunner.query(`
      CREATE TABLE participation_grant (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        fund_id uuid NOT NULL,
        number text NOT NULL,
        event_id uuid NOT NULL,
        participant_id uuid NOT NULL,
        kind text NOT NULL,
        amount_minor bigint NOT NULL,
        ticket_minor bigint,
        allowance_minor bigint,
        decision_date date NOT NULL,
        eligibility jsonb NOT NULL,
        exception_reason text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT participation_grant_pkey PRIMARY KEY (id),
        CONSTRAINT participation_grant_id_fund_key UNIQUE (id, fund_id),
        CONSTRAINT participation_grant_number_key UNIQUE (fund_id, number),
        CONSTRAINT participation_grant_event_fk FOREIGN KEY (event_id, fund_id)
          REFERENCES grant_event (id, fund_id),
        CONSTRAINT participation_grant_participant_fk
          FOREIGN KEY (participant_id) REFERENCES participant (id),
        CONSTRAINT participation_grant_kind_valid
          CHECK (kind IN ('full', 'partial-ticket', 'partial-allowance', 'remote')),
        CONSTRAINT participation_grant_amount_positive CHECK (amount_minor > 0),
        CONSTRAINT participation_grant_breakdown CHECK (
          (ticket_minor IS NULL AND allowance_minor IS NULL)
          OR (coalesce(ticket_minor, 0) + coalesce(allowance_minor, 0) = amount_minor
              AND coalesce(ticket_minor, 0) >= 0 AND coalesce(allowance_minor, 0) >= 0)),
        CONSTRAINT participation_grant_exception_reason
          CHECK (exception_reason IS NULL OR btrim(exception_reason) <> '')
      )`);
    await queryRunner.query(
      `CREATE INDEX participation_grant_event_idx ON participation_grant (event_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX participation_grant_participant_idx ON participation_grant (participant_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE grant_step (
        id bigserial NOT NULL,
        grant_id uuid NOT NULL,
        kind text NOT NULL,
        effective_on date NOT NULL,
        amount_minor bigint,
        reason text,
        entry_id uuid,
        approval_id uuid,
        actor text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT grant_step_pkey PRIMARY KEY (id),
        CONSTRAINT grant_step_grant_fk FOREIGN KEY (grant_id) REFERENCES participation_grant (id),
        CONSTRAINT grant_step_entry_fk FOREIGN KEY (entry_id) REFERENCES journal_entry (id),
        CONSTRAINT grant_step_approval_fk
          FOREIGN KEY (approval_id) REFERENCES approval_request (id),
        CONSTRAINT grant_step_kind_valid
          CHECK (kind IN ('requested', 'approved', 'disbursed', 'settled', 'cancelled')),
        CONSTRAINT grant_step_cancel_reason
          CHECK (kind <> 'cancelled' OR (reason IS NOT NULL AND btrim(reason) <> ''))
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX grant_step_once_key ON grant_step (grant_id, kind)`,
    );
    await queryRunner.query(`
      CREATE TABLE grant_commitment (
        id bigserial NOT NULL,
        fund_id uuid NOT NULL,
        earmark_id uuid NOT NULL,
        grant_id uuid NOT NULL,
        effective_on date NOT NULL,
        amount_minor bigint NOT NULL,
        cause text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT grant_commitment_pkey PRIMARY KEY (id),
        CONSTRAINT grant_commitment_earmark_fk FOREIGN KEY (earmark_id, fund_id)
          REFERENCES earmark (id, fund_id),
        CONSTRAINT grant_commitment_grant_fk FOREIGN KEY (grant_id, fund_id)
          REFERENCES participation_grant (id, fund_id),
        CONSTRAINT grant_commitment_not_zero CHECK (amount_minor <> 0),
        CONSTRAINT grant_commitment_cause_valid
          CHECK (cause IN ('approved', 'disbursed', 'settled', 'cancelled')),
        CONSTRAINT grant_commitment_sign
          CHECK ((cause = 'approved') = (amount_minor > 0))
      )`);
    await queryRunner.query(
      `CREATE INDEX grant_commitment_earmark_idx ON grant_commitment (earmark_id, effective_on)`,
    );
    await queryRunner.query(`
      CREATE TABLE grant_attribution (
        id bigserial NOT NULL,
        grant_id uuid NOT NULL,
        donor_id uuid NOT NULL,
        receipt_allocation_id uuid NOT NULL,
        amount_minor bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT grant_attribution_pkey PRIMARY KEY (id),
        CONSTRAINT grant_attribution_grant_fk
          FOREIGN KEY (grant_id) REFERENCES participation_grant (id),
        CONSTRAINT grant_attribution_donor_fk FOREIGN KEY (donor_id) REFERENCES donor (id),
        CONSTRAINT grant_attribution_allocation_fk
          FOREIGN KEY (receipt_allocation_id) REFERENCES receipt_allocation (id),
        CONSTRAINT grant_attribution_amount_not_zero CHECK (amount_minor <> 0)
      )`);
    await queryRunner.query(
      `CREATE INDEX grant_attribution_allocation_idx ON grant_attribution (receipt_allocation_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX grant_attribution_grant_idx ON grant_attribution (grant_id)`,
    );
    await queryRunner.query(`
      CREATE FUNCTION grant_record_refuse_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% on % is refused: what happened to a grant is never rewritten',
          TG_OP, TG_TABLE_NAME USING ERRCODE = '55000';
      END $$`);
    for (const table of ['grant_step', 'grant_commitment', 'grant_attribution']) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_immutable BEFORE UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION grant_record_refuse_change()`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE grant_attribution`);
    await queryRunner.query(`DROP TABLE grant_commitment`);
    await queryRunner.query(`DROP TABLE grant_step`);
    await queryRunner.query(`DROP FUNCTION grant_record_refuse_change()`);
    await queryRunner.query(`DROP TABLE participation_grant`);
    await queryRunner.query(`DROP TABLE grant_sequence`);
    await queryRunner.query(`DROP TABLE participant`);
    await queryRunner.query(`DROP TABLE grant_event`);
    await queryRunner.query(`
      ALTER TABLE fund DROP CONSTRAINT fund_support_cost_rate_range,
        DROP COLUMN support_cost_rate`);
  }
}
