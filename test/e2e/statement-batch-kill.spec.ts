import request from 'supertest';
import { AppProcess, startAppProcess } from '../support/app-process';
import { AppStorage, prepareAppStorage } from '../support/app-storage';
import { describeWithBrowser } from '../support/browser';
import { createTestApp, createTestUser, TEST_SESSION_SECRET } from '../support/test-app';
import { TestDatabase } from '../support/test-database';

const DONORS = 24;
/** Statements issued before the kill: enough to be part-way, few enough to leave most to do. */
const KILL_AFTER = 3;

interface Progress {
  status: string;
  total: number;
  issued: number;
  failed: number;
  pending: number;
}

describeWithBrowser('a statement batch whose application process is stopped part-way', () => {
  let storage: AppStorage;
  let child: AppProcess | undefined;
  let token: string;

  beforeAll(async () => {
    let db: TestDatabase;
    ({ storage, db } = await prepareAppStorage('tf-batch-kill-'));
    // The donors and pledges, entered through the API of an application in this process.
    const app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    try {
      token = (await createTestUser(app, 'officer.kill', ['finance_officer'])).token;
      const auth = { Authorization: `Bearer ${token}` };
      for (let i = 0; i < DONORS; i += 1) {
        const donor = await request(app.getHttpServer())
          .post('/api/v1/donors')
          .set(auth)
          // Names this alike would be taken for duplicates of each other without the confirmation.
          .send({ name: `Donor ${i + 1}`, type: 'foundation', confirmDuplicate: true });
        expect(donor.status).toBe(201);
        const pledge = await request(app.getHttpServer())
          .post('/api/v1/pledges')
          .set(auth)
          .send({
            fund: 'WSIS-TF',
            donorId: donor.body.id as string,
            currency: 'CHF',
            amount: `${1000 + i}.00`,
            announcedOn: '2026-02-01',
            instalments: [{ dueDate: '2026-09-30', amount: `${1000 + i}.00` }],
          });
        expect(pledge.status).toBe(201);
      }
    } finally {
      await app.close();
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
      API_RATE_LIMIT_PER_MINUTE: '100000',
    });

  async function progress(batchId: string): Promise<Progress> {
    const response = await fetch(`${child!.baseUrl}/api/v1/statement-batches/${batchId}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Progress;
  }

  /**
   * Starts a batch in a child process, stops the child with `signal` once KILL_AFTER statements
   * are issued, starts it again and waits for the batch to finish; then checks, in the data,
   * that each donor has exactly one statement of the batch and that the numbers of all
   * statements ever issued run from 1 without a gap. Returns the exit code of the stop.
   */
  async function interruptAndResume(
    signal: NodeJS.Signals,
    period: { from: string; to: string },
    issuedBefore: number,
  ): Promise<number | null> {
    child = await start();
    const created = await fetch(`${child.baseUrl}/api/v1/statement-batches`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ fund: 'WSIS-TF', ...period }),
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };

    let atStop: Progress | undefined;
    for (let i = 0; i < 2000 && atStop === undefined; i += 1) {
      const now = await progress(id);
      if (now.issued >= KILL_AFTER) atStop = now;
      else await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const stopped = await child.stop(signal);
    child = undefined;
    await storage.settled();
    // Stopped part-way: some statements issued, most still to do.
    expect(atStop).toMatchObject({ status: 'running', total: DONORS, failed: 0 });
    expect(atStop!.issued).toBeLessThan(DONORS);

    child = await start();
    let done: Progress | undefined;
    for (let i = 0; i < 1200 && done === undefined; i += 1) {
      const now = await progress(id);
      if (now.status !== 'running' && now.status !== 'queued') done = now;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(done).toMatchObject({
      status: 'completed',
      total: DONORS,
      issued: DONORS,
      failed: 0,
      pending: 0,
    });
    expect(await child.stop('SIGTERM')).toBe(0);
    child = undefined;

    await storage.query(async (sql) => {
      const perDonor = await sql.query<{ donor: string; statements: number }>(
        `SELECT d.name AS donor, count(dd.id)::int AS statements
           FROM donor d LEFT JOIN donor_document dd ON dd.donor_id = d.id AND dd.batch_id = $1
          GROUP BY d.name ORDER BY d.name`,
        [id],
      );
      expect(perDonor.rows).toHaveLength(DONORS);
      expect(perDonor.rows.filter((row) => row.statements !== 1)).toEqual([]);
      // Gapless: the statement in flight at the stop took no number that stayed taken.
      const numbers = await sql.query<{ number: string }>(
        `SELECT number FROM donor_document WHERE kind = 'statement' ORDER BY number`,
      );
      expect(numbers.rows.map((row) => Number(row.number.slice(-6)))).toEqual(
        Array.from({ length: issuedBefore + DONORS }, (_, i) => i + 1),
      );
      const items = await sql.query<{ status: string; linked: boolean }>(
        `SELECT i.status, dd.id IS NOT NULL AND dd.donor_id = i.donor_id AS linked
           FROM statement_batch_item i LEFT JOIN donor_document dd ON dd.id = i.document_id
          WHERE i.batch_id = $1`,
        [id],
      );
      expect(items.rows).toHaveLength(DONORS);
      expect(items.rows.every((row) => row.status === 'issued' && row.linked)).toBe(true);
      // Every statement ever issued is whole: a complete PDF whose recorded SHA-256 is its own,
      // its HTML and data, and exactly one audit record of its issue; none is half-written.
      const documents = await sql.query<{ number: string; problem: string | null }>(
        `SELECT d.number,
                CASE WHEN substring(d.pdf FROM 1 FOR 5) <> '\\x255044462d'::bytea THEN 'not a PDF'
                     WHEN position('\\x2525454f46'::bytea IN d.pdf) = 0 THEN 'PDF cut short'
                     WHEN encode(sha256(d.pdf), 'hex') <> d.sha256 THEN 'hash is not of its PDF'
                     WHEN length(d.html) = 0 OR d.data IS NULL THEN 'no HTML or data'
                     WHEN (SELECT count(*) FROM audit_log g WHERE g.entity_type = 'donor-document'
                             AND g.entity_id = d.id::text AND g.action = 'donor-statement.issue') <> 1
                       THEN 'not audited once'
                END AS problem
           FROM donor_document d WHERE d.kind = 'statement'`,
      );
      expect(documents.rows).toHaveLength(issuedBefore + DONORS);
      expect(documents.rows.filter((row) => row.problem !== null)).toEqual([]);
      // No audit record of an issue whose statement was rolled back with the kill.
      const audits = await sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_log WHERE action = 'donor-statement.issue'`,
      );
      expect(audits.rows[0].n).toBe(issuedBefore + DONORS);
    });
    return stopped;
  }

  it('resumes after SIGKILL and a restart: every donor gets exactly one statement, numbered without gaps', async () => {
    await interruptAndResume('SIGKILL', { from: '2026-01-01', to: '2026-12-31' }, 0);
  });

  it('stops cleanly on SIGTERM part-way (exit 0), leaving the rest to the next start', async () => {
    const code = await interruptAndResume(
      'SIGTERM',
      { from: '2026-01-01', to: '2026-06-30' },
      DONORS,
    );
    expect(code).toBe(0);
  });
});
