import { NestExpressApplication } from '@nestjs/platform-express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { authedHttp, createTestApp, TestUsers } from '../support/test-app';
import { createTestDatabase, TestDatabase, testEngine } from '../support/test-database';

const FIXTURE = join(__dirname, '..', 'fixtures', 'un-operational-rates.csv');

describe('exchange rates API', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db);
    users = new TestUsers(app);
    defaultAuth = await users.auth('finance.officer', ['finance_officer']);
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  let users: TestUsers;
  let defaultAuth: { Authorization: string };
  const http = () => authedHttp(app, defaultAuth);
  const enter = (body: object) => http().post('/api/v1/exchange-rates').send(body);
  const importCsv = (fileName: string, csv: string) =>
    http()
      .post('/api/v1/exchange-rates/import')

      .send({ fileName, csv });
  const list = async (currency?: string) =>
    (
      await http()
        .get('/api/v1/exchange-rates')
        .query(currency ? { currency } : {})
    ).body as Array<{
      currency: string;
      effectiveFrom: string;
      unitsPerUsd: string;
      version: number;
      current: boolean;
      reason: string | null;
    }>;

  function expectProblem(res: request.Response, status: number, code: string): void {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, code });
  }

  function fieldRules(res: request.Response): string[] {
    return (res.body.errors as { field: string; rule: string }[]).map(
      (e) => `${e.field}:${e.rule}`,
    );
  }

  describe('import', () => {
    it('imports the sample file of UN operational rates', async () => {
      const res = await importCsv('un-operational-rates.csv', readFileSync(FIXTURE, 'utf8'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        fileName: 'un-operational-rates.csv',
        created: 10,
        corrected: 0,
        unchanged: 0,
      });
    });

    it('changes nothing when the same file is imported again', async () => {
      const res = await importCsv('un-operational-rates.csv', readFileSync(FIXTURE, 'utf8'));
      expect(res.body).toEqual({
        fileName: 'un-operational-rates.csv',
        created: 0,
        corrected: 0,
        unchanged: 10,
      });
      expect(await list('EUR')).toHaveLength(3);
    });

    it('imports nothing from a file with a bad row, and lists each bad row', async () => {
      const before = (await list()).length;
      const res = await importCsv(
        'march-fix.csv',
        [
          'currency,effective_from,units_per_usd',
          'EUR,2026-03-01,0.847',
          'EUR,2026-04-01,"0,84"',
          'EURO,2026-04-01,0.84',
          'GBP,01/04/2026,0.74',
          'JPY,2026-04-01',
        ].join('\r\n'),
      );
      expectProblem(res, 422, 'validation-failed');
      expect(fieldRules(res)).toEqual([
        'rows[3].units_per_usd:isDecimal',
        'rows[4].currency:isCurrency',
        'rows[5].effective_from:isDate',
        'rows[6]:columns',
      ]);
      expect(res.body.errors[0].reason).toMatch(
        /^line 3: units_per_usd must be a positive decimal/,
      );
      expect((await list()).length).toBe(before);
      expect((await list('EUR')).find((r) => r.effectiveFrom === '2026-03-01')).toMatchObject({
        unitsPerUsd: '0.846',
        version: 1,
      });
    });

    it('explains a file whose header is not the documented one', async () => {
      const res = await importCsv('rates.csv', 'Currency;Date;Rate\nEUR;2026-01-01;0.86\n');
      expectProblem(res, 422, 'validation-failed');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'csv', rule: 'header' })]);
      expect(res.body.errors[0].reason).toMatch(
        /the first line must be the header currency,effective_from,units_per_usd\[,reason\]/,
      );
    });

    it('refuses a request without the file', async () => {
      const res = await http().post('/api/v1/exchange-rates/import').send({ fileName: 'x.csv' });
      expectProblem(res, 422, 'validation-failed');
      expect(fieldRules(res)).toContain('csv:isString');
    });
  });

  describe('manual entry and corrections', () => {
    it('enters a rate and records who entered it', async () => {
      const res = await enter({
        currency: 'KWD',
        effectiveFrom: '2026-04-01',
        unitsPerUsd: '0.3071',
        reason: 'April rate, entered before the file arrived',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        currency: 'KWD',
        effectiveFrom: '2026-04-01',
        unitsPerUsd: '0.3071',
        version: 1,
        current: true,
        source: 'manual',
        enteredBy: 'finance.officer',
      });
      expect(new Date(res.body.enteredAt as string).getTime()).not.toBeNaN();
    });

    it('refuses a correction without a reason, with a field error', async () => {
      const res = await enter({
        currency: 'EUR',
        effectiveFrom: '2026-02-01',
        unitsPerUsd: '0.852',
      });
      expectProblem(res, 422, 'validation-failed');
      expect(fieldRules(res)).toEqual(['reason:required']);
      expect(res.body.errors[0].reason).toMatch(/EUR already has a rate from 2026-02-01/);
    });

    it('keeps the old version visible after a correction', async () => {
      const res = await enter({
        currency: 'EUR',
        effectiveFrom: '2026-02-01',
        unitsPerUsd: '0.852',
        reason: 'Typo in the February file',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ version: 2, current: true });
      const february = (await list('EUR')).filter((r) => r.effectiveFrom === '2026-02-01');
      expect(february.map((r) => [r.version, r.unitsPerUsd, r.current, r.reason])).toEqual([
        [2, '0.852', true, 'Typo in the February file'],
        [1, '0.851', false, null],
      ]);
    });

    it('answers 409 to a correction that changes nothing', async () => {
      const res = await enter({
        currency: 'EUR',
        effectiveFrom: '2026-02-01',
        unitsPerUsd: '0.8520',
        reason: 'again',
      });
      expectProblem(res, 409, 'rate-unchanged');
    });

    it.each([
      [{ currency: 'EURO' }, 'currency:isCurrency'],
      [{ currency: 'eur' }, 'currency:isCurrency'],
      [{ currency: 'XAU' }, 'currency:isCurrency'],
      [{ currency: 'USD' }, 'currency:isCurrency'],
      [{ unitsPerUsd: '0,86' }, 'unitsPerUsd:isDecimal'],
      [{ unitsPerUsd: 0.86 }, 'unitsPerUsd:isDecimal'],
      [{ unitsPerUsd: '8.6e-1' }, 'unitsPerUsd:isDecimal'],
      [{ unitsPerUsd: '-0.86' }, 'unitsPerUsd:isDecimal'],
      [{ unitsPerUsd: '0' }, 'unitsPerUsd:isDecimal'],
      [{ unitsPerUsd: '0.12345678901' }, 'unitsPerUsd:isDecimal'],
      [{ effectiveFrom: '2026-02-30' }, 'effectiveFrom:isDate'],
      [{ effectiveFrom: '01.05.2026' }, 'effectiveFrom:isDate'],
      [{ effectiveFrom: '2026-05-01T00:00:00Z' }, 'effectiveFrom:isDate'],
      [{ rate: '0.86' }, 'rate:unknown-field'],
    ])('refuses %p as problem+json naming the field', async (change, rule) => {
      const res = await enter({
        currency: 'NOK',
        effectiveFrom: '2026-05-01',
        unitsPerUsd: '10.1',
        ...change,
      });
      expectProblem(res, 422, 'validation-failed');
      expect(fieldRules(res)).toEqual([rule]);
    });

    const onServer = testEngine() === 'postgres' ? it : it.skip;
    onServer(
      'never stores two simultaneous corrections as the same version (needs a PostgreSQL server: PGlite runs one transaction at a time)',
      async () => {
        const before = (await list('GBP')).length;
        const responses = await Promise.all(
          ['0.741', '0.742', '0.743', '0.745', '0.746', '0.747'].map((unitsPerUsd) =>
            enter({ currency: 'GBP', effectiveFrom: '2026-01-01', unitsPerUsd, reason: 'race' }),
          ),
        );
        const statuses = responses.map((res) => res.status);
        for (const res of responses.filter((r) => r.status !== 201)) {
          expectProblem(res, 409, 'rate-version-conflict');
        }
        const versions = (await list('GBP')).map((r) => r.version).sort((a, b) => a - b);
        expect(versions).toEqual(
          Array.from(
            { length: before + statuses.filter((s) => s === 201).length },
            (_, i) => i + 1,
          ),
        );
      },
    );
  });

  describe('rate in force', () => {
    it('returns the cross rate with 10 decimals and the rows it used', async () => {
      const res = await http()
        .get('/api/v1/exchange-rates/rate')
        .query({ from: 'EUR', to: 'CHF', date: '2026-03-31' });
      expect(res.status).toBe(200);
      // CHF 0.785 / EUR 0.846 per USD
      expect(res.body).toEqual({
        from: 'EUR',
        to: 'CHF',
        date: '2026-03-31',
        rate: '0.9278959811',
        used: [
          { currency: 'EUR', effectiveFrom: '2026-03-01', unitsPerUsd: '0.846', version: 1 },
          { currency: 'CHF', effectiveFrom: '2026-03-01', unitsPerUsd: '0.785', version: 1 },
        ],
      });
    });

    it('uses a correction from the moment it is entered', async () => {
      const res = await http()
        .get('/api/v1/exchange-rates/rate')
        .query({ from: 'USD', to: 'EUR', date: '2026-02-28' });
      expect(res.body).toMatchObject({
        rate: '0.8520000000',
        used: [{ currency: 'EUR', effectiveFrom: '2026-02-01', version: 2 }],
      });
    });

    it('says which currency has no rate on which date', async () => {
      const res = await http()
        .get('/api/v1/exchange-rates/rate')
        .query({ from: 'GBP', to: 'CHF', date: '2025-12-31' });
      expectProblem(res, 422, 'rate-missing');
      expect(res.body.detail).toBe('No UN operational rate for GBP in force on 2025-12-31');
    });

    it('refuses an unknown currency or a malformed date', async () => {
      const res = await http()
        .get('/api/v1/exchange-rates/rate')
        .query({ from: 'EUR', to: 'ZZZ', date: '2026-3-1' });
      expectProblem(res, 422, 'validation-failed');
      expect(fieldRules(res).sort()).toEqual(['date:isDate', 'to:isCurrency']);
    });
  });
});
