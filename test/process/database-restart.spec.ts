import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { AppProcess, freePort, startAppProcess } from '../support/app-process';
import { addBankAccount } from '../support/ledger-fixtures';
import { createTestApp, createTestUser, TEST_SESSION_SECRET } from '../support/test-app';
import { adminQuery, databaseUrl, migrate, testEngine } from '../support/test-database';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const isRoot = process.getuid?.() === 0;

function hasPostgresUser(): boolean {
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

const canRun =
  testEngine() === 'postgres' && isRoot && existsSync(join(PG_BIN, 'initdb')) && hasPostgresUser();
const onServer = canRun ? it : it.skip;
const REASON =
  '(server only, as root with PostgreSQL 15 and its postgres user: it runs a private PostgreSQL cluster as that user and restarts it)';

const CLIENTS = 8;
/** How long the database stays down. */
const OUTAGE_MS = 4000;
/** No request may take longer than this, outage or not. */
const REQUEST_BOUND_MS = 15_000;
const PLEDGE_MINOR = 100_000_000n;

interface Attempt {
  status: number;
  contentType: string;
  retryAfter: string | null;
  code?: string;
}

/** A private PostgreSQL cluster, run by the postgres user (initdb refuses root). */
class PrivateCluster {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async create(): Promise<PrivateCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'tf-pg-restart-'));
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
    const cluster = new PrivateCluster(dir, await freePort());
    cluster.asPostgres('initdb', [
      '-D',
      cluster.data,
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
    ]);
    cluster.start();
    return cluster;
  }

  get data(): string {
    return join(this.dir, 'data');
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  start(): void {
    this.asPostgres('pg_ctl', [
      '-D',
      this.data,
      '-o',
      `-p ${this.port} -k ${this.dir} -c fsync=off -c listen_addresses=127.0.0.1`,
      '-l',
      join(this.dir, 'log'),
      'start',
      '-w',
    ]);
  }

  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    this.asPostgres('pg_ctl', ['-D', this.data, 'stop', '-m', mode, '-w']);
  }

  destroy(): void {
    try {
      this.stop('immediate');
    } catch {
      // Already stopped.
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private asPostgres(command: string, args: string[]): void {
    execFileSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, command), ...args], {
      stdio: 'pipe',
      cwd: this.dir,
    });
  }
}

describe('the built application while its PostgreSQL restarts under load', () => {
  let cluster: PrivateCluster | undefined;
  let app: AppProcess | undefined;
  let url: string;
  let token: string;
  let donorId: string;
  let pledgeId: string;
  /** Receipts recorded by earlier tests of this file: key → gross in minor units. */
  const recordedBefore = new Map<string, bigint>();

  beforeAll(async () => {
    if (!canRun) return;
    cluster = await PrivateCluster.create();
    url = databaseUrl(cluster.url, 'restart');
    await adminQuery(cluster.url, 'CREATE DATABASE restart');
    await migrate(url);
    await addBankAccount(url, { code: 'CHF-MAIN', currency: 'CHF', id: randomUUID() });
    const db = { url, engine: 'postgres' as const, drop: () => Promise.resolve() };
    const setup = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    try {
      const officer = await createTestUser(setup, 'officer.restart', ['finance_officer']);
      token = officer.token;
      const post = (path: string, body: object) =>
        request(setup.getHttpServer()).post(path).set(officer.auth).send(body);
      const donor = await post('/api/v1/donors', { name: 'Steady donor', type: 'foundation' });
      expect(donor.status).toBe(201);
      donorId = donor.body.id as string;
      const pledge = await post('/api/v1/pledges', {
        fund: 'WSIS-TF',
        donorId,
        currency: 'CHF',
        amount: '1000000.00',
        announcedOn: '2026-01-15',
        instalments: [{ dueDate: '2026-12-31', amount: '1000000.00' }],
      });
      expect(pledge.status).toBe(201);
      pledgeId = pledge.body.id as string;
      const agreed = await post(`/api/v1/pledges/${pledgeId}/agreement`, {
        agreedOn: '2026-02-01',
        documentRef: 'AGR-RESTART',
      });
      expect(agreed.status).toBe(200);
    } finally {
      await setup.close();
    }
    app = await startAppProcess({
      DATABASE_URL: url,
      JOBS_ENABLED: 'true',
      LOG_LEVEL: 'warn',
      API_RATE_LIMIT_PER_MINUTE: '100000',
      SESSION_SECRET: TEST_SESSION_SECRET,
    });
  }, 120_000);

  afterAll(async () => {
    await app?.stop('SIGKILL');
    cluster?.destroy();
  });

  const readiness = async () => {
    const response = await fetch(`${app!.baseUrl}/health/ready`, {
      signal: AbortSignal.timeout(REQUEST_BOUND_MS),
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: (await response.json()) as Record<string, unknown>,
    };
  };

  onServer(
    `survives the termination of all its database connections, idle ones included, and serves again at once ${REASON}`,
    async () => {
      const terminated = new Client({ connectionString: url });
      await terminated.connect();
      try {
        const { rows } = await terminated.query<{ killed: boolean }>(
          `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
              AND application_name LIKE 'trust-fund-tracker%'`,
        );
        // The app's pool and its job queue's pool both had connections.
        expect(rows.length).toBeGreaterThan(1);
      } finally {
        await terminated.end();
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(app!.child.exitCode).toBeNull();
      expect((await readiness()).status).toBe(200);
      const receipt = await fetch(`${app!.baseUrl}/api/v1/receipts`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          'Idempotency-Key': 'restart-after-termination',
        },
        body: JSON.stringify({
          bankAccount: 'CHF-MAIN',
          valueDate: '2026-05-04',
          currency: 'CHF',
          grossAmount: '1.00',
          donorId,
          allocations: [{ pledgeId, amount: '1.00' }],
        }),
      });
      expect(receipt.status).toBe(201);
      recordedBefore.set('restart-after-termination', 100n);
    },
    30_000,
  );

  onServer(
    `requests during a restart of the database fail with 503 and succeed on retry with the same key; the app reconnects by itself and nothing is lost or doubled ${REASON}`,
    async () => {
      const attempts: Attempt[] = [];
      /** Per idempotency key, the gross amount (minor units) of a receipt finally answered 201. */
      const recorded = new Map<string, bigint>(recordedBefore);
      const failures: string[] = [];
      let running = true;

      /** Posts until answered 201 (true), retrying 503 with the same key; false on anything else. */
      const postReceipt = async (key: string, grossMinor: bigint): Promise<boolean> => {
        const gross = `${grossMinor / 100n}.${String(grossMinor % 100n).padStart(2, '0')}`;
        for (;;) {
          let response: Response;
          try {
            response = await fetch(`${app!.baseUrl}/api/v1/receipts`, {
              method: 'POST',
              headers: {
                Authorization: `Bearer ${token}`,
                'Content-Type': 'application/json',
                'Idempotency-Key': key,
              },
              body: JSON.stringify({
                bankAccount: 'CHF-MAIN',
                valueDate: '2026-05-04',
                currency: 'CHF',
                grossAmount: gross,
                donorId,
                allocations: [{ pledgeId, amount: gross }],
              }),
              signal: AbortSignal.timeout(REQUEST_BOUND_MS),
            });
          } catch (error) {
            failures.push(`${key}: ${String(error)}`);
            return false;
          }
          const body = (await response.json()) as { code?: string; id?: string };
          attempts.push({
            status: response.status,
            contentType: response.headers.get('content-type') ?? '',
            retryAfter: response.headers.get('retry-after'),
            code: body.code,
          });
          if (response.status === 201) {
            recorded.set(key, grossMinor);
            return true;
          }
          if (response.status !== 503) {
            failures.push(`${key}: ${response.status} ${JSON.stringify(body)}`);
            return false;
          }
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      };

      const clients = Array.from({ length: CLIENTS }, async (_, client) => {
        for (let n = 0; running; n += 1) {
          // Amounts differ, so that a lost or doubled receipt shows in the totals.
          const gross = BigInt(100 + client * 7 + (n % 13)) * 100n;
          if (!(await postReceipt(`restart-${client}-${n}`, gross))) return;
        }
      });

      let before: number;
      let duringOutage: number;
      const during: Array<Awaited<ReturnType<typeof readiness>>> = [];
      let after: Awaited<ReturnType<typeof readiness>>;
      try {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        expect((await readiness()).status).toBe(200);
        before = recorded.size;
        cluster!.stop('fast');
        const outageEnds = Date.now() + OUTAGE_MS;
        while (Date.now() < outageEnds) {
          during.push(await readiness());
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        duringOutage = recorded.size;
        cluster!.start();
        // The application reconnects by itself: readiness comes back without a restart of the app.
        after = await readiness();
        for (let i = 0; i < 100 && after.status !== 200; i += 1) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          after = await readiness();
        }
        await new Promise((resolve) => setTimeout(resolve, 1500));
      } finally {
        running = false;
        await Promise.all(clients);
      }

      expect(failures).toEqual([]);
      expect(app!.child.exitCode).toBeNull();
      // Work went on before, stopped during, and resumed after the outage.
      expect(before).toBeGreaterThan(recordedBefore.size);
      expect(recorded.size).toBeGreaterThan(duringOutage);

      // While down: 503 problem+json with Retry-After, never a 500.
      expect(attempts.filter((a) => a.status !== 201 && a.status !== 503)).toEqual([]);
      const refused = attempts.filter((a) => a.status === 503);
      expect(refused.length).toBeGreaterThan(0);
      for (const answer of refused) {
        expect(answer.contentType).toMatch(/^application\/problem\+json/);
        expect(Number(answer.retryAfter)).toBeGreaterThan(0);
      }
      expect(refused.map((a) => a.code)).toContain('database-unavailable');

      expect(during.length).toBeGreaterThan(0);
      for (const answer of during) {
        expect(answer.status).toBe(503);
        expect(answer.contentType).toMatch(/^application\/problem\+json/);
        expect(answer.body).toMatchObject({
          code: 'database-unavailable',
          database: { downSince: expect.any(String) },
        });
      }
      // Back: ready, and the report says when the database was gone and when it came back.
      expect(after.status).toBe(200);
      const outage = (after.body.database as { lastOutage: { from: string; to: string } })
        .lastOutage;
      expect(outage.from).toBe((during[0].body.database as { downSince: string }).downSince);
      expect(Date.parse(outage.to)).toBeGreaterThan(Date.parse(outage.from));

      // Nothing lost, nothing doubled: what the database holds is what the clients were told.
      const sent = [...recorded.values()].reduce((a, b) => a + b, 0n);
      const sql = new Client({ connectionString: url });
      await sql.connect();
      try {
        const { rows } = await sql.query<{
          receipts: string;
          keys: string;
          gross: string;
          cash: string;
          receivable: string;
        }>(
          `SELECT (SELECT count(*) FROM receipt)::text AS receipts,
                  (SELECT count(*) FROM idempotency_record
                    WHERE key LIKE 'restart-%' AND status_code = 201)::text AS keys,
                  (SELECT coalesce(sum(gross_minor), 0) FROM receipt)::text AS gross,
                  (SELECT coalesce(sum(l.amount_minor), 0) FROM journal_line l
                     JOIN account a ON a.id = l.account_id WHERE a.code = '1000')::text AS cash,
                  (SELECT sum(l.amount_minor) FROM journal_line l
                     JOIN account a ON a.id = l.account_id WHERE a.code = '1100')::text AS receivable`,
        );
        expect(rows[0]).toEqual({
          receipts: String(recorded.size),
          keys: String(recorded.size),
          gross: String(sent),
          cash: String(sent),
          receivable: String(PLEDGE_MINOR - sent),
        });
        const trial = await sql.query(
          `SELECT fund_id, currency FROM journal_line GROUP BY fund_id, currency
            HAVING sum(functional_minor) <> 0 OR sum(amount_minor) <> 0`,
        );
        expect(trial.rows).toEqual([]);
      } finally {
        await sql.end();
      }
    },
    90_000,
  );
});
