import { randomUUID } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { Role } from '../../src/auth/roles';
import { approve } from '../support/approvals';
import {
  fundEarmark,
  newEarmark as newEarmarkIn,
  requestGrant as requestGrantIn,
} from '../support/earmark-fixtures';
import { addBankAccount } from '../support/ledger-fixtures';
import { createTestApp, TestUsers } from '../support/test-app';
import {
  connect,
  createTestDatabase,
  TestDatabase,
  testEngine,
  untilLockWaiters,
} from '../support/test-database';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
type Body = Record<string, any>;
const onServer = testEngine() === 'postgres' ? it : it.skip;

/**
 * Reversing a receipt takes its money out of the earmarks it funded. An earmark's available
 * money (received − committed − spent) is never negative, and no grant stays attributed to money
 * that is no longer there: the reversal is refused when the earmark's grants would be left short,
 * and otherwise the grants' attribution moves to the earmark's other money.
 */
describe('receipt reversal and the earmark money grants are committed against', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  const auth: Record<string, { Authorization: string }> = {};
  const donors: Record<string, string> = {};

  const as = (user: string) => ({
    get: (url: string) => request(app.getHttpServer()).get(url).set(auth[user]),
    post: (url: string, body: object = {}) =>
      request(app.getHttpServer()).post(url).set(auth[user]).send(body),
  });

  const newEarmark = (): Promise<string> => newEarmarkIn(sql);
  const fund = (earmark: string, donor: string, gross: string, valueDate: string) =>
    fundEarmark(as('officer').post, { earmark, donorId: donors[donor], gross, valueDate });
  const requestGrant = (earmark: string, ticket: string): Promise<string> =>
    requestGrantIn(as('officer').post, sql, earmark, ticket);

  async function approveGrant(grantId: string): Promise<void> {
    const asked = await as('officer').post(`/api/v1/grants/${grantId}/approval`);
    expect(asked.status).toBe(202);
    expect((await approve(app, asked.body.id, auth.approver)).status).toBe(200);
  }

  const askReversal = (receipt: Body) =>
    as('officer').post(`/api/v1/receipts/${receipt.id}/reversal`, {
      date: '2026-06-15',
      reason: 'Recorded against the wrong donor',
    });

  async function earmarkMoney(earmark: string): Promise<Record<string, string>> {
    const res = await as('auditor').get(`/api/v1/funds/WSIS-TF/earmarks/${earmark}/available`);
    expect(res.status).toBe(200);
    return {
      received: res.body.received.amount,
      committed: res.body.committed.amount,
      spent: res.body.spent.amount,
      available: res.body.available.amount,
    };
  }

  /** What grants hold of each receipt's money, net, per receipt number ('' when nothing). */
  async function attributions(earmark: string): Promise<Record<string, string>> {
    const { rows } = await sql.query<{ number: string; amount: string }>(
      `SELECT r.number, sum(ga.amount_minor)::text AS amount
         FROM grant_attribution ga
         JOIN receipt_allocation ra ON ra.id = ga.receipt_allocation_id
         JOIN receipt r ON r.id = ra.receipt_id
         JOIN pledge p ON p.id = ra.pledge_id JOIN earmark e ON e.id = p.earmark_id
        WHERE e.code = $1 GROUP BY r.number ORDER BY r.number`,
      [earmark],
    );
    return Object.fromEntries(rows.map((row) => [row.number, row.amount]));
  }

  /** Everything a refused reversal must leave as it was. */
  async function snapshot(earmark: string, receipt: Body): Promise<Body> {
    const { rows } = await sql.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM journal_line)::text AS ledger_lines,
              (SELECT count(*) FROM receipt_allocation WHERE receipt_id = $1)::text AS allocations,
              (SELECT count(*) FROM receipt_event WHERE receipt_id = $1)::text AS events,
              (SELECT count(*) FROM grant_attribution)::text AS attribution_rows`,
      [receipt.id],
    );
    const now = await as('auditor').get(`/api/v1/receipts/${receipt.id}`);
    return {
      ...rows[0],
      status: now.body.status,
      money: await earmarkMoney(earmark),
      attributions: await attributions(earmark),
    };
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    await addBankAccount(db.url, { code: 'CHF-MAIN', currency: 'CHF', id: randomUUID() });
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    const users = new TestUsers(app);
    const roles: Record<string, Role[]> = {
      officer: ['finance_officer'],
      approver: ['approver'],
      auditor: ['auditor'],
    };
    for (const [name, held] of Object.entries(roles)) auth[name] = await users.auth(name, held);
    // Each test funds its earmark from donors of its own: a reversed receipt gives its pledge
    // its receivable back, which the donor's next receipt would otherwise pay first.
    for (const name of [
      'Sweden',
      'Japan',
      'Norway',
      'Korea',
      'Finland',
      'Chile',
      'Iceland',
      'Ghana',
    ]) {
      const { rows } = await sql.query<{ id: string }>(
        `INSERT INTO donor (name, normalized_name, type, created_by)
         VALUES ($1, lower($1), 'member_state', 'test') RETURNING id`,
        [name],
      );
      donors[name] = rows[0].id;
    }
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  it('refuses a reversal that would leave the earmark short of its grants, when asked and when approved, and changes nothing', async () => {
    const earmark = await newEarmark();
    const sweden = await fund(earmark, 'Sweden', '1000.00', '2026-03-02');
    const japan = await fund(earmark, 'Japan', '500.00', '2026-04-15');
    // Asked while nothing is committed: the earmark could then give the CHF 1,000 back.
    const early = await askReversal(sweden);
    expect(early.status).toBe(202);
    // Then a grant of CHF 1,200 is approved: Sweden's CHF 1,000 and 200 of Japan's pay for it.
    await approveGrant(await requestGrant(earmark, '1200.00'));
    expect(await earmarkMoney(earmark)).toEqual({
      received: '1500.00',
      committed: '1200.00',
      spent: '0.00',
      available: '300.00',
    });
    const before = await snapshot(earmark, sweden);
    expect(before.attributions).toEqual({ [sweden.number]: '100000', [japan.number]: '20000' });

    const reason =
      `reversing ${sweden.number} would leave earmark ${earmark} CHF 700.00 short of the ` +
      'grants committed against it; cancel or re-fund those grants first';
    const asked = await askReversal(sweden);
    expect(asked.status).toBe(422);
    expect(asked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(asked.body).toMatchObject({
      code: 'insufficient-funds',
      detail: `R${reason.slice(1)}.`,
      errors: [{ field: 'receipt', rule: 'earmarkStaysCovered', reason }],
    });
    // The reversal asked before the grant is checked again when approved, on the earmark as it is.
    const approved = await approve(app, early.body.id, auth.approver);
    expect(approved.status).toBe(422);
    expect(approved.body.errors).toEqual([
      { field: 'receipt', rule: 'earmarkStaysCovered', reason },
    ]);
    expect(await snapshot(earmark, sweden)).toEqual(before);
    expect(before).toMatchObject({ status: 'allocated', allocations: '1', events: '0' });
    const pending = await as('auditor').get(`/api/v1/approvals/${early.body.id}`);
    expect(pending.body.status).toBe('pending');
  });

  it('reverses a receipt the earmark’s other money covers, and moves the grant’s attribution to that money', async () => {
    const earmark = await newEarmark();
    const norway = await fund(earmark, 'Norway', '1000.00', '2026-03-02');
    const korea = await fund(earmark, 'Korea', '1000.00', '2026-04-15');
    const grant = await requestGrant(earmark, '600.00');
    await approveGrant(grant);
    expect(await attributions(earmark)).toEqual({ [norway.number]: '60000' });

    const asked = await askReversal(norway);
    expect(asked.status).toBe(202);
    const done = await approve(app, asked.body.id, auth.approver);
    expect(done.status).toBe(200);
    expect(done.body.result.status).toBe('reversed');
    expect(await earmarkMoney(earmark)).toEqual({
      received: '1000.00',
      committed: '600.00',
      spent: '0.00',
      available: '400.00',
    });
    // Nothing is left attributed to the reversed money; Korea's receipt now pays for the grant.
    expect(await attributions(earmark)).toEqual({ [norway.number]: '0', [korea.number]: '60000' });
    const shown = await as('auditor').get(`/api/v1/grants/${grant}`);
    expect(shown.body.attributions).toEqual([
      { donorId: donors.Korea, donorName: 'Korea', amount: { currency: 'CHF', amount: '600.00' } },
    ]);
  });

  it('lets one of a grant approval and a reversal through when together they would overdraw the earmark', async () => {
    const earmark = await newEarmark();
    const finland = await fund(earmark, 'Finland', '1000.00', '2026-03-02');
    await fund(earmark, 'Chile', '500.00', '2026-04-15');
    const reversal = await askReversal(finland);
    expect(reversal.status).toBe(202);
    const grant = await requestGrant(earmark, '1200.00');
    const approval = await as('officer').post(`/api/v1/grants/${grant}/approval`);
    expect(approval.status).toBe(202);
    // Each alone fits in the CHF 1,500 received; both would leave CHF 700 of the grant unfunded.
    const outcomes = await Promise.all([
      approve(app, reversal.body.id, auth.approver),
      approve(app, approval.body.id, auth.approver),
    ]);
    expect(outcomes.map((res) => res.status).sort()).toEqual([200, 422]);
    const money = await earmarkMoney(earmark);
    expect(money.available.startsWith('-')).toBe(false);
    expect(money).toEqual(
      outcomes[0].status === 200
        ? { received: '500.00', committed: '0.00', spent: '0.00', available: '500.00' }
        : { received: '1500.00', committed: '1200.00', spent: '0.00', available: '300.00' },
    );
  });

  onServer(
    'takes the lock grant approval takes on the earmark, so a reversal and an approval are checked one after the other (server only: holds the lock from a second connection)',
    async () => {
      const earmark = await newEarmark();
      const iceland = await fund(earmark, 'Iceland', '1000.00', '2026-03-02');
      await fund(earmark, 'Ghana', '500.00', '2026-04-15');
      const reversal = await askReversal(iceland);
      const approval = await as('officer').post(
        `/api/v1/grants/${await requestGrant(earmark, '1200.00')}/approval`,
      );
      expect([reversal.status, approval.status]).toEqual([202, 202]);
      const holder = await connect(db.url);
      const untilWaiting = (count: number): Promise<number> => untilLockWaiters(holder, count);
      try {
        await holder.query('BEGIN');
        await holder.query(`SELECT id FROM earmark WHERE code = $1 FOR UPDATE`, [earmark]);
        // The grant approval queues for the earmark first, then the reversal: when the lock is
        // let go, the approval commits CHF 1,200, and the reversal must see it. A reversal that
        // checked without the earmark's lock would have passed its check before the approval
        // committed, and both would go through.
        // (then(): supertest sends a request only once it is awaited.)
        const granted = approve(app, approval.body.id, auth.approver).then((res) => res);
        expect(await untilWaiting(1)).toBe(1);
        const reversed = approve(app, reversal.body.id, auth.approver).then((res) => res);
        expect(await untilWaiting(2)).toBe(2);
        await holder.query('COMMIT');
        const [grant, undo] = await Promise.all([granted, reversed]);
        expect(grant.status).toBe(200);
        expect(undo.status).toBe(422);
        expect(undo.body.errors[0].reason).toBe(
          `reversing ${iceland.number} would leave earmark ${earmark} CHF 700.00 short of the ` +
            'grants committed against it; cancel or re-fund those grants first',
        );
        expect(await earmarkMoney(earmark)).toEqual({
          received: '1500.00',
          committed: '1200.00',
          spent: '0.00',
          available: '300.00',
        });
      } finally {
        await holder.query('ROLLBACK').catch(() => undefined);
        await holder.end();
      }
    },
  );
});
