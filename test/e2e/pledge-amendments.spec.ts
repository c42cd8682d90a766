import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { Role } from '../../src/auth/roles';
import { PledgeAmendmentsService } from '../../src/pledges/pledge-amendments.service';
import { approve, postAdjustment } from '../support/approvals';
import { addBankAccount, BANK_ACCOUNT } from '../support/ledger-fixtures';
import { createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

type Auth = { Authorization: string };
type Body = Record<string, unknown>;
type Line = { account: string; debit: Body | null; credit: Body | null; functional: Body };

describe(PledgeAmendmentsService.name, () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  const auth: Record<string, Auth> = {};
  let donorId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    await addBankAccount(db.url);
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO donor (name, normalized_name, type, created_by)
       VALUES ('Switzerland', 'switzerland', 'member_state', 'test') RETURNING id`,
    );
    donorId = rows[0].id;
    const users = new TestUsers(app);
    const roles: Record<string, Role[]> = {
      'officer.a': ['finance_officer'],
      'approver.a': ['approver'],
      'auditor.a': ['auditor'],
    };
    for (const [name, held] of Object.entries(roles)) auth[name] = await users.auth(name, held);
    // UN operational rates, units per USD: the CHF rate changes on 1 March.
    for (const [currency, effectiveFrom, unitsPerUsd] of [
      ['CHF', '2025-01-01', '0.8000'],
      ['CHF', '2026-03-01', '0.9000'],
    ]) {
      const res = await post('/api/v1/exchange-rates').send({
        currency,
        effectiveFrom,
        unitsPerUsd,
      });
      expect(res.status).toBe(201);
    }
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  const post = (url: string, who = 'officer.a') =>
    request(app.getHttpServer()).post(url).set(auth[who]);
  const count = async (table: string): Promise<number> =>
    (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
  const counts = async () => ({
    pledges: await count('pledge'),
    instalments: await count('pledge_instalment'),
    amendments: await count('pledge_amendment'),
    events: await count('pledge_event'),
    entries: await count('journal_entry'),
    lines: await count('journal_line'),
    audit: await count('audit_log'),
    schedules: (
      await sql.query<{ s: string }>(
        `SELECT string_agg(pledge_id || ':' || seq || ':' || due_date || ':' || amount_minor, ','
                           ORDER BY pledge_id, seq) AS s FROM pledge_instalment`,
      )
    ).rows[0].s,
  });

  const createPledge = async (overrides: Body = {}): Promise<Body> => {
    const res = await post('/api/v1/pledges').send({
      fund: 'WSIS-TF',
      donorId,
      currency: 'CHF',
      amount: '300.00',
      announcedOn: '2026-01-15',
      instalments: [
        { dueDate: '2026-03-31', amount: '100.00' },
        { dueDate: '2026-06-30', amount: '100.00' },
        { dueDate: '2026-09-30', amount: '100.00' },
      ],
      ...overrides,
    });
    expect(res.status).toBe(201);
    return res.body as Body;
  };
  const agreedPledge = async (overrides: Body = {}, agreement: Body = {}): Promise<Body> => {
    const pledge = await createPledge(overrides);
    const res = await post(`/api/v1/pledges/${pledge.id as string}/agreement`).send({
      agreedOn: '2026-02-01',
      documentRef: 'AGR-1',
      ...agreement,
    });
    expect(res.status).toBe(200);
    return res.body as Body;
  };
  const pay = async (pledge: Body, amount: string, date: string) => {
    const outcome = await postAdjustment(
      app,
      {
        date,
        description: `Payment on ${pledge.reference as string}`,
        lines: [
          { account: '1000', bankAccountId: BANK_ACCOUNT, currency: 'CHF', debit: amount },
          {
            account: '1100',
            donorId,
            earmark: 'UNEARMARKED',
            pledgeId: pledge.id,
            currency: 'CHF',
            credit: amount,
          },
        ],
      },
      auth['officer.a'],
      auth['approver.a'],
    );
    expect(outcome.status).toBe(200);
  };
  const amend = (pledge: Body, body: Body) =>
    post(`/api/v1/pledges/${pledge.id as string}/amendments`).send(body);
  const getPledge = async (id: string, asOf: string): Promise<Body> => {
    const res = await request(app.getHttpServer())
      .get(`/api/v1/pledges/${id}?asOf=${asOf}`)
      .set(auth['auditor.a']);
    expect(res.status).toBe(200);
    return res.body as Body;
  };
  const schedule = (pledge: Body) =>
    (pledge.instalments as Body[]).map((i) => [i.seq, i.dueDate, (i.amount as Body).amount]);
  const lines = (body: Body) =>
    ((body.ledger as Body).lines as Line[]).map((l) => [
      l.account,
      l.debit === null ? 'Cr' : 'Dr',
      ((l.debit ?? l.credit) as Body).amount,
      l.functional.amount,
    ]);

  it('previews an amendment without writing, then applies exactly it: the difference posted as its own entry, audited', async () => {
    const pledge = await agreedPledge();
    await pay(pledge, '100.00', '2026-04-01');
    const body = {
      date: '2026-05-01',
      reason: 'Donor letter of 28 April: raised to 350',
      amount: '350.00',
      instalments: { change: [{ seq: 3, amount: '150.00' }] },
    };
    const before = await counts();
    const preview = await amend(pledge, { ...body, dryRun: true });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      dryRun: true,
      id: null,
      number: 1,
      amountBefore: { currency: 'CHF', amount: '300.00' },
      amountAfter: { currency: 'CHF', amount: '350.00' },
      difference: { currency: 'CHF', amount: '50.00' },
      removed: [],
      ledger: { entryId: null },
      pledge: null,
    });
    expect(
      (preview.body.scheduleAfter as Body[]).map((i) => [
        i.seq,
        (i.amount as Body).amount,
        i.change,
      ]),
    ).toEqual([
      [1, '100.00', 'unchanged'],
      [2, '100.00', 'unchanged'],
      [3, '150.00', 'changed'],
    ]);
    expect(lines(preview.body)).toEqual([
      ['1100', 'Dr', '50.00', '50.00'],
      ['4000', 'Cr', '50.00', '-50.00'],
    ]);
    expect(await counts()).toEqual(before);

    const applied = await amend(pledge, body).set('Idempotency-Key', 'amend-once');
    expect(applied.status).toBe(201);
    const replay = await amend(pledge, body).set('Idempotency-Key', 'amend-once');
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(applied.body.id);
    // The preview was exactly what got applied.
    expect({
      ...applied.body,
      dryRun: true,
      id: null,
      pledge: null,
      ledger: { ...applied.body.ledger, entryId: null },
    }).toEqual(preview.body);
    const after = applied.body.pledge as Body;
    expect(schedule(after)).toEqual([
      [1, '2026-03-31', '100.00'],
      [2, '2026-06-30', '100.00'],
      [3, '2026-09-30', '150.00'],
    ]);
    expect(after).toMatchObject({
      amount: { currency: 'CHF', amount: '350.00' },
      paid: { currency: 'CHF', amount: '100.00' },
      outstanding: { currency: 'CHF', amount: '250.00' },
    });
    const entry = (after.entries as Body[]).find(
      (e) => (e.source as Body).type === 'pledge-amendment',
    ) as Body;
    expect(entry).toMatchObject({
      id: (applied.body.ledger as Body).entryId,
      date: '2026-05-01',
      reason: 'Donor letter of 28 April: raised to 350',
    });
    expect(after.amendments).toEqual([
      expect.objectContaining({ number: 1, date: '2026-05-01', entryId: entry.id }),
    ]);
    const written = await counts();
    expect(written.amendments).toBe(before.amendments + 1);
    expect(written.entries).toBe(before.entries + 1);
    expect(written.instalments).toBe(before.instalments);
    const audit = await sql.query(
      `SELECT action, before, after FROM audit_log WHERE entity_id = $1 ORDER BY id DESC LIMIT 1`,
      [pledge.id],
    );
    expect(audit.rows[0]).toMatchObject({
      action: 'pledge.amend',
      before: {
        amount: { amount: '300.00' },
        instalments: expect.arrayContaining([
          { seq: 3, dueDate: '2026-09-30', amountMinor: '10000' },
        ]),
      },
      after: {
        amount: { amount: '350.00' },
        instalments: expect.arrayContaining([
          { seq: 3, dueDate: '2026-09-30', amountMinor: '15000' },
        ]),
      },
    });
  });

  it('shows the schedule in force on the as-of date: the old one before the amendment, the new one from it', async () => {
    const pledge = await agreedPledge();
    const res = await amend(pledge, {
      date: '2026-04-15',
      reason: 'Rescheduled by the donor',
      instalments: {
        change: [{ seq: 2, dueDate: '2026-07-31', amount: '60.00' }],
        remove: [3],
        add: [
          { dueDate: '2026-10-31', amount: '70.00' },
          { dueDate: '2026-12-31', amount: '70.00' },
        ],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.ledger.lines).toEqual([]);
    const old = await getPledge(pledge.id as string, '2026-04-14');
    expect(schedule(old)).toEqual([
      [1, '2026-03-31', '100.00'],
      [2, '2026-06-30', '100.00'],
      [3, '2026-09-30', '100.00'],
    ]);
    const now = await getPledge(pledge.id as string, '2026-04-15');
    expect(schedule(now)).toEqual([
      [1, '2026-03-31', '100.00'],
      [2, '2026-07-31', '60.00'],
      [4, '2026-10-31', '70.00'],
      [5, '2026-12-31', '70.00'],
    ]);
    // The same total: the receivable is untouched, and the amounts due still add up to it.
    for (const view of [old, now]) {
      expect(view.outstanding).toEqual({ currency: 'CHF', amount: '300.00' });
      const due = (view.instalments as Body[]).reduce(
        (sum, i) => sum + minor((i.amountDue as Body).amount as string),
        0n,
      );
      expect(due).toBe(30_000n);
    }
    // A later amendment never reuses the number of a removed instalment.
    const again = await amend(pledge, {
      date: '2026-04-20',
      reason: 'One more',
      amount: '310.00',
      instalments: { add: [{ dueDate: '2027-01-31', amount: '10.00' }] },
    });
    expect(again.status).toBe(201);
    expect(again.body.scheduleAfter.map((i: Body) => i.seq)).toEqual([1, 2, 4, 5, 6]);
    expect((await getPledge(pledge.id as string, '2026-04-19')).amount).toEqual({
      currency: 'CHF',
      amount: '300.00',
    });
    // Something dated before an amendment would be read against a schedule not yet in force.
    const ending = await post(`/api/v1/pledges/${pledge.id as string}/cancellation`).send({
      date: '2026-04-16',
      reason: 'dated before the last amendment',
    });
    expect(ending.status).toBe(422);
    expect(ending.body.errors[0]).toMatchObject({ field: 'date', rule: 'notBeforeAmendment' });
  });

  it('posts a decrease of a USD pledge at the UN rate of the amendment date, and one to conditional contributions while conditions are unmet', async () => {
    const usd = await agreedPledge(
      {
        currency: 'USD',
        amount: '1,000.00',
        instalments: [{ dueDate: '2026-12-31', amount: '1,000.00' }],
      },
      { agreedOn: '2026-02-10' },
    );
    const res = await amend(usd, {
      date: '2026-04-01',
      reason: 'Budget cut announced by the donor',
      amount: '900.00',
      instalments: { change: [{ seq: 1, amount: '900.00' }] },
    });
    expect(res.status).toBe(201);
    // Booked at 0.80 in February; the 100 taken off is a new agreement at April's 0.90.
    expect(lines(res.body)).toEqual([
      ['4000', 'Dr', '100.00', '90.00'],
      ['1100', 'Cr', '100.00', '-90.00'],
    ]);
    expect(res.body.pledge).toMatchObject({
      outstanding: { currency: 'USD', amount: '900.00' },
      outstandingFunctional: { currency: 'CHF', amount: '710.00' },
      status: 'agreed',
    });

    const conditional = await agreedPledge({}, { conditional: true });
    const raised = await amend(conditional, {
      date: '2026-03-01',
      reason: 'Raised',
      amount: '400.00',
      instalments: { add: [{ dueDate: '2026-12-31', amount: '100.00' }] },
    });
    expect(raised.status).toBe(201);
    expect(lines(raised.body)).toEqual([
      ['1100', 'Dr', '100.00', '100.00'],
      ['2100', 'Cr', '100.00', '-100.00'],
    ]);
  });

  it('changes an announced pledge off-ledger: nothing posted, and an agreement must come after it', async () => {
    const pledge = await createPledge();
    const before = await count('journal_line');
    const res = await amend(pledge, {
      date: '2026-02-20',
      reason: 'Donor confirmed a smaller amount',
      amount: '250.00',
      instalments: { change: [{ seq: 3, amount: '50.00' }] },
    });
    expect(res.status).toBe(201);
    expect(res.body.ledger).toEqual({ entryId: null, lines: [] });
    expect(res.body.pledge).toMatchObject({
      status: 'announced',
      amount: { currency: 'CHF', amount: '250.00' },
    });
    expect(await count('journal_line')).toBe(before);
    const early = await post(`/api/v1/pledges/${pledge.id as string}/agreement`).send({
      agreedOn: '2026-02-19',
      documentRef: 'AGR-EARLY',
    });
    expect(early.status).toBe(422);
    expect(early.body.errors[0]).toMatchObject({ field: 'agreedOn', rule: 'notBeforeAmendment' });
    const agreed = await post(`/api/v1/pledges/${pledge.id as string}/agreement`).send({
      agreedOn: '2026-02-20',
      documentRef: 'AGR-LATE',
    });
    expect(agreed.status).toBe(200);
    expect(agreed.body.outstanding).toEqual({ currency: 'CHF', amount: '250.00' });
  });

  describe('refusals write nothing', () => {
    let paid: Body;
    beforeAll(async () => {
      paid = await agreedPledge();
      await pay(paid, '150.00', '2026-04-01');
    });

    const cases: Array<
      [string, Body, number, Array<{ field: string; rule: string }>, RegExp | null]
    > = [
      [
        'changing a paid instalment',
        { instalments: { change: [{ seq: 1, dueDate: '2026-04-30' }] } },
        422,
        [{ field: 'instalments.change[0].seq', rule: 'unpaid' }],
        /instalment 1 has received CHF 100\.00/,
      ],
      [
        'removing a partly paid instalment',
        { amount: '200.00', instalments: { remove: [2] } },
        422,
        [{ field: 'instalments.remove[0]', rule: 'unpaid' }],
        /instalment 2 has received CHF 50\.00/,
      ],
      [
        'a schedule that does not sum to the amount',
        { amount: '320.00', instalments: { change: [{ seq: 3, amount: '110.00' }] } },
        422,
        [{ field: 'instalments', rule: 'sumsToAmount' }],
        /CHF 10\.00 missing/,
      ],
      [
        'an unknown seq',
        { instalments: { change: [{ seq: 9, amount: '1.00' }] } },
        422,
        [{ field: 'instalments.change[0].seq', rule: 'exists' }],
        null,
      ],
      [
        'an amount with too many decimals',
        { amount: '300.001', instalments: { change: [{ seq: 3, amount: '100.001' }] } },
        422,
        [
          { field: 'amount', rule: 'amount' },
          { field: 'instalments.change[0].amount', rule: 'amount' },
        ],
        null,
      ],
      [
        'an unpaid instalment moved before a paid one (it would take its payments)',
        { instalments: { change: [{ seq: 3, dueDate: '2026-01-31' }] } },
        422,
        [{ field: 'instalments', rule: 'keepsPayments' }],
        /instalment 1 has received CHF 100\.00/,
      ],
      [
        'a date before the agreement',
        {
          date: '2026-01-31',
          amount: '310.00',
          instalments: { add: [{ dueDate: '2026-12-31', amount: '10.00' }] },
        },
        422,
        [{ field: 'date', rule: 'notBeforeAgreement' }],
        null,
      ],
      [
        'a date in the future',
        {
          date: '2999-01-01',
          amount: '310.00',
          instalments: { add: [{ dueDate: '2026-12-31', amount: '10.00' }] },
        },
        422,
        [{ field: 'date', rule: 'notInFuture' }],
        null,
      ],
      [
        'an amendment that changes nothing',
        { instalments: {} },
        422,
        [{ field: 'instalments', rule: 'changesSomething' }],
        null,
      ],
    ];

    it.each(cases)('refuses %s', async (_, overrides, status, errors, reason) => {
      const before = await counts();
      for (const dryRun of [true, false]) {
        const res = await amend(paid, { date: '2026-05-01', reason: 'test', ...overrides, dryRun });
        expect(res.status).toBe(status);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.body.errors.map((e: Body) => ({ field: e.field, rule: e.rule }))).toEqual(
          errors,
        );
        if (reason !== null) expect(res.body.errors[0].reason).toMatch(reason);
      }
      expect(await counts()).toEqual(before);
    });

    it('refuses malformed requests before looking anything up, and an ended pledge', async () => {
      const before = await counts();
      const bad = await amend(paid, {
        date: '2026-02-30',
        reason: 'x',
        instalments: { change: [{ seq: 0 }], remove: ['a'] },
      });
      expect(bad.status).toBe(422);
      const missing = await post(
        '/api/v1/pledges/9d2a6e4c-0000-4000-8000-000000000000/amendments',
      ).send({ date: '2026-05-01', reason: 'nobody', instalments: { remove: [1] } });
      expect(missing.status).toBe(404);
      const cancelled = await agreedPledge();
      const asked = await post(`/api/v1/pledges/${cancelled.id as string}/cancellation`).send({
        date: '2026-03-01',
        reason: 'Withdrawn',
      });
      expect((await approve(app, asked.body.id as string, auth['approver.a'])).status).toBe(200);
      const afterEnd = await counts();
      const ended = await amend(cancelled, {
        date: '2026-05-01',
        reason: 'too late',
        amount: '1.00',
        instalments: { remove: [2, 3], change: [{ seq: 1, amount: '1.00' }] },
      });
      expect(ended.status).toBe(409);
      expect(ended.body.code).toBe('pledge-ended');
      expect(await counts()).toEqual(afterEnd);
      expect(before.amendments).toBe(afterEnd.amendments);
    });
  });
});

function minor(amount: string): bigint {
  const negative = amount.startsWith('-');
  const [whole, fraction = ''] = amount.replace('-', '').split('.');
  const value = BigInt(whole + fraction.padEnd(2, '0'));
  return negative ? -value : value;
}
