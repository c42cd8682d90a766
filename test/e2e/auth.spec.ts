import { NestExpressApplication } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { IdentityService } from '../../src/auth/identity.service';
import { secretDigest } from '../../src/auth/secrets';
import { createTestApp, createTestUser, TEST_SESSION_SECRET, TestUser } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase, testEngine } from '../support/test-database';

const onServer = testEngine() === 'postgres' ? it : it.skip;

const PROBLEM_JSON = /^application\/problem\+json/;
const OWASP_ARGON2 = { algorithm: 'argon2id', version: 'v=19', m: 19456, t: 2, p: 1 };
const PLAIN_COOKIE = 'tf_session';
const TLS_COOKIE = '__Host-tf_session';
const FORM_COOKIE = 'tf_sign_in_form';

/** Where a request comes from and whether it arrived over TLS (through the loopback proxy). */
interface Origin {
  /** X-Forwarded-For: each throttling test signs in from an address of its own. */
  address?: string;
  https?: boolean;
}

interface SignInAttempt extends Origin {
  username: string;
  password: string;
  next?: string;
}

interface Session {
  /** `name=value`, to send back as the Cookie header. */
  cookie: string;
  /** The raw session token, as the browser holds it. */
  token: string;
  /** The session's CSRF token, read from the sign-out form of the page signed in to. */
  csrf: string;
}

function setCookies(res: request.Response): string[] {
  const header = res.headers['set-cookie'] as string | string[] | undefined;
  if (header === undefined) return [];
  return Array.isArray(header) ? header : [header];
}

/** The whole Set-Cookie line for cookie `name`, if the answer sets it. */
function setCookie(res: request.Response, name: string): string | undefined {
  return setCookies(res).find((line) => line.startsWith(`${name}=`));
}

function cookieValue(line: string): string {
  return line.slice(line.indexOf('=') + 1).split(';')[0];
}

function attributes(line: string): string[] {
  return line
    .split(';')
    .slice(1)
    .map((part) => part.trim().toLowerCase());
}

/** Text as a browser reads it from an attribute Handlebars escaped. */
function unescapeHtml(text: string): string {
  const entities: Record<string, string> = {
    '&amp;': '&',
    '&lt;': '<',
    '&gt;': '>',
    '&quot;': '"',
    '&#x27;': "'",
    '&#x60;': '`',
    '&#x3D;': '=',
  };
  return text.replace(/&(?:amp|lt|gt|quot|#x27|#x60|#x3D);/g, (entity) => entities[entity]);
}

/** The value of the hidden `_csrf` field of the first form on an HTML page. */
function hiddenCsrf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (match === null) throw new Error('no _csrf field on the page');
  return match[1];
}

/**
 * The algorithm and parameters of a PHC-format hash (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`;
 * node-argon2 writes the parameters as m, p, t, so their order is not asserted).
 */
function argon2Parameters(hash: string): Record<string, unknown> {
  const [, algorithm, version, params] = hash.split('$');
  const numbers = Object.fromEntries(
    params.split(',').map((pair) => [pair.split('=')[0], Number(pair.split('=')[1])]),
  );
  return { algorithm, version, ...numbers };
}

/** The error message a sign-in page shows next to the form. */
function formError(html: string): string | undefined {
  return /id="sign-in-error">([^<]*)</.exec(html)?.[1];
}

describe('authentication and user administration (HTTP)', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let admin: TestUser;
  let officer: TestUser;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db);
    sql = await connect(db.url);
    admin = await createTestUser(app, 'admin.a', ['admin']);
    officer = await createTestUser(app, 'officer.a', ['finance_officer']);
  });

  afterAll(async () => {
    await sql?.end();
    await app?.close();
    await db?.drop();
  });

  const http = () => request(app.getHttpServer());

  function from<T extends request.Test>(test: T, client: Origin): T {
    if (client.address !== undefined) test.set('X-Forwarded-For', client.address);
    if (client.https === true) test.set('X-Forwarded-Proto', 'https');
    return test;
  }

  /** A browser's sign-in: GET the form (cookie + hidden token), then POST it url-encoded. */
  async function postSignIn(attempt: SignInAttempt): Promise<request.Response> {
    const query = attempt.next === undefined ? '' : `?next=${encodeURIComponent(attempt.next)}`;
    const page = await from(http().get(`/sign-in${query}`), attempt);
    expect(page.status).toBe(200);
    // Over TLS the form cookie takes the __Host- prefix too.
    const formCookieName = attempt.https === true ? `__Host-${FORM_COOKIE}` : FORM_COOKIE;
    const formCookie = setCookie(page, formCookieName);
    if (formCookie === undefined) throw new Error('the sign-in page set no form cookie');
    const next = unescapeHtml(/name="next" value="([^"]*)"/.exec(page.text)?.[1] ?? '/');
    return from(http().post('/sign-in'), attempt)
      .type('form')
      .set('Cookie', `${formCookieName}=${cookieValue(formCookie)}`)
      .send({
        username: attempt.username,
        password: attempt.password,
        _csrf: hiddenCsrf(page.text),
        next,
      });
  }

  async function signIn(attempt: SignInAttempt): Promise<Session> {
    const res = await postSignIn(attempt);
    expect(res.status).toBe(303);
    const name = attempt.https === true ? TLS_COOKIE : PLAIN_COOKIE;
    const line = setCookie(res, name);
    if (line === undefined) throw new Error(`sign-in set no ${name} cookie`);
    const cookie = `${name}=${cookieValue(line)}`;
    // Without a page asked for, sign-in leads to the start page of the user's role.
    const landing = await from(http().get(res.headers.location), attempt).set('Cookie', cookie);
    expect(landing.status).toBe(200);
    return { cookie, token: cookieValue(line), csrf: hiddenCsrf(landing.text) };
  }

  const me = (auth: { Authorization: string } | { Cookie: string }, client: Origin = {}) =>
    from(http().get('/api/v1/me'), client).set(auth);

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  /** A user with a password, created by the admin through the API. */
  async function createUser(
    username: string,
    roles: string[],
    password = 'Correct-Horse-Battery-Staple-9',
  ): Promise<{ id: string; username: string; password: string }> {
    const res = await http()
      .post('/api/v1/users')
      .set(admin.auth)
      .send({ username, displayName: `User ${username}`, password, roles });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, username, password };
  }

  function expectProblem(res: request.Response, status: number, code: string): void {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({ status, code });
  }

  describe('authentication', () => {
    it('answers an API route called without credentials with 401 problem+json', async () => {
      expectProblem(await http().get('/api/v1/me'), 401, 'unauthenticated');
      expectProblem(await http().get('/api/v1/users'), 401, 'unauthenticated');
    });

    it('refuses an unknown or malformed Bearer token with 401', async () => {
      for (const token of ['tft_not-a-real-token', 'garbage', '']) {
        expectProblem(await me(bearer(token)), 401, 'unauthenticated');
      }
      // A wrong token is refused outright, even where no sign-in is needed.
      expectProblem(
        await http().get('/api/v1/info').set(bearer('tft_unknown')),
        401,
        'unauthenticated',
      );
    });

    it('sends a visitor without a session from a protected page to the sign-in page', async () => {
      const res = await http().get('/audit?entityType=fund');
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(
        `/sign-in?next=${encodeURIComponent('/audit?entityType=fund')}`,
      );
    });
  });

  describe('personal access tokens', () => {
    it('shows a new token once, then only its prefix', async () => {
      const created = await http()
        .post('/api/v1/me/tokens')
        .set(officer.auth)
        .send({ name: 'Bank import script', expiresInDays: 30 });
      expect(created.status).toBe(201);
      const token = created.body.token as string;
      expect(token).toMatch(/^tft_[A-Za-z0-9_-]{43}$/);
      expect(created.body).toMatchObject({
        name: 'Bank import script',
        prefix: token.slice(0, 12),
        revokedAt: null,
      });
      const days = (Date.parse(created.body.expiresAt as string) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(29.9);
      expect(days).toBeLessThanOrEqual(30);

      const listed = await http().get('/api/v1/me/tokens').set(officer.auth);
      expect(listed.status).toBe(200);
      const entry = (listed.body as Record<string, unknown>[]).find(
        (t) => t.id === created.body.id,
      );
      expect(entry).toMatchObject({ name: 'Bank import script', prefix: token.slice(0, 12) });
      expect(entry).not.toHaveProperty('token');
      expect(listed.text).not.toContain(token);
    });

    it('authenticates with the token until it is revoked, then refuses it at once', async () => {
      const created = await http()
        .post('/api/v1/me/tokens')
        .set(officer.auth)
        .send({ name: 'to revoke' });
      const token = created.body.token as string;
      const used = await me(bearer(token));
      expect(used.status).toBe(200);
      expect(used.body).toMatchObject({ username: 'officer.a', roles: ['finance_officer'] });

      const revoked = await http()
        .post(`/api/v1/me/tokens/${created.body.id as string}/revoke`)
        .set(officer.auth);
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).not.toBeNull();
      expectProblem(await me(bearer(token)), 401, 'unauthenticated');
    });

    it('does not let one user revoke another user’s token', async () => {
      const created = await http().post('/api/v1/me/tokens').set(officer.auth).send({ name: 'x' });
      const res = await http()
        .post(`/api/v1/me/tokens/${created.body.id as string}/revoke`)
        .set(admin.auth);
      expectProblem(res, 404, 'token-not-found');
      expect((await me(bearer(created.body.token as string))).status).toBe(200);
    });

    it('refuses an expired token', async () => {
      const created = await http()
        .post('/api/v1/me/tokens')
        .set(officer.auth)
        .send({ name: 'expiring' });
      const token = created.body.token as string;
      expect((await me(bearer(token))).status).toBe(200);
      await sql.query(
        `UPDATE access_token SET expires_at = now() - interval '1 second' WHERE id = $1`,
        [created.body.id],
      );
      expectProblem(await me(bearer(token)), 401, 'unauthenticated');
    });

    it('stores only a keyed hash of the token, never the token itself', async () => {
      const created = await http().post('/api/v1/me/tokens').set(officer.auth).send({ name: 'h' });
      const token = created.body.token as string;
      const { rows } = await sql.query<Record<string, unknown>>(
        `SELECT * FROM access_token WHERE id = $1`,
        [created.body.id],
      );
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows[0])).not.toContain(token.slice(12));
      // An HMAC under SESSION_SECRET: a copy of the table alone cannot be turned into tokens.
      expect(rows[0].token_hash).toBe(secretDigest(TEST_SESSION_SECRET, token));
      const everywhere = await sql.query(
        `SELECT 1 FROM access_token WHERE token_hash = $1 OR prefix = $1 OR name = $1`,
        [token],
      );
      expect(everywhere.rowCount).toBe(0);
    });
  });

  describe('passwords', () => {
    const create = (username: string, password: string) =>
      http()
        .post('/api/v1/users')
        .set(admin.auth)
        .send({ username, displayName: 'New user', password, roles: ['auditor'] });

    function expectPasswordRefused(res: request.Response, reason: RegExp): void {
      expectProblem(res, 422, 'validation-failed');
      expect(res.body.errors).toEqual([
        { field: 'password', rule: 'passwordPolicy', reason: expect.stringMatching(reason) },
      ]);
    }

    it('refuses a password shorter than 12 characters', async () => {
      expectPasswordRefused(await create('short.pw', 'Tr0ub4dor&3'), /at least 12 characters/);
    });

    it('refuses a common password', async () => {
      expectPasswordRefused(await create('common.pw', 'password1234'), /common/);
      expectPasswordRefused(await create('common.pw', 'QWERTY123456'), /common/);
    });

    it('refuses a password that contains the user name', async () => {
      expectPasswordRefused(
        await create('amina.diallo', 'My-Amina.Diallo-2026!'),
        /must not contain the user name/,
      );
    });

    it('creates no user when the password is refused', async () => {
      const { rowCount } = await sql.query(
        `SELECT 1 FROM app_user WHERE username IN ('short.pw', 'common.pw', 'amina.diallo')`,
      );
      expect(rowCount).toBe(0);
    });

    it('stores the password as an argon2id hash (19 MiB, 2 iterations, 1 lane)', async () => {
      const password = 'Plenty-Of-Entropy-Here-42';
      expect((await create('hashed.pw', password)).status).toBe(201);
      const { rows } = await sql.query<{ password_hash: string }>(
        `SELECT password_hash FROM app_user WHERE username = 'hashed.pw'`,
      );
      expect(argon2Parameters(rows[0].password_hash)).toEqual(OWASP_ARGON2);
      expect(rows[0].password_hash).not.toContain(password);
    });
  });

  describe('sign-in with a session cookie', () => {
    let clerk: { id: string; username: string; password: string };

    beforeAll(async () => {
      clerk = await createUser('clerk.a', ['finance_officer']);
    });

    it('answers an empty form on the form itself, not with a JSON error', async () => {
      const res = await postSignIn({ username: 'clerk.a', password: '', address: '198.51.100.77' });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('Enter your user name and password.');
      expect(res.text).toContain('value="clerk.a"');
    });

    it('sets an HttpOnly, SameSite=Lax session cookie for / and redirects to `next`', async () => {
      const res = await postSignIn({ ...clerk, next: '/audit?entityType=fund' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/audit?entityType=fund');
      const line = setCookie(res, PLAIN_COOKIE);
      expect(line).toBeDefined();
      const attrs = attributes(line!);
      expect(attrs).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/']));
      expect(attrs).not.toContain('secure');
      expect(attrs.find((a) => a.startsWith('expires='))).toBeDefined();
      expect(setCookie(res, TLS_COOKIE)).toBeUndefined();
      // The value is random and long, not something derived from the user.
      expect(cookieValue(line!)).toMatch(/^tfs_[A-Za-z0-9_-]{43}$/);
    });

    it('without a page asked for, leads to the start page of the role', async () => {
      const res = await postSignIn(clerk);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/work');
      // "/" itself sends a signed-in user on to the same start page.
      const cookie = `${PLAIN_COOKIE}=${cookieValue(setCookie(res, PLAIN_COOKIE)!)}`;
      const home = await http().get('/').set('Cookie', cookie);
      expect(home.status).toBe(303);
      expect(home.headers.location).toBe('/work');
    });

    it.each(['//evil.example/', 'https://evil.example/', '/\\evil.example', 'javascript:x'])(
      'never redirects off the site (next=%s goes to the start page)',
      async (next) => {
        const res = await postSignIn({ ...clerk, next });
        expect(res.status).toBe(303);
        expect(res.headers.location).toBe('/work');
      },
    );

    it('over TLS names the cookie __Host-tf_session and marks it Secure', async () => {
      const res = await postSignIn({ ...clerk, https: true });
      expect(res.status).toBe(303);
      const line = setCookie(res, TLS_COOKIE);
      expect(line).toBeDefined();
      expect(attributes(line!)).toEqual(
        expect.arrayContaining(['httponly', 'samesite=lax', 'path=/', 'secure']),
      );
      // __Host- cookies must not carry a Domain attribute.
      expect(attributes(line!).some((a) => a.startsWith('domain='))).toBe(false);
      expect(setCookie(res, PLAIN_COOKIE)).toBeUndefined();
      const cookie = `${TLS_COOKIE}=${cookieValue(line!)}`;
      const ok = await me({ Cookie: cookie }, { https: true });
      expect(ok.status).toBe(200);
      expect(ok.body.username).toBe('clerk.a');
    });

    it('lets the session call the API', async () => {
      const session = await signIn(clerk);
      const res = await me({ Cookie: session.cookie });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ username: 'clerk.a', roles: ['finance_officer'] });
    });

    it('stores only a keyed hash of the session token', async () => {
      const session = await signIn(clerk);
      const { rows } = await sql.query<{ id: string }>(
        `SELECT id FROM user_session WHERE id = $1`,
        [secretDigest(TEST_SESSION_SECRET, session.token)],
      );
      expect(rows).toHaveLength(1);
      const raw = await sql.query(`SELECT 1 FROM user_session WHERE id = $1 OR csrf_token = $1`, [
        session.token,
      ]);
      expect(raw.rowCount).toBe(0);
    });

    it('refuses a change under the session without the CSRF token, accepts it with', async () => {
      const session = await signIn(clerk);
      const create = () =>
        http().post('/api/v1/me/tokens').set('Cookie', session.cookie).send({ name: 'csrf' });

      expectProblem(await create(), 403, 'csrf-token-invalid');
      expectProblem(await create().set('X-CSRF-Token', 'forged'), 403, 'csrf-token-invalid');
      const other = await signIn(clerk);
      expectProblem(await create().set('X-CSRF-Token', other.csrf), 403, 'csrf-token-invalid');

      const ok = await create().set('X-CSRF-Token', session.csrf);
      expect(ok.status).toBe(201);
      // Reading needs no token.
      expect((await me({ Cookie: session.cookie })).status).toBe(200);
    });

    it('needs no CSRF token for a Bearer token, which a browser never sends by itself', async () => {
      const res = await http().post('/api/v1/me/tokens').set(officer.auth).send({ name: 'api' });
      expect(res.status).toBe(201);
    });

    it('signs out only with the CSRF token, and the session is then dead even if replayed', async () => {
      const session = await signIn(clerk);
      const signOut = () => http().post('/sign-out').type('form').set('Cookie', session.cookie);

      expectProblem(await signOut().send({}), 403, 'csrf-token-invalid');
      expect((await me({ Cookie: session.cookie })).status).toBe(200);

      const res = await signOut().send({ _csrf: session.csrf });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/sign-in');
      const cleared = setCookie(res, PLAIN_COOKIE);
      expect(cleared).toBeDefined();
      expect(cookieValue(cleared!)).toBe('');

      expectProblem(await me({ Cookie: session.cookie }), 401, 'unauthenticated');
      const home = await http().get('/').set('Cookie', session.cookie);
      expect(home.text).not.toContain('data-testid="signed-in-as"');
    });

    it('gives the same answer for a wrong password and for an unknown user', async () => {
      const client = { address: '10.0.0.1' };
      const wrong = await postSignIn({ ...client, username: 'clerk.a', password: 'not-the-pw-1' });
      const unknown = await postSignIn({
        ...client,
        username: 'nobody.here',
        password: 'not-the-pw-1',
      });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(wrong.status);
      expect(formError(wrong.text)).toBe('The user name or password is not correct.');
      expect(formError(unknown.text)).toBe(formError(wrong.text));
      expect(setCookie(wrong, PLAIN_COOKIE)).toBeUndefined();
      expect(setCookie(unknown, PLAIN_COOKIE)).toBeUndefined();
    });

    it('refuses the sign-in form without its form cookie', async () => {
      const page = await http().get('/sign-in');
      const res = await http()
        .post('/sign-in')
        .type('form')
        .send({ username: clerk.username, password: clerk.password, _csrf: hiddenCsrf(page.text) });
      expect(res.status).toBe(400);
      expect(setCookie(res, PLAIN_COOKIE)).toBeUndefined();
    });
  });

  describe('sign-in throttling', () => {
    let victim: { username: string; password: string };
    let bystander: { username: string; password: string };

    beforeAll(async () => {
      victim = await createUser('victim.a', ['auditor']);
      bystander = await createUser('bystander.a', ['auditor']);
    });

    async function timedFailure(address: string): Promise<number> {
      const started = Date.now();
      const res = await postSignIn({
        address,
        username: victim.username,
        password: 'wrong-pw-1234',
      });
      const elapsed = Date.now() - started;
      expect(res.status).toBe(401);
      return elapsed;
    }

    it('slows the answers once an account has failed 5 times', async () => {
      const address = '10.0.1.1';
      const times: number[] = [];
      for (let i = 0; i < 5; i++) times.push(await timedFailure(address));
      // The 5th failure was not slowed yet; the 6th attempt waits at least a second.
      expect(times[4]).toBeLessThan(900);
      expect(await timedFailure(address)).toBeGreaterThanOrEqual(900);
    });

    it('refuses with 429 and Retry-After after 10 failures, even with the right password', async () => {
      // Failures 7 to 10 each wait 2 to 5 s more; the counter is set as if they had happened.
      await sql.query(`UPDATE sign_in_throttle SET failures = 10 WHERE key = $1`, [
        `user:${victim.username}`,
      ]);
      const started = Date.now();
      const res = await postSignIn({ ...victim, address: '10.0.1.2' });
      expect(Date.now() - started).toBeLessThan(900);
      expect(res.status).toBe(429);
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      expect(formError(res.text)).toMatch(/Too many failed sign-ins/);
      expect(setCookie(res, PLAIN_COOKIE)).toBeUndefined();
    });

    it('counts guesses sent in parallel: the 11th and later are refused', async () => {
      const burster = await createUser('burst.target', ['auditor']);
      const forms = await Promise.all(
        Array.from({ length: 14 }, async (_, i) => {
          const address = `10.0.5.${i + 1}`;
          const page = await from(http().get('/sign-in'), { address });
          return { address, page };
        }),
      );
      const answers = await Promise.all(
        forms.map(({ address, page }) =>
          from(http().post('/sign-in'), { address })
            .type('form')
            .set('Cookie', `${FORM_COOKIE}=${cookieValue(setCookie(page, FORM_COOKIE)!)}`)
            .send({
              username: burster.username,
              password: 'Parallel-Guess-0000',
              _csrf: hiddenCsrf(page.text),
            }),
        ),
      );
      const statuses = answers.map((res) => res.status).sort();
      expect(statuses).toEqual([...Array<number>(10).fill(401), ...Array<number>(4).fill(429)]);
      expect((await postSignIn({ ...burster, address: '10.0.5.99' })).status).toBe(429);
    });

    it('leaves another account from another address unaffected', async () => {
      const res = await postSignIn({ ...bystander, address: '10.0.2.1' });
      expect(res.status).toBe(303);
      expect(setCookie(res, PLAIN_COOKIE)).toBeDefined();
    });

    it('refuses every account from an address with 50 failures in the window', async () => {
      const address = '10.0.3.1';
      await sql.query(
        `INSERT INTO sign_in_throttle (key, failures, window_started_at) VALUES ($1, 50, now())`,
        [`address:${address}`],
      );
      const res = await postSignIn({ ...bystander, address });
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBeDefined();
    });

    it('forgets failures older than 15 minutes', async () => {
      await sql.query(
        `UPDATE sign_in_throttle SET window_started_at = now() - interval '16 minutes' WHERE key = $1`,
        [`user:${victim.username}`],
      );
      const res = await postSignIn({ ...victim, address: '10.0.1.3' });
      expect(res.status).toBe(303);
    });
  });

  describe('session timeouts', () => {
    let sleeper: { username: string; password: string };

    beforeAll(async () => {
      sleeper = await createUser('sleeper.a', ['auditor']);
    });

    const digest = (session: Session) => secretDigest(TEST_SESSION_SECRET, session.token);

    it('keeps a session used within the last 30 minutes', async () => {
      const session = await signIn(sleeper);
      await sql.query(
        `UPDATE user_session SET last_seen_at = now() - interval '29 minutes' WHERE id = $1`,
        [digest(session)],
      );
      expect((await me({ Cookie: session.cookie })).status).toBe(200);
      // …and that use counts as activity.
      const { rows } = await sql.query<{ idle: number }>(
        `SELECT extract(epoch FROM now() - last_seen_at)::int AS idle FROM user_session WHERE id = $1`,
        [digest(session)],
      );
      expect(rows[0].idle).toBeLessThan(60);
    });

    it('refuses a session idle for more than 30 minutes', async () => {
      const session = await signIn(sleeper);
      await sql.query(
        `UPDATE user_session SET last_seen_at = now() - interval '31 minutes' WHERE id = $1`,
        [digest(session)],
      );
      expectProblem(await me({ Cookie: session.cookie }), 401, 'unauthenticated');
    });

    it('ends a session 12 hours after sign-in, however active', async () => {
      const session = await signIn(sleeper);
      const { rows } = await sql.query<{ hours: string }>(
        `SELECT extract(epoch FROM expires_at - created_at) / 3600 AS hours FROM user_session
          WHERE id = $1`,
        [digest(session)],
      );
      expect(Math.round(Number(rows[0].hours))).toBe(12);
      await sql.query(
        `UPDATE user_session SET expires_at = now() - interval '1 second' WHERE id = $1`,
        [digest(session)],
      );
      expectProblem(await me({ Cookie: session.cookie }), 401, 'unauthenticated');
    });
  });

  describe('user administration', () => {
    const rate = (auth: Record<string, string>, day: number) =>
      http()
        .post('/api/v1/exchange-rates')
        .set(auth)
        .send({
          currency: 'EUR',
          effectiveFrom: `2026-02-${String(day).padStart(2, '0')}`,
          unitsPerUsd: '0.862',
        });

    it('creates a user with roles, whose token and session work', async () => {
      const created = await http()
        .post('/api/v1/users')
        .set(admin.auth)
        .send({
          username: 'keza.officer',
          displayName: 'Keza Uwase',
          password: 'Another-Long-Passphrase-7',
          roles: ['finance_officer', 'approver'],
        });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        username: 'keza.officer',
        displayName: 'Keza Uwase',
        roles: ['approver', 'finance_officer'],
        donorIds: [],
        disabled: false,
        createdBy: 'admin.a',
      });
      expect(created.body).not.toHaveProperty('passwordHash');
      expect(created.text).not.toContain('argon2');

      const listed = await http().get('/api/v1/users').set(admin.auth);
      expect(listed.status).toBe(200);
      expect((listed.body as { username: string }[]).map((u) => u.username)).toContain(
        'keza.officer',
      );
    });

    it('applies a change of roles on the very next request', async () => {
      const user = await createUser('role.change', ['finance_officer']);
      const session = await signIn(user);
      const issued = await http()
        .post('/api/v1/me/tokens')
        .set('Cookie', session.cookie)
        .set('X-CSRF-Token', session.csrf)
        .send({ name: 'cli' });
      const auth = bearer(issued.body.token as string);
      expect((await rate(auth, 1)).status).toBe(201);

      const changed = await http()
        .put(`/api/v1/users/${user.id}/roles`)
        .set(admin.auth)
        .send({ roles: ['auditor'] });
      expect(changed.status).toBe(200);
      expect(changed.body.roles).toEqual(['auditor']);
      expectProblem(await rate(auth, 2), 403, 'forbidden');
      expectProblem(
        await rate({ Cookie: session.cookie, 'X-CSRF-Token': session.csrf }, 3),
        403,
        'forbidden',
      );
      expectProblem(await http().get('/api/v1/users').set(auth), 403, 'forbidden');

      await http()
        .put(`/api/v1/users/${user.id}/roles`)
        .set(admin.auth)
        .send({ roles: ['admin'] });
      expect((await http().get('/api/v1/users').set(auth)).status).toBe(200);
    });

    it('stops a disabled user’s token and session at once, and enabling restores them', async () => {
      const user = await createUser('to.disable', ['finance_officer']);
      const session = await signIn(user);
      const issued = await http()
        .post('/api/v1/me/tokens')
        .set('Cookie', session.cookie)
        .set('X-CSRF-Token', session.csrf)
        .send({ name: 'cli' });
      const auth = bearer(issued.body.token as string);
      expect((await me(auth)).status).toBe(200);

      const disabled = await http().post(`/api/v1/users/${user.id}/disable`).set(admin.auth);
      expect(disabled.status).toBe(200);
      expect(disabled.body.disabled).toBe(true);
      expectProblem(await me(auth), 401, 'unauthenticated');
      expectProblem(await me({ Cookie: session.cookie }), 401, 'unauthenticated');
      // Nor can the disabled user sign in again, and the answer does not say why.
      const again = await postSignIn({ ...user, address: '10.0.4.1' });
      expect(again.status).toBe(401);
      expect(formError(again.text)).toBe('The user name or password is not correct.');

      const enabled = await http().post(`/api/v1/users/${user.id}/enable`).set(admin.auth);
      expect(enabled.status).toBe(200);
      expect(enabled.body.disabled).toBe(false);
      expect((await me(auth)).status).toBe(200);
      expect((await me({ Cookie: session.cookie })).status).toBe(200);
    });

    it('refuses user administration to everyone but admins', async () => {
      const auditor = await createTestUser(app, 'auditor.a', ['auditor']);
      for (const auth of [officer.auth, auditor.auth]) {
        expectProblem(await http().get('/api/v1/users').set(auth), 403, 'forbidden');
        expectProblem(
          await http()
            .post('/api/v1/users')
            .set(auth)
            .send({ username: 'sneaky.admin', displayName: 'x', roles: ['admin'] }),
          403,
          'forbidden',
        );
        expectProblem(
          await http()
            .put(`/api/v1/users/${officer.id}/roles`)
            .set(auth)
            .send({ roles: ['admin'] }),
          403,
          'forbidden',
        );
        expectProblem(
          await http().post(`/api/v1/users/${admin.id}/disable`).set(auth),
          403,
          'forbidden',
        );
      }
      const { rowCount } = await sql.query(
        `SELECT 1 FROM app_user WHERE username = 'sneaky.admin'`,
      );
      expect(rowCount).toBe(0);
    });

    it('refuses a user name already taken with 409', async () => {
      const res = await http()
        .post('/api/v1/users')
        .set(admin.auth)
        .send({ username: 'officer.a', displayName: 'Impostor', roles: ['admin'] });
      expectProblem(res, 409, 'username-taken');
    });

    it('answers 404 for an unknown user', async () => {
      expectProblem(
        await http().get(`/api/v1/users/${randomUUID()}`).set(admin.auth),
        404,
        'user-not-found',
      );
      expectProblem(
        await http().get('/api/v1/users/not-a-uuid').set(admin.auth),
        404,
        'user-not-found',
      );
    });

    it('links a donor user to its donors', async () => {
      const donorUser = await createTestUser(app, 'donor.user', ['donor']);
      // user_donor refers to real donors.
      const donors: string[] = [];
      for (const name of ['Donor User Alpha Trust', 'Donor User Omega Bank']) {
        const created = await http()
          .post('/api/v1/donors')
          .set(admin.auth)
          .send({ name, type: 'other' });
        expect(created.status).toBe(201);
        donors.push(created.body.id as string);
      }
      donors.sort();
      const put = await http()
        .put(`/api/v1/users/${donorUser.id}/donors`)
        .set(admin.auth)
        .send({ donorIds: donors });
      expect(put.status).toBe(200);
      const got = await http().get(`/api/v1/users/${donorUser.id}`).set(admin.auth);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({
        username: 'donor.user',
        roles: ['donor'],
        donorIds: donors,
      });
      const mine = await me(donorUser.auth);
      expect(mine.body.donorIds).toEqual(donors);

      const cleared = await http()
        .put(`/api/v1/users/${donorUser.id}/donors`)
        .set(admin.auth)
        .send({ donorIds: [] });
      expect(cleared.body.donorIds).toEqual([]);
    });
  });
});

describe(`${IdentityService.name}.bootstrapAdmin`, () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let identity: IdentityService;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db);
    sql = await connect(db.url);
    identity = app.get(IdentityService);
  });

  afterAll(async () => {
    await sql?.end();
    await app?.close();
    await db?.drop();
  });

  async function activeAdmins(): Promise<string[]> {
    const { rows } = await sql.query<{ username: string }>(
      `SELECT u.username FROM app_user u JOIN user_role r ON r.user_id = u.id
        WHERE r.role = 'admin' AND u.disabled_at IS NULL ORDER BY u.username`,
    );
    return rows.map((row) => row.username);
  }

  it('refuses a weak password even for the first admin', async () => {
    await expect(
      identity.bootstrapAdmin('first.admin', 'password1234', 'First'),
    ).rejects.toMatchObject({ status: 422 });
    expect(await activeAdmins()).toEqual([]);
  });

  it('creates the first admin, and nothing once an active admin exists', async () => {
    const first = await identity.bootstrapAdmin('first.admin', 'Fund-Setup-Passphrase-1', 'First');
    expect(first).toMatchObject({ username: 'first.admin', roles: ['admin'], disabled_at: null });
    expect(argon2Parameters(first!.password_hash!)).toEqual(OWASP_ARGON2);
    expect(first!.created_by).toBe('system:bootstrap');

    expect(
      await identity.bootstrapAdmin('second.admin', 'Fund-Setup-Passphrase-2', 'Second'),
    ).toBeUndefined();
    expect(await activeAdmins()).toEqual(['first.admin']);

    // The first admin signs in with the password given.
    const session = await identity.signIn('first.admin', 'Fund-Setup-Passphrase-1', '10.9.0.1');
    expect(session.token).toMatch(/^tfs_/);
  });

  it('creates a new admin when the only admin is disabled', async () => {
    await sql.query(`UPDATE app_user SET disabled_at = now() WHERE username = 'first.admin'`);
    const replacement = await identity.bootstrapAdmin(
      'second.admin',
      'Fund-Setup-Passphrase-2',
      'Second',
    );
    expect(replacement?.username).toBe('second.admin');
    expect(await activeAdmins()).toEqual(['second.admin']);
  });

  onServer(
    'creates one admin when two instances bootstrap at once (needs a PostgreSQL server: PGlite runs one transaction at a time)',
    async () => {
      await sql.query(`UPDATE app_user SET disabled_at = now()`);
      const results = await Promise.all([
        identity.bootstrapAdmin('racer.one', 'Fund-Setup-Passphrase-3', 'One'),
        identity.bootstrapAdmin('racer.two', 'Fund-Setup-Passphrase-4', 'Two'),
      ]);
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
      expect(await activeAdmins()).toHaveLength(1);
    },
  );
});
