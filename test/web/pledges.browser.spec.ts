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

describeWithBrowser('pledge pages in a browser', () => {
  let harness: BrowserApp | undefined;
  let browser: BrowserSession | undefined;
  let baseUrl: string;

  beforeAll(async () => {
    harness = await startBrowserApp(async (app) => {
      await createPasswordUser(app, {
        username: USERNAME,
        password: PASSWORD,
        displayName: 'Amina Diallo',
        roles: ['finance_officer'],
      });
    });
    ({ browser, baseUrl } = harness);
  });

  afterAll(() => harness?.close());

  it('records a two-instalment pledge through the form, then its agreement', async () => {
    const page = await browser!.context.newPage();
    const errors = watchPage(page, baseUrl, [422]);
    try {
      // Signing in through the real form, on the way to the pledge list (linked from the header).
      await page.goto(`${baseUrl}/pledges`);
      await page.waitForURL(/\/sign-in\?next=%2Fpledges$/);
      await page.getByLabel('User name').fill(USERNAME);
      await page.getByLabel('Password').fill(PASSWORD);
      await submitForm(page, 'Sign in');
      await page.waitForURL(`${baseUrl}/pledges`);
      expect(await page.getByTestId('pledge-empty').isVisible()).toBe(true);
      const nav = page.getByRole('navigation', { name: 'Main' });
      expect(await nav.getByRole('link', { name: 'Pledges' }).getAttribute('aria-current')).toBe(
        'page',
      );

      // A donor, through the donor form.
      await page.goto(`${baseUrl}/donors/new`);
      await page.getByLabel('Name', { exact: true }).first().fill('Republic of Rwanda');
      await page.getByLabel('Type').selectOption({ label: 'Member State' });
      await page.getByLabel('Statement currency').fill('CHF');
      await submitForm(page, 'Create donor');
      await page.waitForURL(/\/donors\/[0-9a-f-]{36}\?saved=created$/);
      const donorPath = new URL(page.url()).pathname;
      expect(await page.getByTestId('donor-pledges-empty').isVisible()).toBe(true);

      // From the donor's page to the pledge form, the donor already chosen.
      await Promise.all([
        page.waitForURL(/\/pledges\/new\?donorId=[0-9a-f-]{36}$/),
        page.getByTestId('donor-pledges').getByRole('link', { name: 'New pledge' }).click(),
      ]);
      expect(await page.getByTestId('pledge-form-donor').textContent()).toBe('Republic of Rwanda');
      await page.getByLabel('Amount', { exact: true }).fill('100,000.00');
      await page.getByLabel('Instalment 1 due date').fill('2027-06-30');
      await page.getByLabel('Instalment 1 amount').fill('60,000.00');
      await page.getByLabel('Instalment 2 due date').fill('2027-12-31');
      await page.getByLabel('Instalment 2 amount').fill('30,000.00');
      await submitForm(page, 'Record pledge');

      // A schedule that does not add up: the message next to the schedule, everything kept.
      expect(new URL(page.url()).pathname).toBe('/pledges');
      const scheduleError = page.getByTestId('pledge-schedule').getByTestId('schedule-error');
      expect(await scheduleError.textContent()).toBe(
        'the instalments add up to CHF 90,000.00; the pledge is CHF 100,000.00',
      );
      expect(await page.getByLabel('Amount', { exact: true }).inputValue()).toBe('100,000.00');
      expect(await page.getByLabel('Instalment 1 due date').inputValue()).toBe('2027-06-30');
      expect(await page.getByLabel('Instalment 2 amount').inputValue()).toBe('30,000.00');
      expect(await page.getByTestId('pledge-form-donor').textContent()).toBe('Republic of Rwanda');
      await page.screenshot({ path: screenshotPath('pledge-form-error'), fullPage: true });

      await page.getByLabel('Instalment 2 amount').fill('40,000.00');
      await submitForm(page, 'Record pledge');
      await page.waitForURL(/\/pledges\/[0-9a-f-]{36}\?done=created$/);
      const pledgePath = new URL(page.url()).pathname;
      expect(await page.getByTestId('pledge-status').getAttribute('data-status')).toBe('announced');
      expect(await page.getByTestId('pledge-amount').textContent()).toBe('CHF 100,000.00');
      const instalments = page.getByTestId('pledge-instalment');
      expect(await instalments.count()).toBe(2);
      expect(await instalments.nth(0).textContent()).toContain('CHF 60,000.00');
      expect(await instalments.nth(1).textContent()).toContain('2027-12-31');
      expect(await page.getByTestId('pledge-no-entries').isVisible()).toBe(true);
      const reference = (await page.getByRole('heading', { level: 1 }).textContent())!.replace(
        'Pledge ',
        '',
      );
      expect(reference).toMatch(/^WSIS-TF-\d{4}-0001$/);

      // On the donor's page, linked.
      await page.goto(`${baseUrl}${donorPath}`);
      const onDonor = page.getByTestId('donor-pledges').getByRole('link', { name: reference });
      expect(await onDonor.getAttribute('href')).toBe(pledgePath);
      expect(await page.getByTestId('donor-pledges').textContent()).toContain('Announced');

      // The agreement asks for a confirmation; without it nothing is recorded, input kept.
      await Promise.all([page.waitForURL(`${baseUrl}${pledgePath}`), onDonor.click()]);
      const agreement = page.getByTestId('agreement-form');
      await agreement.getByLabel('Document reference').fill('RW/WSIS/2026/004');
      await submitForm(page, 'Record agreement');
      expect(await page.locator('#agreement-confirm-error').textContent()).toContain('confirm');
      expect(await page.getByLabel('Document reference').inputValue()).toBe('RW/WSIS/2026/004');
      expect(await page.getByTestId('pledge-status').getAttribute('data-status')).toBe('announced');

      await page.getByLabel(/I confirm the agreement is signed/).check();
      await submitForm(page, 'Record agreement');
      await page.waitForURL(`${baseUrl}${pledgePath}?done=agreement`);
      expect(await page.getByTestId('pledge-notice').textContent()).toBe(
        'Agreement recorded and booked.',
      );
      expect(await page.getByTestId('pledge-status').getAttribute('data-status')).toBe('agreed');
      expect(await page.getByTestId('pledge-agreement').textContent()).toContain(
        'RW/WSIS/2026/004',
      );
      expect(await page.getByTestId('pledge-outstanding').textContent()).toContain(
        'CHF 100,000.00',
      );
      expect(await page.getByTestId('pledge-entry-number').first().textContent()).toMatch(
        /^JE-\d{4}-\d{6}/,
      );
      expect(await page.getByTestId('agreement-form').count()).toBe(0);
      await page.screenshot({ path: screenshotPath('pledge'), fullPage: true });

      // In the list, filtered by status.
      await page.goto(`${baseUrl}/pledges?status=agreed`);
      expect(await page.getByTestId('pledge-count').textContent()).toBe('Showing 1–1 of 1');
      await page.goto(`${baseUrl}/pledges?status=announced`);
      expect(await page.getByTestId('pledge-empty').isVisible()).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
