import { NestExpressApplication } from '@nestjs/platform-express';
import { statSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { Page, Response } from 'playwright-core';
import {
  BrowserSession,
  describeWithBrowser,
  launchBrowser,
  screenshotPath,
} from '../support/browser';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

// The tests' tsconfig has no DOM library: code run in the page reaches htmx through globalThis.
interface HtmxGlobal {
  htmx?: { ajax(verb: string, path: string, target: string): Promise<void> };
}

interface OpenedPage {
  readonly page: Page;
  readonly response: Response | null;
  readonly responses: Response[];
  readonly errors: string[];
}

describeWithBrowser('home page in a browser', () => {
  let db: TestDatabase | undefined;
  let app: NestExpressApplication | undefined;
  let browser: BrowserSession | undefined;
  let baseUrl: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.drop();
  });

  /** A new tab on `path`, with every response and error recorded from before the first request. */
  async function open(path: string): Promise<OpenedPage> {
    const page = await browser!.context.newPage();
    const responses: Response[] = [];
    const errors: string[] = [];
    page.on('response', (response) => responses.push(response));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    const response = await page.goto(`${baseUrl}${path}`, { waitUntil: 'load' });
    return { page, response, responses, errors };
  }

  function htmxType(page: Page): Promise<string> {
    return page.evaluate(() => typeof (globalThis as HtmxGlobal).htmx);
  }

  /** What the `every 30s` poll does, without waiting 30 s; resolves once htmx has swapped. */
  function refreshStatus(page: Page): Promise<void> {
    return page.evaluate(() => {
      const { htmx } = globalThis as HtmxGlobal;
      if (!htmx) throw new Error('htmx is not loaded');
      return htmx.ajax('GET', '/partials/system-status', '#system-status');
    });
  }

  it('renders the page with its title, heading and system status', async () => {
    const { page, response } = await open('/');
    try {
      expect(response?.status()).toBe(200);
      expect(await page.title()).toContain('WSIS Trust Fund');
      expect((await page.locator('h1').textContent())?.trim()).toBe('WSIS Trust Fund');
      const status = page.locator('[data-testid=system-status]');
      expect(await status.textContent()).toContain('Ready');
      // createTestApp always hands the app a DATABASE_URL (the embedded test database listens on a
      // socket too), so the app reports a server whichever engine the test database uses.
      expect(await status.textContent()).toContain('PostgreSQL server');
    } finally {
      await page.close();
    }
  });

  it('loads the stylesheet and htmx', async () => {
    const { page, responses } = await open('/');
    try {
      const stylesheet = responses.find((r) => new URL(r.url()).pathname === '/assets/css/app.css');
      expect(stylesheet?.status()).toBe(200);
      // htmx is deferred: `load` fires only after deferred scripts have run.
      expect(await htmxType(page)).toBe('object');
    } finally {
      await page.close();
    }
  });

  it('swaps in a fresh system status through htmx', async () => {
    const { page } = await open('/');
    try {
      const time = page.locator('#system-status time');
      const before = await time.getAttribute('datetime');
      expect(before).toBeTruthy();
      const partial = page.waitForResponse(
        (r) => new URL(r.url()).pathname === '/partials/system-status',
      );
      await refreshStatus(page);
      expect((await partial).status()).toBe(200);
      // Only a swapped-in partial can carry another checkedAt than the one rendered with the page.
      await page.locator(`#system-status time:not([datetime="${before}"])`).waitFor();
      expect(await page.locator('[data-testid=system-status]').count()).toBe(1);
    } finally {
      await page.close();
    }
  });

  it('focuses "Skip to content" on the first Tab', async () => {
    const { page } = await open('/');
    try {
      await page.keyboard.press('Tab');
      const focused = page.locator(':focus');
      expect((await focused.textContent())?.trim()).toBe('Skip to content');
      expect(await focused.getAttribute('href')).toBe('#main');
    } finally {
      await page.close();
    }
  });

  it('logs no errors while loading and refreshing', async () => {
    const { page, errors } = await open('/');
    try {
      await refreshStatus(page);
      await page.waitForLoadState('networkidle');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('takes a full-page screenshot', async () => {
    const { page } = await open('/');
    try {
      const path = screenshotPath('home');
      await page.screenshot({ path, fullPage: true });
      expect(statSync(path).size).toBeGreaterThan(0);
    } finally {
      await page.close();
    }
  });
});
