import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every route Express knows, as "get /api/v1/info". */
function registeredRoutes(app: NestExpressApplication): string[] {
  const router = (app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } })
    .router;
  return router.stack
    .filter((layer) => layer.route !== undefined)
    .flatMap((layer) =>
      Object.keys(layer.route!.methods).map((method) => `${method} ${layer.route!.path}`),
    );
}

describe('OpenAPI document', () => {
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

  it('is served as JSON at /api/docs-json and is an OpenAPI 3 document', async () => {
    const res = await request(app.getHttpServer()).get('/api/docs-json');
    expect(res.status).toBe(200);
    const doc = JSON.parse(res.text) as { openapi: string; info: { title: string }; paths: object };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toMatch(/trust-fund/i);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/info', '/health/ready']),
    );
  });

  it('documents every API route the application serves', async () => {
    const doc = (await request(app.getHttpServer()).get('/api/docs-json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const served = registeredRoutes(app).filter((r) => / \/(api\/v1|health)\//.test(r));
    expect(served.length).toBeGreaterThan(0);
    expect(documented.sort()).toEqual(expect.arrayContaining(served.sort()));
  });

  it('keeps the server-rendered pages out of the API document', async () => {
    const doc = (await request(app.getHttpServer()).get('/api/docs-json')).body as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).not.toContain('/');
  });

  it('serves the interactive documentation at /api/docs', async () => {
    const res = await request(app.getHttpServer()).get('/api/docs');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/swagger-ui/i);
  });
});
