import { Page } from 'playwright-core';
import request from 'supertest';
import { DonorsService } from '../../src/donors/donors.service';
import { accessibilityViolations } from '../support/accessibility';
import {
  BrowserApp,
  BrowserSession,
  createPasswordUser,
  describeWithBrowser,
  screenshotPath,
  startBrowserApp,
  submitForm,
  watchPage,
} from '../support/browser';
import { createTestUser } from '../support/test-app';

const APPROVER = { username: 'lucia.approver', password: 'Cobalt-Meadow-Tunnel-91' };

describeWithBrowser('the approvals inbox in a browser', () => {
  let harness: BrowserApp | undefined;
  let browser: BrowserSession | undefined;
  let baseUrl: string;
  const pledges: Array<{ id: string; reference: string }> = [];

  beforeAll(async () => {
    harness = await startBrowserApp(async (app) => {
      await createPasswordUser(app, {
        ...APPROVER,
        displayName: 'Lucia Rossi',
        roles: ['approver'],
      });
      const maker = await createTestUser(app, 'meron.officer', ['finance_officer']);
      const post = async (url: string, body: object): Promise<request.Response> => {
        const res = await request(app.getHttpServer()).post(url).set(maker.auth).send(body);
        if (res.status >= 300) throw new Error(`${url}: ${res.status} ${JSON.stringify(res.body)}`);
        return res;
      };
      await post('/api/v1/exchange-rates', {
        currency: 'CHF',
        effectiveFrom: '2026-01-01',
        unitsPerUsd: '0.8000',
      });
      const system = { id: 'system:test', roles: ['finance_officer' as const], donorIds: [] };
      // Two agreed pledges, each asked to be written off: one is approved here, one stays.
      for (const [name, amount] of [
        ['Kingdom of Norway', '12500.00'],
        ['Republic of Korea', '4000.00'],
      ]) {
        const donor = await app.get(DonorsService).create(system, { name, type: 'member_state' });
        const pledge = await post('/api/v1/pledges', {
          fund: 'WSIS-TF',
          donorId: donor.id,
          currency: 'CHF',
          amount,
          announcedOn: '2026-01-15',
          instalments: [{ dueDate: '2026-06-30', amount }],
        });
        await post(`/api/v1/pledges/${pledge.body.id}/agreement`, {
          agreedOn: '2026-02-10',
          documentRef: `AGR-${pledge.body.reference}`,
        });
        await post(`/api/v1/pledges/${pledge.body.id}/write-off`, {
          date: '2026-10-31',
          reason: `${name}: agreement lapsed, confirmed by the permanent mission`,
        });
        pledges.push({ id: pledge.body.id, reference: pledge.body.reference });
      }
    });
    ({ browser, baseUrl } = harness);
  });

  afterAll(() => harness?.close());

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${baseUrl}/approvals`);
    await page.waitForURL(/\/sign-in\?next=/);
    await page.getByLabel('User name').fill(APPROVER.username);
    await page.getByLabel('Password').fill(APPROVER.password);
    await submitForm(page, 'Sign in');
    await page.waitForURL(`${baseUrl}/approvals`);
  }

  it('an approver reads a request, confirms and approves it; the page is accessible in English and French', async () => {
    const page = await browser!.context.newPage();
    const errors = watchPage(page, baseUrl, [422]);
    try {
      await signIn(page);
      expect(await page.getByTestId('approval-heading').textContent()).toBe('Pending (2)');
      expect(await accessibilityViolations(page)).toEqual([]);

      // The oldest first; its details tell what approving it will do.
      const [norway, korea] = pledges;
      const row = page.getByTestId('approval-row').filter({ hasText: norway.reference });
      expect(await page.getByTestId('approval-row').first().getAttribute('data-id')).toBe(
        await row.getAttribute('data-id'),
      );
      expect(await row.getByTestId('approval-kind').textContent()).toBe('Pledge write-off');
      expect(await row.getByTestId('approval-maker').textContent()).toBe('meron.officer');
      const details = row.getByTestId('approval-payload');
      await details.getByText('What approving it will do').click();
      expect(await details.getAttribute('open')).toBe('');
      const donor = details.getByRole('link', { name: 'Kingdom of Norway' });
      expect(await donor.isVisible()).toBe(true);
      expect(await donor.getAttribute('href')).toMatch(/^\/donors\/[0-9a-f-]{36}$/);
      expect(await details.locator('dd').allTextContents()).toEqual([
        norway.reference,
        'Kingdom of Norway',
        'CHF 12,500.00',
        'CHF 12,500.00',
        '2026-10-31',
        'Kingdom of Norway: agreement lapsed, confirmed by the permanent mission',
      ]);
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.screenshot({ path: screenshotPath('approvals-inbox'), fullPage: true });

      // Approve without confirming: nothing is done, the reason is beside the box.
      await row.getByLabel('Comment').fill('Lapsed for two years');
      await Promise.all([
        page.waitForLoadState('load'),
        row.getByRole('button', { name: 'Approve', exact: true }).click(),
      ]);
      const refused = page.getByTestId('approval-row').filter({ hasText: norway.reference });
      const confirm = refused.getByLabel('I confirm the approval');
      expect(await confirm.getAttribute('aria-invalid')).toBe('true');
      expect(await refused.locator('.field-error').textContent()).toBe(
        'tick the box to confirm: an approval is executed at once and cannot be undone',
      );
      expect(await refused.getByLabel('Comment').inputValue()).toBe('Lapsed for two years');
      expect(await accessibilityViolations(page)).toEqual([]);

      // Confirmed: approved, executed, recalled among the decisions.
      await confirm.check();
      await Promise.all([
        page.waitForURL(`${baseUrl}/approvals?done=approved`),
        refused.getByRole('button', { name: 'Approve', exact: true }).click(),
      ]);
      expect(await page.getByTestId('approval-notice').textContent()).toBe(
        'Approved: the request was executed.',
      );
      expect(await page.getByTestId('approval-heading').textContent()).toBe('Pending (1)');
      const decided = page
        .getByTestId('approval-decided-row')
        .filter({ hasText: norway.reference });
      expect(await decided.getAttribute('data-status')).toBe('executed');
      expect(await decided.textContent()).toContain('Lucia Rossi');
      expect(await decided.textContent()).toContain('Lapsed for two years');
      await page.goto(`${baseUrl}/pledges/${norway.id}`);
      expect(await page.getByTestId('pledge-status').getAttribute('data-status')).toBe(
        'written-off',
      );

      // In French, with the header's switch.
      await page.goto(`${baseUrl}/approvals`);
      await Promise.all([
        page.waitForLoadState('load'),
        page.getByRole('link', { name: 'Français', exact: true }).first().click(),
      ]);
      expect(await page.locator('html').getAttribute('lang')).toBe('fr');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Approbations');
      const other = page.getByTestId('approval-row').filter({ hasText: korea.reference });
      expect(await other.getByTestId('approval-kind').textContent()).toBe(
        'Passage en pertes d’une annonce de contribution',
      );
      await other.getByText('Ce que l’approbation exécutera').click();
      expect(await other.locator('dd').nth(2).textContent()).toBe('4\u202f000,00\u00a0CHF');
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await page
        .getByRole('link', { name: 'English', exact: true })
        .first()
        .click()
        .catch(() => undefined);
      await page.close();
    }
  });
});
