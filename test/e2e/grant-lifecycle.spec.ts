import { randomUUID } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { Role } from '../../src/auth/roles';
import { todayUtc } from '../../src/common/calendar-date';
import { approve } from '../support/approvals';
import { addBankAccount } from '../support/ledger-fixtures';
import { createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase, testEngine } from '../support/test-database';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
type Body = Record<string, any>;

/** Approval is dated the day it happens, so every later step of these grants is dated today. */
const TODAY = todayUtc();
const EARMARK = 'PARTICIPATION-GRANTS';
const onServer = testEngine() === 'postgres' ? it : it.skip;

/** "CHF" amounts as minor units and back, for sums the tests expect. */
const minor = (amount: string): bigint => BigInt(amount.replace('.', ''));
const chf = (value: bigint): string => {
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
};

describe('participation grants after approval: disbursement, settlement, cancellation', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  const auth: Record<string, { Authorization: string }> = {};
  const donors: Record<string, string> = {};

  const as = (user: string) => ({
    get: (url: string) => request(app.getHttpServer()).get(url).set(auth[user]),
    post: (url: string, body: object = {}) =>
      request(app.getHttpServer()).post(url).set(auth[user]).send(body),
    put: (url: string, body: object = {}) =>
      request(app.getHttpServer()).put(url).set(auth[user]).send(body),
  });

  async function newEvent(): Promise<string> {
    const code = `EV-${randomUUID().slice(0, 8).toUpperCase()}`;
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO grant_event (fund_id, earmark_id, code, name, place, starts_on, ends_on,
         budget_minor, eligibility_rule, offers_full, offers_partial_ticket,
         offers_partial_allowance, offers_remote, remote_amount_minor, created_by)
       SELECT f.id, e.id, $1, 'WSIS Forum', 'Geneva', '2026-07-07', '2026-07-11',
              10000000, 'ldc-and-developing', true, true, true, false, NULL, 'test'
         FROM fund f JOIN earmark e ON e.fund_id = f.id AND e.code = $2
        WHERE f.code = 'WSIS-TF' RETURNING grant_event.id`,
      [code, EARMARK],
    );
    return rows[0].id;
  }

  async function newParticipant(country: string): Promise<string> {
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO participant (name, normalized_name, gender, country, organisation,
         stakeholder_group, created_by)
       VALUES ($1, lower($1), 'female', $2, 'Ministry of ICT', 'government', 'test') RETURNING id`,
      [`Participant ${randomUUID().slice(0, 8)}`, country],
    );
    return rows[0].id;
  }

  /** A full grant (ticket + allowance) for an Ethiopian participant, requested by the officer. */
  async function requestedGrant(ticket: string, allowance: string): Promise<Body> {
    const res = await as('officer').post('/api/v1/grants', {
      eventId: await newEvent(),
      participantId: await newParticipant('ET'),
      kind: 'full',
      ticket,
      allowance,
      decisionDate: '2026-06-01',
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  /** Requested by the officer, approved by a different user holding the approver role. */
  async function approvedGrant(ticket: string, allowance: string): Promise<Body> {
    const grant = await requestedGrant(ticket, allowance);
    const asked = await as('officer').post(`/api/v1/grants/${grant.id}/approval`);
    expect(asked.status).toBe(202);
    const approved = await approve(app, asked.body.id, auth.approver);
    expect(approved.status).toBe(200);
    expect(approved.body.result.status).toBe('approved');
    return approved.body.result;
  }

  async function disbursed(ticket: string, allowance: string, amount?: string): Promise<Body> {
    const grant = await approvedGrant(ticket, allowance);
    const res = await as('officer').post(`/api/v1/grants/${grant.id}/disbursement`, {
      date: TODAY,
      bankAccount: 'CHF-MAIN',
      ...(amount === undefined ? {} : { amount }),
    });
    expect(res.status).toBe(200);
    return res.body;
  }

  /** received, committed, spent, available of the earmark, as CHF strings. */
  async function earmark(): Promise<Record<string, string>> {
    const res = await as('officer').get(`/api/v1/funds/WSIS-TF/earmarks/${EARMARK}/available`);
    expect(res.status).toBe(200);
    return Object.fromEntries(
      ['received', 'committed', 'spent', 'available'].map((key) => [key, res.body[key].amount]),
    );
  }

  /** Debit-positive CHF balance of an account of WSIS-TF. */
  async function balance(account: string): Promise<bigint> {
    const res = await as('officer').get(`/api/v1/funds/WSIS-TF/accounts/${account}/balance`);
    expect(res.status).toBe(200);
    return minor(res.body.functional.amount as string);
  }

  /** An entry's lines as "Dr 1200 2000.00 PARTICIPATION-GRANTS", in line order. */
  const linesOf = (entry: Body): string[] =>
    (entry.lines as Body[]).map((line) =>
      [
        line.debit === null ? 'Cr' : 'Dr',
        line.account.code,
        (line.debit ?? line.credit).amount,
        line.earmark ?? (line.bankAccountId === null ? '-' : 'bank'),
      ].join(' '),
    );

  async function commitments(grantId: string): Promise<string[]> {
    const { rows } = await sql.query<{ cause: string; amount: string }>(
      `SELECT cause, amount_minor::text AS amount FROM grant_commitment WHERE grant_id = $1 ORDER BY id`,
      [grantId],
    );
    return rows.map((row) => `${row.cause} ${chf(BigInt(row.amount))}`);
  }

  async function attributed(grantId: string): Promise<string> {
    const { rows } = await sql.query<{ total: string }>(
      `SELECT coalesce(sum(amount_minor), 0)::text AS total FROM grant_attribution WHERE grant_id = $1`,
      [grantId],
    );
    return chf(BigInt(rows[0].total));
  }

  async function counts(): Promise<Record<string, number>> {
    const { rows } = await sql.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM journal_entry) AS entries,
              (SELECT count(*) FROM grant_step) AS steps,
              (SELECT count(*) FROM grant_commitment) AS commitments,
              (SELECT count(*) FROM grant_attribution) AS attributions,
              (SELECT count(*) FROM approval_request) AS approvals`,
    );
    return Object.fromEntries(Object.entries(rows[0]).map(([key, value]) => [key, Number(value)]));
  }

  /** A donor's earmarked CHF pledge, agreed, paid by one receipt allocated to it. */
  async function fund(donor: string, amount: string, valueDate: string): Promise<void> {
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO donor (name, normalized_name, type, created_by)
       VALUES ($1, lower($1), 'member_state', 'test') RETURNING id`,
      [donor],
    );
    donors[donor] = rows[0].id;
    const pledge = await as('officer').post('/api/v1/pledges', {
      fund: 'WSIS-TF',
      donorId: donors[donor],
      earmark: EARMARK,
      currency: 'CHF',
      amount,
      announcedOn: '2026-01-10',
      instalments: [{ dueDate: '2026-06-30', amount }],
    });
    expect(pledge.status).toBe(201);
    const agreed = await as('officer').post(`/api/v1/pledges/${pledge.body.id}/agreement`, {
      agreedOn: '2026-01-20',
      documentRef: `AGR-${randomUUID().slice(0, 8)}`,
    });
    expect(agreed.status).toBe(200);
    const receipt = await as('officer').post('/api/v1/receipts', {
      bankAccount: 'CHF-MAIN',
      valueDate,
      currency: 'CHF',
      grossAmount: amount,
      donorId: donors[donor],
      allocation: 'auto',
    });
    expect(receipt.status).toBe(201);
    expect(receipt.body.status).toBe('allocated');
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
      admin: ['admin'],
    };
    for (const [name, held] of Object.entries(roles)) auth[name] = await users.auth(name, held);
    const rate = await as('officer').post('/api/v1/exchange-rates', {
      currency: 'CHF',
      effectiveFrom: '2025-01-01',
      unitsPerUsd: '0.90',
    });
    expect(rate.status).toBe(201);
    // Sweden paid first, Japan later: attribution takes Sweden's money first.
    await fund('Sweden', '12000.00', '2026-03-02');
    await fund('Japan', '8000.00', '2026-04-15');
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  it('pays the advance: Dr 1200 grant advances / Cr 1000 cash, the commitment consumed, available unchanged', async () => {
    const grant = await approvedGrant('1200.00', '800.00');
    expect(grant.committed.amount).toBe('2000.00');
    const before = await earmark();
    const cashBefore = await balance('1000');

    const key = randomUUID();
    const res = await as('officer')
      .post(`/api/v1/grants/${grant.id}/disbursement`, { date: TODAY, bankAccount: 'CHF-MAIN' })
      .set('Idempotency-Key', key);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'disbursed', committed: { amount: '0.00' } });
    const entry = (res.body.entries as Body[]).at(-1) as Body;
    expect(entry.source.type).toBe('grant-disbursement');
    expect(linesOf(entry)).toEqual([`Dr 1200 2000.00 ${EARMARK}`, 'Cr 1000 2000.00 bank']);
    expect((res.body.steps as Body[]).map((step) => [step.kind, step.amount?.amount])).toEqual([
      ['requested', '2000.00'],
      ['approved', '2000.00'],
      ['disbursed', '2000.00'],
    ]);
    expect(await commitments(grant.id)).toEqual(['approved 2000.00', 'disbursed -2000.00']);

    // The commitment became an advance: committed down, spent up, available the same.
    const after = await earmark();
    expect(after.available).toBe(before.available);
    expect(minor(after.committed)).toBe(minor(before.committed) - 200000n);
    expect(minor(after.spent)).toBe(minor(before.spent) + 200000n);
    expect(await balance('1000')).toBe(cashBefore - 200000n);

    // The same request again is answered with the same result; a new one is refused.
    const replay = await as('officer')
      .post(`/api/v1/grants/${grant.id}/disbursement`, { date: TODAY, bankAccount: 'CHF-MAIN' })
      .set('Idempotency-Key', key);
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const again = await as('officer').post(`/api/v1/grants/${grant.id}/disbursement`, {
      date: TODAY,
      bankAccount: 'CHF-MAIN',
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('grant-state');
    expect(await balance('1000')).toBe(cashBefore - 200000n);
  });

  onServer(
    'pays a grant once when two officers disburse it at the same time (server only: the embedded database runs one transaction at a time)',
    async () => {
      const grant = await approvedGrant('450.00', '250.00');
      const attempts = await Promise.all(
        [1, 2].map(() =>
          as('officer').post(`/api/v1/grants/${grant.id}/disbursement`, {
            date: TODAY,
            bankAccount: 'CHF-MAIN',
          }),
        ),
      );
      expect(attempts.map((res) => res.status).sort()).toEqual([200, 409]);
      const { rows } = await sql.query(
        `SELECT 1 FROM journal_entry WHERE source_type = 'grant-disbursement' AND source_ref = $1`,
        [grant.id],
      );
      expect(rows).toHaveLength(1);
      expect(await commitments(grant.id)).toEqual(['approved 700.00', 'disbursed -700.00']);
    },
  );

  it('refuses to pay a grant that is not approved (409) and bad disbursements (422), writing nothing', async () => {
    const requested = await requestedGrant('700.00', '300.00');
    const before = await counts();
    const unapproved = await as('officer').post(`/api/v1/grants/${requested.id}/disbursement`, {
      date: TODAY,
      bankAccount: 'CHF-MAIN',
    });
    expect(unapproved.status).toBe(409);
    expect(unapproved.body.code).toBe('grant-state');
    expect(unapproved.body.detail).toContain('is requested');

    const grant = await approvedGrant('700.00', '300.00');
    const middle = await counts();
    const refused = await as('officer').post(`/api/v1/grants/${grant.id}/disbursement`, {
      date: '2026-01-05',
      bankAccount: 'NO-SUCH-BANK',
      amount: '1000.01',
    });
    expect(refused.status).toBe(422);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(
      (refused.body.errors as Body[]).map((error) => `${error.field} ${error.rule}`).sort(),
    ).toEqual(['amount notMoreThanCommitted', 'bankAccount exists', 'date notBeforeLastStep']);
    const future = await as('officer').post(`/api/v1/grants/${grant.id}/disbursement`, {
      date: '2999-01-01',
      bankAccount: 'CHF-MAIN',
    });
    expect(future.status).toBe(422);
    expect(future.body.errors[0]).toMatchObject({ field: 'date', rule: 'notInFuture' });
    expect(await counts()).toEqual(middle);
    expect(middle.entries).toBe(before.entries);
  });

  it('settles below the advance: expense at the actual cost, the unspent money back to the bank and to the earmark', async () => {
    // Approved 2,000; 1,800 advanced (200 still committed); it cost 1,500.
    const grant = await disbursed('1200.00', '800.00', '1800.00');
    expect(grant.committed.amount).toBe('200.00');
    const stepsBefore = grant.steps as Body[];
    const before = await earmark();
    const cashBefore = await balance('1000');

    const noBank = await as('officer').post(`/api/v1/grants/${grant.id}/settlement`, {
      date: TODAY,
      actualCost: '1500.00',
    });
    expect(noBank.status).toBe(422);
    expect(noBank.body.errors[0]).toMatchObject({ field: 'bankAccount', rule: 'required' });

    const res = await as('officer').post(`/api/v1/grants/${grant.id}/settlement`, {
      date: TODAY,
      actualCost: '1500.00',
      bankAccount: 'CHF-MAIN',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'settled', committed: { amount: '0.00' } });
    const entry = (res.body.entries as Body[]).at(-1) as Body;
    expect(entry.source.type).toBe('grant-settlement');
    expect(linesOf(entry)).toEqual([
      `Dr 5000 1500.00 ${EARMARK}`,
      'Dr 1000 300.00 bank',
      `Cr 1200 1800.00 ${EARMARK}`,
    ]);
    expect(await commitments(grant.id)).toEqual([
      'approved 2000.00',
      'disbursed -1800.00',
      'settled -200.00',
    ]);

    // The 500 not spent of what was approved is available again; 300 came back to the bank.
    const after = await earmark();
    expect(minor(after.available)).toBe(minor(before.available) + 50000n);
    expect(await balance('1000')).toBe(cashBefore + 30000n);
    // Donors are told of the actual cost only.
    expect(await attributed(grant.id)).toBe('1500.00');

    // Steps are appended: the earlier ones are exactly as they were, and cannot be rewritten.
    const steps = res.body.steps as Body[];
    expect(steps.slice(0, 3)).toEqual(stepsBefore);
    expect(steps.map((step) => step.kind)).toEqual([
      'requested',
      'approved',
      'disbursed',
      'settled',
    ]);
    expect(steps[3].amount.amount).toBe('1500.00');
    await expect(
      sql.query(`UPDATE grant_step SET amount_minor = 1 WHERE grant_id = $1`, [grant.id]),
    ).rejects.toThrow(/never rewritten/);
    const twice = await as('officer').post(`/api/v1/grants/${grant.id}/settlement`, {
      date: TODAY,
      actualCost: '1500.00',
      bankAccount: 'CHF-MAIN',
    });
    expect(twice.status).toBe(409);
  });

  it("charges the fund's support-cost rate on the actual cost, on 5400/2400 apart from the direct cost", async () => {
    const officerTries = await as('officer').put('/api/v1/funds/WSIS-TF/support-cost-rate', {
      rate: '0.07',
      reason: 'Council decision',
    });
    expect(officerTries.status).toBe(403);
    const badRate = await as('admin').put('/api/v1/funds/WSIS-TF/support-cost-rate', {
      rate: '1.5',
      reason: 'Council decision',
    });
    expect(badRate.status).toBe(422);
    expect(badRate.body.errors[0]).toMatchObject({ field: 'rate' });
    const set = await as('admin').put('/api/v1/funds/WSIS-TF/support-cost-rate', {
      rate: '0.07',
      reason: 'Council decision 2026/12: 7% programme support costs',
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      fund: 'WSIS-TF',
      supportCostRate: '0.0700',
      previousRate: '0.0000',
    });
    const audit = await as('admin').get(
      '/api/v1/audit?entityType=fund&entityId=WSIS-TF&action=fund.support-cost-rate',
    );
    expect(audit.body).toEqual([
      expect.objectContaining({
        actor: expect.any(String),
        before: { supportCostRate: '0.0000' },
        after: { supportCostRate: '0.0700', reason: expect.stringContaining('Council') },
      }),
    ]);

    const grant = await disbursed('900.00', '400.00');
    const before = await earmark();
    const [supportBefore, payableBefore, expenseBefore] = [
      await balance('5400'),
      await balance('2400'),
      await balance('5000'),
    ];
    // 7% of 1,235.50 is 86.485: half-even to the cent gives 86.48 (half-up would give 86.49).
    const res = await as('officer').post(`/api/v1/grants/${grant.id}/settlement`, {
      date: TODAY,
      actualCost: '1,235.50',
      bankAccount: 'CHF-MAIN',
    });
    expect(res.status).toBe(200);
    const entry = (res.body.entries as Body[]).at(-1) as Body;
    expect(linesOf(entry)).toEqual([
      `Dr 5000 1235.50 ${EARMARK}`,
      'Dr 1000 64.50 bank',
      `Cr 1200 1300.00 ${EARMARK}`,
      `Dr 5400 86.48 ${EARMARK}`,
      'Cr 2400 86.48 -',
    ]);
    expect(entry.description).toContain('support costs 7.00% CHF 86.48');
    expect(await balance('5400')).toBe(supportBefore + 8648n);
    expect(await balance('2400')).toBe(payableBefore - 8648n);
    expect(await balance('5000')).toBe(expenseBefore + 123550n);
    // The earmark bears both; donors are attributed the direct cost only.
    const after = await earmark();
    expect(minor(after.available)).toBe(minor(before.available) + 130000n - 123550n - 8648n);
    expect(await attributed(grant.id)).toBe('1235.50');

    const reset = await as('admin').put('/api/v1/funds/WSIS-TF/support-cost-rate', {
      rate: '0',
      reason: 'Back to no support costs for the next tests',
    });
    expect(reset.body).toMatchObject({ supportCostRate: '0.0000', previousRate: '0.0700' });
  });

  it('settles an overspend only once a second person approves it, within what the earmark has available', async () => {
    const grant = await disbursed('600.00', '400.00');
    const before = await earmark();
    const counted = await counts();
    const asked = await as('officer').post(`/api/v1/grants/${grant.id}/settlement`, {
      date: TODAY,
      actualCost: '1100.00',
      reason: 'Ticket re-issued after a cancelled flight',
    });
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ kind: 'grant.overspend', status: 'pending' });
    expect(asked.body.summary).toContain('CHF 100.00 over the advance of CHF 1000.00');
    expect((await as('officer').get(`/api/v1/grants/${grant.id}`)).body.status).toBe('disbursed');
    expect((await counts()).entries).toBe(counted.entries);

    const approved = await approve(app, asked.body.id, auth.approver);
    expect(approved.status).toBe(200);
    const settled = approved.body.result as Body;
    expect(settled.status).toBe('settled');
    const entry = (settled.entries as Body[]).at(-1) as Body;
    expect(linesOf(entry)).toEqual([
      `Dr 5000 1100.00 ${EARMARK}`,
      `Cr 1200 1000.00 ${EARMARK}`,
      `Cr 2200 100.00 ${EARMARK}`,
    ]);
    const step = (settled.steps as Body[]).at(-1) as Body;
    expect(step).toMatchObject({ kind: 'settled', approvalId: asked.body.id, actor: 'officer' });
    expect(step.amount.amount).toBe('1100.00');
    expect(minor((await earmark()).available)).toBe(minor(before.available) - 10000n);
    expect(await attributed(grant.id)).toBe('1100.00');

    // Paid from the bank instead of owed: the difference is credited to cash.
    const paid = await disbursed('500.00', '500.00');
    const cashBefore = await balance('1000');
    const outcome = await as('officer').post(`/api/v1/grants/${paid.id}/settlement`, {
      date: TODAY,
      actualCost: '1050.00',
      bankAccount: 'CHF-MAIN',
    });
    expect(outcome.status).toBe(202);
    const paidOut = await approve(app, outcome.body.id, auth.approver);
    expect(paidOut.status).toBe(200);
    expect(linesOf((paidOut.body.result.entries as Body[]).at(-1) as Body)).toEqual([
      `Dr 5000 1050.00 ${EARMARK}`,
      `Cr 1200 1000.00 ${EARMARK}`,
      'Cr 1000 50.00 bank',
    ]);
    expect(await balance('1000')).toBe(cashBefore - 5000n);

    // More than the earmark has available: refused with the amount available, nothing asked.
    const big = await disbursed('300.00', '200.00');
    const available = minor((await earmark()).available);
    const none = await counts();
    const refused = await as('officer').post(`/api/v1/grants/${big.id}/settlement`, {
      date: TODAY,
      actualCost: chf(50000n + available + 1n),
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      code: 'insufficient-funds',
      available: `CHF ${chf(available)}`,
    });
    expect(refused.body.errors[0]).toMatchObject({ field: 'actualCost', rule: 'withinAvailable' });
    expect(await counts()).toEqual(none);
  });

  it('cancels a grant not yet paid: the commitment and the attribution released; a paid one cannot be', async () => {
    const grant = await approvedGrant('600.00', '300.00');
    expect(await attributed(grant.id)).toBe('900.00');
    const before = await earmark();
    const res = await as('officer').post(`/api/v1/grants/${grant.id}/cancellation`, {
      date: TODAY,
      reason: 'The participant could not obtain a visa',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'cancelled', committed: { amount: '0.00' } });
    expect(res.body.attributions).toEqual([]);
    expect(res.body.entries).toEqual([]);
    expect((res.body.steps as Body[]).at(-1)).toMatchObject({
      kind: 'cancelled',
      reason: 'The participant could not obtain a visa',
    });
    expect(await commitments(grant.id)).toEqual(['approved 900.00', 'cancelled -900.00']);
    expect(await attributed(grant.id)).toBe('0.00');
    const after = await earmark();
    expect(minor(after.available)).toBe(minor(before.available) + 90000n);
    expect(minor(after.committed)).toBe(minor(before.committed) - 90000n);

    const pay = await as('officer').post(`/api/v1/grants/${grant.id}/disbursement`, {
      date: TODAY,
      bankAccount: 'CHF-MAIN',
    });
    expect(pay.status).toBe(409);

    // A grant only requested just gets its step.
    const requested = await requestedGrant('500.00', '250.00');
    const cancelled = await as('officer').post(`/api/v1/grants/${requested.id}/cancellation`, {
      date: TODAY,
      reason: 'Withdrawn by the participant',
    });
    expect(cancelled.status).toBe(200);
    expect((cancelled.body.steps as Body[]).map((step) => step.kind)).toEqual([
      'requested',
      'cancelled',
    ]);
    expect(await commitments(requested.id)).toEqual([]);

    const paid = await disbursed('400.00', '100.00');
    const refused = await as('officer').post(`/api/v1/grants/${paid.id}/cancellation`, {
      date: TODAY,
      reason: 'Too late',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('grant-state');
    const noReason = await as('officer').post(`/api/v1/grants/${requested.id}/cancellation`, {
      date: TODAY,
    });
    expect(noReason.status).toBe(422);
  });
});
