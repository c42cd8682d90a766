import { randomUUID } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { Role } from '../../src/auth/roles';
import { approve } from '../support/approvals';
import { addBankAccount } from '../support/ledger-fixtures';
import { createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

type Auth = { Authorization: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
type Body = Record<string, any>;

/**
 * UN rates (units per USD): CHF 0.90 from 2025, 0.88 from April 2026, 0.92 from June 2026; EUR
 * 0.80 throughout. So 1 EUR = 1.125 CHF until March, 1.10 in April and May, 1.15 from June.
 */
const RATES: Array<[string, string, string]> = [
  ['CHF', '2025-01-01', '0.90'],
  ['CHF', '2026-04-01', '0.88'],
  ['CHF', '2026-06-01', '0.92'],
  ['EUR', '2025-01-01', '0.80'],
];

describe('receipts through the API', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  const auth: Record<string, Auth> = {};

  const as = (user: string) => ({
    get: (url: string) => request(app.getHttpServer()).get(url).set(auth[user]),
    post: (url: string, body: object = {}) =>
      request(app.getHttpServer()).post(url).set(auth[user]).send(body),
  });

  async function newDonor(name: string): Promise<string> {
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO donor (name, normalized_name, type, created_by)
       VALUES ($1, lower($1), 'member_state', 'test') RETURNING id`,
      [`${name} ${randomUUID().slice(0, 6)}`],
    );
    return rows[0].id;
  }

  /** An agreed pledge with the given schedule (amounts in its currency). */
  async function agreedPledge(
    donorId: string,
    currency: string,
    instalments: Array<[string, string]>,
    agreedOn = '2026-02-10',
  ): Promise<Body> {
    const total = instalments
      .map(([, amount]) => BigInt(amount.replace('.', '')))
      .reduce((a, b) => a + b, 0n);
    const created = await as('officer').post('/api/v1/pledges', {
      fund: 'WSIS-TF',
      donorId,
      currency,
      amount: `${total / 100n}.${String(total % 100n).padStart(2, '0')}`,
      announcedOn: '2026-01-15',
      instalments: instalments.map(([dueDate, amount]) => ({ dueDate, amount })),
    });
    expect(created.status).toBe(201);
    const agreed = await as('officer').post(`/api/v1/pledges/${created.body.id}/agreement`, {
      agreedOn,
      documentRef: `AGR-${created.body.reference}`,
    });
    expect(agreed.status).toBe(200);
    return agreed.body;
  }

  const pledge = async (id: string): Promise<Body> =>
    (await as('officer').get(`/api/v1/pledges/${id}`)).body;

  async function balance(account: string, query = ''): Promise<Body> {
    const res = await as('officer').get(
      `/api/v1/funds/WSIS-TF/accounts/${account}/balance${query}`,
    );
    expect(res.status).toBe(200);
    return res.body;
  }

  /** Debit-positive CHF balance of an account as of today. */
  async function chf(account: string, query = ''): Promise<string> {
    return (await balance(account, query)).functional.amount as string;
  }

  async function counts(): Promise<Record<string, number>> {
    const { rows } = await sql.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM receipt) AS receipts,
              (SELECT count(*) FROM receipt_allocation) AS allocations,
              (SELECT count(*) FROM journal_entry) AS entries`,
    );
    return Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]));
  }

  const lineOf = (entry: Body, account: string): Body[] =>
    (entry.lines as Body[]).filter((line) => line.account.code === account);

  beforeAll(async () => {
    db = await createTestDatabase();
    await addBankAccount(db.url, { code: 'CHF-MAIN', currency: 'CHF', id: randomUUID() });
    await addBankAccount(db.url, { code: 'EUR-MAIN', currency: 'EUR', id: randomUUID() });
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    const users = new TestUsers(app);
    const roles: Record<string, Role[]> = {
      officer: ['finance_officer'],
      admin: ['admin'],
      approver: ['approver'],
      auditor: ['auditor'],
    };
    for (const [name, held] of Object.entries(roles)) auth[name] = await users.auth(name, held);
    for (const [currency, effectiveFrom, unitsPerUsd] of RATES) {
      const res = await as('officer').post('/api/v1/exchange-rates', {
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

  it('records a receipt with bank charges and applies it oldest due first, the rest unapplied', async () => {
    const donorId = await newDonor('Switzerland');
    const p = await agreedPledge(donorId, 'CHF', [
      ['2026-03-31', '1000.00'],
      ['2026-06-30', '1000.00'],
    ]);
    const res = await as('officer')
      .post('/api/v1/receipts', {
        bankAccount: 'CHF-MAIN',
        valueDate: '2026-04-02',
        currency: 'CHF',
        grossAmount: '2,500.00',
        bankCharges: '12.50',
        donorId,
        remitterName: 'Swiss Confederation',
        remittanceText: 'Contribution 2026',
        bankReference: 'UBS-0001',
      })
      .set('Idempotency-Key', 'receipt-swiss-1');
    expect(res.status).toBe(201);
    const receipt = res.body;
    expect(receipt.number).toMatch(/^RCT-2026-\d{6}$/);
    expect(receipt).toMatchObject({
      status: 'partially-allocated',
      gross: { currency: 'CHF', amount: '2500.00' },
      charges: { amount: '12.50' },
      net: { amount: '2487.50' },
      allocated: { amount: '2000.00' },
      unapplied: { amount: '500.00' },
    });
    expect(receipt.allocations.map((a: Body) => [a.instalment, a.amount.amount])).toEqual([
      [1, '1000.00'],
      [2, '1000.00'],
    ]);
    const [entry] = receipt.entries as Body[];
    expect(lineOf(entry, '1000')[0]).toMatchObject({ debit: { amount: '2487.50' } });
    expect(lineOf(entry, '5100')[0]).toMatchObject({ debit: { amount: '12.50' } });
    expect(lineOf(entry, '1100').map((l) => l.credit.amount)).toEqual(['1000.00', '1000.00']);
    expect(lineOf(entry, '2000')[0]).toMatchObject({ credit: { amount: '500.00' } });

    const after = await pledge(p.id);
    expect(after.status).toBe('paid');
    expect(after.outstanding.amount).toBe('0.00');

    // The same request again: the same receipt, nothing new.
    const before = await counts();
    const replay = await as('officer')
      .post('/api/v1/receipts', {
        bankAccount: 'CHF-MAIN',
        valueDate: '2026-04-02',
        currency: 'CHF',
        grossAmount: '2,500.00',
        bankCharges: '12.50',
        donorId,
        remitterName: 'Swiss Confederation',
        remittanceText: 'Contribution 2026',
        bankReference: 'UBS-0001',
      })
      .set('Idempotency-Key', 'receipt-swiss-1');
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(receipt.id);
    expect(await counts()).toEqual(before);

    // The same bank reference without the key: the same credit entered twice.
    const twice = await as('officer').post('/api/v1/receipts', {
      bankAccount: 'CHF-MAIN',
      valueDate: '2026-04-02',
      currency: 'CHF',
      grossAmount: '2,500.00',
      donorId,
      bankReference: 'UBS-0001',
    });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('duplicate-receipt');
    expect(twice.body.detail).toContain(receipt.number);
    expect(await counts()).toEqual(before);
  });

  it('applies explicit allocations to named instalments; partial payments leave them partly paid', async () => {
    const donorId = await newDonor('Japan');
    const p = await agreedPledge(donorId, 'CHF', [
      ['2026-03-31', '1000.00'],
      ['2026-06-30', '1000.00'],
      ['2027-03-31', '1000.00'],
    ]);
    const res = await as('officer').post('/api/v1/receipts', {
      bankAccount: 'CHF-MAIN',
      valueDate: '2026-05-05',
      currency: 'CHF',
      grossAmount: '700.00',
      donorId,
      allocations: [
        { pledgeId: p.id, instalment: 3, amount: '400.00' },
        { pledgeId: p.id, instalment: 2, amount: '300.00' },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('allocated');
    const after = await pledge(p.id);
    expect(after.status).toBe('overdue');
    expect(after.instalments.map((i: Body) => [i.seq, i.paid.amount, i.status])).toEqual([
      [1, '0.00', 'overdue'],
      [2, '300.00', 'overdue'],
      [3, '400.00', 'partially-paid'],
    ]);
    expect(after.outstanding.amount).toBe('2300.00');
  });

  it('refuses bad input with field errors and writes nothing', async () => {
    const donorId = await newDonor('Ghana');
    const p = await agreedPledge(donorId, 'CHF', [['2026-06-30', '500.00']]);
    const otherFund = await as('admin').post('/api/v1/funds', {
      code: 'OTHER-TF',
      name: 'Another trust fund',
      functionalCurrency: 'CHF',
    });
    expect([201, 409]).toContain(otherFund.status);
    const otherDonor = await newDonor('Elsewhere');
    const elsewhere = await as('officer').post('/api/v1/pledges', {
      fund: 'OTHER-TF',
      donorId: otherDonor,
      currency: 'CHF',
      amount: '100.00',
      announcedOn: '2026-01-15',
      instalments: [{ dueDate: '2026-06-30', amount: '100.00' }],
    });
    expect(elsewhere.status).toBe(201);
    await as('officer').post(`/api/v1/pledges/${elsewhere.body.id}/agreement`, {
      agreedOn: '2026-02-01',
      documentRef: 'AGR-OTHER',
    });
    const before = await counts();
    const base = {
      bankAccount: 'CHF-MAIN',
      valueDate: '2026-05-05',
      currency: 'CHF',
      grossAmount: '600.00',
      donorId,
    };

    const beyond = await as('officer').post('/api/v1/receipts', {
      ...base,
      allocations: [{ pledgeId: p.id, amount: '550.00' }],
    });
    expect(beyond.status).toBe(422);
    expect(beyond.body.errors[0]).toMatchObject({ field: 'allocations[0].amount' });
    expect(beyond.body.errors[0].reason).toContain('500.00');

    const noRate = await as('officer').post('/api/v1/receipts', {
      ...base,
      bankAccount: 'EUR-MAIN',
      currency: 'EUR',
      valueDate: '2024-12-31',
    });
    expect(noRate.status).toBe(422);
    expect(noRate.body.code).toBe('rate-missing');

    const wrongCurrency = await as('officer').post('/api/v1/receipts', {
      ...base,
      currency: 'EUR',
    });
    expect(wrongCurrency.status).toBe(422);
    expect(wrongCurrency.body.errors[0]).toMatchObject({ field: 'currency' });

    const charges = await as('officer').post('/api/v1/receipts', {
      ...base,
      bankCharges: '600.00',
    });
    expect(charges.status).toBe(422);
    expect(charges.body.errors[0]).toMatchObject({ field: 'bankCharges' });

    // Another fund's pledge is not an open pledge of this fund.
    const otherFundPledge = await as('officer').post('/api/v1/receipts', {
      ...base,
      allocations: [{ pledgeId: elsewhere.body.id, amount: '50.00' }],
    });
    expect(otherFundPledge.status).toBe(422);
    expect(otherFundPledge.body.errors[0]).toMatchObject({ field: 'allocations[0].pledgeId' });

    const closed = await as('officer').post('/api/v1/funds/WSIS-TF/periods/2026-01/close', {});
    expect(closed.status).toBe(201);
    const inClosed = await as('officer').post('/api/v1/receipts', {
      ...base,
      valueDate: '2026-01-20',
    });
    expect(inClosed.status).toBe(422);
    expect(inClosed.body.code).toBe('period-closed');

    const future = await as('officer').post('/api/v1/receipts', {
      ...base,
      valueDate: '2099-01-01',
    });
    expect(future.status).toBe(422);
    expect(future.body.errors[0]).toMatchObject({ field: 'valueDate' });

    expect(await counts()).toEqual(before);
    expect((await pledge(p.id)).outstanding.amount).toBe('500.00');
  });

  it('books the FX difference of each partial payment on the part paid, and clears the receivable to zero in both currencies', async () => {
    const donorId = await newDonor('Germany');
    // EUR 10,000 agreed at 1.125: receivable CHF 11,250.00.
    const p = await agreedPledge(donorId, 'EUR', [
      ['2026-03-31', '3000.00'],
      ['2026-06-30', '3000.00'],
      ['2026-09-30', '4000.00'],
    ]);
    const receive = async (valueDate: string, gross: string, charges = '0') =>
      as('officer').post('/api/v1/receipts', {
        bankAccount: 'EUR-MAIN',
        valueDate,
        currency: 'EUR',
        grossAmount: gross,
        bankCharges: charges,
        donorId,
        remittanceText: `${p.reference as string}`,
      });
    // 3,000 at 1.10 = CHF 3,300.00; relieves 3/10 of 11,250 = 3,375.00: loss 75.00.
    const first = await receive('2026-04-15', '3000.00', '15.00');
    expect(first.status).toBe(201);
    expect(first.body.grossFunctional.amount).toBe('3300.00');
    expect(first.body.allocations[0]).toMatchObject({
      value: { amount: '3300.00' },
      relieved: { amount: '3375.00' },
      fx: { amount: '-75.00' },
    });
    const firstEntry = first.body.entries[0] as Body;
    expect(lineOf(firstEntry, '5200')[0]).toMatchObject({
      debit: { currency: 'EUR', amount: '0.00' },
      functional: { currency: 'CHF', amount: '75.00' },
    });
    expect(lineOf(firstEntry, '5100')[0].functional.amount).toBe('16.50');
    expect(lineOf(firstEntry, '1000')[0].functional.amount).toBe('3283.50');
    expect(lineOf(firstEntry, '1100')[0].functional.amount).toBe('-3375.00');
    // 1,000 at 1.15 = 1,150.00; relieves 1/7 of the 7,875.00 left = 1,125.00: gain 25.00.
    const second = await receive('2026-06-10', '1000.00');
    expect(second.body.allocations[0]).toMatchObject({
      relieved: { amount: '1125.00' },
      fx: { amount: '25.00' },
    });
    // The last 6,000 at 1.15 = 6,900.00 relieves all 6,750.00 left: gain 150.00, over the two
    // instalments it pays (2,000 and 4,000 of the 6,000).
    const last = await receive('2026-06-20', '6000.00');
    expect(
      last.body.allocations.map((a: Body) => [a.instalment, a.relieved.amount, a.fx.amount]),
    ).toEqual([
      [2, '2250.00', '50.00'],
      [3, '4500.00', '100.00'],
    ]);

    const after = await pledge(p.id);
    expect(after.status).toBe('paid');
    expect(after.outstanding).toEqual({ currency: 'EUR', amount: '0.00' });
    expect(after.outstandingFunctional).toEqual({ currency: 'CHF', amount: '0.00' });
    // Realised FX over the pledge: what the money was worth minus what was booked.
    const fx = [first, second, last]
      .flatMap((r) => r.body.allocations as Body[])
      .map((a) => Math.round(Number(a.fx.amount) * 100))
      .reduce((a, b) => a + b, 0);
    expect(fx).toBe(1135000 - 1125000);
  });

  it('applies a receipt in another currency than the pledge at the rate of the value date (EUR pledge paid in CHF)', async () => {
    const donorId = await newDonor('Austria');
    const p = await agreedPledge(donorId, 'EUR', [['2026-06-30', '2000.00']]);
    // CHF 1,150.00 on 2026-06-10: 1 EUR = 1.15 CHF, so it pays EUR 1,000.00.
    const res = await as('officer').post('/api/v1/receipts', {
      bankAccount: 'CHF-MAIN',
      valueDate: '2026-06-10',
      currency: 'CHF',
      grossAmount: '1150.00',
      donorId,
      allocations: [{ pledgeId: p.id, amount: '1000.00' }],
    });
    expect(res.status).toBe(201);
    expect(res.body.allocations[0]).toMatchObject({
      amount: { currency: 'CHF', amount: '1150.00' },
      pledgeAmount: { currency: 'EUR', amount: '1000.00' },
      value: { amount: '1150.00' },
      relieved: { amount: '1125.00' },
      fx: { amount: '25.00' },
    });
    const entry = res.body.entries[0] as Body;
    expect(
      lineOf(entry, '1900').map((l) => [l.debit?.amount ?? null, l.credit?.amount ?? null]),
    ).toEqual([
      ['1000.00', null],
      [null, '1150.00'],
    ]);
    const after = await pledge(p.id);
    expect(after.outstanding.amount).toBe('1000.00');
    expect(after.outstandingFunctional.amount).toBe('1125.00');
  });

  it('keeps an unidentified receipt in suspense until its donor is assigned, then allocates it', async () => {
    const donorId = await newDonor('Kenya');
    const p = await agreedPledge(donorId, 'CHF', [['2026-06-30', '800.00']]);
    const suspenseBefore = await chf('2300');
    const res = await as('officer').post('/api/v1/receipts', {
      bankAccount: 'CHF-MAIN',
      valueDate: '2026-05-12',
      currency: 'CHF',
      grossAmount: '800.00',
      remitterName: 'MIN FIN NAIROBI',
      remittanceText: 'CONTRIBUTION',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'unidentified', donor: null });
    expect(lineOf(res.body.entries[0], '2300')[0].credit.amount).toBe('800.00');
    const queue = await as('officer').get('/api/v1/receipts?queue=unidentified');
    expect(queue.body.items.map((r: Body) => r.id)).toContain(res.body.id);

    const refused = await as('officer').post(`/api/v1/receipts/${res.body.id}/allocations`, {
      allocation: 'auto',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('receipt-unidentified');

    const assigned = await as('officer').post(`/api/v1/receipts/${res.body.id}/donor`, {
      donorId,
      date: '2026-05-20',
    });
    expect(assigned.status).toBe(200);
    expect(assigned.body.status).toBe('unapplied');
    expect(await chf('2300')).toBe(suspenseBefore);

    const open = await as('officer').get(`/api/v1/receipts/${res.body.id}/open-instalments`);
    expect(open.body).toEqual([
      expect.objectContaining({
        pledgeId: p.id,
        instalment: 1,
        amountDue: { currency: 'CHF', amount: '800.00' },
      }),
    ]);
    const allocated = await as('officer').post(`/api/v1/receipts/${res.body.id}/allocations`, {
      date: '2026-05-20',
      allocation: 'auto',
    });
    expect(allocated.status).toBe(200);
    expect(allocated.body.status).toBe('allocated');
    expect((await pledge(p.id)).status).toBe('paid');
  });

  it('keeps an overpayment as the donor’s unapplied credit and applies it later to another pledge, with its FX difference', async () => {
    const donorId = await newDonor('France');
    const first = await agreedPledge(donorId, 'EUR', [['2026-05-31', '1000.00']]);
    // EUR 1,500 on 2026-04-20 (1.10): 1,000 pays the pledge, 500 (CHF 550.00) stays unapplied.
    const res = await as('officer').post('/api/v1/receipts', {
      bankAccount: 'EUR-MAIN',
      valueDate: '2026-04-20',
      currency: 'EUR',
      grossAmount: '1500.00',
      donorId,
    });
    expect(res.body).toMatchObject({
      status: 'partially-allocated',
      unapplied: { amount: '500.00' },
      unappliedFunctional: { amount: '550.00' },
    });
    const queue = await as('officer').get(`/api/v1/receipts?queue=unapplied&donorId=${donorId}`);
    expect(queue.body.items.map((r: Body) => r.id)).toEqual([res.body.id]);

    // A second pledge, agreed in June at 1.15: EUR 500 booked as CHF 575.00.
    const second = await agreedPledge(donorId, 'EUR', [['2026-09-30', '500.00']], '2026-06-05');
    const applied = await as('officer').post(`/api/v1/receipts/${res.body.id}/allocations`, {
      date: '2026-06-15',
      allocations: [{ pledgeId: second.id, amount: '500.00' }],
    });
    expect(applied.status).toBe(200);
    expect(applied.body.status).toBe('allocated');
    const later = (applied.body.allocations as Body[]).find(
      (a) => a.pledgeId === second.id,
    ) as Body;
    expect(later).toMatchObject({
      value: { amount: '550.00' },
      relieved: { amount: '575.00' },
      fx: { amount: '-25.00' },
    });
    const entry = (applied.body.entries as Body[]).find(
      (e) => e.source.type === 'receipt-allocation',
    ) as Body;
    expect(lineOf(entry, '2000')[0]).toMatchObject({
      debit: { amount: '500.00' },
      functional: { amount: '550.00' },
    });
    expect((await pledge(second.id)).status).toBe('paid');
    expect((await pledge(first.id)).status).toBe('paid');
  });

  it('refunds unapplied money and reverses a receipt only with a second person’s approval; the original stays, linked to its reversal', async () => {
    const donorId = await newDonor('Norway');
    const p = await agreedPledge(donorId, 'CHF', [['2026-06-30', '1000.00']]);
    const res = await as('officer').post('/api/v1/receipts', {
      bankAccount: 'CHF-MAIN',
      valueDate: '2026-05-02',
      currency: 'CHF',
      grossAmount: '1300.00',
      donorId,
    });
    expect(res.body.unapplied.amount).toBe('300.00');

    const tooMuch = await as('officer').post(`/api/v1/receipts/${res.body.id}/refund`, {
      amount: '301.00',
      date: '2026-05-10',
      reason: 'Overpayment returned',
    });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.errors[0]).toMatchObject({ field: 'amount' });

    const refund = await as('officer').post(`/api/v1/receipts/${res.body.id}/refund`, {
      amount: '300.00',
      date: '2026-05-10',
      reason: 'Overpayment returned at the donor’s request',
    });
    expect(refund.status).toBe(202);
    expect((await as('officer').get(`/api/v1/receipts/${res.body.id}`)).body.refunded.amount).toBe(
      '0.00',
    );
    const selfApproval = await approve(app, refund.body.id, auth.officer);
    expect(selfApproval.status).toBe(403);
    const approved = await approve(app, refund.body.id, auth.approver);
    expect(approved.status).toBe(200);
    expect(approved.body.result).toMatchObject({
      status: 'allocated',
      refunded: { amount: '300.00' },
      unapplied: { amount: '0.00' },
    });
    const refundEntry = (approved.body.result.entries as Body[]).find(
      (e) => e.source.type === 'receipt-refund',
    ) as Body;
    expect(lineOf(refundEntry, '1000')[0].credit.amount).toBe('300.00');

    // A receipt recorded by mistake: reversed as a whole, the pledge gets its receivable back.
    const mistake = await as('officer').post('/api/v1/receipts', {
      bankAccount: 'CHF-MAIN',
      valueDate: '2026-05-03',
      currency: 'CHF',
      grossAmount: '400.00',
      donorId: await newDonor('Typo'),
      allocation: 'none',
    });
    const donorTwo = await newDonor('Iceland');
    const p2 = await agreedPledge(donorTwo, 'CHF', [['2026-06-30', '400.00']]);
    const wrong = await as('officer').post('/api/v1/receipts', {
      bankAccount: 'CHF-MAIN',
      valueDate: '2026-05-03',
      currency: 'CHF',
      grossAmount: '400.00',
      donorId: donorTwo,
    });
    expect((await pledge(p2.id)).status).toBe('paid');
    const cashBefore = await chf('1000');
    const reversal = await as('officer').post(`/api/v1/receipts/${wrong.body.id}/reversal`, {
      date: '2026-05-15',
      reason: 'Entered twice: same credit as another receipt',
    });
    expect(reversal.status).toBe(202);
    const done = await approve(app, reversal.body.id, auth.approver);
    expect(done.status).toBe(200);
    const reversed = (await as('auditor').get(`/api/v1/receipts/${wrong.body.id}`)).body;
    expect(reversed.status).toBe('reversed');
    const original = (reversed.entries as Body[]).find((e) => e.id === wrong.body.entryId) as Body;
    const undo = (reversed.entries as Body[]).find(
      (e) => e.reversesEntryId === wrong.body.entryId,
    ) as Body;
    expect(undo).toBeDefined();
    expect(original.reversedByEntryId).toBe(undo.id);
    expect(reversed.events).toEqual([
      expect.objectContaining({ kind: 'reversed', entryId: undo.id, approvalId: reversal.body.id }),
    ]);
    expect(reversed.allocations.map((a: Body) => a.amount.amount)).toEqual(['400.00', '-400.00']);
    expect((await pledge(p2.id)).outstanding.amount).toBe('400.00');
    expect(Number(await chf('1000'))).toBeCloseTo(Number(cashBefore) - 400, 2);
    const again = await as('officer').post(`/api/v1/receipts/${wrong.body.id}/reversal`, {
      date: '2026-05-16',
      reason: 'Again',
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('receipt-reversed');
    expect(mistake.status).toBe(201);
    expect((await pledge(p.id)).status).toBe('paid');
  });
});
