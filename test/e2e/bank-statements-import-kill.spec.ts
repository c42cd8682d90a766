import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess, startAppProcess } from '../support/app-process';
import { createTestApp, createTestUser } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase, testEngine } from '../support/test-database';

const LINES = 20000;

/** A CSV export of LINES credits, each a different amount, one day after another. */
function largeCsv(): string {
  const rows = ['Date;Amount;Name;Text'];
  for (let i = 0; i < LINES; i += 1) {
    const day = String((i % 28) + 1).padStart(2, '0');
    rows.push(
      `${day}.05.2026;${100 + (i % 900)}.${String(i % 100).padStart(2, '0')};Donor ${i};PLEDGE ${i}`,
    );
  }
  return `${rows.join('\n')}\n`;
}

// The built application (dist/) on a PostgreSQL server: the embedded database of a child process
// is its own, not the test's.
const describeOnServer = testEngine() === 'postgres' ? describe : describe.skip;

describeOnServer(
  'a large statement import killed with SIGKILL (server only: the child process needs a database it can share with the test)',
  () => {
    let db: TestDatabase;
    let child: AppProcess | undefined;
    let token: string;
    let accountId: string;

    beforeAll(async () => {
      db = await createTestDatabase();
      const app = await createTestApp(db);
      token = (await createTestUser(app, 'officer.kill', ['finance_officer'])).token;
      await app.close();
      const client = await connect(db.url);
      try {
        const { rows } = await client.query<{ id: string }>(
          `INSERT INTO bank_account (fund_id, code, name, bank_name, account_number, currency, created_by)
         SELECT f.id, 'BIG-CHF', 'Big', 'Test bank', 'CH5604835012345678009', 'CHF', 'test'
           FROM fund f WHERE f.code = 'WSIS-TF' RETURNING id`,
        );
        accountId = rows[0].id;
        await client.query(
          `INSERT INTO bank_csv_mapping (bank_account_id, mapping, updated_by) VALUES ($1, $2, 'test')`,
          [
            accountId,
            JSON.stringify({
              delimiter: ';',
              dateFormat: 'DD.MM.YYYY',
              decimalSeparator: '.',
              columns: {
                bookingDate: 'Date',
                amount: 'Amount',
                counterpartyName: 'Name',
                remittanceText: 'Text',
              },
              currency: 'CHF',
            }),
          ],
        );
      } finally {
        await client.end();
      }
    });

    afterAll(async () => {
      await child?.stop('SIGKILL');
      await db?.drop();
    });

    it('leaves all of the statement or none of it', async () => {
      child = await startAppProcess({
        DATABASE_URL: db.url,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'tf-kill-')),
        LOG_LEVEL: 'warn',
        BODY_LIMIT: '50mb',
        API_RATE_LIMIT_PER_MINUTE: '100000',
      });
      const body = JSON.stringify({
        bankAccount: 'BIG-CHF',
        fileName: 'may-large.csv',
        content: Buffer.from(largeCsv(), 'utf8').toString('base64'),
      });
      const inFlight = fetch(`${child.baseUrl}/api/v1/bank-statements`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body,
      }).then(
        (response) => response.status,
        () => 'killed' as const,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      await child.stop('SIGKILL');
      const outcome = await inFlight;

      const client = await connect(db.url);
      try {
        // The server ends the killed client's transaction; wait until its backend is gone.
        for (let i = 0; i < 50; i += 1) {
          const { rows } = await client.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()`,
          );
          if (rows[0].n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        const { rows } = await client.query<{
          statements: number;
          lines: number;
          declared: number;
        }>(
          `SELECT (SELECT count(*)::int FROM bank_statement WHERE bank_account_id = $1) AS statements,
                (SELECT count(*)::int FROM bank_statement_line WHERE bank_account_id = $1) AS lines,
                (SELECT COALESCE(sum(line_count), 0)::int FROM bank_statement
                  WHERE bank_account_id = $1) AS declared`,
          [accountId],
        );
        const [found] = rows;
        if (outcome === 201)
          expect(found).toEqual({ statements: 1, lines: LINES, declared: LINES });
        else expect([0, LINES]).toContain(found.lines);
        expect(found.lines).toBe(found.declared);
        expect(found.statements).toBe(found.lines === 0 ? 0 : 1);
      } finally {
        await client.end();
      }
    });
  },
);
