import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bank statements and their reconciliation with recorded receipts.
 * - a statement is imported whole or not at all (one transaction) and once: the same account
 *   and statement id, or the same file (its SHA-256), is refused;
 * - its lines are kept as the bank sent them, never changed;
 * - matches of lines to receipts are appended, and undone by a new row naming what it undoes;
 * - a line that is not a contribution (interest, fees, transfers) is classified with the
 *   journal entry that posted it;
 * - the learned names: a counterparty name confirmed once for a donor.
 */
export class BankStatements1765400000000 implements MigrationInterface {
  name = 'BankStatements1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE bank_statement (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        fund_id uuid NOT NULL,
        bank_account_id uuid NOT NULL,
        format text NOT NULL,
        file_name text NOT NULL,
        file_sha256 text NOT NULL,
        statement_id text NOT NULL,
        sequence text,
        account_identifier text NOT NULL,
        currency char(3) NOT NULL,
        opening_date date,
        opening_minor bigint NOT NULL,
        closing_date date NOT NULL,
        closing_minor bigint NOT NULL,
        line_count integer NOT NULL,
        continuity_warning text,
        imported_by text NOT NULL,
        imported_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT bank_statement_pkey PRIMARY KEY (id),
        CONSTRAINT bank_statement_bank_account_fk FOREIGN KEY (bank_account_id, fund_id)
          REFERENCES bank_account (id, fund_id),
        CONSTRAINT bank_statement_once_key UNIQUE (bank_account_id, statement_id),
        CONSTRAINT bank_statement_format_valid CHECK (format IN ('camt.053', 'mt940', 'csv')),
        CONSTRAINT bank_statement_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
        CONSTRAINT bank_statement_line_count CHECK (line_count >= 0)
      )`);
    await queryRunner.query(
      `CREATE INDEX bank_statement_file_idx ON bank_statement (bank_account_id, file_sha256)`,
    );
    await queryRunner.query(
      `CREATE INDEX bank_statement_account_date_idx ON bank_statement (bank_account_id, closing_date)`,
    );
    await queryRunner.query(`
      CREATE TABLE bank_statement_line (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        statement_id uuid NOT NULL,
        bank_account_id uuid NOT NULL,
        line_no integer NOT NULL,
        booking_date date NOT NULL,
        value_date date,
        amount_minor bigint NOT NULL,
        currency char(3) NOT NULL,
        status text NOT NULL DEFAULT 'BOOK',
        reversal boolean NOT NULL DEFAULT false,
        bank_reference text,
        end_to_end_id text,
        counterparty_name text,
        counterparty_account text,
        remittance_text text,
        bank_transaction_code text,
        instructed_amount_minor bigint,
        instructed_currency char(3),
        raw jsonb NOT NULL DEFAULT '{}',
        CONSTRAINT bank_statement_line_pkey PRIMARY KEY (id),
        CONSTRAINT bank_statement_line_statement_fk
          FOREIGN KEY (statement_id) REFERENCES bank_statement (id),
        CONSTRAINT bank_statement_line_account_fk
          FOREIGN KEY (bank_account_id) REFERENCES bank_account (id),
        CONSTRAINT bank_statement_line_no_key UNIQUE (statement_id, line_no),
        CONSTRAINT bank_statement_line_not_zero CHECK (amount_minor <> 0)
      )`);
    await queryRunner.query(
      `CREATE INDEX bank_statement_line_account_idx ON bank_statement_line (bank_account_id, booking_date)`,
    );
    // What an officer (or the engine) decided about a line: matched to receipts, or classified
    // as not a contribution. Appended; undoing one is a new row that names it.
    await queryRunner.query(`
      CREATE TABLE bank_line_match (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        line_id uuid NOT NULL,
        receipt_id uuid,
        amount_minor bigint NOT NULL,
        kind text NOT NULL,
        classification text,
        entry_id uuid,
        score numeric(6, 3),
        reasons jsonb NOT NULL DEFAULT '[]',
        undoes_match_id uuid,
        approval_id uuid,
        actor text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT bank_line_match_pkey PRIMARY KEY (id),
        CONSTRAINT bank_line_match_line_fk FOREIGN KEY (line_id) REFERENCES bank_statement_line (id),
        CONSTRAINT bank_line_match_receipt_fk FOREIGN KEY (receipt_id) REFERENCES receipt (id),
        CONSTRAINT bank_line_match_entry_fk FOREIGN KEY (entry_id) REFERENCES journal_entry (id),
        CONSTRAINT bank_line_match_undoes_fk
          FOREIGN KEY (undoes_match_id) REFERENCES bank_line_match (id),
        CONSTRAINT bank_line_match_undone_once UNIQUE (undoes_match_id),
        CONSTRAINT bank_line_match_kind_valid
          CHECK (kind IN ('auto', 'confirmed', 'manual', 'not-contribution', 'undo')),
        CONSTRAINT bank_line_match_shape CHECK (
          (kind IN ('auto', 'confirmed', 'manual') AND receipt_id IS NOT NULL)
          OR (kind = 'not-contribution' AND classification IS NOT NULL)
          OR (kind = 'undo' AND undoes_match_id IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX bank_line_match_line_idx ON bank_line_match (line_id)`);
    await queryRunner.query(
      `CREATE INDEX bank_line_match_receipt_idx ON bank_line_match (receipt_id)`,
    );
    // Suggestions the engine made and an officer rejected: not suggested again.
    await queryRunner.query(`
      CREATE TABLE bank_line_rejection (
        id bigserial NOT NULL,
        line_id uuid NOT NULL,
        receipt_id uuid,
        pledge_id uuid,
        actor text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT bank_line_rejection_pkey PRIMARY KEY (id),
        CONSTRAINT bank_line_rejection_line_fk
          FOREIGN KEY (line_id) REFERENCES bank_statement_line (id)
      )`);
    await queryRunner.query(`
      CREATE TABLE counterparty_name (
        normalized_name text NOT NULL,
        donor_id uuid NOT NULL,
        confirmations integer NOT NULL DEFAULT 1,
        last_confirmed_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT counterparty_name_pkey PRIMARY KEY (normalized_name, donor_id),
        CONSTRAINT counterparty_name_donor_fk FOREIGN KEY (donor_id) REFERENCES donor (id)
      )`);
    await queryRunner.query(`
      CREATE TABLE bank_csv_mapping (
        bank_account_id uuid NOT NULL,
        mapping jsonb NOT NULL,
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT bank_csv_mapping_pkey PRIMARY KEY (bank_account_id),
        CONSTRAINT bank_csv_mapping_account_fk
          FOREIGN KEY (bank_account_id) REFERENCES bank_account (id)
      )`);
    await queryRunner.query(`
      CREATE FUNCTION bank_record_refuse_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% on % is refused: imported statements and decisions are never rewritten',
          TG_OP, TG_TABLE_NAME USING ERRCODE = '55000';
      END $$`);
    for (const table of ['bank_statement', 'bank_statement_line', 'bank_line_match']) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_immutable BEFORE UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION bank_record_refuse_change()`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE bank_csv_mapping`);
    await queryRunner.query(`DROP TABLE counterparty_name`);
    await queryRunner.query(`DROP TABLE bank_line_rejection`);
    await queryRunner.query(`DROP TABLE bank_line_match`);
    await queryRunner.query(`DROP TABLE bank_statement_line`);
    await queryRunner.query(`DROP TABLE bank_statement`);
    await queryRunner.query(`DROP FUNCTION bank_record_refuse_change()`);
  }
}
