import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { Role, ROLES } from '../../src/auth/roles';
import { NAVIGATION, START_PAGES } from '../../src/web/navigation';
import { createPasswordUser } from '../support/browser';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const PASSWORD = 'Narrow-Bridge-Orchard-58';
const FORM_COOKIE = 'tf_sign_in_form';
const SESSION_COOKIE = 'tf_session';

/** `name=value` of cookie `name` set by the answer. */
function cookie(res: request.Response, name: string): string {
  const header = res.headers['set-cookie'] as string[] | string | undefined;
  const line = (Array.isArray(header) ? header : [header ?? '']).find((l) =>
    l.startsWith(`${name}=`),
  );
  if (line === undefined) throw new Error(`no ${name} cookie`);
  return line.split(';')[0];
}

/** The hrefs of the links of the header's main navigation, in order. */
function mainNavigation(html: string): string[] {
  const nav = /<nav class="main-nav" aria-label="Main">([\s\S]*?)<\/nav>/.exec(html);
  if (nav === null) throw new Error('no main navigation on the page');
  return [...nav[1].matchAll(/<a href="([^"]+)"/g)].map((match) => match[1]);
}

describe('navigation by role (HTTP)', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db);
    for (const role of ROLES) {
      await createPasswordUser(app, {
        username: `nav.${role}`,
        password: PASSWORD,
        displayName: `Navigation ${role}`,
        roles: [role],
      });
    }
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  /** Signs in through the form, as a browser would, without asking for a page. */
  async function signIn(username: string): Promise<request.Response> {
    const form = await http().get('/sign-in');
    expect(form.status).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    return http()
      .post('/sign-in')
      .type('form')
      .set('Cookie', cookie(form, FORM_COOKIE))
      .send({ username, password: PASSWORD, _csrf: csrf, next: '' });
  }

  it('shows a visitor the home page, its home link and no page of the fund', async () => {
    const home = await http().get('/');
    expect(home.status).toBe(200);
    expect(mainNavigation(home.text)).toEqual(['/', '/api/docs']);
    expect(home.text).toContain('<a href="/" aria-current="page">Home</a>');
  });

  describe.each(ROLES)('a user with the role %s', (role: Role) => {
    let session: string;
    let shown: string[];

    beforeAll(async () => {
      const res = await signIn(`nav.${role}`);
      expect(res.status).toBe(303);
      // Lands on its own start page, which answers.
      expect(res.headers.location).toBe(START_PAGES[role]);
      session = cookie(res, SESSION_COOKIE);
      const start = await http().get(START_PAGES[role]).set('Cookie', session);
      expect(start.status).toBe(200);
      shown = mainNavigation(start.text);
    });

    it('is sent from / to its start page', async () => {
      const home = await http().get('/').set('Cookie', session);
      expect(home.status).toBe(303);
      expect(home.headers.location).toBe(START_PAGES[role]);
    });

    it('is shown a link to its start page', () => {
      expect(shown).toContain(START_PAGES[role]);
    });

    it('can open every link it is shown', async () => {
      for (const href of shown) {
        const res = await http().get(href).set('Cookie', session);
        expect({ href, status: res.status }).toEqual({ href, status: 200 });
      }
    });

    it('is refused every page it is not shown a link to', async () => {
      const hidden = NAVIGATION.map((item) => item.href).filter(
        (href) => href !== '/' && !shown.includes(href),
      );
      expect(hidden.length).toBeGreaterThan(0);
      for (const href of hidden) {
        const res = await http().get(href).set('Cookie', session);
        expect({ href, status: res.status }).toEqual({ href, status: 403 });
      }
    });
  });
});
