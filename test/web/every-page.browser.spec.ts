import { Page } from 'playwright-core';
import { Actor } from '../../src/common/actor';
import { DEMO_USERS } from '../../src/demo/demo-data';
import { loadDemo } from '../../src/demo/demo-loader';
import { accessibilityViolations } from '../support/accessibility';
import {
  BrowserApp,
  describeWithBrowser,
  screenshotPath,
  startBrowserApp,
  submitForm,
} from '../support/browser';

const SYSTEM: Actor = { id: 'system:test', roles: ['admin'], donorIds: [] };
const PASSWORD = 'Demo-Passphrase-2026';

/** Pages per role at most: the demo's pages of one shape are visited once each. */
const MAX_PAGES = 150;

/**
 * What a link is "the same page as": its path with ids and numbers taken out, and the names of
 * its query parameters. /pledges/<uuid> is one page however many pledges there are; /receipts
 * and /receipts?queue=unidentified are two.
 */
function shapeOf(url: URL): string {
  const path = url.pathname
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, ':id')
    .replace(/\/\d+(?=\/|$)/g, '/:n')
    .replace(/\/[A-Z]{2}-\d{4}-\d+/g, '/:ref');
  const keys = [...new Set(url.searchParams.keys())].sort().join('&');
  return keys === '' ? path : `${path}?${keys}`;
}

/** Links that are not pages to look at: the API and its files, sign-out, the language switch. */
function isPage(url: URL, origin: string): boolean {
  if (url.origin !== origin) return false;
  if (/^\/(api|assets|sign-out|language|partials)(\/|$)/.test(url.pathname)) return false;
  const format = url.searchParams.get('format');
  return format === null || format === 'html';
}

interface Finding {
  role: string;
  language: string;
  url: string;
  problem: string;
}

/** Signs a demo user in through the form, from wherever the browser is. */
async function signIn(page: Page, baseUrl: string, username: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await submitForm(page, 'Sign in');
}

async function signOut(page: Page, baseUrl: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto(`${baseUrl}/`);
}

/** Page shapes axe has already looked at, per language, for whichever role: not twice. */
const checked = new Set<string>();

/** axe's serious and critical findings on the page shown, unless its shape was checked. */
async function checkOnce(page: Page, role: string, language: string, url: URL): Promise<Finding[]> {
  const key = `${language} ${shapeOf(url)}`;
  if (checked.has(key)) return [];
  checked.add(key);
  return (await accessibilityViolations(page)).map((violation) => ({
    role,
    language,
    url: url.pathname + url.search,
    problem: `${violation.impact} ${violation.id}: ${violation.help} at ${violation.targets.slice(0, 3).join(', ')}`,
  }));
}

/**
 * Every page a user of the role can reach by following links from its start page, once per
 * shape: each answers 200, and has no serious or critical accessibility violation (axe-core;
 * a shape another role's crawl has checked already is not checked again).
 */
async function crawl(
  page: Page,
  baseUrl: string,
  role: string,
  start: string,
): Promise<{
  visited: string[];
  findings: Finding[];
}> {
  const origin = new URL(baseUrl).origin;
  const seen = new Set<string>();
  const queue: URL[] = [new URL(start, baseUrl)];
  const visited: string[] = [];
  const findings: Finding[] = [];
  while (queue.length > 0 && visited.length < MAX_PAGES) {
    const url = queue.shift()!;
    const shape = shapeOf(url);
    if (seen.has(shape)) continue;
    seen.add(shape);
    const response = await page.goto(url.href);
    const status = response?.status() ?? 0;
    visited.push(url.pathname + url.search);
    if (status !== 200) {
      findings.push({ role, language: 'en', url: url.href, problem: `status ${status}` });
      continue;
    }
    findings.push(...(await checkOnce(page, role, 'en', url)));
    const hrefs = await page.$$eval('a[href]', (links) =>
      links.map((link) => (link as unknown as { href: string }).href),
    );
    for (const href of hrefs) {
      const next = new URL(href);
      next.hash = '';
      if (isPage(next, origin) && !seen.has(shapeOf(next))) queue.push(next);
    }
  }
  return { visited, findings };
}

describeWithBrowser('every page of every role (demo data)', () => {
  let harness: BrowserApp | undefined;

  beforeAll(async () => {
    harness = await startBrowserApp(async (app) => {
      const result = await loadDemo(app, { system: SYSTEM, password: PASSWORD });
      if (!result.loaded) throw new Error('the demo did not load on a clean database');
    });
  }, 300_000);

  afterAll(() => harness?.close());

  it('the accessibility check fails on a page with faults (it can fail)', async () => {
    const page = await harness!.browser.context.newPage();
    try {
      await page.setContent(
        '<html><body><img src="data:,"><button></button><p style="color:#ccc;background:#fff">faint</p></body></html>',
      );
      const ids = (await accessibilityViolations(page)).map((v) => v.id).sort();
      expect(ids).toEqual(expect.arrayContaining(['button-name', 'image-alt']));
    } finally {
      await page.close();
    }
  });

  it.each(DEMO_USERS.map((user) => [user.role, user.username] as const))(
    'as %s, every page reachable from the start page opens and passes axe, in English and French',
    async (role, username) => {
      const { baseUrl, browser } = harness!;
      const page = await browser.context.newPage();
      try {
        await signIn(page, baseUrl, username);
        const start = new URL(page.url()).pathname;
        await page.screenshot({ path: screenshotPath(`every-page-${role}-start`), fullPage: true });
        const { visited, findings } = await crawl(page, baseUrl, role, start);
        // A role's pages are more than its start page: the crawl really followed links.
        expect(visited.length).toBeGreaterThan(role === 'donor' ? 2 : 5);

        // The same pages in French: the switch in the header, then each page no earlier role's
        // crawl has opened in French (it must open, and pass axe).
        await page.goto(`${baseUrl}/language?lang=fr&next=${encodeURIComponent(start)}`);
        expect(await page.evaluate('document.documentElement.lang')).toBe('fr');
        for (const path of visited) {
          if (checked.has(`fr ${shapeOf(new URL(path, baseUrl))}`)) continue;
          const response = await page.goto(`${baseUrl}${path}`);
          const status = response?.status() ?? 0;
          if (status !== 200) {
            findings.push({ role, language: 'fr', url: path, problem: `status ${status}` });
            continue;
          }
          findings.push(...(await checkOnce(page, role, 'fr', new URL(path, baseUrl))));
        }
        await page.goto(`${baseUrl}/language?lang=en&next=/`);
        expect(findings).toEqual([]);
      } finally {
        await signOut(page, harness!.baseUrl);
        await page.close();
      }
    },
    600_000,
  );
});
