import { readFileSync } from 'node:fs';
import request from 'supertest';
import { APP_CONFIG, AppConfig } from '../../src/config/app-config';
import { accessibilityViolations } from '../support/accessibility';
import {
  BrowserApp,
  createPasswordUser,
  describeWithBrowser,
  screenshotPath,
  startBrowserApp,
  submitForm,
  watchPage,
} from '../support/browser';
import { addBankAccount } from '../support/ledger-fixtures';
import { createTestUser } from '../support/test-app';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
type Body = Record<string, any>;

const USERNAME = 'ama.owusu';
const PASSWORD = 'Copper-Kettle-Meadow-58';

describeWithBrowser('donor portal in a browser', () => {
  let harness: BrowserApp | undefined;
  const statements: Record<'own' | 'other', Body> = { own: {}, other: {} };
  let pledge: Body;

  beforeAll(async () => {
    harness = await startBrowserApp(async (app) => {
      await addBankAccount(app.get<AppConfig>(APP_CONFIG).database.url!);
      const setup = await createTestUser(app, 'setup.officer', ['finance_officer']);
      const api = async (path: string, body: Body, status = 201): Promise<Body> => {
        const res = await request(app.getHttpServer()).post(path).set(setup.auth).send(body);
        expect([path, res.status]).toEqual([path, status]);
        return res.body as Body;
      };
      await api('/api/v1/exchange-rates', {
        currency: 'CHF',
        effectiveFrom: '2025-01-01',
        unitsPerUsd: '0.8000',
      });
      const ghana = await api('/api/v1/donors', {
        name: 'Republic of Ghana',
        type: 'member_state',
        statementLanguage: 'en',
      });
      const other = await api('/api/v1/donors', {
        name: 'Kingdom of Tonga',
        type: 'member_state',
        statementLanguage: 'en',
      });
      pledge = await api('/api/v1/pledges', {
        fund: 'WSIS-TF',
        donorId: ghana.id,
        currency: 'CHF',
        amount: '12,000.00',
        announcedOn: '2026-02-01',
        instalments: [
          { dueDate: '2026-03-31', amount: '4,000.00' },
          { dueDate: '2026-09-30', amount: '4,000.00' },
          { dueDate: '2027-03-31', amount: '4,000.00' },
        ],
      });
      await api(
        `/api/v1/pledges/${pledge.id as string}/agreement`,
        { agreedOn: '2026-02-15', documentRef: 'GH/WSIS/2026/1' },
        200,
      );
      await api('/api/v1/receipts', {
        bankAccount: 'TEST-CHF',
        currency: 'CHF',
        valueDate: '2026-04-02',
        grossAmount: '4,000.00',
        bankCharges: '12.50',
        donorId: ghana.id,
        allocations: [{ pledgeId: pledge.id, amount: '4,000.00' }],
      });
      for (const [key, donor] of [
        ['own', ghana],
        ['other', other],
      ] as const) {
        statements[key] = await api('/api/v1/donor-statements', {
          donorId: donor.id,
          fund: 'WSIS-TF',
          from: '2026-01-01',
          to: '2026-06-30',
        });
      }
      await createPasswordUser(app, {
        username: USERNAME,
        password: PASSWORD,
        displayName: 'Ama Owusu',
        roles: ['donor'],
        donorIds: [ghana.id as string],
      });
    });
  });

  afterAll(() => harness?.close());

  it('shows the donor its portal, downloads its statement, and refuses another donor’s', async () => {
    const { browser, baseUrl } = harness!;
    const page = await browser.context.newPage();
    const errors = watchPage(page, baseUrl);
    try {
      await page.goto(`${baseUrl}/portal`);
      await page.waitForURL(/\/sign-in\?next=%2Fportal$/);
      await page.getByLabel('User name').fill(USERNAME);
      await page.getByLabel('Password').fill(PASSWORD);
      await submitForm(page, 'Sign in');
      await page.waitForURL(`${baseUrl}/portal`);

      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
        'Donor portal — Republic of Ghana',
      );
      const summary = page.getByTestId('portal-summary-row');
      expect(await summary.getByTestId('summary-outstanding').textContent()).toBe('CHF 8,000.00');
      const overdue = page.locator('[data-testid="portal-instalment"][data-overdue="true"]');
      expect(await overdue.count()).toBe(1);
      expect(await overdue.textContent()).toContain('2026-09-30');
      expect(
        await page.getByTestId('portal-payment').getByTestId('payment-charges').textContent(),
      ).toBe('CHF 12.50');
      expect(await page.getByTestId('portal-documents').textContent()).not.toContain(
        statements.other.number as string,
      );
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.screenshot({ path: screenshotPath('portal-donor'), fullPage: true });

      // Its statement's PDF, through the link on the page.
      const number = statements.own.number as string;
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: `PDF of ${number}` }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`${number}-v1.pdf`);
      const pdf = readFileSync(await download.path());
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

      // Another donor's statement, by its address: not found, as if it did not exist.
      for (const part of ['pdf', 'html']) {
        const refused = await page.request.get(
          `${baseUrl}/api/v1/donor-statements/${statements.other.id as string}/${part}`,
        );
        expect([part, refused.status()]).toEqual([part, 404]);
      }

      // The pledge's own page, from its reference.
      await Promise.all([
        page.waitForURL(`${baseUrl}/portal/pledges/${pledge.id as string}`),
        page
          .getByRole('link', { name: pledge.reference as string })
          .first()
          .click(),
      ]);
      const instalments = page.getByTestId('portal-pledge-instalment');
      expect(await instalments.count()).toBe(3);
      expect(await instalments.nth(1).getAttribute('data-overdue')).toBe('true');
      expect(await page.getByTestId('portal-pledge-payment').count()).toBe(1);
      expect(await accessibilityViolations(page)).toEqual([]);

      // In French: the same pages, amounts in the French form, still accessible.
      await page.goto(`${baseUrl}/language?lang=fr&next=%2Fportal`);
      await page.waitForURL(`${baseUrl}/portal`);
      expect(await page.locator('html').getAttribute('lang')).toBe('fr');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
        'Portail des donateurs — Republic of Ghana',
      );
      expect(
        await page
          .getByTestId('portal-summary-row')
          .getByTestId('summary-outstanding')
          .textContent(),
      ).toBe('8\u202f000,00\u00a0CHF');
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.goto(`${baseUrl}/portal/pledges/${pledge.id as string}`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
        `Annonce de contribution ${pledge.reference as string}`,
      );
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.screenshot({ path: screenshotPath('portal-pledge-fr'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
