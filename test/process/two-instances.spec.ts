import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import PgBoss from 'pg-boss';
import request from 'supertest';
import { addDays, todayUtc } from '../../src/common/calendar-date';
import { JOBS_SCHEMA } from '../../src/jobs/jobs.service';

import { REMINDERS_QUEUE } from '../../src/reminders/reminders.job';
import { STATEMENT_BATCH_QUEUE } from '../../src/statements/batch/statement-batches.service';
import { AppProcess, startAppProcess } from '../support/app-process';
import { describeWithBrowser } from '../support/browser';
import { addBankAccount } from '../support/ledger-fixtures';
import { createTestApp, createTestUser, TEST_SESSION_SECRET } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase, testEngine } from '../support/test-database';

const onServer = testEngine() === 'postgres' ? it : it.skip;
const SERVER_ONLY = '(server only: two processes share one PostgreSQL server)';

/** Pledges that receipts from both instances compete for, each CHF 500.00 open. */
const PLEDGES = 3;
const PLEDGE_MINOR = 50_000n;
/** 30 receipts of CHF 20.00 per pledge: CHF 600.00 offered for CHF 500.00 open. */
const RECEIPTS = 90;
/** Donors with an announced pledge only: more statements for the batches. */
const OTHER_DONORS = 5;
/** Donors with an agreed pledge whose instalment falls due soon: a reminder is due today. */
const REMINDED = 4;
const CLIENTS = 16;

type Json = Record<string, unknown>;
interface Answer {
  status: number;
  contentType: string;
  body: Json;
  attempts: number;
  instance: number;
}

const sequenceOf = (number: string): number => Number(/(\d+)$/.exec(number)![1]);
const oneToN = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

describeWithBrowser('two instances of the built application on one PostgreSQL', () => {
  let db: TestDatabase;
  let sql: Client;
  let token: string;
  const apps: AppProcess[] = [];
  const pledgeIds: string[] = [];
  const pledgeDonors: string[] = [];
  /** Every donor with something in WSIS-TF: each gets a statement in a batch. */
  let donorCount = 0;

  const headers = (extra: Record<string, string> = {}) => ({
    Authorization: `Bearer ${token}`,
    'Content-Type': 'application/json',
    ...extra,
  });

  /** A POST to instance `instance`, retried with the same Idempotency-Key while it answers 503. */
  async function post(instance: number, path: string, body: object, key?: string) {
    for (let attempt = 1; ; attempt += 1) {
      const response = await fetch(`${apps[instance].baseUrl}${path}`, {
        method: 'POST',
        headers: headers(key === undefined ? {} : { 'Idempotency-Key': key }),
        body: JSON.stringify(body),
      });
      const answer: Answer = {
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        body: (await response.json()) as Json,
        attempts: attempt,
        instance,
      };
      if (answer.status !== 503 || attempt === 20) return answer;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }

  async function get(instance: number, path: string): Promise<Json> {
    const response = await fetch(`${apps[instance].baseUrl}${path}`, { headers: headers() });
    expect(response.status).toBe(200);
    return (await response.json()) as Json;
  }

  /** Runs `work` for each item with at most `limit` at a time. */
  async function inParallel<T, R>(
    items: T[],
    limit: number,
    work: (item: T, index: number) => Promise<R>,
  ) {
    const results: R[] = new Array<R>(items.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: limit }, async () => {
        while (next < items.length) {
          const index = next++;
          results[index] = await work(items[index], index);
        }
      }),
    );
    return results;
  }

  async function jobStates(
    queue: string,
  ): Promise<Array<{ state: string; retries: number; data: Json }>> {
    const { rows } = await sql.query<{ state: string; retries: number; data: Json }>(
      `SELECT state::text, retry_count AS retries, data FROM ${JOBS_SCHEMA}.job WHERE name = $1
       UNION ALL
       SELECT state::text, retry_count, data FROM ${JOBS_SCHEMA}.archive WHERE name = $1`,
      [queue],
    );
    return rows;
  }

  beforeAll(async () => {
    if (testEngine() !== 'postgres') return;
    db = await createTestDatabase();
    await addBankAccount(db.url, { code: 'CHF-MAIN', currency: 'CHF', id: randomUUID() });
    // Users, donors and pledges through an application in this process, closed before the two
    // instances start.
    const setup = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    try {
      const officer = await createTestUser(setup, 'officer.two', ['finance_officer']);
      token = officer.token;
      const http = (url: string, body: object) =>
        request(setup.getHttpServer()).post(url).set(officer.auth).send(body);
      const pledge = async (name: string, amount: string, dueDate: string, agree: boolean) => {
        const donor = await http('/api/v1/donors', {
          name,
          type: 'foundation',
          confirmDuplicate: true,
        });
        expect(donor.status).toBe(201);
        donorCount += 1;
        const created = await http('/api/v1/pledges', {
          fund: 'WSIS-TF',
          donorId: donor.body.id as string,
          currency: 'CHF',
          amount,
          announcedOn: '2026-01-15',
          instalments: [{ dueDate, amount }],
        });
        expect(created.status).toBe(201);
        if (agree) {
          const agreed = await http(`/api/v1/pledges/${created.body.id as string}/agreement`, {
            agreedOn: '2026-02-01',
            documentRef: `AGR-${created.body.reference as string}`,
          });
          expect(agreed.status).toBe(200);
        }
        return { donorId: donor.body.id as string, pledgeId: created.body.id as string };
      };
      for (let i = 0; i < PLEDGES; i += 1) {
        const made = await pledge(`Contested donor ${i + 1}`, '500.00', '2026-12-31', true);
        pledgeIds.push(made.pledgeId);
        pledgeDonors.push(made.donorId);
      }
      for (let i = 0; i < OTHER_DONORS; i += 1) {
        await pledge(`Announcing donor ${i + 1}`, `${100 + i}.00`, '2026-12-31', false);
      }
      // The default policy sends a first reminder from 30 days before the due date.
      const soon = addDays(todayUtc(), 10);
      for (let i = 0; i < REMINDED; i += 1) {
        await pledge(`Reminded donor ${i + 1}`, '250.00', soon, true);
      }
    } finally {
      await setup.close();
    }
    sql = await connect(db.url);
    const env = {
      DATABASE_URL: db.url,
      JOBS_ENABLED: 'true',
      LOG_LEVEL: 'warn',
      API_RATE_LIMIT_PER_MINUTE: '100000',
      SESSION_SECRET: TEST_SESSION_SECRET,
      DB_POOL_SIZE: '10',
    };
    // Both at once: the second waits on the migration lock while the first finds nothing to do.
    apps.push(...(await Promise.all([startAppProcess(env), startAppProcess(env)])));
    expect(apps[0].baseUrl).not.toBe(apps[1].baseUrl);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop('SIGTERM')));
    await sql?.end();
    await db?.drop();
  });

  onServer(
    `receipts allocated to the same pledges from both instances at once never over-allocate, and every number is unique and gapless ${SERVER_ONLY}`,
    async () => {
      const answers = await inParallel(
        Array.from({ length: RECEIPTS }, (_, i) => i),
        CLIENTS,
        (i) =>
          post(
            i % 2,
            '/api/v1/receipts',
            {
              bankAccount: 'CHF-MAIN',
              valueDate: '2026-05-04',
              currency: 'CHF',
              grossAmount: '20.00',
              donorId: pledgeDonors[i % PLEDGES],
              allocations: [{ pledgeId: pledgeIds[i % PLEDGES], amount: '20.00' }],
            },
            `two-instances-${i}`,
          ),
      );
      // Every answer is a success or a clean refusal, never a 500 nor a 503 left after retries.
      const unexpected = answers.filter(
        (a) =>
          a.status !== 201 &&
          !([409, 422].includes(a.status) && a.contentType.startsWith('application/problem+json')),
      );
      expect(unexpected.map((a) => ({ status: a.status, body: a.body }))).toEqual([]);
      // Both instances did some of the work, and more was offered than was open.
      expect(new Set(answers.filter((a) => a.status === 201).map((a) => a.instance)).size).toBe(2);
      expect(answers.some((a) => a.status === 422)).toBe(true);

      for (const pledgeId of pledgeIds) {
        const { rows } = await sql.query<{ allocated: string; receivable: string }>(
          `SELECT (SELECT coalesce(sum(pledge_amount_minor), 0) FROM receipt_allocation
                    WHERE pledge_id = $1)::text AS allocated,
                  (SELECT sum(l.amount_minor) FROM journal_line l JOIN account a ON a.id = l.account_id
                    WHERE l.pledge_id = $1 AND a.code = '1100')::text AS receivable`,
          [pledgeId],
        );
        const allocated = BigInt(rows[0].allocated);
        // CHF 20.00 at a time fits exactly 25 times in CHF 500.00: the pledge is full, not more.
        expect(allocated).toBe(PLEDGE_MINOR);
        expect(BigInt(rows[0].receivable)).toBe(PLEDGE_MINOR - allocated);
        for (const instance of [0, 1]) {
          const view = await get(instance, `/api/v1/pledges/${pledgeId}`);
          expect(view.outstanding).toEqual({ currency: 'CHF', amount: '0.00' });
        }
      }
      const accepted = answers.filter((a) => a.status === 201);
      expect(accepted).toHaveLength(Number(PLEDGE_MINOR / 2000n) * PLEDGES);
      const receipts = await sql.query<{ number: string; gross: string }>(
        `SELECT number, gross_minor::text AS gross FROM receipt ORDER BY number`,
      );
      expect(receipts.rows).toHaveLength(accepted.length);
      expect(new Set(accepted.map((a) => a.body.id)).size).toBe(accepted.length);
      // Receipt numbers: unique and gapless, whichever instance took them.
      expect(receipts.rows.map((r) => sequenceOf(r.number)).sort((a, b) => a - b)).toEqual(
        oneToN(accepted.length),
      );

      // Journal entry numbers: unique and gapless per fund and fiscal year.
      const entries = await sql.query<{
        fund_id: string;
        fiscal_year: number;
        seqs: number[];
        numbers: number;
      }>(
        `SELECT fund_id, fiscal_year, array_agg(sequence::int ORDER BY sequence) AS seqs,
                count(DISTINCT number)::int AS numbers
           FROM journal_entry GROUP BY fund_id, fiscal_year`,
      );
      expect(entries.rows.length).toBeGreaterThan(0);
      for (const row of entries.rows) {
        expect(row.seqs).toEqual(oneToN(row.seqs.length));
        expect(row.numbers).toBe(row.seqs.length);
      }
      // And the ledger balances.
      const unbalanced = await sql.query(
        `SELECT fund_id, currency FROM journal_line GROUP BY fund_id, currency
          HAVING sum(functional_minor) <> 0`,
      );
      expect(unbalanced.rows).toEqual([]);
    },
    90_000,
  );

  onServer(
    `statement batches run on the workers of both instances: each donor gets exactly one statement per batch, numbered without gaps, each job done once ${SERVER_ONLY}`,
    async () => {
      const periods = [
        { from: '2026-01-01', to: '2026-12-31' },
        { from: '2026-01-01', to: '2026-06-30' },
      ];
      const created = await Promise.all(
        periods.map((period, i) =>
          post(i % 2, '/api/v1/statement-batches', { fund: 'WSIS-TF', ...period }),
        ),
      );
      expect(created.map((c) => c.status)).toEqual([202, 202]);
      const ids = created.map((c) => c.body.id as string);
      for (const id of ids) {
        let status = '';
        for (let i = 0; i < 1200 && !['completed', 'failed'].includes(status); i += 1) {
          status = (await get(i % 2, `/api/v1/statement-batches/${id}`)).status as string;
          if (status !== 'completed') await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(await get(0, `/api/v1/statement-batches/${id}`)).toMatchObject({
          status: 'completed',
          total: donorCount,
          issued: donorCount,
          failed: 0,
          pending: 0,
        });
        const perDonor = await sql.query<{ statements: number }>(
          `SELECT count(dd.id)::int AS statements
             FROM donor d LEFT JOIN donor_document dd ON dd.donor_id = d.id AND dd.batch_id = $1
            GROUP BY d.id`,
          [id],
        );
        expect(perDonor.rows).toHaveLength(donorCount);
        expect(perDonor.rows.filter((row) => row.statements !== 1)).toEqual([]);
      }
      const numbers = await sql.query<{ number: string }>(
        `SELECT number FROM donor_document WHERE kind = 'statement'`,
      );
      expect(numbers.rows.map((r) => sequenceOf(r.number)).sort((a, b) => a - b)).toEqual(
        oneToN(donorCount * periods.length),
      );
      // pg-boss: every job of these batches completed, none failed nor retried.
      const jobs = (await jobStates(STATEMENT_BATCH_QUEUE)).filter((job) =>
        ids.includes(job.data.batchId as string),
      );
      expect(new Set(jobs.map((job) => job.data.batchId))).toEqual(new Set(ids));
      expect(jobs.filter((job) => job.state !== 'completed' || job.retries !== 0)).toEqual([]);
    },
    120_000,
  );

  onServer(
    `today's reminders, run by both instances at once by hand and as queued jobs, are sent once per instalment ${SERVER_ONLY}`,
    async () => {
      const today = todayUtc();
      // By hand, on both instances at once, twice each.
      const runs = await Promise.all(
        [0, 1, 0, 1].map((instance) => post(instance, '/api/v1/reminders/run', { date: today })),
      );
      expect(runs.map((run) => run.status)).toEqual([200, 200, 200, 200]);
      // The daily job's schedule is shared: one schedule, whichever instance set it.
      const schedules = await sql.query(
        `SELECT name FROM ${JOBS_SCHEMA}.schedule WHERE name = $1`,
        [REMINDERS_QUEUE],
      );
      expect(schedules.rows).toHaveLength(1);
      // As the cron does: jobs in the queue the two instances' workers take from.
      const boss = new PgBoss({ connectionString: db.url, schema: JOBS_SCHEMA, max: 1 });
      await boss.start();
      try {
        for (let i = 0; i < 4; i += 1) {
          expect(
            await boss.send(REMINDERS_QUEUE, {}, { singletonKey: `two-instances-${i}` }),
          ).not.toBeNull();
        }
      } finally {
        await boss.stop({ graceful: false, close: true });
      }
      let jobs = await jobStates(REMINDERS_QUEUE);
      for (let i = 0; i < 300 && jobs.some((job) => job.state !== 'completed'); i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        jobs = await jobStates(REMINDERS_QUEUE);
      }
      expect(jobs.map((job) => [job.state, job.retries])).toEqual(
        Array.from({ length: 4 }, () => ['completed', 0]),
      );
      const reminders = await sql.query<{ donor: string; sent: number }>(
        `SELECT d.name AS donor, count(r.id)::int AS sent
           FROM pledge_reminder r JOIN pledge p ON p.id = r.pledge_id JOIN donor d ON d.id = p.donor_id
          GROUP BY d.name ORDER BY d.name`,
      );
      expect(reminders.rows).toEqual(
        Array.from({ length: REMINDED }, (_, i) => ({ donor: `Reminded donor ${i + 1}`, sent: 1 })),
      );
    },
    60_000,
  );
});
