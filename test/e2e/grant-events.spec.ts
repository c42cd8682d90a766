import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { IdentityService } from '../../src/auth/identity.service';
import { createPasswordUser } from '../support/browser';
import { createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

type Auth = { Authorization: string };
type Body = Record<string, unknown>;

const EVENTS = '/api/v1/grant-events';
const PARTICIPANTS = '/api/v1/participants';

/** A valid event set-up; each test changes what it needs. */
function eventRequest(overrides: Body = {}): Body {
  return {
    code: 'WSIS-FORUM-2026',
    name: 'WSIS Forum 2026',
    place: 'Geneva, Switzerland',
    startsOn: '2026-07-06',
    endsOn: '2026-07-10',
    budget: '150,000.00',
    eligibilityRule: 'ldc-and-developing',
    offers: { full: true, partialTicket: true, partialAllowance: false, remote: false },
    ...overrides,
  };
}

function participantRequest(overrides: Body = {}): Body {
  return {
    name: 'Ana María López',
    gender: 'female',
    country: 'BO',
    organisation: 'Agencia de Gobierno Electrónico',
    stakeholderGroup: 'government',
    ...overrides,
  };
}

/** The value of the hidden field `name` of the first form on the page. */
function hidden(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (match === null) throw new Error(`no hidden field ${name} on the page`);
  return match[1];
}

describe('grant events and participants', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let officer: Auth;
  let manager: Auth;

  const http = () => request(app.getHttpServer());
  const count = async (table: string): Promise<number> =>
    (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
  const counts = async () => ({
    events: await count('grant_event'),
    participants: await count('participant'),
    audit: await count('audit_log'),
  });
  const createEvent = async (overrides: Body = {}): Promise<Body> => {
    const res = await http().post(EVENTS).set(officer).send(eventRequest(overrides));
    expect(res.status).toBe(201);
    return res.body as Body;
  };
  const createParticipant = async (overrides: Body = {}): Promise<Body> => {
    const res = await http().post(PARTICIPANTS).set(officer).send(participantRequest(overrides));
    expect(res.status).toBe(201);
    return res.body as Body;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    const users = new TestUsers(app);
    officer = await users.auth('officer.a', ['finance_officer']);
    manager = await users.auth('manager.a', ['management']);
  });

  afterAll(async () => {
    await sql?.end();
    await app?.close();
    await db?.drop();
  });

  describe('events', () => {
    it('sets up an event in the fund and earmark of participation grants, audited', async () => {
      const res = await http()
        .post(EVENTS)
        .set(officer)
        .send(
          eventRequest({
            code: 'WSIS20-PREP-1',
            name: 'WSIS+20 preparatory meeting',
            place: 'New York, United States',
            startsOn: '2026-03-02',
            endsOn: '2026-03-02',
            budget: '80000',
            eligibilityRule: 'ldc-only',
            offers: {
              full: true,
              partialTicket: false,
              partialAllowance: true,
              remote: true,
              remoteAmount: '300.00',
            },
          }),
        );
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        fund: 'WSIS-TF',
        earmark: 'PARTICIPATION-GRANTS',
        code: 'WSIS20-PREP-1',
        name: 'WSIS+20 preparatory meeting',
        place: 'New York, United States',
        startsOn: '2026-03-02',
        endsOn: '2026-03-02',
        budget: { currency: 'CHF', amount: '80000.00' },
        eligibilityRule: 'ldc-only',
        offers: {
          full: true,
          partialTicket: false,
          partialAllowance: true,
          remote: true,
          remoteAmount: { currency: 'CHF', amount: '300.00' },
        },
        grants: {
          count: 0,
          byStatus: { requested: 0, approved: 0, disbursed: 0, settled: 0, cancelled: 0 },
          amount: { currency: 'CHF', amount: '0.00' },
          committed: { currency: 'CHF', amount: '0.00' },
        },
        createdBy: 'officer.a',
      });
      const id = res.body.id as string;

      const got = await http().get(`${EVENTS}/${id}`).set(manager);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(res.body);
      const listed = await http().get(`${EVENTS}?fund=WSIS-TF`).set(manager);
      expect(listed.status).toBe(200);
      expect(listed.body.items.map((e: Body) => e.code)).toContain('WSIS20-PREP-1');

      const audit = await sql.query<{ actor: string; after: Body }>(
        `SELECT actor, after FROM audit_log
          WHERE action = 'grant-event.create' AND entity_id = $1`,
        [id],
      );
      expect(audit.rows).toHaveLength(1);
      expect(audit.rows[0].actor).toBe('officer.a');
      expect(audit.rows[0].after).toMatchObject({
        code: 'WSIS20-PREP-1',
        eligibilityRule: 'ldc-only',
      });
    });

    it('answers a retry with the same Idempotency-Key with the first answer, recording once', async () => {
      const body = eventRequest({ code: 'IGF-2026' });
      const first = await http()
        .post(EVENTS)
        .set(officer)
        .set('Idempotency-Key', 'ev-1')
        .send(body);
      expect(first.status).toBe(201);
      const before = await counts();
      const replay = await http()
        .post(EVENTS)
        .set(officer)
        .set('Idempotency-Key', 'ev-1')
        .send(body);
      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body.id).toBe(first.body.id);
      expect(await counts()).toEqual(before);
    });

    it('refuses an event that breaks its rules field by field (422), writing nothing', async () => {
      const before = await counts();
      const refused = async (body: Body) => {
        const res = await http().post(EVENTS).set(officer).send(body);
        expect(res.status).toBe(422);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        return (res.body.errors as Array<{ field: string; rule: string }>).map(
          (e) => `${e.field}:${e.rule}`,
        );
      };

      // Everything the service checks, reported together.
      expect(
        (
          await refused(
            eventRequest({
              code: 'BAD-1',
              earmark: 'NO-SUCH-EARMARK',
              startsOn: '2026-07-10',
              endsOn: '2026-07-06',
              budget: '0.00',
              offers: { full: false, partialTicket: false, partialAllowance: false, remote: false },
            }),
          )
        ).sort(),
      ).toEqual(
        ['earmark:exists', 'endsOn:notBeforeStart', 'offers:atLeastOne', 'budget:positive'].sort(),
      );
      // A remote amount if and only if remote grants are offered.
      expect(
        await refused(
          eventRequest({
            code: 'BAD-2',
            offers: { full: false, partialTicket: false, partialAllowance: false, remote: true },
          }),
        ),
      ).toEqual(['offers.remoteAmount:requiredForRemote']);
      expect(
        await refused(
          eventRequest({
            code: 'BAD-3',
            offers: {
              full: true,
              partialTicket: false,
              partialAllowance: false,
              remote: false,
              remoteAmount: '100.00',
            },
          }),
        ),
      ).toEqual(['offers.remoteAmount:onlyForRemote']);
      expect(
        await refused(
          eventRequest({
            code: 'BAD-4',
            budget: '100.00',
            offers: {
              full: false,
              partialTicket: false,
              partialAllowance: false,
              remote: true,
              remoteAmount: '100.001',
            },
          }),
        ),
      ).toEqual(['offers.remoteAmount:amount']);
      expect(await refused(eventRequest({ code: 'BAD-5', fund: 'NO-FUND' }))).toEqual([
        'fund:exists',
      ]);
      // What the request's shape cannot be: checked before anything is read.
      const shape = await refused(
        eventRequest({ code: 'lower case', eligibilityRule: 'everyone', startsOn: '2026-02-30' }),
      );
      expect([...new Set(shape.map((e) => e.split(':')[0]))].sort()).toEqual(
        ['code', 'eligibilityRule', 'startsOn'].sort(),
      );
      const noOffers = await refused({ ...eventRequest({ code: 'BAD-6' }), offers: undefined });
      expect(noOffers.some((e) => e.startsWith('offers'))).toBe(true);

      expect(await counts()).toEqual(before);
    });

    it('refuses a second event with the same code in the fund (409)', async () => {
      await createEvent({ code: 'WSIS-FORUM-2026' });
      const before = await counts();
      const again = await http()
        .post(EVENTS)
        .set(officer)
        .send(eventRequest({ code: 'WSIS-FORUM-2026', name: 'Another name' }));
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({
        code: 'grant-event-code-taken',
        errors: [{ field: 'code', rule: 'unique' }],
      });
      expect(again.body.detail).toContain('WSIS Forum 2026');
      expect(await counts()).toEqual(before);
    });

    it('answers 404 for an unknown event and lets only finance officers set one up', async () => {
      const missing = await http()
        .get(`${EVENTS}/9d2a6e4c-0000-4000-8000-000000000000`)
        .set(manager);
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('grant-event-not-found');
      expect((await http().get(`${EVENTS}/not-a-uuid`).set(manager)).status).toBe(404);
      const forbidden = await http()
        .post(EVENTS)
        .set(manager)
        .send(eventRequest({ code: 'X-1' }));
      expect(forbidden.status).toBe(403);
    });

    it('counts the grants of an event and the money committed, from the grant tables', async () => {
      const event = await createEvent({ code: 'GRANTS-COUNTED', budget: '10,000.00' });
      const ana = await createParticipant({ name: 'Counted Person One', country: 'NP' });
      const raj = await createParticipant({ name: 'Counted Person Two', country: 'NP' });
      // Grants as the grants module records them (straight into its tables here).
      const grant = async (number: string, participantId: unknown, amountMinor: number) => {
        const { rows } = await sql.query<{ id: string }>(
          `INSERT INTO participation_grant (fund_id, number, event_id, participant_id, kind,
                                            amount_minor, decision_date, eligibility, created_by)
           SELECT e.fund_id, $1, e.id, $2, 'full', $3, '2026-05-20', '{}', 'test'
             FROM grant_event e WHERE e.id = $4 RETURNING id`,
          [number, participantId, amountMinor, event.id],
        );
        await sql.query(
          `INSERT INTO grant_step (grant_id, kind, effective_on, actor)
           VALUES ($1, 'requested', '2026-05-20', 'test')`,
          [rows[0].id],
        );
        return rows[0].id;
      };
      const approved = await grant('GR-2026-9001', ana.id, 250000);
      await grant('GR-2026-9002', raj.id, 120050);
      await sql.query(
        `INSERT INTO grant_step (grant_id, kind, effective_on, actor)
         VALUES ($1, 'approved', '2026-05-21', 'test')`,
        [approved],
      );
      await sql.query(
        `INSERT INTO grant_commitment (fund_id, earmark_id, grant_id, effective_on, amount_minor,
                                       cause)
         SELECT e.fund_id, e.earmark_id, $1, '2026-05-21', 250000, 'approved'
           FROM grant_event e WHERE e.id = $2`,
        [approved, event.id],
      );

      const res = await http()
        .get(`${EVENTS}/${event.id as string}`)
        .set(manager);
      expect(res.status).toBe(200);
      expect(res.body.grants).toEqual({
        count: 2,
        byStatus: { requested: 1, approved: 1, disbursed: 0, settled: 0, cancelled: 0 },
        amount: { currency: 'CHF', amount: '3700.50' },
        committed: { currency: 'CHF', amount: '2500.00' },
      });
      const listed = await http().get(EVENTS).set(manager);
      const inList = (listed.body.items as Body[]).find((e) => e.id === event.id);
      expect(inList?.grants).toEqual(res.body.grants);
    });
  });

  describe('participants', () => {
    it('records a participant (201), audited', async () => {
      const res = await http()
        .post(PARTICIPANTS)
        .set(officer)
        .send(
          participantRequest({
            name: '  Ana   María López ',
            email: 'ana.lopez@example.org',
            phone: '+591 2 2200000',
          }),
        );
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        name: 'Ana María López',
        gender: 'female',
        country: 'BO',
        countryName: 'Bolivia',
        organisation: 'Agencia de Gobierno Electrónico',
        stakeholderGroup: 'government',
        email: 'ana.lopez@example.org',
        phone: '+591 2 2200000',
        createdBy: 'officer.a',
      });
      const got = await http()
        .get(`${PARTICIPANTS}/${res.body.id as string}`)
        .set(manager);
      expect(got.body).toEqual(res.body);
      const audit = await sql.query(
        `SELECT 1 FROM audit_log WHERE action = 'participant.create' AND entity_id = $1`,
        [res.body.id],
      );
      expect(audit.rowCount).toBe(1);
    });

    it('detects the same person recorded twice: name variants in the same country, or the same e-mail', async () => {
      const first = (await http().get(`${PARTICIPANTS}?q=ana maria lopez&country=BO`).set(officer))
        .body.items[0] as Body;
      expect(first.name).toBe('Ana María López');
      const before = await counts();
      for (const name of ['LOPEZ, ana maria', 'ana  maría  LÓPEZ', 'López Ana-María']) {
        const res = await http()
          .post(PARTICIPANTS)
          .set(officer)
          .send(participantRequest({ name, organisation: 'Another office' }));
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject({
          code: 'participant-duplicate',
          duplicates: [
            { id: first.id, name: 'Ana María López', country: 'BO', matched: ['name-and-country'] },
          ],
        });
        expect(res.body.detail).toContain(first.id);
      }
      // Another name, another country, the same e-mail (whatever its case): the same person.
      const byEmail = await http()
        .post(PARTICIPANTS)
        .set(officer)
        .send(
          participantRequest({
            name: 'A. M. Lopez Quispe',
            country: 'PE',
            email: 'Ana.Lopez@Example.org',
          }),
        );
      expect(byEmail.status).toBe(409);
      expect(byEmail.body.duplicates).toEqual([
        expect.objectContaining({ id: first.id, matched: ['email'] }),
      ]);
      expect(await counts()).toEqual(before);

      // The same name in another country is another person.
      const mexico = await http()
        .post(PARTICIPANTS)
        .set(officer)
        .send(participantRequest({ name: 'LOPEZ, ana maria', country: 'MX' }));
      expect(mexico.status).toBe(201);

      // Confirmed by the officer: recorded, and the audit record says so and against whom.
      const confirmed = await http()
        .post(PARTICIPANTS)
        .set(officer)
        .send(participantRequest({ name: 'LOPEZ, ana maria', confirmDuplicate: true }));
      expect(confirmed.status).toBe(201);
      const audit = await sql.query<{ after: Body }>(
        `SELECT after FROM audit_log WHERE action = 'participant.create' AND entity_id = $1`,
        [confirmed.body.id],
      );
      expect(audit.rows[0].after).toMatchObject({
        confirmDuplicate: true,
        confirmedDuplicateOf: [{ id: first.id, matched: ['name-and-country'] }],
      });

      const search = await http().get(`${PARTICIPANTS}?q=lopez MARÍA`).set(manager);
      expect(search.body.total).toBe(3);
      const bolivia = await http().get(`${PARTICIPANTS}?q=lopez&country=BO`).set(manager);
      expect(bolivia.body.items.map((p: Body) => p.country)).toEqual(['BO', 'BO']);
    });

    it('refuses an unknown country and a malformed request (422), writing nothing', async () => {
      const before = await counts();
      const unknown = await http()
        .post(PARTICIPANTS)
        .set(officer)
        .send(participantRequest({ name: 'Nobody Known', country: 'XX' }));
      expect(unknown.status).toBe(422);
      expect(unknown.body.errors).toEqual([
        { field: 'country', rule: 'knownCountry', reason: expect.stringContaining('XX') },
      ]);
      const malformed = await http().post(PARTICIPANTS).set(officer).send({
        name: ' ',
        gender: 'unknown',
        country: 'bo',
        organisation: 'Org',
        stakeholderGroup: 'media',
        email: 'not-an-email',
      });
      expect(malformed.status).toBe(422);
      const fields = new Set(
        (malformed.body.errors as Array<{ field: string }>).map((e) => e.field),
      );
      expect([...fields].sort()).toEqual(
        ['country', 'email', 'gender', 'name', 'stakeholderGroup'].sort(),
      );
      expect(await counts()).toEqual(before);
    });
  });

  describe('pages', () => {
    let cookie: string;

    beforeAll(async () => {
      await createPasswordUser(app, {
        username: 'officer.p',
        password: 'A long passphrase for the officer 42',
        displayName: 'Officer P',
        roles: ['finance_officer'],
      });
      const session = await app
        .get(IdentityService)
        .signIn('officer.p', 'A long passphrase for the officer 42', '127.0.0.1');
      cookie = `tf_session=${session.token}`;
    });

    const page = (url: string) => http().get(url).set('Cookie', cookie).redirects(0);
    /** Posts a form as the browser would: the session cookie, its CSRF token and the form key. */
    const submit = async (formUrl: string, action: string, fields: Record<string, string>) => {
      const form = await page(formUrl);
      expect(form.status).toBe(200);
      return http()
        .post(action)
        .set('Cookie', cookie)
        .type('form')
        .send({
          _csrf: hidden(form.text, '_csrf'),
          formKey: hidden(form.text, 'formKey'),
          ...fields,
        })
        .redirects(0);
    };

    it('lists events, with the Grants link of the header current', async () => {
      const res = await page('/grant-events');
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/<a href="\/grant-events" aria-current="page">Grants<\/a>/);
      expect(res.text).toContain('data-code="WSIS-FORUM-2026"');
      expect(res.text).toContain('href="/grant-events/new"');
      // A manager reads the list; only a finance officer sets events up.
      const asManager = await http().get('/grant-events').set(manager);
      expect(asManager.status).toBe(200);
      expect(asManager.text).toContain('data-code="WSIS-FORUM-2026"');
      expect(asManager.text).not.toContain('href="/grant-events/new"');
    });

    it('sets up an event from the form and shows its page', async () => {
      const fields = {
        code: 'wsis-forum-2027',
        name: 'WSIS Forum 2027',
        place: 'Geneva',
        startsOn: '2027-07-05',
        endsOn: '2027-07-09',
        fund: 'WSIS-TF',
        earmark: 'PARTICIPATION-GRANTS',
        budget: '120,000.00',
        eligibilityRule: 'ldc-first',
        offerFull: 'true',
        offerRemote: 'true',
        remoteAmount: '250.00',
      };
      const res = await submit('/grant-events/new', '/grant-events', fields);
      expect(res.status).toBe(303);
      const location = String(res.headers.location);
      expect(location).toMatch(/^\/grant-events\/[0-9a-f-]{36}\?done=created$/);

      const shown = await page(location);
      expect(shown.status).toBe(200);
      expect(shown.text).toContain('WSIS-FORUM-2027 — WSIS Forum 2027');
      expect(shown.text).toContain('data-testid="grant-event-notice"');
      expect(shown.text).toContain('data-testid="grant-event-budget">CHF 120,000.00<');
      expect(shown.text).toContain('data-rule="ldc-first"');
      expect(shown.text).toContain('Remote participation: CHF 250.00');
      expect(shown.text).toContain('data-testid="grant-event-no-grants"');
    });

    it('answers a refused event form with 422, the errors beside the fields, nothing written', async () => {
      const before = await counts();
      const res = await submit('/grant-events/new', '/grant-events', {
        code: 'PAGE-BAD',
        name: 'Typed name',
        place: 'Geneva',
        startsOn: '2027-07-09',
        endsOn: '2027-07-05',
        fund: 'WSIS-TF',
        earmark: 'PARTICIPATION-GRANTS',
        budget: '1000',
        eligibilityRule: 'ldc-only',
        offerRemote: 'true',
      });
      expect(res.status).toBe(422);
      expect(res.text).toContain('data-testid="grant-event-form-errors"');
      expect(res.text).toContain('id="endsOn-error"');
      expect(res.text).toContain('id="remoteAmount-error"');
      expect(res.text).toContain('value="Typed name"');
      expect(await counts()).toEqual(before);

      const taken = await submit('/grant-events/new', '/grant-events', {
        code: 'WSIS-FORUM-2026',
        name: 'Same code',
        place: 'Geneva',
        startsOn: '2027-07-05',
        endsOn: '2027-07-09',
        fund: 'WSIS-TF',
        earmark: 'PARTICIPATION-GRANTS',
        budget: '1000',
        eligibilityRule: 'ldc-only',
        offerFull: 'true',
      });
      expect(taken.status).toBe(409);
      expect(taken.text).toMatch(
        /id="code-error">WSIS-FORUM-2026 is already the code of an event</,
      );
      expect(await counts()).toEqual(before);
    });

    it("lists an event's grants with links to them", async () => {
      const { rows } = await sql.query<{ id: string; grant_id: string }>(
        `SELECT e.id, g.id AS grant_id FROM grant_event e
           JOIN participation_grant g ON g.event_id = e.id
          WHERE e.code = 'GRANTS-COUNTED' ORDER BY g.number`,
      );
      const res = await page(`/grant-events/${rows[0].id}`);
      expect(res.status).toBe(200);
      expect(res.text.match(/data-testid="grant-row"/g)).toHaveLength(2);
      expect(res.text).toContain(`href="/grants/${rows[0].grant_id}">GR-2026-9001</a>`);
      expect(res.text).toContain('data-testid="grant-event-committed">CHF 2,500.00<');
      expect((await page('/grant-events/9d2a6e4c-0000-4000-8000-000000000000')).status).toBe(404);
    });

    it('records a participant from the form, warning of a duplicate until confirmed', async () => {
      const list = await page('/participants?q=maria lopez&country=BO');
      expect(list.status).toBe(200);
      expect(list.text.match(/data-testid="participant-row"/g)).toHaveLength(2);

      const fields = {
        name: 'María LÓPEZ, Ana',
        gender: 'female',
        country: 'BO',
        organisation: 'Ministerio de Obras Públicas',
        stakeholderGroup: 'government',
        email: '',
        phone: '',
      };
      const before = await counts();
      const warned = await submit('/participants/new', '/participants', fields);
      expect(warned.status).toBe(409);
      expect(warned.text).toContain('data-testid="participant-duplicates"');
      expect(warned.text).toMatch(
        /<a href="\/participants\/[0-9a-f-]{36}"[^>]*>Ana María López<\/a>/,
      );
      expect(warned.text).toMatch(
        /id="confirmDuplicate" name="confirmDuplicate" type="checkbox" value="true" >/,
      );
      expect(warned.text).toContain('value="María LÓPEZ, Ana"');
      expect(await counts()).toEqual(before);

      const recorded = await http()
        .post('/participants')
        .set('Cookie', cookie)
        .type('form')
        .send({
          ...fields,
          confirmDuplicate: 'true',
          _csrf: hidden(warned.text, '_csrf'),
          formKey: hidden(warned.text, 'formKey'),
        })
        .redirects(0);
      expect(recorded.status).toBe(303);
      const location = String(recorded.headers.location);
      expect(location).toMatch(/^\/participants\/[0-9a-f-]{36}\?done=created$/);
      const shown = await page(location);
      expect(shown.text).toContain('<h1 id="participant-title">María LÓPEZ, Ana</h1>');
      expect(shown.text).toContain('Bolivia (BO)');
      expect(shown.text).toContain('data-testid="participant-no-grants"');
    });

    it('answers a refused participant form with 422 and nothing written', async () => {
      const before = await counts();
      const res = await submit('/participants/new', '/participants', {
        name: 'Someone New',
        gender: '',
        country: '',
        organisation: 'Org',
        stakeholderGroup: 'academia',
        email: 'nope',
        phone: '',
      });
      expect(res.status).toBe(422);
      expect(res.text).toContain('data-testid="participant-form-errors"');
      expect(res.text).toContain('id="gender-error"');
      expect(res.text).toContain('id="country-error"');
      expect(res.text).toContain('id="email-error"');
      expect(res.text).toContain('value="Someone New"');
      expect(await counts()).toEqual(before);
    });

    it('shows a participant’s grants with links to the grant and the event', async () => {
      const { rows } = await sql.query<{ participant_id: string; id: string }>(
        `SELECT participant_id, id FROM participation_grant WHERE number = 'GR-2026-9001'`,
      );
      const res = await page(`/participants/${rows[0].participant_id}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain(`href="/grants/${rows[0].id}">GR-2026-9001</a>`);
      expect(res.text).toContain('>GRANTS-COUNTED</a>');
    });

    it('speaks French on the event and participant pages, amounts typed and shown the French way', async () => {
      // The language chosen with the header's switch: the tf_lang cookie.
      const frCookie = `${cookie}; tf_lang=fr`;
      const fr = (url: string) => http().get(url).set('Cookie', frCookie).redirects(0);
      const submitFr = async (formUrl: string, action: string, fields: Record<string, string>) => {
        const form = await fr(formUrl);
        expect(form.status).toBe(200);
        return http()
          .post(action)
          .set('Cookie', frCookie)
          .type('form')
          .send({
            _csrf: hidden(form.text, '_csrf'),
            formKey: hidden(form.text, 'formKey'),
            ...fields,
          })
          .redirects(0);
      };

      const list = await fr('/grant-events');
      expect(list.status).toBe(200);
      expect(list.text).toContain('<html lang="fr">');
      expect(list.text).toContain('<h1 id="grant-events-title">Manifestations et programmes</h1>');
      expect(list.text).toContain('<td>PMA et pays en développement</td>');
      expect(list.text).toContain('150\u202f000,00\u00a0CHF');

      const form = await fr('/grant-events/new');
      expect(form.text).toContain(
        '<h1 id="grant-event-form-title">Nouvelle manifestation ou nouveau programme</h1>',
      );
      expect(form.text).toContain('placeholder="150\u202f000,00"');

      // Refused: the French messages beside the fields and in the summary, the input kept.
      const before = await counts();
      const refused = await submitFr('/grant-events/new', '/grant-events', {
        code: 'FORUM-FR-BAD',
        name: 'Consultation régionale',
        place: 'Genève',
        startsOn: '2027-03-10',
        endsOn: '2027-03-09',
        fund: 'WSIS-TF',
        earmark: 'PARTICIPATION-GRANTS',
        budget: '12 000,00',
        eligibilityRule: 'ldc-only',
        offerRemote: 'true',
      });
      expect(refused.status).toBe(422);
      expect(refused.text).toContain('La manifestation n’a pas été créée.');
      expect(refused.text).toContain(
        '<p class="field-error" id="endsOn-error">La manifestation ne peut pas finir avant de commencer.</p>',
      );
      expect(refused.text).toContain(
        '<a href="#endsOn">Fin : La manifestation ne peut pas finir avant de commencer.</a>',
      );
      expect(refused.text).toContain(
        'id="remoteAmount-error">Indiquez le montant fixe d’une subvention de participation à distance.</p>',
      );
      expect(refused.text).toContain('value="12 000,00"');
      expect(refused.text).toContain('value="Consultation régionale"');
      expect(await counts()).toEqual(before);

      // Set up with amounts typed the French way: the API holds them exactly.
      const created = await submitFr('/grant-events/new', '/grant-events', {
        code: 'FORUM-FR-2027',
        name: 'Forum francophone 2027',
        place: 'Genève',
        startsOn: '2027-03-09',
        endsOn: '2027-03-10',
        fund: 'WSIS-TF',
        earmark: 'PARTICIPATION-GRANTS',
        budget: '120 000,50',
        eligibilityRule: 'ldc-first',
        offerFull: 'true',
        offerRemote: 'true',
        remoteAmount: '250,00',
      });
      expect(created.status).toBe(303);
      const location = String(created.headers.location);
      const id = /^\/grant-events\/([0-9a-f-]{36})\?done=created$/.exec(location)![1];
      const event = await http().get(`${EVENTS}/${id}`).set(officer);
      expect(event.body.budget).toEqual({ currency: 'CHF', amount: '120000.50' });
      expect(event.body.offers.remoteAmount).toEqual({ currency: 'CHF', amount: '250.00' });
      const shown = await fr(location);
      expect(shown.text).toContain('Manifestation créée.');
      expect(shown.text).toContain('data-testid="grant-event-budget">120\u202f000,50\u00a0CHF<');
      expect(shown.text).toContain('PMA et pays en développement, PMA en priorité');
      expect(shown.text).toContain('<li>Participation à distance : 250,00\u00a0CHF</li>');
      expect(shown.text).toContain('<h2 id="grant-event-details-title">Détails</h2>');

      // Participants: the reference data's French names of the countries.
      const people = await fr('/participants?country=BO');
      expect(people.text).toContain('<h1 id="participants-title">Participant·es</h1>');
      expect(people.text).toContain('<option value="BO" selected>Bolivie</option>');
      expect(people.text).toContain('<td>Bolivie <span class="muted">(BO)</span></td>');
      expect(people.text).toContain('<td>Gouvernement</td>');
      expect(people.text).toContain('<td>Femme</td>');
      const { rows } = await sql.query<{ id: string }>(
        `SELECT id FROM participant WHERE country = 'BO' ORDER BY created_at LIMIT 1`,
      );
      const person = await fr(`/participants/${rows[0].id}`);
      expect(person.text).toContain('<dt>Pays</dt><dd>Bolivie (BO)</dd>');
      expect(person.text).toContain('<dt>Genre</dt><dd>Femme</dd>');

      const unchanged = await counts();
      const bad = await submitFr('/participants/new', '/participants', {
        name: 'Quelqu’un de nouveau',
        gender: '',
        country: '',
        organisation: 'Université de Genève',
        stakeholderGroup: 'academia',
        email: 'non',
        phone: '',
      });
      expect(bad.status).toBe(422);
      expect(bad.text).toContain('La ou le participant·e n’a pas été enregistré·e.');
      expect(bad.text).toContain(
        '<p class="field-error" id="gender-error">Choisissez un genre (ou « Non communiqué »).</p>',
      );
      expect(bad.text).toContain(
        '<p class="field-error" id="email-error">Écrivez une adresse électronique, par exemple nom@example.org.</p>',
      );
      expect(bad.text).toContain('value="Quelqu’un de nouveau"');
      expect(bad.text).toContain(
        '<option value="academia" selected>Milieux universitaires</option>',
      );
      expect(await counts()).toEqual(unchanged);
    });
  });
});
