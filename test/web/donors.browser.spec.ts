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

describeWithBrowser('donor pages in a browser', () => {
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

  it('creates a donor through the form, lists it, and warns about a near-duplicate', async () => {
    const page = await browser!.context.newPage();
    const errors = watchPage(page, baseUrl, [409]);
    try {
      // Signing in through the real form, on the way to the donor list.
      await page.goto(`${baseUrl}/donors`);
      await page.waitForURL(/\/sign-in\?next=%2Fdonors$/);
      await page.getByLabel('User name').fill(USERNAME);
      await page.getByLabel('Password').fill(PASSWORD);
      await submitForm(page, 'Sign in');
      await page.waitForURL(`${baseUrl}/donors`);
      expect(await page.getByRole('heading', { name: 'Donors', level: 1 }).isVisible()).toBe(true);
      expect(await page.getByTestId('donor-empty').isVisible()).toBe(true);

      // The form, filled in as an officer would.
      await Promise.all([
        page.waitForURL(`${baseUrl}/donors/new`),
        page.getByRole('link', { name: 'New donor' }).click(),
      ]);
      await page.getByLabel('Name', { exact: true }).first().fill('Swiss Confederation');
      await page.getByLabel('Type').selectOption({ label: 'Member State' });
      await page.getByLabel('Country').selectOption({ label: 'Switzerland' });
      await page.getByLabel('Statement language').selectOption({ label: 'French' });
      await page.getByLabel('Statement currency').fill('CHF');
      const firstContact = page.getByRole('group', { name: 'Contact 1' });
      await firstContact.getByLabel('Name').fill('Anna Keller');
      await firstContact.getByLabel('Role').fill('Head of multilateral finance');
      await firstContact.getByLabel('E-mail').fill('anna.keller@example.ch');
      await firstContact.getByLabel('Receives statements').check();
      await submitForm(page, 'Create donor');

      await page.waitForURL(/\/donors\/[0-9a-f-]{36}\?saved=created$/);
      const detailUrl = page.url().split('?')[0];
      expect(await page.getByRole('status').textContent()).toBe('Donor created.');
      expect(await page.getByRole('heading', { name: 'Swiss Confederation' }).isVisible()).toBe(
        true,
      );
      const details = page.getByTestId('donor-details');
      expect(await details.textContent()).toContain('Member State');
      expect(await details.textContent()).toContain('Switzerland (CH)');
      expect(await details.textContent()).toContain('French');
      const contacts = page.getByTestId('donor-contacts');
      expect(await contacts.textContent()).toContain('Anna Keller');
      expect(await contacts.textContent()).toContain('anna.keller@example.ch');
      expect(await page.getByTestId('donor-pledges-empty').isVisible()).toBe(true);
      await page.screenshot({ path: screenshotPath('donor-detail'), fullPage: true });

      // In the list, through the header's link, and found by a search without accents.
      await Promise.all([
        page.waitForURL(`${baseUrl}/donors`),
        page
          .getByRole('navigation', { name: 'Main' })
          .getByRole('link', { name: 'Donors' })
          .click(),
      ]);
      const list = page.getByTestId('donor-list');
      expect(
        await list.getByRole('link', { name: 'Swiss Confederation' }).getAttribute('href'),
      ).toBe(new URL(detailUrl).pathname);
      await page.getByLabel('Name').fill('confederation');
      await submitForm(page, 'Search');
      expect(await page.getByTestId('donor-count').textContent()).toBe('Showing 1–1 of 1');
      await page.screenshot({ path: screenshotPath('donors'), fullPage: true });

      // A near-identical name: the form comes back with the close donor and a confirmation.
      await page.goto(`${baseUrl}/donors/new`);
      await page.getByLabel('Name', { exact: true }).first().fill('The Swiss Confederation');
      await page.getByLabel('Type').selectOption({ label: 'Member State' });
      await submitForm(page, 'Create donor');
      expect(new URL(page.url()).pathname).toBe('/donors');
      const warning = page.getByTestId('donor-duplicates');
      expect(await warning.isVisible()).toBe(true);
      expect(await warning.getByRole('link', { name: 'Swiss Confederation' }).count()).toBe(1);
      expect(await page.getByLabel('Name', { exact: true }).first().inputValue()).toBe(
        'The Swiss Confederation',
      );
      expect(await page.getByLabel('Type').inputValue()).toBe('member_state');
      await page.screenshot({ path: screenshotPath('donors-duplicate'), fullPage: true });

      await page.getByLabel('This is a different donor: create it anyway').check();
      await submitForm(page, 'Create donor');
      await page.waitForURL(/\/donors\/[0-9a-f-]{36}\?saved=created$/);
      expect(await page.getByRole('heading', { name: 'The Swiss Confederation' }).isVisible()).toBe(
        true,
      );
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
