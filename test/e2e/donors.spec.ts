import { NestExpressApplication } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { createTestApp, createTestUser, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase, testEngine } from '../support/test-database';

const onServer = testEngine() === 'postgres' ? it : it.skip;

type Auth = { Authorization: string };

interface FieldErrorBody {
  field: string;
  rule: string;
  reason: string;
}

describe('donors through the API', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let officer: Auth;
  let admin: Auth;
  let manager: Auth;
  let auditor: Auth;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    const users = new TestUsers(app);
    officer = await users.auth('officer.a', ['finance_officer']);
    admin = await users.auth('admin.a', ['admin']);
    manager = await users.auth('manager.a', ['management']);
    auditor = await users.auth('auditor.a', ['auditor']);
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  const http = () => request(app.getHttpServer());
  const create = (body: Record<string, unknown>, auth: Auth = officer) =>
    http().post('/api/v1/donors').set(auth).send(body);
  const created = async (body: Record<string, unknown>): Promise<{ id: string }> => {
    const res = await create(body);
    expect(res.status).toBe(201);
    return res.body as { id: string };
  };
  const donorCount = async (): Promise<number> =>
    (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM donor')).rows[0].n;
  const auditOf = async (id: string) =>
    (
      await sql.query<{ action: string; actor: string; before: unknown; after: unknown }>(
        `SELECT action, actor, before, after FROM audit_log
          WHERE entity_type = 'donor' AND entity_id = $1 ORDER BY id`,
        [id],
      )
    ).rows;
  const fields = (body: { errors?: FieldErrorBody[] }) =>
    (body.errors ?? []).map((error) => `${error.field}:${error.rule}`).sort();

  describe('create', () => {
    it('records a donor with its contacts, and the audit trail says who did it', async () => {
      const res = await create({
        name: '  Kingdom of Norway ',
        type: 'member_state',
        country: 'NO',
        statementLanguage: 'en',
        statementCurrency: 'NOK',
        contacts: [
          {
            name: 'Ingrid Berg',
            email: 'ingrid.berg@example.no',
            role: 'Counsellor',
            receivesStatements: true,
          },
          { name: 'Lars Holm' },
        ],
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        name: 'Kingdom of Norway',
        type: 'member_state',
        country: 'NO',
        countryName: 'Norway',
        statementLanguage: 'en',
        statementCurrency: 'NOK',
        createdBy: 'officer.a',
        updatedBy: null,
        updatedAt: null,
        contacts: [
          {
            name: 'Ingrid Berg',
            email: 'ingrid.berg@example.no',
            role: 'Counsellor',
            receivesStatements: true,
          },
          { name: 'Lars Holm', email: null, role: null, receivesStatements: false },
        ],
      });
      const got = await http().get(`/api/v1/donors/${res.body.id}`).set(manager);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(res.body);
      expect(await auditOf(res.body.id)).toEqual([
        { action: 'donor.create', actor: 'officer.a', before: null, after: res.body },
      ]);
    });

    it('defaults the statements to English in CHF, and lets an admin create donors too', async () => {
      const res = await create({ name: 'Internet Society Foundation', type: 'foundation' }, admin);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        country: null,
        countryName: null,
        statementLanguage: 'en',
        statementCurrency: 'CHF',
        contacts: [],
      });
    });

    it('refuses what it cannot accept field by field, and writes nothing', async () => {
      const before = await donorCount();
      const res = await create({
        name: 'Republic of Nowhere',
        type: 'state',
        country: 'ch',
        statementLanguage: 'de',
        statementCurrency: 'chf',
        contacts: [{ name: 'No Mail', email: 'not-an-address' }],
      });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('validation-failed');
      expect(fields(res.body)).toEqual([
        'contacts[0].email:isEmail',
        'country:matches',
        'statementCurrency:matches',
        'statementLanguage:isIn',
        'type:isIn',
      ]);
      expect(await donorCount()).toBe(before);
    });

    it('refuses a country and a currency that do not exist, by field', async () => {
      const before = await donorCount();
      const res = await create({
        name: 'Atlantis',
        type: 'member_state',
        country: 'XX',
        statementCurrency: 'XYZ',
      });
      expect(res.status).toBe(422);
      expect(fields(res.body)).toEqual(['country:knownCountry', 'statementCurrency:knownCurrency']);
      expect(await donorCount()).toBe(before);
    });

    it('refuses a contact who receives statements without an e-mail address', async () => {
      const res = await create({
        name: 'Papua New Guinea',
        type: 'member_state',
        contacts: [
          { name: 'Has Mail', email: 'a@example.org', receivesStatements: true },
          { name: 'No Mail', receivesStatements: true },
        ],
      });
      expect(res.status).toBe(422);
      expect(fields(res.body)).toEqual(['contacts[1].email:requiredForStatements']);
    });

    it('refuses unknown fields and a blank name', async () => {
      const res = await create({ name: '   ', type: 'other', rating: 'AAA' });
      expect(res.status).toBe(422);
      expect(fields(res.body)).toEqual(['name:matches', 'rating:unknown-field']);
    });

    it('is for finance officers and admins only', async () => {
      for (const auth of [manager, auditor]) {
        expect((await create({ name: 'Nobody', type: 'other' }, auth)).status).toBe(403);
      }
    });
  });

  describe('near-duplicate names', () => {
    it.each([
      ['Swiss Confederation', 'The Swiss Confederation', 'CH'],
      ["Ministère de l'Économie", 'ministere de l economie', 'FR'],
    ])(
      'warns that "%s" exists when "%s" is created, and creates it once confirmed',
      async (existing, typed, country) => {
        const first = await created({ name: existing, type: 'member_state', country });
        const before = await donorCount();
        const warned = await create({ name: typed, type: 'member_state' });
        expect(warned.status).toBe(409);
        expect(warned.body).toMatchObject({
          code: 'donor-possible-duplicate',
          duplicates: [{ id: first.id, name: existing, country }],
        });
        expect(await donorCount()).toBe(before);

        const confirmed = await create({
          name: typed,
          type: 'member_state',
          confirmDuplicate: true,
        });
        expect(confirmed.status).toBe(201);
        expect(await donorCount()).toBe(before + 1);
        const [record] = await auditOf(confirmed.body.id);
        expect(record.after).toMatchObject({
          name: typed,
          confirmedDuplicateOf: [{ id: first.id, name: existing, country }],
        });
      },
    );

    onServer(
      'warns the second of two officers creating the same donor at once (needs a PostgreSQL server: PGlite runs one transaction at a time)',
      async () => {
        const answers = await Promise.all(
          ['officer', 'admin'].flatMap(() =>
            [officer, admin].map((auth) =>
              create({ name: 'Republic of Concurrency', type: 'member_state' }, auth),
            ),
          ),
        );
        expect(answers.map((res) => res.status).sort()).toEqual([201, 409, 409, 409]);
        const { rows } = await sql.query(`SELECT 1 FROM donor WHERE name = $1`, [
          'Republic of Concurrency',
        ]);
        expect(rows).toHaveLength(1);
      },
    );

    it('warns about a typo in a name, but not about a different donor', async () => {
      const gates = await created({ name: 'Gates Foundation', type: 'foundation', country: 'US' });
      const typo = await create({ name: 'Gates Fundation', type: 'foundation' });
      expect(typo.status).toBe(409);
      expect(typo.body.duplicates).toEqual([
        { id: gates.id, name: 'Gates Foundation', country: 'US' },
      ]);
      expect((await create({ name: 'Ford Foundation', type: 'foundation' })).status).toBe(201);
    });
  });

  describe('list', () => {
    const list = (query: string, auth: Auth = manager) =>
      http().get(`/api/v1/donors${query}`).set(auth);
    const names = (body: { items: { name: string }[] }) => body.items.map((d) => d.name);

    beforeAll(async () => {
      for (const [name, type, country] of [
        ['Zeta Telecom AG', 'sector_member', 'CH'],
        ['Université de Genève', 'academia', 'CH'],
        ['Alpha Networks Ltd', 'sector_member', 'GB'],
        ['Commonwealth Telecommunications Organisation', 'intergovernmental', null],
      ]) {
        await created({ name, type, country, confirmDuplicate: true });
      }
    });

    it('searches names in part, ignoring case, accents and punctuation', async () => {
      expect(names((await list('?q=UNIVERSITE%20DE%20GENE')).body)).toEqual([
        'Université de Genève',
      ]);
      expect(names((await list('?q=économie')).body)).toEqual(
        expect.arrayContaining(["Ministère de l'Économie", 'ministere de l economie']),
      );
      expect(names((await list(`?q=${encodeURIComponent('genève, université')}`)).body)).toEqual([
        'Université de Genève',
      ]);
    });

    it('filters by type and country, together', async () => {
      expect(names((await list('?type=sector_member')).body)).toEqual([
        'Alpha Networks Ltd',
        'Zeta Telecom AG',
      ]);
      expect(names((await list('?type=sector_member&country=CH')).body)).toEqual([
        'Zeta Telecom AG',
      ]);
      const swiss = (await list('?country=CH')).body as { items: { country: string }[] };
      expect(swiss.items.every((d) => d.country === 'CH')).toBe(true);
    });

    it('sorts by name, type, country or creation, either way, and pages with a total', async () => {
      const all = (await list('?limit=200')).body as { items: { name: string }[]; total: number };
      expect(all.total).toBe(all.items.length);
      const byName = all.items.map((d) => d.name);
      const folded = (name: string) =>
        name
          .normalize('NFD')
          .replace(/\p{M}/gu, '')
          .toLowerCase()
          .replace(/[^\p{L}\p{N}]+/gu, ' ')
          .trim();
      expect(byName.map(folded)).toEqual([...byName.map(folded)].sort());

      const desc = (await list('?sort=name&order=desc&limit=200')).body;
      expect(names(desc)).toEqual([...byName].reverse());

      const newest = (await list('?sort=createdAt&order=desc&limit=1')).body;
      expect(names(newest)).toEqual(['Commonwealth Telecommunications Organisation']);

      const byCountry = (await list('?sort=country&limit=200')).body as {
        items: { country: string | null }[];
      };
      const countries = byCountry.items.map((d) => d.country);
      const known = countries.filter((c) => c !== null);
      expect(known).toEqual([...known].sort());
      expect(countries.slice(known.length).every((c) => c === null)).toBe(true);

      const byType = (await list('?sort=type&order=desc&limit=200')).body as {
        items: { type: string }[];
      };
      const types = byType.items.map((d) => d.type);
      expect(types).toEqual([...types].sort().reverse());

      const page2 = (await list('?limit=3&offset=3')).body;
      expect(page2).toMatchObject({ total: all.total, limit: 3, offset: 3 });
      expect(names(page2)).toEqual(byName.slice(3, 6));
      const past = (await list(`?offset=${all.total + 5}`)).body;
      expect(past).toMatchObject({ items: [], total: all.total });
    });

    it('refuses pages larger than 200 and unknown sorts, by field', async () => {
      const res = await list('?limit=201&sort=rating&order=up&type=state');
      expect(res.status).toBe(422);
      expect(fields(res.body)).toEqual(['limit:max', 'order:isIn', 'sort:isIn', 'type:isIn']);
    });
  });

  describe('edit', () => {
    it('changes the fields sent, replaces the contacts, and audits before and after', async () => {
      const donor = await created({
        name: 'Republic of Estonia',
        type: 'member_state',
        country: 'EE',
        contacts: [{ name: 'Mari Tamm', email: 'mari@example.ee', receivesStatements: true }],
      });
      const before = (await http().get(`/api/v1/donors/${donor.id}`).set(officer)).body;
      const res = await http()
        .patch(`/api/v1/donors/${donor.id}`)
        .set(officer)
        .send({
          statementLanguage: 'ru',
          statementCurrency: 'EUR',
          contacts: [
            { name: 'Jaan Kask', email: 'jaan@example.ee', receivesStatements: true },
            { name: 'Mari Tamm', email: 'mari@example.ee' },
          ],
        });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        name: 'Republic of Estonia',
        country: 'EE',
        statementLanguage: 'ru',
        statementCurrency: 'EUR',
        updatedBy: 'officer.a',
        contacts: [
          { name: 'Jaan Kask', receivesStatements: true },
          { name: 'Mari Tamm', receivesStatements: false },
        ],
      });
      expect(res.body.updatedAt).toEqual(expect.any(String));
      const records = await auditOf(donor.id);
      expect(records.map((r) => r.action)).toEqual(['donor.create', 'donor.update']);
      expect(records[1]).toMatchObject({ actor: 'officer.a', before, after: res.body });

      const cleared = await http()
        .patch(`/api/v1/donors/${donor.id}`)
        .set(officer)
        .send({ country: null, contacts: [] });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({ country: null, countryName: null, contacts: [] });
    });

    it('writes nothing for a change that changes nothing', async () => {
      const donor = await created({ name: 'Principality of Monaco', type: 'member_state' });
      const res = await http()
        .patch(`/api/v1/donors/${donor.id}`)
        .set(officer)
        .send({ name: 'Principality of Monaco', contacts: [] });
      expect(res.status).toBe(200);
      expect(res.body.updatedAt).toBeNull();
      expect((await auditOf(donor.id)).map((r) => r.action)).toEqual(['donor.create']);
    });

    it('refuses an unknown country, a null name and an unknown donor, writing nothing', async () => {
      const donor = await created({ name: 'Grand Duchy of Luxembourg', type: 'member_state' });
      const bad = await http()
        .patch(`/api/v1/donors/${donor.id}`)
        .set(officer)
        .send({ country: 'QQ', name: null, statementCurrency: 'XAU' });
      expect(bad.status).toBe(422);
      expect(fields(bad.body)).toEqual(
        expect.arrayContaining(['name:isString', 'name:matches', 'name:isLength']),
      );
      const unknownCountry = await http()
        .patch(`/api/v1/donors/${donor.id}`)
        .set(officer)
        .send({ country: 'QQ', statementCurrency: 'XAU' });
      expect(fields(unknownCountry.body)).toEqual([
        'country:knownCountry',
        'statementCurrency:knownCurrency',
      ]);
      expect((await auditOf(donor.id)).map((r) => r.action)).toEqual(['donor.create']);
      const missing = await http()
        .patch(`/api/v1/donors/${randomUUID()}`)
        .set(officer)
        .send({ type: 'other' });
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('donor-not-found');
    });
  });

  describe('get', () => {
    it('answers 404 for an unknown donor and for an id that is not one', async () => {
      for (const id of [randomUUID(), 'not-a-uuid']) {
        const res = await http().get(`/api/v1/donors/${id}`).set(manager);
        expect(res.status).toBe(404);
        expect(res.body.code).toBe('donor-not-found');
      }
    });
  });

  describe('donor users', () => {
    it('see their own donors only: another donor is not found, and the list holds theirs', async () => {
      const mine = await created({
        name: 'Kingdom of Bhutan',
        type: 'member_state',
        country: 'BT',
      });
      const other = await created({
        name: 'Republic of Kenya',
        type: 'member_state',
        country: 'KE',
      });
      const user = await createTestUser(app, 'donor.bhutan', ['donor'], [mine.id]);

      const own = await http().get(`/api/v1/donors/${mine.id}`).set(user.auth);
      expect(own.status).toBe(200);
      expect(own.body.name).toBe('Kingdom of Bhutan');
      const theirs = await http().get(`/api/v1/donors/${other.id}`).set(user.auth);
      expect(theirs.status).toBe(404);
      expect(theirs.body.code).toBe('donor-not-found');

      const listed = await http().get('/api/v1/donors?limit=200').set(user.auth);
      expect(listed.body).toMatchObject({ total: 1, items: [{ id: mine.id }] });
      const searched = await http().get('/api/v1/donors?q=kenya').set(user.auth);
      expect(searched.body).toMatchObject({ total: 0, items: [] });

      const edit = await http()
        .patch(`/api/v1/donors/${mine.id}`)
        .set(user.auth)
        .send({ type: 'other' });
      expect(edit.status).toBe(403);
    });

    it('can be linked to real donors only', async () => {
      const user = await createTestUser(app, 'donor.nowhere', ['donor']);
      const res = await http()
        .put(`/api/v1/users/${user.id}/donors`)
        .set(admin)
        .send({ donorIds: [randomUUID()] });
      expect(res.status).toBe(422);
      expect(res.body.constraint).toBe('user_donor_donor_fkey');
    });
  });
});

describe('donor pages without script', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let officer: Auth;
  let manager: Auth;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    const users = new TestUsers(app);
    officer = await users.auth('officer.p', ['finance_officer']);
    manager = await users.auth('manager.p', ['management']);
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const http = () => request(app.getHttpServer());
  // Bearer-authenticated, so no CSRF token is needed (a browser session sends _csrf).
  const post = (url: string, form: Record<string, string>) =>
    http().post(url).set(officer).type('form').send(form);
  // What the form posts when only these fields are filled in.
  const filled = (fields: Record<string, string>) => ({
    country: '',
    statementLanguage: 'en',
    statementCurrency: 'CHF',
    ...fields,
  });

  it('creates a donor from the form and redirects to its page', async () => {
    const res = await post('/donors', {
      name: 'Republic of Rwanda',
      type: 'member_state',
      country: 'rw',
      statementLanguage: 'fr',
      statementCurrency: 'usd',
      'contact-0-name': 'Aline Uwase',
      'contact-0-email': 'aline@example.rw',
      'contact-0-role': '',
      'contact-0-receivesStatements': 'true',
      'contact-1-name': '',
      'contact-1-email': '',
      'contact-1-role': '',
    });
    expect(res.status).toBe(303);
    const location = res.headers.location;
    expect(location).toMatch(/^\/donors\/[0-9a-f-]{36}\?saved=created$/);
    const page = await http().get(location).set(manager);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Republic of Rwanda');
    expect(page.text).toContain('Rwanda (RW)');
    expect(page.text).toContain('aline@example.rw');
    expect(page.text).toContain('data-testid="donor-pledges-empty"');
    // A manager reads but does not edit.
    expect(page.text).not.toContain('Edit donor');
  });

  it('shows the errors next to the fields and keeps everything typed', async () => {
    const form = {
      name: 'Republic of Kiribati',
      type: 'member_state',
      country: '',
      statementLanguage: 'en',
      statementCurrency: 'QQQ',
      'contact-0-name': 'Teaba Tito',
      'contact-0-email': 'teaba-at-example',
      'contact-0-role': 'Finance',
    };
    const res = await post('/donors', form);
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="contact-0-email-error"');
    expect(res.text).toContain('href="#contact-0-email"');
    expect(res.text).toContain('value="Republic of Kiribati"');
    expect(res.text).toContain('value="teaba-at-example"');
    expect(res.text).toContain('value="Finance"');
    expect(res.text).toContain('value="QQQ"');
    expect(res.text).toMatch(/<option value="member_state" selected>/);

    // The form's shape is checked first, then what must exist: the currency, once the e-mail is right.
    const again = await post('/donors', { ...form, 'contact-0-email': 'teaba@example.ki' });
    expect(again.status).toBe(422);
    expect(again.text).toContain('id="statementCurrency-error"');
    expect(again.text).not.toContain('id="contact-0-email-error"');
    expect(again.text).toContain('value="teaba@example.ki"');
  });

  it('warns about a near-duplicate, keeps the input, and creates once confirmed', async () => {
    const first = await post(
      '/donors',
      filled({ name: 'Swiss Confederation', type: 'member_state' }),
    );
    expect(first.status).toBe(303);
    const form = filled({ name: 'The Swiss Confederation', type: 'member_state' });
    const warned = await post('/donors', form);
    expect(warned.status).toBe(409);
    expect(warned.text).toContain('data-testid="donor-duplicates"');
    expect(warned.text).toContain('Swiss Confederation</a>');
    expect(warned.text).toContain('name="confirmDuplicate"');
    expect(warned.text).toContain('value="The Swiss Confederation"');
    const confirmed = await post('/donors', { ...form, confirmDuplicate: 'true' });
    expect(confirmed.status).toBe(303);
  });

  it('edits a donor through its form, and lists and searches on the list page', async () => {
    const created = await post(
      '/donors',
      filled({ name: 'Kingdom of Tonga', type: 'member_state' }),
    );
    const page = created.headers.location.split('?')[0];
    const edit = await http().get(`${page}/edit`).set(officer);
    expect(edit.status).toBe(200);
    expect(edit.text).toContain('value="Kingdom of Tonga"');
    const saved = await post(`${page}/edit`, {
      name: 'Kingdom of Tonga',
      type: 'member_state',
      country: 'TO',
      statementLanguage: 'en',
      statementCurrency: 'TOP',
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe(`${page}?saved=updated`);

    const listed = await http().get('/donors?q=tonga&country=TO').set(manager);
    expect(listed.status).toBe(200);
    expect(listed.text).toContain(`href="${page}"`);
    expect(listed.text).toContain('Showing 1–1 of 1');
    const nothing = await http().get('/donors?q=atlantis').set(manager);
    expect(nothing.text).toContain('No donors match.');
  });
});
