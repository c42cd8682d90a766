import { NestExpressApplication } from '@nestjs/platform-express';
import { reportIndex } from '../../src/reports/index/report-index';
import { authedHttp, createTestApp, TestUsers } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/** Handlebars writes `=` in attributes as &#x3D;. */
const unescape = (text: string) => text.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');

/**
 * The Reports link of every staff page leads to one list of every report, the dashboard and the
 * exports; each entry opens for management, on a database with no activity yet.
 */
describe('the reports page', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let management: ReturnType<typeof authedHttp>;
  let donor: ReturnType<typeof authedHttp>;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db);
    const users = new TestUsers(app);
    management = authedHttp(app, await users.auth('manager.reports', ['management']));
    donor = authedHttp(app, await users.auth('donor.reports', ['donor']));
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('lists every report, and each one opens', async () => {
    const page = await management.get('/reports');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<a href="/reports" aria-current="page">Reports</a>');
    const links = [...page.text.matchAll(/<a href="([^"]+)" data-testid="report-link">([^<]+)</g)];
    const sections = reportIndex('en');
    const entries = sections.flatMap((section) => section.entries);
    expect(links.map((link) => unescape(link[1]))).toEqual(entries.map((entry) => entry.page));
    expect(links.map((link) => link[2])).toEqual(entries.map((entry) => entry.title));
    for (const section of sections) expect(page.text).toContain(section.heading);
    expect(page.text).toContain('<h2 id="reports-section-0">Fund and management</h2>');
    for (const [, href, title] of links) {
      const opened = await management.get(unescape(href));
      expect({ title, status: opened.status }).toEqual({ title, status: 200 });
      expect(opened.headers['content-type']).toMatch(/^text\/html/);
    }
  });

  it('lists the reports in French when the browser asks for French', async () => {
    const page = await management.get('/reports').set('Accept-Language', 'fr-CH, fr;q=0.9');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="fr">');
    expect(page.text).toContain('<h1>Rapports</h1>');
    const titles = [...page.text.matchAll(/data-testid="report-link">([^<]+)</g)].map((m) => m[1]);
    const french = reportIndex('fr').flatMap((section) => section.entries);
    expect(titles).toEqual(french.map((entry) => entry.title));
    expect(titles).toContain('Situation du fonds');
    expect(titles).toContain('Annonces de contribution en souffrance');
    expect(page.text).toContain('<h2 id="reports-section-2">Subventions de participation</h2>');
    expect(page.text).toContain('Formats : page, JSON, CSV, XLSX');
  });

  it('is not for donor users', async () => {
    expect((await donor.get('/reports')).status).toBe(403);
  });
});
