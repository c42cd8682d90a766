import { randomUUID } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { Role } from '../../src/auth/roles';
import { Money } from '../../src/money/money';
import { addBankAccount } from '../support/ledger-fixtures';
import { createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

type Auth = { Authorization: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
type Body = Record<string, any>;

/**
 * UN rates (units per USD), as in receipts.spec.ts: CHF 0.90 from 2025, 0.92 from June 2026; EUR
 * 0.80 throughout. So 1 EUR = 1.125 CHF when the pledges are agreed, 1.15 on the value date.
 */
const RATES: Array<[string, string, string]> = [
  ['CHF', '2025-01-01', '0.90'],
  ['CHF', '2026-06-01', '0.92'],
  ['EUR', '2025-01-01', '0.80'],
];

/**
 * A receipt in EUR applied oldest due first to a donor's pledges in CHF (the fund's currency) and
 * in EUR: the rounding left over when its CHF value is split over the parts must not land on a
 * line in CHF, where the functional amount is the amount.
 */
describe('receipt FX rounding through the API', () => {
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

  /** An agreed pledge of one instalment, in its currency. */
  async function agreedPledge(
    donorId: string,
    currency: string,
    dueDate: string,
    amount: string,
  ): Promise<Body> {
    const created = await as('officer').post('/api/v1/pledges', {
      fund: 'WSIS-TF',
      donorId,
      currency,
      amount,
      announcedOn: '2026-01-15',
      instalments: [{ dueDate, amount }],
    });
    expect(created.status).toBe(201);
    const agreed = await as('officer').post(`/api/v1/pledges/${created.body.id}/agreement`, {
      agreedOn: '2026-02-10',
      documentRef: `AGR-${created.body.reference}`,
    });
    expect(agreed.status).toBe(200);
    return agreed.body;
  }

  const pledge = async (id: string): Promise<Body> =>
    (await as('officer').get(`/api/v1/pledges/${id}`)).body;

  const money = (json: { currency: string; amount: string }): Money =>
    Money.parse(json.amount, json.currency);

  /** A line's transaction amount, debit positive. */
  const amountOf = (line: Body): Money =>
    line.debit === null ? money(line.credit).negate() : money(line.debit);

  beforeAll(async () => {
    db = await createTestDatabase();
    await addBankAccount(db.url, { code: 'EUR-MAIN', currency: 'EUR', id: randomUUID() });
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    const users = new TestUsers(app);
    const roles: Record<string, Role[]> = { officer: ['finance_officer'] };
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

  it('records a EUR receipt applied to CHF and EUR pledges exact to the cent, the rounding on an FX line', async () => {
    const donorId = await newDonor('Liechtenstein');
    const first = await agreedPledge(donorId, 'CHF', '2026-03-31', '800.00');
    const second = await agreedPledge(donorId, 'CHF', '2026-04-30', '800.00');
    const third = await agreedPledge(donorId, 'EUR', '2026-05-31', '300.00');
    const res = await as('officer').post('/api/v1/receipts', {
      bankAccount: 'EUR-MAIN',
      valueDate: '2026-06-15',
      currency: 'EUR',
      grossAmount: '1,234.56',
      bankCharges: '7.89',
      donorId,
      allocation: 'auto',
    });
    expect({ status: res.status, body: res.status === 201 ? undefined : res.body }).toEqual({
      status: 201,
    });
    const receipt = res.body;

    // At 1.15: CHF 800.00 takes EUR 695.65 (worth CHF 799.9975); the EUR 538.91 left pays CHF
    // 619.75 of the second pledge; nothing reaches the EUR pledge. The gross is worth CHF
    // 1,419.74, the parts 800.00 + 619.75: the cent left over goes to the largest part, whose
    // value is CHF 799.99 for CHF 800.00 relieved, a realised loss of CHF 0.01.
    expect(receipt).toMatchObject({
      status: 'allocated',
      gross: { currency: 'EUR', amount: '1234.56' },
      charges: { currency: 'EUR', amount: '7.89' },
      net: { currency: 'EUR', amount: '1226.67' },
      grossFunctional: { currency: 'CHF', amount: '1419.74' },
      allocated: { currency: 'EUR', amount: '1234.56' },
      unapplied: { currency: 'EUR', amount: '0.00' },
    });
    expect(
      (receipt.allocations as Body[]).map((a) => [
        a.pledgeId,
        a.amount.amount,
        a.pledgeAmount.amount,
        a.value.amount,
        a.relieved.amount,
        a.fx.amount,
      ]),
    ).toEqual([
      [first.id, '695.65', '800.00', '799.99', '800.00', '-0.01'],
      [second.id, '538.91', '619.75', '619.75', '619.75', '0.00'],
    ]);
    // What was applied and what is left make up what the donor is credited with: the gross (the
    // bank charges are the fund's expense, not the donor's); the net is the gross less charges.
    expect(money(receipt.allocated).add(money(receipt.unapplied))).toEqual(money(receipt.gross));
    expect(money(receipt.net)).toEqual(money(receipt.gross).subtract(money(receipt.charges)));

    const [entry] = receipt.entries as Body[];
    const lines = entry.lines as Body[];
    // Balanced in each transaction currency and in CHF.
    const totals = new Map<string, Money>();
    for (const line of lines) {
      const amount = amountOf(line);
      totals.set(
        amount.currency,
        (totals.get(amount.currency) ?? Money.zero(amount.currency)).add(amount),
      );
    }
    expect([...totals.values()].filter((total) => !total.isZero())).toEqual([]);
    expect(
      Money.sum(
        'CHF',
        lines.map((line) => money(line.functional)),
      ),
    ).toEqual(Money.zero('CHF'));
    // Every line in CHF is worth its own amount.
    const inChf = lines.filter((line) => amountOf(line).currency === 'CHF');
    expect(inChf.length).toBeGreaterThan(0);
    for (const line of inChf) {
      expect({ account: line.account.code, functional: money(line.functional) }).toEqual({
        account: line.account.code,
        functional: amountOf(line),
      });
    }
    // The cent is an FX loss, kept in EUR (a line with a functional amount only).
    expect(lines.filter((line) => line.account.code === '5200')).toEqual([
      expect.objectContaining({
        debit: { currency: 'EUR', amount: '0.00' },
        functional: { currency: 'CHF', amount: '0.01' },
      }),
    ]);

    // The pledges, to the cent.
    expect(await pledge(first.id)).toMatchObject({
      status: 'paid',
      outstanding: { currency: 'CHF', amount: '0.00' },
      outstandingFunctional: { currency: 'CHF', amount: '0.00' },
    });
    expect(await pledge(second.id)).toMatchObject({
      outstanding: { currency: 'CHF', amount: '180.25' },
      outstandingFunctional: { currency: 'CHF', amount: '180.25' },
    });
    // EUR 300 agreed at 1.125: CHF 337.50, untouched.
    expect(await pledge(third.id)).toMatchObject({
      outstanding: { currency: 'EUR', amount: '300.00' },
      outstandingFunctional: { currency: 'CHF', amount: '337.50' },
    });

    // GET answers the same receipt.
    const read = await as('officer').get(`/api/v1/receipts/${receipt.id as string}`);
    expect(read.status).toBe(200);
    expect(read.body.allocations).toEqual(receipt.allocations);
  });
});
