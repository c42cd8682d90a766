import { AddressInfo } from 'node:net';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { SMTPServer } from 'smtp-server';
import { Body, ReminderFixtures } from '../support/reminder-fixtures';
import { createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase, testEngine } from '../support/test-database';

interface ReceivedMail {
  to: string[];
  raw: string;
}

const onServer = testEngine() === 'postgres' ? it : it.skip;

/**
 * Reminders e-mailed through a local SMTP server started here (WSIS-TF's default policy: 30
 * days before, every 30 days, 3 at most). Each test's donor has addresses of its own, so that
 * what a test counts is its own mail.
 */
describe('payment reminders by e-mail', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let smtp: SMTPServer;
  let fx: ReminderFixtures;
  const received: ReceivedMail[] = [];

  const to = (address: string) => received.filter((mail) => mail.to.includes(address));
  const reminders = async (pledgeId: string): Promise<Body[]> =>
    (
      await request(app.getHttpServer())
        .get(`/api/v1/pledges/${pledgeId}/reminders`)
        .set(fx.officer)
    ).body as Body[];

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      // A mailbox that does not exist: the send fails, and the reminder must say so.
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('bounce')) {
          const error = new Error('mailbox unavailable') as Error & { responseCode: number };
          error.responseCode = 550;
          callback(error);
          return;
        }
        callback();
      },
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (chunk: Buffer) => (raw += chunk.toString()));
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const { port } = smtp.server.address() as AddressInfo;
    db = await createTestDatabase();
    app = await createTestApp(db, {
      env: {
        API_RATE_LIMIT_PER_MINUTE: '100000',
        MAIL_URL: `smtp://127.0.0.1:${port}`,
        MAIL_FROM: 'Trust fund <trust.fund@example.org>',
      },
    });
    sql = await connect(db.url);
    fx = new ReminderFixtures(app, await new TestUsers(app).auth('officer', ['finance_officer']));
    await fx.rates();
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
    await new Promise<void>((resolve) => smtp.close(resolve));
  });

  it("e-mails the donor's contacts who receive statements, once, and records them as recipients", async () => {
    const donor = await fx.donor('Mail State', 'en', [
      { name: 'Treasury', email: 'treasury@mail-state.example', receivesStatements: true },
      { name: 'Minister', email: 'minister@mail-state.example', receivesStatements: false },
      { name: 'Embassy', email: 'embassy@mail-state.example', receivesStatements: true },
    ]);
    const pledge = await fx.pledge(donor, [['2026-03-31', '750.00']]);
    const run = await fx.run('2026-03-15');
    const mine = (run.sent as Body[]).filter((r) => r.pledgeId === pledge.id);
    expect(mine).toEqual([
      expect.objectContaining({
        step: 0,
        recipients: ['treasury@mail-state.example', 'embassy@mail-state.example'],
        delivery: 'sent',
        deliveryError: null,
      }),
    ]);
    const mails = to('treasury@mail-state.example');
    expect(mails).toHaveLength(1);
    expect(mails[0].to.sort()).toEqual([
      'embassy@mail-state.example',
      'treasury@mail-state.example',
    ]);
    expect(mails[0].raw).toMatch(/^Subject: .*Payment reminder/m);
    expect(mails[0].raw).toMatch(/^From: .*trust\.fund@example\.org/m);
    expect(to('minister@mail-state.example')).toEqual([]);

    await fx.run('2026-03-15');
    await fx.run('2026-03-20');
    expect(to('treasury@mail-state.example')).toHaveLength(1);
    const { rows } = await sql.query<{ message_id: string | null }>(
      `SELECT message_id FROM pledge_reminder WHERE pledge_id = $1`,
      [pledge.id],
    );
    expect(rows).toEqual([{ message_id: expect.any(String) }]);
  });

  it('records a reminder with no recipients when no contact receives statements, and says so', async () => {
    const donor = await fx.donor('Silent State', 'es', [
      { name: 'Desk', email: 'desk@silent.example', receivesStatements: false },
    ]);
    const pledge = await fx.pledge(donor, [['2026-04-30', '300.00']]);
    await fx.run('2026-04-10');
    expect(await reminders(pledge.id as string)).toEqual([
      expect.objectContaining({ step: 0, recipients: [], delivery: 'no-recipients' }),
    ]);
    expect(to('desk@silent.example')).toEqual([]);
    const page = await request(app.getHttpServer())
      .get(`/pledges/${pledge.id as string}`)
      .set(fx.officer);
    expect(page.text).toContain('not e-mailed: no contact of the donor receives statements');
  });

  it('makes a failed send visible on the reminder, and does not send it again', async () => {
    const donor = await fx.donor('Bouncing State', 'fr', [
      { name: 'Gone', email: 'bounce@bouncing.example', receivesStatements: true },
    ]);
    const pledge = await fx.pledge(donor, [['2026-05-31', '200.00']]);
    await fx.run('2026-05-20');
    const [failed] = await reminders(pledge.id as string);
    expect(failed).toMatchObject({
      step: 0,
      recipients: ['bounce@bouncing.example'],
      delivery: 'failed',
    });
    expect(failed.deliveryError).toEqual(expect.stringMatching(/\S/));
    await fx.run('2026-05-21');
    expect(await reminders(pledge.id as string)).toHaveLength(1);
    const page = await request(app.getHttpServer())
      .get(`/pledges/${pledge.id as string}`)
      .set(fx.officer);
    expect(page.text).toMatch(/data-delivery="failed"[\s\S]*e-mail failed/);
  });

  onServer(
    'sends each reminder once when two runs happen at the same time (server only: the embedded database runs one transaction at a time)',
    async () => {
      const donor = await fx.donor('Parallel State', 'en', [
        { name: 'Desk', email: 'parallel@parallel.example', receivesStatements: true },
      ]);
      const pledges: Body[] = [];
      for (let i = 0; i < 6; i++) {
        pledges.push(await fx.pledge(donor, [['2026-08-31', `${100 + i}.00`]]));
      }
      const runs = await Promise.all([fx.run('2026-08-10'), fx.run('2026-08-10')]);
      const ids = new Set(pledges.map((p) => p.id as string));
      const sent = runs.flatMap((run) => (run.sent as Body[]).filter((r) => ids.has(r.pledgeId)));
      expect(sent).toHaveLength(6);
      expect(new Set(sent.map((r) => r.pledgeId)).size).toBe(6);
      expect(sent.every((r) => r.step === 0 && r.delivery === 'sent')).toBe(true);
      const { rows } = await sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pledge_reminder WHERE pledge_id = ANY($1::uuid[])`,
        [[...ids]],
      );
      expect(rows[0].n).toBe(6);
      expect(to('parallel@parallel.example')).toHaveLength(6);
    },
  );
});
