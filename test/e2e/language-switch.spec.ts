import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

describe('the language switch (GET /language)', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db);
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('remembers French in an HttpOnly cookie and goes back to the page', async () => {
    const res = await request(app.getHttpServer()).get(
      '/language?lang=fr&next=/sign-in%3Fnext%3D%252Fpledges',
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/sign-in?next=%2Fpledges');
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).join('\n');
    expect(cookie).toMatch(/tf_lang=fr;/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);

    const page = await request(app.getHttpServer()).get('/sign-in').set('Cookie', 'tf_lang=fr');
    expect(page.text).toContain('<html lang="fr">');
  });

  it.each(['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)'])(
    'never sends the browser to another site (next=%s)',
    async (next) => {
      const res = await request(app.getHttpServer()).get(
        `/language?lang=en&next=${encodeURIComponent(next)}`,
      );
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/');
    },
  );

  it('sets no cookie for a language the interface does not have', async () => {
    const res = await request(app.getHttpServer()).get('/language?lang=de&next=/');
    expect(res.status).toBe(303);
    expect(res.headers['set-cookie']).toBeUndefined();
    const page = await request(app.getHttpServer()).get('/sign-in').set('Cookie', 'tf_lang=de');
    expect(page.text).toContain('<html lang="en">');
  });
});
