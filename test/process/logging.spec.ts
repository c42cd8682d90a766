import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess, startAppProcess } from '../support/app-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';

interface LogLine {
  level: number;
  time: number;
  msg: string;
  reqId?: string;
  req?: { id: string; url: string };
  [key: string]: unknown;
}

const SECRETS = {
  session: 'marker-session-secret-0123456789abcdefghij',
  dbPassword: 'marker-db-password',
  bearer: 'marker-bearer-token',
  cookie: 'marker-cookie-value',
  query: 'marker-query-token',
  body: 'marker-body-password',
};

const dataDir = (): string => join(mkdtempSync(join(tmpdir(), 'tf-log-')), 'data');

function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}

function parseLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LogLine);
}

describe('logs', () => {
  let db: TestDatabase;
  let app: AppProcess | undefined;

  beforeEach(async () => {
    db = await createTestDatabase();
  });

  afterEach(async () => {
    await app?.stop('SIGKILL');
    app = undefined;
    await db.drop().catch(() => undefined);
  });

  it('are JSON lines carrying the request id, and never show a secret, password or token', async () => {
    app = await startAppProcess({
      DATA_DIR: dataDir(),
      DATABASE_URL: withPassword(db.url, SECRETS.dbPassword),
      SESSION_SECRET: SECRETS.session,
      LOG_LEVEL: 'trace',
    });
    const base = app.baseUrl;
    const info = await fetch(`${base}/api/v1/info?token=${SECRETS.query}&page=2`, {
      headers: {
        'X-Request-Id': 'client-request-0001',
        Authorization: `Bearer ${SECRETS.bearer}`,
        Cookie: `tf_session=${SECRETS.cookie}`,
      },
    });
    expect(info.headers.get('x-request-id')).toBe('client-request-0001');
    await fetch(`${base}/api/v1/info`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Request-Id': '../../etc/passwd forged' },
      body: JSON.stringify({ password: SECRETS.body }),
    });
    await fetch(`${base}/api/v1/info`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: `{"password": "${SECRETS.body}"`,
    });
    // The database goes away: the readiness check fails and says so in the log, in its request.
    await db.drop();
    const ready = await fetch(`${base}/health/ready`, {
      headers: { 'X-Request-Id': 'probe-after-outage' },
    });
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ code: 'database-unavailable' });
    await app.stop('SIGTERM');

    const output = app.output();
    for (const secret of Object.values(SECRETS)) expect(output).not.toContain(secret);

    const lines = parseLines(output);
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) {
      expect(typeof line.level).toBe('number');
      expect(typeof line.time).toBe('number');
      expect(typeof line.msg).toBe('string');
    }
    const requestLines = lines.filter((line) => line.req !== undefined);
    expect(requestLines.length).toBeGreaterThanOrEqual(4);
    for (const line of requestLines) expect(line.reqId).toBe(line.req?.id);

    const infoLine = requestLines.find((line) => line.reqId === 'client-request-0001');
    expect(infoLine?.req?.url).toBe('/api/v1/info?token=%5Bredacted%5D&page=2');
    // An odd request id is replaced, so log lines cannot be forged or confused through it.
    expect(lines.some((line) => String(line.reqId).includes('forged'))).toBe(false);

    const outage = lines.filter((line) => line.reqId === 'probe-after-outage');
    expect(outage.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['database unreachable', 'GET /health/ready 503']),
    );
  });

  it('respect LOG_LEVEL', async () => {
    app = await startAppProcess({ DATA_DIR: dataDir(), DATABASE_URL: db.url, LOG_LEVEL: 'warn' });
    await fetch(`${app.baseUrl}/api/v1/info`);
    await fetch(`${app.baseUrl}/no-such-page`);
    await app.stop('SIGTERM');
    const lines = parseLines(app.output());
    expect(lines.map((line) => line.level).every((level) => level >= 40)).toBe(true);
    expect(lines.some((line) => /^GET \/no-such-page 404 \d+ms$/.test(line.msg))).toBe(true);
  });
});
