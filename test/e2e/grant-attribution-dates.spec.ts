import { randomUUID } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { Role } from '../../src/auth/roles';
import { CalendarDate, todayUtc } from '../../src/common/calendar-date';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { TransactionRunner } from '../../src/database/transaction-runner';
import { StatementDataModule } from '../../src/statements/data/statement-data.module';
import { StatementDataService } from '../../src/statements/data/statement-data.service';
import { approve } from '../support/approvals';
import { fundEarmark, newEarmark as newEarmarkIn, requestGrant } from '../support/earmark-fixtures';
import { addBankAccount } from '../support/ledger-fixtures';
import { createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
type Body = Record<string, any>;

/** Grant approvals are dated today; the other dates of these tests are counted from it. */
const TODAY = todayUtc();
const day = (offset: number): CalendarDate => {
  const date = new Date(`${TODAY}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + offset);
  return date.toISOString().slice(0, 10);
};

/**
 * What was attributed to a grant counts, as of a date, from its own date (attributed_on): the
 * grant step's effective date for the rows a step writes, the reversal's date for the rows that
 * move a grant's attribution off a reversed receipt. A report or statement as of a date between
 * the approval and the reversal shows the grant funded by the original donor; from the reversal
 * on, by the donor whose money it moved to; the grant's total is the same at every date.
 */
describe('grant attribution dates', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let transactions: TransactionRunner;
  const auth: Record<string, { Authorization: string }> = {};
  const donors: Record<string, string> = {};

  const as = (user: string) => ({
    get: (url: string) => request(app.getHttpServer()).get(url).set(auth[user]),
    post: (url: string, body: object = {}) =>
      request(app.getHttpServer()).post(url).set(auth[user]).send(body),
  });

  const newEarmark = (): Promise<string> => newEarmarkIn(sql);
  const fund = (earmark: string, donor: string, gross: string, valueDate: string) =>
    fundEarmark(as('officer').post, { earmark, donorId: donors[donor], gross, valueDate });

  /** A partial-ticket grant for a participant from Senegal (an LDC), approved today. */
  async function approvedGrant(earmark: string, ticket: string): Promise<string> {
    const grantId = await requestGrant(as('officer').post, sql, earmark, ticket);
    const asked = await as('officer').post(`/api/v1/grants/${grantId}/approval`);
    expect(asked.status).toBe(202);
    expect((await approve(app, asked.body.id, auth.approver)).status).toBe(200);
    return grantId;
  }

  async function reverse(receipt: Body, date: CalendarDate): Promise<void> {
    const asked = await as('officer').post(`/api/v1/receipts/${receipt.id}/reversal`, {
      date,
      reason: 'Recorded against the wrong donor',
    });
    expect(asked.status).toBe(202);
    const done = await approve(app, asked.body.id, auth.approver);
    expect(done.status).toBe(200);
    expect(done.body.result.status).toBe('reversed');
  }

  /**
   * Per donor named, as of `asOf`: what the grant-attribution report says the donor's money paid
   * for (amount and grants funded), and what the donor's statement up to `asOf` says.
   */
  async function figures(
    asOf: CalendarDate,
    names: readonly string[],
  ): Promise<Record<string, { report: string; grants: number; statement: string }>> {
    const res = await as('auditor').get(`/api/v1/reports/grant-attribution?asOf=${asOf}`);
    expect(res.status).toBe(200);
    const out: Record<string, { report: string; grants: number; statement: string }> = {};
    for (const name of names) {
      const row = (res.body.donors as Body[]).find((donor) => donor.donor.id === donors[name]);
      const data = await transactions.run((manager) =>
        app.get(StatementDataService).build(manager, {
          donorId: donors[name],
          fundCode: 'WSIS-TF',
          from: '2026-01-01',
          to: asOf,
        }),
      );
      out[name] = {
        report: row?.attributed.amount ?? '0.00',
        grants: row?.grants ?? 0,
        statement: data.sections[0].grantUse.amount.amount,
      };
    }
    return out;
  }

  const cents = (amount: string): bigint => BigInt(amount.replace('.', ''));

  /** The grant's total over the donors named, from the report and from the statements. */
  function totals(seen: Record<string, { report: string; statement: string }>): string[] {
    const all = Object.values(seen);
    return [
      all.reduce((sum, one) => sum + cents(one.report), 0n).toString(),
      all.reduce((sum, one) => sum + cents(one.statement), 0n).toString(),
    ];
  }

  /** The grant's attribution rows, oldest first: donor name, amount, date. */
  async function rows(grantId: string): Promise<Array<[string, string, string]>> {
    const found = await sql.query<{ name: string; amount: string; on: string }>(
      `SELECT d.name, ga.amount_minor::text AS amount,
              to_char(ga.attributed_on, 'YYYY-MM-DD') AS on
         FROM grant_attribution ga JOIN donor d ON d.id = ga.donor_id
        WHERE ga.grant_id = $1 ORDER BY ga.id`,
      [grantId],
    );
    return found.rows.map((row) => [row.name, row.amount, row.on]);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    await addBankAccount(db.url, { code: 'CHF-MAIN', currency: 'CHF', id: randomUUID() });
    app = await createTestApp(db, {
      env: { API_RATE_LIMIT_PER_MINUTE: '100000' },
      imports: [StatementDataModule],
    });
    sql = await connect(db.url);
    transactions = app.get(TransactionRunner);
    const users = new TestUsers(app);
    const roles: Record<string, Role[]> = {
      officer: ['finance_officer'],
      approver: ['approver'],
      auditor: ['auditor'],
    };
    for (const [name, held] of Object.entries(roles)) auth[name] = await users.auth(name, held);
    // Each test funds its earmark from donors of its own: a reversed receipt gives its pledge
    // its receivable back, which the donor's next receipt would otherwise pay first.
    for (const name of ['Norway', 'Korea', 'Finland', 'Chile', 'Iceland', 'Ghana']) {
      const { rows: created } = await sql.query<{ id: string }>(
        `INSERT INTO donor (name, normalized_name, type, created_by)
         VALUES ($1, lower($1), 'member_state', 'test') RETURNING id`,
        [name],
      );
      donors[name] = created[0].id;
    }
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  it('dates the move of a grant off a reversed receipt by the reversal: before it the original donor funds the grant, from it the other', async () => {
    const earmark = await newEarmark();
    const norway = await fund(earmark, 'Norway', '1000.00', '2026-03-02');
    await fund(earmark, 'Korea', '1000.00', '2026-04-15');
    const grant = await approvedGrant(earmark, '600.00');
    // Approved today (D1); Norway's receipt is reversed a week later (D2), a reversal dated ahead.
    const d1 = TODAY;
    const d2 = day(7);
    await reverse(norway, d2);
    expect(await rows(grant)).toEqual([
      ['Norway', '60000', d1],
      ['Norway', '-60000', d2],
      ['Korea', '60000', d2],
    ]);

    const names = ['Norway', 'Korea'];
    const norwayFunds = {
      Norway: { report: '600.00', grants: 1, statement: '600.00' },
      Korea: { report: '0.00', grants: 0, statement: '0.00' },
    };
    const koreaFunds = {
      Norway: { report: '0.00', grants: 0, statement: '0.00' },
      Korea: { report: '600.00', grants: 1, statement: '600.00' },
    };
    expect(await figures(day(-1), names)).toEqual({
      Norway: { report: '0.00', grants: 0, statement: '0.00' },
      Korea: { report: '0.00', grants: 0, statement: '0.00' },
    });
    for (const asOf of [d1, day(3), day(6)]) {
      const seen = await figures(asOf, names);
      expect({ asOf, seen }).toEqual({ asOf, seen: norwayFunds });
      expect(totals(seen)).toEqual(['60000', '60000']);
    }
    for (const asOf of [d2, day(30)]) {
      const seen = await figures(asOf, names);
      expect({ asOf, seen }).toEqual({ asOf, seen: koreaFunds });
      expect(totals(seen)).toEqual(['60000', '60000']);
    }
  });

  it('dates a move no earlier than the attribution it moves, when the reversal is dated before the approval', async () => {
    const earmark = await newEarmark();
    const finland = await fund(earmark, 'Finland', '1000.00', '2026-03-02');
    await fund(earmark, 'Chile', '1000.00', '2026-04-15');
    const grant = await approvedGrant(earmark, '600.00');
    // Recorded after the approval, for a date before it: the grant never held Finland's money on
    // a date Finland's money had left, so the move counts from the approval.
    await reverse(finland, '2026-05-01');
    expect(await rows(grant)).toEqual([
      ['Finland', '60000', TODAY],
      ['Finland', '-60000', TODAY],
      ['Chile', '60000', TODAY],
    ]);
    const names = ['Finland', 'Chile'];
    const none = { report: '0.00', grants: 0, statement: '0.00' };
    expect(await figures('2026-06-30', names)).toEqual({ Finland: none, Chile: none });
    expect(await figures(day(-1), names)).toEqual({ Finland: none, Chile: none });
    expect(await figures(TODAY, names)).toEqual({
      Finland: none,
      Chile: { report: '600.00', grants: 1, statement: '600.00' },
    });
  });

  it('dates what a cancellation releases by the cancellation', async () => {
    const earmark = await newEarmark();
    await fund(earmark, 'Iceland', '1000.00', '2026-03-02');
    const grant = await approvedGrant(earmark, '400.00');
    const cancelled = await as('officer').post(`/api/v1/grants/${grant}/cancellation`, {
      date: TODAY,
      reason: 'The participant could not obtain a visa',
    });
    expect(cancelled.status).toBe(200);
    expect(await rows(grant)).toEqual([
      ['Iceland', '40000', TODAY],
      ['Iceland', '-40000', TODAY],
    ]);
  });

  it('backfills the rows written before the migration with the date reports gave them until then', async () => {
    const earmark = await newEarmark();
    const ghana = await fund(earmark, 'Ghana', '500.00', '2026-03-02');
    const grant = await approvedGrant(earmark, '200.00');
    const dataSource = await new DataSource(dataSourceOptions(db.url, 2)).initialize();
    try {
      const last = MIGRATIONS[MIGRATIONS.length - 1];
      expect(last.name).toBe('GrantAttributionDates1765800000000');
      await dataSource.undoLastMigration();
      const columns = await sql.query(
        `SELECT 1 FROM information_schema.columns
          WHERE table_name = 'grant_attribution' AND column_name = 'attributed_on'`,
      );
      expect(columns.rows).toEqual([]);
      // A row as the code before this change wrote it (no date), and one recorded before any
      // step of its grant, which falls back to the grant's decision date (2026-06-01).
      const allocation = await sql.query<{ id: string }>(
        `SELECT id FROM receipt_allocation WHERE receipt_id = $1`,
        [ghana.id],
      );
      await sql.query(
        `INSERT INTO grant_attribution (grant_id, donor_id, receipt_allocation_id, amount_minor)
         VALUES ($1, $2, $3, 5000)`,
        [grant, donors.Ghana, allocation.rows[0].id],
      );
      await sql.query(
        `INSERT INTO grant_attribution (grant_id, donor_id, receipt_allocation_id, amount_minor,
                                        created_at)
         VALUES ($1, $2, $3, -5000, '2026-01-01T00:00:00Z')`,
        [grant, donors.Ghana, allocation.rows[0].id],
      );
      await dataSource.runMigrations({ transaction: 'all' });
    } finally {
      await dataSource.destroy();
    }
    expect(await rows(grant)).toEqual([
      ['Ghana', '20000', TODAY],
      ['Ghana', '5000', TODAY],
      ['Ghana', '-5000', '2026-06-01'],
    ]);
    // Every row of the database has its date, and the immutability trigger is back.
    const missing = await sql.query(`SELECT 1 FROM grant_attribution WHERE attributed_on IS NULL`);
    expect(missing.rows).toEqual([]);
    await expect(
      sql.query(`UPDATE grant_attribution SET attributed_on = '2026-01-01' WHERE grant_id = $1`, [
        grant,
      ]),
    ).rejects.toMatchObject({ code: '55000' });
    await expect(
      sql.query(
        `INSERT INTO grant_attribution (grant_id, donor_id, receipt_allocation_id, amount_minor)
         SELECT grant_id, donor_id, receipt_allocation_id, 1 FROM grant_attribution LIMIT 1`,
      ),
    ).rejects.toMatchObject({ code: '23502' });
  });
});
