import { randomUUID } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Page } from 'playwright-core';
import request from 'supertest';
import { todayUtc } from '../../src/common/calendar-date';
import { APP_CONFIG, AppConfig } from '../../src/config/app-config';
import { accessibilityViolations } from '../support/accessibility';
import { approve } from '../support/approvals';
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
import { addBankAccount } from '../support/ledger-fixtures';
import { createTestUser } from '../support/test-app';

const USERNAME = 'meron.officer';
const PASSWORD = 'Amber-Harbour-Lantern-58';

type Auth = { Authorization: string };
type Created = Record<string, unknown> & { id: string };

/** Axe on twenty-odd pages in a language takes about a minute. */
const LANGUAGE_TIMEOUT = 180_000;

/**
 * A grant paid out, so that its page has every section (attributions, ledger entries, the
 * settlement and its confirmation): an event and a participant, a pledge received on the
 * participation-grants earmark, the grant requested, approved by another person and disbursed.
 */
async function grantPaidOut(
  app: NestExpressApplication,
): Promise<{ eventId: string; participantId: string; grantId: string }> {
  const officer = (await createTestUser(app, 'setup.officer', ['finance_officer'])).auth;
  const approver = (await createTestUser(app, 'setup.approver', ['approver'])).auth;
  const post = async (path: string, body: object, status: number, as: Auth = officer) => {
    const res = await request(app.getHttpServer()).post(path).set(as).send(body);
    if (res.status !== status) throw new Error(`${path}: ${res.status} ${res.text}`);
    return res.body as Created;
  };
  const url = app.get<AppConfig>(APP_CONFIG).database.url!;
  await addBankAccount(url, { code: 'CHF-MAIN', currency: 'CHF', id: randomUUID() });
  const rate = { currency: 'CHF', effectiveFrom: '2026-01-01', unitsPerUsd: '0.8000' };
  await post('/api/v1/exchange-rates', rate, 201);
  const donor = await post('/api/v1/donors', { name: 'Sweden', type: 'member_state' }, 201);
  const pledge = await post(
    '/api/v1/pledges',
    {
      fund: 'WSIS-TF',
      donorId: donor.id,
      earmark: 'PARTICIPATION-GRANTS',
      currency: 'CHF',
      amount: '5000.00',
      announcedOn: '2026-01-10',
      instalments: [{ dueDate: '2026-06-30', amount: '5000.00' }],
    },
    201,
  );
  const agreement = { agreedOn: '2026-01-20', documentRef: 'SE/WSIS/2026/1' };
  await post(`/api/v1/pledges/${pledge.id}/agreement`, agreement, 200);
  const receipt = {
    bankAccount: 'CHF-MAIN',
    valueDate: '2026-03-02',
    currency: 'CHF',
    grossAmount: '5000.00',
    donorId: donor.id,
  };
  await post('/api/v1/receipts', receipt, 201);
  const event = await post(
    '/api/v1/grant-events',
    {
      code: 'WSIS-FORUM-2026',
      name: 'WSIS Forum 2026',
      place: 'Geneva, Switzerland',
      startsOn: '2026-12-07',
      endsOn: '2026-12-11',
      budget: '150000.00',
      eligibilityRule: 'ldc-and-developing',
      offers: { full: true, partialTicket: true, partialAllowance: true, remote: false },
    },
    201,
  );
  const participant = await post(
    '/api/v1/participants',
    {
      name: 'Hana Tesfaye',
      gender: 'female',
      country: 'ET',
      organisation: 'Ministry of ICT',
      stakeholderGroup: 'government',
    },
    201,
  );
  const grant = await post(
    '/api/v1/grants',
    {
      eventId: event.id,
      participantId: participant.id,
      kind: 'partial-ticket',
      ticket: '1450.00',
      decisionDate: '2026-11-20',
    },
    201,
  );
  const asked = await post(`/api/v1/grants/${grant.id}/approval`, {}, 202);
  const approved = await approve(app, asked.id, approver);
  if (approved.status !== 200) throw new Error(`approval: ${approved.status} ${approved.text}`);
  const disbursement = { date: todayUtc(), bankAccount: 'CHF-MAIN' };
  await post(`/api/v1/grants/${grant.id}/disbursement`, disbursement, 200);
  return { eventId: event.id, participantId: participant.id, grantId: grant.id };
}

describeWithBrowser(
  'grant, event and participant pages in English and French, in a browser',
  () => {
    let harness: BrowserApp | undefined;
    let browser: BrowserSession | undefined;
    let baseUrl: string;
    let ids: { eventId: string; participantId: string; grantId: string };

    beforeAll(async () => {
      harness = await startBrowserApp(async (app) => {
        await createPasswordUser(app, {
          username: USERNAME,
          password: PASSWORD,
          displayName: 'Meron Alemu',
          roles: ['finance_officer'],
        });
        ids = await grantPaidOut(app);
      });
      ({ browser, baseUrl } = harness);
    });

    afterAll(() => harness?.close());

    /** Chooses the language with the header's switch, as a user would, on the page shown. */
    async function chooseLanguage(page: Page, name: 'English' | 'Français'): Promise<void> {
      await Promise.all([
        page.waitForLoadState('load'),
        page.getByRole('link', { name, exact: true }).first().click(),
      ]);
    }

    /** Opens the grant list, signing in through the form unless the session already is. */
    async function signIn(page: Page): Promise<void> {
      await page.goto(`${baseUrl}/grants`);
      if (!new URL(page.url()).pathname.startsWith('/sign-in')) return;
      await page.getByLabel('User name').fill(USERNAME);
      await page.getByLabel('Password').fill(PASSWORD);
      await submitForm(page, 'Sign in');
      await page.waitForURL(`${baseUrl}/grants`);
    }

    async function expectAccessible(page: Page, where: string, lang: string): Promise<void> {
      expect({ where, lang, violations: await accessibilityViolations(page) }).toEqual({
        where,
        lang,
        violations: [],
      });
    }

    const LANGUAGES = [
      { name: 'English', lang: 'en' },
      { name: 'Français', lang: 'fr' },
    ] as const;

    it.each(LANGUAGES)(
      'has no serious accessibility violation on any of the pages or forms in $name',
      async ({ name, lang }) => {
        const en = lang === 'en';
        const page = await browser!.context.newPage();
        const errors = watchPage(page, baseUrl, [422]);
        try {
          await signIn(page);
          await chooseLanguage(page, name);
          const pages: Array<[string, string, string]> = [
            ['/grants', 'Participation grants', 'Subventions de participation'],
            [
              '/grants/new',
              'Request a participation grant',
              'Demander une subvention de participation',
            ],
            [`/grants/${ids.grantId}`, 'Grant GR-', 'Subvention GR-'],
            ['/grant-events', 'Events and programmes', 'Manifestations et programmes'],
            ['/grant-events/new', 'New event or programme', 'Nouvelle manifestation'],
            [
              `/grant-events/${ids.eventId}`,
              'WSIS-FORUM-2026 — WSIS Forum 2026',
              'WSIS-FORUM-2026',
            ],
            ['/participants', 'Participants', 'Participant·es'],
            ['/participants/new', 'New participant', 'Nouvelle ou nouveau participant·e'],
            [`/participants/${ids.participantId}`, 'Hana Tesfaye', 'Hana Tesfaye'],
            [
              '/reports/grant-figures',
              'Participation grant figures',
              'Chiffres des subventions de participation',
            ],
          ];
          for (const [path, english, french] of pages) {
            await page.goto(`${baseUrl}${path}`);
            expect(await page.locator('html').getAttribute('lang')).toBe(lang);
            const heading = await page.getByRole('heading', { level: 1 }).textContent();
            expect({ path, heading }).toEqual({
              path,
              heading: expect.stringContaining(en ? english : french),
            });
            await expectAccessible(page, path, lang);
          }

          // The grant's page, its amounts in the language, with the settlement form open.
          await page.goto(`${baseUrl}/grants/${ids.grantId}`);
          expect(await page.getByTestId('grant-amount').textContent()).toBe(
            en ? 'CHF 1,450.00' : '1\u202f450,00\u00a0CHF',
          );
          await page.locator('summary', { hasText: en ? 'Settle' : 'Solder' }).click();
          expect(await page.locator('#settlement-confirm').isVisible()).toBe(true);
          await expectAccessible(page, 'settlement form', lang);

          // Forms sent back with their errors: messages beside the fields, input kept, accessible.
          const typed = en ? 'a lot' : 'beaucoup';
          await page.goto(`${baseUrl}/grants/new`);
          await page.locator('#ticket').fill(typed);
          await submitForm(page, en ? 'Record' : 'Enregistrer');
          expect(await page.locator('#eventId').getAttribute('aria-invalid')).toBe('true');
          expect(await page.locator('#eventId-error').textContent()).toBe(
            en ? 'eventId must be a UUID' : 'Choisissez une manifestation.',
          );
          expect(await page.locator('#ticket').inputValue()).toBe(typed);
          await expectAccessible(page, 'grant form with errors', lang);

          const budget = en ? '1,000.00' : '1 000,00';
          await page.goto(`${baseUrl}/grant-events/new`);
          await page.locator('#budget').fill(budget);
          await submitForm(page, en ? 'Set up event' : 'Créer la manifestation');
          expect(await page.locator('#code').getAttribute('aria-invalid')).toBe('true');
          expect(await page.locator('#budget').inputValue()).toBe(budget);
          await expectAccessible(page, 'event form with errors', lang);

          await page.goto(`${baseUrl}/participants/new`);
          await submitForm(page, en ? 'Record participant' : 'Enregistrer');
          expect(await page.locator('#gender').getAttribute('aria-invalid')).toBe('true');
          expect(await page.locator('#gender-error').textContent()).toBe(
            en
              ? 'gender must be one of female, male, non-binary, not-disclosed'
              : 'Choisissez un genre (ou « Non communiqué »).',
          );
          await expectAccessible(page, 'participant form with errors', lang);
          await page.screenshot({
            path: screenshotPath(`participant-form-${lang}`),
            fullPage: true,
          });
          expect(errors).toEqual([]);
        } finally {
          await chooseLanguage(page, 'English').catch(() => undefined);
          await page.close();
        }
      },
      LANGUAGE_TIMEOUT,
    );
  },
);
