import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { APP_CONFIG, AppConfig } from '../../src/config/app-config';
import { Page } from 'playwright-core';
import { accessibilityViolations } from '../support/accessibility';
import { approve } from '../support/approvals';
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

const USERNAME = 'nadia.haddad';
const PASSWORD = 'correct horse battery staple 42';

/** U+202F between thousands, a comma before the cents: "7 000,00" in French. */
const FRENCH_FIGURE = /\d\u202f\d{3},\d{2}/;

/** Opens `path` in a new page (in `language`), signing in as `username` when asked to. */
async function openAs(
  harness: BrowserApp,
  username: string,
  path: string,
  language: 'en' | 'fr',
): Promise<Page> {
  const { browser, baseUrl } = harness;
  const page = await browser.context.newPage();
  // The browser's language: French pages without the switch's cookie.
  await page.setExtraHTTPHeaders({ 'Accept-Language': language === 'fr' ? 'fr-CH, fr' : 'en' });
  await page.goto(`${baseUrl}${path}`);
  if (new URL(page.url()).pathname === '/sign-in') {
    await page.locator('#username').fill(username);
    await page.locator('#password').fill(PASSWORD);
    await Promise.all([
      page.waitForURL(`${baseUrl}${path}`),
      page.locator('form[action^="/sign-in"] button[type="submit"]').click(),
    ]);
  }
  return page;
}

/**
 * The dashboard of the WSIS Trust Fund for this year: Kingdom of Sweden (Europe) agrees and pays
 * CHF 3,000.00, Nippon Foundation (Asia-Pacific) CHF 4,000.00, both for participation grants;
 * one grant of CHF 2,000.00 to a woman from Nepal (Asia-Pacific) is approved.
 */
describeWithBrowser('management dashboard in a browser', () => {
  let harness: BrowserApp | undefined;
  let donorAuth: { Authorization: string };
  let year: string;

  beforeAll(async () => {
    harness = await startBrowserApp(async (app) => {
      await createPasswordUser(app, {
        username: USERNAME,
        password: PASSWORD,
        displayName: 'Nadia Haddad',
        // Management reads the reports; the audit trail is the auditors' (she is both here).
        roles: ['management', 'auditor'],
      });
      const url = app.get<AppConfig>(APP_CONFIG).database.url!;
      await addBankAccount(url, { code: 'CHF-MAIN', currency: 'CHF', id: randomUUID() });
      const officer = await createTestUser(app, 'setup.officer', ['finance_officer']);
      const approver = await createTestUser(app, 'setup.approver', ['approver']);
      const api = async (path: string, body: Body, status = 201): Promise<Body> => {
        const res = await request(app.getHttpServer()).post(path).set(officer.auth).send(body);
        expect([path, res.status]).toEqual([path, status]);
        return res.body as Body;
      };
      const donors: Record<string, string> = {};
      for (const [key, name, country, type, amount, paidOn] of [
        ['sweden', 'Kingdom of Sweden', 'SE', 'member_state', '3000.00', '2026-03-02'],
        ['nippon', 'Nippon Foundation', 'JP', 'foundation', '4000.00', '2026-04-15'],
      ]) {
        donors[key] = (await api('/api/v1/donors', { name, type, country })).id as string;
        const pledge = await api('/api/v1/pledges', {
          fund: 'WSIS-TF',
          donorId: donors[key],
          earmark: 'PARTICIPATION-GRANTS',
          currency: 'CHF',
          amount,
          announcedOn: '2026-01-10',
          instalments: [{ dueDate: '2026-06-30', amount }],
        });
        await api(
          `/api/v1/pledges/${pledge.id as string}/agreement`,
          { agreedOn: '2026-01-20', documentRef: `AGR-${key}` },
          200,
        );
        await api('/api/v1/receipts', {
          bankAccount: 'CHF-MAIN',
          valueDate: paidOn,
          currency: 'CHF',
          grossAmount: amount,
          donorId: donors[key],
        });
      }
      donorAuth = (await createTestUser(app, 'donor.sweden', ['donor'], [donors.sweden])).auth;

      const { DataSource } = await import('typeorm');
      const sql = app.get(DataSource);
      const [event] = await sql.query<{ id: string }[]>(
        `INSERT INTO grant_event (fund_id, earmark_id, code, name, place, starts_on, ends_on,
           budget_minor, eligibility_rule, offers_full, offers_partial_ticket,
           offers_partial_allowance, offers_remote, remote_amount_minor, created_by)
         SELECT f.id, e.id, 'FORUM', 'WSIS Forum', 'Geneva', '2026-12-07', '2026-12-11',
                1000000, 'ldc-and-developing', true, true, true, true, 50000, 'test'
           FROM fund f JOIN earmark e ON e.fund_id = f.id AND e.code = 'PARTICIPATION-GRANTS'
          WHERE f.code = 'WSIS-TF' RETURNING grant_event.id`,
      );
      const [participant] = await sql.query<{ id: string }[]>(
        `INSERT INTO participant (name, normalized_name, gender, country, organisation,
           stakeholder_group, created_by)
         VALUES ('Sita Sharma', 'sita sharma', 'female', 'NP', 'Ministry', 'government', 'test')
         RETURNING id`,
      );
      const grant = await api('/api/v1/grants', {
        eventId: event.id,
        participantId: participant.id,
        kind: 'full',
        ticket: '1200.00',
        allowance: '800.00',
        decisionDate: '2026-11-20',
      });
      const asked = await api(`/api/v1/grants/${grant.id as string}/approval`, {}, 202);
      expect((await approve(app, asked.id as string, approver.auth)).status).toBe(200);
      const approved = await request(app.getHttpServer())
        .get(`/api/v1/grants/${grant.id as string}`)
        .set(officer.auth);
      const on = (approved.body.steps as Body[]).find((s) => s.kind === 'approved')!.on as string;
      year = on.slice(0, 4);
    });
  }, 120_000);

  afterAll(() => harness?.close());

  it('shows each chart as an image with its title, and its table with the figures', async () => {
    const { browser, baseUrl } = harness!;
    // The history is dated 2026; the grant is approved on the day the test runs.
    expect(year).toBe('2026');
    const page = await browser.context.newPage();
    const errors = watchPage(page, baseUrl);
    try {
      await page.goto(`${baseUrl}/dashboard?fund=WSIS-TF&year=2026`);
      await page.waitForURL(/\/sign-in\?next=/);
      await page.getByLabel('User name').fill(USERNAME);
      await page.getByLabel('Password').fill(PASSWORD);
      await submitForm(page, 'Sign in');
      await page.waitForURL(`${baseUrl}/dashboard?fund=WSIS-TF&year=2026`);

      const expectations: Array<[string, string, string[][]]> = [
        [
          'chart-contributions-year',
          'Contributions by year, 2022–2026',
          [['2026', '7,000.00', '7,000.00']],
        ],
        [
          'chart-contributions-region',
          'Contributions by ITU-D region, 2026',
          [
            ['Asia-Pacific', '1', '4,000.00'],
            ['Europe', '1', '3,000.00'],
          ],
        ],
        [
          'chart-fund-position',
          'Fund position by earmark',
          [['Participation', '7,000.00', '2,000.00', '0.00', '5,000.00']],
        ],
        [
          'chart-grants-region',
          'Participation grants by ITU-D region',
          [['Asia-Pacific', '1', '2,000.00']],
        ],
        ['chart-grants-gender', 'Participation grants by gender', [['Female', '1', '2,000.00']]],
      ];
      for (const [id, title, rows] of expectations) {
        const chart = page.getByRole('img', { name: title });
        await chart.waitFor();
        expect(await chart.getAttribute('id')).toBe(id);
        // Every bar has its value as text inside the chart.
        const values = await chart.locator('text.value').allTextContents();
        expect(values.length).toBeGreaterThan(0);
        const table = page.getByTestId(`${id}-table`);
        expect(await table.locator('caption').textContent()).toContain(title);
        const shown = (await table.locator('tbody tr').allTextContents()).map((row) =>
          row.replace(/\s+/g, ' '),
        );
        for (const cells of rows) {
          const row = shown.find((text) => text.includes(cells[0]));
          expect([id, row]).toEqual([id, expect.any(String)]);
          for (const cell of cells) expect([id, row]).toEqual([id, expect.stringContaining(cell)]);
        }
      }
      // The bars carry the table's figures, written as the table writes them: Nippon's
      // 4,000.00 in the region chart (the bar's data-value keeps the decimal string).
      const regionBars = page.locator('#chart-contributions-region text.value');
      expect(await regionBars.allTextContents()).toEqual(
        expect.arrayContaining(['4,000.00', '3,000.00']),
      );
      expect(
        await page
          .locator('#chart-contributions-region rect.bar')
          .evaluateAll((bars) => bars.map((bar) => bar.getAttribute('data-value'))),
      ).toEqual(expect.arrayContaining(['4000.00', '3000.00']));
      // Two series in one chart are told apart by a legend and patterns, not only colour.
      const legend = await page.locator('#chart-contributions-year .legend-item').allTextContents();
      expect(legend).toEqual(['Pledged (CHF)', 'Received (CHF)']);
      await page.screenshot({ path: screenshotPath('dashboard'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('shows the dashboard in French: chart titles, legends, regions and figures', async () => {
    const page = await openAs(harness!, USERNAME, '/dashboard?fund=WSIS-TF&year=2026', 'fr');
    const errors = watchPage(page, harness!.baseUrl);
    // The figures are as of the end of 2026, or today while 2026 lasts.
    const today = new Date().toISOString().slice(0, 10);
    const asOf = today < '2026-12-31' ? today : '2026-12-31';
    try {
      expect(await page.locator('html').getAttribute('lang')).toBe('fr');
      expect(await page.locator('h1').textContent()).toBe('Tableau de bord de gestion');
      for (const [id, title] of [
        ['chart-contributions-year', 'Contributions par année, 2022–2026'],
        ['chart-contributions-region', 'Contributions par région UIT-D, 2026'],
        ['chart-fund-position', `Situation du fonds par affectation, au ${asOf}`],
        ['chart-grants-region', `Subventions de participation par région UIT-D, au ${asOf}`],
        ['chart-grants-gender', `Subventions de participation par genre, au ${asOf}`],
      ]) {
        const chart = page.getByRole('img', { name: title });
        expect([title, await chart.getAttribute('id')]).toEqual([title, id]);
        expect(await page.locator(`#${id}-heading`).textContent()).toBe(title);
      }
      expect(
        await page.locator('#chart-contributions-year .legend-item').allTextContents(),
      ).toEqual(['Annoncé (CHF)', 'Reçu (CHF)']);
      expect(await page.locator('#chart-contributions-year desc').textContent()).toContain(
        'Annoncé (convenu) et reçu par année en CHF',
      );
      // The bars and the tables write the figures the French way: 4 000,00.
      expect(
        await page.locator('#chart-contributions-region text.value').allTextContents(),
      ).toEqual(expect.arrayContaining(['4\u202f000,00', '3\u202f000,00']));
      const asia = page
        .getByTestId('chart-contributions-region-table')
        .locator('tbody tr')
        .filter({ hasText: 'Asie-Pacifique' });
      expect(await asia.locator('th, td').allTextContents()).toEqual([
        'Asie-Pacifique',
        '1',
        '4\u202f000,00',
        '57,14',
      ]);
      expect(
        await page.getByTestId('chart-grants-gender-table').locator('tbody th').allTextContents(),
      ).toEqual(['Femme']);
      expect(
        await page.getByTestId('chart-fund-position-table').locator('thead th').allTextContents(),
      ).toContain('Solde disponible');
      await page.screenshot({ path: screenshotPath('dashboard-fr'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  // Each page of the reports, in English and in French, with data: French headings and
  // figures, and no serious or critical accessibility violation.
  const REPORT_PAGES: Array<{ path: string; en: string; fr: string; figures: boolean }> = [
    { path: '/reports', en: 'Reports', fr: 'Rapports', figures: false },
    {
      path: '/dashboard?fund=WSIS-TF&year=2026',
      en: 'Management dashboard',
      fr: 'Tableau de bord de gestion',
      figures: true,
    },
    {
      path: '/reports/fund-position?fund=WSIS-TF',
      en: 'Fund position',
      fr: 'Situation du fonds',
      figures: true,
    },
    {
      path: '/reports/contributions?groupBy=region&from=2026-01-01&to=2026-12-31',
      en: 'Contributions',
      fr: 'Contributions',
      figures: true,
    },
    {
      path: '/reports/outstanding-pledges?asOf=2026-05-31',
      en: 'Outstanding pledges',
      fr: 'Annonces de contribution en souffrance',
      figures: false,
    },
    {
      path: '/reports/cash-forecast?asOf=2026-01-31',
      en: 'Cash forecast',
      fr: 'Prévision de trésorerie',
      figures: true,
    },
    {
      path: '/exports',
      en: 'Exports in open formats',
      fr: 'Exportations dans des formats ouverts',
      figures: false,
    },
    { path: '/audit', en: 'Audit trail', fr: 'Piste d’audit', figures: false },
  ];

  it.each(['en', 'fr'] as const)(
    'shows every report page in %s without a serious accessibility violation',
    async (language) => {
      for (const { path, en, fr, figures } of REPORT_PAGES) {
        const page = await openAs(harness!, USERNAME, path, language);
        const errors = watchPage(page, harness!.baseUrl);
        try {
          expect([path, await page.locator('h1').textContent()]).toEqual([
            path,
            language === 'fr' ? fr : en,
          ]);
          expect([path, await page.locator('html').getAttribute('lang')]).toEqual([path, language]);
          if (figures) {
            const text = (await page.locator('main').textContent()) ?? '';
            expect([path, FRENCH_FIGURE.test(text)]).toEqual([path, language === 'fr']);
          }
          expect([path, await accessibilityViolations(page)]).toEqual([path, []]);
          expect([path, errors]).toEqual([path, []]);
        } finally {
          await page.close();
        }
      }
    },
    180_000,
  );

  it('refuses the dashboard to a donor user', async () => {
    const res = await request(harness!.app.getHttpServer()).get('/dashboard').set(donorAuth);
    expect(res.status).toBe(403);
  });
});
