import { Client } from 'pg';
import { AppProcess, startAppProcess } from '../support/app-process';
import { AppStorage, prepareAppStorage } from '../support/app-storage';
import { createTestApp, createTestUser, TEST_SESSION_SECRET } from '../support/test-app';
import { connect, TestDatabase, testEngine } from '../support/test-database';

/** Lines of the statement in flight at the kill: fewer embedded, where an import is slower. */
const LINES = testEngine() === 'postgres' ? 20000 : 6000;
/** Lines of the statement imported and acknowledged before. */
const ACKNOWLEDGED_LINES = 1000;

/** A CSV export of `lines` credits in `month` (MM), each a different amount, one day after another. */
function largeCsv(month: string, lines: number): string {
  const rows = ['Date;Amount;Name;Text'];
  for (let i = 0; i < lines; i += 1) {
    const day = String((i % 28) + 1).padStart(2, '0');
    rows.push(
      `${day}.${month}.2026;${100 + (i % 900)}.${String(i % 100).padStart(2, '0')};Donor ${i};PLEDGE ${i}`,
    );
  }
  return `${rows.join('\n')}\n`;
}

interface Found {
  statements: number;
  lines: number;
  declared: number;
  keys: number;
}

/** What is stored of the statement of `month`: the statement, its lines, and the import's key. */
async function statementOf(
  sql: Client,
  accountId: string,
  month: string,
  key: string,
): Promise<Found> {
  const { rows } = await sql.query<Found>(
    `WITH s AS (SELECT id, line_count FROM bank_statement
                 WHERE bank_account_id = $1 AND statement_id LIKE $2)
     SELECT (SELECT count(*)::int FROM s) AS statements,
            (SELECT count(*)::int FROM bank_statement_line l WHERE l.statement_id IN (SELECT id FROM s))
              AS lines,
            (SELECT COALESCE(sum(line_count), 0)::int FROM s) AS declared,
            (SELECT count(*)::int FROM idempotency_record WHERE key = $3 AND status_code = 201) AS keys`,
    [accountId, `CSV 2026-${month}-%`, key],
  );
  return rows[0];
}

describe('a large statement import killed with SIGKILL', () => {
  const acknowledged = {
    statements: 1,
    lines: ACKNOWLEDGED_LINES,
    declared: ACKNOWLEDGED_LINES,
    keys: 1,
  };
  let storage: AppStorage;
  let child: AppProcess | undefined;
  let officer: string;
  let auditor: string;
  let accountId: string;

  beforeAll(async () => {
    let db: TestDatabase;
    ({ storage, db } = await prepareAppStorage('tf-import-kill-'));
    const app = await createTestApp(db);
    try {
      officer = (await createTestUser(app, 'officer.kill', ['finance_officer'])).token;
      auditor = (await createTestUser(app, 'auditor.kill', ['auditor'])).token;
    } finally {
      await app.close();
    }
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
      // Embedded: closes the data folder, for the child to open.
      if (db.engine === 'embedded') await db.drop();
    }
  });

  afterAll(async () => {
    await child?.stop('SIGKILL');
    await storage?.drop();
  });

  const start = () =>
    startAppProcess({
      ...storage.childEnv,
      SESSION_SECRET: TEST_SESSION_SECRET,
      LOG_LEVEL: 'warn',
      BODY_LIMIT: '50mb',
      API_RATE_LIMIT_PER_MINUTE: '100000',
    });

  const upload = (app: AppProcess, month: string, key: string, lines: number) =>
    fetch(`${app.baseUrl}/api/v1/bank-statements`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${officer}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': key,
      },
      body: JSON.stringify({
        bankAccount: 'BIG-CHF',
        fileName: `2026-${month}-large.csv`,
        content: Buffer.from(largeCsv(month, lines), 'utf8').toString('base64'),
      }),
    });

  /**
   * Server: resolves once a session of the application is inserting statement lines, i.e. the
   * import's transaction is open and part-written. Embedded, the child's database cannot be
   * watched: as long as the small acknowledged import took, well inside the large one.
   */
  async function importUnderWay(acknowledgedMs: number): Promise<void> {
    if (testEngine() !== 'postgres') {
      await new Promise((resolve) => setTimeout(resolve, acknowledgedMs));
      return;
    }
    await storage.query(async (sql) => {
      for (let i = 0; i < 600; i += 1) {
        const { rows } = await sql.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
              AND xact_start IS NOT NULL AND query LIKE '%INSERT INTO bank_statement_line%'`,
        );
        if (rows[0].n > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error('the import never started inserting lines');
    });
  }

  it('keeps an acknowledged import, leaves all or none of the one in flight, and a retry with its key completes it once', async () => {
    child = await start();
    const killed = child;
    // April: acknowledged before the kill.
    const started = Date.now();
    const april = await upload(killed, '04', 'import-april', ACKNOWLEDGED_LINES);
    expect(april.status).toBe(201);
    const acknowledgedMs = Date.now() - started;
    const aprilBody = (await april.json()) as { statements: { id: string }[] };

    // May: killed while it is being written.
    const inFlight = upload(killed, '05', 'import-may', LINES).then(
      (response) => response.status,
      () => 'killed' as const,
    );
    await importUnderWay(acknowledgedMs);
    await killed.stop('SIGKILL');
    child = undefined;
    const outcome = await inFlight;
    await storage.settled();

    await storage.query(async (sql) => {
      const whole = { statements: 1, lines: LINES, declared: LINES, keys: 1 };
      expect(await statementOf(sql, accountId, '04', 'import-april')).toEqual(acknowledged);
      const may = await statementOf(sql, accountId, '05', 'import-may');
      if (outcome === 201) expect(may).toEqual(whole);
      else expect([whole, { statements: 0, lines: 0, declared: 0, keys: 0 }]).toContainEqual(may);
    });

    // The client sends May again with its key: stored once, whichever way the kill fell.
    child = await start();
    const restarted = child;
    const retried = await upload(restarted, '05', 'import-may', LINES);
    expect(retried.status).toBe(201);
    const again = await upload(restarted, '04', 'import-april', ACKNOWLEDGED_LINES);
    expect(again.status).toBe(201);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(((await again.json()) as { statements: { id: string }[] }).statements).toEqual(
      aprilBody.statements,
    );
    const read = async (path: string) => {
      const response = await fetch(`${restarted.baseUrl}${path}`, {
        headers: { Authorization: `Bearer ${auditor}` },
      });
      expect(response.status).toBe(200);
      return (await response.json()) as Record<string, unknown>;
    };
    expect(await read('/api/v1/audit/verify')).toMatchObject({ ok: true });
    expect(await read('/api/v1/funds/WSIS-TF/trial-balance?asOf=2026-12-31')).toMatchObject({
      balanced: true,
    });
    expect(await restarted.stop('SIGTERM')).toBe(0);
    child = undefined;

    await storage.query(async (sql) => {
      expect(await statementOf(sql, accountId, '04', 'import-april')).toEqual(acknowledged);
      expect(await statementOf(sql, accountId, '05', 'import-may')).toEqual({
        statements: 1,
        lines: LINES,
        declared: LINES,
        keys: 1,
      });
      // One audit record per stored statement, none for what was rolled back.
      const { rows } = await sql.query<{ statements: number; audited: number; audits: number }>(
        `SELECT (SELECT count(*)::int FROM bank_statement) AS statements,
                (SELECT count(DISTINCT entity_id)::int FROM audit_log
                  WHERE entity_type = 'bank-statement'
                    AND entity_id IN (SELECT id::text FROM bank_statement)) AS audited,
                (SELECT count(*)::int FROM audit_log WHERE action = 'bank-statement.import') AS audits`,
      );
      expect(rows[0]).toEqual({ statements: 2, audited: 2, audits: 2 });
    });
  }, 120_000);
});
