import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What donors receive: statements and acknowledgement letters (issued documents), the batches
 * that issue statements for all donors of a fund, and the payment reminders.
 * - an issued document is immutable: its HTML, PDF bytes, the data it was built from and the
 *   SHA-256 of the PDF are stored once; a correction is a new version naming the one it
 *   replaces (and why), never an update;
 * - numbers are gapless per kind and year (ST-2026-000001, AK-2026-000001); a correction keeps
 *   the number of the document it corrects, with the next version;
 * - a batch issues at most one statement per donor (resumable after a crash);
 * - a reminder is sent at most once per instalment and step.
 */
export class DonorDocuments1765500000000 implements MigrationInterface {
  name = 'DonorDocuments1765500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE document_sequence (
        kind text NOT NULL,
        year integer NOT NULL,
        last_number integer NOT NULL,
        CONSTRAINT document_sequence_pkey PRIMARY KEY (kind, year),
        CONSTRAINT document_sequence_kind_check CHECK (kind IN ('statement', 'acknowledgement'))
      )`);
    await queryRunner.query(`
      CREATE TABLE statement_batch (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        fund_id uuid NOT NULL,
        period_from date NOT NULL,
        period_to date NOT NULL,
        language text,
        status text NOT NULL DEFAULT 'queued',
        total integer NOT NULL,
        requested_by text NOT NULL,
        requested_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        CONSTRAINT statement_batch_pkey PRIMARY KEY (id),
        CONSTRAINT statement_batch_fund_fkey FOREIGN KEY (fund_id) REFERENCES fund (id),
        CONSTRAINT statement_batch_period_check CHECK (period_from <= period_to),
        CONSTRAINT statement_batch_status_check CHECK (
          status IN ('queued', 'running', 'completed', 'failed')),
        CONSTRAINT statement_batch_language_check CHECK (
          language IS NULL OR language IN ('ar', 'zh', 'en', 'fr', 'es', 'ru')),
        CONSTRAINT statement_batch_total_check CHECK (total >= 0)
      )`);
    await queryRunner.query(`
      CREATE TABLE donor_document (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        kind text NOT NULL,
        number text NOT NULL,
        version integer NOT NULL DEFAULT 1,
        replaces_id uuid,
        correction_reason text,
        donor_id uuid NOT NULL,
        fund_id uuid,
        receipt_id uuid,
        period_from date,
        period_to date,
        language text NOT NULL,
        issued_on date NOT NULL,
        issued_by text NOT NULL,
        issued_at timestamptz NOT NULL DEFAULT now(),
        html text NOT NULL,
        pdf bytea NOT NULL,
        data jsonb NOT NULL,
        sha256 char(64) NOT NULL,
        batch_id uuid,
        CONSTRAINT donor_document_pkey PRIMARY KEY (id),
        CONSTRAINT donor_document_number_key UNIQUE (number, version),
        CONSTRAINT donor_document_replaces_key UNIQUE (replaces_id),
        CONSTRAINT donor_document_batch_donor_key UNIQUE (batch_id, donor_id),
        CONSTRAINT donor_document_replaces_fkey FOREIGN KEY (replaces_id) REFERENCES donor_document (id),
        CONSTRAINT donor_document_donor_fkey FOREIGN KEY (donor_id) REFERENCES donor (id),
        CONSTRAINT donor_document_fund_fkey FOREIGN KEY (fund_id) REFERENCES fund (id),
        CONSTRAINT donor_document_receipt_fkey FOREIGN KEY (receipt_id) REFERENCES receipt (id),
        CONSTRAINT donor_document_batch_fkey FOREIGN KEY (batch_id) REFERENCES statement_batch (id),
        CONSTRAINT donor_document_kind_check CHECK (kind IN ('statement', 'acknowledgement')),
        CONSTRAINT donor_document_version_check CHECK (version >= 1),
        CONSTRAINT donor_document_language_check CHECK (
          language IN ('ar', 'zh', 'en', 'fr', 'es', 'ru')),
        CONSTRAINT donor_document_sha256_check CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        -- A statement covers a period; an acknowledgement thanks for one receipt.
        CONSTRAINT donor_document_shape_check CHECK (
          (kind = 'statement' AND period_from IS NOT NULL AND period_to IS NOT NULL
            AND period_from <= period_to AND receipt_id IS NULL)
          OR (kind = 'acknowledgement' AND receipt_id IS NOT NULL AND batch_id IS NULL)),
        -- The first version replaces nothing; every later one names what it replaces and why.
        CONSTRAINT donor_document_correction_check CHECK (
          (version = 1 AND replaces_id IS NULL AND correction_reason IS NULL)
          OR (version > 1 AND replaces_id IS NOT NULL AND btrim(correction_reason) <> ''))
      )`);
    await queryRunner.query(
      `CREATE INDEX donor_document_donor_idx ON donor_document (donor_id, kind, issued_at)`,
    );
    await queryRunner.query(
      `CREATE INDEX donor_document_receipt_idx ON donor_document (receipt_id)`,
    );
    // Issued documents are never changed nor deleted.
    await queryRunner.query(`
      CREATE FUNCTION donor_document_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'issued documents are immutable (% refused)', TG_OP
          USING ERRCODE = 'restrict_violation';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER donor_document_immutable BEFORE UPDATE OR DELETE ON donor_document
      FOR EACH ROW EXECUTE FUNCTION donor_document_immutable()`);
    await queryRunner.query(`
      CREATE TABLE statement_batch_item (
        batch_id uuid NOT NULL,
        donor_id uuid NOT NULL,
        status text NOT NULL DEFAULT 'pending',
        document_id uuid,
        error text,
        CONSTRAINT statement_batch_item_pkey PRIMARY KEY (batch_id, donor_id),
        CONSTRAINT statement_batch_item_batch_fkey FOREIGN KEY (batch_id) REFERENCES statement_batch (id),
        CONSTRAINT statement_batch_item_donor_fkey FOREIGN KEY (donor_id) REFERENCES donor (id),
        CONSTRAINT statement_batch_item_document_fkey FOREIGN KEY (document_id) REFERENCES donor_document (id),
        CONSTRAINT statement_batch_item_status_check CHECK (status IN ('pending', 'issued', 'failed')),
        CONSTRAINT statement_batch_item_issued_check CHECK ((status = 'issued') = (document_id IS NOT NULL))
      )`);
    await queryRunner.query(`
      CREATE TABLE reminder_policy (
        fund_id uuid NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        days_before_due integer NOT NULL DEFAULT 30,
        overdue_every_days integer NOT NULL DEFAULT 30,
        max_overdue_reminders integer NOT NULL DEFAULT 3,
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT reminder_policy_pkey PRIMARY KEY (fund_id),
        CONSTRAINT reminder_policy_fund_fkey FOREIGN KEY (fund_id) REFERENCES fund (id),
        CONSTRAINT reminder_policy_days_before_check CHECK (days_before_due BETWEEN 0 AND 365),
        CONSTRAINT reminder_policy_every_check CHECK (overdue_every_days BETWEEN 1 AND 365),
        CONSTRAINT reminder_policy_max_check CHECK (max_overdue_reminders BETWEEN 0 AND 24)
      )`);
    await queryRunner.query(`
      CREATE TABLE pledge_reminder (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        -- No foreign key to pledge_instalment: an amendment deletes an unpaid instalment, and
        -- the reminders sent for it stay on record (seq is never reused within a pledge).
        instalment_id uuid NOT NULL,
        instalment_seq smallint NOT NULL,
        pledge_id uuid NOT NULL,
        donor_id uuid NOT NULL,
        step integer NOT NULL,
        due_date date NOT NULL,
        outstanding_minor bigint NOT NULL,
        currency char(3) NOT NULL,
        language text NOT NULL,
        sent_on date NOT NULL,
        sent_at timestamptz NOT NULL DEFAULT now(),
        recipients text[] NOT NULL DEFAULT '{}',
        html text NOT NULL,
        -- The e-mail is sent after the row is committed; its outcome is written back here, so
        -- that a failed (or interrupted: still 'pending') send is visible on the pledge.
        delivery text NOT NULL DEFAULT 'pending',
        delivery_error text,
        message_id text,
        delivered_at timestamptz,
        CONSTRAINT pledge_reminder_pkey PRIMARY KEY (id),
        -- Step 0 is the reminder before the due date; 1, 2, … the reminders while overdue.
        CONSTRAINT pledge_reminder_step_key UNIQUE (instalment_id, step),
        CONSTRAINT pledge_reminder_pledge_fkey FOREIGN KEY (pledge_id) REFERENCES pledge (id),
        CONSTRAINT pledge_reminder_donor_fkey FOREIGN KEY (donor_id) REFERENCES donor (id),
        CONSTRAINT pledge_reminder_step_check CHECK (step >= 0),
        CONSTRAINT pledge_reminder_outstanding_check CHECK (outstanding_minor > 0),
        CONSTRAINT pledge_reminder_language_check CHECK (
          language IN ('ar', 'zh', 'en', 'fr', 'es', 'ru')),
        -- no-mail: mail not configured; no-recipients: no contact receives statements.
        CONSTRAINT pledge_reminder_delivery_check CHECK (
          delivery IN ('pending', 'sent', 'failed', 'no-mail', 'no-recipients')),
        CONSTRAINT pledge_reminder_recipients_check CHECK (
          (delivery IN ('no-mail', 'no-recipients')) = (cardinality(recipients) = 0))
      )`);
    await queryRunner.query(
      `CREATE INDEX pledge_reminder_pledge_idx ON pledge_reminder (pledge_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE pledge_reminder`);
    await queryRunner.query(`DROP TABLE reminder_policy`);
    await queryRunner.query(`DROP TABLE statement_batch_item`);
    await queryRunner.query(`DROP TABLE donor_document`);
    await queryRunner.query(`DROP FUNCTION donor_document_immutable()`);
    await queryRunner.query(`DROP TABLE statement_batch`);
    await queryRunner.query(`DROP TABLE document_sequence`);
  }
}
