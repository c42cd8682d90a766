import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { EmbeddedPostgres } from '../../src/database/embedded-postgres';
import { AppProcess, startAppProcess } from '../support/app-process';
import { describeWithBrowser } from '../support/browser';
import { createTestApp, createTestUser, TEST_SESSION_SECRET } from '../support/test-app';
import {
  connect,
  createTestDatabase,
  TEMPLATE_FILE_ENV,
  TestDatabase,
  testEngine,
} from '../support/test-database';

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

/**
 * Where the application's data lives. On a server, a test database the child shares with the
 * test; embedded, a data folder prepared here and then handed to the child (one process at a
 * time), opened again by the test once the child has stopped.
 */
interface Storage {
  childEnv: Record<string, string>;
  /** A client on the data, while no child runs (embedded) or at any time (server). */
  query<T>(work: (sql: Client) => Promise<T>): Promise<T>;
  drop(): Promise<void>;
}

async function prepareStorage(): Promise<{ storage: Storage; db: TestDatabase }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tf-batch-kill-'));
  if (testEngine() === 'postgres') {
    const db = await createTestDatabase();
    return {
      db,
      storage: {
        childEnv: { DATABASE_URL: db.url, DATA_DIR: dataDir },
        query: async (work) => {
          const sql = await connect(db.url);
          try {
            return await work(sql);
          } finally {
            await sql.end();
          }
        },
        drop: async () => {
          await db.drop();
          rmSync(dataDir, { recursive: true, force: true });
        },
      },
    };
  }
  // The migrated template, loaded into the folder the child will use as its DATA_DIR.
  const template = new Blob([readFileSync(process.env[TEMPLATE_FILE_ENV]!)]);
  let open: EmbeddedPostgres | undefined = await EmbeddedPostgres.start(dataDir, template);
  const db: TestDatabase = {
    url: open.url,
    engine: 'embedded',
    drop: async () => {
      await open?.stop();
      open = undefined;
    },
  };
  return {
    db,
    storage: {
      childEnv: { DATA_DIR: dataDir },
      query: async (work) => {
        const embedded = await EmbeddedPostgres.start(dataDir);
        try {
          const sql = await connect(embedded.url);
          try {
            return await work(sql);
          } finally {
            await sql.end();
          }
        } finally {
          await embedded.stop();
        }
      },
      drop: () => {
        rmSync(dataDir, { recursive: true, force: true });
        return Promise.resolve();
      },
    },
  };
}

describeWithBrowser('a statement batch whose application process is stopped part-way', () => {
  let storage: Storage;
  let child: AppProcess | undefined;
  let token: string;

  beforeAll(async () => {
    let db: TestDatabase;
    ({ storage, db } = await prepareStorage());
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
