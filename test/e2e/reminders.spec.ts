import { randomUUID } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { describeRun, runReminders } from '../../src/cli/commands/reminders-run.command';
import { todayUtc } from '../../src/common/calendar-date';
import { addDays } from '../../src/reminders/reminder-steps';
import { REMINDERS_QUEUE, RemindersJob } from '../../src/reminders/reminders.job';
import { requestAndApprove } from '../support/approvals';
import { addBankAccount } from '../support/ledger-fixtures';
import { Body, ReminderFixtures, sentSteps } from '../support/reminder-fixtures';
import { createTestApp, createTestUser, testConfig, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

type Auth = { Authorization: string };

/**
 * Payment reminders with a controlled clock: each run is asked for a chosen day through the
 * API. WSIS-TF's policy here: 10 days before the due date, then every 7 days, 2 at most. No
 * mail is configured in this file: reminders are recorded with no recipients.
 */
describe('payment reminders', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let fx: ReminderFixtures;
  let officer: Auth;
  let french: string;
  let main: Body;

  const http = () => request(app.getHttpServer());
  const stored = async (pledgeId: string) =>
    (
      await sql.query<{ seq: number; step: number; sent_on: string; html: string }>(
        `SELECT instalment_seq AS seq, step, to_char(sent_on, 'YYYY-MM-DD') AS sent_on, html
           FROM pledge_reminder WHERE pledge_id = $1 ORDER BY instalment_seq, step`,
        [pledgeId],
      )
    ).rows;

  beforeAll(async () => {
    db = await createTestDatabase();
    await addBankAccount(db.url, { code: 'CHF-MAIN', id: randomUUID() });
    // Workers on, so that the daily run's schedule is set up as in production.
    app = await createTestApp(db, {
      env: { API_RATE_LIMIT_PER_MINUTE: '100000', JOBS_ENABLED: 'true' },
    });
    sql = await connect(db.url);
    officer = await new TestUsers(app).auth('officer', ['finance_officer']);
    fx = new ReminderFixtures(app, officer);
    await fx.rates();
    const policy = await fx.setPolicy('WSIS-TF', {
      enabled: true,
      daysBeforeDue: 10,
      overdueEveryDays: 7,
      maxOverdueReminders: 2,
    });
    expect(policy.status).toBe(200);
    french = await fx.donor('République de Test', 'fr', [
      { name: 'Mme Durand', email: 'durand@example.org', receivesStatements: true },
    ]);
    main = await fx.pledge(french, [
      ['2026-03-31', '1000.00'],
      ['2026-06-30', '1000.00'],
    ]);
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  it('sends nothing before the window, step 0 on due − days before, and nothing twice the same day', async () => {
    expect(sentSteps(await fx.run('2026-03-20'))).toEqual([]);
    const first = await fx.run('2026-03-21');
    expect(sentSteps(first)).toEqual([[main.reference, 1, 0]]);
    expect(first.sent[0]).toMatchObject({
      pledgeId: main.id,
      dueDate: '2026-03-31',
      outstanding: { currency: 'CHF', amount: '1000.00' },
      language: 'fr',
      sentOn: '2026-03-21',
      recipients: [],
      delivery: 'no-mail',
    });
    expect(sentSteps(await fx.run('2026-03-21'))).toEqual([]);
    expect(sentSteps(await fx.run('2026-03-31'))).toEqual([]);
    expect((await stored(main.id as string)).map((r) => [r.seq, r.step, r.sent_on])).toEqual([
      [1, 0, '2026-03-21'],
    ]);
  });

  it("writes the reminder in the donor's language: the stored HTML is French", async () => {
    const [before] = await stored(main.id as string);
    expect(before.html).toMatch(/<html[^>]* lang="fr"/);
    expect(before.html).toContain('Rappel de paiement');
    expect(before.html).toContain('arrive à échéance');
    expect(before.html).toContain(main.reference);
    expect(before.html).not.toContain('Payment reminder');
  });

  it('sends overdue steps the day after the due date and every N days, up to the maximum, then no more', async () => {
    expect(sentSteps(await fx.run('2026-04-01'))).toEqual([[main.reference, 1, 1]]);
    expect(sentSteps(await fx.run('2026-04-07'))).toEqual([]);
    expect(sentSteps(await fx.run('2026-04-08'))).toEqual([[main.reference, 1, 2]]);
    expect(sentSteps(await fx.run('2026-04-15'))).toEqual([]);
    expect(sentSteps(await fx.run('2026-05-15'))).toEqual([]);
    const rows = await stored(main.id as string);
    expect(rows.map((r) => [r.seq, r.step, r.sent_on])).toEqual([
      [1, 0, '2026-03-21'],
      [1, 1, '2026-04-01'],
      [1, 2, '2026-04-08'],
    ]);
    expect(rows[1].html).toContain('échue le');
  });

  it('after days without a run, sends only the latest step due, once', async () => {
    // Instalment 2 falls due on 30 June; nothing runs until 20 July (step 3 would be due, the
    // maximum is 2): only step 2 is sent, not 0 nor 1.
    expect(sentSteps(await fx.run('2026-07-20'))).toEqual([[main.reference, 2, 2]]);
    expect(sentSteps(await fx.run('2026-07-21'))).toEqual([]);
    const second = (await stored(main.id as string)).filter((r) => r.seq === 2);
    expect(second.map((r) => r.step)).toEqual([2]);
  });

  it('sends nothing for a paid instalment, an announced pledge or a cancelled one', async () => {
    const paid = await fx.pledge(french, [['2026-05-31', '500.00']]);
    const receipt = await http()
      .post('/api/v1/receipts')
      .set(officer)
      .set('Idempotency-Key', `paid-${paid.id as string}`)
      .send({
        bankAccount: 'CHF-MAIN',
        valueDate: '2026-05-10',
        currency: 'CHF',
        grossAmount: '500.00',
        donorId: french,
        allocations: [{ pledgeId: paid.id, instalment: 1, amount: '500.00' }],
      });
    expect(receipt.status).toBe(201);
    const announced = await fx.pledge(french, [['2026-05-31', '300.00']], { agreedOn: null });
    const cancelled = await fx.pledge(french, [['2026-05-31', '200.00']]);
    const approver = await new TestUsers(app).auth('approver', ['approver']);
    const cancellation = await requestAndApprove(
      app,
      `/api/v1/pledges/${cancelled.id as string}/cancellation`,
      { date: '2026-05-20', reason: 'Agreement withdrawn' },
      officer,
      approver,
    );
    expect(cancellation.status).toBe(200);
    // The control: an agreed, unpaid pledge due on the same day is reminded.
    const open = await fx.pledge(french, [['2026-05-31', '100.00']]);
    expect(sentSteps(await fx.run('2026-05-25'))).toEqual([[open.reference, 1, 0]]);
    for (const pledge of [paid, announced, cancelled]) {
      expect(await stored(pledge.id as string)).toEqual([]);
    }
  });

  it('keeps the reminders of an instalment an amendment removes, and sends none for it afterwards', async () => {
    const pledge = await fx.pledge(french, [
      ['2026-09-30', '400.00'],
      ['2026-10-31', '400.00'],
    ]);
    const mine = (run: Body) => sentSteps(run).filter(([ref]) => ref === pledge.reference);
    expect(mine(await fx.run('2026-09-25'))).toEqual([[pledge.reference, 1, 0]]);
    const amended = await http()
      .post(`/api/v1/pledges/${pledge.id as string}/amendments`)
      .set(officer)
      .send({
        date: '2026-09-26',
        reason: 'Instalment 1 moved to the end of the year',
        instalments: { remove: [1], add: [{ dueDate: '2026-12-31', amount: '400.00' }] },
      });
    expect(amended.status).toBe(201);
    expect(mine(await fx.run('2026-10-05'))).toEqual([]);
    const list = await http()
      .get(`/api/v1/pledges/${pledge.id as string}/reminders`)
      .set(officer);
    expect(list.status).toBe(200);
    expect(list.body.map((r: Body) => [r.instalment, r.step, r.dueDate])).toEqual([
      [1, 0, '2026-09-30'],
    ]);
  });

  it('lists a pledge’s reminders, latest first, to officers and to its donor’s users only', async () => {
    const url = `/api/v1/pledges/${main.id as string}/reminders`;
    const res = await http().get(url).set(officer);
    expect(res.status).toBe(200);
    expect(res.body.map((r: Body) => [r.instalment, r.step, r.sentOn])).toEqual([
      [2, 2, '2026-07-20'],
      [1, 2, '2026-04-08'],
      [1, 1, '2026-04-01'],
      [1, 0, '2026-03-21'],
    ]);
    const own = await createTestUser(app, 'donor.fr', ['donor'], [french]);
    expect((await http().get(url).set(own.auth)).body).toHaveLength(4);
    const other = await fx.donor('Other State', 'en');
    const stranger = await createTestUser(app, 'donor.other', ['donor'], [other]);
    const refused = await http().get(url).set(stranger.auth);
    expect(refused.status).toBe(404);
    expect(refused.body.code).toBe('pledge-not-found');
  });

  it('shows the reminders on the pledge page: date, step, instalment, and that no e-mail was sent', async () => {
    const page = await http()
      .get(`/pledges/${main.id as string}`)
      .set(officer);
    expect(page.status).toBe(200);
    const section = /<section[^>]*data-testid="pledge-reminders"[\s\S]*?<\/section>/.exec(
      page.text,
    )?.[0];
    expect(section).toBeDefined();
    const rows = [...section!.matchAll(/<tr data-testid="pledge-reminder"[\s\S]*?<\/tr>/g)].map(
      (m) => m[0],
    );
    expect(rows).toHaveLength(4);
    expect(rows[0]).toContain('2026-07-20');
    expect(rows[0]).toContain('Overdue 2');
    expect(rows[0]).toContain('2 · due 2026-06-30');
    expect(rows[3]).toContain('Before due date');
    expect(rows[3]).toContain('not e-mailed: mail is not configured');
    expect(section).toContain(
      '10 days before the due date, then every 7 days while overdue, 2 at most',
    );
  });

  it('refuses a run for a future day (422, field date): it would take the place of the right one', async () => {
    const tomorrow = addDays(todayUtc(), 1);
    const res = await http().post('/api/v1/reminders/run').set(officer).send({ date: tomorrow });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'date' })]);
    const malformed = await http()
      .post('/api/v1/reminders/run')
      .set(officer)
      .send({ date: '2026-02-30' });
    expect(malformed.status).toBe(422);
    expect(malformed.body.errors[0].field).toBe('date');
  });

  it('answers the default policy for a fund without one, and stores and audits a new one', async () => {
    const admin = await new TestUsers(app).auth('admin', ['admin']);
    const created = await http()
      .post('/api/v1/funds')
      .set(admin)
      .send({ code: 'ITU-TF2', name: 'Second fund', functionalCurrency: 'CHF' });
    expect(created.status).toBe(201);
    const initial = await http().get('/api/v1/funds/ITU-TF2/reminder-policy').set(officer);
    expect(initial.status).toBe(200);
    expect(initial.body).toEqual({
      fund: 'ITU-TF2',
      enabled: true,
      daysBeforeDue: 30,
      overdueEveryDays: 30,
      maxOverdueReminders: 3,
      isDefault: true,
      updatedBy: null,
      updatedAt: null,
    });
    const put = await fx.setPolicy('ITU-TF2', {
      enabled: false,
      daysBeforeDue: 0,
      overdueEveryDays: 1,
      maxOverdueReminders: 0,
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ enabled: false, isDefault: false, updatedBy: 'officer' });
    const audit = await sql.query<{ before: Body; after: Body }>(
      `SELECT before, after FROM audit_log
        WHERE action = 'reminder-policy.update' AND entity_id = 'ITU-TF2'`,
    );
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0].before).toMatchObject({ isDefault: true, daysBeforeDue: 30 });
    expect(audit.rows[0].after).toMatchObject({ enabled: false, maxOverdueReminders: 0 });
    expect((await http().get('/api/v1/funds/NOPE/reminder-policy').set(officer)).status).toBe(404);
  });

  it('refuses an invalid policy field by field as problem+json, and changes nothing', async () => {
    const before = await http().get('/api/v1/funds/WSIS-TF/reminder-policy').set(officer);
    const res = await fx.setPolicy('WSIS-TF', {
      enabled: 'yes',
      daysBeforeDue: -1,
      overdueEveryDays: 0,
      maxOverdueReminders: 25,
    });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const fields = new Set((res.body.errors as Body[]).map((e) => e.field));
    expect(fields).toEqual(
      new Set(['enabled', 'daysBeforeDue', 'overdueEveryDays', 'maxOverdueReminders']),
    );
    const missing = await fx.setPolicy('WSIS-TF', { enabled: true });
    expect(missing.status).toBe(422);
    expect((missing.body.errors as Body[]).map((e) => e.field)).toContain('daysBeforeDue');
    const after = await http().get('/api/v1/funds/WSIS-TF/reminder-policy').set(officer);
    expect(after.body).toEqual(before.body);
  });

  it('reminders:run (the command) sends what is due as of --date by the same rules, once', async () => {
    const pledge = await fx.pledge(french, [['2026-11-30', '250.00']]);
    const config = testConfig(db);
    const first = await runReminders(config, '2026-11-21');
    const mine = first.sent.filter((r) => r.pledgeId === pledge.id);
    expect(mine.map((r) => [r.instalment, r.step, r.delivery])).toEqual([[1, 0, 'no-mail']]);
    expect(describeRun(first)).toContainEqual(
      `${pledge.reference as string} instalment 1 (due 2026-11-30) step 0: CHF 250.00, no-mail`,
    );
    const again = await runReminders(config, '2026-11-21');
    expect(again.sent.filter((r) => r.pledgeId === pledge.id)).toEqual([]);
    expect(describeRun(again).at(-1)).toBe('0 reminders sent as of 2026-11-21');
    const audit = await sql.query<{ actor: string }>(
      `SELECT actor FROM audit_log WHERE action = 'pledge.reminders.send' AND entity_id = $1`,
      [pledge.id],
    );
    expect(audit.rows).toEqual([{ actor: expect.stringMatching(/^system:cli:/) }]);
  });

  it('runs every day at 06:00 UTC on the job queue, as of the real today, as system:reminders', async () => {
    const { rows } = await sql.query<{ cron: string; timezone: string }>(
      `SELECT cron, timezone FROM pgboss.schedule WHERE name = $1`,
      [REMINDERS_QUEUE],
    );
    expect(rows).toEqual([{ cron: '0 6 * * *', timezone: 'UTC' }]);
    const pledge = await fx.pledge(french, [[addDays(todayUtc(), 5), '120.00']]);
    await app.get(RemindersJob).runToday();
    const sent = await sql.query<{ step: number; sent_on: string; actor: string }>(
      `SELECT r.step, to_char(r.sent_on, 'YYYY-MM-DD') AS sent_on, a.actor
         FROM pledge_reminder r
         JOIN audit_log a ON a.action = 'pledge.reminders.send' AND a.entity_id = r.pledge_id::text
        WHERE r.pledge_id = $1`,
      [pledge.id],
    );
    expect(sent.rows).toEqual([{ step: 0, sent_on: todayUtc(), actor: 'system:reminders' }]);
  });
});
