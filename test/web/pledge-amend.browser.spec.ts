import { Page } from 'playwright-core';
import { Actor } from '../../src/common/actor';
import { todayUtc } from '../../src/common/calendar-date';
import { DonorsService } from '../../src/donors/donors.service';
import { PledgesService } from '../../src/pledges/pledges.service';
import {
  BrowserApp,
  BrowserSession,
  createPasswordUser,
  describeWithBrowser,
  submitForm,
  watchPage,
  startBrowserApp,
  screenshotPath,
} from '../support/browser';

const USERNAME = 'amina.officer';
const PASSWORD = 'Quiet-Harbour-Lantern-27';

describeWithBrowser('pledge amendment page in a browser', () => {
  let harness: BrowserApp | undefined;
  let browser: BrowserSession | undefined;
  let baseUrl: string;
  let pledgePath: string;

  beforeAll(async () => {
    harness = await startBrowserApp(async (app) => {
      await createPasswordUser(app, {
        username: USERNAME,
        password: PASSWORD,
        displayName: 'Amina Diallo',
        roles: ['finance_officer'],
      });
      // An agreed pledge of CHF 100,000 in two instalments, as the pledge pages record it.
      const officer: Actor = { id: 'user:setup', roles: ['finance_officer'], donorIds: [] };
      const donor = await app
        .get(DonorsService)
        .create(officer, { name: 'Republic of Rwanda', type: 'member_state' });
      const pledges = app.get(PledgesService);
      const today = todayUtc();
      const created = await pledges.create(
        officer,
        {
          fund: 'WSIS-TF',
          donorId: donor.id,
          currency: 'CHF',
          amount: '100000.00',
          announcedOn: today,
          instalments: [
            { dueDate: '2027-06-30', amount: '60000.00' },
            { dueDate: '2027-12-31', amount: '40000.00' },
          ],
        },
        undefined,
      );
      await pledges.agree(
        officer,
        created.body.id,
        { agreedOn: today, documentRef: 'RW/WSIS/2026/004' },
        undefined,
      );
      pledgePath = `/pledges/${created.body.id}`;
    });
    ({ browser, baseUrl } = harness);
  });

  afterAll(() => harness?.close());

  /** Opens `path`, signing in through the form first when the session does not exist yet. */
  async function openSignedIn(page: Page, path: string): Promise<void> {
    await page.goto(`${baseUrl}${path}`);
    if (new URL(page.url()).pathname === '/sign-in') {
      await page.getByLabel('User name').fill(USERNAME);
      await page.getByLabel('Password').fill(PASSWORD);
      await submitForm(page, 'Sign in');
      await page.waitForURL(`${baseUrl}${path}`);
    }
  }

  async function instalmentTexts(page: Page): Promise<string[]> {
    return page.getByTestId('pledge-instalment').allTextContents();
  }

  it('previews an amendment without writing it, then applies it with confirmation', async () => {
    const page = await browser!.context.newPage();
    const errors = watchPage(page, baseUrl, [422]);
    try {
      await openSignedIn(page, pledgePath);
      const before = await instalmentTexts(page);
      expect(before).toHaveLength(2);

      // From the detail page's actions to the amendment form, the schedule editable.
      await Promise.all([
        page.waitForURL(`${baseUrl}${pledgePath}/amend`),
        page.getByRole('link', { name: 'Amend amount or schedule' }).click(),
      ]);
      expect(await page.getByLabel('Instalment 2 amount', { exact: true }).inputValue()).toBe(
        '40,000.00',
      );
      await page.getByLabel('Instalment 2 amount', { exact: true }).fill('50,000.00');
      await page.getByLabel(/New total amount/).fill('110,000.00');
      await page.getByLabel('Reason').fill('Donor letter: contribution raised for 2027');

      // A preview: the resulting schedule and the ledger lines, nothing written.
      await submitForm(page, 'Preview');
      const preview = page.getByTestId('amend-preview');
      expect(await page.getByTestId('amend-preview-amount').textContent()).toBe('CHF 110,000.00');
      const lines = preview.getByTestId('amend-preview-line');
      expect(await lines.count()).toBe(2);
      expect(await lines.nth(0).getAttribute('data-change')).toBe('unchanged');
      expect(await lines.nth(1).getAttribute('data-change')).toBe('changed');
      expect(await lines.nth(1).textContent()).toContain('CHF 50,000.00');
      const ledger = page.getByTestId('amend-preview-ledger-line');
      expect(await ledger.count()).toBe(2);
      expect(await ledger.nth(0).textContent()).toContain('CHF 10,000.00');
      // The input is kept for the officer to apply.
      expect(await page.getByLabel('Instalment 2 amount', { exact: true }).inputValue()).toBe(
        '50,000.00',
      );
      expect(await page.getByLabel(/New total amount/).inputValue()).toBe('110,000.00');
      await page.screenshot({ path: screenshotPath('pledge-amend'), fullPage: true });

      await page.goto(`${baseUrl}${pledgePath}`);
      expect(await instalmentTexts(page)).toEqual(before);
      expect(await page.getByTestId('pledge-amount').textContent()).toBe('CHF 100,000.00');

      // Applying needs the confirmation; without it nothing is recorded, input kept.
      await page.goto(`${baseUrl}${pledgePath}/amend`);
      await page.getByLabel('Instalment 2 amount', { exact: true }).fill('50,000.00');
      await page.getByLabel(/New total amount/).fill('110,000.00');
      await page.getByLabel('Reason').fill('Donor letter: contribution raised for 2027');
      await submitForm(page, 'Apply amendment');
      expect(await page.locator('#confirm-error').textContent()).toContain('confirm');
      expect(await page.getByLabel('Instalment 2 amount', { exact: true }).inputValue()).toBe(
        '50,000.00',
      );

      await page.getByLabel(/I confirm the amendment is signed/).check();
      await submitForm(page, 'Apply amendment');
      await page.waitForURL(`${baseUrl}${pledgePath}?done=amended`);
      expect(await page.getByTestId('pledge-amount').textContent()).toBe('CHF 110,000.00');
      const after = await instalmentTexts(page);
      expect(after).toHaveLength(2);
      expect(after[0]).toBe(before[0]);
      expect(after[1]).toContain('CHF 50,000.00');
      const history = page.getByTestId('pledge-event');
      const amendment = history.filter({ hasText: 'amendment 1' });
      expect(await amendment.count()).toBe(1);
      expect(await amendment.textContent()).toContain('contribution raised for 2027');
      expect(await amendment.textContent()).toContain('CHF 100,000.00 → CHF 110,000.00');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('shows a schedule that does not sum next to the schedule, input kept', async () => {
    const page = await browser!.context.newPage();
    try {
      await openSignedIn(page, `${pledgePath}/amend`);
      await page.getByLabel(/New total amount/).fill('999,000.00');
      await page.getByLabel('Reason').fill('A total the schedule does not reach');
      await submitForm(page, 'Preview');
      expect(await page.getByTestId('amend-errors').isVisible()).toBe(true);
      const scheduleError = await page.getByTestId('schedule-error').textContent();
      expect(scheduleError).toContain('the instalments would add up to');
      expect(scheduleError).toContain('the pledge would be CHF 999,000.00');
      expect(await page.getByTestId('amend-preview').count()).toBe(0);
      expect(await page.getByLabel(/New total amount/).inputValue()).toBe('999,000.00');
      expect(await page.getByLabel('Reason').inputValue()).toBe(
        'A total the schedule does not reach',
      );
    } finally {
      await page.close();
    }
  });
});
