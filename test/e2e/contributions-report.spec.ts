import { NestExpressApplication } from '@nestjs/platform-express';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { Client } from 'pg';
import { Role } from '../../src/auth/roles';
import { ContributionsReportService } from '../../src/reports/contributions/contributions-report.service';
import { ContributionsQuery } from '../../src/reports/contributions/dto/contributions.dto';
import { ReportFiltersQuery } from '../../src/reports/dto/report-filters.dto';
import { ReportTable } from '../../src/reports/report-table';
import { approve } from '../support/approvals';
import { authedHttp, createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

type Auth = { Authorization: string };
// JSON answers, read field by field by the assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

/**
 * UN rates (units per USD): CHF 0.80 throughout; EUR 0.90 until May 2026, 0.85 from June. So
 * 1 EUR = 0.8889 CHF when the pledges are agreed and 0.9412 CHF from June 2026 (a gain on a
 * July receipt); 1 USD = 0.80 CHF.
 */
const RATES: Array<[string, string, string]> = [
  ['CHF', '2025-01-01', '0.80'],
  ['EUR', '2025-01-01', '0.90'],
  ['EUR', '2026-06-01', '0.85'],
];

const API = '/api/v1/reports';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Donors: Switzerland and Germany (member states, Europe), Nippon Telecom (sector member, Japan:
 * Asia-Pacific), Acme Foundation (foundation, Kenya: Africa).
 * Pledges:
 *  A Switzerland CHF 1000 (2025), paid 500 in April 2025 and 500 in February 2026;
 *  B Switzerland CHF 300 (2026, PARTICIPATION-GRANTS), three instalments, 100 paid in April;
 *  C Germany EUR 1000 (2026, CHF 888.89), EUR 400 paid in July (worth CHF 376.47; cleared 355.56);
 *  D Acme EUR 500 (2025, CHF 444.44), EUR 200 paid in May 2025 (CHF 177.78), rest written off;
 *  E Nippon USD 2000 (2026, CHF 1600), two instalments, nothing paid;
 *  F Nippon USD 500, announced only (memo: in no figure).
 */
describe('contributions reports', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  const auth: Record<string, Auth> = {};
  const donors: Record<string, string> = {};
  const pledges: Record<string, string> = {};

  const as = (name: string) => authedHttp(app, auth[name]);

  async function createPledge(
    key: string,
    donor: string,
    currency: string,
    amount: string,
    instalments: Array<[string, string]>,
    announcedOn: string,
    agreedOn?: string,
    earmark?: string,
  ): Promise<void> {
    const created = await as('officer')
      .post('/api/v1/pledges')
      .send({
        fund: 'WSIS-TF',
        donorId: donors[donor],
        currency,
        amount,
        announcedOn,
        ...(earmark === undefined ? {} : { earmark }),
        instalments: instalments.map(([dueDate, value]) => ({ dueDate, amount: value })),
      });
    expect(created.status).toBe(201);
    pledges[key] = created.body.id as string;
    if (agreedOn === undefined) return;
    const agreed = await as('officer')
      .post(`/api/v1/pledges/${pledges[key]}/agreement`)
      .send({ agreedOn, documentRef: `AGR-${key}` });
    expect(agreed.status).toBe(200);
  }

  async function receipt(
    bankAccount: string,
    valueDate: string,
    currency: string,
    grossAmount: string,
    donor: string,
    pledge: string,
    amount: string,
  ): Promise<void> {
    const res = await as('officer')
      .post('/api/v1/receipts')
      .send({
        bankAccount,
        valueDate,
        currency,
        grossAmount,
        donorId: donors[donor],
        allocations: [{ pledgeId: pledges[pledge], amount }],
      });
    expect(res.status).toBe(201);
  }

  async function get(path: string, user = 'management'): Promise<Body> {
    const res = await as(user).get(`${API}/${path}`);
    expect(res.status).toBe(200);
    return res.body;
  }

  /** A group's figures as [label, donors, pledges, pledged, received, cleared, fx, share]. */
  const figures = (group: Body): unknown[] => [
    group.label,
    group.donors,
    group.pledges,
    group.pledged.amount,
    group.received.amount,
    group.receivableCleared.amount,
    group.fx.amount,
    group.share,
  ];

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    for (const [name, type, country] of [
      ['Switzerland', 'member_state', 'CH'],
      ['Germany', 'member_state', 'DE'],
      ['Nippon Telecom', 'sector_member', 'JP'],
      ['Acme Foundation', 'foundation', 'KE'],
    ]) {
      const { rows } = await sql.query<{ id: string }>(
        `INSERT INTO donor (name, normalized_name, type, country, created_by)
         VALUES ($1, lower($1), $2, $3, 'test') RETURNING id`,
        [name, type, country],
      );
      donors[name] = rows[0].id;
    }
    const users = new TestUsers(app);
    const roles: Record<string, Role[]> = {
      officer: ['finance_officer'],
      approver: ['approver'],
      management: ['management'],
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

    await createPledge(
      'A',
      'Switzerland',
      'CHF',
      '1000.00',
      [
        ['2025-03-31', '500.00'],
        ['2025-09-30', '500.00'],
      ],
      '2025-01-10',
      '2025-02-01',
    );
    await createPledge(
      'D',
      'Acme Foundation',
      'EUR',
      '500.00',
      [['2025-05-31', '500.00']],
      '2025-02-01',
      '2025-03-01',
    );
    await createPledge(
      'B',
      'Switzerland',
      'CHF',
      '300.00',
      [
        ['2026-03-31', '100.00'],
        ['2026-06-30', '100.00'],
        ['2026-09-30', '100.00'],
      ],
      '2026-01-15',
      '2026-02-01',
      'PARTICIPATION-GRANTS',
    );
    await createPledge(
      'C',
      'Germany',
      'EUR',
      '1000.00',
      [
        ['2026-06-30', '500.00'],
        ['2026-12-31', '500.00'],
      ],
      '2026-01-20',
      '2026-02-10',
    );
    await createPledge(
      'E',
      'Nippon Telecom',
      'USD',
      '2000.00',
      [
        ['2026-08-31', '1000.00'],
        ['2027-02-28', '1000.00'],
      ],
      '2026-02-15',
      '2026-03-01',
    );
    await createPledge(
      'F',
      'Nippon Telecom',
      'USD',
      '500.00',
      [['2027-06-30', '500.00']],
      '2026-03-01',
    );

    await receipt('UBS-CHF', '2025-04-10', 'CHF', '500.00', 'Switzerland', 'A', '500.00');
    await receipt('DB-EUR', '2025-05-05', 'EUR', '200.00', 'Acme Foundation', 'D', '200.00');
    await receipt('UBS-CHF', '2026-02-10', 'CHF', '500.00', 'Switzerland', 'A', '500.00');
    await receipt('UBS-CHF', '2026-04-10', 'CHF', '100.00', 'Switzerland', 'B', '100.00');
    await receipt('DB-EUR', '2026-07-15', 'EUR', '400.00', 'Germany', 'C', '400.00');

    const writeOff = await as('officer')
      .post(`/api/v1/pledges/${pledges.D}/write-off`)
      .send({ date: '2026-10-01', reason: 'The foundation was dissolved; nothing more will come' });
    expect(writeOff.status).toBe(202);
    expect((await approve(app, writeOff.body.id as string, auth.approver)).status).toBe(200);
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  it('contributions by donor: pledged, received, cleared, FX and shares, worked out by hand', async () => {
    const body = await get('contributions?from=2026-01-01&to=2026-12-31&groupBy=donor');
    expect(body).toMatchObject({
      fund: 'WSIS-TF',
      functionalCurrency: 'CHF',
      from: '2026-01-01',
      to: '2026-12-31',
      groupBy: 'donor',
    });
    // Acme: nothing agreed or received in 2026 (a write-off is neither).
    expect((body.groups as Body[]).map(figures)).toEqual([
      ['Germany', 1, 1, '888.89', '376.47', '355.56', '20.91', '38.55'],
      ['Nippon Telecom', 1, 1, '1600.00', '0.00', '0.00', '0.00', '0.00'],
      ['Switzerland', 1, 2, '300.00', '600.00', '600.00', '0.00', '61.45'],
    ]);
    expect(body.groups[2].key).toBe(donors.Switzerland);
    expect(figures(body.total)).toEqual([
      'Total',
      3,
      4,
      '2788.89',
      '976.47',
      '955.56',
      '20.91',
      '100.00',
    ]);
  });

  it('the total ties to the ledger: cleared = the receipt credits to 1100, FX = the realised FX lines', async () => {
    const from = '2025-01-01';
    const to = '2026-12-31';
    const body = await get(`contributions?from=${from}&to=${to}&groupBy=year`);
    const { rows } = await sql.query<{ account: string; functional: string }>(
      `SELECT a.code AS account, sum(l.functional_minor)::text AS functional
         FROM journal_line l
         JOIN account a ON a.id = l.account_id
         JOIN journal_entry e ON e.id = l.entry_id
        WHERE a.code IN ('1100', '4100', '5200') AND e.source_type LIKE 'receipt%'
          AND l.entry_date BETWEEN $1 AND $2
        GROUP BY a.code ORDER BY a.code`,
      [from, to],
    );
    const ledger = Object.fromEntries(rows.map((row) => [row.account, BigInt(row.functional)]));
    const cents = (amount: string): bigint => BigInt(amount.replace('.', ''));
    // Credits are negative in the ledger.
    expect(cents(body.total.receivableCleared.amount)).toBe(-ledger['1100']);
    expect(cents(body.total.fx.amount)).toBe(-((ledger['4100'] ?? 0n) + (ledger['5200'] ?? 0n)));
    expect(cents(body.total.received.amount)).toBe(
      -ledger['1100'] - (ledger['4100'] ?? 0n) - (ledger['5200'] ?? 0n),
    );
    // Pledged is the revenue recognised (4000) in the range: every agreement is unconditional.
    const { rows: revenue } = await sql.query<{ functional: string }>(
      `SELECT sum(l.functional_minor)::text AS functional
         FROM journal_line l JOIN account a ON a.id = l.account_id
         JOIN journal_entry e ON e.id = l.entry_id
        WHERE a.code = '4000' AND e.source_type = 'pledge-agreement'
          AND l.entry_date BETWEEN $1 AND $2`,
      [from, to],
    );
    expect(cents(body.total.pledged.amount)).toBe(-BigInt(revenue[0].functional));
    expect((body.groups as Body[]).map(figures)).toEqual([
      ['2025', 2, 2, '1444.44', '677.78', '677.78', '0.00', '40.97'],
      ['2026', 3, 4, '2788.89', '976.47', '955.56', '20.91', '59.03'],
    ]);
    // Donors and pledges are counted once in the total, not once per year.
    expect(figures(body.total).slice(0, 5)).toEqual(['Total', 4, 5, '4233.33', '1654.25']);
  });

  it('groups by donor type, country and ITU-D region', async () => {
    const range = 'from=2026-01-01&to=2026-12-31';
    const types = await get(`contributions?${range}&groupBy=donor-type`);
    expect(
      (types.groups as Body[]).map((g) => [
        g.key,
        g.label,
        g.donors,
        g.pledged.amount,
        g.received.amount,
      ]),
    ).toEqual([
      ['member_state', 'Member state', 2, '1188.89', '976.47'],
      ['sector_member', 'Sector member', 1, '1600.00', '0.00'],
    ]);
    const regions = await get(`contributions?${range}&groupBy=region`);
    expect((regions.groups as Body[]).map((g) => [g.key, g.donors, g.pledged.amount])).toEqual([
      ['Asia-Pacific', 1, '1600.00'],
      ['Europe', 2, '1188.89'],
    ]);
    const countries = await get(`contributions?${range}&groupBy=country`);
    expect((countries.groups as Body[]).map((g) => [g.key, g.label, g.received.amount])).toEqual([
      ['DE', 'Germany', '376.47'],
      ['JP', 'Japan', '0.00'],
      ['CH', 'Switzerland', '600.00'],
    ]);
  });

  it('filters by donor type, region, earmark and fund', async () => {
    const range = 'from=2025-01-01&to=2026-12-31';
    const names = (body: Body): unknown[] =>
      (body.groups as Body[]).map((g) => [g.label, g.pledged.amount, g.received.amount]);
    expect(names(await get(`contributions?${range}&donorType=foundation`))).toEqual([
      ['Acme Foundation', '444.44', '177.78'],
    ]);
    const asia = await get(`contributions?${range}&region=Asia-Pacific`);
    expect(names(asia)).toEqual([['Nippon Telecom', '1600.00', '0.00']]);
    expect(asia.filters).toEqual({ earmark: null, donorType: null, region: 'Asia-Pacific' });
    expect(
      names(await get(`contributions?${range}&fund=WSIS-TF&earmark=PARTICIPATION-GRANTS`)),
    ).toEqual([['Switzerland', '300.00', '100.00']]);
    expect(names(await get(`contributions?${range}&region=CIS`))).toEqual([]);
  });

  it('refuses bad parameters with 422 naming the field', async () => {
    const cases: Array<[string, string]> = [
      ['contributions?groupBy=planet', 'groupBy'],
      ['contributions?from=2026-12-01&to=2026-01-01', 'from'],
      ['pledged-vs-received?from=2026-12-01&to=2026-01-01', 'from'],
      ['contributions?fund=NOPE', 'fund'],
      ['contributions?earmark=NOTHING-HERE', 'earmark'],
      ['contributions?region=Atlantis', 'region'],
      ['top-donors?limit=0', 'limit'],
      ['top-donors?limit=101', 'limit'],
      ['outstanding-pledges?asOf=2026-02-30', 'asOf'],
    ];
    for (const [path, field] of cases) {
      const res = await as('management').get(`${API}/${path}`);
      expect([path, res.status]).toEqual([path, 422]);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect((res.body.errors as Body[]).map((e) => e.field)).toContain(field);
    }
  });

  it('pledged against received per year, with the receivable at each year end', async () => {
    const body = await get('pledged-vs-received?from=2025-01-01&to=2026-12-31');
    const rows = (body.years as Body[]).map((y) => [
      y.year,
      y.yearEnd,
      y.pledged.amount,
      y.received.amount,
      y.receivedForYearPledges.amount,
      y.outstandingAtYearEnd.amount,
    ]);
    expect(rows).toEqual([
      [2025, '2025-12-31', '1444.44', '677.78', '1177.78', '766.66'],
      [2026, '2026-12-31', '2788.89', '976.47', '476.47', '2333.33'],
    ]);
    for (const [year, asOf] of [
      [0, '2025-12-31'],
      [1, '2026-12-31'],
    ] as const) {
      const balance = await as('auditor').get(
        `/api/v1/funds/WSIS-TF/accounts/1100/balance?asOf=${asOf}`,
      );
      expect(balance.status).toBe(200);
      expect(body.years[year].outstandingAtYearEnd).toEqual(balance.body.functional);
    }
  });

  it('top donors by received, limited, ties broken by name', async () => {
    const top = await get('top-donors?from=2026-01-01&to=2026-12-31&limit=2');
    expect(top.limit).toBe(2);
    expect((top.groups as Body[]).map((g) => [g.label, g.received.amount, g.share])).toEqual([
      ['Switzerland', '600.00', '61.45'],
      ['Germany', '376.47', '38.55'],
    ]);
    // From June 2025 to June 2026: Germany and Nippon pledged and received nothing yet, a tie
    // broken by name; Acme had nothing in the range at all.
    const all = await get('top-donors?from=2025-06-01&to=2026-06-30&limit=10');
    expect((all.groups as Body[]).map((g) => [g.label, g.received.amount])).toEqual([
      ['Switzerland', '600.00'],
      ['Germany', '0.00'],
      ['Nippon Telecom', '0.00'],
    ]);
  });

  it('outstanding pledges aged by days past due: the total is the receivable of the ledger', async () => {
    const asOf = '2026-11-30';
    const body = await get(`outstanding-pledges?asOf=${asOf}`);
    const aging = (lines: Body[]): string[] => lines.map((line) => line.amount.amount);
    // A is paid; D written off: neither owes anything.
    expect((body.donors as Body[]).map((d) => [d.name, d.pledges, d.total.amount])).toEqual([
      ['Germany', 1, '533.33'],
      ['Nippon Telecom', 1, '1600.00'],
      ['Switzerland', 1, '200.00'],
    ]);
    const [germany, nippon, swiss] = body.donors as Body[];
    // Buckets: not yet due, 1–30, 31–90, 91–180, 181–365, over 365.
    expect(aging(swiss.aging)).toEqual(['0.00', '0.00', '100.00', '100.00', '0.00', '0.00']);
    expect(aging(germany.byCurrency[0].aging)).toEqual([
      '500.00',
      '0.00',
      '0.00',
      '100.00',
      '0.00',
      '0.00',
    ]);
    expect(germany.byCurrency[0].currency).toBe('EUR');
    expect(aging(germany.aging)).toEqual(['444.44', '0.00', '0.00', '88.89', '0.00', '0.00']);
    expect(aging(nippon.byCurrency[0].aging)).toEqual([
      '1000.00',
      '0.00',
      '0.00',
      '1000.00',
      '0.00',
      '0.00',
    ]);
    expect(aging(body.total.aging)).toEqual([
      '1244.44',
      '0.00',
      '100.00',
      '988.89',
      '0.00',
      '0.00',
    ]);
    expect(body.total.total).toEqual({ currency: 'CHF', amount: '2333.33' });
    expect(body.notLinkedToPledges).toEqual({ currency: 'CHF', amount: '0.00' });
    const balance = await as('auditor').get(
      `/api/v1/funds/WSIS-TF/accounts/1100/balance?asOf=${asOf}`,
    );
    expect(body.total.total).toEqual(balance.body.functional);

    // Before the write-off (1 October 2026), Acme still owed EUR 300 (CHF 266.66), due on
    // 31 May 2025: 487 days late, over 365.
    const before = await get('outstanding-pledges?asOf=2026-09-30&donorType=foundation');
    expect((before.donors as Body[]).map((d) => [d.name, d.total.amount])).toEqual([
      ['Acme Foundation', '266.66'],
    ]);
    expect(aging(before.donors[0].byCurrency[0].aging)).toEqual([
      '0.00',
      '0.00',
      '0.00',
      '0.00',
      '0.00',
      '300.00',
    ]);
    expect(before.notLinkedToPledges).toBeNull();
    const europe = await get(`outstanding-pledges?asOf=${asOf}&region=Europe`);
    expect(europe.total.total.amount).toBe('733.33');
  });

  it('cash forecast: overdue first, then 12 months, in CHF at the rates on asOf', async () => {
    const body = await get('cash-forecast?asOf=2026-11-30');
    const periods = body.periods as Body[];
    expect(periods.map((p) => p.period)).toEqual([
      'overdue',
      '2026-11',
      '2026-12',
      '2027-01',
      '2027-02',
      '2027-03',
      '2027-04',
      '2027-05',
      '2027-06',
      '2027-07',
      '2027-08',
      '2027-09',
      '2027-10',
      'later',
    ]);
    const shown = periods
      .filter((p) => p.instalments > 0)
      .map((p) => [
        p.period,
        p.instalments,
        p.amounts.map((a: Body) => `${a.currency} ${a.amount}`),
        p.functional.amount,
      ]);
    // F (announced only) is not expected; B, C and E's unpaid instalments are.
    expect(shown).toEqual([
      ['overdue', 4, ['CHF 200.00', 'EUR 100.00', 'USD 1000.00'], '1094.12'],
      ['2026-12', 1, ['EUR 500.00'], '470.59'],
      ['2027-02', 1, ['USD 1000.00'], '800.00'],
    ]);
    expect(periods[1]).toMatchObject({ dueFrom: '2026-11-30', dueTo: '2026-11-30' });
    expect(periods[0].dueTo).toBe('2026-11-29');
    expect(body.total).toMatchObject({
      instalments: 6,
      functional: { currency: 'CHF', amount: '2364.71' },
    });
    expect(body.rates).toEqual([
      { currency: 'CHF', rate: '1.0000000000' },
      { currency: 'EUR', rate: '0.9411764706' },
      { currency: 'USD', rate: '0.8000000000' },
    ]);
    const nippon = await get('cash-forecast?asOf=2026-11-30&donorType=sector_member');
    expect(nippon.total.functional.amount).toBe('1600.00');
  });

  it('answers CSV (first table) and XLSX (every table) with the same amounts', async () => {
    const csv = await as('auditor').get(
      `${API}/contributions?from=2026-01-01&to=2026-12-31&format=csv`,
    );
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const records = parse<Record<string, string>>(csv.text, { columns: true });
    expect(records.map((r) => [r.row_type, r.group, r.pledged, r.received, r.share])).toEqual([
      ['row', 'Germany', '888.89', '376.47', '38.55'],
      ['row', 'Nippon Telecom', '1600.00', '0.00', '0.00'],
      ['row', 'Switzerland', '300.00', '600.00', '61.45'],
      ['total', 'Total', '2788.89', '976.47', '100.00'],
    ]);
    const outstandingCsv = await as('auditor')
      .get(`${API}/outstanding-pledges?asOf=2026-11-30`)
      .set('Accept', 'text/csv');
    expect(outstandingCsv.status).toBe(200);
    const outstanding = parse<Record<string, string>>(outstandingCsv.text, { columns: true });
    expect(outstanding.at(-1)).toMatchObject({
      row_type: 'total',
      total: '2333.33',
      days_91_180: '988.89',
    });

    const xlsx = await as('auditor')
      .get(`${API}/outstanding-pledges?asOf=2026-11-30&format=xlsx`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toBe(XLSX);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Uint8Array.from(xlsx.body as Buffer).buffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual([
      'outstanding-pledges',
      'outstanding-by-currency',
    ]);
    const values: unknown[][] = [];
    workbook
      .getWorksheet('outstanding-pledges')!
      .eachRow((row) => values.push((row.values as unknown[]).slice(1)));
    const header = values.find((v) => v[0] === 'Donor')!;
    const at = (label: string): number => header.indexOf(label);
    expect(values.find((v) => v[0] === 'Germany')![at('Total (CHF)')]).toBe(533.33);
    expect(values.at(-1)![at('Total (CHF)')]).toBe(2333.33);
    expect(values.at(-1)![at('91–180 days (CHF)')]).toBe(988.89);
    const currencies: unknown[][] = [];
    workbook
      .getWorksheet('outstanding-by-currency')!
      .eachRow((row) => currencies.push((row.values as unknown[]).slice(1)));
    expect(currencies.find((v) => v[0] === 'Germany')!.slice(1)).toEqual([
      'EUR',
      500,
      0,
      0,
      100,
      0,
      0,
      600,
    ]);
  });

  it('pages list the figures with CSV and XLSX links', async () => {
    const contributions = await as('management').get(
      '/reports/contributions?from=2026-01-01&to=2026-12-31&groupBy=donor',
    );
    expect(contributions.status).toBe(200);
    expect(contributions.headers['content-type']).toMatch(/text\/html/);
    expect(contributions.text).toContain('Switzerland');
    expect(contributions.text).toMatch(/<tr data-testid="report-total">.*2,788\.89.*976\.47/s);
    // Attribute values as the browser reads them (Handlebars escapes & and =).
    const html = contributions.text.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
    expect(html).toContain(
      'href="/api/v1/reports/contributions?groupBy=donor&from=2026-01-01&to=2026-12-31&format=csv"',
    );
    expect(html).toContain(
      'href="/api/v1/reports/contributions?groupBy=donor&from=2026-01-01&to=2026-12-31&format=xlsx"',
    );
    const outstanding = await as('auditor').get('/reports/outstanding-pledges?asOf=2026-11-30');
    expect(outstanding.status).toBe(200);
    expect(outstanding.text).toMatch(/<tr data-testid="report-total">.*2,333\.33/s);
    const forecast = await as('auditor').get('/reports/cash-forecast?asOf=2026-11-30');
    expect(forecast.status).toBe(200);
    expect(forecast.text).toContain('2,364.71');
    const bad = await as('auditor').get('/reports/contributions?from=2026-12-01&to=2026-01-01');
    expect(bad.status).toBe(200);
    expect(bad.text).toContain('data-testid="report-error"');
  });

  /** Each table of a report page: its caption, column names and rows, as a reader sees them. */
  function pageTables(
    html: string,
  ): Array<{ caption: string; columns: string[]; rows: string[][] }> {
    const text = (fragment: string) =>
      fragment
        .replace(/<[^>]+>/g, '')
        .replace(/&#x27;/g, "'")
        .replace(/&#x3D;/g, '=')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&')
        .trim();
    return [...html.matchAll(/<table class="data-table">([\s\S]*?)<\/table>/g)].map(
      ([, table]) => ({
        caption: text(/<caption[^>]*>([\s\S]*?)<\/caption>/.exec(table)![1]),
        columns: [...table.matchAll(/<th scope="col"[^>]*>([\s\S]*?)<\/th>/g)].map((m) =>
          text(m[1]),
        ),
        rows: [...table.matchAll(/<tr data-testid="report-(?:row|total)">([\s\S]*?)<\/tr>/g)].map(
          ([, row]) => [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => text(m[1])),
        ),
      }),
    );
  }

  it('pages name the tables as the reports do in English, and in French when asked', async () => {
    const reports = app.get(ContributionsReportService);
    const filters = (values: Partial<ReportFiltersQuery>) =>
      Object.assign(new ReportFiltersQuery(), values);
    const english: Array<[string, ReportTable[]]> = [
      [
        '/reports/contributions?from=2026-01-01&to=2026-12-31&groupBy=donor',
        reports.contributionsTables(
          await reports.contributions(
            Object.assign(new ContributionsQuery(), {
              from: '2026-01-01',
              to: '2026-12-31',
              groupBy: 'donor',
            }),
          ),
        ),
      ],
      [
        '/reports/outstanding-pledges?asOf=2026-11-30',
        reports.outstandingTables(await reports.outstanding(filters({ asOf: '2026-11-30' }))),
      ],
      [
        '/reports/cash-forecast?asOf=2026-11-30',
        reports.cashForecastTables(await reports.cashForecast(filters({ asOf: '2026-11-30' }))),
      ],
    ];
    for (const [path, tables] of english) {
      const page = await as('management').get(path).set('Accept-Language', 'en');
      expect(pageTables(page.text).map(({ caption, columns }) => ({ caption, columns }))).toEqual(
        tables.map((table) => ({
          caption: table.title,
          columns: table.columns.map((column) => column.label),
        })),
      );
    }

    const contributions = await as('management')
      .get('/reports/contributions?from=2026-01-01&to=2026-12-31&groupBy=donor')
      .set('Accept-Language', 'fr-CH, fr;q=0.9, en;q=0.5');
    expect(contributions.status).toBe(200);
    expect(contributions.text).toContain('<html lang="fr">');
    expect(contributions.text).toContain('<label for="groupBy">Regrouper par</label>');
    const [byDonor] = pageTables(contributions.text);
    expect(byDonor.caption).toBe(
      'Contributions à WSIS-TF par donateur, du 2026-01-01 au 2026-12-31',
    );
    expect(byDonor.columns).toEqual([
      'Donateur',
      'Donateurs',
      'Annonces de contribution',
      'Annoncé (CHF)',
      'Reçu (CHF)',
      'Créance soldée (CHF)',
      'Change réalisé (CHF)',
      'Part du reçu (%)',
    ]);
    // The figures of the total row, grouped the French way (U+202F, a decimal comma).
    const total = byDonor.rows[byDonor.rows.length - 1];
    expect(total[0]).toBe('Total');
    expect(total).toContain('2\u202f788,89');
    expect(total).toContain('976,47');

    const outstanding = await as('auditor')
      .get('/reports/outstanding-pledges?asOf=2026-11-30')
      .set('Accept-Language', 'fr');
    expect(outstanding.text).toContain(
      '<h1 id="report-title">Annonces de contribution en souffrance</h1>',
    );
    const [aged] = pageTables(outstanding.text);
    expect(aged.columns).toContain('1 à 30 jours (CHF)');
    expect(aged.rows[aged.rows.length - 1]).toContain('2\u202f333,33');

    const forecast = await as('auditor')
      .get('/reports/cash-forecast?asOf=2026-11-30')
      .set('Accept-Language', 'fr');
    expect(forecast.text).toContain('<h1 id="report-title">Prévision de trésorerie</h1>');
    expect(forecast.text).toContain('2\u202f364,71');

    // A refused filter: the reason beside its field, and a summary linking to it, in French.
    const bad = await as('auditor')
      .get('/reports/contributions?from=2026-12-01&to=2026-01-01')
      .set('Accept-Language', 'fr');
    expect(bad.text).toContain('Les filtres ne sont pas valables :');
    const field = /<a href="#(\w+)">(Du|Au) : /.exec(bad.text);
    expect(field).not.toBeNull();
    expect(bad.text).toContain(`id="${field![1]}-error"`);
    expect(bad.text).toContain(`aria-describedby="${field![1]}-error"`);
  });

  it('a donor user sees none of these reports', async () => {
    for (const path of [
      `${API}/contributions`,
      `${API}/pledged-vs-received`,
      `${API}/top-donors`,
      `${API}/outstanding-pledges`,
      `${API}/cash-forecast`,
      '/reports/contributions',
      '/reports/outstanding-pledges',
      '/reports/cash-forecast',
    ]) {
      const res = await as('swiss').get(path);
      expect([path, res.status]).toEqual([path, 403]);
    }
  });
});
