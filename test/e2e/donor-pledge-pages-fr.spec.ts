import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { todayUtc } from '../../src/common/calendar-date';
import { createTestApp, TestUsers } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

type Auth = { Authorization: string };
type Body = Record<string, unknown>;

/** An amount as the French pages show it: U+202F between thousands, comma, U+00A0, currency. */
const FR_150K = '150\u202f000,50\u00a0CHF';
const FRENCH = 'tf_lang=fr';

/** The text of the element carrying `id` (its first text, before any child element). */
function textOf(html: string, id: string): string | undefined {
  return new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(html)?.[1];
}

function h1(html: string): string | undefined {
  return /<h1[^>]*>([^<]*)<\/h1>/.exec(html)?.[1];
}

describe('donor and pledge pages in French', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let officer: Auth;
  let donorId: string;
  let pledge: Body;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    officer = await new TestUsers(app).auth('officer.fr', ['finance_officer']);
    const donor = await api().post('/api/v1/donors').send({
      name: 'Confédération suisse',
      type: 'member_state',
      country: 'CH',
      statementLanguage: 'fr',
      statementCurrency: 'CHF',
    });
    expect(donor.status).toBe(201);
    donorId = donor.body.id as string;
    const created = await api()
      .post('/api/v1/pledges')
      .send({
        fund: 'WSIS-TF',
        donorId,
        currency: 'CHF',
        amount: '150000.50',
        announcedOn: todayUtc(),
        instalments: [
          { dueDate: '2027-06-30', amount: '100000.25' },
          { dueDate: '2027-12-31', amount: '50000.25' },
        ],
      });
    expect(created.status).toBe(201);
    const agreed = await api()
      .post(`/api/v1/pledges/${created.body.id as string}/agreement`)
      .send({ agreedOn: todayUtc(), documentRef: 'CH/WSIS/2026/001' });
    expect(agreed.status).toBe(200);
    pledge = agreed.body as Body;
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const http = () => request(app.getHttpServer());
  const api = () => ({
    post: (url: string) => http().post(url).set(officer),
    get: (url: string) => http().get(url).set(officer),
  });
  // A page in French (the cookie the header's language switch sets), Bearer-authenticated.
  const page = (url: string) => http().get(url).set(officer).set('Cookie', FRENCH);
  const postForm = (url: string, form: Record<string, string>) =>
    http().post(url).set(officer).set('Cookie', FRENCH).type('form').send(form);

  it('renders every donor and pledge page in French, amounts in the French form', async () => {
    const id = pledge.id as string;
    const reference = pledge.reference as string;
    const expectations: Array<[string, string, string[]]> = [
      ['/donors', 'Donateurs', ['État Membre', 'Suisse', 'Français · CHF', 'Rechercher']],
      [
        `/donors/${donorId}`,
        'Confédération suisse',
        ['Langue des relevés', 'Suisse (CH)', 'Annonces de contribution', FR_150K, 'Convenue'],
      ],
      ['/donors/new', 'Nouveau donateur', ['Créer le donateur', 'Monnaie des relevés']],
      [
        `/donors/${donorId}/edit`,
        'Modifier Confédération suisse',
        ['Enregistrer les modifications'],
      ],
      ['/pledges', 'Annonces de contribution', [FR_150K, 'Restant dû', 'Convenue', '1–1 sur 1']],
      [
        `/pledges/${id}`,
        `Annonce de contribution ${reference}`,
        [
          FR_150K,
          '100\u202f000,25\u00a0CHF',
          'Échéancier',
          'Rappels',
          'WSIS-TF (politique par défaut) : un rappel 30 jours avant l’échéance, puis tous les ' +
            '30 jours tant que la tranche est en retard, 3 au plus. La messagerie n’est pas ' +
            'configurée : les rappels sont enregistrés, pas envoyés.',
          'Demander l’annulation',
          'Je confirme la passation en pertes',
        ],
      ],
      [
        `/pledges/new?donorId=${donorId}`,
        'Nouvelle annonce de contribution',
        ['placeholder="100 000,00"', 'Enregistrer l’annonce de contribution', 'Trimestrielle'],
      ],
      [
        `/pledges/${id}/amend`,
        `Avenant à l’annonce de contribution ${reference}`,
        [FR_150K, 'value="100\u202f000,25"', 'Appliquer l’avenant', 'Je confirme que l’avenant'],
      ],
      [
        '/reports/pledge-reconciliation',
        'Rapprochement des annonces de contribution',
        [`data-testid="total-pledged">${FR_150K}<`, 'Sous-total, toutes monnaies'],
      ],
    ];
    for (const [url, heading, texts] of expectations) {
      const res = await page(url);
      expect({ url, status: res.status }).toEqual({ url, status: 200 });
      expect(res.text).toMatch(/<html[^>]* lang="fr"/);
      expect({ url, heading: h1(res.text) }).toEqual({ url, heading });
      for (const text of texts)
        expect({ url, has: res.text.includes(text), text }).toMatchObject({ has: true });
    }
    // The browser's language is enough when no language was chosen; English stays the default.
    const asked = await http()
      .get('/pledges')
      .set(officer)
      .set('Accept-Language', 'fr-CH, en;q=0.5');
    expect(h1(asked.text)).toBe('Annonces de contribution');
    const english = await http().get('/pledges').set(officer);
    expect(h1(english.text)).toBe('Pledges');
    expect(english.text).toContain('CHF 150,000.50');
  });

  it('records a pledge typed in French: "150 000,50" in two instalments is exactly 150000.50', async () => {
    const res = await postForm('/pledges', {
      donorId,
      fund: 'WSIS-TF',
      earmark: 'UNEARMARKED',
      currency: 'CHF',
      amount: '150 000,50',
      announcedOn: todayUtc(),
      scheduleMode: 'rows',
      'row-0-dueDate': '2027-06-30',
      'row-0-amount': '100 000,25',
      // As pasted from a French document: a no-break space between the thousands.
      'row-1-dueDate': '2027-12-31',
      'row-1-amount': '50\u00a0000,25',
      intent: 'create',
    });
    expect(res.status).toBe(303);
    const id = /^\/pledges\/([0-9a-f-]{36})\?done=created$/.exec(res.headers.location)?.[1];
    expect(id).toBeDefined();
    const recorded = await api().get(`/api/v1/pledges/${id!}`);
    expect(recorded.body.amount).toEqual({ currency: 'CHF', amount: '150000.50' });
    expect(
      (recorded.body.instalments as Body[]).map((i) => [i.dueDate, (i.amount as Body).amount]),
    ).toEqual([
      ['2027-06-30', '100000.25'],
      ['2027-12-31', '50000.25'],
    ]);
    const shown = await page(res.headers.location);
    expect(shown.text).toContain(`data-testid="pledge-amount">${FR_150K}<`);
    expect(shown.text).toContain('Annonce de contribution enregistrée');
  });

  it('keeps what was typed and says what is wrong in French next to the field', async () => {
    const before = (await api().get(`/api/v1/pledges?donorId=${donorId}`)).body.total as number;
    const form = {
      donorId,
      fund: 'WSIS-TF',
      earmark: 'UNEARMARKED',
      currency: 'CHF',
      amount: '150 000,50',
      announcedOn: todayUtc(),
      scheduleMode: 'rows',
      'row-0-dueDate': '2027-06-30',
      'row-0-amount': '100 000,00',
      'row-1-dueDate': '2027-12-31',
      'row-1-amount': '40 000,00',
      intent: 'create',
    };
    const unbalanced = await postForm('/pledges', form);
    expect(unbalanced.status).toBe(422);
    expect(textOf(unbalanced.text, 'schedule-error')).toBe(
      'les tranches totalisent 140\u202f000,00\u00a0CHF ; l’annonce de contribution s’élève à ' +
        FR_150K,
    );
    expect(unbalanced.text).toContain('aria-describedby="schedule-error"');
    expect(unbalanced.text).toContain('L’annonce de contribution n’a pas été enregistrée.');
    expect(unbalanced.text).toContain('value="150 000,50"');
    expect(unbalanced.text).toContain('value="100 000,00"');
    expect(unbalanced.text).toContain('value="40 000,00"');
    expect(unbalanced.text).toContain('value="2027-12-31"');

    // An amount that cannot be read: the common French message, beside the amount.
    const unreadable = await postForm('/pledges', { ...form, amount: '150 00,50' });
    expect(unreadable.status).toBe(422);
    expect(textOf(unreadable.text, 'amount-error')).toMatch(/^Montant non valable/);
    expect(unreadable.text).toMatch(
      /<input id="amount" name="amount" type="text" inputmode="decimal" value="150 00,50"[^>]*aria-invalid="true" aria-describedby="amount-error"/,
    );
    expect((await api().get(`/api/v1/pledges?donorId=${donorId}`)).body.total).toBe(before);

    // The donor form too: an empty name is said in French, the rest of the form kept.
    const donor = await postForm('/donors', {
      name: ' ',
      type: 'member_state',
      country: 'CH',
      statementLanguage: 'fr',
      statementCurrency: 'CHF',
      'contact-0-name': 'Anne Keller',
      'contact-0-email': 'anne.keller@example.ch',
    });
    expect(donor.status).toBe(422);
    expect(textOf(donor.text, 'name-error')).toBe('Saisissez le nom du donateur.');
    expect(donor.text).toContain('Le donateur n’a pas été enregistré.');
    expect(donor.text).toContain('value="anne.keller@example.ch"');
    expect(donor.text).toMatch(/<option value="CH" selected>Suisse<\/option>/);
  });

  it('applies an amendment typed in French only once confirmed, amounts read exactly', async () => {
    const id = pledge.id as string;
    const form = {
      date: todayUtc(),
      reason: 'Lettre du donateur : contribution relevée',
      amount: '160 000,50',
      // The unchanged row as the page shows it, with its narrow no-break space.
      'seq-1-dueDate': '2027-06-30',
      'seq-1-amount': '100\u202f000,25',
      'seq-2-dueDate': '2027-12-31',
      'seq-2-amount': '60 000,25',
      intent: 'apply',
    };
    const unconfirmed = await postForm(`/pledges/${id}/amend`, form);
    expect(unconfirmed.status).toBe(422);
    expect(textOf(unconfirmed.text, 'confirm-error')).toBe(
      'cochez la case pour confirmer : un avenant est irréversible',
    );
    expect(unconfirmed.text).toContain('value="160 000,50"');
    expect(unconfirmed.text).toContain('value="60 000,25"');
    expect((await api().get(`/api/v1/pledges/${id}`)).body.amendments).toEqual([]);

    const applied = await postForm(`/pledges/${id}/amend`, { ...form, confirm: 'true' });
    expect(applied.status).toBe(303);
    const after = (await api().get(`/api/v1/pledges/${id}`)).body;
    expect(after.amount).toEqual({ currency: 'CHF', amount: '160000.50' });
    expect((after.instalments as Body[]).map((i) => (i.amount as Body).amount)).toEqual([
      '100000.25',
      '60000.25',
    ]);
    const shown = await page(`/pledges/${id}`);
    expect(shown.text).toContain('avenant 1');
  });
});

describe('recording that the conditions of a pledge are met', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let officer: Auth;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    officer = await new TestUsers(app).auth('officer.c', ['finance_officer']);
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('asks for a confirmation, like every action that cannot be undone', async () => {
    const server = app.getHttpServer();
    const donor = await request(server)
      .post('/api/v1/donors')
      .set(officer)
      .send({ name: 'Fondation Horizon', type: 'foundation' });
    const created = await request(server)
      .post('/api/v1/pledges')
      .set(officer)
      .send({
        fund: 'WSIS-TF',
        donorId: donor.body.id,
        currency: 'CHF',
        amount: '5000.00',
        announcedOn: todayUtc(),
        instalments: [{ dueDate: '2027-03-31', amount: '5000.00' }],
      });
    const id = created.body.id as string;
    const agreed = await request(server)
      .post(`/api/v1/pledges/${id}/agreement`)
      .set(officer)
      .send({ agreedOn: todayUtc(), documentRef: 'HZ/2026/3', conditional: true });
    expect(agreed.status).toBe(200);
    const entries = (agreed.body.entries as Body[]).length;

    const page = await request(server).get(`/pledges/${id}`).set(officer);
    expect(page.text).toContain('I confirm the conditions are met (this cannot be undone)');
    const refused = await request(server)
      .post(`/pledges/${id}/conditions-met`)
      .set(officer)
      .type('form')
      .send({ date: todayUtc() });
    expect(refused.status).toBe(422);
    expect(textOf(refused.text, 'conditions-confirm-error')).toBe(
      'tick the box to confirm: this cannot be undone',
    );
    expect(refused.text).toContain(`value="${todayUtc()}"`);
    const unchanged = await request(server).get(`/api/v1/pledges/${id}`).set(officer);
    expect(unchanged.body.agreement.conditionsMetOn).toBeNull();
    expect((unchanged.body.entries as Body[]).length).toBe(entries);

    const done = await request(server)
      .post(`/pledges/${id}/conditions-met`)
      .set(officer)
      .type('form')
      .send({ date: todayUtc(), confirm: 'true' });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe(`/pledges/${id}?done=conditions-met`);
    const met = await request(server).get(`/api/v1/pledges/${id}`).set(officer);
    expect(met.body.agreement.conditionsMetOn).toBe(todayUtc());
    expect((met.body.entries as Body[]).length).toBe(entries + 1);
  });
});
