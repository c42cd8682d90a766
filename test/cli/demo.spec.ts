import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { WeakPasswordError } from '../../src/auth/auth.errors';
import { demoUrl, describeDemoLoad, runDemoLoad } from '../../src/cli/commands/demo-load.command';
import { Actor } from '../../src/common/actor';
import { loadConfig } from '../../src/config/app-config';
import { DEMO_USERS } from '../../src/demo/demo-data';
import { DemoLoadResult, demoBlockers, loadDemo } from '../../src/demo/demo-loader';
import { DataSource } from 'typeorm';
import { createTestApp, createTestUser, testConfig, TestUser } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

const SYSTEM: Actor = { id: 'system:test', roles: ['admin'], donorIds: [] };
const PASSWORD = 'Demo-Passphrase-2026';
const FORM_COOKIE = 'tf_sign_in_form';
const SESSION_COOKIE = 'tf_session';
const AS_OF = '2026-11-28';

interface Money {
  currency: string;
  amount: string;
}

/** Every table the demo writes to, and the audit trail: what a second run must not change. */
const COUNTED = [
  'app_user',
  'donor',
  'donor_contact',
  'exchange_rate',
  'bank_account',
  'pledge',
  'pledge_instalment',
  'receipt',
  'receipt_allocation',
  'journal_entry',
  'journal_line',
  'bank_statement',
  'bank_statement_line',
  'bank_line_match',
  'grant_event',
  'participant',
  'participation_grant',
  'approval_request',
  'donor_document',
  'audit_log',
];

function cookieLine(res: request.Response, name: string): string | undefined {
  const header = res.headers['set-cookie'] as string | string[] | undefined;
  const lines = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return lines.find((line) => line.startsWith(`${name}=`));
}

function cookieValue(line: string): string {
  return line.slice(line.indexOf('=') + 1).split(';')[0];
}

describe('demo:load (the demo of the WSIS Trust Fund)', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let refusal: unknown;
  let blockersAfterRefusal: Record<string, number>;
  let result: DemoLoadResult;
  let auditor: TestUser;

  const http = () => request(app.getHttpServer());
  const get = (path: string) => http().get(path).set(auditor.auth);

  async function counts(): Promise<Record<string, number>> {
    const { rows } = await sql.query<Record<string, number>>(
      `SELECT ${COUNTED.map((table) => `(SELECT count(*)::int FROM ${table}) AS ${table}`).join(', ')}`,
    );
    return rows[0];
  }

  /** A browser's sign-in: the form (its cookie and hidden token), then the POST. */
  async function signIn(username: string, password: string): Promise<string | undefined> {
    const page = await http().get('/sign-in');
    const formCookie = cookieLine(page, FORM_COOKIE);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    if (formCookie === undefined || csrf === undefined) throw new Error('no sign-in form');
    const res = await http()
      .post('/sign-in')
      .type('form')
      .set('Cookie', `${FORM_COOKIE}=${cookieValue(formCookie)}`)
      .send({ username, password, _csrf: csrf, next: '/' });
    const session = cookieLine(res, SESSION_COOKIE);
    return res.status === 303 && session !== undefined
      ? `${SESSION_COOKIE}=${cookieValue(session)}`
      : undefined;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db);
    sql = await connect(db.url);
    // An operator's password that contains a user name is refused before anything is written.
    refusal = await loadDemo(app, { system: SYSTEM, password: 'officer-passphrase-2026' }).catch(
      (error: unknown) => error,
    );
    blockersAfterRefusal = await demoBlockers(app.get(DataSource));
    result = await loadDemo(app, { system: SYSTEM, password: PASSWORD });
    auditor = await createTestUser(app, 'auditor.test', ['auditor']);
  }, 240000);

  afterAll(async () => {
    await sql?.end();
    await app?.close();
    await db?.drop();
  });

  it('refuses a password that fails the rules before writing anything', () => {
    expect(refusal).toBeInstanceOf(WeakPasswordError);
    expect(blockersAfterRefusal).toEqual({});
  });

  it('fills the empty database and tells who can sign in, where, with the password once', () => {
    expect(result.loaded).toBe(true);
    const lines = describeDemoLoad(result, 'http://127.0.0.1:3000');
    const text = lines.join('\n');
    expect(text).toContain(`password ${PASSWORD}`);
    expect(text).toContain('http://127.0.0.1:3000/sign-in');
    for (const user of DEMO_USERS) {
      expect(lines).toContainEqual(
        expect.stringMatching(
          new RegExp(`^  ${user.username} +${user.role} +http://127\\.0\\.0\\.1:3000/`),
        ),
      );
    }
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}approver +approver +http.*\/approvals$/),
    );
  });

  it('records about 40 donors of every type, from many countries, in the six UN languages', async () => {
    const res = await get('/api/v1/donors?limit=200');
    expect(res.status).toBe(200);
    const donors = res.body.items as Array<{
      type: string;
      country: string;
      statementLanguage: string;
    }>;
    expect(donors.length).toBeGreaterThanOrEqual(35);
    expect(donors.length).toBeLessThanOrEqual(45);
    expect(new Set(donors.map((d) => d.type))).toEqual(
      new Set([
        'member_state',
        'sector_member',
        'associate',
        'academia',
        'intergovernmental',
        'private_sector',
        'foundation',
        'other',
      ]),
    );
    expect(new Set(donors.map((d) => d.country)).size).toBeGreaterThanOrEqual(20);
    expect(new Set(donors.map((d) => d.statementLanguage))).toEqual(
      new Set(['ar', 'zh', 'en', 'fr', 'es', 'ru']),
    );
  });

  it('records multi-year pledges in CHF, USD and EUR, paid, partly paid, overdue or announced', async () => {
    const res = await get(`/api/v1/pledges?limit=200&asOf=${AS_OF}`);
    expect(res.status).toBe(200);
    const pledges = res.body.items as Array<{ amount: Money; status: string; announcedOn: string }>;
    expect(new Set(pledges.map((p) => p.amount.currency))).toEqual(new Set(['CHF', 'USD', 'EUR']));
    const statuses = new Set(pledges.map((p) => p.status));
    for (const status of ['announced', 'agreed', 'partially-paid', 'paid', 'overdue']) {
      expect(statuses).toContain(status);
    }
    expect(new Set(pledges.map((p) => p.announcedOn.slice(0, 4)))).toEqual(
      new Set(['2024', '2025', '2026']),
    );
    const { rows } = await sql.query<{ years: number }>(
      `SELECT max(extract(year FROM due_date)) - min(extract(year FROM due_date)) AS years
         FROM pledge_instalment GROUP BY pledge_id ORDER BY 1 DESC LIMIT 1`,
    );
    expect(Number(rows[0].years)).toBeGreaterThanOrEqual(3);
  });

  it('books receipts with bank charges and exchange differences, and the ledger balances', async () => {
    // The demo pays its grant advances on the day it is loaded: as of then, or later.
    const today = new Date().toISOString().slice(0, 10);
    const asOf = today > AS_OF ? today : AS_OF;
    const res = await get(`/api/v1/funds/WSIS-TF/trial-balance?asOf=${asOf}`);
    expect(res.status).toBe(200);
    const accounts = new Map(
      (res.body.accounts as Array<{ code: string; debit: Money; credit: Money }>).map((a) => [
        a.code,
        a,
      ]),
    );
    expect(res.body.balanced).toBe(true);
    expect(res.body.totalDebit).toEqual(res.body.totalCredit);
    // Bank charges, realised FX gains and losses, contributions and grant advances.
    expect(Number(accounts.get('5100')?.debit.amount)).toBeGreaterThan(0);
    expect(Number(accounts.get('4100')?.credit.amount)).toBeGreaterThan(0);
    expect(Number(accounts.get('5200')?.debit.amount)).toBeGreaterThan(0);
    expect(Number(accounts.get('4000')?.credit.amount)).toBeGreaterThan(0);
    expect(Number(accounts.get('1200')?.debit.amount)).toBeGreaterThan(0);
    // A euro pledge paid in Swiss francs: the receipt's allocation crosses currencies.
    const { rows } = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM receipt_allocation a
         JOIN receipt r ON r.id = a.receipt_id JOIN pledge p ON p.id = a.pledge_id
        WHERE trim(r.currency) <> trim(p.currency)`,
    );
    expect(rows[0].n).toBeGreaterThanOrEqual(1);
    const suspense = await get('/api/v1/receipts?queue=unidentified');
    expect(suspense.body.total).toBeGreaterThanOrEqual(1);
  });

  it('imports bank statements whose last lines are partly left for the officer', async () => {
    const res = await get('/api/v1/bank-reconciliation/lines?bankAccount=UBS-CHF&status=unmatched');
    expect(res.status).toBe(200);
    const { counts: lineCounts, lines } = res.body as {
      counts: Record<string, number>;
      lines: Array<{ bookingDate: string; suggestions: unknown[] }>;
    };
    expect(lineCounts.matched).toBeGreaterThanOrEqual(10);
    expect(lineCounts['not-contribution']).toBeGreaterThanOrEqual(1);
    expect(lineCounts.unmatched).toBeGreaterThanOrEqual(3);
    expect(lines.some((line) => line.suggestions.length > 0)).toBe(true);
    expect(lines.some((line) => line.suggestions.length === 0)).toBe(true);
    // Everything before the last statement's month is reconciled, and what is not is explained:
    // the statement balance equals the ledger's cash plus and minus what is not yet on both.
    expect(lines.every((line) => line.bookingDate >= '2026-11-01')).toBe(true);
    const report = await get(
      `/api/v1/bank-reconciliation/report?bankAccount=UBS-CHF&asOf=${AS_OF}`,
    );
    expect(report.status).toBe(200);
    expect(report.body.reconciled).toBe(true);
    expect(report.body.inLedgerNotOnBank.receipts.length).toBeGreaterThanOrEqual(1);
  });

  it('sets up two events with grants to participants from LDCs and developing countries', async () => {
    const res = await get('/api/v1/grants');
    expect(res.status).toBe(200);
    const grants = res.body.items as Array<{
      event: { code: string };
      participant: { gender: string };
      status: string;
      eligibility: { countryStatus: string };
    }>;
    expect(new Set(grants.map((g) => g.event.code)).size).toBe(2);
    expect(new Set(grants.map((g) => g.eligibility.countryStatus))).toEqual(
      new Set(['ldc', 'developing']),
    );
    expect(new Set(grants.map((g) => g.participant.gender))).toEqual(new Set(['female', 'male']));
    const statuses = grants.map((g) => g.status);
    expect(
      statuses.filter((s) => s === 'approved' || s === 'disbursed').length,
    ).toBeGreaterThanOrEqual(5);
    expect(statuses).toContain('disbursed');
    expect(statuses).toContain('requested');
  });

  it('lets each demo user sign in with the password, the approver finding requests to decide', async () => {
    for (const user of DEMO_USERS) {
      const cookie = await signIn(user.username, PASSWORD);
      expect({ user: user.username, signedIn: cookie !== undefined }).toEqual({
        user: user.username,
        signedIn: true,
      });
      const me = await http().get('/api/v1/me').set('Cookie', cookie!);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ username: user.username, roles: [user.role] });
      if (user.role === 'donor') {
        expect(me.body.donorIds).toHaveLength(1);
        // Its government's statement of 2025, issued when a PDF can be printed (Chromium);
        // otherwise the command says why there is none.
        const statements = await http().get('/api/v1/donor-statements').set('Cookie', cookie!);
        expect(statements.status).toBe(200);
        const notes = result.loaded ? result.notes : [];
        expect(statements.body.total).toBe(notes.length === 0 ? 1 : 0);
      }
      if (user.role === 'approver') {
        const pending = await http().get('/api/v1/approvals?status=pending').set('Cookie', cookie!);
        expect(pending.status).toBe(200);
        const kinds = (pending.body as Array<{ kind: string }>).map((a) => a.kind);
        expect(kinds).toEqual(
          expect.arrayContaining(['grant.approve', 'pledge.write-off', 'receipt.refund']),
        );
      }
    }
    expect(await signIn('officer', 'not-the-demo-password')).toBeUndefined();
  });

  it('run again through the command, leaves the database unchanged and says so', async () => {
    const before = await counts();
    const again = await runDemoLoad(testConfig(db));
    expect(again.loaded).toBe(false);
    expect(await counts()).toEqual(before);
    const [line] = describeDemoLoad(again, 'http://127.0.0.1:3000');
    expect(line).toMatch(
      /^The database is not empty \(app_user 7, donor 41, .*\): demo:load fills only an empty database and left this one unchanged\.$/,
    );
  });

  it('names the address a person opens, whatever the server listens on', () => {
    const url = (env: Record<string, string>) =>
      demoUrl(loadConfig({ DATA_DIR: '/tmp/tf-demo-url', SESSION_SECRET: 'x'.repeat(32), ...env }));
    expect(url({})).toBe('http://127.0.0.1:3000');
    expect(url({ HOST: '0.0.0.0', PORT: '8080' })).toBe('http://127.0.0.1:8080');
    expect(url({ HOST: 'tf.example.org' })).toBe('http://tf.example.org:3000');
  });
});
