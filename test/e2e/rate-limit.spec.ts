import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { RateLimitModule } from '../../src/common/rate-limit.module';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const LIMIT = 5;

describe(RateLimitModule.name, () => {
  let db: TestDatabase;
  let app: NestExpressApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  // Each test is its own client: the app trusts X-Forwarded-For from loopback, as it does from a
  // reverse proxy on the same host, so the address is what the limit counts by.
  const from = (address: string) => ({
    get: (path: string) => request(app.getHttpServer()).get(path).set('X-Forwarded-For', address),
  });

  it('refuses the 6th API request within a minute with 429 problem+json and Retry-After', async () => {
    const client = from('203.0.113.1');
    for (let i = 0; i < LIMIT; i++) {
      const res = await client.get('/api/v1/info');
      expect(res.status).toBe(200);
      expect(res.headers['x-ratelimit-limit']).toBe(String(LIMIT));
      expect(res.headers['x-ratelimit-remaining']).toBe(String(LIMIT - i - 1));
    }

    const refused = await client.get('/api/v1/info');
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({
      type: '/problems/too-many-requests',
      title: 'Too many requests',
      status: 429,
      code: 'too-many-requests',
      instance: '/api/v1/info',
    });
    expect(refused.body.requestId).toBe(refused.headers['x-request-id']);
    expect(refused.body.detail).toMatch(/limit of 5 API requests per minute/);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body.detail).toContain(`${retryAfter} seconds`);
  });

  it('keeps one budget per client over the whole API, counting refused requests too', async () => {
    const client = from('203.0.113.6');
    // Different routes, and some answered 401 (no credentials): each one still counts, so
    // guessing tokens or probing routes spends the same budget.
    const paths = [
      '/api/v1/info',
      '/api/v1/funds',
      '/api/v1/countries',
      '/api/v1/exchange-rates',
      '/api/v1/funds/NOPE/accounts',
    ];
    for (const path of paths) expect((await client.get(path)).status).not.toBe(429);
    expect((await client.get('/api/v1/countries')).status).toBe(429);
  });

  it('counts each client address on its own', async () => {
    const busy = from('203.0.113.2');
    for (let i = 0; i < LIMIT; i++) expect((await busy.get('/api/v1/info')).status).toBe(200);
    expect((await busy.get('/api/v1/info')).status).toBe(429);

    expect((await from('203.0.113.3').get('/api/v1/info')).status).toBe(200);
  });

  it('counts a path spelled in other case, which Express routes to the same handler', async () => {
    const client = from('203.0.113.4');
    for (let i = 0; i < LIMIT; i++) expect((await client.get('/api/v1/info')).status).toBe(200);
    expect((await client.get('/API/V1/INFO')).status).toBe(429);
  });

  it('never limits health checks, pages, assets or the API docs, nor counts them', async () => {
    const client = from('203.0.113.5');
    for (let i = 0; i < LIMIT * 3; i++) {
      for (const path of ['/health/ready', '/health/live', '/', '/partials/system-status']) {
        const res = await client.get(path);
        expect(res.status).toBe(200);
        expect(res.headers['x-ratelimit-limit']).toBeUndefined();
      }
      expect((await client.get('/assets/css/app.css')).status).toBe(200);
      expect((await client.get('/api/docs-json')).status).toBe(200);
    }
    // All of the above left the client's API budget untouched.
    const api = await client.get('/api/v1/info');
    expect(api.status).toBe(200);
    expect(api.headers['x-ratelimit-remaining']).toBe(String(LIMIT - 1));
  });
});
