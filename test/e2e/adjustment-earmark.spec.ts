import { randomUUID } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { Role } from '../../src/auth/roles';
import { approve } from '../support/approvals';
import { fundEarmark, newEarmark as newEarmarkIn, requestGrant } from '../support/earmark-fixtures';
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
 * A manual adjustment debiting grant advances, grant expense or support costs (1200, 5000, 5400)
 * on an earmark spends that earmark's money. Its available money (received − committed − spent)
 * is never negative: the adjustment is refused when asked for and again when approved if it
 * would take more than is available, under the earmark lock grant approval takes.
 */
describe('manual adjustments and the earmark money grants are approved against', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  const auth: Record<string, { Authorization: string }> = {};

  const as = (user: string) => ({
    get: (url: string) => request(app.getHttpServer()).get(url).set(auth[user]),
    post: (url: string, body: object = {}) =>
      request(app.getHttpServer()).post(url).set(auth[user]).send(body),
  });

  const newEarmark = (): Promise<string> => newEarmarkIn(sql);

  /** A new donor's agreed pledge to the earmark, paid in full by one CHF receipt. */
  async function fund(earmark: string, gross: string): Promise<void> {
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO donor (name, normalized_name, type, created_by)
       VALUES ($1, lower($1), 'member_state', 'test') RETURNING id`,
      [`Donor ${randomUUID().slice(0, 8)}`],
    );
    await fundEarmark(as('officer').post, {
      earmark,
      donorId: rows[0].id,
      gross,
      valueDate: '2026-03-02',
    });
  }

  /** A partial-ticket grant for a participant from Senegal (an LDC), asked to be approved. */
  async function askGrantApproval(earmark: string, ticket: string): Promise<string> {
    const grantId = await requestGrant(as('officer').post, sql, earmark, ticket);
    const asked = await as('officer').post(`/api/v1/grants/${grantId}/approval`);
    expect(asked.status).toBe(202);
    return asked.body.id as string;
  }

  /**
   * Grant expense (or another spent account) booked on the earmark against suspense: the
   * earmark's money spent. The earmarked line is the second, to show that the refusal names it.
   */
  const expense = (earmark: string, amount: string, account = '5000') => ({
    date: '2026-06-15',
    description: `Ticket paid outside the grant workflow (${earmark})`,
    lines: [
      { account: '2300', currency: 'CHF', debit: '0.01' },
      { account, earmark, currency: 'CHF', debit: amount },
      { account: '2300', currency: 'CHF', credit: amount },
      { account: '2300', currency: 'CHF', credit: '0.01' },
    ],
  });

  const askAdjustment = (body: object) =>
    as('officer').post('/api/v1/funds/WSIS-TF/journal-entries', body);

  const shortReason = (earmark: string, short: string, taken: string, available: string) =>
    `the adjustment would leave earmark ${earmark} CHF ${short} short: it takes CHF ${taken} ` +
    `of the CHF ${available} available`;

  async function available(earmark: string): Promise<string> {
    const res = await as('auditor').get(`/api/v1/funds/WSIS-TF/earmarks/${earmark}/available`);
    expect(res.status).toBe(200);
    return res.body.available.amount as string;
  }

  /** Everything a refused adjustment must leave as it was. */
  async function snapshot(earmark: string): Promise<Body> {
    const { rows } = await sql.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM journal_entry)::text AS entries,
              (SELECT count(*) FROM journal_line)::text AS lines,
              (SELECT count(*) FROM approval_request)::text AS approvals,
              (SELECT count(*) FROM audit_log)::text AS audit,
              (SELECT count(*) FROM grant_commitment)::text AS commitments`,
    );
    return { ...rows[0], available: await available(earmark) };
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
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  it('refuses, when asked, an adjustment that would leave the earmark’s available money negative, and writes nothing', async () => {
    const earmark = await newEarmark();
    await fund(earmark, '1000.00');
    expect(
      await approve(app, await askGrantApproval(earmark, '700.00'), auth.approver),
    ).toMatchObject({ status: 200 });
    expect(await available(earmark)).toBe('300.00');
    const before = await snapshot(earmark);

    const reason = shortReason(earmark, '200.00', '500.00', '300.00');
    const asked = await askAdjustment(expense(earmark, '500.00'));
    expect(asked.status).toBe(422);
    expect(asked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(asked.body).toMatchObject({
      code: 'insufficient-funds',
      detail: `T${reason.slice(1)}.`,
      errors: [{ field: 'lines[1].earmark', rule: 'earmarkStaysCovered', reason }],
      shortfalls: [{ earmark, short: { currency: 'CHF', amount: '200.00' } }],
    });
    // Support costs on the earmark spend its money just the same.
    const support = await askAdjustment(expense(earmark, '300.01', '5400'));
    expect(support.status).toBe(422);
    expect(support.body.errors[0].reason).toBe(shortReason(earmark, '0.01', '300.01', '300.00'));
    expect(await snapshot(earmark)).toEqual(before);
  });

  it('passes an adjustment that fits, which lowers available by exactly its amount, and one that gives money back', async () => {
    const earmark = await newEarmark();
    await fund(earmark, '1000.00');
    const asked = await askAdjustment(expense(earmark, '1000.00', '1200'));
    expect(asked.status).toBe(202);
    expect(await available(earmark)).toBe('1000.00');
    const posted = await approve(app, asked.body.id, auth.approver);
    expect(posted.status).toBe(200);
    expect(posted.body.status).toBe('executed');
    expect(await available(earmark)).toBe('0.00');

    // Crediting grant expense raises what is available: not held up, even with nothing left.
    const refund = await askAdjustment({
      date: '2026-06-20',
      description: 'Ticket refunded by the airline',
      lines: [
        { account: '2300', currency: 'CHF', debit: '120.00' },
        { account: '5000', earmark, currency: 'CHF', credit: '120.00' },
      ],
    });
    expect(refund.status).toBe(202);
    expect((await approve(app, refund.body.id, auth.approver)).status).toBe(200);
    expect(await available(earmark)).toBe('120.00');
  });

  it('refuses to reverse an adjustment that gave money back once a grant has used that money', async () => {
    const earmark = await newEarmark();
    await fund(earmark, '1000.00');
    const refund = await askAdjustment({
      date: '2026-06-20',
      description: 'Ticket refunded by the airline',
      lines: [
        { account: '2300', currency: 'CHF', debit: '300.00' },
        { account: '5000', earmark, currency: 'CHF', credit: '300.00' },
      ],
    });
    const posted = await approve(app, refund.body.id, auth.approver);
    expect(posted.status).toBe(200);
    const entryId = posted.body.result.id as string;
    expect(await available(earmark)).toBe('1300.00');
    expect(
      await approve(app, await askGrantApproval(earmark, '1200.00'), auth.approver),
    ).toMatchObject({ status: 200 });
    const before = await snapshot(earmark);
    expect(before.available).toBe('100.00');

    const reversal = await as('officer').post(`/api/v1/journal-entries/${entryId}/reversal`, {
      reason: 'The airline took the refund back',
    });
    expect(reversal.status).toBe(422);
    expect(reversal.body).toMatchObject({
      code: 'insufficient-funds',
      errors: [
        {
          field: 'lines[1].earmark',
          rule: 'earmarkStaysCovered',
          reason:
            `the reversal would leave earmark ${earmark} CHF 200.00 short: it takes CHF 300.00 ` +
            'of the CHF 100.00 available',
        },
      ],
    });
    expect(await snapshot(earmark)).toEqual(before);
  });

  it('checks again when approved: a grant approved in between used the money, so the adjustment is refused', async () => {
    const earmark = await newEarmark();
    await fund(earmark, '1000.00');
    const adjustment = await askAdjustment(expense(earmark, '600.00'));
    expect(adjustment.status).toBe(202);
    // Asking for the adjustment commits nothing: the grant can still take CHF 700.
    expect(await available(earmark)).toBe('1000.00');
    const granted = await approve(app, await askGrantApproval(earmark, '700.00'), auth.approver);
    expect(granted.status).toBe(200);
    const before = await snapshot(earmark);
    expect(before.available).toBe('300.00');

    const refused = await approve(app, adjustment.body.id, auth.approver);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      code: 'insufficient-funds',
      errors: [
        {
          field: 'lines[1].earmark',
          rule: 'earmarkStaysCovered',
          reason: shortReason(earmark, '300.00', '600.00', '300.00'),
        },
      ],
    });
    expect(await snapshot(earmark)).toEqual(before);
    const pending = await as('auditor').get(`/api/v1/approvals/${adjustment.body.id}`);
    expect(pending.body.status).toBe('pending');
  });

  it('lets one of an adjustment’s approval and a grant approval through when together they would overdraw the earmark', async () => {
    const earmark = await newEarmark();
    await fund(earmark, '1000.00');
    const adjustment = await askAdjustment(expense(earmark, '600.00'));
    expect(adjustment.status).toBe(202);
    const grant = await askGrantApproval(earmark, '700.00');
    // Each alone fits in the CHF 1,000 received; together they would leave it CHF 300 short.
    const outcomes = await Promise.all([
      approve(app, adjustment.body.id, auth.approver),
      approve(app, grant, auth.approver),
    ]);
    expect(outcomes.map((res) => res.status).sort()).toEqual([200, 422]);
    expect(outcomes.find((res) => res.status === 422)?.body.code).toBe('insufficient-funds');
    expect(await available(earmark)).toBe(outcomes[0].status === 200 ? '400.00' : '300.00');
  });

  onServer(
    'takes the lock grant approval takes on the earmark, so an adjustment and a grant approval are checked one after the other (server only: holds the lock from a second connection)',
    async () => {
      const earmark = await newEarmark();
      await fund(earmark, '1000.00');
      const adjustment = await askAdjustment(expense(earmark, '600.00'));
      expect(adjustment.status).toBe(202);
      const grant = await askGrantApproval(earmark, '700.00');
      const holder = await connect(db.url);
      const untilWaiting = (count: number): Promise<number> => untilLockWaiters(holder, count);
      try {
        await holder.query('BEGIN');
        await holder.query(`SELECT id FROM earmark WHERE code = $1 FOR UPDATE`, [earmark]);
        // The grant approval queues for the earmark first, then the adjustment: once the lock is
        // let go the grant commits CHF 700, and the adjustment's check must see it. Checked
        // without the earmark's lock, the adjustment would have passed before the grant committed.
        // (then(): supertest sends a request only once it is awaited.)
        const granted = approve(app, grant, auth.approver).then((res) => res);
        expect(await untilWaiting(1)).toBe(1);
        const adjusted = approve(app, adjustment.body.id, auth.approver).then((res) => res);
        expect(await untilWaiting(2)).toBe(2);
        await holder.query('COMMIT');
        const [first, second] = await Promise.all([granted, adjusted]);
        expect(first.status).toBe(200);
        expect(second.status).toBe(422);
        expect(second.body.errors[0].reason).toBe(
          shortReason(earmark, '300.00', '600.00', '300.00'),
        );
        expect(await available(earmark)).toBe('300.00');
      } finally {
        await holder.query('ROLLBACK').catch(() => undefined);
        await holder.end();
      }
    },
  );
});
