import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { authedHttp, createTestApp, TestUsers } from '../support/test-app';
import { ReferenceController } from '../../src/reference/reference.controller';
import { createTestDatabase, TestDatabase, testEngine } from '../support/test-database';

const onServer = testEngine() === 'postgres' ? it : it.skip;

interface StatusBody {
  id: string;
  kind: string;
  validFrom: string;
  validTo: string | null;
  current: boolean;
  supersedesId: string | null;
  supersededById: string | null;
  reason: string | null;
  recordedBy: string;
  recordedAt: string;
}

describe(`${ReferenceController.name} (/api/v1/countries)`, () => {
  let db: TestDatabase;
  let app: NestExpressApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db);
    users = new TestUsers(app);
    defaultAuth = await users.auth('admin', ['admin']);
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  let users: TestUsers;
  let defaultAuth: { Authorization: string };
  const http = () => authedHttp(app, defaultAuth);

  function expectProblem(res: request.Response, status: number, code: string): void {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: `/problems/${code}`, status, code });
    expect(res.body.detail).toEqual(expect.any(String));
  }

  const codes = (res: request.Response): string[] =>
    (res.body as { alpha2: string }[]).map((c) => c.alpha2);
  const fields = (res: request.Response): string[] =>
    (res.body.errors as { field: string }[]).map((e) => e.field);

  const ldcStatuses = async (code: string): Promise<StatusBody[]> =>
    ((await http().get(`/api/v1/countries/${code}`)).body.statuses as StatusBody[]).filter(
      (s) => s.kind === 'ldc',
    );

  describe('reading', () => {
    it('lists the 44 LDCs of 31 December 2024', async () => {
      const res = await http().get('/api/v1/countries').query({ ldcOn: '2024-12-31' });
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(44);
      expect(codes(res)).toContain('BD');
    });

    it('filters by ITU-D region and membership', async () => {
      const res = await http()
        .get('/api/v1/countries')
        .query({ region: 'Arab States', ituMember: 'true' });
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(21);
      const regions = new Set((res.body as { region: string }[]).map((c) => c.region));
      expect([...regions]).toEqual(['Arab States']);
      const all = await http().get('/api/v1/countries');
      expect(all.body).toHaveLength(250);
    });

    it('lists developing countries on a date, LDCs included, developed ones not', async () => {
      const res = await http().get('/api/v1/countries').query({ developingOn: '2025-06-30' });
      expect(codes(res)).toEqual(expect.arrayContaining(['BD', 'IN', 'CI', 'BT']));
      expect(codes(res)).not.toContain('CH');
    });

    it("gives a country's names in the six UN languages, region, status and history", async () => {
      const res = await http().get('/api/v1/countries/civ').query({ on: '2025-01-01' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        alpha2: 'CI',
        alpha3: 'CIV',
        names: { zh: '科特迪瓦', ar: 'ساحل العاج', en: "Cote d'Ivoire", es: 'Costa de Marfil' },
        ituMember: true,
        region: 'Africa',
        on: '2025-01-01',
        ldc: false,
        developing: true,
      });
      expect(res.body.statuses).toEqual([
        expect.objectContaining({ kind: 'developing', validTo: null, current: true }),
      ]);
      expect(res.body.regions).toEqual([expect.objectContaining({ region: 'Africa' })]);
    });

    it('answers an unknown country with 404 problem+json', async () => {
      expectProblem(await http().get('/api/v1/countries/QQ'), 404, 'unknown-country');
      expectProblem(
        await http().post('/api/v1/countries/QQ/statuses').send({
          kind: 'ldc',
          validFrom: '2030-01-01',
          source: 'x',
        }),
        404,
        'unknown-country',
      );
    });

    it.each([
      ['/api/v1/countries?ldcOn=2024-02-30', 'ldcOn'],
      ['/api/v1/countries?developingOn=31.12.2024', 'developingOn'],
      ['/api/v1/countries/BD?on=2026-13-01', 'on'],
      ['/api/v1/countries?region=Oceania', 'region'],
      ['/api/v1/countries?ituMember=yes', 'ituMember'],
    ])('answers a bad query (%s) with 422 naming the field', async (url, field) => {
      const res = await http().get(url);
      expectProblem(res, 422, 'validation-failed');
      expect(fields(res)).toEqual([field]);
    });
  });

  describe('changing a graduation date', () => {
    it('defers Bangladesh: a new record supersedes the seeded one, with who/when/why', async () => {
      const before = await http().get('/api/v1/countries/BD').query({ on: '2026-11-24' });
      expect(before.body.ldc).toBe(false);
      const [seeded] = await ldcStatuses('BD');
      expect(seeded).toMatchObject({ validTo: '2026-11-24', current: true });

      const res = await http()
        .post(`/api/v1/countries/BD/statuses/${seeded.id}/supersede`)
        .set(await users.auth('admin.erd', ['admin']))
        .send({
          validTo: '2029-11-24',
          source: 'UN General Assembly resolution deferring the graduation of Bangladesh (test)',
          reason: 'Preparatory period extended by three years at the request of Bangladesh',
        });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        kind: 'ldc',
        validFrom: seeded.validFrom,
        validTo: '2029-11-24',
        current: true,
        supersedesId: seeded.id,
        reason: 'Preparatory period extended by three years at the request of Bangladesh',
        recordedBy: 'admin.erd',
      });
      expect(Date.parse(res.body.recordedAt)).toBeGreaterThan(Date.parse(seeded.recordedAt));

      const after = await http().get('/api/v1/countries/BD').query({ on: '2026-11-24' });
      expect(after.body.ldc).toBe(true);
      expect(after.body.developing).toBe(true);
      const history = await ldcStatuses('BD');
      expect(history).toEqual([
        expect.objectContaining({
          id: seeded.id,
          validTo: '2026-11-24',
          current: false,
          supersededById: res.body.id,
          recordedBy: 'migration:ReferenceData1764400000000',
        }),
        expect.objectContaining({ id: res.body.id, validTo: '2029-11-24', current: true }),
      ]);
      const ldcs = await http().get('/api/v1/countries').query({ ldcOn: '2026-11-24' });
      expect(codes(ldcs)).toContain('BD');
    });

    onServer(
      'lets only one of two simultaneous corrections of a record through (needs a PostgreSQL server: PGlite runs one transaction at a time)',
      async () => {
        const [laos] = await ldcStatuses('LA');
        const correct = (validTo: string) =>
          http()
            .post(`/api/v1/countries/LA/statuses/${laos.id}/supersede`)
            .send({ validTo, source: 'concurrency test', reason: `deferred to ${validTo}` });
        const answers = await Promise.all([correct('2028-11-24'), correct('2029-11-24')]);
        expect(answers.map((res) => res.status).sort()).toEqual([201, 409]);
        const history = await ldcStatuses('LA');
        expect(history).toHaveLength(2);
        expect(history.filter((row) => row.current)).toHaveLength(1);
      },
    );

    it('refuses to supersede the same record twice with 409', async () => {
      const [original] = await ldcStatuses('BD');
      const res = await http()
        .post(`/api/v1/countries/BD/statuses/${original.id}/supersede`)
        .send({ validTo: '2030-01-01', source: 'x', reason: 'y' });
      expectProblem(res, 409, 'country-status-superseded');
    });

    it('requires a source and a reason', async () => {
      const [nepal] = await ldcStatuses('NP');
      const res = await http()
        .post(`/api/v1/countries/NP/statuses/${nepal.id}/supersede`)
        .send({ validTo: '2029-11-24', source: '  ' });
      expectProblem(res, 422, 'validation-failed');
      expect([...new Set(fields(res))].sort()).toEqual(['reason', 'source']);
    });

    it('refuses a validTo that is not after validFrom with 422', async () => {
      const res = await http().post('/api/v1/countries/CH/statuses').send({
        kind: 'developing',
        validFrom: '2030-01-01',
        validTo: '2029-01-01',
        source: 'test',
      });
      expectProblem(res, 422, 'validation-failed');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'validTo' })]);
      const [nepal] = await ldcStatuses('NP');
      const superseding = await http()
        .post(`/api/v1/countries/NP/statuses/${nepal.id}/supersede`)
        .send({ validFrom: '2026-11-24', validTo: '2026-11-24', source: 's', reason: 'r' });
      expectProblem(superseding, 422, 'validation-failed');
    });

    it('refuses an unknown status record with 404', async () => {
      const res = await http()
        .post('/api/v1/countries/NP/statuses/987654/supersede')
        .send({ validTo: '2029-11-24', source: 's', reason: 'r' });
      expectProblem(res, 404, 'country-status-not-found');
    });

    it('adds a status period and refuses one overlapping a current period with 409', async () => {
      const added = await http()
        .post('/api/v1/countries/XK/statuses')

        .send({
          kind: 'developing',
          validFrom: '2027-01-01',
          source: 'Test: hypothetical classification',
          note: 'test',
        });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ validTo: null, current: true, recordedBy: 'admin' });
      const overlap = await http().post('/api/v1/countries/XK/statuses').send({
        kind: 'developing',
        validFrom: '2026-01-01',
        validTo: '2027-01-02',
        source: 'Test',
      });
      expectProblem(overlap, 409, 'country-status-overlap');
    });

    it("records a change of a country's ITU-D region from a date, keeping the old one", async () => {
      const res = await http().post('/api/v1/countries/MD/regions').send({
        region: 'CIS',
        validFrom: '2030-01-01',
        source: 'Test',
        reason: 'Hypothetical move',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        region: 'CIS',
        validFrom: '2030-01-01',
        reason: 'Hypothetical move',
      });
      const before = await http().get('/api/v1/countries/MD').query({ on: '2029-12-31' });
      const after = await http().get('/api/v1/countries/MD').query({ on: '2030-01-01' });
      expect([before.body.region, after.body.region]).toEqual(['Europe', 'CIS']);
      expect(after.body.regions).toHaveLength(2);
    });
  });
});
