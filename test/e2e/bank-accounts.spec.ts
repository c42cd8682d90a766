import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import { Role } from '../../src/auth/roles';
import { authedHttp, createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

type Body = Record<string, unknown>;

describe('bank accounts of a fund', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  const auth: Record<string, { Authorization: string }> = {};

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    const users = new TestUsers(app);
    const roles: Record<string, Role[]> = {
      'officer.a': ['finance_officer'],
      'admin.a': ['admin'],
      'auditor.a': ['auditor'],
      'management.a': ['management'],
      'approver.a': ['approver'],
      'donor.a': ['donor'],
    };
    for (const [name, held] of Object.entries(roles)) auth[name] = await users.auth(name, held);
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  const as = (name: string) => authedHttp(app, auth[name]);
  const rows = async (): Promise<number> =>
    (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM bank_account`)).rows[0].n;
  const auditRows = async (): Promise<number> =>
    (
      await sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_log WHERE entity_type = 'bank-account'`,
      )
    ).rows[0].n;

  const body = (overrides: Body = {}): Body => ({
    code: 'UBS-CHF',
    name: 'UBS CHF operating account',
    bankName: 'UBS Switzerland AG',
    accountNumber: 'ch93 0076 2011 6238 5295 7',
    bic: 'ubswchzh80a',
    currency: 'CHF',
    ...overrides,
  });

  let created: Body;

  it('records an account in WSIS-TF by default, its IBAN kept without spaces in capitals, audited', async () => {
    const res = await as('officer.a').post('/api/v1/bank-accounts').send(body());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      fund: 'WSIS-TF',
      code: 'UBS-CHF',
      name: 'UBS CHF operating account',
      bankName: 'UBS Switzerland AG',
      accountNumber: 'CH9300762011623852957',
      iban: true,
      displayNumber: 'CH93 0076 2011 6238 5295 7',
      bic: 'UBSWCHZH80A',
      currency: 'CHF',
      createdBy: 'officer.a',
    });
    created = res.body as Body;
    const stored = await sql.query(
      `SELECT b.account_number, b.bic, f.code AS fund FROM bank_account b
         JOIN fund f ON f.id = b.fund_id WHERE b.id = $1`,
      [created.id],
    );
    expect(stored.rows).toEqual([
      { account_number: 'CH9300762011623852957', bic: 'UBSWCHZH80A', fund: 'WSIS-TF' },
    ]);
    const audit = await sql.query(
      `SELECT actor, action, after FROM audit_log WHERE entity_type = 'bank-account' AND entity_id = $1`,
      [created.id],
    );
    expect(audit.rows).toEqual([
      expect.objectContaining({
        actor: 'officer.a',
        action: 'bank-account.create',
        after: expect.objectContaining({ code: 'UBS-CHF', accountNumber: 'CH9300762011623852957' }),
      }),
    ]);
  });

  it('records an account with a non-IBAN number and no BIC (an admin may too)', async () => {
    const res = await as('admin.a')
      .post('/api/v1/bank-accounts')
      .send(
        body({
          code: 'CITI-USD',
          name: 'Citibank USD account',
          bankName: 'Citibank N.A., New York',
          accountNumber: '3612 9845 01',
          bic: undefined,
          currency: 'USD',
        }),
      );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      accountNumber: '3612984501',
      iban: false,
      displayNumber: '3612984501',
      bic: null,
      currency: 'USD',
    });
  });

  it('refuses an IBAN with a wrong checksum with a field error, writing nothing', async () => {
    const before = { rows: await rows(), audit: await auditRows() };
    // The last digit mistyped: 7 → 8.
    const res = await as('officer.a')
      .post('/api/v1/bank-accounts')
      .send(body({ code: 'UBS-EUR', accountNumber: 'CH93 0076 2011 6238 5295 8' }));
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'invalid-bank-account' });
    expect(res.body.errors).toEqual([
      {
        field: 'accountNumber',
        rule: 'ibanChecksum',
        reason: expect.stringContaining('wrong checksum'),
      },
    ]);
    expect({ rows: await rows(), audit: await auditRows() }).toEqual(before);
  });

  it('reports every bad field at once: BIC, currency, unknown fund', async () => {
    const res = await as('officer.a')
      .post('/api/v1/bank-accounts')
      .send(
        body({
          fund: 'NO-SUCH-FUND',
          code: 'BAD-1',
          accountNumber: 'DE89370400440532013000',
          bic: 'UBS-CH',
          currency: 'XAU',
        }),
      );
    expect(res.status).toBe(422);
    expect((res.body.errors as Body[]).map((e) => [e.field, e.rule])).toEqual([
      ['fund', 'exists'],
      ['bic', 'bic'],
      ['currency', 'knownCurrency'],
    ]);
    const short = await as('officer.a')
      .post('/api/v1/bank-accounts')
      .send(body({ code: 'BAD-2', accountNumber: '12-34' }));
    expect(short.status).toBe(422);
    expect(short.body.errors).toEqual([
      expect.objectContaining({ field: 'accountNumber', rule: 'accountNumber' }),
    ]);
    const shape = await as('officer.a')
      .post('/api/v1/bank-accounts')
      .send(body({ code: 'lower case', currency: 'chf' }));
    expect(shape.status).toBe(422);
    expect((shape.body.errors as Body[]).map((e) => e.field).sort()).toEqual(['code', 'currency']);
  });

  it('refuses a second account with the same code, or the same number, in the fund (409)', async () => {
    const before = await rows();
    const sameCode = await as('officer.a')
      .post('/api/v1/bank-accounts')
      .send(body({ accountNumber: 'GB29 NWBK 6016 1331 9268 19', bic: undefined }));
    expect(sameCode.status).toBe(409);
    expect(sameCode.body).toMatchObject({
      code: 'bank-account-code-taken',
      field: 'code',
      detail: expect.stringContaining('WSIS-TF already has a bank account coded UBS-CHF'),
    });
    // The same IBAN typed differently is the same account.
    const sameNumber = await as('officer.a')
      .post('/api/v1/bank-accounts')
      .send(body({ code: 'UBS-CHF-2', accountNumber: 'CH9300762011623852957' }));
    expect(sameNumber.status).toBe(409);
    expect(sameNumber.body).toMatchObject({
      code: 'bank-account-number-taken',
      field: 'accountNumber',
      existing: 'UBS-CHF',
      detail: expect.stringContaining('CH9300762011623852957'),
    });
    expect(await rows()).toBe(before);
  });

  it('answers a retry with the same Idempotency-Key with the first answer, recording once', async () => {
    const before = await rows();
    const send = () =>
      as('officer.a')
        .post('/api/v1/bank-accounts')
        .set('Idempotency-Key', 'bank-account-retry-1')
        .send(
          body({
            code: 'DB-EUR',
            accountNumber: 'DE89 3704 0044 0532 0130 00',
            bic: undefined,
            currency: 'EUR',
          }),
        );
    const first = await send();
    expect(first.status).toBe(201);
    const replay = await send();
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await rows()).toBe(before + 1);
  });

  it('lists the accounts of a fund by code, and shows one', async () => {
    const list = await as('auditor.a').get('/api/v1/bank-accounts?fund=WSIS-TF');
    expect(list.status).toBe(200);
    expect((list.body.items as Body[]).map((a) => [a.code, a.currency])).toEqual([
      ['CITI-USD', 'USD'],
      ['DB-EUR', 'EUR'],
      ['UBS-CHF', 'CHF'],
    ]);
    const all = await as('management.a').get('/api/v1/bank-accounts');
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(3);
    const one = await as('approver.a').get(`/api/v1/bank-accounts/${created.id as string}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(created);
    const unknownFund = await as('officer.a').get('/api/v1/bank-accounts?fund=NO-SUCH-FUND');
    expect(unknownFund.status).toBe(422);
    expect(unknownFund.body.errors).toEqual([expect.objectContaining({ field: 'fund' })]);
    for (const id of ['9d2a6e4c-0000-4000-8000-000000000000', 'not-an-id']) {
      const missing = await as('officer.a').get(`/api/v1/bank-accounts/${id}`);
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('bank-account-not-found');
    }
  });

  it('lets finance officers and admins record accounts, staff read them, donors nothing', async () => {
    for (const name of ['auditor.a', 'management.a', 'approver.a', 'donor.a']) {
      const res = await as(name)
        .post('/api/v1/bank-accounts')
        .send(body({ code: `X-${name.split('.')[0].toUpperCase()}` }));
      expect(res.status).toBe(403);
    }
    expect((await as('donor.a').get('/api/v1/bank-accounts')).status).toBe(403);
    expect((await as('donor.a').get(`/api/v1/bank-accounts/${created.id as string}`)).status).toBe(
      403,
    );
  });
});
