import { Controller, Get, Module, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { ACCESS_METADATA, AccessRule } from '../../src/auth/access.decorator';
import { Role, ROLES } from '../../src/auth/roles';
import { APP_CONFIG, AppConfig } from '../../src/config/app-config';
import { addBankAccount } from '../support/ledger-fixtures';
import { createTestApp, createTestUser, TestUser } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

type Expected = 'public' | readonly Role[];

// A route someone forgot to declare: the guard must refuse it for everybody.
@Controller('api/v1/undeclared')
class UndeclaredController {
  @Get()
  forgotten(): string {
    return 'should never be served';
  }
}

@Module({ controllers: [UndeclaredController] })
class UndeclaredModule {}

const STAFF: readonly Role[] = ['admin', 'finance_officer', 'approver', 'management', 'auditor'];
const OFFICERS: readonly Role[] = ['finance_officer', 'admin'];

/**
 * Who may call what: the specification, written out. A route added without an entry here fails
 * the first test, so every new route's access is decided on purpose, not inherited by accident.
 */
const MATRIX: Record<string, Expected> = {
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
  'GET /api/v1/info': 'public',
  'GET /': 'public',
  'GET /partials/system-status': 'public',
  'GET /language': 'public',
  'GET /sign-in': 'public',
  'POST /sign-in': 'public',
  'POST /sign-out': 'public',
  'GET /api/v1/me': ROLES,
  'POST /api/v1/me/tokens': ROLES,
  'GET /api/v1/me/tokens': ROLES,
  'POST /api/v1/me/tokens/:id/revoke': ROLES,
  'POST /api/v1/users': ['admin'],
  'GET /api/v1/users': ['admin'],
  'GET /api/v1/users/:id': ['admin'],
  'PUT /api/v1/users/:id/roles': ['admin'],
  'PUT /api/v1/users/:id/donors': ['admin'],
  'POST /api/v1/users/:id/disable': ['admin'],
  'POST /api/v1/users/:id/enable': ['admin'],
  'POST /api/v1/funds': ['admin'],
  'GET /api/v1/funds': STAFF,
  'GET /api/v1/funds/:fund': STAFF,
  'POST /api/v1/funds/:fund/earmarks': ['admin'],
  'GET /api/v1/funds/:fund/accounts': STAFF,
  'POST /api/v1/funds/:fund/journal-entries': ['finance_officer'],
  'GET /api/v1/funds/:fund/journal-entries': STAFF,
  'GET /api/v1/journal-entries/:id': STAFF,
  'POST /api/v1/journal-entries/:id/reversal': ['finance_officer'],
  'GET /api/v1/funds/:fund/accounts/:account/balance': STAFF,
  'GET /api/v1/funds/:fund/trial-balance': STAFF,
  'GET /api/v1/funds/:fund/periods': STAFF,
  'POST /api/v1/funds/:fund/periods/:period/close': ['finance_officer'],
  'POST /api/v1/funds/:fund/periods/:period/reopen': ['finance_officer'],
  'POST /api/v1/exchange-rates': OFFICERS,
  'POST /api/v1/exchange-rates/import': OFFICERS,
  'GET /api/v1/exchange-rates': STAFF,
  'GET /api/v1/exchange-rates/rate': STAFF,
  'GET /api/v1/countries': ROLES,
  'GET /api/v1/countries/:code': ROLES,
  'POST /api/v1/countries/:code/statuses': ['admin'],
  'POST /api/v1/countries/:code/statuses/:id/supersede': ['admin'],
  'POST /api/v1/countries/:code/regions': ['admin'],
  'GET /api/v1/audit': ['auditor', 'admin'],
  'GET /api/v1/audit/verify': ['auditor', 'admin'],
  'GET /audit': ['auditor', 'admin'],
  'GET /api/v1/approvals': ['finance_officer', 'approver', 'admin', 'auditor'],
  'GET /api/v1/approvals/:id': ['finance_officer', 'approver', 'admin', 'auditor'],
  'POST /api/v1/approvals/:id/approve': ['approver'],
  'POST /api/v1/approvals/:id/reject': ['approver'],
  'POST /api/v1/approvals/:id/cancel': ['finance_officer'],
  'POST /api/v1/donors': OFFICERS,
  'GET /api/v1/donors': [...STAFF, 'donor'],
  'GET /api/v1/donors/:id': [...STAFF, 'donor'],
  'PATCH /api/v1/donors/:id': OFFICERS,
  'GET /donors': STAFF,
  'GET /donors/new': OFFICERS,
  'POST /donors': OFFICERS,
  'GET /donors/:id': STAFF,
  'GET /donors/:id/edit': OFFICERS,
  'POST /donors/:id/edit': OFFICERS,
  'GET /pledges': STAFF,
  'GET /pledges/new': ['finance_officer'],
  'POST /pledges': ['finance_officer'],
  'GET /pledges/:id': STAFF,
  'GET /pledges/:id/amend': ['finance_officer'],
  'POST /pledges/:id/amend': ['finance_officer'],
  'POST /pledges/:id/agreement': ['finance_officer'],
  'POST /pledges/:id/conditions-met': ['finance_officer'],
  'POST /pledges/:id/cancellation': ['finance_officer'],
  'POST /pledges/:id/write-off': ['finance_officer'],
  'GET /receipts': STAFF,
  'GET /receipts/new': ['finance_officer'],
  'POST /receipts': ['finance_officer'],
  'GET /receipts/:id': STAFF,
  'GET /receipts/:id/allocate': ['finance_officer'],
  'POST /receipts/:id/allocate': ['finance_officer'],
  'POST /receipts/:id/allocate/left': ['finance_officer'],
  'GET /receipts/:id/donor': ['finance_officer'],
  'POST /receipts/:id/donor': ['finance_officer'],
  'POST /receipts/:id/refund': ['finance_officer'],
  'POST /receipts/:id/reversal': ['finance_officer'],
  'GET /grants': STAFF,
  'GET /grants/new': ['finance_officer'],
  'POST /grants': ['finance_officer'],
  'GET /grants/:id': STAFF,
  'POST /grants/:id/approval': ['finance_officer'],
  'POST /grants/:id/disbursement': ['finance_officer'],
  'POST /grants/:id/settlement': ['finance_officer'],
  'POST /grants/:id/cancellation': ['finance_officer'],
  'GET /approvals': ['finance_officer', 'approver', 'admin', 'auditor'],
  'POST /approvals/:id/approve': ['approver'],
  'POST /approvals/:id/reject': ['approver'],
  'POST /api/v1/pledges': ['finance_officer'],
  'GET /api/v1/pledges': [...STAFF, 'donor'],
  'GET /api/v1/pledges/:id': [...STAFF, 'donor'],
  'POST /api/v1/pledges/:id/agreement': ['finance_officer'],
  'POST /api/v1/pledges/:id/amendments': ['finance_officer'],
  'POST /api/v1/pledges/:id/conditions-met': ['finance_officer'],
  'POST /api/v1/pledges/:id/cancellation': ['finance_officer'],
  'POST /api/v1/pledges/:id/write-off': ['finance_officer'],
  'GET /api/v1/funds/:fund/outstanding': STAFF,
  'GET /api/v1/funds/:fund/reminder-policy': STAFF,
  'PUT /api/v1/funds/:fund/reminder-policy': OFFICERS,
  'POST /api/v1/reminders/run': OFFICERS,
  'GET /api/v1/pledges/:id/reminders': [...STAFF, 'donor'],
  'POST /api/v1/receipts': ['finance_officer'],
  'GET /api/v1/receipts': STAFF,
  'GET /api/v1/receipts/:id': STAFF,
  'GET /api/v1/receipts/:id/open-instalments': STAFF,
  'POST /api/v1/receipts/:id/allocations': ['finance_officer'],
  'POST /api/v1/receipts/:id/donor': ['finance_officer'],
  'POST /api/v1/receipts/:id/refund': ['finance_officer'],
  'POST /api/v1/receipts/:id/reversal': ['finance_officer'],
  'POST /api/v1/grants': ['finance_officer'],
  'POST /api/v1/grants/eligibility': STAFF,
  'GET /api/v1/grants': STAFF,
  'GET /api/v1/grants/:id': STAFF,
  'POST /api/v1/grants/:id/approval': ['finance_officer'],
  'POST /api/v1/grants/:id/disbursement': ['finance_officer'],
  'POST /api/v1/grants/:id/settlement': ['finance_officer'],
  'POST /api/v1/grants/:id/cancellation': ['finance_officer'],
  'PUT /api/v1/funds/:fund/support-cost-rate': ['admin'],
  'GET /api/v1/funds/:fund/earmarks/:earmark/available': STAFF,
  'POST /api/v1/receipt-batches': ['finance_officer'],
  'GET /api/v1/receipt-batches': STAFF,
  'GET /api/v1/receipt-batches/:id': STAFF,
  'PUT /api/v1/receipt-batches/:id': ['finance_officer'],
  'PUT /api/v1/receipt-batches/:id/receipts': ['finance_officer'],
  'POST /api/v1/receipt-batches/:id/post': ['finance_officer'],
  'GET /receipts/batches': STAFF,
  'GET /receipts/batches/new': ['finance_officer'],
  'POST /receipts/batches': ['finance_officer'],
  'GET /receipts/batches/:id': STAFF,
  'POST /receipts/batches/:id': ['finance_officer'],
  'POST /api/v1/statement-batches': ['finance_officer', 'admin'],
  'GET /api/v1/statement-batches': STAFF,
  'GET /api/v1/statement-batches/:id': STAFF,
  'POST /api/v1/statement-batches/:id/retry': ['finance_officer', 'admin'],
  'GET /statements/batches': STAFF,
  'GET /statements/batches/new': ['finance_officer', 'admin'],
  'POST /statements/batches': ['finance_officer', 'admin'],
  'GET /statements/batches/:id': STAFF,
  'POST /statements/batches/:id/retry': ['finance_officer', 'admin'],
  'POST /api/v1/donor-statements/preview': STAFF,
  'POST /api/v1/donor-statements': OFFICERS,
  'GET /api/v1/donor-statements': [...STAFF, 'donor'],
  'GET /api/v1/donor-statements/:id': [...STAFF, 'donor'],
  'GET /api/v1/donor-statements/:id/pdf': [...STAFF, 'donor'],
  'GET /api/v1/donor-statements/:id/html': [...STAFF, 'donor'],
  'GET /api/v1/donor-statements/:id/data': [...STAFF, 'donor'],
  'POST /api/v1/donor-statements/:id/corrections': OFFICERS,
  'POST /api/v1/donor-statements/:id/send': OFFICERS,
  'POST /api/v1/acknowledgements': OFFICERS,
  'GET /api/v1/acknowledgements': [...STAFF, 'donor'],
  'GET /api/v1/acknowledgements/:id': [...STAFF, 'donor'],
  'GET /api/v1/acknowledgements/:id/pdf': [...STAFF, 'donor'],
  'GET /api/v1/acknowledgements/:id/html': [...STAFF, 'donor'],
  'GET /api/v1/acknowledgements/:id/data': [...STAFF, 'donor'],
  'POST /api/v1/acknowledgements/:id/corrections': OFFICERS,
  'POST /api/v1/acknowledgements/:id/send': OFFICERS,
  'GET /statements': [...STAFF, 'donor'],
  'GET /statements/preview': STAFF,
  'GET /statements/preview/document': STAFF,
  'POST /statements': OFFICERS,
  'GET /acknowledgements/new': OFFICERS,
  'POST /acknowledgements': OFFICERS,
  'GET /documents/:id': [...STAFF, 'donor'],
  'POST /documents/:id/corrections': OFFICERS,
  'POST /documents/:id/send': OFFICERS,
  'POST /api/v1/bank-statements': ['finance_officer'],
  'GET /api/v1/bank-statements': STAFF,
  'GET /api/v1/bank-statements/:id': STAFF,
  'PUT /api/v1/bank-accounts/:code/csv-mapping': ['finance_officer'],
  'GET /bank-statements': STAFF,
  'GET /bank-statements/import': ['finance_officer'],
  'POST /bank-statements/import': ['finance_officer'],
  'GET /bank-statements/:id': STAFF,
  'POST /api/v1/bank-accounts': OFFICERS,
  'GET /api/v1/bank-accounts': STAFF,
  'GET /api/v1/bank-accounts/:id': STAFF,
  'GET /api/v1/reports/pledge-reconciliation': [...STAFF, 'donor'],
  'GET /reports': STAFF,
  'GET /reports/pledge-reconciliation': STAFF,
  'GET /api/v1/bank-reconciliation/report': STAFF,
  'GET /bank-reconciliation/report': STAFF,
  'GET /api/v1/bank-reconciliation/lines': STAFF,
  'POST /api/v1/bank-reconciliation/run': ['finance_officer'],
  'POST /api/v1/bank-reconciliation/lines/:id/confirm': ['finance_officer'],
  'POST /api/v1/bank-reconciliation/matches': ['finance_officer'],
  'POST /api/v1/bank-reconciliation/lines/:id/reject': ['finance_officer'],
  'POST /api/v1/bank-reconciliation/lines/:id/not-contribution': ['finance_officer'],
  'POST /api/v1/bank-reconciliation/lines/:id/create-receipt': ['finance_officer'],
  'POST /api/v1/bank-reconciliation/matches/:id/undo': ['finance_officer'],
  'GET /bank-reconciliation': STAFF,
  'POST /bank-reconciliation/lines/:id/:action': ['finance_officer'],
  'POST /api/v1/grant-events': ['finance_officer'],
  'GET /api/v1/grant-events': STAFF,
  'GET /api/v1/grant-events/:id': STAFF,
  'POST /api/v1/participants': ['finance_officer'],
  'GET /api/v1/participants': STAFF,
  'GET /api/v1/participants/:id': STAFF,
  'GET /grant-events': STAFF,
  'GET /grant-events/new': ['finance_officer'],
  'POST /grant-events': ['finance_officer'],
  'GET /grant-events/:id': STAFF,
  'GET /participants': STAFF,
  'GET /participants/new': ['finance_officer'],
  'POST /participants': ['finance_officer'],
  'GET /participants/:id': STAFF,
  'GET /api/v1/reports/grant-figures': STAFF,
  'GET /reports/grant-figures': STAFF,
  'GET /api/v1/reports/contributions': STAFF,
  'GET /reports/contributions': STAFF,
  'GET /api/v1/reports/pledged-vs-received': STAFF,
  'GET /api/v1/reports/top-donors': STAFF,
  'GET /api/v1/reports/outstanding-pledges': STAFF,
  'GET /reports/outstanding-pledges': STAFF,
  'GET /api/v1/reports/cash-forecast': STAFF,
  'GET /reports/cash-forecast': STAFF,
  'GET /api/v1/reports/council': STAFF,
  'GET /dashboard': STAFF,
  'GET /work': OFFICERS,
  'POST /api/v1/funds/:fund/revaluations': OFFICERS,
  'GET /api/v1/funds/:fund/revaluations': STAFF,
  'GET /api/v1/exports/iati': STAFF,
  'GET /api/v1/exports/hledger': STAFF,
  'GET /exports': STAFF,
  'GET /api/v1/reports/fund-position': STAFF,
  'GET /reports/fund-position': STAFF,
  'GET /api/v1/reports/grant-attribution': [...STAFF, 'donor'],
  'GET /portal': ['donor'],
  'GET /portal/pledges/:id': ['donor'],
};

/** What an object-level case gets to build its URL with. */
interface DonorObjectContext {
  readonly app: NestExpressApplication;
  /** Donor B. The donor user calling is linked to donor A only. */
  readonly otherDonorId: string;
  /** A finance officer's headers, to create donor B's objects (a pledge…) through the API. */
  readonly officer: { Authorization: string };
}

/**
 * Routes with an id that a donor user may call, and how to prove it cannot reach another
 * donor's object through them: each case gives the URL of one of donor B's objects, which the
 * last test calls (with the route's method) as a donor user of donor A, expecting 404 (not 403,
 * so that ids do not leak). Reference data shared by everyone is listed apart. Each new donor
 * route with an id must get a case here, or this test fails.
 */
const DONOR_OBJECT_CASES: Record<
  string,
  (context: DonorObjectContext) => string | Promise<string>
> = {
  'GET /api/v1/donors/:id': ({ otherDonorId }) => `/api/v1/donors/${otherDonorId}`,
  'GET /api/v1/pledges/:id': async ({ app, otherDonorId, officer }) => {
    const res = await request(app.getHttpServer())
      .post('/api/v1/pledges')
      .set(officer)
      .send({
        fund: 'WSIS-TF',
        donorId: otherDonorId,
        currency: 'CHF',
        amount: '1000.00',
        announcedOn: '2026-01-15',
        generate: { count: 2, period: 'year', firstDueDate: '2026-06-30' },
      });
    expect(res.status).toBe(201);
    return `/api/v1/pledges/${res.body.id as string}`;
  },
  'GET /api/v1/pledges/:id/reminders': async ({ app, otherDonorId, officer }) => {
    const res = await request(app.getHttpServer())
      .post('/api/v1/pledges')
      .set(officer)
      .send({
        fund: 'WSIS-TF',
        donorId: otherDonorId,
        currency: 'CHF',
        amount: '500.00',
        announcedOn: '2026-01-15',
        instalments: [{ dueDate: '2026-06-30', amount: '500.00' }],
      });
    expect(res.status).toBe(201);
    return `/api/v1/pledges/${res.body.id as string}/reminders`;
  },
  'GET /portal/pledges/:id': async ({ app, otherDonorId, officer }) => {
    const res = await request(app.getHttpServer())
      .post('/api/v1/pledges')
      .set(officer)
      .send({
        fund: 'WSIS-TF',
        donorId: otherDonorId,
        currency: 'CHF',
        amount: '750.00',
        announcedOn: '2026-01-15',
        instalments: [{ dueDate: '2026-09-30', amount: '750.00' }],
      });
    expect(res.status).toBe(201);
    return `/portal/pledges/${res.body.id as string}`;
  },
};

/** Donor B's statement and acknowledgement letter, issued once for every case that needs one. */
let otherDonorDocuments: Promise<{ statement: string; acknowledgement: string }> | undefined;
function otherDonorDocument(kind: 'statement' | 'acknowledgement') {
  return async ({ app, otherDonorId, officer }: DonorObjectContext): Promise<string> => {
    otherDonorDocuments ??= (async () => {
      const api = (path: string, body: object) =>
        request(app.getHttpServer()).post(path).set(officer).send(body);
      const statement = await api('/api/v1/donor-statements', {
        donorId: otherDonorId,
        from: '2026-01-01',
        to: '2026-06-30',
      });
      expect(statement.status).toBe(201);
      await addBankAccount(app.get<AppConfig>(APP_CONFIG).database.url!);
      await api('/api/v1/exchange-rates', {
        currency: 'CHF',
        effectiveFrom: '2026-01-01',
        unitsPerUsd: '0.8000',
      });
      const receipt = await api('/api/v1/receipts', {
        bankAccount: 'TEST-CHF',
        currency: 'CHF',
        valueDate: '2026-03-02',
        grossAmount: '100.00',
        donorId: otherDonorId,
      });
      expect(receipt.status).toBe(201);
      const letter = await api('/api/v1/acknowledgements', { receiptId: receipt.body.id });
      expect(letter.status).toBe(201);
      return { statement: statement.body.id as string, acknowledgement: letter.body.id as string };
    })();
    return (await otherDonorDocuments)[kind];
  };
}
for (const [kind, base] of [
  ['statement', '/api/v1/donor-statements'],
  ['acknowledgement', '/api/v1/acknowledgements'],
] as const) {
  for (const suffix of ['', '/pdf', '/html', '/data']) {
    const document = otherDonorDocument(kind);
    DONOR_OBJECT_CASES[`GET ${base}/:id${suffix}`] = async (context) =>
      `${base}/${await document(context)}${suffix}`;
  }
}
DONOR_OBJECT_CASES['GET /documents/:id'] = async (context) =>
  `/documents/${await otherDonorDocument('statement')(context)}`;

const SHARED_WITH_EVERYONE = new Set([
  'GET /api/v1/countries/:code',
  'POST /api/v1/me/tokens/:id/revoke',
]);

const SAMPLE_PARAMS: Record<string, string> = {
  fund: 'WSIS-TF',
  id: '9d2a6e4c-0000-4000-8000-000000000000',
  account: '1100',
  period: '2026-01',
  code: 'BD',
};

interface Route {
  method: string;
  path: string;
  rule: AccessRule | undefined;
}

/** Every route of every controller, with the access rule the guard will read. */
function routes(app: NestExpressApplication): Route[] {
  const found: Route[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (controller === null) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      const classRule = Reflect.getMetadata(ACCESS_METADATA, controller) as AccessRule | undefined;
      const proto = controller.prototype as Record<string, unknown>;
      // Inherited handlers too (shared routes of issued documents), as Nest registers them.
      for (const name of new MetadataScanner().getAllMethodNames(proto)) {
        const handler = proto[name];
        if (typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const sub = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
        const path = `/${[base, sub].filter((p) => p !== '' && p !== '/').join('/')}`.replace(
          /\/+/g,
          '/',
        );
        const rule =
          (Reflect.getMetadata(ACCESS_METADATA, handler) as AccessRule | undefined) ?? classRule;
        found.push({ method: RequestMethod[method], path, rule });
      }
    }
  }
  return found;
}

const key = (route: Route): string => `${route.method} ${route.path}`;
const fill = (path: string): string =>
  path.replace(/:(\w+)/g, (_, name: string) => SAMPLE_PARAMS[name] ?? 'x');

describe('access control (deny by default)', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  const users = new Map<Role, TestUser>();

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db, {
      env: { API_RATE_LIMIT_PER_MINUTE: '100000' },
      imports: [UndeclaredModule],
    });
    for (const role of ROLES) users.set(role, await createTestUser(app, `only.${role}`, [role]));
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('finds every route declaring who may call it, exactly as the matrix says', () => {
    const all = routes(app);
    expect(all.length).toBeGreaterThan(30);
    expect(all.filter((route) => route.rule === undefined).map(key)).toEqual([
      'GET /api/v1/undeclared',
    ]);
    const declared = Object.fromEntries(
      all
        .filter((route) => route.rule !== undefined)
        .map((route) => [
          key(route),
          route.rule?.kind === 'public' ? 'public' : [...(route.rule?.roles ?? [])].sort(),
        ]),
    );
    const expected = Object.fromEntries(
      Object.entries(MATRIX).map(([k, v]) => [k, v === 'public' ? 'public' : [...v].sort()]),
    );
    expect(declared).toEqual(expected);
  });

  it('refuses a route without a declaration, whoever calls, even an admin', async () => {
    const res = await request(app.getHttpServer())
      .get('/api/v1/undeclared')
      .set(users.get('admin')!.auth);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('access-undeclared');
    expect((await request(app.getHttpServer()).get('/api/v1/undeclared')).status).toBe(403);
  });

  // Every route for every role: the slowest test of the suite, so it may take longer than the default.
  it('answers every route as the matrix says, for anonymous callers and for every role', async () => {
    const failures: string[] = [];
    for (const route of routes(app).filter((r) => r.rule !== undefined)) {
      const expected = MATRIX[key(route)];
      const url = fill(route.path);
      const call = (auth?: { Authorization: string }) => {
        const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete' | 'patch';
        const req = request(app.getHttpServer())[method](url).redirects(0);
        return auth === undefined ? req : req.set(auth);
      };
      const anonymous = (await call()).status;
      const isPage = !route.path.startsWith('/api/') && !route.path.startsWith('/health');
      if (expected === 'public') {
        if (anonymous === 401 || anonymous === 403)
          failures.push(`${key(route)} anonymous: ${anonymous}`);
      } else {
        const want = isPage && route.method === 'GET' ? 303 : isPage ? 401 : 401;
        if (anonymous !== want)
          failures.push(`${key(route)} anonymous: ${anonymous}, expected ${want}`);
      }
      for (const role of ROLES) {
        const status = (await call(users.get(role)!.auth)).status;
        const allowed = expected === 'public' || expected.includes(role);
        if (allowed && (status === 401 || status === 403))
          failures.push(`${key(route)} ${role}: ${status}, expected access`);
        if (!allowed && status !== 403)
          failures.push(`${key(route)} ${role}: ${status}, expected 403`);
      }
    }
    expect(failures).toEqual([]);
  }, 180000);

  it('keeps donor users to their own objects: every donor route with an id has an object-level case', () => {
    const donorRoutesWithIds = routes(app)
      .filter((route) => route.rule?.kind === 'roles' && route.rule.roles.includes('donor'))
      .filter((route) => route.path.includes('/:'))
      .map(key)
      .filter((k) => !SHARED_WITH_EVERYONE.has(k));
    expect(donorRoutesWithIds.sort()).toEqual(Object.keys(DONOR_OBJECT_CASES).sort());
  });

  it("answers 404 to a donor user asking for another donor's objects", async () => {
    const officer = users.get('finance_officer')!.auth;
    const createDonor = async (name: string): Promise<string> => {
      const res = await request(app.getHttpServer())
        .post('/api/v1/donors')
        .set(officer)
        .send({ name, type: 'member_state', confirmDuplicate: true });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const donorA = await createDonor('Access Matrix Donor Alpha');
    const otherDonorId = await createDonor('Access Matrix Donor Beta');
    const donorUser = await createTestUser(app, 'donor.of.alpha', ['donor'], [donorA]);
    const context: DonorObjectContext = { app, otherDonorId, officer };
    const failures: string[] = [];
    for (const [route, url] of Object.entries(DONOR_OBJECT_CASES)) {
      const method = route.split(' ')[0].toLowerCase() as 'get' | 'post' | 'put' | 'patch';
      const target = await url(context);
      const status = (await request(app.getHttpServer())[method](target).set(donorUser.auth))
        .status;
      if (status !== 404) failures.push(`${route} (${target}): ${status}, expected 404`);
    }
    expect(failures).toEqual([]);
  });
});
