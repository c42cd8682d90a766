import { randomUUID } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { Role } from '../../src/auth/roles';
import { APP_CONFIG, AppConfig } from '../../src/config/app-config';
import {
  BrowserApp,
  createPasswordUser,
  describeWithBrowser,
  screenshotPath,
  startBrowserApp,
  submitForm,
  watchPage,
} from '../support/browser';
import { addBankAccount } from '../support/ledger-fixtures';
import { createTestApp, createTestUser, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

type Auth = { Authorization: string };
type Body = Record<string, unknown>;
type Batch = Body & { id: string };

/**
 * UN rates (units per USD): CHF 0.90 throughout; EUR 0.80 from March 2026 only, so that a EUR
 * receipt dated before March has no rate and is refused.
 */
const RATES: Array<[string, string, string]> = [
  ['CHF', '2025-01-01', '0.90'],
  ['EUR', '2026-03-01', '0.80'],
];

describe('receipt batches through the API and the pages', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  const auth: Record<string, Auth> = {};
  let chfAccountId: string;

  const as = (user: string) => {
    const server = app.getHttpServer();
    return {
      get: (url: string) => request(server).get(url).set(auth[user]),
      post: (url: string, body: object = {}) =>
        request(server).post(url).set(auth[user]).send(body),
      put: (url: string, body: object = {}) => request(server).put(url).set(auth[user]).send(body),
      form: (url: string, body: Record<string, string>) =>
        request(server).post(url).set(auth[user]).type('form').send(body).redirects(0),
    };
  };

  async function newDonor(name: string): Promise<string> {
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO donor (name, normalized_name, type, created_by)
       VALUES ($1, lower($1), 'member_state', 'test') RETURNING id`,
      [`${name} ${randomUUID().slice(0, 6)}`],
    );
    return rows[0].id;
  }

  /** What posting must leave untouched when it is refused. */
  async function counts(): Promise<Record<string, number>> {
    const { rows } = await sql.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM receipt) AS receipts,
              (SELECT count(*) FROM receipt_allocation) AS allocations,
              (SELECT count(*) FROM journal_entry) AS entries,
              (SELECT coalesce(sum(last_number), 0) FROM receipt_sequence) AS numbers`,
    );
    return Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]));
  }

  async function draft(body: Body): Promise<Batch> {
    const res = await as('officer').post('/api/v1/receipt-batches', {
      bankAccount: 'CHF-MAIN',
      description: 'UBS advice list',
      ...body,
    });
    expect(res.status).toBe(201);
    return res.body as Batch;
  }

  const line = (valueDate: string, grossAmount: string, more: Body = {}): Body => ({
    valueDate,
    grossAmount,
    ...more,
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    chfAccountId = await addBankAccount(db.url, {
      code: 'CHF-MAIN',
      currency: 'CHF',
      id: randomUUID(),
    });
    await addBankAccount(db.url, { code: 'EUR-MAIN', currency: 'EUR', id: randomUUID() });
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    const users = new TestUsers(app);
    const roles: Record<string, Role[]> = {
      officer: ['finance_officer'],
      auditor: ['auditor'],
      management: ['management'],
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

  it('saves a draft and resumes it: lines, entered against declared, nothing recorded', async () => {
    const before = await counts();
    const created = await draft({
      declaredCount: 3,
      declaredTotal: '1,750.00',
      receipts: [
        line('2026-05-04', '1,000.00', { bankCharges: '12.50', remitterName: 'MINISTRY A' }),
        line('2026-05-05', '500', { bankReference: 'UBS-0001' }),
      ],
    });
    expect(created).toMatchObject({
      status: 'draft',
      fund: 'WSIS-TF',
      bankAccount: { code: 'CHF-MAIN', currency: 'CHF' },
      declared: { count: 3, total: { currency: 'CHF', amount: '1750.00' } },
      entered: { count: 2, total: { currency: 'CHF', amount: '1500.00' } },
      difference: { count: -1, total: { currency: 'CHF', amount: '-250.00' } },
      agrees: false,
      receipts: [],
    });

    // Resumed later: the lines come back as saved, amounts as plain decimals.
    const resumed = await as('management').get(`/api/v1/receipt-batches/${created.id}`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.lines).toEqual([
      {
        valueDate: '2026-05-04',
        grossAmount: '1000.00',
        bankCharges: '12.50',
        remitterName: 'MINISTRY A',
        receipt: null,
      },
      { valueDate: '2026-05-05', grossAmount: '500.00', bankReference: 'UBS-0001', receipt: null },
    ]);

    const replaced = await as('officer').put(`/api/v1/receipt-batches/${created.id}/receipts`, {
      receipts: [
        ...resumed.body.lines.map(({ receipt: _receipt, ...rest }: Body) => rest),
        line('2026-05-06', '250.00'),
      ],
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      entered: { count: 3, total: { amount: '1750.00' } },
      difference: { count: 0, total: { amount: '0.00' } },
      agrees: true,
    });
    const changed = await as('officer').put(`/api/v1/receipt-batches/${created.id}`, {
      description: 'UBS advice list of 6 May',
      declaredTotal: '1800.00',
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      description: 'UBS advice list of 6 May',
      declared: { count: 3, total: { amount: '1800.00' } },
      difference: { count: 0, total: { amount: '-50.00' } },
      agrees: false,
    });
    expect(changed.body.lines).toHaveLength(3);

    const drafts = await as('auditor').get('/api/v1/receipt-batches?status=draft');
    expect(drafts.status).toBe(200);
    expect(drafts.body.items.map((item: Body) => item.id)).toContain(created.id);
    const posted = await as('auditor').get('/api/v1/receipt-batches?status=posted');
    expect(posted.body.items.map((item: Body) => item.id)).not.toContain(created.id);

    // Saving is not posting: no receipt, no entry, no number taken.
    expect(await counts()).toEqual(before);
    const audit = await as('auditor').get(
      `/api/v1/audit?entityType=receipt-batch&entityId=${created.id}`,
    );
    expect(audit.body.map((record: Body) => record.action).sort()).toEqual([
      'receipt-batch.create',
      'receipt-batch.receipts.replace',
      'receipt-batch.update',
    ]);
  });

  it('checks the shape of each line when a draft is saved, naming the line', async () => {
    const created = await draft({ declaredCount: 2, declaredTotal: '100.00' });
    const res = await as('officer').put(`/api/v1/receipt-batches/${created.id}/receipts`, {
      receipts: [
        line('2026-05-04', '50.00'),
        { grossAmount: '50.00', fund: 'WSIS-TF' },
        line('2026-05-04', '12.345'),
        line('2026-05-04', '10.00', { bankReference: 'DUP-1' }),
        line('2026-05-04', '10.00', { bankReference: 'DUP-1' }),
      ],
    });
    expect(res.status).toBe(422);
    const fields = (res.body.errors as Body[]).map((error) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['receipts[1].valueDate', 'receipts[1].fund']));
    const again = await as('officer').put(`/api/v1/receipt-batches/${created.id}/receipts`, {
      receipts: [
        line('2026-05-04', '12.345'),
        line('2026-05-04', '10.00', { bankReference: 'DUP-1' }),
        line('2026-05-04', '10.00', { bankReference: 'DUP-1' }),
      ],
    });
    expect(again.status).toBe(422);
    expect((again.body.errors as Body[]).map((error) => error.field)).toEqual([
      'receipts[0].grossAmount',
      'receipts[2].bankReference',
    ]);
    const unchanged = await as('officer').get(`/api/v1/receipt-batches/${created.id}`);
    expect(unchanged.body.lines).toEqual([]);

    const unknownAccount = await as('officer').post('/api/v1/receipt-batches', {
      bankAccount: 'NOPE-CHF',
      description: 'x',
      declaredCount: 1,
      declaredTotal: '1.00',
    });
    expect(unknownAccount.status).toBe(422);
    expect(unknownAccount.body.errors[0].field).toBe('bankAccount');
  });

  it('refuses to post a batch that disagrees with the declared count or total, writing nothing', async () => {
    const created = await draft({
      declaredCount: 3,
      declaredTotal: '600.00',
      receipts: [line('2026-05-04', '300.00'), line('2026-05-04', '200.00')],
    });
    const before = await counts();
    const res = await as('officer').post(`/api/v1/receipt-batches/${created.id}/post`, {});
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('receipt-batch-disagrees');
    expect(res.body.errors).toEqual([
      {
        field: 'declaredCount',
        rule: 'count-agrees',
        reason: '2 receipts entered, 3 declared (difference -1)',
      },
      {
        field: 'declaredTotal',
        rule: 'total-agrees',
        reason: 'CHF 500.00 entered, CHF 600.00 declared (difference CHF -100.00)',
      },
    ]);
    expect(res.body.entered).toEqual({ count: 2, total: { currency: 'CHF', amount: '500.00' } });
    expect(res.body.declared).toEqual({ count: 3, total: { currency: 'CHF', amount: '600.00' } });
    expect(await counts()).toEqual(before);
    expect((await as('officer').get(`/api/v1/receipt-batches/${created.id}`)).body.status).toBe(
      'draft',
    );

    // The count agrees, the total does not: only the total is named.
    await as('officer').put(`/api/v1/receipt-batches/${created.id}`, { declaredCount: 2 });
    const totalOnly = await as('officer').post(`/api/v1/receipt-batches/${created.id}/post`, {});
    expect(totalOnly.status).toBe(422);
    expect(totalOnly.body.errors.map((error: Body) => error.field)).toEqual(['declaredTotal']);
    expect(totalOnly.body.detail).toContain('Entered 2 receipts for CHF 500.00; declared 2');
    expect(await counts()).toEqual(before);

    // An override needs a reason worth the name.
    const blank = await as('officer').post(`/api/v1/receipt-batches/${created.id}/post`, {
      override: { reason: '  ' },
    });
    expect(blank.status).toBe(422);
    expect(blank.body.errors[0].field).toBe('override.reason');
    expect(await counts()).toEqual(before);
  });

  it('posts a disagreeing batch with an override: the reason is stored and audited', async () => {
    const created = await draft({
      declaredCount: 3,
      declaredTotal: '900.00',
      receipts: [line('2026-05-07', '400.00'), line('2026-05-07', '450.00')],
    });
    const before = await counts();
    const reason = 'Third credit on the list was returned by the bank (recall of 8 May)';
    const res = await as('officer').post(`/api/v1/receipt-batches/${created.id}/post`, {
      override: { reason },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'posted', overrideReason: reason, agrees: false });
    expect(res.body.receipts).toHaveLength(2);
    expect((await counts()).receipts).toBe(before.receipts + 2);

    const shown = await as('auditor').get(`/api/v1/receipt-batches/${created.id}`);
    expect(shown.body.overrideReason).toBe(reason);
    const audit = await as('auditor').get(
      `/api/v1/audit?entityType=receipt-batch&entityId=${created.id}&action=receipt-batch.post`,
    );
    expect(audit.status).toBe(200);
    expect(audit.body).toHaveLength(1);
    expect(audit.body[0].actor).toBe('officer');
    expect(audit.body[0].after).toMatchObject({
      status: 'posted',
      overrideReason: reason,
      override: {
        reason,
        declared: { count: 3, total: { amount: '900.00' } },
        entered: { count: 2, total: { amount: '850.00' } },
      },
    });
  });

  it('posts a batch that agrees: every receipt recorded with its batch and its entry, once', async () => {
    const swiss = await newDonor('Switzerland');
    const ghana = await newDonor('Ghana');
    const pledge = await as('officer').post('/api/v1/pledges', {
      fund: 'WSIS-TF',
      donorId: swiss,
      currency: 'CHF',
      amount: '1000.00',
      announcedOn: '2026-01-15',
      instalments: [{ dueDate: '2026-03-31', amount: '1000.00' }],
    });
    expect(pledge.status).toBe(201);
    const agreed = await as('officer').post(`/api/v1/pledges/${pledge.body.id}/agreement`, {
      agreedOn: '2026-02-01',
      documentRef: 'AGR-BATCH-1',
    });
    expect(agreed.status).toBe(200);

    const created = await draft({
      declaredCount: 3,
      declaredTotal: '1,800.00',
      receipts: [
        line('2026-05-11', '1000.00', {
          donorId: swiss,
          bankCharges: '10.00',
          bankReference: 'B-1',
        }),
        line('2026-05-11', '500.00', { donorId: ghana, allocation: 'none', bankReference: 'B-2' }),
        line('2026-05-12', '300.00', { remitterName: 'UNKNOWN SENDER', bankReference: 'B-3' }),
      ],
    });
    const before = await counts();
    const res = await as('officer')
      .post(`/api/v1/receipt-batches/${created.id}/post`, {})
      .set('Idempotency-Key', `batch-${created.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'posted', agrees: true, overrideReason: null });
    expect(res.body.postedBy).toBe('officer');
    expect(res.body.receipts).toHaveLength(3);
    expect(res.body.lines.map((l: Body) => l.receipt)).toEqual(res.body.receipts);

    const { rows: receipts } = await sql.query<Body>(
      `SELECT r.id, r.number, r.batch_id, r.gross_minor::text AS gross, r.donor_id, r.bank_reference,
              e.source_type
         FROM receipt r JOIN journal_entry e ON e.id = r.entry_id
        WHERE r.batch_id = $1 ORDER BY r.bank_reference`,
      [created.id],
    );
    expect(receipts.map((r) => [r.bank_reference, r.gross, r.donor_id, r.source_type])).toEqual([
      ['B-1', '100000', swiss, 'receipt'],
      ['B-2', '50000', ghana, 'receipt'],
      ['B-3', '30000', null, 'receipt'],
    ]);
    expect(res.body.receipts.map((r: Body) => r.id).sort()).toEqual(
      receipts.map((r) => r.id).sort(),
    );
    const after = await counts();
    expect(after.receipts).toBe(before.receipts + 3);
    expect(after.entries).toBe(before.entries + 3);

    // The ledger: cash net of charges on the account, the pledge paid, the rest unapplied or in
    // suspense, each line naming its receipt.
    const { rows: ledger } = await sql.query<{ code: string; amount: string }>(
      `SELECT a.code, sum(l.amount_minor)::text AS amount
         FROM journal_line l JOIN account a ON a.id = l.account_id
        WHERE l.receipt_id = ANY($1::uuid[])
        GROUP BY a.code ORDER BY a.code`,
      [receipts.map((r) => r.id)],
    );
    expect(Object.fromEntries(ledger.map((row) => [row.code, row.amount]))).toMatchObject({
      '1000': '179000',
      '2000': '-50000',
      '2300': '-30000',
      '5100': '1000',
    });
    const { rows: cash } = await sql.query<{ n: string }>(
      `SELECT count(*) AS n FROM journal_line l JOIN account a ON a.id = l.account_id
        WHERE a.code = '1000' AND l.bank_account_id = $1 AND l.receipt_id = ANY($2::uuid[])`,
      [chfAccountId, receipts.map((r) => r.id)],
    );
    expect(Number(cash[0].n)).toBe(3);
    const paid = await as('officer').get(`/api/v1/pledges/${pledge.body.id}`);
    expect(paid.body.status).toBe('paid');

    // The same request again is the same answer; another post is refused; the draft is closed.
    const replay = await as('officer')
      .post(`/api/v1/receipt-batches/${created.id}/post`, {})
      .set('Idempotency-Key', `batch-${created.id}`);
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const second = await as('officer').post(`/api/v1/receipt-batches/${created.id}/post`, {});
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('receipt-batch-posted');
    const edit = await as('officer').put(`/api/v1/receipt-batches/${created.id}/receipts`, {
      receipts: [],
    });
    expect(edit.status).toBe(409);
    const redeclare = await as('officer').put(`/api/v1/receipt-batches/${created.id}`, {
      declaredCount: 4,
    });
    expect(redeclare.status).toBe(409);
    expect((await counts()).receipts).toBe(after.receipts);

    // Audited last: the three receipts, then the batch.
    const { rows: trail } = await sql.query<{ action: string; entity_id: string }>(
      `SELECT action, entity_id FROM audit_log ORDER BY id DESC LIMIT 4`,
    );
    expect(trail.map((record) => record.action).reverse()).toEqual([
      'receipt.record',
      'receipt.record',
      'receipt.record',
      'receipt-batch.post',
    ]);
  });

  it('refuses the whole batch when one receipt is refused, naming the line, and writes nothing', async () => {
    const created = await draft({
      bankAccount: 'EUR-MAIN',
      declaredCount: 3,
      declaredTotal: '3000.00',
      receipts: [
        line('2026-05-04', '1000.00', { bankReference: 'E-1' }),
        line('2026-05-04', '1000.00', { bankReference: 'E-2' }),
        // No EUR rate before March 2026.
        line('2026-02-10', '1000.00', { bankReference: 'E-3' }),
      ],
    });
    const before = await counts();
    const res = await as('officer').post(`/api/v1/receipt-batches/${created.id}/post`, {});
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('receipt-batch-line-refused');
    expect(res.body.line).toBe(2);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ field: 'receipts[2].valueDate', rule: 'rate-missing' }),
    ]);
    expect(res.body.detail).toContain('receipts[2]');
    expect(await counts()).toEqual(before);
    const { rows } = await sql.query(`SELECT 1 FROM receipt WHERE batch_id = $1`, [created.id]);
    expect(rows).toHaveLength(0);
    expect((await as('officer').get(`/api/v1/receipt-batches/${created.id}`)).body.status).toBe(
      'draft',
    );

    // A closed period refuses its line the same way.
    const closed = await as('officer').post('/api/v1/funds/WSIS-TF/periods/2026-04/close', {});
    expect(closed.status).toBe(201);
    const fixed = await as('officer').put(`/api/v1/receipt-batches/${created.id}/receipts`, {
      receipts: [
        line('2026-05-04', '1000.00', { bankReference: 'E-1' }),
        line('2026-04-20', '1000.00', { bankReference: 'E-2' }),
        line('2026-05-05', '1000.00', { bankReference: 'E-3' }),
      ],
    });
    expect(fixed.status).toBe(200);
    const inClosed = await as('officer').post(`/api/v1/receipt-batches/${created.id}/post`, {});
    expect(inClosed.status).toBe(422);
    expect(inClosed.body.line).toBe(1);
    expect(inClosed.body.errors).toEqual([
      expect.objectContaining({ field: 'receipts[1].valueDate', rule: 'period-open' }),
    ]);
    expect(await counts()).toEqual(before);

    // Corrected, the resumed draft posts.
    await as('officer').put(`/api/v1/receipt-batches/${created.id}/receipts`, {
      receipts: [
        line('2026-05-04', '1000.00', { bankReference: 'E-1' }),
        line('2026-05-06', '1000.00', { bankReference: 'E-2' }),
        line('2026-05-05', '1000.00', { bankReference: 'E-3' }),
      ],
    });
    const posted = await as('officer').post(`/api/v1/receipt-batches/${created.id}/post`, {});
    expect(posted.status).toBe(200);
    expect((await counts()).receipts).toBe(before.receipts + 3);
  });

  it('refuses a line whose bank reference was already recorded, naming it', async () => {
    const first = await draft({
      declaredCount: 1,
      declaredTotal: '10.00',
      receipts: [line('2026-05-04', '10.00', { bankReference: 'ONCE-1' })],
    });
    expect((await as('officer').post(`/api/v1/receipt-batches/${first.id}/post`, {})).status).toBe(
      200,
    );
    const second = await draft({
      declaredCount: 2,
      declaredTotal: '20.00',
      receipts: [
        line('2026-05-04', '10.00', { bankReference: 'ONCE-2' }),
        line('2026-05-04', '10.00', { bankReference: 'ONCE-1' }),
      ],
    });
    const before = await counts();
    const res = await as('officer').post(`/api/v1/receipt-batches/${second.id}/post`, {});
    expect(res.status).toBe(422);
    expect(res.body.line).toBe(1);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ field: 'receipts[1].bankReference', rule: 'duplicate-receipt' }),
    ]);
    expect(await counts()).toEqual(before);
  });

  it('posts a batch once when two officers post it at the same time', async () => {
    const created = await draft({
      declaredCount: 2,
      declaredTotal: '30.00',
      receipts: [line('2026-05-08', '10.00'), line('2026-05-08', '20.00')],
    });
    const before = await counts();
    const answers = await Promise.all([
      as('officer').post(`/api/v1/receipt-batches/${created.id}/post`, {}),
      as('officer').post(`/api/v1/receipt-batches/${created.id}/post`, {}),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    expect((await counts()).receipts).toBe(before.receipts + 2);
  });

  describe('pages', () => {
    it('lists batches and opens one from the form', async () => {
      const form = await as('officer').get('/receipts/batches/new');
      expect(form.status).toBe(200);
      expect(form.text).toContain('CHF-MAIN');
      const opened = await as('officer').form('/receipts/batches', {
        account: 'WSIS-TF|CHF-MAIN',
        description: 'Paper list of 12 May',
        declaredCount: '2',
        declaredTotal: '1,234.50',
      });
      expect(opened.status).toBe(303);
      const location = opened.headers.location;
      expect(location).toMatch(/^\/receipts\/batches\/[0-9a-f-]{36}\?done=created$/);
      const list = await as('management').get('/receipts/batches');
      expect(list.status).toBe(200);
      expect(list.text).toContain('Paper list of 12 May');

      const refused = await as('officer').form('/receipts/batches', {
        account: 'WSIS-TF|CHF-MAIN',
        description: 'Bad total',
        declaredCount: '2',
        declaredTotal: '12.345',
      });
      expect(refused.status).toBe(422);
      expect(refused.text).toContain('declaredTotal-error');
    });

    it('shows a draft with entered and declared figures, saves it, adds rows and posts it', async () => {
      const created = await draft({
        description: 'E-mail list of 13 May',
        declaredCount: 2,
        declaredTotal: '700.00',
        receipts: [line('2026-05-13', '400.00', { remitterName: 'MINISTRY B' })],
      });
      const page = await as('officer').get(`/receipts/batches/${created.id}`);
      expect(page.status).toBe(200);
      const cell = (testid: string): string =>
        new RegExp(`data-testid="${testid}"[^>]*>(.*?)</td>`).exec(page.text)?.[1] ?? '';
      expect(cell('batch-entered-count')).toBe('1');
      expect(cell('batch-declared-count')).toBe('2');
      expect(cell('batch-entered-total')).toBe('CHF 400.00');
      expect(cell('batch-declared-total')).toBe('CHF 700.00');
      expect(page.text).toMatch(/data-testid="batch-count-difference" data-differs="true"/);
      expect(page.text).toMatch(/data-testid="batch-total-difference" data-differs="true"/);
      expect(page.text).toContain('CHF -300.00');
      expect(page.text).toContain('value="MINISTRY B"');
      expect(page.text).toContain('data-testid="batch-override"');
      const rowCount = Number(/name="rowCount" value="(\d+)"/.exec(page.text)?.[1]);
      expect(rowCount).toBeGreaterThanOrEqual(2);

      const typed = {
        description: 'E-mail list of 13 May',
        declaredCount: '2',
        declaredTotal: '700.00',
        rowCount: String(rowCount),
        'row-0-valueDate': '2026-05-13',
        'row-0-grossAmount': '400.00',
        'row-0-remitterName': 'MINISTRY B',
        'row-1-valueDate': '2026-05-13',
        'row-1-grossAmount': '300.00',
      };
      const more = await as('officer').form(`/receipts/batches/${created.id}`, {
        ...typed,
        intent: 'add-row',
      });
      expect(more.status).toBe(200);
      expect(Number(/name="rowCount" value="(\d+)"/.exec(more.text)?.[1])).toBeGreaterThan(
        rowCount,
      );
      expect(
        (await as('officer').get(`/api/v1/receipt-batches/${created.id}`)).body.lines,
      ).toHaveLength(1);

      const bad = await as('officer').form(`/receipts/batches/${created.id}`, {
        ...typed,
        'row-1-grossAmount': '3.001',
        intent: 'save',
      });
      expect(bad.status).toBe(422);
      expect(bad.text).toContain('id="row-1-grossAmount-error"');

      const saved = await as('officer').form(`/receipts/batches/${created.id}`, {
        ...typed,
        intent: 'save',
      });
      expect(saved.status).toBe(303);
      const resumed = await as('officer').get(`/api/v1/receipt-batches/${created.id}`);
      expect(resumed.body).toMatchObject({ agrees: true, entered: { count: 2 } });

      // Posting records the receipts: not without the box ticked, and then nothing is saved.
      const unconfirmed = await as('officer').form(`/receipts/batches/${created.id}`, {
        ...typed,
        'row-1-remitterName': 'MINISTRY C',
        intent: 'post',
      });
      expect(unconfirmed.status).toBe(422);
      expect(unconfirmed.text).toContain('id="confirm-error">tick the box to confirm');
      expect(unconfirmed.text).toContain('value="MINISTRY C"');
      const kept = (await as('officer').get(`/api/v1/receipt-batches/${created.id}`)).body;
      expect(kept.status).toBe('draft');
      expect(kept.lines).toHaveLength(2);
      expect(kept.lines[1].remitterName).toBeUndefined();

      const posted = await as('officer').form(`/receipts/batches/${created.id}`, {
        ...typed,
        confirm: 'true',
        intent: 'post',
      });
      expect(posted.status).toBe(303);
      expect(posted.headers.location).toBe(`/receipts/batches/${created.id}?done=posted`);
      const view = await as('auditor').get(`/receipts/batches/${created.id}`);
      expect(view.status).toBe(200);
      expect(view.text).toContain('data-status="posted"');
      const links = [
        ...view.text.matchAll(
          /href="\/receipts\/([0-9a-f-]{36})" data-testid="batch-receipt-link"/g,
        ),
      ];
      expect(links).toHaveLength(2);
      expect(view.text).not.toContain('data-testid="batch-form"');
    });

    it('answers a post that disagrees on the page, with the override field', async () => {
      const created = await draft({
        description: 'Fax list',
        declaredCount: 2,
        declaredTotal: '100.00',
        receipts: [line('2026-05-14', '60.00')],
      });
      const typed = {
        description: 'Fax list',
        declaredCount: '2',
        declaredTotal: '100.00',
        rowCount: '3',
        'row-0-valueDate': '2026-05-14',
        'row-0-grossAmount': '60.00',
      };
      const refused = await as('officer').form(`/receipts/batches/${created.id}`, {
        ...typed,
        confirm: 'true',
        intent: 'post',
      });
      expect(refused.status).toBe(422);
      expect(refused.text).toContain('1 receipts entered, 2 declared');
      expect(refused.text).toContain('data-testid="batch-override"');
      const overridden = await as('officer').form(`/receipts/batches/${created.id}`, {
        ...typed,
        overrideReason: 'Second credit arrives on the next list',
        confirm: 'true',
        intent: 'post',
      });
      expect(overridden.status).toBe(303);
      const view = await as('officer').get(`/receipts/batches/${created.id}`);
      expect(view.text).toContain('Second credit arrives on the next list');
    });
  });
});

describeWithBrowser('batch entry in a browser', () => {
  let harness: BrowserApp | undefined;

  beforeAll(async () => {
    harness = await startBrowserApp(async (app) => {
      await createPasswordUser(app, {
        username: 'amina',
        password: 'correct horse battery staple',
        displayName: 'Amina Diallo',
        roles: ['finance_officer'],
      });
      await addBankAccount(app.get<AppConfig>(APP_CONFIG).database.url!, { code: 'UBS-CHF' });
      const setup = await createTestUser(app, 'setup.officer', ['finance_officer']);
      const rate = await request(app.getHttpServer())
        .post('/api/v1/exchange-rates')
        .set(setup.auth)
        .send({ currency: 'CHF', effectiveFrom: '2026-01-01', unitsPerUsd: '0.90' });
      expect(rate.status).toBe(201);
    });
  });

  afterAll(() => harness?.close());

  it('opens a batch, enters its receipts over two sittings, and posts it when it agrees', async () => {
    const { browser, baseUrl } = harness!;
    const page = await browser.context.newPage();
    const errors = watchPage(page, baseUrl, [422]);
    try {
      await page.goto(`${baseUrl}/receipts/batches/new`);
      await page.waitForURL(/\/sign-in\?next=/);
      await page.getByLabel('User name').fill('amina');
      await page.getByLabel('Password').fill('correct horse battery staple');
      await submitForm(page, 'Sign in');
      await page.waitForURL(`${baseUrl}/receipts/batches/new`);

      await page.getByLabel('Bank account').selectOption('WSIS-TF|UBS-CHF');
      await page.getByLabel('Description').fill('UBS list of 4 May');
      await page.getByLabel('Declared number of receipts').fill('3');
      await page.getByLabel(/Declared total/).fill('1,750.00');
      await submitForm(page, 'Open batch');
      await page.waitForURL(/\/receipts\/batches\/[0-9a-f-]{36}\?done=created$/);
      const batchPath = new URL(page.url()).pathname;

      await page.getByLabel('Receipt 1 value date').fill('2026-05-04');
      await page.getByLabel('Receipt 1 gross amount').fill('1,000.00');
      await page.getByLabel('Receipt 1 remitter').fill('MINISTRY A');
      await submitForm(page, 'Save draft');
      await page.waitForURL(`${baseUrl}${batchPath}?done=saved`);
      expect(await page.getByTestId('batch-entered-count').textContent()).toBe('1');
      expect(await page.getByTestId('batch-count-difference').getAttribute('data-differs')).toBe(
        'true',
      );

      // Resumed later: the draft is where it was left.
      await page.goto(`${baseUrl}/receipts/batches?status=draft`);
      await Promise.all([
        page.waitForURL(`${baseUrl}${batchPath}`),
        page.getByRole('link', { name: 'UBS list of 4 May' }).click(),
      ]);
      expect(await page.getByLabel('Receipt 1 gross amount').inputValue()).toBe('1000.00');
      await page.getByLabel('Receipt 2 value date').fill('2026-05-04');
      await page.getByLabel('Receipt 2 gross amount').fill('500.00');
      await submitForm(page, 'Add row');
      await page.getByLabel('Receipt 3 value date').fill('2026-05-05');
      await page.getByLabel('Receipt 3 gross amount').fill('250.00');
      await page.getByLabel('Receipt 3 bank charges').fill('5.00');
      await submitForm(page, 'Save draft');
      await page.waitForURL(`${baseUrl}${batchPath}?done=saved`);
      expect(await page.getByTestId('batch-entered-total').textContent()).toBe('CHF 1,750.00');
      expect(await page.getByTestId('batch-total-difference').getAttribute('data-differs')).toBe(
        'false',
      );
      await page.screenshot({ path: screenshotPath('receipt-batch-draft'), fullPage: true });

      await page.getByLabel(/I confirm posting/).check();
      await submitForm(page, 'Post batch');
      await page.waitForURL(`${baseUrl}${batchPath}?done=posted`);
      expect(await page.getByTestId('batch-status').getAttribute('data-status')).toBe('posted');
      const links = page.getByTestId('batch-receipt-link');
      expect(await links.count()).toBe(3);
      expect(await links.nth(0).textContent()).toMatch(/^RCT-2026-\d{6}$/);
      await page.screenshot({ path: screenshotPath('receipt-batch-posted'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
