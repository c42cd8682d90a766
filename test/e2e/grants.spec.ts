import { randomUUID } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { Role } from '../../src/auth/roles';
import { approve } from '../support/approvals';
import { addBankAccount } from '../support/ledger-fixtures';
import { createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase, testEngine } from '../support/test-database';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
type Body = Record<string, any>;
const onServer = testEngine() === 'postgres' ? it : it.skip;

describe('participation grants: eligibility, approval and budget control', () => {
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

  async function newEvent(
    rule: 'ldc-only' | 'ldc-and-developing' | 'ldc-first',
    budget = '100000.00',
  ): Promise<string> {
    const code = `EV-${randomUUID().slice(0, 8).toUpperCase()}`;
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO grant_event (fund_id, earmark_id, code, name, place, starts_on, ends_on,
         budget_minor, eligibility_rule, offers_full, offers_partial_ticket,
         offers_partial_allowance, offers_remote, remote_amount_minor, created_by)
       SELECT f.id, e.id, $1, 'WSIS+20 review meeting', 'Geneva', '2026-12-07', '2026-12-11',
              $2, $3, true, true, true, true, 50000, 'test'
         FROM fund f JOIN earmark e ON e.fund_id = f.id AND e.code = 'PARTICIPATION-GRANTS'
        WHERE f.code = 'WSIS-TF' RETURNING grant_event.id`,
      [code, Math.round(Number(budget) * 100), rule],
    );
    return rows[0].id;
  }

  async function newParticipant(name: string, country: string): Promise<string> {
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO participant (name, normalized_name, gender, country, organisation,
         stakeholder_group, created_by)
       VALUES ($1, lower($1), 'female', $2, 'Ministry of ICT', 'government', 'test') RETURNING id`,
      [`${name} ${randomUUID().slice(0, 4)}`, country],
    );
    return rows[0].id;
  }

  const requestGrant = (body: Body) => as('officer').post('/api/v1/grants', body);

  async function available(): Promise<string> {
    const res = await as('officer').get(
      '/api/v1/funds/WSIS-TF/earmarks/PARTICIPATION-GRANTS/available',
    );
    expect(res.status).toBe(200);
    return res.body.available.amount as string;
  }

  /** Money for the earmark: a donor's pledge paid by a receipt (net of its bank charges). */
  async function fund(donor: string, gross: string, charges: string, valueDate: string) {
    const pledge = await as('officer').post('/api/v1/pledges', {
      fund: 'WSIS-TF',
      donorId: donors[donor],
      earmark: 'PARTICIPATION-GRANTS',
      currency: 'CHF',
      amount: gross,
      announcedOn: '2026-01-10',
      instalments: [{ dueDate: '2026-06-30', amount: gross }],
    });
    expect(pledge.status).toBe(201);
    await as('officer').post(`/api/v1/pledges/${pledge.body.id}/agreement`, {
      agreedOn: '2026-01-20',
      documentRef: `AGR-${donor}-${randomUUID().slice(0, 6)}`,
    });
    const receipt = await as('officer').post('/api/v1/receipts', {
      bankAccount: 'CHF-MAIN',
      valueDate,
      currency: 'CHF',
      grossAmount: gross,
      bankCharges: charges,
      donorId: donors[donor],
    });
    expect(receipt.status).toBe(201);
    expect(receipt.body.status).toBe('allocated');
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    await addBankAccount(db.url, { code: 'CHF-MAIN', currency: 'CHF', id: randomUUID() });
    app = await createTestApp(db, {
      env: { API_RATE_LIMIT_PER_MINUTE: '100000', DB_POOL_SIZE: '20' },
    });
    sql = await connect(db.url);
    const users = new TestUsers(app);
    const roles: Record<string, Role[]> = {
      officer: ['finance_officer'],
      approver: ['approver'],
      admin: ['admin'],
    };
    for (const [name, held] of Object.entries(roles)) auth[name] = await users.auth(name, held);
    for (const name of ['Sweden', 'Japan']) {
      const { rows } = await sql.query<{ id: string }>(
        `INSERT INTO donor (name, normalized_name, type, created_by)
         VALUES ($1, lower($1), 'member_state', 'test') RETURNING id`,
        [name],
      );
      donors[name] = rows[0].id;
    }
    // Sweden paid first (CHF 3,000 less 10.00 charges), Japan later (CHF 2,000): 4,990.00.
    await fund('Sweden', '3000.00', '10.00', '2026-03-02');
    await fund('Japan', '2000.00', '0', '2026-04-15');
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  it('decides eligibility on the decision date: Nepal is an LDC until 2026-11-24, until its graduation is deferred', async () => {
    const event = await newEvent('ldc-only');
    const person = await newParticipant('Sita Sharma', 'NP');
    const ask = (decisionDate: string) =>
      as('officer').post('/api/v1/grants/eligibility', {
        eventId: event,
        participantId: person,
        kind: 'partial-ticket',
        decisionDate,
      });
    expect((await ask('2026-11-20')).body).toMatchObject({ eligible: true, countryStatus: 'ldc' });
    const after = await ask('2026-11-30');
    expect(after.body).toMatchObject({ eligible: false, countryStatus: 'developing' });
    expect(after.body.failed).toEqual([expect.objectContaining({ rule: 'countryStatus' })]);

    const refused = await requestGrant({
      eventId: event,
      participantId: person,
      kind: 'partial-ticket',
      ticket: '900.00',
      decisionDate: '2026-11-30',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('grant-ineligible');
    expect(refused.body.errors[0]).toMatchObject({ rule: 'countryStatus' });
    expect(refused.body.detail).toContain('NP is not a Least Developed Country on 2026-11-30');
    expect((await sql.query(`SELECT 1 FROM participation_grant`)).rowCount).toBe(0);

    const granted = await requestGrant({
      eventId: event,
      participantId: person,
      kind: 'partial-ticket',
      ticket: '900.00',
      decisionDate: '2026-11-20',
    });
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({
      status: 'requested',
      number: expect.stringMatching(/^GR-2026-\d{4}$/),
      eligibility: { eligible: true, countryStatus: 'ldc' },
    });

    // An admin records the deferral of Nepal's graduation: the same request is now eligible.
    const statuses = (await as('admin').get('/api/v1/countries/NP')).body.statuses as Body[];
    const ldc = statuses.find((status) => status.kind === 'ldc' && status.current) as Body;
    const deferred = await as('admin').post(`/api/v1/countries/NP/statuses/${ldc.id}/supersede`, {
      validTo: '2029-11-24',
      source: 'UN General Assembly resolution deferring the graduation of Nepal (test)',
      reason: 'Graduation deferred at the request of Nepal',
    });
    expect(deferred.status).toBe(201);
    expect((await ask('2026-11-30')).body).toMatchObject({ eligible: true, countryStatus: 'ldc' });
  });

  it('allows one full or two partial grants per country and event, one of them the ticket; a third is refused', async () => {
    const event = await newEvent('ldc-and-developing');
    const grant = async (country: string, kind: string, amounts: Body) =>
      requestGrant({
        eventId: event,
        participantId: await newParticipant('Participant', country),
        kind,
        decisionDate: '2026-06-01',
        ...amounts,
      });
    expect((await grant('SN', 'partial-allowance', { allowance: '800.00' })).status).toBe(201);
    const twoAllowances = await grant('SN', 'partial-allowance', { allowance: '800.00' });
    expect(twoAllowances.status).toBe(422);
    expect(twoAllowances.body.errors[0]).toMatchObject({ rule: 'perCountryPerEvent' });
    expect((await grant('SN', 'partial-ticket', { ticket: '1200.00' })).status).toBe(201);
    const third = await grant('SN', 'partial-ticket', { ticket: '1200.00' });
    expect(third.status).toBe(422);
    expect(third.body.errors[0]).toMatchObject({ rule: 'perCountryPerEvent' });
    expect(third.body.detail).toContain('two partial grants');
    // Another country is not affected; a full grant takes the whole allowance of a country.
    expect((await grant('KE', 'full', { ticket: '1200.00', allowance: '900.00' })).status).toBe(
      201,
    );
    expect((await grant('KE', 'partial-ticket', { ticket: '1200.00' })).status).toBe(422);
    // A developed country is not eligible under this rule.
    const swiss = await grant('CH', 'partial-ticket', { ticket: '300.00' });
    expect(swiss.body.errors[0]).toMatchObject({ rule: 'countryStatus' });
  });

  it('allows one full grant per person and financial year', async () => {
    const person = await newParticipant('Amadou Diallo', 'ML');
    const first = await requestGrant({
      eventId: await newEvent('ldc-first'),
      participantId: person,
      kind: 'full',
      ticket: '1000.00',
      allowance: '500.00',
      decisionDate: '2026-03-01',
    });
    expect(first.status).toBe(201);
    expect(first.body.eligibility).toMatchObject({ priority: 1 });
    const second = await requestGrant({
      eventId: await newEvent('ldc-first'),
      participantId: person,
      kind: 'partial-ticket',
      ticket: '1000.00',
      decisionDate: '2026-09-01',
    });
    expect(second.status).toBe(422);
    expect(second.body.errors[0]).toMatchObject({ rule: 'perPersonPerYear' });
    const nextYear = await requestGrant({
      eventId: await newEvent('ldc-first'),
      participantId: person,
      kind: 'partial-ticket',
      ticket: '1000.00',
      decisionDate: '2027-01-15',
    });
    expect(nextYear.status).toBe(201);
  });

  it('approves only with a second person, commits the money and attributes it to the oldest receipts first', async () => {
    const before = await available();
    expect(before).toBe('4990.00');
    const event = await newEvent('ldc-only');
    const res = await requestGrant({
      eventId: event,
      participantId: await newParticipant('Rahel Tesfaye', 'ET'),
      kind: 'full',
      ticket: '2500.00',
      allowance: '1000.00',
      decisionDate: '2026-06-01',
    });
    expect(res.status).toBe(201);
    const asked = await as('officer').post(`/api/v1/grants/${res.body.id}/approval`);
    expect(asked.status).toBe(202);
    expect((await approve(app, asked.body.id, auth.officer)).status).toBe(403);
    const done = await approve(app, asked.body.id, auth.approver);
    expect(done.status).toBe(200);
    expect(done.body.result).toMatchObject({
      status: 'approved',
      committed: { amount: '3500.00' },
      attributions: expect.arrayContaining([
        expect.objectContaining({
          donorId: donors.Sweden,
          amount: { currency: 'CHF', amount: '2990.00' },
        }),
        expect.objectContaining({
          donorId: donors.Japan,
          amount: { currency: 'CHF', amount: '510.00' },
        }),
      ]),
    });
    expect(await available()).toBe('1490.00');

    // Beyond what is available: refused with the amount available, nothing committed.
    const big = await requestGrant({
      eventId: event,
      participantId: await newParticipant('Too much', 'BF'),
      kind: 'full',
      ticket: '1000.00',
      allowance: '600.00',
      decisionDate: '2026-06-01',
    });
    const refused = await as('officer').post(`/api/v1/grants/${big.body.id}/approval`);
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('insufficient-funds');
    expect(refused.body.detail).toContain('CHF 1490.00 available');
    expect(refused.body.available).toBe('CHF 1490.00');
    expect(await available()).toBe('1490.00');

    // Attribution never exceeds what a donor paid for the earmark.
    const { rows } = await sql.query<{ donor_id: string; attributed: string }>(
      `SELECT donor_id, sum(amount_minor)::text AS attributed FROM grant_attribution GROUP BY donor_id`,
    );
    const paid: Record<string, bigint> = { [donors.Sweden]: 299000n, [donors.Japan]: 200000n };
    for (const row of rows) expect(BigInt(row.attributed) <= paid[row.donor_id]).toBe(true);
  });

  it('lets an exception through only with its reason, shown to the approver', async () => {
    const event = await newEvent('ldc-only');
    const person = await newParticipant('Guest speaker', 'IN');
    const without = await requestGrant({
      eventId: event,
      participantId: person,
      kind: 'remote',
      decisionDate: '2026-06-01',
    });
    expect(without.status).toBe(422);
    const withReason = await requestGrant({
      eventId: event,
      participantId: person,
      kind: 'remote',
      decisionDate: '2026-06-01',
      exception: { reason: 'Invited keynote speaker of the closing session' },
    });
    expect(withReason.status).toBe(201);
    expect(withReason.body).toMatchObject({
      amount: { amount: '500.00' },
      exceptionReason: 'Invited keynote speaker of the closing session',
      eligibility: { eligible: false },
    });
    const asked = await as('officer').post(`/api/v1/grants/${withReason.body.id}/approval`);
    expect(asked.status).toBe(202);
    expect(asked.body.summary).toContain('EXCEPTION: Invited keynote speaker');
    expect((await approve(app, asked.body.id, auth.approver)).body.result.status).toBe('approved');
  });

  onServer(
    'lets concurrent approvals together commit no more than is available (server only: the embedded database runs one transaction at a time)',
    async () => {
      await fund('Sweden', '3000.00', '0', '2026-05-04');
      const left = Math.round(Number(await available()) * 100);
      expect(left).toBeGreaterThan(5 * 50000);
      const event = await newEvent('ldc-and-developing');
      const grants: string[] = [];
      for (let index = 0; index < 12; index += 1) {
        const res = await requestGrant({
          eventId: event,
          participantId: await newParticipant(
            `Parallel ${index}`,
            ['GH', 'NG', 'UG', 'TZ', 'ZM', 'MW'][index % 6],
          ),
          kind: 'remote',
          decisionDate: '2026-06-01',
        });
        expect(res.status).toBe(201);
        grants.push(res.body.id as string);
      }
      const requests = [];
      for (const id of grants) {
        const asked = await as('officer').post(`/api/v1/grants/${id}/approval`);
        expect(asked.status).toBe(202);
        requests.push(asked.body.id as string);
      }
      const answers = await Promise.all(requests.map((id) => approve(app, id, auth.approver)));
      const accepted = answers.filter((answer) => answer.status === 200).length;
      expect(answers.every((answer) => [200, 422].includes(answer.status))).toBe(true);
      expect(accepted).toBe(Math.min(12, Math.floor(left / 50000)));
      expect(Number((await available()).replace(',', ''))).toBeGreaterThanOrEqual(0);
    },
    60_000,
  );
});
