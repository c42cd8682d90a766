import { Page } from 'playwright-core';
import request from 'supertest';
import { IdentityService } from '../../src/auth/identity.service';
import { Role, ROLES } from '../../src/auth/roles';
import { Actor } from '../../src/common/actor';
import { TransactionRunner } from '../../src/database/transaction-runner';
import { loadUiCatalogue } from '../../src/web/ui-i18n';
import { NAVIGATION, START_PAGES } from '../../src/web/navigation';
import { accessibilityViolations } from '../support/accessibility';
import {
  BrowserApp,
  describeWithBrowser,
  screenshotPath,
  startBrowserApp,
  submitForm,
  watchPage,
} from '../support/browser';
import { createTestUser } from '../support/test-app';

const PASSWORD = 'Lantern-Meadow-Quarry-64';

/** Links of the main navigation each role must see, and some it must not. */
const EXPECTED: Record<Role, { shown: string[]; hidden: string[] }> = {
  finance_officer: {
    shown: ['Work', 'Donors', 'Receipts', 'Approvals'],
    hidden: ['Audit trail', 'Portal', 'Home'],
  },
  admin: { shown: ['Work', 'Audit trail', 'Approvals', 'Reports'], hidden: ['Portal'] },
  approver: { shown: ['Approvals', 'Dashboard', 'Pledges'], hidden: ['Work', 'Audit trail'] },
  management: {
    shown: ['Dashboard', 'Reports', 'Statements'],
    hidden: ['Approvals', 'Work', 'Audit trail', 'Portal'],
  },
  auditor: { shown: ['Audit trail', 'Approvals', 'Bank'], hidden: ['Work', 'Portal'] },
  donor: {
    shown: ['Portal', 'Statements', 'API'],
    hidden: ['Donors', 'Pledges', 'Receipts', 'Work', 'Dashboard', 'Approvals'],
  },
};

/** The text of the navigation link to a page, in a language. */
function linkText(href: string, language: 'en' | 'fr'): string {
  const item = NAVIGATION.find((candidate) => candidate.href === href);
  const text = item && loadUiCatalogue(language).get(item.label);
  if (text === undefined) throw new Error(`no navigation link to ${href}`);
  return text;
}

describeWithBrowser('navigation by role in a browser', () => {
  let started: BrowserApp | undefined;
  let baseUrl: string;

  beforeAll(async () => {
    started = await startBrowserApp(async (app) => {
      const officer = await createTestUser(app, 'setup.officer', ['finance_officer']);
      const donor = await request(app.getHttpServer())
        .post('/api/v1/donors')
        .set(officer.auth)
        .send({ name: 'Republic of Ghana', type: 'member_state' });
      expect(donor.status).toBe(201);
      const system: Actor = { id: 'system:test', roles: ['admin'], donorIds: [] };
      for (const role of ROLES) {
        await app.get(TransactionRunner).run((manager) =>
          app.get(IdentityService).createUser(manager, system, {
            username: `browse.${role}`,
            displayName: `Browse ${role}`,
            password: PASSWORD,
            roles: [role],
            donorIds: role === 'donor' ? [donor.body.id as string] : [],
          }),
        );
      }
    });
    baseUrl = started.baseUrl;
  });

  afterAll(async () => {
    await started?.close();
  });

  afterEach(async () => {
    // Each test starts signed out, in the browser's language (English).
    await started?.browser.context.clearCookies();
  });

  async function signIn(page: Page, username: string): Promise<void> {
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel('User name').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await submitForm(page, 'Sign in');
  }

  /** Switches the language with the header's link: the same page comes back in it. */
  async function switchTo(page: Page, name: 'Français' | 'English'): Promise<void> {
    const url = page.url();
    const [label, lang] = name === 'Français' ? ['Language', 'fr'] : ['Langue', 'en'];
    await page
      .getByRole('navigation', { name: label })
      .getByRole('link', { name, exact: true })
      .click();
    await page.locator(`html[lang="${lang}"]`).waitFor({ state: 'attached' });
    await page.waitForLoadState('load');
    expect(page.url()).toBe(url);
  }

  it.each(ROLES)(
    'takes a %s to its start page, with its links only, in both languages',
    async (role) => {
      const page = await started!.browser.context.newPage();
      const errors = watchPage(page, baseUrl);
      try {
        await signIn(page, `browse.${role}`);
        await page.waitForURL(`${baseUrl}${START_PAGES[role]}`);
        await page.screenshot({ path: screenshotPath(`nav-${role}`), fullPage: true });

        const nav = page.getByRole('navigation', { name: 'Main' });
        for (const name of EXPECTED[role].shown) {
          expect({
            name,
            count: await nav.getByRole('link', { name, exact: true }).count(),
          }).toEqual({ name, count: 1 });
        }
        for (const name of EXPECTED[role].hidden) {
          expect({
            name,
            count: await nav.getByRole('link', { name, exact: true }).count(),
          }).toEqual({ name, count: 0 });
        }
        const start = nav.getByRole('link', {
          name: linkText(START_PAGES[role], 'en'),
          exact: true,
        });
        expect(await start.getAttribute('aria-current')).toBe('page');

        await switchTo(page, 'Français');
        expect(await page.locator('html').getAttribute('lang')).toBe('fr');
        const french = page.getByRole('navigation', { name: 'Navigation principale' });
        const startFr = french.getByRole('link', {
          name: linkText(START_PAGES[role], 'fr'),
          exact: true,
        });
        expect(await startFr.getAttribute('aria-current')).toBe('page');
        expect(await page.getByRole('button', { name: 'Se déconnecter' }).count()).toBe(1);

        await switchTo(page, 'English');
        expect(await page.locator('html').getAttribute('lang')).toBe('en');
        expect(
          await nav.getByRole('link', { name: linkText(START_PAGES[role], 'en') }).count(),
        ).toBe(1);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    },
  );

  it.each(['en', 'fr'] as const)(
    'has no serious accessibility fault on home, sign-in and the work queues (%s)',
    async (language) => {
      const page = await started!.browser.context.newPage();
      const errors = watchPage(page, baseUrl);
      try {
        await page.goto(`${baseUrl}/`);
        if (language === 'fr') await switchTo(page, 'Français');
        expect(await page.locator('html').getAttribute('lang')).toBe(language);
        expect(await accessibilityViolations(page)).toEqual([]);

        await page.goto(`${baseUrl}/sign-in`);
        expect(await accessibilityViolations(page)).toEqual([]);
        await page.screenshot({ path: screenshotPath(`sign-in-${language}`), fullPage: true });

        await page.locator('#username').fill('browse.finance_officer');
        await page.locator('#password').fill(PASSWORD);
        await Promise.all([
          page.waitForURL(`${baseUrl}/work`),
          page.locator('form.stacked-form button').click(),
        ]);
        expect(await page.locator('html').getAttribute('lang')).toBe(language);
        expect(await accessibilityViolations(page)).toEqual([]);
        await page.screenshot({ path: screenshotPath(`work-${language}`), fullPage: true });
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    },
  );
});
