import { NestExpressApplication } from '@nestjs/platform-express';
import fc from 'fast-check';
import { Client } from 'pg';
import { Role } from '../../src/auth/roles';
import { postAdjustment, requestAndApprove } from '../support/approvals';
import { authedHttp, createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

// JSON answers, read field by field by the assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

const FUND = 'POS-TF';
const MONTHS = ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06'];
const DAYS = ['2026-01-31', '2026-02-14', '2026-03-31', '2026-05-20', '2026-06-30', '2026-09-01'];

/**
 * The fund position adds the kept sums of closed months (ledger_month_balance) to the lines of the
 * other months. Whatever months are closed and reopened, in whatever order, it must give exactly
 * what a plain sum over every line gives. A CHF-only fund, so that closing a month revalues
 * nothing.
 */
describe('fund position over closed and reopened months', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  const auth: Record<string, { Authorization: string }> = {};
  const closed = new Set<string>();
  const as = (name: string) => authedHttp(app, auth[name]);

  /** Every line of the fund up to the day, summed per account and earmark: no shortcut. */
  async function fullScan(asOf: string): Promise<Map<string, bigint>> {
    const { rows } = await sql.query<{ code: string; earmark: string | null; sum: string }>(
      `SELECT a.code, e.code AS earmark, sum(l.functional_minor)::text AS sum
         FROM journal_line l JOIN account a ON a.id = l.account_id
         JOIN fund f ON f.id = l.fund_id LEFT JOIN earmark e ON e.id = l.earmark_id
        WHERE f.code = $1 AND l.entry_date <= $2 GROUP BY a.code, e.code`,
      [FUND, asOf],
    );
    return new Map(rows.map((r) => [`${r.code}/${r.earmark ?? ''}`, BigInt(r.sum)]));
  }

  /** The position's ledger figures per earmark, as the full scan says they must be. */
  function expected(sums: Map<string, bigint>, earmark: string): Record<string, string> {
    const b = (code: string) => sums.get(`${code}/${earmark}`) ?? 0n;
    const money = (v: bigint) => {
      const abs = v < 0n ? -v : v;
      return `${v < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
    };
    return {
      agreed: money(-b('4000')),
      conditional: money(-b('2100')),
      received: money(-(b('4000') + b('2100') + b('5300') + b('1100'))),
      booked: money(b('1100')),
      writtenOff: money(b('5300')),
    };
  }

  async function check(): Promise<void> {
    for (const asOf of DAYS) {
      const res = await as('auditor').get(
        `/api/v1/reports/fund-position?fund=${FUND}&asOf=${asOf}&ties=false`,
      );
      expect(res.status).toBe(200);
      const sums = await fullScan(asOf);
      for (const line of res.body.funds[0].earmarks as Body[]) {
        expect({
          asOf,
          earmark: line.earmark,
          agreed: line.agreed.amount,
          conditional: line.conditional.amount,
          received: line.received.amount,
          booked: line.outstanding.booked.amount,
          writtenOff: line.writtenOff.amount,
        }).toEqual({ asOf, earmark: line.earmark, ...expected(sums, line.earmark ?? '') });
      }
    }
    const kept = await sql.query<{ period: string }>(
      `SELECT DISTINCT b.period FROM ledger_month_balance b JOIN fund f ON f.id = b.fund_id
        WHERE f.code = $1 ORDER BY 1`,
      [FUND],
    );
    expect(kept.rows.map((r) => r.period)).toEqual([...closed].sort());
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    const users = new TestUsers(app);
    const roles: Record<string, Role[]> = {
      officer: ['finance_officer'],
      approver: ['approver'],
      auditor: ['auditor'],
      admin: ['admin'],
    };
    for (const [name, held] of Object.entries(roles)) auth[name] = await users.auth(name, held);
    const fund = await as('admin')
      .post('/api/v1/funds')
      .send({
        code: FUND,
        name: 'Position test fund',
        functionalCurrency: 'CHF',
        earmarks: [
          { code: 'ALPHA', name: 'Alpha' },
          { code: 'BETA', name: 'Beta' },
        ],
      });
    expect(fund.status).toBe(201);
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO donor (name, normalized_name, type, created_by)
       VALUES ('Donor', 'donor', 'member_state', 'test') RETURNING id`,
    );
    const donorId = rows[0].id;
    // Receivables agreed, some conditional, some cleared, some written off, over six months and
    // on both earmarks (and a receivable with no earmark).
    const entries: Array<[string, string, string, string | undefined, string]> = [
      ['2026-01-05', '1100', '4000', 'ALPHA', '1000.00'],
      ['2026-01-31', '1100', '2100', 'BETA', '250.50'],
      ['2026-02-14', '4000', '1100', 'ALPHA', '120.25'],
      ['2026-02-28', '1100', '4000', 'BETA', '75.10'],
      ['2026-03-10', '5300', '1100', 'ALPHA', '33.33'],
      ['2026-03-31', '2100', '4000', 'BETA', '250.50'],
      ['2026-04-01', '1100', '4000', 'ALPHA', '4000.01'],
      ['2026-05-20', '4000', '1100', 'BETA', '99.99'],
      ['2026-06-30', '5300', '1100', undefined, '12.00'],
      ['2026-07-15', '1100', '4000', 'ALPHA', '7.77'],
    ];
    for (const [date, debit, credit, earmark, amount] of entries) {
      const line = (account: string) => ({
        account,
        donorId,
        currency: 'CHF',
        ...(earmark === undefined && account !== '4000' ? {} : { earmark: earmark ?? 'ALPHA' }),
      });
      const posted = await postAdjustment(
        app,
        {
          date,
          description: `Test entry of ${date}`,
          lines: [
            { ...line(debit), debit: amount },
            { ...line(credit), credit: amount },
          ],
        },
        auth.officer,
        auth.approver,
        FUND,
      );
      if (posted.status !== 200) throw new Error(`${posted.status} ${JSON.stringify(posted.body)}`);
    }
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  it('gives the full scan’s figures with no month closed', async () => {
    await check();
  });

  it('gives the same figures as a full scan whatever months are closed and reopened, in any order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...MONTHS), { minLength: 1, maxLength: 5 }),
        async (toggles) => {
          for (const period of toggles) {
            if (closed.has(period)) {
              const reopened = await requestAndApprove(
                app,
                `/api/v1/funds/${FUND}/periods/${period}/reopen`,
                { reason: 'Property test' },
                auth.officer,
                auth.approver,
              );
              expect(reopened.status).toBe(200);
              closed.delete(period);
            } else {
              const res = await as('officer')
                .post(`/api/v1/funds/${FUND}/periods/${period}/close`)
                .send({});
              expect(res.status).toBe(201);
              closed.add(period);
            }
          }
          await check();
        },
      ),
      { numRuns: 4, seed: 20261128 },
    );
  });
});
