import { NestExpressApplication } from '@nestjs/platform-express';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { securityHeaders } from '../../src/common/security-headers';
import { BrowserSession, describeWithBrowser, launchBrowser } from '../support/browser';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

// Written out rather than imported, so that a weakened policy fails here instead of passing along.
const STRICT_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'form-action': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
};

function parsePolicy(header: string | undefined): Record<string, string[]> {
  expect(header).toBeDefined();
  return Object.fromEntries(
    header!
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name !== '')
      .map(([name, ...sources]) => [name, sources]),
  );
}

describe(securityHeaders.name, () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let baseUrl: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const http = () => request(app.getHttpServer());

  function expectBaseline(res: request.Response): void {
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-powered-by']).toBeUndefined();
  }

  it.each([
    ['a page', '/', 200, /^text\/html/],
    ['an API answer', '/api/v1/info', 200, /^application\/json/],
    ['an API error', '/api/v1/no-such-thing', 404, /^application\/problem\+json/],
    ['a stylesheet', '/assets/css/app.css', 200, /^text\/css/],
    ['the OpenAPI document', '/api/docs-json', 200, /^application\/json/],
  ])('sends the strict policy with %s (%s)', async (_what, path, status, type) => {
    const res = await http().get(path);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(type);
    expect(parsePolicy(res.headers['content-security-policy'])).toEqual(STRICT_POLICY);
    expectBaseline(res);
  });

  it('sends the strict policy with an error raised before routing (malformed JSON)', async () => {
    const res = await http()
      .post('/api/v1/funds')
      .set('Content-Type', 'application/json')
      .send('{"code": ');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(parsePolicy(res.headers['content-security-policy'])).toEqual(STRICT_POLICY);
    expectBaseline(res);
  });

  it('relaxes only inline styles, and only for the Swagger UI pages', async () => {
    for (const path of ['/api/docs', '/api/docs/']) {
      const res = await http().get(path);
      expect(res.status).toBe(200);
      expect(parsePolicy(res.headers['content-security-policy'])).toEqual({
        ...STRICT_POLICY,
        'style-src': ["'self'", "'unsafe-inline'"],
      });
      expectBaseline(res);
    }
  });

  describeWithBrowser('Swagger UI in a browser under its policy', () => {
    let browser: BrowserSession | undefined;

    beforeAll(async () => {
      browser = await launchBrowser();
    });

    afterAll(async () => {
      await browser?.close();
    });

    it('renders the API documentation without a console error or policy violation', async () => {
      const page = await browser!.context.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
      try {
        const response = await page.goto(`${baseUrl}/api/docs`, { waitUntil: 'load' });
        expect(response?.status()).toBe(200);
        await page.locator('.swagger-ui .info .title').waitFor();
        expect(await page.locator('.swagger-ui .info .title').textContent()).toContain(
          'Trust-fund contribution tracker API',
        );
        // Operations are rendered from the document: the JSON API is listed, not just a shell.
        await page.locator('.opblock').first().waitFor();
        await page.waitForLoadState('networkidle');
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    });

    it('blocks an inline script on a page, as the policy says', async () => {
      const page = await browser!.context.newPage();
      const violations: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') violations.push(message.text());
      });
      try {
        await page.goto(`${baseUrl}/`, { waitUntil: 'load' });
        // A script injected the way stored markup would be: the browser must refuse to run it.
        // (A string, because the tests' tsconfig has no DOM library.)
        const ran = await page.evaluate(`(() => {
          const script = document.createElement('script');
          script.textContent = 'globalThis.injected = true';
          document.head.appendChild(script);
          return globalThis.injected === true;
        })()`);
        expect(ran).toBe(false);
        expect(violations.join('\n')).toMatch(/Content Security Policy/);
      } finally {
        await page.close();
      }
    });
  });
});
