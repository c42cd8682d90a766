import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Funds, earmarks, the chart of accounts, the journal and accounting periods: the money core.
 * The database itself keeps the ledger's promises, so that no code path can break them:
 * - an entry balances in the functional currency and in each transaction currency, and has the
 *   number of lines it declared (deferred constraint triggers, checked at commit);
 * - posted entries and lines are never updated, deleted or truncated;
 * - nothing is posted into a closed period.
 */
export class Ledger1764600000000 implements MigrationInterface {
  name = 'Ledger1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE fund (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        code text NOT NULL,
        name text NOT NULL,
        functional_currency char(3) NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fund_pkey PRIMARY KEY (id),
        CONSTRAINT fund_code_key UNIQUE (code),
        CONSTRAINT fund_code_format CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,19}$'),
        CONSTRAINT fund_currency_format CHECK (functional_currency ~ '^[A-Z]{3}$')
      )`);
    await queryRunner.query(`
      CREATE TABLE earmark (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        fund_id uuid NOT NULL,
        code text NOT NULL,
        name text NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT earmark_pkey PRIMARY KEY (id),
        CONSTRAINT earmark_fund_fk FOREIGN KEY (fund_id) REFERENCES fund (id),
        CONSTRAINT earmark_fund_code_key UNIQUE (fund_id, code),
        CONSTRAINT earmark_id_fund_key UNIQUE (id, fund_id),
        CONSTRAINT earmark_code_format CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,39}$')
      )`);
    // Which dimensions a line on the account must carry ('required'), may carry ('optional')
    // or must not carry ('none').
    await queryRunner.query(`
      CREATE TABLE account (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        fund_id uuid NOT NULL,
        code text NOT NULL,
        name text NOT NULL,
        kind text NOT NULL,
        donor_dimension text NOT NULL DEFAULT 'none',
        earmark_dimension text NOT NULL DEFAULT 'none',
        bank_account_dimension text NOT NULL DEFAULT 'none',
        CONSTRAINT account_pkey PRIMARY KEY (id),
        CONSTRAINT account_fund_fk FOREIGN KEY (fund_id) REFERENCES fund (id),
        CONSTRAINT account_fund_code_key UNIQUE (fund_id, code),
        CONSTRAINT account_id_fund_key UNIQUE (id, fund_id),
        CONSTRAINT account_kind_valid
          CHECK (kind IN ('asset', 'liability', 'net_assets', 'revenue', 'expense')),
        CONSTRAINT account_dimensions_valid CHECK (
          donor_dimension IN ('required', 'optional', 'none')
          AND earmark_dimension IN ('required', 'optional', 'none')
          AND bank_account_dimension IN ('required', 'optional', 'none'))
      )`);
    // The chart of accounts of DESIGN.md, created with every fund by the same function.
    await queryRunner.query(`
      CREATE FUNCTION create_chart_of_accounts(p_fund_id uuid) RETURNS void
      LANGUAGE sql AS $$
        INSERT INTO account (fund_id, code, name, kind, donor_dimension, earmark_dimension, bank_account_dimension)
        VALUES
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
          (p_fund_id, '5500', 'FX losses (unrealised)', 'expense', 'none', 'none', 'none')
      $$`);
    await queryRunner.query(`
      CREATE TABLE accounting_period (
        fund_id uuid NOT NULL,
        period char(7) NOT NULL,
        status text NOT NULL DEFAULT 'open',
        changed_by text NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT accounting_period_pkey PRIMARY KEY (fund_id, period),
        CONSTRAINT accounting_period_fund_fk FOREIGN KEY (fund_id) REFERENCES fund (id),
        CONSTRAINT accounting_period_format CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        CONSTRAINT accounting_period_status_valid CHECK (status IN ('open', 'closed'))
      )`);
    // Every close and reopen, with who, when and why (the audit trail of issue 4 reads it too).
    await queryRunner.query(`
      CREATE TABLE accounting_period_event (
        id bigserial NOT NULL,
        fund_id uuid NOT NULL,
        period char(7) NOT NULL,
        action text NOT NULL,
        reason text,
        actor text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT accounting_period_event_pkey PRIMARY KEY (id),
        CONSTRAINT accounting_period_event_period_fk
          FOREIGN KEY (fund_id, period) REFERENCES accounting_period (fund_id, period),
        CONSTRAINT accounting_period_event_action_valid CHECK (action IN ('close', 'reopen'))
      )`);
    await queryRunner.query(`
      CREATE TABLE journal_sequence (
        fund_id uuid NOT NULL,
        fiscal_year integer NOT NULL,
        last_number integer NOT NULL,
        CONSTRAINT journal_sequence_pkey PRIMARY KEY (fund_id, fiscal_year),
        CONSTRAINT journal_sequence_fund_fk FOREIGN KEY (fund_id) REFERENCES fund (id)
      )`);
    await queryRunner.query(`
      CREATE TABLE journal_entry (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        fund_id uuid NOT NULL,
        number text NOT NULL,
        fiscal_year integer NOT NULL,
        sequence integer NOT NULL,
        entry_date date NOT NULL,
        description text NOT NULL,
        source_type text NOT NULL,
        source_ref text,
        idempotency_key text NOT NULL,
        line_count integer NOT NULL,
        reverses_entry_id uuid,
        reason text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT journal_entry_pkey PRIMARY KEY (id),
        CONSTRAINT journal_entry_fund_fk FOREIGN KEY (fund_id) REFERENCES fund (id),
        CONSTRAINT journal_entry_number_key UNIQUE (fund_id, number),
        CONSTRAINT journal_entry_sequence_key UNIQUE (fund_id, fiscal_year, sequence),
        CONSTRAINT journal_entry_source_key UNIQUE (fund_id, source_type, idempotency_key),
        CONSTRAINT journal_entry_line_key UNIQUE (id, fund_id, entry_date),
        CONSTRAINT journal_entry_reverses_fk
          FOREIGN KEY (reverses_entry_id) REFERENCES journal_entry (id),
        CONSTRAINT journal_entry_reversed_once UNIQUE (reverses_entry_id),
        CONSTRAINT journal_entry_year_matches_date
          CHECK (fiscal_year = extract(year FROM entry_date)),
        CONSTRAINT journal_entry_has_lines CHECK (line_count >= 2),
        CONSTRAINT journal_entry_reversal_has_reason
          CHECK (reverses_entry_id IS NULL OR (reason IS NOT NULL AND btrim(reason) <> ''))
      )`);
    await queryRunner.query(`
      CREATE TABLE journal_line (
        id bigserial NOT NULL,
        entry_id uuid NOT NULL,
        line_no smallint NOT NULL,
        fund_id uuid NOT NULL,
        entry_date date NOT NULL,
        account_id uuid NOT NULL,
        donor_id uuid,
        earmark_id uuid,
        bank_account_id uuid,
        currency char(3) NOT NULL,
        amount_minor bigint NOT NULL,
        functional_minor bigint NOT NULL,
        rate numeric(30, 12),
        CONSTRAINT journal_line_pkey PRIMARY KEY (id),
        CONSTRAINT journal_line_entry_fk FOREIGN KEY (entry_id, fund_id, entry_date)
          REFERENCES journal_entry (id, fund_id, entry_date),
        CONSTRAINT journal_line_account_fk FOREIGN KEY (account_id, fund_id)
          REFERENCES account (id, fund_id),
        CONSTRAINT journal_line_earmark_fk FOREIGN KEY (earmark_id, fund_id)
          REFERENCES earmark (id, fund_id),
        CONSTRAINT journal_line_no_key UNIQUE (entry_id, line_no),
        CONSTRAINT journal_line_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
        CONSTRAINT journal_line_not_zero CHECK (amount_minor <> 0 OR functional_minor <> 0),
        CONSTRAINT journal_line_same_side
          CHECK (sign(amount_minor) * sign(functional_minor) >= 0),
        CONSTRAINT journal_line_rate_positive CHECK (rate IS NULL OR rate > 0)
      )`);
    // Balances read by account and dimension as of a date: an index-only scan of this index.
    await queryRunner.query(`
      CREATE INDEX journal_line_balance_idx ON journal_line
        (account_id, donor_id, earmark_id, bank_account_id, entry_date)
        INCLUDE (currency, amount_minor, functional_minor)`);
    await queryRunner.query(`
      CREATE INDEX journal_line_trial_balance_idx ON journal_line (fund_id, entry_date)
        INCLUDE (account_id, currency, amount_minor, functional_minor)`);
    await queryRunner.query(
      `CREATE INDEX journal_entry_fund_date_idx ON journal_entry (fund_id, entry_date, sequence)`,
    );

    await queryRunner.query(`
      CREATE FUNCTION journal_entry_check(p_entry_id uuid) RETURNS void
      LANGUAGE plpgsql AS $$
      DECLARE
        v_declared integer;
        v_lines integer;
        v_functional bigint;
        v_currency text;
      BEGIN
        SELECT line_count INTO v_declared FROM journal_entry WHERE id = p_entry_id;
        SELECT count(*), coalesce(sum(functional_minor), 0)
          INTO v_lines, v_functional FROM journal_line WHERE entry_id = p_entry_id;
        IF v_lines <> v_declared THEN
          RAISE EXCEPTION 'journal entry % has % lines, declared %', p_entry_id, v_lines, v_declared
            USING ERRCODE = '23514', CONSTRAINT = 'journal_entry_line_count';
        END IF;
        IF v_functional <> 0 THEN
          RAISE EXCEPTION 'journal entry % does not balance in the functional currency (off by % minor units)',
            p_entry_id, v_functional
            USING ERRCODE = '23514', CONSTRAINT = 'journal_entry_balanced';
        END IF;
        SELECT currency INTO v_currency FROM journal_line WHERE entry_id = p_entry_id
          GROUP BY currency HAVING sum(amount_minor) <> 0 LIMIT 1;
        IF v_currency IS NOT NULL THEN
          RAISE EXCEPTION 'journal entry % does not balance in %', p_entry_id, v_currency
            USING ERRCODE = '23514', CONSTRAINT = 'journal_entry_balanced';
        END IF;
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION journal_entry_check_entry() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM journal_entry_check(NEW.id);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION journal_entry_check_line() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM journal_entry_check(NEW.entry_id);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE CONSTRAINT TRIGGER journal_entry_balanced AFTER INSERT ON journal_entry
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_entry_check_entry()`);
    await queryRunner.query(`
      CREATE CONSTRAINT TRIGGER journal_line_balanced AFTER INSERT ON journal_line
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_entry_check_line()`);

    await queryRunner.query(`
      CREATE FUNCTION ledger_refuse_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% on % is refused: posted entries are never changed; post a reversal instead',
          TG_OP, TG_TABLE_NAME USING ERRCODE = '55000';
      END $$`);
    for (const table of ['journal_entry', 'journal_line']) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_immutable BEFORE UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`);
      await queryRunner.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`);
    }

    // The rules of a single line that the balance triggers cannot see: a line in the fund's own
    // currency has the same functional amount, and each account's dimension rules hold.
    await queryRunner.query(`
      CREATE FUNCTION journal_line_check() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE
        v_functional_currency text;
        v_account account%ROWTYPE;
      BEGIN
        SELECT functional_currency INTO v_functional_currency FROM fund WHERE id = NEW.fund_id;
        IF NEW.currency = v_functional_currency AND NEW.amount_minor <> NEW.functional_minor THEN
          RAISE EXCEPTION 'a line in the functional currency % must have equal amounts', v_functional_currency
            USING ERRCODE = '23514', CONSTRAINT = 'journal_line_functional_currency';
        END IF;
        SELECT * INTO v_account FROM account WHERE id = NEW.account_id;
        IF (v_account.donor_dimension = 'required' AND NEW.donor_id IS NULL)
           OR (v_account.donor_dimension = 'none' AND NEW.donor_id IS NOT NULL)
           OR (v_account.earmark_dimension = 'required' AND NEW.earmark_id IS NULL)
           OR (v_account.earmark_dimension = 'none' AND NEW.earmark_id IS NOT NULL)
           OR (v_account.bank_account_dimension = 'required' AND NEW.bank_account_id IS NULL)
           OR (v_account.bank_account_dimension = 'none' AND NEW.bank_account_id IS NOT NULL) THEN
          RAISE EXCEPTION 'the line does not carry the dimensions account % asks for', v_account.code
            USING ERRCODE = '23514', CONSTRAINT = 'journal_line_dimensions';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER journal_line_check BEFORE INSERT ON journal_line
        FOR EACH ROW EXECUTE FUNCTION journal_line_check()`);
    // The history of closes and reopens is evidence: append-only, like the journal.
    await queryRunner.query(`
      CREATE TRIGGER accounting_period_event_immutable BEFORE UPDATE OR DELETE ON accounting_period_event
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`);
    await queryRunner.query(`
      CREATE TRIGGER accounting_period_event_no_truncate BEFORE TRUNCATE ON accounting_period_event
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`);

    await queryRunner.query(`
      CREATE FUNCTION journal_entry_period_open() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM accounting_period
                    WHERE fund_id = NEW.fund_id AND period = to_char(NEW.entry_date, 'YYYY-MM')
                      AND status = 'closed') THEN
          RAISE EXCEPTION 'period % of the fund is closed', to_char(NEW.entry_date, 'YYYY-MM')
            USING ERRCODE = '23514', CONSTRAINT = 'journal_entry_period_open';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER journal_entry_period_open BEFORE INSERT ON journal_entry
        FOR EACH ROW EXECUTE FUNCTION journal_entry_period_open()`);

    await queryRunner.query(`
      CREATE TABLE idempotency_record (
        scope text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        status_code integer,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        CONSTRAINT idempotency_record_pkey PRIMARY KEY (scope, key)
      )`);
    await queryRunner.query(
      `CREATE INDEX idempotency_record_expires_idx ON idempotency_record (expires_at)`,
    );

    // The first fund: the ITU WSIS Trust Fund, in CHF, with its earmarks and chart of accounts.
    await queryRunner.query(`
      WITH f AS (
        INSERT INTO fund (code, name, functional_currency, created_by)
        VALUES ('WSIS-TF', 'ITU WSIS Trust Fund', 'CHF', 'migration')
        RETURNING id
      ), e AS (
        INSERT INTO earmark (fund_id, code, name, created_by)
        SELECT f.id, v.code, v.name, 'migration' FROM f, (VALUES
          ('UNEARMARKED', 'Unearmarked'),
          ('PARTICIPATION-GRANTS', 'Participation grants (developing countries and LDCs)'),
          ('WSIS20-REVIEW', 'WSIS+20 review')) AS v (code, name)
      )
      SELECT create_chart_of_accounts(f.id) FROM f`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE idempotency_record`);
    await queryRunner.query(`DROP TABLE journal_line`);
    await queryRunner.query(`DROP TABLE journal_entry`);
    await queryRunner.query(`DROP FUNCTION journal_entry_period_open()`);
    await queryRunner.query(`DROP FUNCTION journal_line_check()`);
    await queryRunner.query(`DROP TABLE accounting_period_event`);
    await queryRunner.query(`DROP FUNCTION ledger_refuse_change()`);
    await queryRunner.query(`DROP FUNCTION journal_entry_check_line()`);
    await queryRunner.query(`DROP FUNCTION journal_entry_check_entry()`);
    await queryRunner.query(`DROP FUNCTION journal_entry_check(uuid)`);
    await queryRunner.query(`DROP TABLE journal_sequence`);
    await queryRunner.query(`DROP TABLE accounting_period`);
    await queryRunner.query(`DROP FUNCTION create_chart_of_accounts(uuid)`);
    await queryRunner.query(`DROP TABLE account`);
    await queryRunner.query(`DROP TABLE earmark`);
    await queryRunner.query(`DROP TABLE fund`);
  }
}
