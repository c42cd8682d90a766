import { Client } from 'pg';
import { addBankAccount } from '../../test/support/ledger-fixtures';
import { connect, createTestDatabase, TestDatabase } from '../../test/support/test-database';

/**
 * What the database itself guarantees, whatever code talks to it: tested with raw SQL, as a
 * careless script or a bug elsewhere would write it.
 */
describe('ledger guarantees in the database', () => {
  let db: TestDatabase;
  let sql: Client;
  let fundId: string;
  let accounts: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    await addBankAccount(db.url, { id: '00000000-0000-4000-8000-000000000001' });
    sql = await connect(db.url);
    fundId = (await sql.query<{ id: string }>(`SELECT id FROM fund WHERE code = 'WSIS-TF'`)).rows[0]
      .id;
    const rows = (
      await sql.query<{ code: string; id: string }>(
        `SELECT code, id FROM account WHERE fund_id = $1`,
        [fundId],
      )
    ).rows;
    accounts = Object.fromEntries(rows.map((row) => [row.code, row.id]));
  });

  afterAll(async () => {
    await sql.end();
    await db.drop();
  });

  let counter = 0;
  /** Inserts an entry and its lines in one transaction, as raw SQL. */
  async function rawEntry(
    lines: Array<[account: string, currency: string, amount: number, functional: number]>,
    declared = lines.length,
  ): Promise<string> {
    counter++;
    await sql.query('BEGIN');
    try {
      const entry = await sql.query<{ id: string }>(
        `INSERT INTO journal_entry (fund_id, number, fiscal_year, sequence, entry_date, description,
           source_type, idempotency_key, line_count, created_by)
         VALUES ($1, $2, 2026, $3, '2026-05-15', 'raw', 'test', $2, $4, 'test') RETURNING id`,
        [fundId, `RAW-${counter}`, 900000 + counter, declared],
      );
      const id = entry.rows[0].id;
      let lineNo = 0;
      for (const [account, currency, amount, functional] of lines) {
        lineNo++;
        await sql.query(
          `INSERT INTO journal_line (entry_id, line_no, fund_id, entry_date, account_id, bank_account_id,
             currency, amount_minor, functional_minor)
           VALUES ($1, $2, $3, '2026-05-15', $4, $5, $6, $7, $8)`,
          [
            id,
            lineNo,
            fundId,
            accounts[account],
            account === '1000' ? '00000000-0000-4000-8000-000000000001' : null,
            currency,
            amount,
            functional,
          ],
        );
      }
      await sql.query('COMMIT');
      return id;
    } catch (error) {
      await sql.query('ROLLBACK');
      throw error;
    }
  }

  it('refuses at commit an entry that does not balance in the functional currency', async () => {
    await expect(
      rawEntry([
        ['1000', 'CHF', 10000, 10000],
        ['4100', 'CHF', -9999, -9999],
      ]),
    ).rejects.toThrow(/does not balance/);
  });

  it('refuses an entry that balances in CHF but not in its transaction currency', async () => {
    await expect(
      rawEntry([
        ['1000', 'EUR', 10000, 9300],
        ['4100', 'EUR', -9999, -9300],
      ]),
    ).rejects.toThrow(/does not balance in EUR/);
  });

  it('refuses an entry with fewer lines than it declares', async () => {
    await expect(
      rawEntry(
        [
          ['1000', 'CHF', 500, 500],
          ['4100', 'CHF', -500, -500],
        ],
        3,
      ),
    ).rejects.toThrow(/has 2 lines, declared 3/);
  });

  it('refuses lines added later to a posted entry, even balanced ones', async () => {
    const id = await rawEntry([
      ['1000', 'CHF', 700, 700],
      ['4100', 'CHF', -700, -700],
    ]);
    await sql.query('BEGIN');
    await sql.query(
      `INSERT INTO journal_line (entry_id, line_no, fund_id, entry_date, account_id, bank_account_id, currency, amount_minor, functional_minor)
       VALUES ($1, 3, $2, '2026-05-15', $3, '00000000-0000-4000-8000-000000000001', 'CHF', 5, 5),
              ($1, 4, $2, '2026-05-15', $4, NULL, 'CHF', -5, -5)`,
      [id, fundId, accounts['1000'], accounts['4100']],
    );
    await expect(sql.query('COMMIT')).rejects.toThrow(/has 4 lines, declared 2/);
  });

  it('accepts a balanced entry', async () => {
    const id = await rawEntry([
      ['1000', 'EUR', 10000, 9312],
      ['4100', 'CHF', -9312, -9312],
      ['1000', 'EUR', -10000, -9312],
      ['4100', 'CHF', 9312, 9312],
    ]);
    const lines = await sql.query(
      `SELECT count(*)::int AS n FROM journal_line WHERE entry_id = $1`,
      [id],
    );
    expect(lines.rows[0].n).toBe(4);
  });

  it.each([
    ['UPDATE journal_line SET amount_minor = amount_minor + 1'],
    ['DELETE FROM journal_line'],
    ['TRUNCATE journal_line'],
    [`UPDATE journal_entry SET description = 'edited'`],
    ['DELETE FROM journal_entry'],
    ['TRUNCATE journal_entry CASCADE'],
  ])('refuses %s: posted entries are never changed', async (statement) => {
    await rawEntry([
      ['1000', 'CHF', 100, 100],
      ['4100', 'CHF', -100, -100],
    ]);
    const before = await sql.query(
      `SELECT count(*)::int AS n, sum(amount_minor)::text AS s FROM journal_line`,
    );
    await expect(sql.query(statement)).rejects.toThrow(/refused: posted entries are never changed/);
    const after = await sql.query(
      `SELECT count(*)::int AS n, sum(amount_minor)::text AS s FROM journal_line`,
    );
    expect(after.rows).toEqual(before.rows);
  });

  it('refuses a line in the fund currency whose functional amount differs', async () => {
    await expect(
      rawEntry([
        ['4100', 'CHF', 10000, 9000],
        ['5100', 'CHF', -10000, -9000],
      ]),
    ).rejects.toThrow(/functional currency CHF must have equal amounts/);
  });

  it('refuses a line without a dimension its account requires, or with one it refuses', async () => {
    await expect(
      rawEntry([
        ['1100', 'CHF', 100, 100],
        ['4100', 'CHF', -100, -100],
      ]),
    ).rejects.toThrow(/dimensions account 1100 asks for/);
  });

  it('keeps the history of period closes and reopens append-only', async () => {
    await sql.query(
      `INSERT INTO accounting_period (fund_id, period, changed_by) VALUES ($1, '2026-09', 'test')
       ON CONFLICT DO NOTHING`,
      [fundId],
    );
    await sql.query(
      `INSERT INTO accounting_period_event (fund_id, period, action, actor) VALUES ($1, '2026-09', 'close', 'test')`,
      [fundId],
    );
    await expect(
      sql.query(`UPDATE accounting_period_event SET actor = 'someone else'`),
    ).rejects.toThrow(/refused/);
    await expect(sql.query(`DELETE FROM accounting_period_event`)).rejects.toThrow(/refused/);
  });

  it('refuses an entry dated in a closed period', async () => {
    await sql.query(
      `INSERT INTO accounting_period (fund_id, period, status, changed_by) VALUES ($1, '2026-05', 'closed', 'test')
       ON CONFLICT (fund_id, period) DO UPDATE SET status = 'closed'`,
      [fundId],
    );
    try {
      await expect(
        rawEntry([
          ['1000', 'CHF', 100, 100],
          ['4100', 'CHF', -100, -100],
        ]),
      ).rejects.toThrow(/period 2026-05 of the fund is closed/);
    } finally {
      await sql.query(
        `UPDATE accounting_period SET status = 'open' WHERE fund_id = $1 AND period = '2026-05'`,
        [fundId],
      );
    }
  });
});
