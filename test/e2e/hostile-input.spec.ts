import fc from 'fast-check';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AddressInfo } from 'node:net';
import request, { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { camt053 } from '../../src/demo/demo-camt053';
import { Money } from '../../src/money/money';
import {
  bodyArbitrary,
  databaseSnapshot,
  DatabaseSnapshot,
  encodeSegment,
  FuzzBody,
  idempotencyKeyArbitrary,
  OpenApiDocument,
  pathParamArbitrary,
  publicTables,
  RealIds,
  WriteOperation,
  writeOperations,
} from '../support/hostile-input';
import { receivableAdjustment } from '../support/ledger-fixtures';
import { createTestApp, TestUser, TestUsers } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * Issue 12, item 5: every POST/PUT/PATCH of the OpenAPI document, fed malformed, oversized and
 * boundary values, on a database holding a few records of every kind a path names (seedRecords), so
 * that ids in paths and bodies can be real.
 * After each answer: never a 5xx; an error is problem+json whose status is the HTTP status
 * (validation failures with field-level errors); a refused request leaves every table's row count
 * and the trial balance as they were. A request that happens to be valid may succeed: the
 * baseline is then taken again.
 */

/**
 * Fixed, so that a failure replays; each operation draws from its own seed, derived from this one
 * and its method and path (fast-check prints it with the counterexample).
 */
const SEED = 20260512;
/**
 * Requests per operation, each awaited with its checks before the next is sent: the same ones on
 * every run (the seed is fixed), whatever the speed of the machine.
 */
const RUNS_PER_OPERATION = 16;

/** The seed of an operation: SEED mixed with its name (FNV-1a), the same on every run. */
function seedOf(name: string): number {
  let hash = SEED >>> 0;
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return hash | 0;
}

interface Sent {
  method: string;
  url: string;
  body: FuzzBody;
  idempotencyKey?: string;
}

describe('Hostile input on every write route of the API', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let dataSource: DataSource;
  let baseUrl: string;
  let doc: OpenApiDocument;
  let operations: WriteOperation[];
  let tables: string[];
  let ids: RealIds;
  let officer: TestUser;
  let donorUser: TestUser;
  let approver: TestUser;

  beforeAll(async () => {
    db = await createTestDatabase();
    // The rate limit would answer 429 long before the fuzzing ends.
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    dataSource = app.get(DataSource);
    const users = new TestUsers(app);
    // Admin and finance officer: every write route is open to it, so the input is what is tested.
    officer = await users.get('fuzz.officer', ['admin', 'finance_officer']);
    approver = await users.get('fuzz.approver', ['approver']);
    // A user for the user-management routes to act on (never one the test signs in with).
    await users.get('fuzz.target', ['auditor']);
    const donors = await seedRecords(baseUrl, officer.auth, approver.auth);
    donorUser = await users.get('fuzz.donor', ['donor'], [donors[0]]);
    doc = JSON.parse((await request(baseUrl).get('/api/docs-json')).text) as OpenApiDocument;
    operations = writeOperations(doc);
    tables = await publicTables(dataSource);
    ids = await realIds(dataSource, [officer.id, approver.id, donorUser.id]);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  async function snapshot(): Promise<DatabaseSnapshot> {
    return databaseSnapshot(dataSource, tables);
  }

  function send(
    operation: WriteOperation,
    url: string,
    body: FuzzBody,
    auth: Record<string, string>,
    idempotencyKey?: string,
  ): Promise<Response> {
    let req = request(baseUrl)[operation.method](url).set(auth).timeout(30_000);
    if (idempotencyKey !== undefined) req = req.set('Idempotency-Key', idempotencyKey);
    switch (body.kind) {
      case 'none':
        return req;
      case 'json':
        return req.set('Content-Type', 'application/json').send(JSON.stringify(body.value));
      case 'raw':
        return req.set('Content-Type', body.contentType).send(body.text);
    }
  }

  /** Why the answer is wrong, or undefined when it is right. */
  function problemOf(res: Response): string | undefined {
    if (res.status >= 500) return `answered ${res.status}`;
    if (res.status < 400) return undefined;
    const type = String(res.headers['content-type'] ?? '');
    if (!type.startsWith('application/problem+json')) return `${res.status} as "${type}"`;
    let problem: Record<string, unknown>;
    try {
      problem = JSON.parse(res.text) as Record<string, unknown>;
    } catch {
      return `${res.status} with a body that is not JSON`;
    }
    if (problem.status !== res.status) return `problem.status ${String(problem.status)}`;
    if (typeof problem.type !== 'string' || typeof problem.title !== 'string') {
      return 'a problem without type or title';
    }
    if (problem.code === 'validation-failed') {
      const errors = problem.errors as { field?: unknown; reason?: unknown }[] | undefined;
      if (!Array.isArray(errors) || errors.length === 0) return 'validation without errors';
      if (errors.some((e) => typeof e.field !== 'string' || typeof e.reason !== 'string')) {
        return 'a field error without field or reason';
      }
    }
    return undefined;
  }

  function describeSent(sent: Sent): string {
    const body =
      sent.body.kind === 'none'
        ? '(no body)'
        : sent.body.kind === 'raw'
          ? `${sent.body.contentType}: ${sent.body.text}`
          : JSON.stringify(sent.body.value);
    const short = body.length > 400 ? `${body.slice(0, 400)}… (${body.length} chars)` : body;
    return `${sent.method.toUpperCase()} ${sent.url.slice(0, 200)} key=${String(sent.idempotencyKey).slice(0, 40)} ${short}`;
  }

  function urlArbitrary(operation: WriteOperation): fc.Arbitrary<string> {
    const segments = operation.pathParams.map((name) =>
      pathParamArbitrary(realPathValues(operation.path, name, ids)).map((value) => ({
        name,
        value,
      })),
    );
    return fc.tuple(...segments).map((values) => {
      let url = operation.path;
      for (const { name, value } of values) url = url.replace(`{${name}}`, encodeSegment(value));
      return operation.queryParams.includes('fund') ? `${url}?fund=WSIS-TF` : url;
    });
  }

  it('the API document lists the write routes to fuzz', () => {
    expect(operations.length).toBeGreaterThan(60);
    expect(operations.map((o) => `${o.method} ${o.path}`)).toEqual(
      expect.arrayContaining(['post /api/v1/receipts', 'patch /api/v1/donors/{id}']),
    );
    // Every path parameter can name a real record, so that hostile bodies reach past the lookup.
    const missing = operations.flatMap((operation) =>
      operation.pathParams
        .filter((name) => realPathValues(operation.path, name, ids).length === 0)
        .map((name) => `${operation.method} ${operation.path} {${name}}`),
    );
    expect(missing).toEqual([]);
  });

  it('the check sees a row added and a change of the trial balance (it can fail)', async () => {
    const before = await snapshot();
    await dataSource.query(
      `INSERT INTO earmark (fund_id, code, name, created_by)
       SELECT id, 'FUZZ-PROBE', 'Probe', 'test' FROM fund WHERE code = 'WSIS-TF'`,
    );
    const added = await snapshot();
    expect(added.counts.earmark).toBe(before.counts.earmark + 1);
    await dataSource.query(`DELETE FROM earmark WHERE code = 'FUZZ-PROBE'`);
    expect(await snapshot()).toEqual(before);
    // A valid adjustment moves the trial balance (and adds an entry): the check sees both.
    const [donor] = await dataSource.query<{ id: string }[]>(`SELECT id FROM donor LIMIT 1`);
    const res = await request(baseUrl)
      .post('/api/v1/funds/WSIS-TF/journal-entries')
      .set(officer.auth)
      .set('Idempotency-Key', 'fuzz-probe-adjustment')
      .send(receivableAdjustment(donor.id, '12.34', '2026-03-15'));
    // A manual adjustment waits for a second person's approval.
    expect(res.status).toBe(202);
    const approved = await request(baseUrl)
      .post(`/api/v1/approvals/${(res.body as { id: string }).id}/approve`)
      .set(approver.auth)
      .send({});
    expect(approved.status).toBe(200);
    const posted = await snapshot();
    expect(posted.trialBalance).not.toEqual(before.trialBalance);
    expect(posted.counts.journal_line).toBe(before.counts.journal_line + 2);
    expect(posted.counts.approval_request).toBe(before.counts.approval_request + 1);
  });

  it('refuses a body nested thousands of levels deep with 422, not a stack overflow (was 500)', async () => {
    const before = await snapshot();
    let deep: unknown = 'x';
    for (let i = 0; i < 3000; i++) deep = i % 2 === 0 ? [deep] : { a: deep };
    const nestedField = await request(baseUrl)
      .post('/api/v1/funds/WSIS-TF/earmarks')
      .set(officer.auth)
      .send({ code: 'DEEP', name: 'Deep', note: deep });
    const nestedBody = await request(baseUrl)
      .post('/api/v1/donors')
      .set(officer.auth)
      .set('Content-Type', 'application/json')
      .send(`${'['.repeat(5000)}${']'.repeat(5000)}`);
    // With an Idempotency-Key, the key's fingerprint of the body recursed first (was 500).
    const nestedIdempotent = await request(baseUrl)
      .post('/api/v1/receipts')
      .set(officer.auth)
      .set('Idempotency-Key', 'fuzz-deep-receipt')
      .set('Content-Type', 'application/json')
      .send(`${'['.repeat(5000)}${']'.repeat(5000)}`);
    for (const res of [nestedField, nestedBody, nestedIdempotent]) {
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((res.body as { errors: { rule: string }[] }).errors[0].rule).toBe('maxDepth');
    }
    expect(await snapshot()).toEqual(before);
  });

  it('answers a NUL in a path and a path too long for the HTTP parser as problem+json (were 500 and an empty 431)', async () => {
    const before = await snapshot();
    const nul = await request(baseUrl)
      .post('/api/v1/funds/%00/periods/2025-12/reopen')
      .set(officer.auth)
      .send({ reason: 'Correction' });
    expect(nul.status).toBe(422);
    expect(nul.headers['content-type']).toMatch(/^application\/problem\+json/);
    const long = await request(baseUrl)
      .post(`/api/v1/grants/${'x'.repeat(100_000)}/cancellation`)
      .set(officer.auth)
      .send({});
    expect(long.status).toBe(431);
    expect(long.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(long.body).toMatchObject({ status: 431, code: 'request-header-too-large' });
    expect(await snapshot()).toEqual(before);
  });

  it('reads the paging of GET /api/v1/grants from the query string (was 422 for ?limit=2)', async () => {
    const page = await request(baseUrl).get('/api/v1/grants?limit=2&offset=1').set(officer.auth);
    expect(page.status).toBe(200);
    expect((page.body as { items: unknown[] }).items).toHaveLength(2);
    const wrong = await request(baseUrl).get('/api/v1/grants?limit=abc').set(officer.auth);
    expect(wrong.status).toBe(422);
    expect(wrong.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('refuses every write without credentials or with a donor role, as problem+json, changing nothing', async () => {
    const before = await snapshot();
    const failures: string[] = [];
    for (const operation of operations) {
      const url = operation.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
        encodeSegment(realPathValues(operation.path, name, ids)[0] ?? 'x'),
      );
      const body: FuzzBody = { kind: 'json', value: {} };
      for (const [who, auth, status] of [
        ['anonymous', {}, 401],
        ['bad token', { Authorization: 'Bearer tft_not-a-real-token' }, 401],
        ['donor', donorUser.auth, 403],
      ] as const) {
        // A donor may manage its own tokens: those answers are about the input, not the role.
        if (who === 'donor' && operation.path.startsWith('/api/v1/me/')) continue;
        const res = await send(operation, url, body, auth, 'fuzz-auth-key');
        const wrong = problemOf(res) ?? (res.status !== status ? `${res.status}` : undefined);
        if (wrong !== undefined) failures.push(`${who} ${operation.method} ${url}: ${wrong}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('answers hostile bodies, paths and keys without a 5xx, as problem+json, leaving the database unchanged when refused', async () => {
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const sentPerOperation: number[] = [];
    let baseline = await snapshot();
    for (const operation of operations) {
      const arbitrary = fc.record({
        url: urlArbitrary(operation),
        body: bodyArbitrary(operation, ids),
        idempotencyKey: operation.idempotent ? idempotencyKeyArbitrary : fc.constant(undefined),
      });
      let runs = 0;
      const result = await fc.check(
        fc.asyncProperty(arbitrary, async ({ url, body, idempotencyKey }) => {
          runs += 1;
          const sent: Sent = { method: operation.method, url, body, idempotencyKey };
          const res = await send(operation, url, body, officer.auth, idempotencyKey);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const wrong = problemOf(res);
          const after = await snapshot();
          const changed =
            res.status >= 300 && JSON.stringify(after) !== JSON.stringify(baseline)
              ? Object.keys(after.counts).filter((t) => after.counts[t] !== baseline.counts[t])
              : undefined;
          // A request that succeeded was valid: what it changed is the new baseline.
          baseline = after;
          if (wrong !== undefined) {
            throw new Error(
              `${wrong}\n  sent: ${describeSent(sent)}\n  got: ${res.text.slice(0, 300)}`,
            );
          }
          if (changed !== undefined) {
            throw new Error(
              `refused with ${res.status} but changed ${changed.join(', ') || 'the trial balance'}\n  sent: ${describeSent(sent)}`,
            );
          }
        }),
        // No shrinking and no time limit: a request in flight is never abandoned to change the
        // database under the next operation's checks.
        {
          seed: seedOf(`${operation.method} ${operation.path}`),
          numRuns: RUNS_PER_OPERATION,
          endOnFailure: true,
        },
      );
      sentPerOperation.push(runs);
      if (result.failed) {
        failures.push(
          `${operation.method} ${operation.path} (seed ${result.seed}, path ${result.counterexamplePath}): ${
            result.errorInstance instanceof Error
              ? result.errorInstance.message
              : String(result.errorInstance)
          }`,
        );
      }
    }
    expect(failures).toEqual([]);
    // Guards against a fuzzer that never gets past authentication or the parser.
    expect(statuses.get(401)).toBeUndefined();
    expect(new Set(sentPerOperation)).toEqual(new Set([RUNS_PER_OPERATION]));
    expect(statuses.get(422) ?? 0).toBeGreaterThan(operations.length * 2);
    // Nothing in a body reached Object.prototype.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

/** Ids of real records for the path parameters and id fields; the fuzzing users excluded. */
async function realIds(dataSource: DataSource, ownUsers: string[]): Promise<RealIds> {
  const ids: RealIds = {};
  const tables = [
    'donor',
    'pledge',
    'receipt',
    'grant_event',
    'participant',
    'participation_grant',
    'bank_account',
    'bank_statement_line',
    'bank_line_match',
    'journal_entry',
    'approval_request',
    'donor_document',
    'receipt_batch',
    'statement_batch',
  ];
  for (const table of tables) {
    const rows = await dataSource.query<{ id: string }[]>(
      `SELECT id::text FROM "${table}" ORDER BY id LIMIT 8`,
    );
    ids[table] = rows.map((row) => row.id);
  }
  // Statuses of the countries the status routes name in their path, so that both match.
  const statuses = await dataSource.query<{ id: string }[]>(
    `SELECT id::text FROM country_status WHERE country IN ('NP', 'SN') ORDER BY id`,
  );
  ids.country_status = statuses.map((row) => row.id);
  const users = await dataSource.query<{ id: string }[]>(
    `SELECT id::text FROM app_user WHERE NOT (id::text = ANY($1)) ORDER BY username LIMIT 4`,
    [ownUsers],
  );
  ids.app_user = users.map((row) => row.id);
  // The token in use is never offered to the revoke route; the spare one is.
  const tokens = await dataSource.query<{ id: string; name: string }[]>(
    `SELECT id::text, name FROM access_token WHERE name = 'spare'`,
  );
  ids.access_token = tokens.map((row) => row.id);
  return ids;
}

const ID_KINDS: [RegExp, string][] = [
  [/^\/api\/v1\/users\//, 'app_user'],
  [/^\/api\/v1\/me\/tokens\//, 'access_token'],
  [/\/statuses\/\{id\}/, 'country_status'],
  [/^\/api\/v1\/journal-entries\//, 'journal_entry'],
  [/^\/api\/v1\/donors\//, 'donor'],
  [/^\/api\/v1\/pledges\//, 'pledge'],
  [/^\/api\/v1\/receipts\//, 'receipt'],
  [/^\/api\/v1\/grants\//, 'participation_grant'],
  [/^\/api\/v1\/receipt-batches\//, 'receipt_batch'],
  [/^\/api\/v1\/approvals\//, 'approval_request'],
  [/\/lines\/\{id\}/, 'bank_statement_line'],
  [/\/matches\/\{id\}/, 'bank_line_match'],
  [/^\/api\/v1\/statement-batches\//, 'statement_batch'],
  [/^\/api\/v1\/(donor-statements|acknowledgements)\//, 'donor_document'],
];

/** Real values for a path parameter of the route. */
function realPathValues(path: string, name: string, ids: RealIds): string[] {
  switch (name) {
    case 'fund':
      return ['WSIS-TF'];
    case 'period':
      return ['2026-01', '2025-12'];
    case 'code':
      return path.startsWith('/api/v1/countries') ? ['NP', 'SN'] : ['UBS-CHF', 'UBS-USD'];
    case 'id': {
      const kind = ID_KINDS.find(([pattern]) => pattern.test(path))?.[1];
      return kind === undefined ? [] : (ids[kind] ?? []);
    }
    default:
      return [];
  }
}

/**
 * A few records of every kind a write route names in its path, made through the API as an office
 * would (a second of work, where the demo took twenty): two bank accounts, three donors, an agreed
 * pledge with instalments paid by a receipt, an announced and a conditional one, an unidentified
 * receipt, a bank statement with a matched and an unmatched line, a grant event with a requested,
 * a pending and an approved grant, a manual adjustment waiting for approval, a draft receipt
 * batch, a statement batch, an acknowledgement and a spare token. Returns the donors' ids.
 */
async function seedRecords(
  baseUrl: string,
  officer: Record<string, string>,
  approver: Record<string, string>,
): Promise<string[]> {
  const call = async (
    method: 'post' | 'put',
    url: string,
    body: object,
    auth = officer,
  ): Promise<{ id: string } & Record<string, unknown>> => {
    const res = await request(baseUrl)[method](url).set(auth).send(body);
    if (res.status >= 300) {
      throw new Error(
        `fixture: ${method} ${url} answered ${res.status}: ${res.text.slice(0, 500)}`,
      );
    }
    return res.body as { id: string } & Record<string, unknown>;
  };
  for (const [currency, unitsPerUsd] of [
    ['CHF', '0.90'],
    ['EUR', '0.92'],
  ]) {
    await call('post', '/api/v1/exchange-rates', {
      currency,
      effectiveFrom: '2024-01-01',
      unitsPerUsd,
    });
  }
  const iban = 'CH9300762011623852957';
  for (const [code, currency, accountNumber] of [
    ['UBS-CHF', 'CHF', 'CH93 0076 2011 6238 5295 7'],
    ['UBS-USD', 'USD', 'CH78 0023 0240 1234 5678 U'],
  ]) {
    await call('post', '/api/v1/bank-accounts', {
      fund: 'WSIS-TF',
      code,
      name: `WSIS TF ${currency} account`,
      bankName: 'UBS Switzerland AG',
      accountNumber,
      bic: 'UBSWCHZH80A',
      currency,
    });
  }
  const donors: string[] = [];
  for (const [name, country] of [
    ['Swiss Confederation', 'CH'],
    ['Republic of Senegal', 'SN'],
    ['Government of Japan', 'JP'],
  ]) {
    donors.push((await call('post', '/api/v1/donors', { name, type: 'member_state', country })).id);
  }
  const pledge = async (donorId: string, earmark: string, currency: string, amount: string) =>
    (
      await call('post', '/api/v1/pledges', {
        fund: 'WSIS-TF',
        donorId,
        earmark,
        currency,
        amount,
        announcedOn: '2026-01-10',
        instalments: [
          { dueDate: '2026-03-31', amount: (Number(amount) / 2).toFixed(2) },
          { dueDate: '2026-09-30', amount: (Number(amount) / 2).toFixed(2) },
        ],
      })
    ).id;
  const agreed = await pledge(donors[0], 'PARTICIPATION-GRANTS', 'CHF', '20000.00');
  await call('post', `/api/v1/pledges/${agreed}/agreement`, {
    agreedOn: '2026-01-20',
    documentRef: 'AGR-FUZZ-1',
  });
  await pledge(donors[1], 'UNEARMARKED', 'CHF', '5000.00');
  const conditional = await pledge(donors[2], 'UNEARMARKED', 'USD', '3000.00');
  await call('post', `/api/v1/pledges/${conditional}/agreement`, {
    agreedOn: '2026-02-02',
    documentRef: 'AGR-FUZZ-3',
    conditional: true,
  });
  // The first instalment paid, net of the bank's charges; and money from nobody known yet.
  const paid = await call('post', '/api/v1/receipts', {
    fund: 'WSIS-TF',
    bankAccount: 'UBS-CHF',
    valueDate: '2026-03-02',
    currency: 'CHF',
    grossAmount: '10000.00',
    bankCharges: '10.00',
    donorId: donors[0],
    bankReference: 'FUZZ-REF-1',
    allocations: [{ pledgeId: agreed, amount: '10000.00' }],
  });
  await call('post', '/api/v1/receipts', {
    fund: 'WSIS-TF',
    bankAccount: 'UBS-CHF',
    valueDate: '2026-04-15',
    currency: 'CHF',
    grossAmount: '750.00',
    remitterName: 'UNKNOWN REMITTER',
    allocation: 'none',
  });
  // Its acknowledgement, a document for the correction and sending routes (printed by Chromium).
  await call('post', '/api/v1/acknowledgements', { receiptId: paid.id });
  // The bank's statement of the receipt (matched by its reference) and of an interest credit.
  const xml = camt053(
    {
      iban,
      currency: 'CHF',
      owner: 'WSIS Trust Fund',
      bic: 'UBSWCHZH80A',
      bankName: 'UBS Switzerland AG',
    },
    'CAMT053-FUZZ-1',
    '2026-04-30T23:59:59',
    [
      {
        id: 'UBS-CHF-2026-04-30',
        sequence: 1,
        from: '2026-03-01',
        to: '2026-04-30',
        opening: Money.zero('CHF'),
        entries: [
          {
            bookingDate: '2026-03-02',
            amount: Money.parse('9990.00', 'CHF'),
            bankReference: 'FUZZ-REF-1',
            counterparty: 'SWISS CONFEDERATION',
            text: 'WSIS TRUST FUND CONTRIBUTION',
          },
          {
            bookingDate: '2026-04-30',
            amount: Money.parse('12.50', 'CHF'),
            bankReference: 'FUZZ-REF-2',
            text: 'CREDIT INTEREST',
          },
        ],
      },
    ],
  );
  await call('post', '/api/v1/bank-statements', {
    fund: 'WSIS-TF',
    bankAccount: 'UBS-CHF',
    fileName: 'camt053-fuzz.xml',
    content: Buffer.from(xml, 'utf8').toString('base64'),
    format: 'camt.053',
  });
  await call('post', '/api/v1/bank-reconciliation/run', {
    fund: 'WSIS-TF',
    bankAccount: 'UBS-CHF',
  });
  // Participation grants: one requested, one waiting for approval, one approved.
  const event = await call('post', '/api/v1/grant-events', {
    fund: 'WSIS-TF',
    earmark: 'PARTICIPATION-GRANTS',
    code: 'FUZZ-EVENT',
    name: 'WSIS+20 High-Level Event',
    place: 'Geneva, Switzerland',
    startsOn: '2026-12-14',
    endsOn: '2026-12-16',
    budget: '8000.00',
    eligibilityRule: 'ldc-and-developing',
    offers: { full: true, partialTicket: true, partialAllowance: true, remote: false },
  });
  const grants: string[] = [];
  for (const [name, country] of [
    ['Sita Sharma', 'NP'],
    ['Aminata Traoré', 'ML'],
    ['Mamadou Diop', 'SN'],
  ]) {
    const participant = await call('post', '/api/v1/participants', {
      name,
      gender: 'female',
      country,
      organisation: 'Ministry of ICT',
      stakeholderGroup: 'government',
    });
    const grant = await call('post', '/api/v1/grants', {
      eventId: event.id,
      participantId: participant.id,
      kind: 'full',
      ticket: '900.00',
      allowance: '600.00',
      decisionDate: '2026-11-03',
    });
    grants.push(grant.id);
  }
  const approval = await call('post', `/api/v1/grants/${grants[1]}/approval`, {});
  await call('post', `/api/v1/grants/${grants[2]}/approval`, {});
  await call('post', `/api/v1/approvals/${approval.id}/approve`, {}, approver);
  await call(
    'post',
    '/api/v1/funds/WSIS-TF/journal-entries',
    receivableAdjustment(donors[1], '25.00', '2026-03-15'),
  );
  await call('post', '/api/v1/funds/WSIS-TF/earmarks', { code: 'FUZZ-EARMARK', name: 'Fuzz' });
  await call('post', '/api/v1/receipt-batches', {
    fund: 'WSIS-TF',
    bankAccount: 'UBS-CHF',
    description: 'UBS advice list',
    declaredCount: 1,
    declaredTotal: '100.00',
    receipts: [{ valueDate: '2026-05-04', grossAmount: '100.00' }],
  });
  await call('post', '/api/v1/statement-batches', {
    fund: 'WSIS-TF',
    from: '2026-01-01',
    to: '2026-06-30',
  });
  // A second token of the officer's, for the revoke route to find (never the one in use).
  await call('post', '/api/v1/me/tokens', { name: 'spare', expiresInDays: 30 });
  return donors;
}
