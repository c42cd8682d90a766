import { readFileSync } from 'node:fs';
import { Page } from 'playwright-core';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { Actor } from '../../src/common/actor';
import { TransactionRunner } from '../../src/database/transaction-runner';
import { loadDemo } from '../../src/demo/demo-loader';
import { accessibilityViolations } from '../support/accessibility';
import { createTestUser } from '../support/test-app';
import {
  BrowserApp,
  describeWithBrowser,
  screenshotPath,
  startBrowserApp,
  submitForm,
  watchPage,
} from '../support/browser';

const SYSTEM: Actor = { id: 'system:test', roles: ['admin'], donorIds: [] };
const PASSWORD = 'Demo-Passphrase-2026';

/**
 * The main journey of each role, on the demo a newcomer gets with `npm run demo`, through the
 * pages only (sign-in form, links, forms), with a screenshot of each step in test/artifacts.
 */
describeWithBrowser('the main journey of each role (demo data)', () => {
  let harness: BrowserApp | undefined;
  let baseUrl: string;
  /** A statement and a pledge of another donor than the demo donor user's. */
  const foreign = { statementId: '', pledgeId: '' };

  beforeAll(async () => {
    harness = await startBrowserApp(async (app) => {
      const result = await loadDemo(app, { system: SYSTEM, password: PASSWORD });
      if (!result.loaded) throw new Error('the demo did not load on a clean database');
      const [rwanda] = await app.get(TransactionRunner).run((manager) =>
        manager.query<Array<{ donor_id: string; pledge_id: string }>>(
          `SELECT d.id AS donor_id, p.id AS pledge_id
               FROM donor d JOIN pledge p ON p.donor_id = d.id
              WHERE d.name = 'Republic of Rwanda' LIMIT 1`,
        ),
      );
      foreign.pledgeId = rwanda.pledge_id;
      const officer = await createTestUser(app, 'setup.officer', ['finance_officer']);
      const issued = await request(app.getHttpServer())
        .post('/api/v1/donor-statements')
        .set(officer.auth)
        .send({ donorId: rwanda.donor_id, fund: 'WSIS-TF', from: '2025-01-01', to: '2025-12-31' });
      if (issued.status !== 201) throw new Error(`statement not issued: ${issued.status}`);
      foreign.statementId = (issued.body as { id: string }).id;
    });
    baseUrl = harness.baseUrl;
  }, 300_000);

  afterAll(() => harness?.close());

  /** A fresh page signed in as the demo user, on its start page. */
  async function signedIn(username: string, startPage: string): Promise<Page> {
    const page = await harness!.browser.context.newPage();
    await page.context().clearCookies();
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel('User name').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await submitForm(page, 'Sign in');
    await page.waitForURL(`${baseUrl}${startPage}`);
    return page;
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: screenshotPath(`journey-${name}`), fullPage: true });
  }

  it('a finance officer records a pledge and a receipt, and reconciles a bank line', async () => {
    const page = await signedIn('officer', '/work');
    const errors = watchPage(page, baseUrl);
    try {
      await shot(page, 'officer-1-work');
      // The work queues say there are bank lines to look at.
      const bankQueue = page.locator('[data-queue="bank-lines"]');
      expect(Number(await bankQueue.getAttribute('data-count'))).toBeGreaterThan(0);

      // A pledge: the Republic of Rwanda, USD 30,000.00 in two instalments.
      await page.goto(`${baseUrl}/pledges/new`);
      await page.getByLabel('Donor', { exact: true }).selectOption({ label: 'Republic of Rwanda' });
      await page.getByLabel('Currency').fill('USD');
      await page.getByLabel('Amount', { exact: true }).fill('30,000.00');
      await page.getByLabel('Announced on').fill('2026-11-20');
      await page.getByLabel('Instalment 1 due date').fill('2027-03-31');
      await page.getByLabel('Instalment 1 amount').fill('15,000.00');
      await page.getByLabel('Instalment 2 due date').fill('2027-09-30');
      await page.getByLabel('Instalment 2 amount').fill('15,000.00');
      await shot(page, 'officer-2-pledge-form');
      await submitForm(page, 'Record pledge');
      await page.waitForURL(/\/pledges\/[0-9a-f-]{36}\?done=created$/);
      expect(await page.getByTestId('pledge-amount').textContent()).toBe('USD 30,000.00');
      expect(await page.getByTestId('pledge-instalment').count()).toBe(2);
      await shot(page, 'officer-3-pledge');

      // A receipt of the Swiss Confederation, left unapplied, on the CHF account.
      await page.goto(`${baseUrl}/receipts/new`);
      await page.getByLabel('Bank account').selectOption({ value: 'WSIS-TF/UBS-CHF' });
      await page.getByLabel('Value date').fill('2026-11-26');
      await page.getByLabel('Gross amount').fill('5,000.00');
      await page.getByLabel('Bank charges').fill('12.00');
      await page
        .getByLabel('Donor', { exact: true })
        .selectOption({ label: 'Swiss Confederation' });
      await page.getByLabel('Remitter name').fill('CONFEDERATION SUISSE OFCOM');
      await page.getByLabel(/Leave unapplied/).check();
      await submitForm(page, 'Record receipt');
      await page.waitForURL(/\/receipts\/[0-9a-f-]{36}\?done=recorded$/);
      expect(await page.getByTestId('receipt-net').textContent()).toBe('CHF 4,988.00');
      await shot(page, 'officer-4-receipt');

      // The November statement of the CHF account: a suggested match, confirmed.
      await page.goto(`${baseUrl}/bank-reconciliation?bankAccount=UBS-CHF`);
      const suggested = page
        .getByTestId('bank-line')
        .filter({ has: page.getByTestId('suggestion') });
      const before = await page.getByTestId('bank-line').count();
      expect(await suggested.count()).toBeGreaterThan(0);
      await shot(page, 'officer-5-workbench');
      await Promise.all([
        page.waitForURL(/done=confirm/),
        suggested.first().getByTestId('confirm-suggestion').click(),
      ]);
      expect(await page.getByTestId('workbench-notice').textContent()).toContain(
        'Match confirmed.',
      );
      expect(await page.getByTestId('bank-line').count()).toBe(before - 1);
      await shot(page, 'officer-6-reconciled');
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('an approver approves a participation grant from the inbox', async () => {
    const page = await signedIn('approver', '/approvals');
    const errors = watchPage(page, baseUrl, [422]);
    try {
      const row = page.locator('[data-testid="approval-row"][data-kind="grant.approve"]').first();
      expect(await row.count()).toBe(1);
      // The payload is readable: who the grant is for, and its amount.
      const payload = row.getByTestId('approval-payload');
      expect(await payload.textContent()).toContain('Leila Haddad');
      await shot(page, 'approver-1-inbox');
      await row.getByLabel(/I confirm/).check();
      await Promise.all([
        page.waitForURL(/\/approvals\?done=approved/),
        row.getByRole('button', { name: 'Approve', exact: true }).click(),
      ]);
      expect(await page.getByTestId('approval-notice').textContent()).toContain('Approved');
      const decided = page
        .locator('[data-testid="approval-decided-row"][data-kind="grant.approve"]')
        .first();
      expect(await decided.getAttribute('data-status')).toBe('executed');
      await shot(page, 'approver-2-approved');

      // The grant itself now reads approved.
      await page.goto(`${baseUrl}/grants?status=approved`);
      expect(await page.locator('body').textContent()).toContain('Leila Haddad');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('management opens the dashboard and downloads a report as XLSX', async () => {
    const page = await signedIn('manager', '/dashboard');
    try {
      expect(await page.locator('svg[role="img"]').count()).toBeGreaterThan(2);
      await shot(page, 'management-1-dashboard');
      await page.goto(`${baseUrl}/reports/fund-position`);
      await shot(page, 'management-2-fund-position');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('report-xlsx').click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(Uint8Array.from(readFileSync(await download.path())).buffer);
      const sheet = workbook.worksheets[0];
      const cells = sheet.getSheetValues().flat().map(String);
      // The fund's earmarks, each a row of the downloaded position.
      expect(cells).toEqual(expect.arrayContaining(['PARTICIPATION-GRANTS', 'WSIS20-REVIEW']));
    } finally {
      await page.close();
    }
  });

  it('a donor downloads its statement and cannot open another donor’s', async () => {
    const page = await signedIn('donor', '/portal');
    try {
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(
        'Swiss Confederation',
      );
      await shot(page, 'donor-1-portal');
      const link = page.getByTestId('portal-documents').getByRole('link', { name: /^PDF of ST-/ });
      const [download] = await Promise.all([page.waitForEvent('download'), link.first().click()]);
      const pdf = readFileSync(await download.path());
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

      expect(await link.first().getAttribute('href')).toMatch(
        /^\/api\/v1\/donor-statements\/[0-9a-f-]{36}\/pdf$/,
      );

      // Another donor's statement and pledge: not found for this donor; staff pages refused.
      for (const part of ['pdf', 'html']) {
        const refused = await page.request.get(
          `${baseUrl}/api/v1/donor-statements/${foreign.statementId}/${part}`,
        );
        expect([part, refused.status()]).toEqual([part, 404]);
      }
      const other = await page.goto(`${baseUrl}/portal/pledges/${foreign.pledgeId}`);
      expect(other?.status()).toBe(404);
      expect((await page.request.get(`${baseUrl}/pledges`)).status()).toBe(403);
      await shot(page, 'donor-2-after-download');
    } finally {
      await page.close();
    }
  });
});
