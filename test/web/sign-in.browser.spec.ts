import { NestExpressApplication } from '@nestjs/platform-express';
import { statSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { Page } from 'playwright-core';
import { IdentityService } from '../../src/auth/identity.service';
import { Actor } from '../../src/common/actor';
import { TransactionRunner } from '../../src/database/transaction-runner';
import {
  BrowserSession,
  describeWithBrowser,
  launchBrowser,
  screenshotPath,
} from '../support/browser';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const USERNAME = 'amina.officer';
const PASSWORD = 'Quiet-Harbour-Lantern-27';

describeWithBrowser('sign-in page in a browser', () => {
  let db: TestDatabase | undefined;
  let app: NestExpressApplication | undefined;
  let browser: BrowserSession | undefined;
  let baseUrl: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db);
    const identity = app.get(IdentityService);
    const system: Actor = { id: 'system:test', roles: ['admin'], donorIds: [] };
    await app.get(TransactionRunner).run((manager) =>
      identity.createUser(manager, system, {
        username: USERNAME,
        displayName: 'Amina Diallo',
        password: PASSWORD,
        roles: ['finance_officer'],
      }),
    );
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

  /** A new tab on `path`, recording console and page errors from the start. */
  async function open(path: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser!.context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      // The site has no favicon yet; chromium asks for one after a few navigations.
      const url = message.location().url;
      if (message.type() === 'error' && new URL(url, baseUrl).pathname !== '/favicon.ico') {
        errors.push(`console: ${message.text()} (${url})`);
      }
    });
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    const response = await page.goto(`${baseUrl}${path}`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    return { page, errors };
  }

  async function fillAndSubmit(page: Page, username: string, password: string): Promise<void> {
    await page.getByLabel('User name').fill(username);
    await page.getByLabel('Password').fill(password);
    await Promise.all([
      page.waitForLoadState('load'),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
  }

  afterEach(async () => {
    // Each test starts signed out.
    await browser?.context.clearCookies();
  });

  it('signs in, shows who is signed in, and signs out again', async () => {
    const { page, errors } = await open('/sign-in');
    try {
      expect(await page.title()).toContain('Sign in');
      await fillAndSubmit(page, USERNAME, PASSWORD);
      // A finance officer starts on the work queues.
      await page.waitForURL(`${baseUrl}/work`);
      const signedInAs = page.locator('[data-testid=signed-in-as]');
      expect((await signedInAs.textContent())?.trim()).toBe(USERNAME);
      const cookies = await browser!.context.cookies(baseUrl);
      const session = cookies.find((cookie) => cookie.name === 'tf_session');
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
      await page.screenshot({ path: screenshotPath('signed-in') });

      await Promise.all([
        page.waitForURL(`${baseUrl}/sign-in`),
        page.getByRole('button', { name: 'Sign out' }).click(),
      ]);
      expect(await page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
      expect(await page.locator('[data-testid=signed-in-as]').count()).toBe(0);
      expect(
        (await browser!.context.cookies(baseUrl)).some((cookie) => cookie.name === 'tf_session'),
      ).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('returns to the page asked for after signing in', async () => {
    const page = await browser!.context.newPage();
    try {
      await page.goto(`${baseUrl}/sign-in?next=${encodeURIComponent('/donors?from=test')}`);
      await fillAndSubmit(page, USERNAME, PASSWORD);
      await page.waitForURL(`${baseUrl}/donors?from=test`);
      expect(await page.locator('[data-testid=signed-in-as]').count()).toBe(1);
    } finally {
      await page.close();
    }
  });

  it('shows the error next to the form and keeps the typed user name', async () => {
    const { page, errors } = await open('/sign-in');
    try {
      await fillAndSubmit(page, USERNAME, 'Not-The-Right-Password-1');
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      const alert = page.getByRole('alert');
      expect((await alert.textContent())?.trim()).toBe('The user name or password is not correct.');
      // The message sits inside the sign-in panel, above the form, and describes the field.
      expect(await page.locator('section.panel #sign-in-error').count()).toBe(1);
      expect(await page.getByLabel('User name').inputValue()).toBe(USERNAME);
      expect(await page.getByLabel('User name').getAttribute('aria-describedby')).toBe(
        'sign-in-error',
      );
      expect(await page.getByLabel('Password').inputValue()).toBe('');
      expect(await page.locator('[data-testid=signed-in-as]').count()).toBe(0);
      await page.screenshot({ path: screenshotPath('sign-in-error'), fullPage: true });

      // The form re-rendered after the failure works: the right password signs in.
      await fillAndSubmit(page, USERNAME, PASSWORD);
      await page.waitForURL(`${baseUrl}/work`);
      // The failed attempt is answered 401, which chromium reports; nothing else went wrong.
      expect(errors).toEqual([expect.stringMatching(/status of 401 .*\/sign-in\)$/)]);
    } finally {
      await page.close();
    }
  });

  it('takes a full-page screenshot of the sign-in page', async () => {
    const { page } = await open('/sign-in');
    try {
      const path = screenshotPath('sign-in');
      await page.screenshot({ path, fullPage: true });
      expect(statSync(path).size).toBeGreaterThan(0);
    } finally {
      await page.close();
    }
  });
});
