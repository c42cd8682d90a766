import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './app-config';
import { ConfigurationError } from './environment';

const dataDir = (): string => mkdtempSync(join(tmpdir(), 'tf-config-'));

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ DATA_DIR: dataDir(), ...env });
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('starts with no variables at all: embedded database in ./data, port 3000, level info', () => {
    const config = loadConfig({});
    expect(config.database.url).toBeUndefined();
    expect(config.database.dataDir).toBe(join(process.cwd(), 'data'));
    expect(config.http.port).toBe(3000);
    expect(config.log.level).toBe('info');
    expect(config.http.rateLimitPerMinute).toBe(600);
  });

  it('reads every documented variable', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://app:pw@db.internal:5432/trustfund',
      DATA_DIR: '/var/lib/tf',
      DB_POOL_SIZE: '20',
      LOG_LEVEL: 'warn',
      SESSION_SECRET: 's'.repeat(40),
      BODY_LIMIT: '256kb',
      SHUTDOWN_TIMEOUT_MS: '5000',
      API_RATE_LIMIT_PER_MINUTE: '120',
    });
    expect(config).toMatchObject({
      env: 'production',
      http: { host: '0.0.0.0', port: 8080, bodyLimit: '256kb', rateLimitPerMinute: 120 },
      database: {
        url: 'postgres://app:pw@db.internal:5432/trustfund',
        dataDir: '/var/lib/tf',
        poolSize: 20,
      },
      log: { level: 'warn' },
      session: { secret: 's'.repeat(40), secretSource: 'environment' },
      shutdownTimeoutMs: 5000,
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '80.5'],
    ['DATABASE_URL', 'mysql://root@localhost/db'],
    ['LOG_LEVEL', 'loud'],
    ['DB_POOL_SIZE', '0'],
    ['SESSION_SECRET', 'too-short'],
    ['BODY_LIMIT', 'lots'],
    ['SHUTDOWN_TIMEOUT_MS', 'soon'],
    ['API_RATE_LIMIT_PER_MINUTE', 'lots'],
    ['API_RATE_LIMIT_PER_MINUTE', '0'],
    ['API_RATE_LIMIT_PER_MINUTE', '100001'],
    ['NODE_ENV', 'staging'],
    ['MATCHING_AUTO_CONFIRM_SCORE', '0.4'],
    ['MATCHING_AUTO_CONFIRM_SCORE', '1.5'],
    ['MATCHING_TOLERANCE', '-5'],
    ['MATCHING_TOLERANCE', '50.005'],
    ['MATCHING_DATE_WINDOW_DAYS', '61'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name} `));
  });

  it('needs ADMIN_USERNAME and ADMIN_PASSWORD together', () => {
    expect(problemsOf({ ADMIN_USERNAME: 'first.admin' })).toEqual([
      'ADMIN_PASSWORD is required when the other ADMIN_ variable is set',
    ]);
    expect(problemsOf({ ADMIN_PASSWORD: 'Some-Long-Password-1' })).toEqual([
      'ADMIN_USERNAME is required when the other ADMIN_ variable is set',
    ]);
    expect(
      problemsOf({ ADMIN_USERNAME: 'First Admin', ADMIN_PASSWORD: 'Some-Long-Password-1' })[0],
    ).toMatch(/^ADMIN_USERNAME /);
  });

  it('reads TRUST_PROXY as hops, a keyword or addresses, and refuses anything else', () => {
    const dir = dataDir();
    expect(loadConfig({ DATA_DIR: dir }).http.trustProxy).toBe('loopback');
    expect(loadConfig({ DATA_DIR: dir, TRUST_PROXY: '2' }).http.trustProxy).toBe(2);
    expect(loadConfig({ DATA_DIR: dir, TRUST_PROXY: '10.0.0.0/8, 10.1.2.3' }).http.trustProxy).toBe(
      '10.0.0.0/8, 10.1.2.3',
    );
    expect(problemsOf({ TRUST_PROXY: 'everyone' })[0]).toMatch(/^TRUST_PROXY /);
  });

  it('reads the matching settings: exact reference and amount, 50.00 and 5 days by default', () => {
    const dir = dataDir();
    expect(loadConfig({ DATA_DIR: dir }).matching).toEqual({
      autoConfirmScore: 1,
      tolerance: '50.00',
      dateWindowDays: 5,
    });
    expect(
      loadConfig({
        DATA_DIR: dir,
        MATCHING_AUTO_CONFIRM_SCORE: '0.9',
        MATCHING_TOLERANCE: '10',
        MATCHING_DATE_WINDOW_DAYS: '3',
      }).matching,
    ).toEqual({ autoConfirmScore: 0.9, tolerance: '10', dateWindowDays: 3 });
  });

  it('requires SESSION_SECRET in production', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'SESSION_SECRET is required when NODE_ENV=production',
    ]);
  });

  it('never repeats a rejected value in its message (it may be a secret)', () => {
    const secret = 'short-but-secret';
    const message = problemsOf({ SESSION_SECRET: secret }).join(' ');
    expect(message).toContain('SESSION_SECRET');
    expect(message).not.toContain(secret);
  });

  it('reports every malformed variable at once', () => {
    expect(
      problemsOf({ PORT: 'x', LOG_LEVEL: 'y' })
        .map((p) => p.split(' ')[0])
        .sort(),
    ).toEqual(['LOG_LEVEL', 'PORT']);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATA_DIR: dataDir(), PORT: '', LOG_LEVEL: '' }).http.port).toBe(3000);
  });

  it('outside production, generates a session secret once and keeps it in the data folder', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    const second = loadConfig({ DATA_DIR: dir });
    expect(first.session.secretSource).toBe('data-dir');
    expect(first.session.secret.length).toBeGreaterThanOrEqual(32);
    expect(second.session.secret).toBe(first.session.secret);
    const file = join(dir, 'session-secret');
    expect(readFileSync(file, 'utf8').trim()).toBe(first.session.secret);
    expect(statSync(file).mode & 0o077).toBe(0);
  });
});
