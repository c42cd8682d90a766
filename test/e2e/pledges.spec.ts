import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { Role } from '../../src/auth/roles';
import { BalancesService } from '../../src/ledger/balances.service';
import { approve } from '../support/approvals';
import { addBankAccount, BANK_ACCOUNT } from '../support/ledger-fixtures';
import { postAdjustment } from '../support/approvals';
import { createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

type Auth = { Authorization: string };
type Body = Record<string, unknown>;

describe('pledges through the API', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  const auth: Record<string, Auth> = {};
  const donors: Record<string, string> = {};

  beforeAll(async () => {
    db = await createTestDatabase();
    await addBankAccount(db.url);
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    for (const name of ['Switzerland', 'Japan', 'Acme Foundation', 'Ghana', 'Unpaid Ltd']) {
      const { rows } = await sql.query<{ id: string }>(
        `INSERT INTO donor (name, normalized_name, type, created_by)
         VALUES ($1, lower($1), 'member_state', 'test') RETURNING id`,
        [name],
      );
      donors[name] = rows[0].id;
    }
    const users = new TestUsers(app);
    const roles: Record<string, Role[]> = {
      'officer.a': ['finance_officer'],
      'officer.b': ['finance_officer'],
      'approver.a': ['approver'],
      'auditor.a': ['auditor'],
    };
    for (const [name, held] of Object.entries(roles)) auth[name] = await users.auth(name, held);
    auth['donor.swiss'] = (await users.get('donor.swiss', ['donor'], [donors.Switzerland])).auth;
    // UN operational rates, units per USD: the CHF rate changes on 1 March.
    for (const [currency, effectiveFrom, unitsPerUsd] of [
      ['CHF', '2025-01-01', '0.8000'],
      ['CHF', '2026-03-01', '0.9000'],
      ['EUR', '2025-01-01', '0.9000'],
    ]) {
      const res = await as('officer.a')
        .post('/api/v1/exchange-rates')
        .send({ currency, effectiveFrom, unitsPerUsd });
      expect(res.status).toBe(201);
    }
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  const as = (name: string) => {
    const server = app.getHttpServer();
    return {
      get: (url: string) => request(server).get(url).set(auth[name]),
      post: (url: string) => request(server).post(url).set(auth[name]),
    };
  };
  const count = async (table: string): Promise<number> =>
    (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
  const counts = async () => ({
    pledges: await count('pledge'),
    instalments: await count('pledge_instalment'),
    sequences: await count('pledge_sequence'),
    events: await count('pledge_event'),
    lines: await count('journal_line'),
    audit: await count('audit_log'),
  });

  const pledgeBody = (overrides: Body = {}): Body => ({
    fund: 'WSIS-TF',
    donorId: donors.Switzerland,
    earmark: 'PARTICIPATION-GRANTS',
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
  const createPledge = async (overrides: Body = {}): Promise<Body> => {
    const res = await as('officer.a').post('/api/v1/pledges').send(pledgeBody(overrides));
    expect(res.status).toBe(201);
    return res.body as Body;
  };
  const agree = (id: string, body: Body = {}) =>
    as('officer.a')
      .post(`/api/v1/pledges/${id}/agreement`)
      .send({ agreedOn: '2026-02-01', documentRef: 'AGR-1', ...body });
  const agreedPledge = async (overrides: Body = {}, agreement: Body = {}): Promise<Body> => {
    const pledge = await createPledge(overrides);
    const res = await agree(pledge.id as string, agreement);
    expect(res.status).toBe(200);
    return res.body as Body;
  };
  /** A payment as issue 6 will post it, entered by hand: Dr bank / Cr receivable of the pledge. */
  const pay = async (pledge: Body, amount: string, date: string, currency = 'CHF') => {
    const donorId = (pledge.donor as { id: string }).id;
    const outcome = await postAdjustment(
      app,
      {
        date,
        description: `Payment on ${pledge.reference as string}`,
        lines: [
          { account: '1000', bankAccountId: BANK_ACCOUNT, currency, debit: amount },
          {
            account: '1100',
            donorId,
            earmark: pledge.earmark,
            pledgeId: pledge.id,
            currency,
            credit: amount,
          },
        ],
      },
      auth['officer.a'],
      auth['approver.a'],
    );
    expect(outcome.status).toBe(200);
  };
  const getPledge = async (id: string, asOf: string): Promise<Body> => {
    const res = await as('officer.a').get(`/api/v1/pledges/${id}?asOf=${asOf}`);
    expect(res.status).toBe(200);
    return res.body as Body;
  };

  describe('announcement and schedule', () => {
    it('records an announced pledge off-ledger, with its reference and schedule, and audits it', async () => {
      const before = await counts();
      const res = await as('officer.a')
        .post('/api/v1/pledges')
        .send(
          pledgeBody({
            instalments: [
              { dueDate: '2026-09-30', amount: '100.00' },
              { dueDate: '2026-03-31', amount: '150.00' },
              { dueDate: '2026-06-30', amount: '50.00' },
            ],
          }),
        );
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        fund: 'WSIS-TF',
        donor: { id: donors.Switzerland, name: 'Switzerland' },
        earmark: 'PARTICIPATION-GRANTS',
        amount: { currency: 'CHF', amount: '300.00' },
        announcedOn: '2026-01-15',
        status: 'announced',
        agreement: null,
        outstanding: { currency: 'CHF', amount: '0.00' },
        createdBy: 'officer.a',
        entries: [],
      });
      expect(res.body.reference).toMatch(/^WSIS-TF-2026-\d{4}$/);
      // Numbered by due date, whatever the order typed.
      expect(
        res.body.instalments.map((i: Body) => [
          i.seq,
          i.dueDate,
          (i.amount as Body).amount,
          i.status,
        ]),
      ).toEqual([
        [1, '2026-03-31', '150.00', 'announced'],
        [2, '2026-06-30', '50.00', 'announced'],
        [3, '2026-09-30', '100.00', 'announced'],
      ]);
      const after = await counts();
      expect(after.lines).toBe(before.lines);
      expect(after.pledges).toBe(before.pledges + 1);
      const audit = await sql.query(
        `SELECT actor, action, after FROM audit_log WHERE entity_type = 'pledge' AND entity_id = $1`,
        [res.body.id],
      );
      expect(audit.rows).toEqual([
        expect.objectContaining({
          actor: 'officer.a',
          action: 'pledge.create',
          after: expect.objectContaining({ reference: res.body.reference, status: 'announced' }),
        }),
      ]);
    });

    it('numbers references per fund and year without gaps, a refused pledge taking no number', async () => {
      const first = await createPledge({ announcedOn: '2025-06-01' });
      const refused = await as('officer.a')
        .post('/api/v1/pledges')
        .send(pledgeBody({ announcedOn: '2025-06-02', amount: '299.00' }));
      expect(refused.status).toBe(422);
      const second = await createPledge({ announcedOn: '2025-12-31' });
      expect(first.reference).toBe('WSIS-TF-2025-0001');
      expect(second.reference).toBe('WSIS-TF-2025-0002');
    });

    it('generates a schedule without losing a minor unit', async () => {
      const pledge = await createPledge({
        amount: '100.00',
        instalments: undefined,
        generate: { count: 3, period: 'quarter', firstDueDate: '2026-01-31' },
      });
      expect(
        (pledge.instalments as Body[]).map((i) => [i.dueDate, (i.amount as Body).amount]),
      ).toEqual([
        ['2026-01-31', '33.34'],
        ['2026-04-30', '33.33'],
        ['2026-07-31', '33.33'],
      ]);
      const yen = await createPledge({
        currency: 'JPY',
        amount: '1000001',
        instalments: undefined,
        generate: { count: 12, period: 'month', firstDueDate: '2026-02-28' },
      });
      const parts = (yen.instalments as Body[]).map((i) =>
        BigInt((i.amount as Body).amount as string),
      );
      expect(parts.reduce((a, b) => a + b, 0n)).toBe(1_000_001n);
      expect((yen.instalments as Body[]).map((i) => i.dueDate).slice(0, 3)).toEqual([
        '2026-02-28',
        '2026-03-31',
        '2026-04-30',
      ]);
    });

    const refusals: Array<[string, Body, Array<{ field: string; rule: string }>]> = [
      ['an unknown fund', { fund: 'NO-SUCH-FUND' }, [{ field: 'fund', rule: 'exists' }]],
      ['an unknown earmark', { earmark: 'NOPE' }, [{ field: 'earmark', rule: 'exists' }]],
      [
        'an unknown donor',
        { donorId: '9d2a6e4c-0000-4000-8000-000000000000' },
        [{ field: 'donorId', rule: 'exists' }],
      ],
      ['a zero amount', { amount: '0.00' }, [{ field: 'amount', rule: 'positive' }]],
      ['a negative amount', { amount: '-300.00' }, [{ field: 'amount', rule: 'positive' }]],
      ['an unknown currency', { currency: 'XYZ' }, [{ field: 'currency', rule: 'knownCurrency' }]],
      [
        'more decimals than the currency has',
        { amount: '300.001' },
        [{ field: 'amount', rule: 'amount' }],
      ],
      [
        'decimals on a currency without minor unit',
        {
          currency: 'JPY',
          amount: '300.5',
          instalments: [{ dueDate: '2026-03-31', amount: '300.5' }],
        },
        [
          { field: 'amount', rule: 'amount' },
          { field: 'instalments[0].amount', rule: 'amount' },
        ],
      ],
      [
        'a schedule that does not sum to the amount',
        { amount: '300.01' },
        [{ field: 'instalments', rule: 'sumsToAmount' }],
      ],
      [
        'a zero instalment',
        {
          instalments: [
            { dueDate: '2026-03-31', amount: '300.00' },
            { dueDate: '2026-06-30', amount: '0.00' },
          ],
        },
        [{ field: 'instalments[1].amount', rule: 'positive' }],
      ],
      [
        'two schedules at once',
        { generate: { count: 2, period: 'year', firstDueDate: '2026-12-31' } },
        [{ field: 'generate', rule: 'oneSchedule' }],
      ],
      [
        'no schedule',
        { instalments: undefined },
        [{ field: 'instalments', rule: 'scheduleRequired' }],
      ],
      [
        'more generated instalments than minor units',
        {
          amount: '0.02',
          instalments: undefined,
          generate: { count: 3, period: 'month', firstDueDate: '2026-01-31' },
        },
        [{ field: 'generate.count', rule: 'atMostAmount' }],
      ],
      [
        'a date in the future',
        { announcedOn: '2999-01-01' },
        [{ field: 'announcedOn', rule: 'notInFuture' }],
      ],
    ];

    it.each(refusals)(
      'refuses %s, field by field, and writes nothing',
      async (_, overrides, errors) => {
        const before = await counts();
        const res = await as('officer.a').post('/api/v1/pledges').send(pledgeBody(overrides));
        expect(res.status).toBe(422);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.body.errors.map((e: Body) => ({ field: e.field, rule: e.rule }))).toEqual(
          errors,
        );
        expect(await counts()).toEqual(before);
      },
    );

    it('refuses malformed fields before looking anything up', async () => {
      const res = await as('officer.a')
        .post('/api/v1/pledges')
        .send(pledgeBody({ donorId: 'not-a-uuid', currency: 'chf', announcedOn: '2026-02-30' }));
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e: Body) => e.field).sort()).toEqual([
        'announcedOn',
        'currency',
        'donorId',
      ]);
    });

    it('refuses a schedule changed behind the application, at commit (the database keeps the sum)', async () => {
      const pledge = await createPledge();
      await expect(
        sql.query(
          `UPDATE pledge_instalment SET amount_minor = amount_minor + 1 WHERE pledge_id = $1 AND seq = 1`,
          [pledge.id],
        ),
      ).rejects.toThrow(/schedule of pledge .* sums to/);
    });
  });

  describe('agreement', () => {
    it('books a USD pledge to the CHF fund in CHF at the UN rate of the agreement date', async () => {
      const pledge = await createPledge({
        currency: 'USD',
        amount: '120,000.00',
        announcedOn: '2026-02-15',
        instalments: [
          { dueDate: '2026-06-30', amount: '60,000.00' },
          { dueDate: '2026-12-31', amount: '60,000.00' },
        ],
      });
      const res = await agree(pledge.id as string, {
        agreedOn: '2026-03-10',
        documentRef: 'ITU/WSIS/2026/017',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        agreement: { agreedOn: '2026-03-10', documentRef: 'ITU/WSIS/2026/017', conditional: false },
        outstanding: { currency: 'USD', amount: '120000.00' },
        // 0.90 CHF per USD from 1 March, not the 0.80 of the announcement date.
        outstandingFunctional: { currency: 'CHF', amount: '108000.00' },
      });
      const [entry] = res.body.entries;
      expect(entry).toMatchObject({
        date: '2026-03-10',
        source: { type: 'pledge-agreement', ref: pledge.id },
        createdBy: 'officer.a',
      });
      expect(entry.lines).toEqual([
        expect.objectContaining({
          account: { code: '1100', name: 'Contributions receivable' },
          donorId: donors.Switzerland,
          earmark: 'PARTICIPATION-GRANTS',
          pledgeId: pledge.id,
          debit: { currency: 'USD', amount: '120000.00' },
          functional: { currency: 'CHF', amount: '108000.00' },
          rate: expect.stringMatching(/^0\.90*$/),
        }),
        expect.objectContaining({
          account: { code: '4000', name: 'Contribution revenue' },
          earmark: 'PARTICIPATION-GRANTS',
          pledgeId: pledge.id,
          credit: { currency: 'USD', amount: '120000.00' },
          functional: { currency: 'CHF', amount: '-108000.00' },
        }),
      ]);
      const audit = await sql.query(
        `SELECT actor, action FROM audit_log WHERE entity_id = $1 ORDER BY id`,
        [pledge.id],
      );
      expect(audit.rows.map((row) => row.action)).toEqual(['pledge.create', 'pledge.agree']);
      // As of a date before the agreement, it is still the announced pledge.
      expect((await getPledge(pledge.id as string, '2026-03-09')).status).toBe('announced');
      expect((await getPledge(pledge.id as string, '2026-03-10')).status).toBe('agreed');
    });

    it('answers a retried agreement with the first answer, and refuses a second agreement', async () => {
      const pledge = await createPledge();
      const url = `/api/v1/pledges/${pledge.id as string}/agreement`;
      const body = { agreedOn: '2026-02-01', documentRef: 'AGR-RETRY' };
      const first = await as('officer.a').post(url).set('Idempotency-Key', 'agree-once').send(body);
      const again = await as('officer.a').post(url).set('Idempotency-Key', 'agree-once').send(body);
      expect(first.status).toBe(200);
      expect(again.status).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.entries).toHaveLength(1);
      const second = await as('officer.a')
        .post(url)
        .send({ ...body, documentRef: 'AGR-2' });
      expect(second.status).toBe(409);
      expect(second.body.code).toBe('pledge-already-agreed');
      const entries = await sql.query(
        `SELECT count(DISTINCT entry_id)::int AS n FROM journal_line WHERE pledge_id = $1`,
        [pledge.id],
      );
      expect(entries.rows[0].n).toBe(1);
    });

    it('refuses an agreement dated before the announcement, field by field, writing nothing', async () => {
      const pledge = await createPledge({ announcedOn: '2026-02-15' });
      const before = await counts();
      const res = await agree(pledge.id as string, { agreedOn: '2026-02-14' });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([
        expect.objectContaining({ field: 'agreedOn', rule: 'notBeforeAnnouncement' }),
      ]);
      expect(await counts()).toEqual(before);
      expect((await getPledge(pledge.id as string, '2026-11-01')).status).toBe('announced');
    });

    it('refuses an agreement when no UN rate is in force, writing nothing', async () => {
      const pledge = await createPledge({
        currency: 'GBP',
        amount: '300.00',
      });
      const before = await counts();
      const res = await agree(pledge.id as string);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('rate-missing');
      expect(await counts()).toEqual(before);
    });

    it('books a conditional agreement as a liability, and moves the CHF booked to revenue when conditions are met', async () => {
      const pledge = await agreedPledge(
        {
          currency: 'USD',
          amount: '1,000.00',
          donorId: donors['Acme Foundation'],
          instalments: [{ dueDate: '2026-12-31', amount: '1,000.00' }],
        },
        { agreedOn: '2026-02-10', conditional: true },
      );
      expect((await getPledge(pledge.id as string, '2026-02-10')).status).toBe('agreed');
      expect(pledge.agreement).toMatchObject({ conditional: true, conditionsMetOn: null });
      const [agreement] = pledge.entries as Array<{ lines: Body[] }>;
      expect(agreement.lines[1]).toMatchObject({
        account: { code: '2100', name: 'Conditional contributions' },
        functional: { currency: 'CHF', amount: '-800.00' },
      });
      // Met in April, when the rate is 0.90: the 800.00 booked move, not a new conversion.
      const met = await as('officer.a')
        .post(`/api/v1/pledges/${pledge.id as string}/conditions-met`)
        .send({ date: '2026-04-02' });
      expect(met.status).toBe(200);
      expect(met.body.agreement.conditionsMetOn).toBe('2026-04-02');
      const entry = met.body.entries[1];
      expect(entry.source.type).toBe('pledge-conditions-met');
      expect(
        entry.lines.map((l: Body) => [(l.account as Body).code, l.debit ?? l.credit, l.functional]),
      ).toEqual([
        ['2100', { currency: 'USD', amount: '1000.00' }, { currency: 'CHF', amount: '800.00' }],
        ['4000', { currency: 'USD', amount: '1000.00' }, { currency: 'CHF', amount: '-800.00' }],
      ]);
      const liability = await app
        .get(BalancesService)
        .accountBalance('WSIS-TF', '2100', { donorId: donors['Acme Foundation'] });
      expect(liability.functional).toEqual({ currency: 'CHF', amount: '0.00' });
      const twice = await as('officer.a')
        .post(`/api/v1/pledges/${pledge.id as string}/conditions-met`)
        .send({ date: '2026-04-03' });
      expect(twice.status).toBe(409);
    });
  });

  describe('status, payments and what is due', () => {
    it('gives the right next amount due for an overdue, partly paid pledge', async () => {
      const pledge = await agreedPledge({ donorId: donors.Ghana });
      await pay(pledge, '150.00', '2026-04-15');
      const view = await getPledge(pledge.id as string, '2026-07-15');
      expect(view.status).toBe('overdue');
      expect(view.paid).toEqual({ currency: 'CHF', amount: '150.00' });
      expect(view.outstanding).toEqual({ currency: 'CHF', amount: '150.00' });
      expect(
        (view.instalments as Body[]).map((i) => [
          i.status,
          (i.paid as Body).amount,
          (i.amountDue as Body).amount,
          i.daysOverdue,
        ]),
      ).toEqual([
        ['paid', '100.00', '0.00', 0],
        ['overdue', '50.00', '50.00', 15],
        ['agreed', '0.00', '100.00', 0],
      ]);
      // What the donor owes first is what is left of the second instalment, not its 100.00.
      expect(view.nextAmountDue).toEqual({
        seq: 2,
        dueDate: '2026-06-30',
        amount: { currency: 'CHF', amount: '50.00' },
        overdue: true,
      });
      expect(view.amountOverdue).toEqual({ currency: 'CHF', amount: '50.00' });
      // Before the second due date it was only partly paid; once all is paid, paid.
      expect((await getPledge(pledge.id as string, '2026-05-01')).status).toBe('partially-paid');
      await pay(pledge, '150.00', '2026-08-01');
      const paid = await getPledge(pledge.id as string, '2026-12-31');
      expect(paid.status).toBe('paid');
      expect(paid.nextAmountDue).toBeNull();
    });

    it('never counts a write-off twice: approved, posted once, the remaining balance is zero', async () => {
      const pledge = await agreedPledge({ donorId: donors['Unpaid Ltd'] });
      await pay(pledge, '100.00', '2026-04-01');
      const url = `/api/v1/pledges/${pledge.id as string}/write-off`;
      const requested = await as('officer.a').post(url).send({
        date: '2026-10-31',
        reason: 'Company dissolved; liquidator confirms nothing left',
      });
      expect(requested.status).toBe(202);
      expect(requested.body).toMatchObject({ kind: 'pledge.write-off', status: 'pending' });
      expect(requested.body.summary).toContain('CHF 200.00 outstanding');
      // Nothing happens until approved.
      expect((await getPledge(pledge.id as string, '2026-11-01')).status).toBe('overdue');
      const approved = await approve(app, requested.body.id as string, auth['approver.a']);
      expect(approved.status).toBe(200);
      const result = approved.body.result as Body;
      expect(result).toMatchObject({
        status: 'written-off',
        ending: { kind: 'written-off', on: '2026-10-31' },
        paid: { currency: 'CHF', amount: '100.00' },
        writtenOff: { currency: 'CHF', amount: '200.00' },
        outstanding: { currency: 'CHF', amount: '0.00' },
        amountOverdue: { currency: 'CHF', amount: '0.00' },
        nextAmountDue: null,
      });
      const writeOff = (result.entries as Array<Body & { lines: Body[] }>).find(
        (e) => (e.source as Body).type === 'pledge-write-off',
      )!;
      expect(writeOff.createdBy).toBe('officer.a');
      expect(writeOff.reason).toContain('Company dissolved');
      expect(writeOff.lines.map((l) => [(l.account as Body).code, l.debit ?? l.credit])).toEqual([
        ['5300', { currency: 'CHF', amount: '200.00' }],
        ['1100', { currency: 'CHF', amount: '200.00' }],
      ]);
      const receivable = await app
        .get(BalancesService)
        .accountBalance('WSIS-TF', '1100', { donorId: donors['Unpaid Ltd'], asOf: '2026-12-31' });
      expect(receivable.functional).toEqual({ currency: 'CHF', amount: '0.00' });
      const later = await getPledge(pledge.id as string, '2027-06-30');
      expect(later).toMatchObject({
        status: 'written-off',
        outstanding: { currency: 'CHF', amount: '0.00' },
        writtenOff: { currency: 'CHF', amount: '200.00' },
      });
      expect((later.aging as Body[]).every((b) => (b.functional as Body).amount === '0.00')).toBe(
        true,
      );
      // A second write-off or a cancellation afterwards is refused: it would count it again.
      const again = await as('officer.a').post(url).send({ date: '2026-11-30', reason: 'again' });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('pledge-ended');
      const cancel = await as('officer.a')
        .post(`/api/v1/pledges/${pledge.id as string}/cancellation`)
        .send({ date: '2026-11-30', reason: 'and cancel too' });
      expect(cancel.status).toBe(409);
      const report = await as('officer.a').get(
        `/api/v1/funds/WSIS-TF/outstanding?asOf=2027-06-30&groupBy=pledge&donorId=${donors['Unpaid Ltd']}`,
      );
      expect(report.body.groups).toEqual([]);
      expect(report.body.total.functional).toEqual({ currency: 'CHF', amount: '0.00' });
    });

    it('cancels through approval: an agreed pledge reverses its outstanding revenue, an announced one posts nothing', async () => {
      const agreed = await agreedPledge({ donorId: donors.Japan, currency: 'EUR' });
      const requested = await as('officer.a')
        .post(`/api/v1/pledges/${agreed.id as string}/cancellation`)
        .send({ date: '2026-05-01', reason: 'Withdrawn by note verbale of 28 April' });
      expect(requested.status).toBe(202);
      const approved = await approve(app, requested.body.id as string, auth['approver.a']);
      expect(approved.status).toBe(200);
      expect(approved.body.result).toMatchObject({
        status: 'cancelled',
        cancelled: { currency: 'EUR', amount: '300.00' },
        outstanding: { currency: 'EUR', amount: '0.00' },
        outstandingFunctional: { currency: 'CHF', amount: '0.00' },
      });
      const cancellation = (approved.body.result.entries as Array<Body & { lines: Body[] }>)[1];
      expect(cancellation.lines.map((l) => (l.account as Body).code)).toEqual(['4000', '1100']);
      const announced = await createPledge({ donorId: donors.Japan });
      const before = await count('journal_line');
      const requested2 = await as('officer.a')
        .post(`/api/v1/pledges/${announced.id as string}/cancellation`)
        .send({ date: '2026-02-01', reason: 'Announced by mistake' });
      expect(requested2.status).toBe(202);
      expect((await approve(app, requested2.body.id as string, auth['approver.a'])).status).toBe(
        200,
      );
      expect(await count('journal_line')).toBe(before);
      expect((await getPledge(announced.id as string, '2026-02-01')).status).toBe('cancelled');
    });

    it('takes a reversed payment back: the pledge is owed again, with its reversal linked to it', async () => {
      const pledge = await agreedPledge({
        donorId: donors.Ghana,
        amount: '100.00',
        instalments: [{ dueDate: '2026-12-31', amount: '100.00' }],
      });
      await pay(pledge, '100.00', '2026-03-01');
      expect((await getPledge(pledge.id as string, '2026-03-02')).status).toBe('paid');
      const payment = ((await getPledge(pledge.id as string, '2026-03-02')).entries as Body[])[1];
      const requested = await as('officer.a')
        .post(`/api/v1/journal-entries/${payment.id as string}/reversal`)
        .send({ reason: 'Paid by another donor', date: '2026-03-05' });
      expect(requested.status).toBe(202);
      const reversal = await approve(app, requested.body.id as string, auth['approver.a']);
      expect(reversal.status).toBe(200);
      expect(reversal.body.result.lines[1]).toMatchObject({ pledgeId: pledge.id });
      const view = await getPledge(pledge.id as string, '2026-03-05');
      expect(view).toMatchObject({
        status: 'agreed',
        paid: { currency: 'CHF', amount: '0.00' },
        outstanding: { currency: 'CHF', amount: '100.00' },
      });
    });

    it('refuses to write off an announced pledge (cancel it instead)', async () => {
      const pledge = await createPledge();
      const res = await as('officer.a')
        .post(`/api/v1/pledges/${pledge.id as string}/write-off`)
        .send({ date: '2026-05-01', reason: 'never agreed' });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('pledge-not-agreed');
    });
  });

  describe('outstanding and aging', () => {
    it('ties the outstanding of the fund to the ledger’s receivable, in each currency and in CHF', async () => {
      // A receivable line entered without a pledge is reported apart, so that the tie still holds.
      const loose = await postAdjustment(
        app,
        {
          date: '2026-03-01',
          description: 'Receivable entered by hand',
          lines: [
            {
              account: '1100',
              donorId: donors.Ghana,
              earmark: 'UNEARMARKED',
              currency: 'CHF',
              debit: '10.00',
            },
            {
              account: '4000',
              donorId: donors.Ghana,
              earmark: 'UNEARMARKED',
              currency: 'CHF',
              credit: '10.00',
            },
          ],
        },
        auth['officer.a'],
        auth['approver.a'],
      );
      expect(loose.status).toBe(200);
      const usd = await agreedPledge(
        {
          donorId: donors.Ghana,
          currency: 'USD',
          amount: '500.00',
          instalments: [{ dueDate: '2026-01-31', amount: '500.00' }],
        },
        { agreedOn: '2026-01-20' },
      );
      await pay(usd, '120.00', '2026-04-01', 'USD');
      // Amended pledges keep tying, before and after the amendment: a USD increase booked at the
      // rate of its date, and a CHF decrease of a partly paid pledge.
      const raised = await agreedPledge(
        {
          donorId: donors.Ghana,
          currency: 'USD',
          amount: '200.00',
          instalments: [{ dueDate: '2026-02-28', amount: '200.00' }],
        },
        { agreedOn: '2026-01-20' },
      );
      await pay(raised, '50.00', '2026-02-15', 'USD');
      const lowered = await agreedPledge({ donorId: donors.Ghana });
      await pay(lowered, '120.00', '2026-04-10');
      for (const [pledge, body] of [
        [
          raised,
          {
            date: '2026-05-15',
            reason: 'Raised by letter of 10 May',
            amount: '300.00',
            instalments: { add: [{ dueDate: '2026-09-30', amount: '100.00' }] },
          },
        ],
        [
          lowered,
          {
            date: '2026-06-01',
            reason: 'Lowered by letter of 25 May',
            amount: '250.00',
            instalments: { change: [{ seq: 3, amount: '50.00' }] },
          },
        ],
      ] as const) {
        const amended = await as('officer.a')
          .post(`/api/v1/pledges/${pledge.id as string}/amendments`)
          .send(body);
        expect(amended.status).toBe(201);
      }
      for (const asOf of ['2026-03-15', '2026-05-20', '2026-07-01', '2026-12-31']) {
        const report = await as('auditor.a').get(
          `/api/v1/funds/WSIS-TF/outstanding?asOf=${asOf}&groupBy=donor`,
        );
        expect(report.status).toBe(200);
        const ledger = await app.get(BalancesService).accountBalance('WSIS-TF', '1100', { asOf });
        const byCurrency = new Map<string, bigint>();
        const add = (m: { currency: string; amount: string }, sign = 1n) =>
          byCurrency.set(m.currency, (byCurrency.get(m.currency) ?? 0n) + sign * minor(m.amount));
        report.body.total.outstanding.forEach((m: { currency: string; amount: string }) => add(m));
        report.body.notLinkedToPledges.balances.forEach((m: { currency: string; amount: string }) =>
          add(m),
        );
        ledger.balances.forEach((m) => add(m, -1n));
        expect([...byCurrency.values()].every((v) => v === 0n)).toBe(true);
        expect(
          minor(report.body.total.functional.amount) +
            minor(report.body.notLinkedToPledges.functional.amount),
        ).toBe(minor(ledger.functional.amount));
        // The aging adds up to the outstanding, and the groups to the total.
        const agingChf = (
          report.body.total.aging as Array<{ functional: { amount: string } }>
        ).reduce((sum, bucket) => sum + minor(bucket.functional.amount), 0n);
        expect(agingChf).toBe(minor(report.body.total.functional.amount));
        const groupsChf = (report.body.groups as Array<{ functional: { amount: string } }>).reduce(
          (sum, group) => sum + minor(group.functional.amount),
          0n,
        );
        expect(groupsChf).toBe(minor(report.body.total.functional.amount));
      }
      const report = await as('officer.a').get(
        `/api/v1/funds/WSIS-TF/outstanding?asOf=2026-07-01&groupBy=pledge&donorId=${donors.Ghana}`,
      );
      const group = report.body.groups.find((g: Body) => g.key === usd.id);
      // USD 380.00 left, due 31 January: 151 days overdue on 1 July.
      expect(group.outstanding).toEqual([{ currency: 'USD', amount: '380.00' }]);
      expect(group.aging.find((b: Body) => b.bucket === '91-180')).toMatchObject({
        amounts: [{ currency: 'USD', amount: '380.00' }],
      });
      expect(report.body.notLinkedToPledges.functional).toEqual({
        currency: 'CHF',
        amount: '10.00',
      });
    });

    it('reports announced pledges as a memo, outside the outstanding', async () => {
      const res = await as('officer.a').get('/api/v1/funds/WSIS-TF/outstanding?asOf=2026-11-01');
      expect(res.status).toBe(200);
      expect(res.body.announced.length).toBeGreaterThan(0);
      const unknown = await as('officer.a').get('/api/v1/funds/WSIS-TF/outstanding?earmark=NOPE');
      expect(unknown.status).toBe(422);
    });
  });

  describe('lists and access', () => {
    it('filters, sorts and pages, with the total', async () => {
      const all = await as('officer.a').get(
        `/api/v1/pledges?asOf=2026-11-01&donorId=${donors.Switzerland}&sort=reference&limit=2`,
      );
      expect(all.status).toBe(200);
      expect(all.body.items).toHaveLength(2);
      expect(all.body.total).toBeGreaterThan(2);
      const references = all.body.items.map((p: Body) => p.reference);
      expect([...references].sort()).toEqual(references);
      const next = await as('officer.a').get(
        `/api/v1/pledges?asOf=2026-11-01&donorId=${donors.Switzerland}&sort=reference&limit=2&offset=2`,
      );
      expect(next.body.items[0].reference > references[1]).toBe(true);
      const usd = await as('officer.a').get('/api/v1/pledges?currency=USD&asOf=2026-11-01');
      expect(usd.body.items.every((p: Body) => (p.amount as Body).currency === 'USD')).toBe(true);
      const announced = await as('officer.a').get(
        '/api/v1/pledges?status=announced&asOf=2026-11-01&sort=-outstanding&limit=500',
      );
      expect(announced.body.items.length).toBe(announced.body.total);
      expect(announced.body.items.every((p: Body) => p.status === 'announced')).toBe(true);
      const overdue = await as('officer.a').get(
        '/api/v1/pledges?status=overdue&asOf=2026-11-01&fund=WSIS-TF&earmark=PARTICIPATION-GRANTS',
      );
      expect(overdue.body.total).toBeGreaterThan(0);
      expect(overdue.body.items.every((p: Body) => p.status === 'overdue')).toBe(true);
      const bad = await as('officer.a').get('/api/v1/pledges?status=late&sort=size');
      expect(bad.status).toBe(422);
      expect(bad.body.errors.map((e: Body) => e.field).sort()).toEqual(['sort', 'status']);
    });

    it("lets a donor user read its own donor's pledges only, without the ledger entries", async () => {
      const own = await agreedPledge({ donorId: donors.Switzerland });
      const other = await createPledge({ donorId: donors.Japan });
      const server = app.getHttpServer();
      const mine = await request(server)
        .get(`/api/v1/pledges/${own.id as string}`)
        .set(auth['donor.swiss']);
      expect(mine.status).toBe(200);
      expect(mine.body.entries).toEqual([]);
      const theirs = await request(server)
        .get(`/api/v1/pledges/${other.id as string}`)
        .set(auth['donor.swiss']);
      expect(theirs.status).toBe(404);
      const list = await request(server).get('/api/v1/pledges?limit=500').set(auth['donor.swiss']);
      expect(list.body.total).toBeGreaterThan(0);
      expect(list.body.items.every((p: Body) => (p.donor as Body).id === donors.Switzerland)).toBe(
        true,
      );
      const asked = await request(server)
        .get(`/api/v1/pledges?donorId=${donors.Japan}`)
        .set(auth['donor.swiss']);
      expect(asked.body).toMatchObject({ items: [], total: 0 });
      const create = await request(server)
        .post('/api/v1/pledges')
        .set(auth['donor.swiss'])
        .send(pledgeBody());
      expect(create.status).toBe(403);
    });
  });
});

function minor(amount: string): bigint {
  const negative = amount.startsWith('-');
  const [whole, fraction = ''] = amount.replace('-', '').split('.');
  const value = BigInt(whole + fraction.padEnd(2, '0'));
  return negative ? -value : value;
}
