import { randomUUID } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { Role } from '../../src/auth/roles';
import { addBankAccount } from '../support/ledger-fixtures';
import { createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

type Auth = { Authorization: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, compared whole
type Body = Record<string, any>;

/** UN rates (units per USD), as in receipts.spec.ts: EUR/CHF 1.125, then 1.10 (April), 1.15 (June). */
const RATES: Array<[string, string, string]> = [
  ['CHF', '2025-01-01', '0.90'],
  ['CHF', '2026-04-01', '0.88'],
  ['CHF', '2026-06-01', '0.92'],
  ['EUR', '2025-01-01', '0.80'],
];

const DUE_DATES = ['2026-03-31', '2026-06-30', '2026-12-31'];

/** A small seeded generator (mulberry32): the same receipts on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The answer to POST /api/v1/receipts is built from what the request wrote, not read back (the
 * receipt and entry counters are held until commit). It must be what GET /api/v1/receipts/:id
 * reads right after, field for field, and the audit record's "after" what the audit keeps of it.
 */
describe('the answer to recording a receipt', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  const auth: Record<string, Auth> = {};

  const as = (user: string) => ({
    get: (url: string, query: object = {}) =>
      request(app.getHttpServer()).get(url).query(query).set(auth[user]),
    post: (url: string, body: object = {}, headers: Record<string, string> = {}) =>
      request(app.getHttpServer()).post(url).set(auth[user]).set(headers).send(body),
  });

  async function newDonor(name: string): Promise<string> {
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO donor (name, normalized_name, type, created_by)
       VALUES ($1, lower($1), 'member_state', 'test') RETURNING id`,
      [`${name} ${randomUUID().slice(0, 6)}`],
    );
    return rows[0].id;
  }

  /** An agreed pledge with the given schedule (amounts in its currency, two decimals). */
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

  /** Records the receipt and holds its answer and its audit record to the receipt as re-read. */
  async function recordAndCompare(body: Body, idempotencyKey?: string): Promise<Body> {
    const headers: Record<string, string> =
      idempotencyKey === undefined ? {} : { 'Idempotency-Key': idempotencyKey };
    const res = await as('officer').post('/api/v1/receipts', body, headers);
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    const read = await as('officer').get(`/api/v1/receipts/${res.body.id}`);
    expect(read.status).toBe(200);
    expect(res.body).toStrictEqual(read.body);
    const audit = await as('auditor').get('/api/v1/audit', {
      entityType: 'receipt',
      entityId: res.body.id,
      action: 'receipt.record',
    });
    expect(audit.status).toBe(200);
    expect(audit.body).toHaveLength(1);
    const { entries, ...state } = read.body;
    expect(entries).toHaveLength(1);
    expect(audit.body[0].after).toStrictEqual(state);
    if (idempotencyKey !== undefined) {
      const replay = await as('officer').post('/api/v1/receipts', body, headers);
      expect(replay.status).toBe(201);
      expect(replay.body).toStrictEqual(read.body);
    }
    return read.body;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    await addBankAccount(db.url, { code: 'CHF-MAIN', currency: 'CHF', id: randomUUID() });
    await addBankAccount(db.url, { code: 'EUR-MAIN', currency: 'EUR', id: randomUUID() });
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    const users = new TestUsers(app);
    const roles: Record<string, Role[]> = {
      officer: ['finance_officer'],
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

  it('is the receipt as read back: explicit allocations over instalments of two pledges, charges, references', async () => {
    const donorId = await newDonor('Switzerland');
    const first = await agreedPledge(donorId, 'CHF', [
      ['2026-03-31', '1000.00'],
      ['2026-06-30', '1000.00'],
      ['2026-09-30', '1000.00'],
    ]);
    const second = await agreedPledge(donorId, 'CHF', [
      ['2026-04-30', '500.00'],
      ['2026-08-31', '500.00'],
    ]);
    const receipt = await recordAndCompare(
      {
        bankAccount: 'CHF-MAIN',
        valueDate: '2026-05-04',
        currency: 'CHF',
        grossAmount: '2,750.00',
        bankCharges: '15.00',
        donorId,
        remitterName: 'Swiss Confederation',
        remittanceText: `Contribution ${first.reference} ${second.reference}`,
        bankReference: `UBS-${randomUUID().slice(0, 8)}`,
        // Given out of order, and one instalment named twice.
        allocations: [
          { pledgeId: second.id, instalment: 2, amount: '200.00' },
          { pledgeId: first.id, instalment: 3, amount: '400.00' },
          { pledgeId: first.id, instalment: 1, amount: '1000.00' },
          { pledgeId: second.id, instalment: 2, amount: '100.00' },
          { pledgeId: second.id, amount: '450.00' },
        ],
      },
      `answer-explicit-${randomUUID()}`,
    );
    expect(receipt.status).toBe('partially-allocated');
    expect(receipt.allocations.length).toBeGreaterThanOrEqual(5);
  });

  it('is the receipt as read back: automatic allocation, with a rate, across currencies', async () => {
    const donorId = await newDonor('Germany');
    await agreedPledge(donorId, 'EUR', [
      ['2026-03-31', '800.00'],
      ['2026-12-31', '800.00'],
    ]);
    await agreedPledge(donorId, 'EUR', [['2026-05-31', '300.00']]);
    // In EUR, at the June rate: the receivables were booked in February, so an FX difference.
    const inEuro = await recordAndCompare({
      bankAccount: 'EUR-MAIN',
      valueDate: '2026-06-15',
      currency: 'EUR',
      grossAmount: '1,234.56',
      bankCharges: '7.89',
      donorId,
      allocation: 'auto',
    });
    expect(inEuro.rate).not.toBeNull();
    // In CHF to the EUR pledges: through the conversion account.
    const inFrancs = await recordAndCompare({
      bankAccount: 'CHF-MAIN',
      valueDate: '2026-07-01',
      currency: 'CHF',
      grossAmount: '333.33',
      donorId,
      remittanceText: 'second part',
    });
    expect(inFrancs.entries[0].lines.length).toBeGreaterThan(3);
  });

  it('is the receipt as read back: none applied, unidentified, no references at all', async () => {
    const donorId = await newDonor('Japan');
    await agreedPledge(donorId, 'CHF', [['2026-03-31', '100.00']]);
    const kept = await recordAndCompare({
      bankAccount: 'CHF-MAIN',
      valueDate: '2026-03-02',
      currency: 'CHF',
      grossAmount: '100.00',
      donorId,
      allocation: 'none',
    });
    expect(kept.status).toBe('unapplied');
    const unknown = await recordAndCompare({
      bankAccount: 'EUR-MAIN',
      valueDate: '2026-04-20',
      currency: 'EUR',
      grossAmount: '99.99',
      bankCharges: '0.01',
    });
    expect(unknown).toMatchObject({ status: 'unidentified', donor: null, remitterName: null });
    const nothingOpen = await recordAndCompare(
      {
        bankAccount: 'CHF-MAIN',
        valueDate: '2026-07-01',
        currency: 'CHF',
        grossAmount: '5.00',
        donorId: await newDonor('Nobody owes'),
        remitterName: 'Ms Ünïcødé “quoted”',
      },
      `answer-none-${randomUUID()}`,
    );
    expect(nothingOpen.allocations).toEqual([]);
  });

  it('is the receipt as read back for many varied receipts', async () => {
    const random = seeded(20261128);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const cents = (min: number, max: number): string => {
      const value = min + Math.floor(random() * (max - min + 1));
      return `${Math.floor(value / 100)}.${String(value % 100).padStart(2, '0')}`;
    };
    const dates = [
      '2026-02-20',
      '2026-03-31',
      '2026-04-01',
      '2026-05-15',
      '2026-06-01',
      '2026-09-09',
    ];
    const statuses = new Set<string>();
    for (let index = 0; index < 24; index++) {
      const mode = pick(['explicit', 'explicit', 'auto', 'auto', 'none', 'unidentified'] as const);
      const receiptCurrency = pick(['CHF', 'EUR'] as const);
      const body: Body = {
        bankAccount: `${receiptCurrency}-MAIN`,
        valueDate: pick(dates),
        currency: receiptCurrency,
        grossAmount: cents(100, 400000),
      };
      if (random() < 0.5) body.bankCharges = cents(1, 99);
      if (random() < 0.5) body.remitterName = `Remitter ${index}`;
      if (random() < 0.4) body.bankReference = `REF-${index}-${randomUUID().slice(0, 8)}`;
      if (mode !== 'unidentified') {
        const donorId = await newDonor(`Donor ${index}`);
        body.donorId = donorId;
        const pledges: Body[] = [];
        for (let count = 1 + Math.floor(random() * 3); count > 0; count--) {
          // One to three of the due dates, in order, each with its amount.
          const schedule: Array<[string, string]> = DUE_DATES.filter(
            (_, seq) => seq === 0 || random() < 0.5,
          ).map((dueDate) => [dueDate, cents(1000, 200000)]);
          pledges.push(await agreedPledge(donorId, pick(['CHF', 'EUR']), schedule));
        }
        if (random() < 0.3) body.remittanceText = `Paying ${pick(pledges).reference}`;
        if (mode === 'none') body.allocation = 'none';
        if (mode === 'auto') body.allocation = 'auto';
        if (mode === 'explicit') {
          // Small amounts of instalments that are open whatever was paid before: the gross is
          // made large enough for them in any currency.
          body.grossAmount = cents(500000, 900000);
          body.allocations = [];
          for (let count = 1 + Math.floor(random() * 4); count > 0; count--) {
            const target = pick(pledges);
            const allocation: Body = { pledgeId: target.id, amount: cents(1, 200) };
            if (random() < 0.7) allocation.instalment = pick(target.instalments as Body[]).seq;
            body.allocations.push(allocation);
          }
        }
      }
      const key = random() < 0.5 ? `answer-${index}-${randomUUID()}` : undefined;
      const receipt = await recordAndCompare(body, key);
      statuses.add(receipt.status as string);
    }
    expect(statuses.size).toBeGreaterThan(2);
  }, 240_000);

  it('is in the audit as read back for the receipts of a batch, recorded in one transaction', async () => {
    const donorId = await newDonor('Kenya');
    await agreedPledge(donorId, 'CHF', [
      ['2026-03-31', '300.00'],
      ['2026-06-30', '300.00'],
    ]);
    const created = await as('officer').post('/api/v1/receipt-batches', {
      bankAccount: 'CHF-MAIN',
      description: 'Advice list',
      declaredCount: 3,
      declaredTotal: '1000.00',
      receipts: [
        { valueDate: '2026-05-07', grossAmount: '400.00', donorId, allocation: 'auto' },
        { valueDate: '2026-05-07', grossAmount: '350.00', donorId, remitterName: 'Kenya' },
        { valueDate: '2026-05-08', grossAmount: '250.00', bankReference: `B-${randomUUID()}` },
      ],
    });
    expect(created.status).toBe(201);
    const posted = await as('officer').post(`/api/v1/receipt-batches/${created.body.id}/post`, {});
    expect(posted.status).toBe(200);
    expect(posted.body.receipts).toHaveLength(3);
    for (const { id } of posted.body.receipts as Body[]) {
      const read = await as('officer').get(`/api/v1/receipts/${id}`);
      expect(read.body.batchId).toBe(created.body.id);
      const audit = await as('auditor').get('/api/v1/audit', {
        entityType: 'receipt',
        entityId: id,
        action: 'receipt.record',
      });
      expect(audit.body).toHaveLength(1);
      const { entries, ...state } = read.body;
      expect(entries).toHaveLength(1);
      expect(audit.body[0].after).toStrictEqual(state);
    }
  });

  it('leaves an audit chain that verifies', async () => {
    const res = await as('auditor').get('/api/v1/audit/verify');
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
  });
});
