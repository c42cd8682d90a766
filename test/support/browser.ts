import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AddressInfo } from 'node:net';
import { createTestApp } from './test-app';
import { createTestDatabase } from './test-database';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { IdentityService } from '../../src/auth/identity.service';
import { Role } from '../../src/auth/roles';
import { Actor } from '../../src/common/actor';
import { TransactionRunner } from '../../src/database/transaction-runner';

// Debian's packaged chromium: playwright never downloads a browser of its own here, so the
// browser tests run with exactly what `apt-get install chromium` gives.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const ARTIFACTS_DIR = resolve(__dirname, '..', 'artifacts');

// --no-sandbox because the tests run as root in containers, where chromium's sandbox cannot start;
// the rest keep chromium from calling home, so a run needs no network and is repeatable.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserSession {
  readonly context: BrowserContext;
  /** Closes the browser and removes its profile directory. */
  close(): Promise<void>;
}

export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/**
 * A headless chromium with a profile of its own. A persistent context, because `launch()` refuses
 * --user-data-dir and the default profile location is shared between parallel jest workers.
 */
export async function launchBrowser(): Promise<BrowserSession> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'tf-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    close: async () => {
      try {
        await context.close();
      } finally {
        rmSync(userDataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Where a test writes a screenshot to look at after the run (test/artifacts is gitignored). */
export function screenshotPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name.endsWith('.png') ? name : `${name}.png`);
}

/**
 * `describe` for tests that need chromium. Skipped on a developer machine without it, but failing
 * in CI, where a silently skipped browser suite would look like a green one.
 */
export function describeWithBrowser(name: string, fn: () => void): void {
  if (hasChromium()) {
    describe(name, fn);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it('has chromium', () => {
        throw new Error('chromium is required in CI: apt-get install chromium');
      });
    });
    return;
  }
  describe.skip(`${name} (skipped: no chromium at ${CHROMIUM_PATH})`, fn);
}

/**
 * Collects the page's console errors and uncaught exceptions, except the failed loads the test
 * provokes on purpose (a 422 form answer logs "status of 422" in Chromium).
 */
export function watchPage(page: Page, baseUrl: string, expectedStatuses: number[] = []): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    const url = message.location().url;
    if (message.type() !== 'error' || new URL(url, baseUrl).pathname === '/favicon.ico') return;
    if (expectedStatuses.some((status) => message.text().includes(`status of ${status}`))) return;
    errors.push(`console: ${message.text()} (${url})`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return errors;
}

/** Clicks a form's button by its exact name and waits for the page it leads to. */
export async function submitForm(page: Page, button: string): Promise<void> {
  await Promise.all([
    page.waitForLoadState('load'),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
}

/**
 * A user who signs in with a password, through the real identity service; a donor user is
 * linked to the donors given (`donorIds`).
 */
export async function createPasswordUser(
  app: NestExpressApplication,
  user: {
    username: string;
    password: string;
    displayName: string;
    roles: Role[];
    donorIds?: string[];
  },
): Promise<void> {
  const system: Actor = { id: 'system:test', roles: ['admin'], donorIds: [] };
  await app
    .get(TransactionRunner)
    .run((manager) => app.get(IdentityService).createUser(manager, system, user));
}

export interface BrowserApp {
  readonly app: NestExpressApplication;
  readonly browser: BrowserSession;
  readonly baseUrl: string;
  /** Closes the browser, the application and drops the test database. */
  close(): Promise<void>;
}

/**
 * The real application on a clean test database of its own, listening on a free loopback port,
 * and a browser to drive it. `prepare` runs before the application listens (users, data).
 */
export async function startBrowserApp(
  prepare: (app: NestExpressApplication) => Promise<void> = () => Promise.resolve(),
): Promise<BrowserApp> {
  const db = await createTestDatabase();
  const app = await createTestApp(db);
  await prepare(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const browser = await launchBrowser();
  return {
    app,
    browser,
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      await browser.close();
      await app.close();
      await db.drop();
    },
  };
}
