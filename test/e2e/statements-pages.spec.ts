import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { APP_CONFIG, AppConfig } from '../../src/config/app-config';
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

const USERNAME = 'kofi.mensah';
const PASSWORD = 'correct horse battery staple 42';

describeWithBrowser('statement pages in a browser', () => {
  let harness: BrowserApp | undefined;
  let receiptNumber: string;

  beforeAll(async () => {
    harness = await startBrowserApp(async (app) => {
      await createPasswordUser(app, {
        username: USERNAME,
        password: PASSWORD,
        displayName: 'Kofi Mensah',
        roles: ['finance_officer'],
      });
      await addBankAccount(app.get<AppConfig>(APP_CONFIG).database.url!);
      const setup = await createTestUser(app, 'setup.officer', ['finance_officer']);
      const api = async (path: string, body: Body): Promise<Body> => {
        const res = await request(app.getHttpServer()).post(path).set(setup.auth).send(body);
        expect([path, res.status]).toEqual([path, path.endsWith('/agreement') ? 200 : 201]);
        return res.body as Body;
      };
      const donor = await api('/api/v1/donors', {
        name: 'Republic of Ghana',
        type: 'member_state',
        statementLanguage: 'en',
      });
      await api('/api/v1/exchange-rates', {
        currency: 'CHF',
        effectiveFrom: '2025-01-01',
        unitsPerUsd: '0.8000',
      });
      const pledge = await api('/api/v1/pledges', {
        fund: 'WSIS-TF',
        donorId: donor.id,
        currency: 'CHF',
        amount: '10,000.00',
        announcedOn: '2026-02-01',
        instalments: [
          { dueDate: '2026-03-31', amount: '4,000.00' },
          { dueDate: '2027-03-31', amount: '6,000.00' },
        ],
      });
      await api(`/api/v1/pledges/${pledge.id as string}/agreement`, {
        agreedOn: '2026-02-15',
        documentRef: 'GH/WSIS/2026/1',
      });
      const receipt = await api('/api/v1/receipts', {
        bankAccount: 'TEST-CHF',
        currency: 'CHF',
        valueDate: '2026-04-02',
        grossAmount: '4,000.00',
        donorId: donor.id,
      });
      receiptNumber = receipt.number as string;
    });
  });

  afterAll(() => harness?.close());

  it('previews a statement, issues it, finds it in the list and downloads its PDF', async () => {
    const { browser, baseUrl } = harness!;
    const page = await browser.context.newPage();
    const errors = watchPage(page, baseUrl, [422]);
    try {
      await page.goto(`${baseUrl}/statements/preview`);
      await page.waitForURL(/\/sign-in\?next=/);
      await page.getByLabel('User name').fill(USERNAME);
      await page.getByLabel('Password').fill(PASSWORD);
      await submitForm(page, 'Sign in');
      await page.waitForURL(`${baseUrl}/statements/preview`);

      await page.getByLabel('Donor').selectOption({ label: 'Republic of Ghana' });
      await page.getByLabel('Fund').selectOption('WSIS-TF');
      await page.getByLabel('Period from').fill('2026-01-01');
      await page.getByLabel('Period to').fill('2026-10-31');
      await submitForm(page, 'Preview');
      await page.waitForURL(/\/statements\/preview\?donorId=/);
      const draft = page.frameLocator('[data-testid="draft-frame"]');
      await draft.locator('body').filter({ hasText: 'Republic of Ghana' }).waitFor();
      expect(await draft.locator('body').textContent()).toContain(receiptNumber);
      expect(await draft.locator('.watermark').count()).toBe(1);
      await page.screenshot({ path: screenshotPath('statement-preview'), fullPage: true });

      // Issuing asks for a confirmation first.
      await submitForm(page, 'Issue statement');
      expect(await page.getByTestId('preview-errors').textContent()).toContain(
        'tick the box to confirm',
      );
      await page.getByLabel('I have checked the draft: issue it as final').check();
      await submitForm(page, 'Issue statement');
      await page.waitForURL(/\/documents\/[0-9a-f-]{36}\?done=issued$/);
      const number = (await page.getByTestId('document-number').textContent())!;
      expect(number).toMatch(/^ST-\d{4}-000001$/);
      const shown = (await page.getByTestId('document-sha256').textContent())!;
      const issued = page.frameLocator('[data-testid="document-frame"]');
      await issued.locator('body').filter({ hasText: number }).waitFor();
      expect(await issued.locator('.watermark').count()).toBe(0);
      await page.screenshot({ path: screenshotPath('statement-issued'), fullPage: true });

      await Promise.all([
        page.waitForURL(`${baseUrl}/statements`),
        page
          .getByRole('navigation', { name: 'Main' })
          .getByRole('link', { name: 'Statements' })
          .click(),
      ]);
      const row = page.locator(`[data-testid="document-row"][data-number="${number}"]`);
      expect(await row.count()).toBe(1);
      expect(await row.textContent()).toContain('Republic of Ghana');
      await Promise.all([
        page.waitForURL(/\/documents\/[0-9a-f-]{36}$/),
        row.getByRole('link', { name: number }).click(),
      ]);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('download-pdf').click(),
      ]);
      expect(download.suggestedFilename()).toBe(`${number}-v1.pdf`);
      const pdf = readFileSync(await download.path());
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(createHash('sha256').update(pdf).digest('hex')).toBe(shown);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
