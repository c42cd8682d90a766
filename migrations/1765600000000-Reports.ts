import { MigrationInterface, QueryRunner } from 'typeorm';

const CHART = `
  (p_fund_id, '1000', 'Cash at bank', 'asset', 'none', 'none', 'required'),
  (p_fund_id, '1100', 'Contributions receivable', 'asset', 'required', 'optional', 'none'),
  (p_fund_id, '1190', 'Receivables revaluation (unrealised)', 'asset', 'none', 'optional', 'none'),
  (p_fund_id, '1200', 'Grant advances', 'asset', 'none', 'optional', 'none'),
  (p_fund_id, '1900', 'Currency conversion', 'asset', 'none', 'none', 'none'),
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
 * Management reports:
 * - account 1190 Receivables revaluation (unrealised): the month-end revaluation of foreign-
 *   currency receivables is posted there (per earmark), not on the donors' receivable 1100, so
 *   that donor statements keep the historical rates while the fund position shows current ones;
 *   cash at bank is revalued on 1000 itself (per bank account, no transaction amount);
 * - revaluation_run: the runs of a fund's month, numbered 1, 2, … (run_no), append-only. Run 1
 *   is the month's revaluation (its entry and the reversal on the first day of the next month);
 *   a later run supplements it when postings dated in the month came after it, with only the
 *   difference still missing: the same difference is never posted twice;
 * - ledger_month_balance: the movements of a closed month per account, earmark and currency,
 *   written when the month is closed (nothing can be posted into it then) and removed when it is
 *   reopened. Derived data: the trial balance and the fund position add them up instead of
 *   reading every line;
 * - the (fund, date) index of journal lines also carries the earmark, so that the fund position
 *   per earmark reads the open months' lines from the index alone; and an index of lines by
 *   earmark and account, for what an earmark has spent (the available balance).
 */
export class Reports1765600000000 implements MigrationInterface {
  name = 'Reports1765600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION create_chart_of_accounts(p_fund_id uuid) RETURNS void
      LANGUAGE sql AS $$
        INSERT INTO account (fund_id, code, name, kind, donor_dimension, earmark_dimension, bank_account_dimension)
        VALUES ${CHART}
      $$`);
    await queryRunner.query(`
      INSERT INTO account (fund_id, code, name, kind, donor_dimension, earmark_dimension, bank_account_dimension)
      SELECT id, '1190', 'Receivables revaluation (unrealised)', 'asset', 'none', 'optional', 'none'
        FROM fund`);
    await queryRunner.query(`
      CREATE TABLE revaluation_run (
        fund_id uuid NOT NULL,
        period char(7) NOT NULL,
        run_no smallint NOT NULL,
        revalued_on date NOT NULL,
        entry_id uuid,
        reversal_entry_id uuid,
        run_by text NOT NULL,
        run_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT revaluation_run_pkey PRIMARY KEY (fund_id, period, run_no),
        CONSTRAINT revaluation_run_run_no_positive CHECK (run_no >= 1),
        CONSTRAINT revaluation_run_fund_fkey FOREIGN KEY (fund_id) REFERENCES fund (id),
        CONSTRAINT revaluation_run_entry_fkey FOREIGN KEY (entry_id) REFERENCES journal_entry (id),
        CONSTRAINT revaluation_run_reversal_fkey
          FOREIGN KEY (reversal_entry_id) REFERENCES journal_entry (id),
        CONSTRAINT revaluation_run_period_format
          CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        CONSTRAINT revaluation_run_entries_together
          CHECK ((entry_id IS NULL) = (reversal_entry_id IS NULL))
      )`);
    await queryRunner.query(`
      CREATE TRIGGER revaluation_run_immutable BEFORE UPDATE OR DELETE ON revaluation_run
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`);
    await queryRunner.query(`
      CREATE TRIGGER revaluation_run_no_truncate BEFORE TRUNCATE ON revaluation_run
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`);
    await queryRunner.query(`
      CREATE TABLE ledger_month_balance (
        fund_id uuid NOT NULL,
        period char(7) NOT NULL,
        account_id uuid NOT NULL,
        earmark_id uuid,
        currency char(3) NOT NULL,
        amount_minor bigint NOT NULL,
        functional_minor bigint NOT NULL,
        line_count integer NOT NULL,
        CONSTRAINT ledger_month_balance_key
          UNIQUE NULLS NOT DISTINCT (fund_id, period, account_id, earmark_id, currency),
        CONSTRAINT ledger_month_balance_period_fkey
          FOREIGN KEY (fund_id, period) REFERENCES accounting_period (fund_id, period),
        CONSTRAINT ledger_month_balance_account_fkey
          FOREIGN KEY (account_id, fund_id) REFERENCES account (id, fund_id)
      )`);
    await queryRunner.query(`DROP INDEX journal_line_trial_balance_idx`);
    await queryRunner.query(`
      CREATE INDEX journal_line_trial_balance_idx ON journal_line (fund_id, entry_date)
        INCLUDE (account_id, earmark_id, currency, amount_minor, functional_minor)`);
    await queryRunner.query(`
      CREATE INDEX journal_line_earmark_idx ON journal_line (earmark_id, account_id, entry_date)
        INCLUDE (functional_minor) WHERE earmark_id IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX journal_line_earmark_idx`);
    await queryRunner.query(`DROP INDEX journal_line_trial_balance_idx`);
    await queryRunner.query(`
      CREATE INDEX journal_line_trial_balance_idx ON journal_line (fund_id, entry_date)
        INCLUDE (account_id, currency, amount_minor, functional_minor)`);
    await queryRunner.query(`DROP TABLE ledger_month_balance`);
    await queryRunner.query(`DROP TABLE revaluation_run`);
    await queryRunner.query(`DELETE FROM account WHERE code = '1190'`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION create_chart_of_accounts(p_fund_id uuid) RETURNS void
      LANGUAGE sql AS $$
        INSERT INTO account (fund_id, code, name, kind, donor_dimension, earmark_dimension, bank_account_dimension)
        VALUES ${CHART.replace(/\n\s*\(p_fund_id, '1190'[^\n]*/, '')}
      $$`);
  }
}
