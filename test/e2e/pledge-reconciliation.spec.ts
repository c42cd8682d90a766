import { NestExpressApplication } from '@nestjs/platform-express';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { Client } from 'pg';
import request from 'supertest';
import { IdentityService } from '../../src/auth/identity.service';
import { Role } from '../../src/auth/roles';
import { approve } from '../support/approvals';
import { createPasswordUser } from '../support/browser';
import { authedHttp, createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

type Auth = { Authorization: string };
// JSON answers, read field by field by the assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

/**
 * UN rates (units per USD): CHF 0.80 throughout; EUR 0.90 until May 2026, 0.85 from June, 0.95
 * from September. So 1 EUR = 0.8889 CHF when the pledges are agreed, 0.9412 CHF in July (a
 * receipt then is an FX gain) and 0.8421 CHF in September (a loss).
 */
const RATES: Array<[string, string, string]> = [
  ['CHF', '2025-01-01', '0.80'],
  ['EUR', '2025-01-01', '0.90'],
  ['EUR', '2026-06-01', '0.85'],
  ['EUR', '2026-09-01', '0.95'],
];

const REPORT = '/api/v1/reports/pledge-reconciliation';

/** An attribute value as the browser reads it (Handlebars escapes & and =). */
const unescapeHtml = (text: string): string => text.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');

describe('pledge reconciliation report', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  const auth: Record<string, Auth> = {};
  const donors: Record<string, string> = {};
  const pledges: Record<string, Body> = {};
  const receipts: Record<string, Body> = {};

  const as = (name: string) => authedHttp(app, auth[name]);

  async function createPledge(
    key: string,
    donor: string,
    currency: string,
    instalments: Array<[string, string]>,
    announcedOn: string,
    agreedOn?: string,
  ): Promise<void> {
    const cents = instalments
      .map(([, amount]) => BigInt(amount.replace('.', '')))
      .reduce((a, b) => a + b, 0n);
    const created = await as('officer')
      .post('/api/v1/pledges')
      .send({
        fund: 'WSIS-TF',
        donorId: donors[donor],
        currency,
        amount: `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`,
        announcedOn,
        instalments: instalments.map(([dueDate, amount]) => ({ dueDate, amount })),
      });
    expect(created.status).toBe(201);
    pledges[key] = created.body;
    if (agreedOn === undefined) return;
    const agreed = await as('officer')
      .post(`/api/v1/pledges/${created.body.id as string}/agreement`)
      .send({ agreedOn, documentRef: `AGR-${key}` });
    expect(agreed.status).toBe(200);
    pledges[key] = agreed.body;
  }

  async function receipt(key: string, body: Body): Promise<void> {
    const res = await as('officer').post('/api/v1/receipts').send(body);
    expect(res.status).toBe(201);
    receipts[key] = res.body;
  }

  async function report(query = '', user = 'auditor'): Promise<Body> {
    const res = await as(user).get(`${REPORT}${query}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    return res.body;
  }

  /** Debit-positive balance of an account, per currency and in CHF, as of a date. */
  async function balance(account: string, asOf: string): Promise<Body> {
    const res = await as('auditor').get(
      `/api/v1/funds/WSIS-TF/accounts/${account}/balance?asOf=${asOf}`,
    );
    expect(res.status).toBe(200);
    return res.body;
  }

  /** Adds decimal strings exactly (as integers of hundredths: every amount here has 2 decimals). */
  const cents = (amount: string): bigint => {
    const [whole, fraction = ''] = amount.replace('-', '').split('.');
    const value = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
    return amount.startsWith('-') ? -value : value;
  };
  const decimal = (value: bigint): string => {
    const sign = value < 0n ? '-' : '';
    const abs = value < 0n ? -value : value;
    return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
  };
  const negated = (amount: string): string => decimal(-cents(amount));
  const plus = (...amounts: string[]): string =>
    decimal(amounts.reduce((total, amount) => total + cents(amount), 0n));

  const line = (body: Body, donor: string, key: string): Body => {
    const group = (body.donors as Body[]).find((d) => d.donor.id === donors[donor]);
    expect(group).toBeDefined();
    const found = (group!.pledges as Body[]).find((p) => p.pledgeId === pledges[key].id);
    expect(found).toBeDefined();
    return found!;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    for (const name of ['Switzerland', 'Germany', 'Acme Foundation', 'Japan']) {
      const { rows } = await sql.query<{ id: string }>(
        `INSERT INTO donor (name, normalized_name, type, created_by)
         VALUES ($1, lower($1), 'member_state', 'test') RETURNING id`,
        [name],
      );
      donors[name] = rows[0].id;
    }
    const users = new TestUsers(app);
    const roles: Record<string, Role[]> = {
      officer: ['finance_officer'],
      approver: ['approver'],
      auditor: ['auditor'],
    };
    for (const [name, held] of Object.entries(roles)) auth[name] = await users.auth(name, held);
    auth.swiss = (await users.get('donor.swiss', ['donor'], [donors.Switzerland])).auth;
    for (const [currency, effectiveFrom, unitsPerUsd] of RATES) {
      const res = await as('officer')
        .post('/api/v1/exchange-rates')
        .send({ currency, effectiveFrom, unitsPerUsd });
      expect(res.status).toBe(201);
    }
    for (const [code, currency, accountNumber] of [
      ['UBS-CHF', 'CHF', 'CH93 0076 2011 6238 5295 7'],
      ['DB-EUR', 'EUR', 'DE89 3704 0044 0532 0130 00'],
    ]) {
      const res = await as('officer')
        .post('/api/v1/bank-accounts')
        .send({ code, name: `${code} account`, bankName: 'Test bank', accountNumber, currency });
      expect(res.status).toBe(201);
    }

    // Switzerland: CHF 300 in three instalments; 100 in April (oldest due first), 150 in August,
    // and 20 in October that turns out to be entered twice and is reversed.
    await createPledge(
      'swiss',
      'Switzerland',
      'CHF',
      [
        ['2026-03-31', '100.00'],
        ['2026-06-30', '100.00'],
        ['2026-09-30', '100.00'],
      ],
      '2026-01-15',
      '2026-02-01',
    );
    // Germany: EUR 1000 booked at 0.8889 (CHF 888.89); EUR 400 paid in July (worth more: a
    // gain) and EUR 100 paid in September from a CHF account (worth less: a loss).
    await createPledge(
      'german',
      'Germany',
      'EUR',
      [
        ['2026-06-30', '500.00'],
        ['2026-12-31', '500.00'],
      ],
      '2026-01-20',
      '2026-02-10',
    );
    // Acme: EUR 500 (CHF 444.44); EUR 200 paid in May at the booking rate, the rest written off.
    await createPledge(
      'acme',
      'Acme Foundation',
      'EUR',
      [['2026-05-31', '500.00']],
      '2026-02-01',
      '2026-03-01',
    );
    // Japan: announced only, never agreed: memo.
    await createPledge('japan', 'Japan', 'USD', [['2027-03-31', '2000.00']], '2026-03-01');

    await receipt('swiss-april', {
      bankAccount: 'UBS-CHF',
      valueDate: '2026-04-10',
      currency: 'CHF',
      grossAmount: '100.00',
      donorId: donors.Switzerland,
      allocation: 'auto',
    });
    await receipt('acme-may', {
      bankAccount: 'DB-EUR',
      valueDate: '2026-05-05',
      currency: 'EUR',
      grossAmount: '200.00',
      donorId: donors['Acme Foundation'],
      allocations: [{ pledgeId: pledges.acme.id, amount: '200.00' }],
    });
    await receipt('german-july', {
      bankAccount: 'DB-EUR',
      valueDate: '2026-07-15',
      currency: 'EUR',
      grossAmount: '400.00',
      donorId: donors.Germany,
      allocations: [{ pledgeId: pledges.german.id, amount: '400.00' }],
    });
    await receipt('swiss-august', {
      bankAccount: 'UBS-CHF',
      valueDate: '2026-08-10',
      currency: 'CHF',
      grossAmount: '150.00',
      donorId: donors.Switzerland,
      allocations: [{ pledgeId: pledges.swiss.id, amount: '150.00' }],
    });
    // EUR 100 is worth CHF 84.21 on 15 September (100 × 0.80 / 0.95).
    await receipt('german-september', {
      bankAccount: 'UBS-CHF',
      valueDate: '2026-09-15',
      currency: 'CHF',
      grossAmount: '84.21',
      donorId: donors.Germany,
      allocations: [{ pledgeId: pledges.german.id, amount: '100.00' }],
    });
    await receipt('swiss-twice', {
      bankAccount: 'UBS-CHF',
      valueDate: '2026-10-05',
      currency: 'CHF',
      grossAmount: '20.00',
      donorId: donors.Switzerland,
      allocation: 'auto',
    });
    const reversal = await as('officer')
      .post(`/api/v1/receipts/${receipts['swiss-twice'].id as string}/reversal`)
      .send({ date: '2026-10-20', reason: 'Entered twice: same credit as the August one' });
    expect(reversal.status).toBe(202);
    expect((await approve(app, reversal.body.id as string, auth.approver)).status).toBe(200);

    const writeOff = await as('officer')
      .post(`/api/v1/pledges/${pledges.acme.id as string}/write-off`)
      .send({ date: '2026-10-01', reason: 'The foundation was dissolved; nothing more will come' });
    expect(writeOff.status).toBe(202);
    expect((await approve(app, writeOff.body.id as string, auth.approver)).status).toBe(200);
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  it('totals equal the ledger: outstanding is the receivable, FX is −(4100 + 5200), pledged the revenue', async () => {
    const asOf = '2026-11-28';
    // Every receivable and FX line of this fund names a pledge: the accounts' balances are the
    // pledge-linked balances the report must reproduce.
    const { rows } = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM journal_line l JOIN account a ON a.id = l.account_id
        WHERE a.code IN ('1100', '4100', '5200') AND l.pledge_id IS NULL`,
    );
    expect(rows[0].n).toBe(0);
    const body = await report(`?asOf=${asOf}`);
    const total = body.total as Body;
    expect(body).toMatchObject({ fund: 'WSIS-TF', functionalCurrency: 'CHF', asOf });
    expect(total.reconciles).toBe(true);
    expect(total.pledges).toBe(4);

    const receivable = await balance('1100', asOf);
    expect(total.functional.outstanding).toEqual(receivable.functional);
    // Per pledge currency too (the ledger lists only currencies with a balance).
    const outstanding = (total.byCurrency as Body[])
      .map((c) => c.outstanding)
      .filter((m: Body) => cents(m.amount) !== 0n);
    expect(outstanding).toEqual(receivable.balances);

    const gains = await balance('4100', asOf);
    const losses = await balance('5200', asOf);
    expect(total.functional.fx).toEqual({
      currency: 'CHF',
      amount: negated(plus(gains.functional.amount, losses.functional.amount)),
    });
    // Revenue was recognised for what was pledged; write-offs are an expense of their own.
    expect(total.functional.pledged.amount).toBe(
      negated((await balance('4000', asOf)).functional.amount),
    );
    expect(total.functional.writtenOff).toEqual((await balance('5300', asOf)).functional);

    // Worked out by hand from the rates.
    expect(total.functional).toEqual({
      pledged: { currency: 'CHF', amount: '1633.33' }, // 300.00 + 888.89 + 444.44
      received: { currency: 'CHF', amount: '888.46' }, // 250.00 + 376.47 + 84.21 + 177.78
      relieved: { currency: 'CHF', amount: '872.23' }, // 250.00 + 355.56 + 88.89 + 177.78
      fx: { currency: 'CHF', amount: '16.23' }, // 20.91 gain − 4.68 loss
      writtenOff: { currency: 'CHF', amount: '266.66' },
      cancelled: { currency: 'CHF', amount: '0.00' },
      adjusted: { currency: 'CHF', amount: '0.00' },
      outstanding: { currency: 'CHF', amount: '494.44' }, // 50.00 + 444.44 + 0
    });
    expect(
      (total.byCurrency as Body[]).map((c) => [
        c.currency,
        c.pledged.amount,
        c.received.amount,
        c.writtenOff.amount,
        c.outstanding.amount,
        c.announced.amount,
      ]),
    ).toEqual([
      ['CHF', '300.00', '250.00', '0.00', '50.00', '0.00'],
      ['EUR', '1500.00', '700.00', '300.00', '500.00', '0.00'],
      ['USD', '0.00', '0.00', '0.00', '0.00', '2000.00'],
    ]);
    expect(total.receivedInReceiptCurrencies).toEqual([
      { currency: 'CHF', amount: '334.21' },
      { currency: 'EUR', amount: '600.00' },
    ]);
  });

  it('received CHF is what the receipts were worth; less the FX, the receivable they relieved', async () => {
    const body = await report('?asOf=2026-11-28');
    const total = body.total.functional as Body;
    expect(plus(total.received.amount, negated(total.fx.amount))).toBe(total.relieved.amount);
    // What the receipts were worth, read from the receipts themselves.
    let worth = 0n;
    for (const key of Object.keys(receipts)) {
      const res = await as('auditor').get(`/api/v1/receipts/${receipts[key].id as string}`);
      expect(res.status).toBe(200);
      for (const allocation of res.body.allocations as Body[])
        worth += cents(allocation.value.amount);
    }
    expect(decimal(worth)).toBe(total.received.amount);
    // pledged − relieved − written off − cancelled − adjusted = outstanding, in CHF.
    expect(
      plus(
        total.pledged.amount,
        negated(total.relieved.amount),
        negated(total.writtenOff.amount),
        negated(total.cancelled.amount),
        negated(total.adjusted.amount),
      ),
    ).toBe(total.outstanding.amount);
  });

  it('shows each pledge with its receipts, FX, write-off and the announced one as memo', async () => {
    const body = await report('?asOf=2026-11-28');
    expect((body.donors as Body[]).map((d) => d.donor.name)).toEqual([
      'Acme Foundation',
      'Germany',
      'Japan',
      'Switzerland',
    ]);

    const german = line(body, 'Germany', 'german');
    expect(german).toMatchObject({
      reference: pledges.german.reference,
      currency: 'EUR',
      stage: 'partially-paid',
      memo: false,
      reconciles: true,
      pledged: { currency: 'EUR', amount: '1000.00' },
      pledgedFunctional: { currency: 'CHF', amount: '888.89' },
      received: { currency: 'EUR', amount: '500.00' },
      receivedInReceiptCurrencies: [
        { currency: 'CHF', amount: '84.21' },
        { currency: 'EUR', amount: '400.00' },
      ],
      receivedFunctional: { currency: 'CHF', amount: '460.68' },
      relievedFunctional: { currency: 'CHF', amount: '444.45' },
      fxFunctional: { currency: 'CHF', amount: '16.23' },
      outstanding: { currency: 'EUR', amount: '500.00' },
      outstandingFunctional: { currency: 'CHF', amount: '444.44' },
    });
    expect(
      (german.allocations as Body[]).map((a) => [
        a.receiptNumber,
        a.valueDate,
        a.allocatedOn,
        a.amount,
        a.pledgeAmount.amount,
        a.value.amount,
        a.relieved.amount,
        a.fx.amount,
      ]),
    ).toEqual([
      [
        receipts['german-july'].number,
        '2026-07-15',
        '2026-07-15',
        { currency: 'EUR', amount: '400.00' },
        '400.00',
        '376.47',
        '355.56',
        '20.91',
      ],
      [
        receipts['german-september'].number,
        '2026-09-15',
        '2026-09-15',
        { currency: 'CHF', amount: '84.21' },
        '100.00',
        '84.21',
        '88.89',
        '-4.68',
      ],
    ]);

    const acme = line(body, 'Acme Foundation', 'acme');
    expect(acme).toMatchObject({
      stage: 'written-off',
      reconciles: true,
      received: { currency: 'EUR', amount: '200.00' },
      writtenOff: { currency: 'EUR', amount: '300.00' },
      writtenOffFunctional: { currency: 'CHF', amount: '266.66' },
      outstanding: { currency: 'EUR', amount: '0.00' },
      outstandingFunctional: { currency: 'CHF', amount: '0.00' },
    });

    // The receipt entered twice: allocated, then reversed; marked both ways, netting to nothing.
    const swiss = line(body, 'Switzerland', 'swiss');
    expect(swiss).toMatchObject({
      stage: 'partially-paid',
      reconciles: true,
      received: { currency: 'CHF', amount: '250.00' },
      outstanding: { currency: 'CHF', amount: '50.00' },
    });
    // One row per instalment paid: the August CHF 150 completes the first and pays the second.
    expect(
      (swiss.allocations as Body[]).map((a) => [
        a.receiptNumber,
        a.allocatedOn,
        a.instalment,
        a.pledgeAmount.amount,
        a.reversal,
        a.reversed,
      ]),
    ).toEqual([
      [receipts['swiss-april'].number, '2026-04-10', 1, '100.00', false, false],
      [receipts['swiss-august'].number, '2026-08-10', 2, '100.00', false, false],
      [receipts['swiss-august'].number, '2026-08-10', 3, '50.00', false, false],
      [receipts['swiss-twice'].number, '2026-10-05', 3, '20.00', false, true],
      [receipts['swiss-twice'].number, '2026-10-20', 3, '-20.00', true, false],
    ]);

    const japan = line(body, 'Japan', 'japan');
    expect(japan).toMatchObject({
      stage: 'announced',
      memo: true,
      agreedOn: null,
      announced: { currency: 'USD', amount: '2000.00' },
      pledged: { currency: 'USD', amount: '0.00' },
      outstanding: { currency: 'USD', amount: '0.00' },
      outstandingFunctional: { currency: 'CHF', amount: '0.00' },
      allocations: [],
    });

    // Donor subtotals: per currency, and in CHF.
    const germany = (body.donors as Body[]).find((d) => d.donor.id === donors.Germany)!;
    expect(germany.subtotal).toMatchObject({
      pledges: 1,
      reconciles: true,
      functional: { outstanding: { currency: 'CHF', amount: '444.44' } },
      byCurrency: [{ currency: 'EUR', outstanding: { currency: 'EUR', amount: '500.00' } }],
    });
  });

  it('as of an earlier date leaves out later receipts, the write-off and the reversal', async () => {
    const asOf = '2026-06-30';
    const body = await report(`?asOf=${asOf}`);
    const total = body.total.functional as Body;
    expect(total).toMatchObject({
      received: { currency: 'CHF', amount: '277.78' }, // 100.00 + 177.78
      fx: { currency: 'CHF', amount: '0.00' },
      writtenOff: { currency: 'CHF', amount: '0.00' },
      outstanding: { currency: 'CHF', amount: '1355.55' }, // 200.00 + 888.89 + 266.66
    });
    expect(total.outstanding).toEqual((await balance('1100', asOf)).functional);
    expect(line(body, 'Germany', 'german')).toMatchObject({
      stage: 'agreed',
      received: { currency: 'EUR', amount: '0.00' },
      allocations: [],
    });
    expect(line(body, 'Acme Foundation', 'acme').stage).toBe('partially-paid');
    expect(
      (line(body, 'Switzerland', 'swiss').allocations as Body[]).map((a) => a.receiptNumber),
    ).toEqual([receipts['swiss-april'].number]);
    // Before any pledge was announced: nothing at all.
    const empty = await report('?asOf=2026-01-01');
    expect(empty.donors).toEqual([]);
    expect(empty.total).toMatchObject({ pledges: 0, byCurrency: [], reconciles: true });
  });

  it('gives the same figures as CSV: one row per pledge, donor subtotals, the total last', async () => {
    const json = await report('?asOf=2026-11-28');
    const res = await as('auditor').get(`${REPORT}?asOf=2026-11-28&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain(
      'pledge-reconciliation-WSIS-TF-2026-11-28.csv',
    );
    const rows = parse<Record<string, string>>(res.text, { columns: true });
    expect(rows.filter((r) => r.row_type === 'pledge')).toHaveLength(4);
    const last = rows[rows.length - 1];
    expect(last).toMatchObject({
      row_type: 'total',
      pledged_chf: json.total.functional.pledged.amount,
      received_chf: json.total.functional.received.amount,
      relieved_chf: json.total.functional.relieved.amount,
      fx_chf: json.total.functional.fx.amount,
      written_off_chf: json.total.functional.writtenOff.amount,
      outstanding_chf: '494.44',
      pledges: '4',
      reconciles: 'yes',
    });
    const eur = rows.find((r) => r.row_type === 'currency-total' && r.currency === 'EUR');
    expect(eur).toMatchObject({ pledged: '1500.00', received: '700.00', outstanding: '500.00' });
    const german = rows.find((r) => r.pledge_reference === pledges.german.reference);
    expect(german).toMatchObject({
      row_type: 'pledge',
      donor: 'Germany',
      currency: 'EUR',
      received_in_receipt_currencies: 'CHF 84.21; EUR 400.00',
      fx_chf: '16.23',
      outstanding: '500.00',
      outstanding_chf: '444.44',
    });
    // Every amount is a plain decimal: no grouping, no exponent, every minor digit.
    for (const row of rows) {
      for (const column of ['pledged_chf', 'received_chf', 'fx_chf', 'outstanding_chf']) {
        expect(row[column]).toMatch(/^-?\d+\.\d{2}$/);
      }
    }
    // Asked for with Accept instead of format: the same CSV.
    const accepted = await as('auditor').get(`${REPORT}?asOf=2026-11-28`).set('Accept', 'text/csv');
    expect(accepted.headers['content-type']).toMatch(/^text\/csv/);
    expect(accepted.text).toBe(res.text);
  });

  it('gives the same figures as an XLSX workbook: pledges, donor subtotals with the total, currency totals', async () => {
    const json = await report('?asOf=2026-11-28');
    const res = await as('auditor')
      .get(`${REPORT}?asOf=2026-11-28&format=xlsx`)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toContain(
      'pledge-reconciliation-WSIS-TF-2026-11-28.xlsx',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as ExcelJS.Buffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual([
      'pledges',
      'donors',
      'currencies',
    ]);
    /** A sheet's rows below its header row (found by its first label), as label → value. */
    const table = (name: string, firstLabel: string): Array<Record<string, unknown>> => {
      const rows: unknown[][] = [];
      workbook.getWorksheet(name)!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
      const header = rows.findIndex((row) => row[0] === firstLabel);
      expect(header).toBeGreaterThan(0);
      const labels = rows[header] as string[];
      return rows
        .slice(header + 1)
        .map((row) => Object.fromEntries(labels.map((label, i) => [label, row[i]])));
    };
    const money = (value: unknown): string => (value as number).toFixed(2);
    const pledgeRows = table('pledges', 'Donor');
    expect(pledgeRows).toHaveLength(4);
    const german = pledgeRows.find((r) => r.Pledge === pledges.german.reference)!;
    expect(german.Currency).toBe('EUR');
    expect(money(german.Outstanding)).toBe('500.00');
    expect(money(german['Outstanding (CHF)'])).toBe('444.44');
    expect(money(german['FX (CHF)'])).toBe('16.23');
    const donorRows = table('donors', 'Donor');
    const total = donorRows.at(-1)!;
    expect(total.Donor).toBe('Total');
    expect(money(total['Outstanding (CHF)'])).toBe(json.total.functional.outstanding.amount);
    expect(money(total['Received (CHF)'])).toBe(json.total.functional.received.amount);
    expect(money(total['Pledged (CHF)'])).toBe(json.total.functional.pledged.amount);
    expect(total.Pledges).toBe(4);
    const eur = table('currencies', 'Currency').find((r) => r.Currency === 'EUR')!;
    expect([eur.Pledged, eur.Received, eur.Outstanding].map(money)).toEqual([
      '1500.00',
      '700.00',
      '500.00',
    ]);
  });

  it('shows a donor user the pledges of their own donors only', async () => {
    const own = await report('?asOf=2026-11-28', 'swiss');
    expect((own.donors as Body[]).map((d) => d.donor.name)).toEqual(['Switzerland']);
    expect(own.total.functional.outstanding).toEqual({ currency: 'CHF', amount: '50.00' });
    const other = await report(`?asOf=2026-11-28&donorId=${donors.Germany}`, 'swiss');
    expect(other.donors).toEqual([]);
    // Staff filter by donor.
    const filtered = await report(`?asOf=2026-11-28&donorId=${donors.Germany}`);
    expect((filtered.donors as Body[]).map((d) => d.donor.name)).toEqual(['Germany']);
    expect(filtered.total.functional.outstanding.amount).toBe('444.44');
  });

  it('refuses an unknown fund or a malformed date with a field error', async () => {
    const fund = await as('auditor').get(`${REPORT}?fund=NO-SUCH-FUND`);
    expect(fund.status).toBe(422);
    expect(fund.body).toMatchObject({
      code: 'invalid-report-query',
      errors: [{ field: 'fund', rule: 'exists', reason: expect.any(String) }],
    });
    const date = await as('auditor').get(`${REPORT}?asOf=2026-02-30`);
    expect(date.status).toBe(422);
    expect(date.body.errors).toEqual([expect.objectContaining({ field: 'asOf' })]);
  });

  it('renders the page with the same totals, an as-of field and a link to the CSV', async () => {
    await createPasswordUser(app, {
      username: 'manager.m',
      password: 'A long passphrase for the manager 42',
      displayName: 'Manager M',
      roles: ['management'],
    });
    const session = await app
      .get(IdentityService)
      .signIn('manager.m', 'A long passphrase for the manager 42', '127.0.0.1');
    const cookie = `tf_session=${session.token}`;
    const page = await request(app.getHttpServer())
      .get('/reports/pledge-reconciliation?asOf=2026-11-28')
      .set('Cookie', cookie);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const cell = (testId: string): string | undefined =>
      new RegExp(`data-testid="${testId}">([^<]*)<`).exec(page.text)?.[1];
    expect(cell('total-outstanding')).toBe('CHF 494.44');
    expect(cell('total-pledged')).toBe('CHF 1,633.33');
    expect(cell('total-received')).toBe('CHF 888.46');
    expect(cell('total-fx')).toBe('CHF 16.23');
    expect(cell('total-written-off')).toBe('CHF 266.66');
    expect(page.text).toContain('<input type="date" id="asOf" name="asOf" value="2026-11-28"');
    const csvHref = /href="([^"]*)" data-testid="report-csv"/.exec(page.text)?.[1] ?? '';
    expect(unescapeHtml(csvHref)).toBe(
      '/api/v1/reports/pledge-reconciliation?fund=WSIS-TF&asOf=2026-11-28&format=csv',
    );
    expect(page.text).toContain(pledges.german.reference as string);
    expect(page.text).toContain('USD 2,000.00 announced, off-ledger');
    expect(page.text).not.toContain('data-testid="report-mismatch"');
    expect(page.text).toContain('<a href="/reports" aria-current="page">Reports</a>');
    // The CSV link works with the same session.
    const csv = await request(app.getHttpServer()).get(unescapeHtml(csvHref)).set('Cookie', cookie);
    expect(csv.status).toBe(200);
    expect(csv.text.trim().split('\n').at(-1)).toContain('494.44');
    // Earlier: the later receipts are not there.
    const earlier = await request(app.getHttpServer())
      .get('/reports/pledge-reconciliation?asOf=2026-06-30')
      .set('Cookie', cookie);
    expect(new RegExp('data-testid="total-outstanding">([^<]*)<').exec(earlier.text)?.[1]).toBe(
      'CHF 1,355.55',
    );
    // A bad date is said on the page.
    const bad = await request(app.getHttpServer())
      .get('/reports/pledge-reconciliation?asOf=2026-13-01')
      .set('Cookie', cookie);
    expect(bad.status).toBe(200);
    expect(bad.text).toContain('data-testid="report-error"');
  });
});
