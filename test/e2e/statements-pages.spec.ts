import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Page } from 'playwright-core';
import request from 'supertest';
import { APP_CONFIG, AppConfig } from '../../src/config/app-config';
import { StatementBatchesService } from '../../src/statements/batch/statement-batches.service';
import {
  BrowserApp,
  createPasswordUser,
  describeWithBrowser,
  screenshotPath,
  startBrowserApp,
  submitForm,
  watchPage,
} from '../support/browser';
import { accessibilityViolations } from '../support/accessibility';
import { addBankAccount } from '../support/ledger-fixtures';
import { createTestUser } from '../support/test-app';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
type Body = Record<string, any>;

const USERNAME = 'kofi.mensah';
const PASSWORD = 'correct horse battery staple 42';

/** Opens `path` in a new page (in `language`), signing in when asked to. */
async function openAs(harness: BrowserApp, path: string, language: 'en' | 'fr'): Promise<Page> {
  const { browser, baseUrl } = harness;
  const page = await browser.context.newPage();
  // The browser's language: French pages without the switch's cookie.
  await page.setExtraHTTPHeaders({ 'Accept-Language': language === 'fr' ? 'fr-CH, fr' : 'en' });
  await page.goto(`${baseUrl}${path}`);
  if (new URL(page.url()).pathname === '/sign-in') {
    await page.locator('#username').fill(USERNAME);
    await page.locator('#password').fill(PASSWORD);
    await Promise.all([
      page.waitForURL(`${baseUrl}${path}`),
      page.locator('form[action^="/sign-in"] button[type="submit"]').click(),
    ]);
  }
  return page;
}

describeWithBrowser('statement pages in a browser', () => {
  let harness: BrowserApp | undefined;
  let receiptNumber: string;
  let receiptId: string;
  let donorId: string;
  let setupAuth: { Authorization: string };

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
      setupAuth = setup.auth;
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
      donorId = donor.id as string;
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
      receiptId = receipt.id as string;
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

  /**
   * A letter, a statement and a finished batch, made through the API once, for the pages of the
   * next tests (after the first test, whose statement is the first one numbered).
   */
  let made: Promise<{ letter: string; statement: string; batch: string }> | undefined;
  function documents(): Promise<{ letter: string; statement: string; batch: string }> {
    made ??= (async () => {
      const http = () => request(harness!.app.getHttpServer());
      const letter = await http()
        .post('/api/v1/acknowledgements')
        .set(setupAuth)
        .send({ receiptId });
      expect(letter.status).toBe(201);
      const statement = await http().post('/api/v1/donor-statements').set(setupAuth).send({
        donorId,
        fund: 'WSIS-TF',
        from: '2026-01-01',
        to: '2026-06-30',
      });
      expect(statement.status).toBe(201);
      const batch = await http()
        .post('/api/v1/statement-batches')
        .set(setupAuth)
        .send({ fund: 'WSIS-TF', from: '2026-01-01', to: '2026-12-31' });
      expect(batch.status).toBe(202);
      // No job workers in this application: the batch is worked here, as its worker would.
      const id = batch.body.id as string;
      expect(await harness!.app.get(StatementBatchesService).work(id)).toBe('finished');
      const state = await http().get(`/api/v1/statement-batches/${id}`).set(setupAuth);
      expect(state.body.status).toBe('completed');
      return {
        letter: letter.body.id as string,
        statement: statement.body.id as string,
        batch: batch.body.id as string,
      };
    })();
    return made;
  }

  it.each(['en', 'fr'] as const)(
    'shows every statement page in %s, without a serious accessibility violation',
    async (language) => {
      const { letter, statement, batch } = await documents();
      const fr = language === 'fr';
      const preview = new URLSearchParams({
        donorId,
        fund: 'WSIS-TF',
        from: '2026-01-01',
        to: '2026-10-31',
      }).toString();
      const pages: Array<[string, string | RegExp]> = [
        [
          '/statements',
          fr ? 'Relevés et lettres de remerciement' : 'Statements and acknowledgements',
        ],
        [
          '/statements?kind=acknowledgement',
          fr ? 'Relevés et lettres de remerciement' : 'Statements and acknowledgements',
        ],
        [`/statements/preview?${preview}`, fr ? 'Prévisualiser un relevé' : 'Preview a statement'],
        ['/acknowledgements/new', fr ? 'Remercier pour un versement' : 'Acknowledge a receipt'],
        [`/documents/${letter}`, fr ? /^Lettre de remerciement AK-/ : /^Acknowledgement AK-/],
        [`/documents/${statement}`, fr ? /^Relevé ST-/ : /^Statement ST-/],
        ['/statements/batches', fr ? 'Lots de relevés' : 'Statement batches'],
        ['/statements/batches/new', fr ? 'Nouveau lot de relevés' : 'New statement batch'],
        [
          `/statements/batches/${batch}`,
          `${fr ? 'Relevés' : 'Statements'} WSIS-TF, 2026-01-01 – 2026-12-31`,
        ],
      ];
      for (const [path, heading] of pages) {
        const page = await openAs(harness!, path, language);
        const errors = watchPage(page, harness!.baseUrl);
        try {
          const shown = (await page.locator('h1').textContent()) ?? '';
          expect([path, shown]).toEqual([
            path,
            typeof heading === 'string' ? heading : expect.stringMatching(heading),
          ]);
          expect([path, await page.locator('html').getAttribute('lang')]).toEqual([path, language]);
          expect([path, await accessibilityViolations(page)]).toEqual([path, []]);
          expect([path, errors]).toEqual([path, []]);
        } finally {
          await page.close();
        }
      }

      // The receipts to acknowledge show their amounts in the page's language.
      const form = await openAs(harness!, '/acknowledgements/new', language);
      try {
        const options = await form.locator('#receiptId option').allTextContents();
        const receipt = options.find((text) => text.startsWith(receiptNumber));
        expect(receipt).toContain(fr ? '4\u202f000,00\u00a0CHF' : 'CHF 4,000.00');
        expect(receipt).toContain(fr ? '(remercié : AK-' : '(acknowledged: AK-');
      } finally {
        await form.close();
      }
    },
    180_000,
  );

  it('asks in French for the confirmation before a batch, beside the box, keeping what was chosen', async () => {
    const page = await openAs(harness!, '/statements/batches/new', 'fr');
    const errors = watchPage(page, harness!.baseUrl, [422]);
    try {
      await page.getByRole('combobox', { name: 'Langue' }).selectOption('fr');
      await submitForm(page, 'Lancer le lot');
      expect(await page.locator('#confirm-error').textContent()).toBe(
        'cochez la case pour confirmer : les relevés d’un lot sont numérotés et définitifs',
      );
      expect(await page.locator('#confirm').getAttribute('aria-describedby')).toBe('confirm-error');
      const summary = page.getByTestId('statement-batch-form-errors');
      expect(await summary.textContent()).toContain('Le lot n’a pas été lancé.');
      expect(await summary.getByRole('link').getAttribute('href')).toBe('#confirm');
      expect(await page.getByRole('combobox', { name: 'Langue' }).inputValue()).toBe('fr');
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
