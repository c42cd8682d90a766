import { AuditRepository } from '../audit/audit.repository';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import {
  connect,
  createTestDatabase,
  TestDatabase,
  testEngine,
} from '../../test/support/test-database';
import { AppError, ValidationFailedError } from '../common/errors/app-error';
import { dataSourceOptions } from '../database/data-source-options';
import { sqlState } from '../database/sql-state';
import { TransactionRunner } from '../database/transaction-runner';
import { Money } from '../money/money';
import { UnknownCurrencyError } from '../money/money.errors';
import { Rate } from '../money/rate';
import {
  InvalidRateDateError,
  MissingRateError,
  RateUnchangedError,
  RateVersionConflictError,
} from './rates.errors';
import { RatesRepository } from './rates.repository';
import { RatesService } from './rates.service';

const officer: Actor = { id: 'finance.officer', roles: ['finance_officer'], donorIds: [] };

describe(RatesService.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let rates: RatesService;
  let sql: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource(dataSourceOptions(db.url, 4)).initialize();
    rates = new RatesService(
      new RatesRepository(),
      new TransactionRunner(dataSource),
      dataSource,
      new AuditService(dataSource, new AuditRepository()),
    );
    sql = await connect(db.url);
    // January and February rates of EUR and CHF, then a March rate for CHF only.
    await rates.importCsv(officer, {
      fileName: 'q1.csv',
      csv: [
        'currency,effective_from,units_per_usd',
        'EUR,2026-01-01,0.86',
        'CHF,2026-01-01,0.8',
        'EUR,2026-02-01,0.85',
        'CHF,2026-02-01,0.79',
        'CHF,2026-03-01,0.78',
        'JPY,2026-01-01,156.25',
        'KWD,2026-01-01,0.307',
      ].join('\n'),
    });
  });

  afterAll(async () => {
    await sql.end();
    await dataSource.destroy();
    await db.drop();
  });

  const caught = async (promise: Promise<unknown>): Promise<unknown> =>
    promise.then(
      () => {
        throw new Error('expected a rejection');
      },
      (error: unknown) => error,
    );

  describe('rate', () => {
    it('uses the row in force: from its effective date up to the day before the next one', async () => {
      const lastDayOfJanuary = await rates.rate('EUR', 'USD', '2026-01-31');
      expect(lastDayOfJanuary.used).toEqual([
        { currency: 'EUR', effectiveFrom: '2026-01-01', unitsPerUsd: '0.8600000000', version: 1 },
      ]);
      expect(lastDayOfJanuary.rate.equals(Rate.parse('0.86').inverse())).toBe(true);

      const firstOfFebruary = await rates.rate('EUR', 'USD', '2026-02-01');
      expect(firstOfFebruary.used[0].effectiveFrom).toBe('2026-02-01');
      // A rate stays in force until the next one, however long that takes.
      const later = await rates.rate('EUR', 'USD', '2027-06-30');
      expect(later.used[0].effectiveFrom).toBe('2026-02-01');
    });

    it('crosses two currencies through USD, exactly, and says which rows it used', async () => {
      const { rate, used } = await rates.rate('EUR', 'CHF', '2026-01-15');
      // CHF per EUR = (CHF per USD) / (EUR per USD) = 0.8 / 0.86 = 40/43
      expect(rate.equals(Rate.of(40n, 43n))).toBe(true);
      expect(rate.toDecimalString()).toBe('0.9302325581');
      expect(used.map((row) => `${row.currency} ${row.effectiveFrom}`)).toEqual([
        'EUR 2026-01-01',
        'CHF 2026-01-01',
      ]);
      const march = await rates.rate('EUR', 'CHF', '2026-03-10');
      expect(march.used.map((row) => `${row.currency} ${row.effectiveFrom}`)).toEqual([
        'EUR 2026-02-01',
        'CHF 2026-03-01',
      ]);
      expect(march.rate.equals(Rate.parse('0.78').divide(Rate.parse('0.85')))).toBe(true);
    });

    it('needs no row for USD or for a currency converted into itself', async () => {
      expect(await rates.rate('USD', 'USD', '1999-01-01')).toEqual({
        rate: Rate.ONE,
        from: 'USD',
        to: 'USD',
        date: '1999-01-01',
        used: [],
      });
      const gbp = await rates.rate('GBP', 'GBP', '2026-01-01');
      expect(gbp.rate).toBe(Rate.ONE);
      expect(gbp.used).toEqual([]);
      const usdToJpy = await rates.rate('USD', 'JPY', '2026-02-01');
      expect(usdToJpy.rate.equals(Rate.parse('156.25'))).toBe(true);
      expect(usdToJpy.used.map((row) => row.currency)).toEqual(['JPY']);
    });

    it('names the currency and the date when no rate is in force', async () => {
      const beforeFirst = await caught(rates.rate('EUR', 'CHF', '2025-12-31'));
      expect(beforeFirst).toBeInstanceOf(MissingRateError);
      expect(beforeFirst).toMatchObject({
        status: 422,
        code: 'rate-missing',
        detail: 'No UN operational rate for EUR in force on 2025-12-31',
      });
      const noGbp = await caught(rates.rate('CHF', 'GBP', '2026-01-15'));
      expect((noGbp as AppError).detail).toBe(
        'No UN operational rate for GBP in force on 2026-01-15',
      );
    });

    it('refuses an unknown currency or an impossible date', async () => {
      await expect(rates.rate('EUR', 'XYZ', '2026-01-15')).rejects.toBeInstanceOf(
        UnknownCurrencyError,
      );
      await expect(rates.rate('EUR', 'CHF', '2026-02-30')).rejects.toBeInstanceOf(
        InvalidRateDateError,
      );
      await expect(rates.rate('EUR', 'CHF', '15.01.2026')).rejects.toMatchObject({
        code: 'invalid-date',
      });
    });

    it("reads inside the caller's transaction when given its manager", async () => {
      const seen = await dataSource
        .transaction(async (manager) => {
          await manager.query(
            `INSERT INTO exchange_rate (currency, effective_from, units_per_usd, version, source, entered_by)
             VALUES ('SEK', '2026-01-01', 9.5, 1, 'manual', 'test')`,
          );
          const inside = await rates.rate('SEK', 'USD', '2026-01-02', manager);
          throw Object.assign(new Error('roll back'), { inside });
        })
        .catch((error: { inside: unknown }) => error.inside);
      expect(seen).toMatchObject({ used: [{ currency: 'SEK', unitsPerUsd: '9.5000000000' }] });
      await expect(rates.rate('SEK', 'USD', '2026-01-02')).rejects.toBeInstanceOf(MissingRateError);
    });
  });

  describe('convert', () => {
    it('converts at the rate in force and rounds half-even once', async () => {
      // 1,000.00 CHF in EUR on 15 January: 1000 × 0.86 / 0.8 = 1075.00
      const result = await rates.convert(Money.parse('1,000.00', 'CHF'), 'EUR', '2026-01-15');
      expect(result.money.toString()).toBe('EUR 1075.00');
      expect(result.used.map((row) => row.currency)).toEqual(['CHF', 'EUR']);
      // 0.01 EUR in USD on 15 January: 0.01 / 0.86 = 0.011627… → 0.01
      expect(
        (await rates.convert(Money.parse('0.01', 'EUR'), 'USD', '2026-01-15')).money.toString(),
      ).toBe('USD 0.01');
      // KWD has 3 decimals, JPY none: 1.000 KWD = 156.25 / 0.307 JPY = 508.95… → 509
      expect(
        (await rates.convert(Money.parse('1.000', 'KWD'), 'JPY', '2026-01-15')).money.toString(),
      ).toBe('JPY 509');
    });
  });

  describe('corrections', () => {
    it('keeps the corrected rate as version 1 and uses the correction from then on', async () => {
      const correction = await rates.enter(officer, {
        currency: 'EUR',
        effectiveFrom: '2026-02-01',
        unitsPerUsd: '0.855',
        reason: 'UN Treasury reissued the February rate',
      });
      expect(correction).toMatchObject({ version: 2, source: 'manual', current: true });
      const { used } = await rates.rate('EUR', 'USD', '2026-02-10');
      expect(used).toEqual([
        { currency: 'EUR', effectiveFrom: '2026-02-01', unitsPerUsd: '0.8550000000', version: 2 },
      ]);
      const february = (await rates.list({ currency: 'EUR' })).filter(
        (row) => row.effectiveFrom === '2026-02-01',
      );
      expect(february.map((row) => [row.version, row.unitsPerUsd, row.current])).toEqual([
        [2, '0.855', true],
        [1, '0.85', false],
      ]);
    });

    it('requires a reason to correct, and a different value', async () => {
      const noReason = await caught(
        rates.enter(officer, { currency: 'CHF', effectiveFrom: '2026-01-01', unitsPerUsd: '0.81' }),
      );
      expect(noReason).toBeInstanceOf(ValidationFailedError);
      expect((noReason as AppError).errors).toEqual([
        expect.objectContaining({ field: 'reason', rule: 'required' }),
      ]);
      const blankReason = await caught(
        rates.enter(officer, {
          currency: 'CHF',
          effectiveFrom: '2026-01-01',
          unitsPerUsd: '0.81',
          reason: '   ',
        }),
      );
      expect(blankReason).toBeInstanceOf(ValidationFailedError);
      const same = await caught(
        rates.enter(officer, {
          currency: 'CHF',
          effectiveFrom: '2026-01-01',
          unitsPerUsd: '0.800',
          reason: 'same again',
        }),
      );
      expect(same).toBeInstanceOf(RateUnchangedError);
      expect(await versionsOf('CHF', '2026-01-01')).toEqual([1]);
    });

    const onServer = testEngine() === 'postgres' ? it : it.skip;
    onServer(
      'never gives two concurrent corrections the same version (needs a PostgreSQL server: PGlite runs one transaction at a time)',
      async () => {
        const attempts = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) =>
            rates.enter(officer, {
              currency: 'GBP',
              effectiveFrom: '2026-04-01',
              unitsPerUsd: `0.7${i}`,
              reason: `attempt ${i}`,
            }),
          ),
        );
        const saved = attempts.filter((attempt) => attempt.status === 'fulfilled');
        for (const attempt of attempts) {
          if (attempt.status === 'rejected') {
            expect(attempt.reason).toBeInstanceOf(RateVersionConflictError);
          }
        }
        const versions = await versionsOf('GBP', '2026-04-01');
        expect(versions).toEqual(Array.from({ length: saved.length }, (_, i) => i + 1));
      },
    );
  });

  describe('import', () => {
    const file = (lines: string[]) => ['currency,effective_from,units_per_usd,reason', ...lines];

    it('creates, corrects and skips, and changes nothing when the same file comes again', async () => {
      const csv = file([
        'EUR,2026-01-01,0.86,', // as entered: skipped
        'CHF,2026-03-01,0.775,', // a different value: a correction
        'EUR,2026-04-01,0.84,', // new
        'GBP,2026-01-01,0.74,first GBP rate', // new, with a note
      ]).join('\n');
      expect(await rates.importCsv(officer, { fileName: 'april.csv', csv })).toEqual({
        fileName: 'april.csv',
        created: 2,
        corrected: 1,
        unchanged: 1,
      });
      expect(await rates.importCsv(officer, { fileName: 'april.csv', csv })).toEqual({
        fileName: 'april.csv',
        created: 0,
        corrected: 0,
        unchanged: 4,
      });
      const [chf] = (await rates.list({ currency: 'CHF' })).filter(
        (row) => row.effectiveFrom === '2026-03-01' && row.current,
      );
      expect(chf).toMatchObject({
        version: 2,
        unitsPerUsd: '0.775',
        source: 'csv:april.csv',
        reason: 'corrected by import april.csv',
        enteredBy: 'finance.officer',
      });
    });

    it('imports nothing when one row is bad, and reports every bad row by line', async () => {
      const before = await rowCount();
      const error = await caught(
        rates.importCsv(officer, {
          fileName: 'bad.csv',
          csv: file([
            'NOK,2026-01-01,10.5,',
            'EUR,2026-05-01,0,',
            '',
            'USD,2026-05-01,1,',
            'EUR,2026-13-01,0.85,',
            'NOK,2026-01-01,10.6,',
          ]).join('\n'),
        }),
      );
      expect(error).toBeInstanceOf(ValidationFailedError);
      expect((error as AppError).errors!.map((e) => `${e.field}:${e.rule}`)).toEqual([
        'rows[3].units_per_usd:isDecimal',
        'rows[5].currency:isCurrency',
        'rows[6].effective_from:isDate',
        'rows[7].effective_from:unique',
      ]);
      expect((error as AppError).errors![3].reason).toBe(
        'line 7: NOK from 2026-01-01 is already on line 2; give each rate once',
      );
      expect(await rowCount()).toBe(before);
    });
  });

  describe('the exchange_rate table', () => {
    it('refuses UPDATE, DELETE and TRUNCATE, whoever asks', async () => {
      const before = await sql.query(`SELECT * FROM exchange_rate ORDER BY id`);
      for (const statement of [
        `UPDATE exchange_rate SET units_per_usd = 1 WHERE currency = 'EUR'`,
        `DELETE FROM exchange_rate WHERE currency = 'EUR'`,
        `TRUNCATE exchange_rate`,
      ]) {
        const error = await caught(sql.query(statement));
        expect(sqlState(error)).toBe('23001');
        expect((error as Error).message).toBe(
          'exchange_rate rows are never changed or removed: enter a correction as a new version',
        );
      }
      expect((await sql.query(`SELECT * FROM exchange_rate ORDER BY id`)).rows).toEqual(
        before.rows,
      );
    });

    it('refuses USD, a non-positive rate, a duplicate version and a correction without reason', async () => {
      const insert = (values: string) =>
        caught(
          sql.query(
            `INSERT INTO exchange_rate (currency, effective_from, units_per_usd, version, source, reason, entered_by)
             VALUES ${values}`,
          ),
        );
      expect(sqlState(await insert(`('USD', '2026-01-01', 1, 1, 'manual', NULL, 'x')`))).toBe(
        '23514',
      );
      expect(sqlState(await insert(`('EUR', '2030-01-01', 0, 1, 'manual', NULL, 'x')`))).toBe(
        '23514',
      );
      expect(sqlState(await insert(`('EUR', '2026-01-01', 0.9, 1, 'manual', NULL, 'x')`))).toBe(
        '23505',
      );
      expect(sqlState(await insert(`('EUR', '2026-01-01', 0.9, 2, 'manual', ' ', 'x')`))).toBe(
        '23514',
      );
      expect(sqlState(await insert(`('EUR', '2030-01-01', 0.9, 1, 'excel', NULL, 'x')`))).toBe(
        '23514',
      );
    });
  });

  async function versionsOf(currency: string, effectiveFrom: string): Promise<number[]> {
    const { rows } = await sql.query<{ version: number }>(
      `SELECT version FROM exchange_rate WHERE currency = $1 AND effective_from = $2 ORDER BY version`,
      [currency, effectiveFrom],
    );
    return rows.map((row) => row.version);
  }

  async function rowCount(): Promise<number> {
    const { rows } = await sql.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM exchange_rate',
    );
    return rows[0].count;
  }
});
