import { Client } from 'pg';
import request from 'supertest';
import { addBankAccount } from '../support/ledger-fixtures';
import { AppProcess, startAppProcess } from '../support/app-process';
import { AppStorage, prepareAppStorage } from '../support/app-storage';
import { createTestApp, createTestUser, TEST_SESSION_SECRET } from '../support/test-app';
import { TestDatabase } from '../support/test-database';

/** Receipts sent at once; the process is killed once KILL_AFTER of them were acknowledged. */
const REQUESTS = 60;
const KILL_AFTER = 12;
const PLEDGES = 4;
const PLEDGE_MINOR = 1_000_000n; // CHF 10,000.00 each
const ALLOCATED_MINOR = 10_000n; // CHF 100.00 of every receipt goes to its pledge

interface Sent {
  key: string;
  pledge: number;
  body: Record<string, unknown>;
}

interface Acknowledged {
  key: string;
  id: string;
  number: string;
  entryId: string;
}

const SEQUENCE = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => `RCT-2026-${String(i + 1).padStart(6, '0')}`);

describe('receipts recorded while the application process is killed with SIGKILL', () => {
  let storage: AppStorage;
  let child: AppProcess | undefined;
  let officer: string;
  let auditor: string;
  const pledgeIds: string[] = [];
  const donorIds: string[] = [];

  beforeAll(async () => {
    let db: TestDatabase;
    ({ storage, db } = await prepareAppStorage('tf-receipt-kill-'));
    await addBankAccount(db.url, { code: 'KILL-CHF' });
    const app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    try {
      officer = (await createTestUser(app, 'officer.kill', ['finance_officer'])).token;
      auditor = (await createTestUser(app, 'auditor.kill', ['auditor'])).token;
      const post = (url: string, body: object) =>
        request(app.getHttpServer())
          .post(url)
          .set({ Authorization: `Bearer ${officer}` })
          .send(body);
      for (let i = 0; i < PLEDGES; i += 1) {
        const donor = await post('/api/v1/donors', {
          name: `Killed Donor ${i + 1}`,
          type: 'member_state',
          confirmDuplicate: true,
        });
        expect(donor.status).toBe(201);
        const pledge = await post('/api/v1/pledges', {
          fund: 'WSIS-TF',
          donorId: donor.body.id as string,
          currency: 'CHF',
          amount: '10000.00',
          announcedOn: '2026-01-15',
          instalments: [{ dueDate: '2026-06-30', amount: '10000.00' }],
        });
        expect(pledge.status).toBe(201);
        const agreed = await post(`/api/v1/pledges/${pledge.body.id}/agreement`, {
          agreedOn: '2026-02-01',
          documentRef: `AGR-KILL-${i + 1}`,
        });
        expect(agreed.status).toBe(200);
        donorIds.push(donor.body.id as string);
        pledgeIds.push(pledge.body.id as string);
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

  const send = (app: AppProcess, sent: Sent) =>
    fetch(`${app.baseUrl}/api/v1/receipts`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${officer}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': sent.key,
      },
      body: JSON.stringify(sent.body),
    });

  const get = async (app: AppProcess, path: string, token: string) => {
    const response = await fetch(`${app.baseUrl}${path}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };

  it('keeps every acknowledged receipt whole, no half of any other, and a retry with the same key records each exactly once', async () => {
    // Every receipt gives CHF 100.00 to a pledge; every other one also leaves CHF 50.00 unapplied
    // after CHF 2.50 of bank charges, so that the entries have different shapes.
    const requests: Sent[] = Array.from({ length: REQUESTS }, (_, i) => ({
      key: `receipt-kill-${i}`,
      pledge: i % PLEDGES,
      body: {
        bankAccount: 'KILL-CHF',
        valueDate: '2026-05-04',
        currency: 'CHF',
        grossAmount: i % 2 === 0 ? '100.00' : '150.00',
        ...(i % 2 === 0 ? {} : { bankCharges: '2.50' }),
        donorId: donorIds[i % PLEDGES],
        remittanceText: `kill test ${i}`,
        allocations: [{ pledgeId: pledgeIds[i % PLEDGES], amount: '100.00' }],
      },
    }));

    child = await start();
    const killed = child;
    const acknowledged: Acknowledged[] = [];
    const otherAnswers: number[] = [];
    await Promise.all(
      requests.map(async (sent) => {
        try {
          const response = await send(killed, sent);
          const body = (await response.json()) as Record<string, string>;
          if (response.status !== 201) {
            otherAnswers.push(response.status);
            return;
          }
          acknowledged.push({
            key: sent.key,
            id: body.id,
            number: body.number,
            entryId: body.entryId,
          });
          // Killed at once, from the handler of the answer that makes KILL_AFTER.
          if (acknowledged.length === KILL_AFTER) killed.child.kill('SIGKILL');
        } catch {
          // No answer: the process died with the request in flight.
        }
      }),
    );
    await killed.stop('SIGKILL');
    child = undefined;
    // The kill landed part-way: some answered, and some never were. A 503 (database busy) is
    // not an acknowledgement: the client retries it below like a request with no answer.
    expect(otherAnswers.filter((status) => status !== 503)).toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(acknowledged.length).toBeLessThan(REQUESTS);

    // What survived the kill, read straight from the data before anything else touches it.
    await storage.settled();
    const survived = await storage.query((sql) => wholeness(sql, acknowledged));
    expect(survived).toBeGreaterThanOrEqual(acknowledged.length);
    expect(survived).toBeLessThan(REQUESTS);

    // The client retries every request with its own key on the restarted application.
    child = await start();
    const restarted = child;
    // A 503 (the database busy: all connections taken) is retried with the same key, as a client
    // is told to.
    const retried = await Promise.all(
      requests.map(async (sent) => {
        for (let attempt = 1; ; attempt += 1) {
          const response = await send(restarted, sent);
          if (response.status === 503 && attempt < 20) {
            await response.arrayBuffer();
            await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
            continue;
          }
          return {
            key: sent.key,
            status: response.status,
            replayed: response.headers.get('Idempotent-Replayed') === 'true',
            body: (await response.json()) as Record<string, string>,
          };
        }
      }),
    );
    expect(retried.filter((answer) => answer.status !== 201)).toEqual([]);
    const byKey = new Map(retried.map((answer) => [answer.key, answer]));
    // An acknowledged receipt is answered again as it was, from the stored answer.
    expect(
      acknowledged.map((ack) => {
        const again = byKey.get(ack.key)!;
        return {
          key: ack.key,
          id: again.body.id,
          number: again.body.number,
          replayed: again.replayed,
        };
      }),
    ).toEqual(
      acknowledged.map((ack) => ({ key: ack.key, id: ack.id, number: ack.number, replayed: true })),
    );
    // Whatever committed unseen is replayed too, and only what never committed is recorded anew.
    expect(retried.filter((answer) => answer.replayed)).toHaveLength(survived);
    expect(new Set(retried.map((answer) => answer.body.id)).size).toBe(REQUESTS);
    expect(retried.map((answer) => answer.body.number).sort()).toEqual(SEQUENCE(REQUESTS));

    // The ledger balances, each pledge is owed what it was less what was applied to it, and the
    // audit chain holds across the crash.
    const trial = await get(
      restarted,
      '/api/v1/funds/WSIS-TF/trial-balance?asOf=2026-12-31',
      auditor,
    );
    expect(trial.balanced).toBe(true);
    expect(trial.totalDebit).toEqual(trial.totalCredit);
    for (let p = 0; p < PLEDGES; p += 1) {
      const pledge = await get(restarted, `/api/v1/pledges/${pledgeIds[p]}`, officer);
      const paid = BigInt(requests.filter((sent) => sent.pledge === p).length) * ALLOCATED_MINOR;
      expect(pledge.outstanding).toEqual({
        currency: 'CHF',
        amount: minorToAmount(PLEDGE_MINOR - paid),
      });
    }
    const verified = await get(restarted, '/api/v1/audit/verify', auditor);
    expect(verified).toMatchObject({ ok: true });
    expect(await restarted.stop('SIGTERM')).toBe(0);
    child = undefined;

    // And in the data: one whole receipt per key, nothing else.
    await storage.query(async (sql) => {
      expect(await wholeness(sql, acknowledged)).toBe(REQUESTS);
      const { rows } = await sql.query<{ pledge_id: string; allocated: string }>(
        `SELECT pledge_id, sum(pledge_amount_minor)::text AS allocated
           FROM receipt_allocation GROUP BY pledge_id`,
      );
      expect(Object.fromEntries(rows.map((row) => [row.pledge_id, row.allocated]))).toEqual(
        Object.fromEntries(
          pledgeIds.map((id, p) => [
            id,
            String(BigInt(requests.filter((sent) => sent.pledge === p).length) * ALLOCATED_MINOR),
          ]),
        ),
      );
    });
  }, 120_000);
});

/**
 * Checks in the data that every acknowledged receipt is there as the client was told, and that
 * every receipt there is whole: its balanced entry with all its lines, its allocation, its audit
 * record and its idempotency record with the answer; that nothing (entry, allocation, key) is
 * there without its receipt; and that the receipt numbers run without a gap. Returns how many
 * receipts there are.
 */
async function wholeness(sql: Client, acknowledged: Acknowledged[]): Promise<number> {
  const receipts = (
    await sql.query<{ id: string; number: string; entry_id: string }>(
      `SELECT id, number, entry_id FROM receipt ORDER BY number`,
    )
  ).rows;
  const stored = new Map(receipts.map((row) => [row.id, row]));
  expect(
    acknowledged.filter(
      (ack) =>
        stored.get(ack.id)?.number !== ack.number || stored.get(ack.id)?.entry_id !== ack.entryId,
    ),
  ).toEqual([]);
  expect(receipts.map((row) => row.number)).toEqual(SEQUENCE(receipts.length));

  // Each receipt's entry: there, balanced in every currency and in CHF, with all its lines.
  const entries = await sql.query<{ receipt: string; problem: string }>(
    `SELECT r.number AS receipt,
            CASE WHEN e.id IS NULL THEN 'no entry'
                 WHEN e.line_count <> (SELECT count(*) FROM journal_line l WHERE l.entry_id = e.id)
                   THEN 'lines missing'
                 WHEN (SELECT sum(functional_minor) FROM journal_line l WHERE l.entry_id = e.id) <> 0
                   THEN 'unbalanced'
                 WHEN EXISTS (SELECT 1 FROM journal_line l WHERE l.entry_id = e.id
                               GROUP BY l.currency HAVING sum(l.amount_minor) <> 0)
                   THEN 'unbalanced in a currency'
                 WHEN e.source_type <> 'receipt' OR e.source_ref <> r.id::text THEN 'not its entry'
            END AS problem
       FROM receipt r LEFT JOIN journal_entry e ON e.id = r.entry_id`,
  );
  expect(entries.rows.filter((row) => row.problem !== null)).toEqual([]);
  // Each receipt gave CHF 100.00 to a pledge, in one allocation, and has its audit record.
  const parts = await sql.query<{
    receipt: string;
    allocations: number;
    allocated: string;
    audits: number;
  }>(
    `SELECT r.number AS receipt,
            (SELECT count(*)::int FROM receipt_allocation a WHERE a.receipt_id = r.id) AS allocations,
            (SELECT COALESCE(sum(a.pledge_amount_minor), 0)::text FROM receipt_allocation a
              WHERE a.receipt_id = r.id) AS allocated,
            (SELECT count(*)::int FROM audit_log g WHERE g.entity_type = 'receipt'
               AND g.entity_id = r.id::text AND g.action = 'receipt.record') AS audits
       FROM receipt r`,
  );
  expect(
    parts.rows.filter(
      (row) =>
        row.allocations !== 1 || row.allocated !== String(ALLOCATED_MINOR) || row.audits !== 1,
    ),
  ).toEqual([]);
  // Nothing without its receipt: no entry, allocation, audit record or idempotency key alone.
  const [orphans] = (
    await sql.query<{ entries: number; allocations: number; audits: number; keys: number }>(
      `SELECT (SELECT count(*)::int FROM journal_entry e WHERE e.source_type = 'receipt'
                 AND NOT EXISTS (SELECT 1 FROM receipt r WHERE r.entry_id = e.id)) AS entries,
              (SELECT count(*)::int FROM receipt_allocation a
                WHERE NOT EXISTS (SELECT 1 FROM receipt r WHERE r.id = a.receipt_id)) AS allocations,
              (SELECT count(*)::int FROM audit_log g WHERE g.entity_type = 'receipt'
                 AND NOT EXISTS (SELECT 1 FROM receipt r WHERE r.id::text = g.entity_id)) AS audits,
              (SELECT count(*)::int FROM idempotency_record k
                WHERE k.key LIKE 'receipt-kill-%' AND (k.status_code IS DISTINCT FROM 201
                   OR NOT EXISTS (SELECT 1 FROM receipt r
                                   WHERE r.id::text = k.response_body->>'id'
                                     AND r.number = k.response_body->>'number'))) AS keys`,
    )
  ).rows;
  expect(orphans).toEqual({ entries: 0, allocations: 0, audits: 0, keys: 0 });
  // And each receipt has its key, with the answer its client was (or will be) given.
  const keys = await sql.query<{ n: number }>(
    `SELECT count(DISTINCT response_body->>'id')::int AS n FROM idempotency_record
      WHERE key LIKE 'receipt-kill-%'`,
  );
  expect(keys.rows[0].n).toBe(receipts.length);
  return receipts.length;
}

function minorToAmount(minor: bigint): string {
  return `${minor / 100n}.${String(minor % 100n).padStart(2, '0')}`;
}
