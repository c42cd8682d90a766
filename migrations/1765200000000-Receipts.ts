import { MigrationInterface, QueryRunner } from 'typeorm';

const CHART_WITHOUT_CONVERSION = `
  (p_fund_id, '1000', 'Cash at bank', 'asset', 'none', 'none', 'required'),
  (p_fund_id, '1100', 'Contributions receivable', 'asset', 'required', 'optional', 'none'),
  (p_fund_id, '1200', 'Grant advances', 'asset', 'none', 'optional', 'none'),
  (p_fund_id, '2000', 'Unapplied receipts', 'liability', 'required', 'none', 'none'),
  (p_fund_id, '2100', 'Conditional contributions', 'liability', 'required', 'optional', 'none'),
  (p_fund_id, '2200', 'Grants payable', 'liability', 'none', 'optional', 'none'),
  (p_fund_id, '2300', 'Suspense', 'liability', 'none', 'none', 'optional'),
  (p_fund_id, '2400', 'Support costs payable to the agency', 'liability', 'none', 'none', 'none'),
  (p_fund_id, '3000', 'Accumulated surplus', 'net_assets', 'none', 'optional', 'none'),
  (p_fund_id, '4000', 'Contribution revenue', 'revenue', 'optional', 'required', 'none'),
  (p_fund_id, '4100', 'FX gains (realised)', 'revenue', 'optional', 'none', 'none'),
  (p_fund_id, '4200', 'Interest income', 'revenue', 'none', 'none', 'optional'),
  (p_fund_id, '4300', 'FX gains (unrealised)', 'revenue', 'none', 'none', 'none'),
  (p_fund_id, '5000', 'Participation grants expense', 'expense', 'none', 'required', 'none'),
  (p_fund_id, '5100', 'Bank charges', 'expense', 'none', 'none', 'optional'),
  (p_fund_id, '5200', 'FX losses (realised)', 'expense', 'optional', 'none', 'none'),
  (p_fund_id, '5300', 'Write-offs', 'expense', 'optional', 'optional', 'none'),
  (p_fund_id, '5400', 'Programme support costs', 'expense', 'none', 'optional', 'none'),
  (p_fund_id, '5500', 'FX losses (unrealised)', 'expense', 'none', 'none', 'none')`;

/**
 * Receipts: the money that arrives, in bank accounts of a fund, and what it is applied to.
 * - bank accounts of a fund (journal lines on cash now name a real one);
 * - receipts, numbered without gaps per fund and year, each posted as one entry;
 * - allocations of receipts to pledge instalments, appended, never rewritten (a reversal is a
 *   negative allocation that names what it reverses);
 * - what else happens to a receipt (donor assigned, refund, reversal), appended;
 * - batches of receipts entered by hand, kept as drafts until they agree with what was declared;
 * - journal lines name the receipt they concern, so that a receipt's unapplied balance is read
 *   from the ledger, never kept beside it;
 * - account 1900 Currency conversion: where a receipt in one currency meets a pledge in another,
 *   so that every entry still balances in each transaction currency.
 */
export class Receipts1765200000000 implements MigrationInterface {
  name = 'Receipts1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION create_chart_of_accounts(p_fund_id uuid) RETURNS void
      LANGUAGE sql AS $$
        INSERT INTO account (fund_id, code, name, kind, donor_dimension, earmark_dimension, bank_account_dimension)
        VALUES ${CHART_WITHOUT_CONVERSION},
          (p_fund_id, '1900', 'Currency conversion', 'asset', 'none', 'none', 'none')
      $$`);
    await queryRunner.query(`
      INSERT INTO account (fund_id, code, name, kind, donor_dimension, earmark_dimension, bank_account_dimension)
      SELECT id, '1900', 'Currency conversion', 'asset', 'none', 'none', 'none' FROM fund`);

    await queryRunner.query(`
      CREATE TABLE bank_account (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        fund_id uuid NOT NULL,
        code text NOT NULL,
        name text NOT NULL,
        bank_name text NOT NULL,
        account_number text NOT NULL,
        bic text,
        currency char(3) NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT bank_account_pkey PRIMARY KEY (id),
        CONSTRAINT bank_account_fund_fk FOREIGN KEY (fund_id) REFERENCES fund (id),
        CONSTRAINT bank_account_code_key UNIQUE (fund_id, code),
        CONSTRAINT bank_account_number_key UNIQUE (fund_id, account_number),
        CONSTRAINT bank_account_id_fund_key UNIQUE (id, fund_id),
        CONSTRAINT bank_account_code_format CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,29}$'),
        CONSTRAINT bank_account_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
        CONSTRAINT bank_account_number_format CHECK (account_number ~ '^[A-Z0-9]{5,34}$'),
        CONSTRAINT bank_account_bic_format
          CHECK (bic IS NULL OR bic ~ '^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$')
      )`);
    // Lines posted before bank accounts existed named an account by id only: not checked.
    await queryRunner.query(`
      ALTER TABLE journal_line ADD CONSTRAINT journal_line_bank_account_fk
        FOREIGN KEY (bank_account_id, fund_id) REFERENCES bank_account (id, fund_id) NOT VALID`);

    await queryRunner.query(`
      CREATE TABLE receipt_sequence (
        fund_id uuid NOT NULL,
        year integer NOT NULL,
        last_number integer NOT NULL,
        CONSTRAINT receipt_sequence_pkey PRIMARY KEY (fund_id, year),
        CONSTRAINT receipt_sequence_fund_fk FOREIGN KEY (fund_id) REFERENCES fund (id)
      )`);
    await queryRunner.query(`
      CREATE TABLE receipt_batch (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        fund_id uuid NOT NULL,
        bank_account_id uuid NOT NULL,
        description text NOT NULL,
        declared_count integer NOT NULL,
        declared_total_minor bigint NOT NULL,
        lines jsonb NOT NULL DEFAULT '[]',
        status text NOT NULL DEFAULT 'draft',
        override_reason text,
        posted_by text,
        posted_at timestamptz,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT receipt_batch_pkey PRIMARY KEY (id),
        CONSTRAINT receipt_batch_bank_account_fk FOREIGN KEY (bank_account_id, fund_id)
          REFERENCES bank_account (id, fund_id),
        CONSTRAINT receipt_batch_status_valid CHECK (status IN ('draft', 'posted')),
        CONSTRAINT receipt_batch_declared_count_positive CHECK (declared_count > 0),
        CONSTRAINT receipt_batch_declared_total_positive CHECK (declared_total_minor > 0),
        CONSTRAINT receipt_batch_lines_are_list CHECK (jsonb_typeof(lines) = 'array'),
        CONSTRAINT receipt_batch_posted_complete CHECK (
          (status = 'draft' AND posted_by IS NULL AND posted_at IS NULL)
          OR (status = 'posted' AND posted_by IS NOT NULL AND posted_at IS NOT NULL)),
        CONSTRAINT receipt_batch_override_has_reason
          CHECK (override_reason IS NULL OR btrim(override_reason) <> '')
      )`);
    await queryRunner.query(`
      CREATE TABLE receipt (
        id uuid NOT NULL,
        fund_id uuid NOT NULL,
        number text NOT NULL,
        bank_account_id uuid NOT NULL,
        value_date date NOT NULL,
        currency char(3) NOT NULL,
        gross_minor bigint NOT NULL,
        charges_minor bigint NOT NULL DEFAULT 0,
        rate numeric(30, 12),
        gross_functional_minor bigint NOT NULL,
        charges_functional_minor bigint NOT NULL,
        donor_id uuid,
        remitter_name text,
        remittance_text text,
        bank_reference text,
        batch_id uuid,
        entry_id uuid NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT receipt_pkey PRIMARY KEY (id),
        CONSTRAINT receipt_id_fund_key UNIQUE (id, fund_id),
        CONSTRAINT receipt_number_key UNIQUE (fund_id, number),
        CONSTRAINT receipt_bank_account_fk FOREIGN KEY (bank_account_id, fund_id)
          REFERENCES bank_account (id, fund_id),
        CONSTRAINT receipt_donor_fk FOREIGN KEY (donor_id) REFERENCES donor (id),
        CONSTRAINT receipt_batch_fk FOREIGN KEY (batch_id) REFERENCES receipt_batch (id),
        CONSTRAINT receipt_entry_fk FOREIGN KEY (entry_id) REFERENCES journal_entry (id),
        CONSTRAINT receipt_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
        CONSTRAINT receipt_gross_positive CHECK (gross_minor > 0),
        CONSTRAINT receipt_charges_below_gross CHECK (charges_minor >= 0 AND charges_minor < gross_minor),
        CONSTRAINT receipt_functional_amounts
          CHECK (gross_functional_minor > 0 AND charges_functional_minor >= 0
                 AND charges_functional_minor <= gross_functional_minor),
        CONSTRAINT receipt_rate_positive CHECK (rate IS NULL OR rate > 0)
      )`);
    // A bank's own reference identifies one credit on one account: the same one twice is a
    // receipt entered twice.
    await queryRunner.query(`
      CREATE UNIQUE INDEX receipt_bank_reference_key ON receipt (bank_account_id, bank_reference)
        WHERE bank_reference IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX receipt_fund_date_idx ON receipt (fund_id, value_date)`);
    await queryRunner.query(`CREATE INDEX receipt_donor_idx ON receipt (donor_id)`);
    await queryRunner.query(`CREATE INDEX receipt_batch_idx ON receipt (batch_id)`);

    await queryRunner.query(`
      CREATE TABLE receipt_allocation (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        fund_id uuid NOT NULL,
        receipt_id uuid NOT NULL,
        pledge_id uuid NOT NULL,
        donor_id uuid NOT NULL,
        instalment_seq smallint NOT NULL,
        allocated_on date NOT NULL,
        amount_minor bigint NOT NULL,
        pledge_amount_minor bigint NOT NULL,
        value_functional_minor bigint NOT NULL,
        relieved_functional_minor bigint NOT NULL,
        fx_functional_minor bigint NOT NULL,
        entry_id uuid NOT NULL,
        reverses_allocation_id uuid,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT receipt_allocation_pkey PRIMARY KEY (id),
        CONSTRAINT receipt_allocation_receipt_fk FOREIGN KEY (receipt_id, fund_id)
          REFERENCES receipt (id, fund_id),
        CONSTRAINT receipt_allocation_pledge_fk FOREIGN KEY (pledge_id, fund_id, donor_id)
          REFERENCES pledge (id, fund_id, donor_id),
        CONSTRAINT receipt_allocation_entry_fk FOREIGN KEY (entry_id) REFERENCES journal_entry (id),
        CONSTRAINT receipt_allocation_reverses_fk
          FOREIGN KEY (reverses_allocation_id) REFERENCES receipt_allocation (id),
        CONSTRAINT receipt_allocation_reversed_once UNIQUE (reverses_allocation_id),
        CONSTRAINT receipt_allocation_seq_positive CHECK (instalment_seq >= 1),
        CONSTRAINT receipt_allocation_signs CHECK (
          (reverses_allocation_id IS NULL AND amount_minor > 0 AND pledge_amount_minor > 0
             AND value_functional_minor >= 0 AND relieved_functional_minor >= 0)
          OR (reverses_allocation_id IS NOT NULL AND amount_minor < 0 AND pledge_amount_minor < 0
             AND value_functional_minor <= 0 AND relieved_functional_minor <= 0)),
        CONSTRAINT receipt_allocation_fx_is_difference
          CHECK (fx_functional_minor = value_functional_minor - relieved_functional_minor)
      )`);
    await queryRunner.query(
      `CREATE INDEX receipt_allocation_receipt_idx ON receipt_allocation (receipt_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX receipt_allocation_pledge_idx ON receipt_allocation (pledge_id, allocated_on)`,
    );

    await queryRunner.query(`
      CREATE TABLE receipt_event (
        id bigserial NOT NULL,
        receipt_id uuid NOT NULL,
        kind text NOT NULL,
        effective_on date NOT NULL,
        amount_minor bigint,
        donor_id uuid,
        reason text,
        entry_id uuid,
        approval_id uuid,
        actor text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT receipt_event_pkey PRIMARY KEY (id),
        CONSTRAINT receipt_event_receipt_fk FOREIGN KEY (receipt_id) REFERENCES receipt (id),
        CONSTRAINT receipt_event_donor_fk FOREIGN KEY (donor_id) REFERENCES donor (id),
        CONSTRAINT receipt_event_entry_fk FOREIGN KEY (entry_id) REFERENCES journal_entry (id),
        CONSTRAINT receipt_event_approval_fk
          FOREIGN KEY (approval_id) REFERENCES approval_request (id),
        CONSTRAINT receipt_event_kind_valid
          CHECK (kind IN ('donor-assigned', 'refunded', 'reversed')),
        CONSTRAINT receipt_event_has_reason
          CHECK (kind = 'donor-assigned' OR (reason IS NOT NULL AND btrim(reason) <> '')),
        CONSTRAINT receipt_event_refund_amount
          CHECK ((kind = 'refunded') = (amount_minor IS NOT NULL AND amount_minor > 0)),
        CONSTRAINT receipt_event_donor_assigned
          CHECK ((kind = 'donor-assigned') = (donor_id IS NOT NULL))
      )`);
    await queryRunner.query(`
      CREATE UNIQUE INDEX receipt_event_once_key ON receipt_event (receipt_id, kind)
        WHERE kind IN ('donor-assigned', 'reversed')`);
    await queryRunner.query(`CREATE INDEX receipt_event_receipt_idx ON receipt_event (receipt_id)`);

    await queryRunner.query(`
      CREATE FUNCTION receipt_record_refuse_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% on % is refused: what happened to a receipt is never rewritten',
          TG_OP, TG_TABLE_NAME USING ERRCODE = '55000';
      END $$`);
    for (const table of ['receipt_allocation', 'receipt_event']) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_immutable BEFORE UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION receipt_record_refuse_change()`);
    }
    // A receipt's amounts, date, account and entry are what was posted: only the donor of an
    // unidentified receipt is ever filled in afterwards, once.
    await queryRunner.query(`
      CREATE FUNCTION receipt_refuse_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'DELETE on receipt is refused: reverse the receipt instead'
            USING ERRCODE = '55000';
        END IF;
        IF (to_jsonb(NEW) - 'donor_id') IS DISTINCT FROM (to_jsonb(OLD) - 'donor_id')
           OR (OLD.donor_id IS NOT NULL AND NEW.donor_id IS DISTINCT FROM OLD.donor_id) THEN
          RAISE EXCEPTION 'a receipt is never changed; only an unidentified receipt gets its donor, once'
            USING ERRCODE = '55000';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER receipt_immutable BEFORE UPDATE OR DELETE ON receipt
        FOR EACH ROW EXECUTE FUNCTION receipt_refuse_change()`);

    // Journal lines name the receipt they concern: cash, charges, unapplied, suspense, FX.
    // Checked at commit: the receipt row is written after its entry, which names its id.
    await queryRunner.query(`ALTER TABLE journal_line ADD COLUMN receipt_id uuid`);
    await queryRunner.query(`
      ALTER TABLE journal_line ADD CONSTRAINT journal_line_receipt_fk
        FOREIGN KEY (receipt_id, fund_id) REFERENCES receipt (id, fund_id)
        DEFERRABLE INITIALLY DEFERRED`);
    await queryRunner.query(`
      CREATE INDEX journal_line_receipt_idx ON journal_line (receipt_id, account_id)
        INCLUDE (entry_date, currency, amount_minor, functional_minor)
        WHERE receipt_id IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX journal_line_receipt_idx`);
    await queryRunner.query(`ALTER TABLE journal_line DROP CONSTRAINT journal_line_receipt_fk`);
    await queryRunner.query(`ALTER TABLE journal_line DROP COLUMN receipt_id`);
    await queryRunner.query(`DROP TABLE receipt_event`);
    await queryRunner.query(`DROP TABLE receipt_allocation`);
    await queryRunner.query(`DROP TABLE receipt`);
    await queryRunner.query(`DROP FUNCTION receipt_refuse_change()`);
    await queryRunner.query(`DROP FUNCTION receipt_record_refuse_change()`);
    await queryRunner.query(`DROP TABLE receipt_batch`);
    await queryRunner.query(`DROP TABLE receipt_sequence`);
    await queryRunner.query(
      `ALTER TABLE journal_line DROP CONSTRAINT journal_line_bank_account_fk`,
    );
    await queryRunner.query(`DROP TABLE bank_account`);
    await queryRunner.query(`DELETE FROM account WHERE code = '1900'`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION create_chart_of_accounts(p_fund_id uuid) RETURNS void
      LANGUAGE sql AS $$
        INSERT INTO account (fund_id, code, name, kind, donor_dimension, earmark_dimension, bank_account_dimension)
        VALUES ${CHART_WITHOUT_CONVERSION}
      $$`);
  }
}
