import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import {
  describeRevaluation,
  describeRevaluationError,
  runRevaluation,
} from '../../src/cli/commands/revaluation-run.command';
import { todayUtc } from '../../src/common/calendar-date';
import { TransactionRunner } from '../../src/database/transaction-runner';
import { RevaluationService } from '../../src/revaluation/revaluation.service';
import { StatementDataModule } from '../../src/statements/data/statement-data.module';
import { StatementDataService } from '../../src/statements/data/statement-data.service';
import { StatementData } from '../../src/statements/statement-data.types';
import { authedHttp, createTestApp, testConfig, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase, testEngine } from '../support/test-database';

type Auth = { Authorization: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
type Body = Record<string, any>;

const onServer = testEngine() === 'postgres' ? it : it.skip;

/**
 * UN rates (units per USD). EUR 0.90 throughout; CHF 0.80 until January 2026, 0.90 from
 * February, 0.72 from March. So 1 EUR is CHF 0.8889 in January (the EUR pledge is booked at CHF
 * 8,000.00), 1.00 at the end of February, 0.80 from March; 1 USD is CHF 0.80, 0.90, 0.72.
 */
const RATES: Array<[string, string, string]> = [
  ['CHF', '2025-01-01', '0.80'],
  ['EUR', '2025-01-01', '0.90'],
  ['CHF', '2026-02-01', '0.90'],
  ['CHF', '2026-03-01', '0.72'],
];

describe(RevaluationService.name, () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  const auth: Record<string, Auth> = {};
  let donorId: string;
  let statementBefore: StatementData;

  const as = (user: string) => authedHttp(app, auth[user]);
  const revalue = (period: string, key?: string, fund = 'WSIS-TF') => {
    const req = as('officer').post(`/api/v1/funds/${fund}/revaluations`);
    return (key === undefined ? req : req.set('Idempotency-Key', key)).send({ period });
  };

  async function count(query: string, params: unknown[] = []): Promise<number> {
    const { rows } = await sql.query<{ n: number }>(query, params);
    return rows[0].n;
  }
  const entries = (fund = 'WSIS-TF') =>
    count(
      `SELECT count(*)::int AS n FROM journal_entry e JOIN fund f ON f.id = e.fund_id
        WHERE f.code = $1`,
      [fund],
    );
  const audited = (entityId: string) =>
    count(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'revaluation.run' AND entity_id = $1`,
      [entityId],
    );

  function statement(): Promise<StatementData> {
    return app
      .get(TransactionRunner)
      .run((manager) =>
        app
          .get(StatementDataService)
          .build(manager, { donorId, fundCode: 'WSIS-TF', from: '2026-01-01', to: '2026-06-30' }),
      );
  }

  /** Account, currency and functional amount of each line of an entry, debit-positive. */
  async function entryLines(id: string): Promise<Array<[string, string, string, string]>> {
    const res = await as('auditor').get(`/api/v1/journal-entries/${id}`);
    expect(res.status).toBe(200);
    return (res.body.lines as Body[]).map((line) => [
      line.account.code,
      (line.debit ?? line.credit).currency,
      (line.debit ?? line.credit).amount,
      line.functional.amount,
    ]);
  }

  async function balance(account: string, asOf: string, query = ''): Promise<string> {
    const res = await as('auditor').get(
      `/api/v1/funds/WSIS-TF/accounts/${account}/balance?asOf=${asOf}${query}`,
    );
    expect(res.status).toBe(200);
    return res.body.functional.amount as string;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db, {
      env: { API_RATE_LIMIT_PER_MINUTE: '100000' },
      imports: [StatementDataModule],
    });
    sql = await connect(db.url);
    const users = new TestUsers(app);
    auth.officer = await users.auth('officer', ['finance_officer']);
    auth.admin = await users.auth('admin', ['admin']);
    auth.auditor = await users.auth('auditor', ['auditor']);
    auth.donor = await users.auth('donor.user', ['donor']);
    for (const [currency, effectiveFrom, unitsPerUsd] of RATES) {
      const res = await as('officer')
        .post('/api/v1/exchange-rates')
        .send({ currency, effectiveFrom, unitsPerUsd });
      expect(res.status).toBe(201);
    }
    for (const [code, currency, accountNumber] of [
      ['UBS-CHF', 'CHF', 'CH9300762011623852957'],
      ['CITI-USD', 'USD', '36838271'],
    ]) {
      const res = await as('officer')
        .post('/api/v1/bank-accounts')
        .send({
          fund: 'WSIS-TF',
          code,
          name: `${code} account`,
          bankName: 'Test bank',
          accountNumber,
          currency,
        });
      expect(res.status).toBe(201);
    }
    const donor = await as('officer')
      .post('/api/v1/donors')
      .send({ name: 'Republic of Testland', type: 'member_state', statementLanguage: 'en' });
    expect(donor.status).toBe(201);
    donorId = donor.body.id;
    // EUR 9,000 for participation grants, agreed in January: CHF 8,000.00 on the receivable.
    const pledge = await as('officer')
      .post('/api/v1/pledges')
      .send({
        fund: 'WSIS-TF',
        donorId,
        earmark: 'PARTICIPATION-GRANTS',
        currency: 'EUR',
        amount: '9000.00',
        announcedOn: '2026-01-05',
        instalments: [{ dueDate: '2026-09-30', amount: '9000.00' }],
      });
    expect(pledge.status).toBe(201);
    const agreed = await as('officer')
      .post(`/api/v1/pledges/${pledge.body.id as string}/agreement`)
      .send({ agreedOn: '2026-01-15', documentRef: 'AGR-EUR' });
    expect(agreed.status).toBe(200);
    // USD 5,000 on the USD bank account in January, left unapplied: CHF 4,000.00 of cash.
    const receipt = await as('officer').post('/api/v1/receipts').send({
      donorId,
      bankAccount: 'CITI-USD',
      valueDate: '2026-01-20',
      currency: 'USD',
      grossAmount: '5000.00',
      allocation: 'none',
    });
    expect(receipt.status).toBe(201);
    expect(await balance('1100', '2026-01-31', `&donorId=${donorId}`)).toBe('8000.00');
    expect(await balance('1000', '2026-01-31')).toBe('4000.00');
    statementBefore = await statement();
  });

  afterAll(async () => {
    await sql?.end();
    await app?.close();
    await db?.drop();
  });

  it('records a month whose balances are carried at its month-end rates, posting nothing', async () => {
    const before = await entries();
    const res = await revalue('2026-01');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      fund: 'WSIS-TF',
      period: '2026-01',
      run: 1,
      supplements: null,
      revaluedOn: '2026-01-31',
      entry: null,
      reversal: null,
      gain: { currency: 'CHF', amount: '0.00' },
      loss: { currency: 'CHF', amount: '0.00' },
      net: { currency: 'CHF', amount: '0.00' },
      lines: [],
      runBy: 'officer',
    });
    expect(await entries()).toBe(before);
    expect(await audited('WSIS-TF/2026-01')).toBe(1);
  });

  it('posts a higher month-end rate as an unrealised gain on 1190 and on the USD bank account, reversed on the 1st', async () => {
    const before = await entries();
    const res = await revalue('2026-02', 'reval-2026-02');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      period: '2026-02',
      revaluedOn: '2026-02-28',
      entry: { date: '2026-02-28', number: expect.stringMatching(/^JE-2026-\d{6}$/) },
      reversal: { date: '2026-03-01', number: expect.stringMatching(/^JE-2026-\d{6}$/) },
      gain: { currency: 'CHF', amount: '1500.00' },
      loss: { currency: 'CHF', amount: '0.00' },
      net: { currency: 'CHF', amount: '1500.00' },
    });
    // EUR 9,000 × 1.00 − 8,000.00 booked; USD 5,000 × 0.90 − 4,000.00 booked.
    expect(res.body.lines).toEqual([
      {
        account: '1190',
        earmark: 'PARTICIPATION-GRANTS',
        bankAccount: null,
        currency: 'EUR',
        rate: '1.0000000000',
        difference: { currency: 'CHF', amount: '1000.00' },
      },
      {
        account: '1000',
        earmark: null,
        bankAccount: 'CITI-USD',
        currency: 'USD',
        rate: '0.9000000000',
        difference: { currency: 'CHF', amount: '500.00' },
      },
    ]);
    expect(await entries()).toBe(before + 2);
    expect(await entryLines(res.body.entry.id)).toEqual([
      ['1190', 'EUR', '0.00', '1000.00'],
      ['1000', 'USD', '0.00', '500.00'],
      ['4300', 'EUR', '0.00', '-1000.00'],
      ['4300', 'USD', '0.00', '-500.00'],
    ]);
    const reversal = await as('auditor').get(`/api/v1/journal-entries/${res.body.reversal.id}`);
    expect(reversal.body).toMatchObject({
      date: '2026-03-01',
      reversesEntryId: res.body.entry.id,
      source: { type: 'reversal', ref: res.body.entry.id },
      reason: expect.stringContaining('2026-02'),
    });
    expect(await entryLines(res.body.reversal.id)).toEqual([
      ['1190', 'EUR', '0.00', '-1000.00'],
      ['1000', 'USD', '0.00', '-500.00'],
      ['4300', 'EUR', '0.00', '1000.00'],
      ['4300', 'USD', '0.00', '500.00'],
    ]);
    expect(await audited('WSIS-TF/2026-02')).toBe(1);

    // The same request again is answered as the first time; another one, with nothing posted
    // in the month since, is refused and posts nothing.
    const replay = await revalue('2026-02', 'reval-2026-02');
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(res.body);
    const again = await revalue('2026-02', 'reval-2026-02-again');
    expect(again.status).toBe(409);
    expect(again.headers['content-type']).toMatch(/problem\+json/);
    expect(again.body.code).toBe('revaluation-already-run');
    expect(again.body.detail).toContain('2026-02');
    expect(again.body.detail).toContain(res.body.entry.number);
    expect(again.body.detail).toContain('nothing has changed since');
    expect(await entries()).toBe(before + 2);
    expect(await audited('WSIS-TF/2026-02')).toBe(1);
  });

  it('keeps the ledger balanced and the donor’s receivable and statement at historical rates', async () => {
    const trial = await as('auditor').get('/api/v1/funds/WSIS-TF/trial-balance?asOf=2026-02-28');
    expect(trial.status).toBe(200);
    expect(trial.body.balanced).toBe(true);
    expect(trial.body.totalDebit).toEqual(trial.body.totalCredit);
    const line = (code: string) => (trial.body.accounts as Body[]).find((a) => a.code === code);
    expect(line('1190')?.debit).toEqual({ currency: 'CHF', amount: '1000.00' });
    expect(line('4300')?.credit).toEqual({ currency: 'CHF', amount: '1500.00' });
    // The fund's cash and receivables at the current rate: 9,000.00 + 4,500.00.
    expect(await balance('1000', '2026-02-28')).toBe('4500.00');
    expect(await balance('1190', '2026-02-28')).toBe('1000.00');
    // The donor's own receivable keeps the rate of its agreement; the reversal clears 1190.
    expect(await balance('1100', '2026-02-28', `&donorId=${donorId}`)).toBe('8000.00');
    expect(await balance('1190', '2026-03-01')).toBe('0.00');
    expect(await balance('1000', '2026-03-01')).toBe('4000.00');
    expect(await statement()).toEqual(statementBefore);
  });

  it('posts a lower month-end rate as an unrealised loss to 5500', async () => {
    const res = await revalue('2026-03');
    expect(res.status).toBe(201);
    // EUR 9,000 × 0.80 − 8,000.00; USD 5,000 × 0.72 − 4,000.00.
    expect(res.body).toMatchObject({
      revaluedOn: '2026-03-31',
      reversal: { date: '2026-04-01' },
      gain: { currency: 'CHF', amount: '0.00' },
      loss: { currency: 'CHF', amount: '1200.00' },
      net: { currency: 'CHF', amount: '-1200.00' },
    });
    expect((res.body.lines as Body[]).map((l) => [l.account, l.rate, l.difference.amount])).toEqual(
      [
        ['1190', '0.8000000000', '-800.00'],
        ['1000', '0.7200000000', '-400.00'],
      ],
    );
    expect(await entryLines(res.body.entry.id)).toEqual([
      ['1190', 'EUR', '0.00', '-800.00'],
      ['1000', 'USD', '0.00', '-400.00'],
      ['5500', 'EUR', '0.00', '800.00'],
      ['5500', 'USD', '0.00', '400.00'],
    ]);
    const trial = await as('auditor').get('/api/v1/funds/WSIS-TF/trial-balance?asOf=2026-03-31');
    expect(trial.body.balanced).toBe(true);
    expect(await balance('1100', '2026-03-31', `&donorId=${donorId}`)).toBe('8000.00');
    expect(await statement()).toEqual(statementBefore);
  });

  it('closing a month revalues it: not again after a manual run with nothing new, and not by hand after the close', async () => {
    const before = await entries();
    for (const period of ['2026-02', '2026-03']) {
      const closed = await as('officer').post(`/api/v1/funds/WSIS-TF/periods/${period}/close`);
      expect(closed.status).toBe(201);
      expect(await audited(`WSIS-TF/${period}`)).toBe(1);
    }
    expect(await entries()).toBe(before);

    const closed = await as('officer').post('/api/v1/funds/WSIS-TF/periods/2026-04/close');
    expect(closed.status).toBe(201);
    expect(await entries()).toBe(before + 2);
    expect(await audited('WSIS-TF/2026-04')).toBe(1);
    const runs = await as('auditor').get('/api/v1/funds/WSIS-TF/revaluations');
    expect(runs.status).toBe(200);
    const april = (runs.body as Body[]).find((run) => run.period === '2026-04');
    expect(april).toMatchObject({
      revaluedOn: '2026-04-30',
      entry: { date: '2026-04-30' },
      reversal: { date: '2026-05-01' },
      loss: { currency: 'CHF', amount: '1200.00' },
      runBy: 'officer',
    });
    const byHand = await revalue('2026-04');
    expect(byHand.status).toBe(409);
    expect(byHand.body.code).toBe('revaluation-already-run');
    expect(await entries()).toBe(before + 2);
  });

  it('lists the runs newest month first with their totals', async () => {
    const res = await as('auditor').get('/api/v1/funds/WSIS-TF/revaluations');
    expect(res.status).toBe(200);
    expect(
      (res.body as Body[])
        .filter((run) => run.period <= '2026-04')
        .map((run) => [run.period, run.run, run.gain.amount, run.loss.amount, run.net.amount]),
    ).toEqual([
      ['2026-04', 1, '0.00', '1200.00', '-1200.00'],
      ['2026-03', 1, '0.00', '1200.00', '-1200.00'],
      ['2026-02', 1, '1500.00', '0.00', '1500.00'],
      ['2026-01', 1, '0.00', '0.00', '0.00'],
    ]);
  });

  it('refuses a month that has not ended, a malformed month and an unknown fund', async () => {
    const before = await entries();
    const current = todayUtc().slice(0, 7);
    const notEnded = await revalue(current);
    expect(notEnded.status).toBe(422);
    expect(notEnded.body.errors).toEqual([
      expect.objectContaining({ field: 'period', rule: 'monthEnded' }),
    ]);
    expect((await revalue('2999-01')).status).toBe(422);
    const malformed = await revalue('2026-13');
    expect(malformed.status).toBe(422);
    expect(malformed.body.errors[0].field).toBe('period');
    expect((await revalue('2026-05', undefined, 'NO-SUCH-TF')).status).toBe(404);
    expect(await entries()).toBe(before);
  });

  it('refuses a month without the UN rate of a held currency on its last day, naming both, and so does its close; nothing changes', async () => {
    const fund = await as('admin').post('/api/v1/funds').send({
      code: 'NORATE-TF',
      name: 'Fund with a GBP opening balance',
      functionalCurrency: 'CHF',
    });
    expect(fund.status).toBe(201);
    // An opening balance migrated from an earlier system, in GBP, for which no UN rate was ever
    // entered here: the API cannot post such a line (it converts at the rate), so SQL does.
    await sql.query('BEGIN');
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO journal_entry (fund_id, number, fiscal_year, sequence, entry_date, description,
         source_type, idempotency_key, line_count, created_by)
       SELECT id, 'JE-2026-900001', 2026, 900001, '2026-06-10', 'Opening balance (migrated)',
              'migration', 'opening-gbp', 2, 'test' FROM fund WHERE code = 'NORATE-TF'
       RETURNING id`,
    );
    await sql.query(
      `INSERT INTO journal_line (entry_id, line_no, fund_id, entry_date, account_id, donor_id,
         currency, amount_minor, functional_minor)
       SELECT $1, x.line_no, a.fund_id, '2026-06-10', a.id, x.donor_id, 'GBP', x.amount, x.functional
         FROM (VALUES (1, '1100', $2::uuid, 100000, 110000),
                      (2, '3000', NULL::uuid, -100000, -110000))
                AS x (line_no, code, donor_id, amount, functional)
         JOIN account a ON a.code = x.code
         JOIN fund f ON f.id = a.fund_id AND f.code = 'NORATE-TF'`,
      [rows[0].id, donorId],
    );
    await sql.query('COMMIT');
    const before = await entries('NORATE-TF');
    const runsBefore = await count('SELECT count(*)::int AS n FROM revaluation_run');

    const refused = await revalue('2026-06', undefined, 'NORATE-TF');
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('revaluation-rate-missing');
    expect(refused.body.errors).toEqual([
      {
        field: 'period',
        rule: 'rateInForce',
        reason: expect.stringMatching(/GBP.*2026-06-30/),
      },
    ]);
    const close = await as('officer').post('/api/v1/funds/NORATE-TF/periods/2026-06/close');
    expect(close.status).toBe(422);
    expect(close.body.code).toBe('revaluation-rate-missing');
    expect(close.body.detail).toContain('closing the month runs');
    const periods = await as('auditor').get('/api/v1/funds/NORATE-TF/periods');
    expect((periods.body as Body[]).filter((p) => p.status === 'closed')).toEqual([]);
    expect(await entries('NORATE-TF')).toBe(before);
    expect(await count('SELECT count(*)::int AS n FROM revaluation_run')).toBe(runsBefore);
    expect(await audited('NORATE-TF/2026-06')).toBe(0);
  });

  onServer(
    'lets one of two concurrent runs of a month post and answers the other 409 (server only: the embedded database has one connection, so runs cannot overlap)',
    async () => {
      const answers = await Promise.all([revalue('2026-05'), revalue('2026-05')]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
      expect(
        await count(
          `SELECT count(*)::int AS n FROM journal_entry
            WHERE source_type = 'revaluation' AND idempotency_key = 'revaluation:2026-05:1'`,
        ),
      ).toBe(1);
      expect(await audited('WSIS-TF/2026-05')).toBe(1);
    },
  );

  it('revaluation:run (the command) revalues a month by the same rules, once', async () => {
    const config = testConfig(db);
    const run = await runRevaluation(config, 'WSIS-TF', '2026-06');
    expect(run).toMatchObject({ period: '2026-06', loss: { amount: '1200.00' } });
    expect(describeRevaluation(run)).toEqual([
      `WSIS-TF 2026-06 revalued at the rates of 2026-06-30: ${run.entry?.number as string} ` +
        `(2026-06-30), reversed by ${run.reversal?.number as string} (2026-07-01)`,
      '  1190 PARTICIPATION-GRANTS EUR at 0.8000000000: CHF -800.00',
      '  1000 CITI-USD USD at 0.7200000000: CHF -400.00',
      'gain CHF 0.00, loss CHF 1200.00, net CHF -1200.00',
    ]);
    const error: unknown = await runRevaluation(config, 'WSIS-TF', '2026-06').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(describeRevaluationError(error)).toEqual([
      expect.stringContaining('revaluation of 2026-06 of fund WSIS-TF has already run'),
    ]);
    const actors = await sql.query<{ actor: string }>(
      `SELECT actor FROM audit_log WHERE action = 'revaluation.run' AND entity_id = 'WSIS-TF/2026-06'`,
    );
    expect(actors.rows).toEqual([{ actor: expect.stringMatching(/^system:cli:/) }]);
  });

  it('is refused to a donor user', async () => {
    expect((await as('donor').get('/api/v1/funds/WSIS-TF/revaluations')).status).toBe(403);
    const res = await as('donor')
      .post('/api/v1/funds/WSIS-TF/revaluations')
      .send({ period: '2026-07' });
    expect(res.status).toBe(403);
    expect(await audited('WSIS-TF/2026-07')).toBe(0);
  });
  /**
   * A fund with USD 100,000 and USD 50,000 receivable (one earmark), agreed in February at CHF
   * 0.90 (CHF 135,000.00 booked); the March and April month-end rate is 0.72.
   */
  describe('a revalued month changed afterwards by postings dated in it', () => {
    const FUND = 'STALE-TF';
    const pledges: string[] = [];
    const chf = (amount: string) => ({ currency: 'CHF', amount });

    async function fundBalance(account: string, asOf: string): Promise<string> {
      const res = await as('auditor').get(
        `/api/v1/funds/${FUND}/accounts/${account}/balance?asOf=${asOf}`,
      );
      expect(res.status).toBe(200);
      return res.body.functional.amount as string;
    }
    const close = (period: string, fund = FUND) =>
      as('officer').post(`/api/v1/funds/${fund}/periods/${period}/close`);
    const runsOf = async (period: string, fund = FUND): Promise<Body[]> => {
      const res = await as('auditor').get(`/api/v1/funds/${fund}/revaluations`);
      expect(res.status).toBe(200);
      return (res.body as Body[]).filter((run) => run.period === period);
    };
    /** A receipt dated `valueDate`, recorded now, paying a pledge in full. */
    async function receive(valueDate: string, pledgeId: string, amount: string): Promise<void> {
      const res = await as('officer')
        .post('/api/v1/receipts')
        .send({
          fund: FUND,
          donorId,
          bankAccount: 'STALE-USD',
          valueDate,
          currency: 'USD',
          grossAmount: amount,
          allocations: [{ pledgeId, amount }],
        });
      expect(res.status).toBe(201);
    }

    beforeAll(async () => {
      const fund = await as('admin')
        .post('/api/v1/funds')
        .send({ code: FUND, name: 'Fund with USD receivables', functionalCurrency: 'CHF' });
      expect(fund.status).toBe(201);
      const earmark = await as('admin')
        .post(`/api/v1/funds/${FUND}/earmarks`)
        .send({ code: 'GRANTS', name: 'Grants' });
      expect(earmark.status).toBe(201);
      const bank = await as('officer').post('/api/v1/bank-accounts').send({
        fund: FUND,
        code: 'STALE-USD',
        name: 'USD account',
        bankName: 'Test bank',
        accountNumber: '99001122',
        currency: 'USD',
      });
      expect(bank.status).toBe(201);
      for (const amount of ['100000.00', '50000.00']) {
        const pledge = await as('officer')
          .post('/api/v1/pledges')
          .send({
            fund: FUND,
            donorId,
            earmark: 'GRANTS',
            currency: 'USD',
            amount,
            announcedOn: '2026-02-02',
            instalments: [{ dueDate: '2026-06-30', amount }],
          });
        expect(pledge.status).toBe(201);
        const agreed = await as('officer')
          .post(`/api/v1/pledges/${pledge.body.id as string}/agreement`)
          .send({ agreedOn: '2026-02-10', documentRef: `AGR-USD-${amount}` });
        expect(agreed.status).toBe(200);
        pledges.push(pledge.body.id as string);
      }
      expect(await fundBalance('1100', '2026-02-28')).toBe('135000.00');
    });

    it('a receipt dated in the month posted after its run is revalued by the close: a supplementary run brings 1190 to revalued − booked', async () => {
      const first = await revalue('2026-03', undefined, FUND);
      expect(first.status).toBe(201);
      // USD 150,000 × 0.72 − 135,000.00.
      expect(first.body).toMatchObject({ run: 1, supplements: null, loss: chf('27000.00') });

      // Later, a receipt dated 20 March pays the USD 100,000 pledge (realised loss at 0.72).
      await receive('2026-03-20', pledges[0], '100000.00');
      expect(await fundBalance('1100', '2026-03-31')).toBe('45000.00');
      // Stale: 1190 still holds the revaluation of the receivable that was paid.
      expect(await fundBalance('1190', '2026-03-31')).toBe('-27000.00');

      const before = await entries(FUND);
      const closed = await close('2026-03');
      expect(closed.status).toBe(201);
      expect(await entries(FUND)).toBe(before + 2);
      const [second, firstListed] = await runsOf('2026-03');
      expect(firstListed).toMatchObject({ run: 1, supplements: null, entry: first.body.entry });
      expect(second).toMatchObject({
        run: 2,
        supplements: 1,
        revaluedOn: '2026-03-31',
        entry: { date: '2026-03-31' },
        reversal: { date: '2026-04-01' },
        gain: chf('18000.00'),
        loss: chf('0.00'),
        lines: [
          {
            account: '1190',
            earmark: 'GRANTS',
            bankAccount: null,
            currency: 'USD',
            rate: '0.7200000000',
            difference: chf('18000.00'),
          },
        ],
      });
      expect(await entryLines(second.entry.id)).toEqual([
        ['1190', 'USD', '0.00', '18000.00'],
        ['4300', 'USD', '0.00', '-18000.00'],
      ]);
      // 1190 at the month end: USD 50,000 × 0.72 − 45,000.00 booked; cleared on 1 April.
      expect(await fundBalance('1190', '2026-03-31')).toBe('-9000.00');
      expect(await fundBalance('1190', '2026-04-01')).toBe('0.00');
      const position = await as('auditor').get(
        `/api/v1/reports/fund-position?fund=${FUND}&asOf=2026-03-31`,
      );
      expect(position.status).toBe(200);
      const grants = ((position.body.funds as Body[])[0].earmarks as Body[]).find(
        (line) => line.earmark === 'GRANTS',
      );
      expect(grants?.outstanding).toEqual({
        booked: chf('45000.00'),
        revaluation: chf('-9000.00'),
        current: chf('36000.00'),
      });
      const trial = await as('auditor').get(`/api/v1/funds/${FUND}/trial-balance?asOf=2026-03-31`);
      expect(trial.body.balanced).toBe(true);
      expect(await audited(`${FUND}/2026-03`)).toBe(2);

      // Closed: neither a second close nor a run by hand posts anything.
      const again = await close('2026-03');
      expect(again.status).toBe(409);
      const byHand = await revalue('2026-03', undefined, FUND);
      expect(byHand.status).toBe(409);
      expect(byHand.body.code).toBe('revaluation-already-run');
      expect(await entries(FUND)).toBe(before + 2);
      expect((await runsOf('2026-03')).map((run) => run.run)).toEqual([2, 1]);
    });

    it('a run by hand after such a posting is a supplementary run (201); with nothing new since, 409 and nothing posted', async () => {
      const first = await revalue('2026-04', undefined, FUND);
      expect(first.status).toBe(201);
      // USD 50,000 × 0.72 − 45,000.00 (March's runs are reversed on 1 April).
      expect(first.body).toMatchObject({ run: 1, loss: chf('9000.00') });
      await receive('2026-04-15', pledges[1], '50000.00');

      const before = await entries(FUND);
      const second = await revalue('2026-04', 'stale-2026-04-second', FUND);
      expect(second.status).toBe(201);
      expect(second.body).toMatchObject({
        run: 2,
        supplements: 1,
        entry: { date: '2026-04-30' },
        reversal: { date: '2026-05-01' },
        gain: chf('9000.00'),
        loss: chf('0.00'),
        net: chf('9000.00'),
      });
      expect(
        (second.body.lines as Body[]).map((l) => [l.account, l.currency, l.difference.amount]),
      ).toEqual([['1190', 'USD', '9000.00']]);
      expect(await entries(FUND)).toBe(before + 2);
      expect(await fundBalance('1100', '2026-04-30')).toBe('0.00');
      expect(await fundBalance('1190', '2026-04-30')).toBe('0.00');

      const third = await revalue('2026-04', 'stale-2026-04-third', FUND);
      expect(third.status).toBe(409);
      expect(third.headers['content-type']).toMatch(/problem\+json/);
      expect(third.body.code).toBe('revaluation-already-run');
      expect(third.body.detail).toContain(second.body.entry.number);
      expect(third.body.detail).toContain('nothing has changed since');
      expect(await entries(FUND)).toBe(before + 2);
      expect(await audited(`${FUND}/2026-04`)).toBe(2);
      const keys = await sql.query<{ key: string }>(
        `SELECT e.idempotency_key AS key FROM journal_entry e JOIN fund f ON f.id = e.fund_id
          WHERE f.code = $1 AND e.source_type = 'revaluation' AND e.source_ref = '2026-04'
          ORDER BY e.sequence`,
        [FUND],
      );
      expect(keys.rows.map((row) => row.key)).toEqual([
        'revaluation:2026-04:1',
        'revaluation:2026-04:2',
      ]);
    });

    it('refuses a month whose next month is closed, naming it, when something needs posting; nothing is posted', async () => {
      // WSIS-TF: the EUR receivable and the USD cash differ at every month end from March.
      const closedNext = await close('2026-09', 'WSIS-TF');
      expect(closedNext.status).toBe(201);
      const before = await entries();
      const refused = await revalue('2026-08');
      expect(refused.status).toBe(409);
      expect(refused.headers['content-type']).toMatch(/problem\+json/);
      expect(refused.body.code).toBe('revaluation-next-period-closed');
      expect(refused.body.detail).toContain('2026-09 is closed');
      expect(refused.body.detail).toContain('reopen it or close the months in order');
      const closing = await close('2026-08', 'WSIS-TF');
      expect(closing.status).toBe(409);
      expect(closing.body.code).toBe('revaluation-next-period-closed');
      expect(closing.body.detail).toContain('2026-09');
      expect(await entries()).toBe(before);
      expect(await runsOf('2026-08', 'WSIS-TF')).toEqual([]);
      expect(await audited('WSIS-TF/2026-08')).toBe(0);
      const periods = await as('auditor').get('/api/v1/funds/WSIS-TF/periods');
      expect((periods.body as Body[]).find((p) => p.period === '2026-08')?.status).not.toBe(
        'closed',
      );

      // With nothing to post (STALE-TF's USD is carried at the May rate), the run is recorded.
      expect((await close('2026-06')).status).toBe(201);
      const nothing = await revalue('2026-05', undefined, FUND);
      expect(nothing.status).toBe(201);
      expect(nothing.body).toMatchObject({ run: 1, entry: null, reversal: null, lines: [] });
    });
  });
});
