import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import { approve, postAdjustment } from '../support/approvals';
import { newDonorId, receivableAdjustment } from '../support/ledger-fixtures';
import { authedHttp, createTestApp, TestUsers } from '../support/test-app';
import { addBankAccount, BANK_ACCOUNT } from '../support/ledger-fixtures';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

describe('ledger through the API', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    await addBankAccount(db.url);
    app = await createTestApp(db);
    sql = await connect(db.url);
    const users = new TestUsers(app);
    for (const name of ['officer.a', 'officer.b', 'chief']) {
      auth[name] = await users.auth(name, ['finance_officer']);
    }
    auth['admin.a'] = await users.auth('admin.a', ['admin']);
    auth['approver.a'] = await users.auth('approver.a', ['approver']);
    // UN operational rates: units per USD.
    for (const [currency, units] of [
      ['CHF', '0.8000'],
      ['EUR', '0.9000'],
    ]) {
      const res = await http()
        .post('/api/v1/exchange-rates')
        .send({ currency, effectiveFrom: '2026-01-01', unitsPerUsd: units });
      expect(res.status).toBe(201);
    }
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  const auth: Record<string, { Authorization: string }> = {};
  const as = (name: string) => authedHttp(app, auth[name]);
  const http = () => as('officer.a');
  const lineCount = async (): Promise<number> =>
    (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM journal_line')).rows[0].n;
  const approvalCount = async (): Promise<number> =>
    (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM approval_request')).rows[0].n;
  // Adjustments are requested (202, checked at once) and posted when approved: `post` is the
  // request alone, `posted` both steps, answering with the approval's status and the entry.
  const post = (body: Record<string, unknown>, fund = 'WSIS-TF') =>
    as('officer.a').post(`/api/v1/funds/${fund}/journal-entries`).send(body);
  const posted = (body: Record<string, unknown>, fund = 'WSIS-TF') =>
    postAdjustment(app, body, auth['officer.a'], auth['approver.a'], fund);

  describe('funds', () => {
    it('has the WSIS Trust Fund in CHF with its earmarks and chart of accounts', async () => {
      const fund = await http().get('/api/v1/funds/WSIS-TF');
      expect(fund.status).toBe(200);
      expect(fund.body).toMatchObject({ code: 'WSIS-TF', functionalCurrency: 'CHF' });
      expect(fund.body.earmarks.map((e: { code: string }) => e.code).sort()).toEqual([
        'PARTICIPATION-GRANTS',
        'UNEARMARKED',
        'WSIS20-REVIEW',
      ]);
      const accounts = await http().get('/api/v1/funds/WSIS-TF/accounts');
      const byCode = Object.fromEntries(accounts.body.map((a: { code: string }) => [a.code, a]));
      expect(byCode['1100']).toMatchObject({
        name: 'Contributions receivable',
        kind: 'asset',
        dimensions: { donor: 'required', earmark: 'optional', bankAccount: 'none' },
      });
      expect(byCode['1000'].dimensions.bankAccount).toBe('required');
      expect(byCode['4000'].dimensions.earmark).toBe('required');
      expect(Object.keys(byCode)).toEqual(
        expect.arrayContaining([
          '1200',
          '2000',
          '2100',
          '2200',
          '2300',
          '5000',
          '5100',
          '5200',
          '5300',
        ]),
      );
    });

    it('creates a fund with its chart of accounts and an unearmarked earmark', async () => {
      const res = await as('admin.a')
        .post('/api/v1/funds')
        .send({
          code: 'ICT-TF',
          name: 'ICT development fund',
          functionalCurrency: 'USD',
          earmarks: [{ code: 'SCHOOLS', name: 'Schools' }],
        });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        code: 'ICT-TF',
        functionalCurrency: 'USD',
        createdBy: 'admin.a',
      });
      expect(res.body.earmarks.map((e: { code: string }) => e.code).sort()).toEqual([
        'SCHOOLS',
        'UNEARMARKED',
      ]);
      const accounts = await http().get('/api/v1/funds/ICT-TF/accounts');
      expect(accounts.body).toHaveLength(21);
    });

    it('refuses a second fund with the same code, and an unknown currency', async () => {
      const again = await as('admin.a')
        .post('/api/v1/funds')
        .send({ code: 'WSIS-TF', name: 'x', functionalCurrency: 'CHF' });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('fund-code-taken');
      const badCurrency = await as('admin.a')
        .post('/api/v1/funds')
        .send({ code: 'NEW-TF', name: 'x', functionalCurrency: 'XYZ' });
      expect(badCurrency.status).toBe(422);
      expect(badCurrency.body.code).toBe('unknown-currency');
    });

    it('answers 404 for an unknown fund', async () => {
      const res = await http().get('/api/v1/funds/NOPE-TF');
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('fund-not-found');
    });
  });

  describe('manual adjustments', () => {
    it('posts a balanced entry, numbered per fund and year', async () => {
      const donor = newDonorId();
      const first = await posted(receivableAdjustment(donor, '1,250.00', '2026-02-10'));
      expect(first.requested.status).toBe(202);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        fund: 'WSIS-TF',
        date: '2026-02-10',
        // Written by its maker; the source names the approval request, which names the approver.
        source: { type: 'manual-adjustment', ref: first.requested.body.id },
        createdBy: 'officer.a',
      });
      expect(first.body.number).toMatch(/^JE-2026-\d{6}$/);
      expect(first.body.lines).toEqual([
        expect.objectContaining({
          lineNo: 1,
          account: { code: '1100', name: 'Contributions receivable' },
          donorId: donor,
          earmark: 'UNEARMARKED',
          debit: { currency: 'CHF', amount: '1250.00' },
          credit: null,
          functional: { currency: 'CHF', amount: '1250.00' },
        }),
        expect.objectContaining({
          lineNo: 2,
          credit: { currency: 'CHF', amount: '1250.00' },
          functional: { currency: 'CHF', amount: '-1250.00' },
        }),
      ]);
      const second = await posted(receivableAdjustment(donor, '10.00', '2026-02-11'));
      const n1 = Number(first.body.number.slice(-6));
      expect(second.body.number).toBe(`JE-2026-${String(n1 + 1).padStart(6, '0')}`);
      const otherYear = await posted(receivableAdjustment(donor, '10.00', '2025-12-31'));
      expect(otherYear.body.number).toBe('JE-2025-000001');
    });

    it('refuses an entry that does not balance when it is requested, and writes nothing', async () => {
      const before = await lineCount();
      const requests = await approvalCount();
      const body = receivableAdjustment(newDonorId(), '100.00');
      (body.lines as Array<Record<string, string>>)[1].credit = '99.99';
      const res = await post(body);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('entry-unbalanced');
      expect(res.body.detail).toContain('CHF: debits minus credits is 0.01');
      expect(await lineCount()).toBe(before);
      expect(await approvalCount()).toBe(requests);
    });

    it('says which line is wrong: missing dimension, unknown account, bad amount', async () => {
      const before = await lineCount();
      const res = await post({
        date: '2026-03-01',
        description: 'Three mistakes',
        lines: [
          { account: '1100', currency: 'CHF', debit: '10.00' },
          { account: '9999', currency: 'CHF', credit: '5.00' },
          { account: '4000', earmark: 'UNEARMARKED', currency: 'CHF', credit: '5.001' },
        ],
      });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('invalid-entry');
      const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
      expect(fields).toEqual(['lines[0].donor', 'lines[1].account', 'lines[2].credit']);
      expect(await lineCount()).toBe(before);
    });

    it('refuses a line with both debit and credit, or neither, and an unknown earmark', async () => {
      const res = await post({
        date: '2026-03-01',
        description: 'Bad lines',
        lines: [
          { account: '5100', currency: 'CHF', debit: '1.00', credit: '1.00' },
          { account: '5100', currency: 'CHF' },
          { account: '4000', earmark: 'NOPE', currency: 'CHF', credit: '1.00' },
        ],
      });
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([
        'lines[0]',
        'lines[1]',
        'lines[2].earmark',
      ]);
    });

    it('converts foreign-currency lines at the UN rate of the date; rounding goes to the largest line', async () => {
      // EUR -> CHF = 0.80 / 0.90: 10.00 EUR = 8.888… CHF -> 8.89; 5.00 EUR = 4.444… -> 4.44 twice.
      const res = await posted({
        date: '2026-04-30',
        description: 'EUR reclassification',
        lines: [
          {
            account: '1000',
            bankAccountId: BANK_ACCOUNT,
            currency: 'EUR',
            debit: '10.00',
          },
          { account: '2300', currency: 'EUR', credit: '5.00' },
          { account: '2300', currency: 'EUR', credit: '5.00' },
        ],
      });
      expect(res.status).toBe(200);
      expect(
        res.body.lines.map((l: { functional: { amount: string } }) => l.functional.amount),
      ).toEqual(['8.88', '-4.44', '-4.44']);
      expect(res.body.lines[1].rate).toBe('0.888888888889');
    });

    it('names the currency and date when no UN rate is in force', async () => {
      const res = await post({
        date: '2026-04-30',
        description: 'Yen',
        lines: [
          { account: '2300', currency: 'JPY', debit: '1000' },
          { account: '2300', currency: 'JPY', credit: '1000' },
        ],
      });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('rate-missing');
      expect(res.body.detail).toContain('JPY');
      expect(res.body.detail).toContain('2026-04-30');
    });
  });

  describe('reversals', () => {
    it('posts the mirror entry once, linked to the original, with a reason, when approved', async () => {
      const original = await posted(receivableAdjustment(newDonorId(), '300.00', '2026-05-05'));
      const requested = await as('officer.b')
        .post(`/api/v1/journal-entries/${original.body.id}/reversal`)
        .send({ reason: 'Posted to the wrong donor' });
      expect(requested.status).toBe(202);
      expect(requested.body).toMatchObject({ kind: 'journal.reversal', status: 'pending' });
      // Nothing is reversed until a second person approves.
      expect(
        (await http().get(`/api/v1/journal-entries/${original.body.id}`)).body.reversedByEntryId,
      ).toBeNull();

      const approved = await approve(app, requested.body.id, auth['approver.a']);
      expect(approved.status).toBe(200);
      const reversal = approved.body.result;
      expect(reversal).toMatchObject({
        reversesEntryId: original.body.id,
        reason: 'Posted to the wrong donor',
        date: '2026-05-05',
        source: { type: 'reversal', ref: original.body.id },
        createdBy: 'officer.b',
      });
      expect(reversal.lines[0].credit).toEqual({ currency: 'CHF', amount: '300.00' });
      expect(reversal.lines[1].debit).toEqual({ currency: 'CHF', amount: '300.00' });
      const reread = await http().get(`/api/v1/journal-entries/${original.body.id}`);
      expect(reread.body.reversedByEntryId).toBe(reversal.id);

      const again = await http()
        .post(`/api/v1/journal-entries/${original.body.id}/reversal`)
        .send({ reason: 'Twice' });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('entry-already-reversed');
      const ofTheReversal = await http()
        .post(`/api/v1/journal-entries/${reversal.id as string}/reversal`)
        .send({ reason: 'Undo the undo' });
      expect(ofTheReversal.status).toBe(409);
      expect(ofTheReversal.body.code).toBe('entry-not-reversible');
    });

    it('refuses a reversal dated before its original', async () => {
      const original = await posted(receivableAdjustment(newDonorId(), '5.00', '2026-05-10'));
      const res = await http()
        .post(`/api/v1/journal-entries/${original.body.id}/reversal`)
        .send({ reason: 'Backdated', date: '2026-05-09' });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].field).toBe('date');
    });

    it('needs a reason', async () => {
      const original = await posted(receivableAdjustment(newDonorId(), '1.00'));
      const res = await http()
        .post(`/api/v1/journal-entries/${original.body.id}/reversal`)
        .send({});
      expect(res.status).toBe(422);
      expect(res.body.errors[0].field).toBe('reason');
    });

    it('answers 404 for an unknown entry', async () => {
      const res = await http().get('/api/v1/journal-entries/2b1f0a8e-0000-4000-8000-000000000000');
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('entry-not-found');
    });
  });

  describe('periods', () => {
    it('refuses posting into a closed period until it is reopened with a reason and approved', async () => {
      const close = await as('chief').post('/api/v1/funds/WSIS-TF/periods/2026-06/close').send({});
      expect(close.status).toBe(201);
      expect(close.body).toMatchObject({ period: '2026-06', status: 'closed', changedBy: 'chief' });

      // Refused when requested, not only when approved.
      const refused = await post(receivableAdjustment(newDonorId(), '5.00', '2026-06-15'));
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('period-closed');
      expect(refused.body.detail).toContain('2026-06');

      expect(
        (await http().post('/api/v1/funds/WSIS-TF/periods/2026-06/close').send({})).status,
      ).toBe(409);
      const noReason = await http().post('/api/v1/funds/WSIS-TF/periods/2026-06/reopen').send({});
      expect(noReason.status).toBe(422);
      const reopen = await as('chief')
        .post('/api/v1/funds/WSIS-TF/periods/2026-06/reopen')
        .send({ reason: 'Late bank charges' });
      expect(reopen.status).toBe(202);
      expect(reopen.body).toMatchObject({
        kind: 'period.reopen',
        status: 'pending',
        maker: 'chief',
      });
      // Still closed until an approver agrees.
      expect((await post(receivableAdjustment(newDonorId(), '5.00', '2026-06-15'))).status).toBe(
        422,
      );
      const approved = await approve(app, reopen.body.id, auth['approver.a']);
      expect(approved.status).toBe(200);
      expect(approved.body.result).toMatchObject({ period: '2026-06', status: 'open' });
      expect((await posted(receivableAdjustment(newDonorId(), '5.00', '2026-06-15'))).status).toBe(
        200,
      );

      // The maker asked and gave the reason; the reason records who approved it.
      const events = await sql.query(
        `SELECT action, reason, actor FROM accounting_period_event WHERE period = '2026-06' ORDER BY id`,
      );
      expect(events.rows).toEqual([
        { action: 'close', reason: null, actor: 'chief' },
        {
          action: 'reopen',
          reason: `Late bank charges (approved by approver.a, approval ${reopen.body.id})`,
          actor: 'chief',
        },
      ]);
    });

    it('refuses a period that is not a month', async () => {
      const res = await http().post('/api/v1/funds/WSIS-TF/periods/2026-13/close').send({});
      expect(res.status).toBe(422);
    });
  });

  describe('balances', () => {
    it("gives a donor's receivable as of any date, and by dimension", async () => {
      const donor = newDonorId();
      const other = newDonorId();
      await posted(receivableAdjustment(donor, '1000.00', '2026-01-10'));
      await posted(receivableAdjustment(donor, '500.00', '2026-02-10'));
      await posted(receivableAdjustment(other, '70.00', '2026-02-10'));
      const balance = (asOf: string) =>
        http().get(`/api/v1/funds/WSIS-TF/accounts/1100/balance?donorId=${donor}&asOf=${asOf}`);
      expect((await balance('2026-01-09')).body.functional).toEqual({
        currency: 'CHF',
        amount: '0.00',
      });
      expect((await balance('2026-01-31')).body.functional).toEqual({
        currency: 'CHF',
        amount: '1000.00',
      });
      const feb = (await balance('2026-02-28')).body;
      expect(feb.functional).toEqual({ currency: 'CHF', amount: '1500.00' });
      expect(feb.balances).toEqual([{ currency: 'CHF', amount: '1500.00' }]);

      const grouped = await http().get(
        '/api/v1/funds/WSIS-TF/accounts/1100/balance?groupBy=donor&asOf=2026-02-28',
      );
      const groups = Object.fromEntries(
        grouped.body.groups.map((g: { dimension: string; functional: { amount: string } }) => [
          g.dimension,
          g.functional.amount,
        ]),
      );
      expect(groups[donor]).toBe('1500.00');
      expect(groups[other]).toBe('70.00');
    });

    it('has a trial balance whose debits equal its credits, in every currency', async () => {
      const res = await http().get('/api/v1/funds/WSIS-TF/trial-balance?asOf=2026-12-31');
      expect(res.status).toBe(200);
      expect(res.body.balanced).toBe(true);
      expect(res.body.totalDebit).toEqual(res.body.totalCredit);
      expect(Number(res.body.totalDebit.amount.replace('.', ''))).toBeGreaterThan(0);
      for (const total of res.body.currencyTotals) expect(total.amount).toMatch(/^0(\.0+)?$/);
      expect(res.body.accounts).toHaveLength(21);
    });
  });

  it('lists a fund’s entries in a date range, in journal order, each with its lines', async () => {
    const donor = newDonorId();
    await posted(receivableAdjustment(donor, '1.00', '2026-08-03'));
    await posted(receivableAdjustment(donor, '2.00', '2026-08-01'));
    await posted(receivableAdjustment(donor, '3.00', '2026-09-01'));
    const res = await http().get(
      '/api/v1/funds/WSIS-TF/journal-entries?from=2026-08-01&to=2026-08-31',
    );
    expect(res.status).toBe(200);
    expect(res.body.map((e: { date: string }) => e.date)).toEqual(['2026-08-01', '2026-08-03']);
    expect(
      res.body.map(
        (e: { lines: Array<{ debit: { amount: string } | null }> }) => e.lines[0].debit?.amount,
      ),
    ).toEqual(['2.00', '1.00']);
    expect(res.body.every((e: { lines: unknown[] }) => e.lines.length === 2)).toBe(true);
    const bad = await http().get('/api/v1/funds/WSIS-TF/journal-entries?from=2026-02-30');
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe('from');
  });

  it('numbers concurrent postings without gaps or duplicates', async () => {
    const bodies = Array.from({ length: 12 }, (_, i) =>
      receivableAdjustment(newDonorId(), `${i + 1}.00`, '2027-01-15'),
    );
    const requests = await Promise.all(bodies.map((body) => post(body)));
    expect(requests.map((r) => r.status)).toEqual(bodies.map(() => 202));
    const results = await Promise.all(
      requests.map((r) => approve(app, r.body.id, auth['approver.a'])),
    );
    expect(results.map((r) => r.status)).toEqual(bodies.map(() => 200));
    const numbers = results.map((r) => r.body.result.number as string).sort();
    expect(numbers).toEqual(
      Array.from({ length: 12 }, (_, i) => `JE-2027-${String(i + 1).padStart(6, '0')}`),
    );
  });
});
