import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { Role } from '../../src/auth/roles';
import { approve, requestAndApprove } from '../support/approvals';
import { newDonorId, receivableAdjustment } from '../support/ledger-fixtures';
import { createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase, testEngine } from '../support/test-database';

const onServer = testEngine() === 'postgres' ? it : it.skip;

describe('approvals (maker-checker) through the API', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  const auth: Record<string, { Authorization: string }> = {};

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db);
    sql = await connect(db.url);
    const users = new TestUsers(app);
    const roles: Record<string, Role[]> = {
      // The maker of most requests here holds both roles, to show it does not help.
      'officer.a': ['finance_officer', 'approver'],
      'officer.b': ['finance_officer'],
      'approver.a': ['approver'],
      'approver.b': ['approver'],
      'admin.a': ['admin'],
      'auditor.a': ['auditor'],
      'manager.a': ['management'],
      'donor.a': ['donor'],
    };
    for (const [name, held] of Object.entries(roles)) auth[name] = await users.auth(name, held);
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  const as = (name: string) => {
    const server = app.getHttpServer();
    return {
      get: (url: string) => request(server).get(url).set(auth[name]),
      post: (url: string) => request(server).post(url).set(auth[name]),
    };
  };
  const requestAdjustment = (body: Record<string, unknown>, maker = 'officer.a') =>
    as(maker).post('/api/v1/funds/WSIS-TF/journal-entries').send(body);
  const entriesFor = async (donor: string): Promise<number> =>
    (
      await sql.query<{ n: number }>(
        `SELECT count(DISTINCT entry_id)::int AS n FROM journal_line WHERE donor_id = $1`,
        [donor],
      )
    ).rows[0].n;

  describe('manual adjustments', () => {
    it('are checked at once, answered 202 with a pending request, and posted only when approved', async () => {
      const donor = newDonorId();
      const requested = await requestAdjustment(
        receivableAdjustment(donor, '250.00', '2026-03-10'),
      );
      expect(requested.status).toBe(202);
      expect(requested.body).toMatchObject({
        kind: 'journal.adjustment',
        status: 'pending',
        maker: 'officer.a',
        fund: 'WSIS-TF',
        checker: null,
        payload: { fund: 'WSIS-TF', entry: { date: '2026-03-10' } },
      });
      expect(requested.body.summary).toBe(
        `Adjustment of WSIS-TF dated 2026-03-10: Contribution agreed by donor ${donor.slice(0, 8)} ` +
          '(2 lines, debits CHF 250.00)',
      );
      expect(await entriesFor(donor)).toBe(0);

      const approved = await approve(app, requested.body.id, auth['approver.a'], 'Agreement seen');
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({
        id: requested.body.id,
        status: 'executed',
        checker: 'approver.a',
        comment: 'Agreement seen',
      });
      // The entry is the maker's; its source names the approval request, which names the checker.
      expect(approved.body.result).toMatchObject({
        createdBy: 'officer.a',
        source: { type: 'manual-adjustment', ref: requested.body.id },
      });
      const entry = await as('auditor.a').get(`/api/v1/journal-entries/${approved.body.result.id}`);
      expect(entry.body).toEqual(approved.body.result);
      expect(await entriesFor(donor)).toBe(1);
    });

    it('run exactly once: a second approval is refused with 409 and posts nothing', async () => {
      const donor = newDonorId();
      const requested = await requestAdjustment(receivableAdjustment(donor, '40.00'));
      expect((await approve(app, requested.body.id, auth['approver.a'])).status).toBe(200);
      for (const approver of ['approver.a', 'approver.b']) {
        const again = await approve(app, requested.body.id, auth[approver]);
        expect(again.status).toBe(409);
        expect(again.headers['content-type']).toMatch(/problem\+json/);
        expect(again.body).toMatchObject({
          code: 'approval-already-decided',
          approvalStatus: 'executed',
        });
      }
      expect(await entriesFor(donor)).toBe(1);
    });

    it('are checked again when approved: a period closed meanwhile fails the approval, which stays pending', async () => {
      const donor = newDonorId();
      const requested = await requestAdjustment(receivableAdjustment(donor, '75.00', '2026-07-20'));
      expect(requested.status).toBe(202);
      const close = await as('officer.b')
        .post('/api/v1/funds/WSIS-TF/periods/2026-07/close')
        .send({});
      expect(close.status).toBe(201);

      const refused = await approve(app, requested.body.id, auth['approver.a']);
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('period-closed');
      const still = await as('approver.a').get(`/api/v1/approvals/${requested.body.id}`);
      expect(still.body).toMatchObject({ status: 'pending', checker: null, result: null });
      expect(await entriesFor(donor)).toBe(0);

      // Once the period is reopened (itself approved), the same request can be approved.
      const reopened = await requestAndApprove(
        app,
        '/api/v1/funds/WSIS-TF/periods/2026-07/reopen',
        { reason: 'A July agreement was missed' },
        auth['officer.b'],
        auth['approver.b'],
      );
      expect(reopened.status).toBe(200);
      expect((await approve(app, requested.body.id, auth['approver.a'])).status).toBe(200);
      expect(await entriesFor(donor)).toBe(1);
    });

    onServer(
      'let exactly one of concurrent approvals post (needs a PostgreSQL server: PGlite runs one transaction at a time)',
      async () => {
        const donor = newDonorId();
        const requested = await requestAdjustment(receivableAdjustment(donor, '12.00'));
        const answers = await Promise.all(
          ['approver.a', 'approver.b', 'approver.a', 'approver.b', 'approver.a'].map((name) =>
            approve(app, requested.body.id, auth[name]),
          ),
        );
        expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409]);
        expect(answers.filter((a) => a.status === 409).map((a) => a.body.code as string)).toEqual(
          Array(4).fill('approval-already-decided'),
        );
        expect(await entriesFor(donor)).toBe(1);
      },
    );
  });

  describe('who decides', () => {
    it('never the maker, even one holding the approver role', async () => {
      const donor = newDonorId();
      const requested = await requestAdjustment(receivableAdjustment(donor, '10.00'));
      const own = await approve(app, requested.body.id, auth['officer.a']);
      expect(own.status).toBe(403);
      expect(own.body.code).toBe('maker-cannot-approve');
      const ownReject = await as('officer.a')
        .post(`/api/v1/approvals/${requested.body.id}/reject`)
        .send({ comment: 'Not needed after all' });
      expect(ownReject.status).toBe(403);
      expect(ownReject.body.code).toBe('maker-cannot-reject');
      expect(
        (await as('officer.a').get(`/api/v1/approvals/${requested.body.id}`)).body.status,
      ).toBe('pending');
      expect(await entriesFor(donor)).toBe(0);
    });

    it('only an approver: others are refused with 403', async () => {
      const donor = newDonorId();
      const requested = await requestAdjustment(receivableAdjustment(donor, '11.00'));
      for (const name of ['officer.b', 'admin.a', 'auditor.a', 'manager.a', 'donor.a']) {
        expect((await approve(app, requested.body.id, auth[name])).status).toBe(403);
        const reject = await as(name)
          .post(`/api/v1/approvals/${requested.body.id}/reject`)
          .send({ comment: 'No' });
        expect(reject.status).toBe(403);
      }
      expect(await entriesFor(donor)).toBe(0);
    });

    it('rejecting takes a reason, and is final: the request can then be neither approved nor cancelled', async () => {
      const donor = newDonorId();
      const requested = await requestAdjustment(receivableAdjustment(donor, '13.00'));
      const url = `/api/v1/approvals/${requested.body.id}`;
      const noReason = await as('approver.a').post(`${url}/reject`).send({});
      expect(noReason.status).toBe(422);
      expect(noReason.body.errors[0].field).toBe('comment');
      const rejected = await as('approver.a')
        .post(`${url}/reject`)
        .send({ comment: 'Wrong earmark: this is for participation grants' });
      expect(rejected.status).toBe(200);
      expect(rejected.body).toMatchObject({
        status: 'rejected',
        checker: 'approver.a',
        comment: 'Wrong earmark: this is for participation grants',
      });
      expect((await approve(app, requested.body.id, auth['approver.b'])).status).toBe(409);
      expect((await as('officer.a').post(`${url}/cancel`).send({})).status).toBe(409);
      expect(await entriesFor(donor)).toBe(0);
    });

    it('the maker alone may cancel a pending request', async () => {
      const requested = await requestAdjustment(receivableAdjustment(newDonorId(), '14.00'));
      const url = `/api/v1/approvals/${requested.body.id}/cancel`;
      const other = await as('officer.b').post(url).send({});
      expect(other.status).toBe(403);
      expect(other.body.code).toBe('only-maker-can-cancel');
      const cancelled = await as('officer.a').post(url).send({ comment: 'Entered twice' });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', comment: 'Entered twice' });
      expect((await approve(app, requested.body.id, auth['approver.a'])).status).toBe(409);
    });
  });

  describe('reopening a closed period', () => {
    it('is asked for only when the period is closed, and once at a time', async () => {
      const url = '/api/v1/funds/WSIS-TF/periods/2026-09';
      const open = await as('officer.a').post(`${url}/reopen`).send({ reason: 'Nothing to do' });
      expect(open.status).toBe(409);
      expect(open.body.code).toBe('period-already-open');
      expect((await as('officer.a').post(`${url}/close`).send({})).status).toBe(201);
      const first = await as('officer.a').post(`${url}/reopen`).send({ reason: 'Late charges' });
      expect(first.status).toBe(202);
      expect(first.body).toMatchObject({
        kind: 'period.reopen',
        status: 'pending',
        subject: 'WSIS-TF/2026-09',
        summary: 'Reopen period 2026-09 of WSIS-TF: Late charges',
        payload: { fund: 'WSIS-TF', period: '2026-09', reason: 'Late charges' },
      });
      const second = await as('officer.b').post(`${url}/reopen`).send({ reason: 'Also late' });
      expect(second.status).toBe(409);
      expect(second.body.code).toBe('approval-already-pending');
      const periods = await as('officer.a').get('/api/v1/funds/WSIS-TF/periods');
      expect(periods.body.find((p: { period: string }) => p.period === '2026-09').status).toBe(
        'closed',
      );
      const approved = await approve(app, first.body.id, auth['approver.a']);
      expect(approved.status).toBe(200);
      expect(approved.body.result).toMatchObject({
        period: '2026-09',
        status: 'open',
        changedBy: 'officer.a',
      });
    });
  });

  describe('the inbox', () => {
    it('lists pending requests with maker, summary and payload, for the office, approvers, admins and auditors', async () => {
      const donor = newDonorId();
      const requested = await requestAdjustment(receivableAdjustment(donor, '15.00'), 'officer.b');
      for (const name of ['officer.a', 'approver.a', 'admin.a', 'auditor.a']) {
        const inbox = await as(name).get(
          '/api/v1/approvals?status=pending&kind=journal.adjustment',
        );
        expect(inbox.status).toBe(200);
        expect(inbox.body.every((a: { status: string }) => a.status === 'pending')).toBe(true);
        expect(inbox.body.find((a: { id: string }) => a.id === requested.body.id)).toEqual({
          ...requested.body,
          maker: 'officer.b',
          createdAt: expect.any(String),
          payload: expect.objectContaining({ fund: 'WSIS-TF' }),
        });
        const one = await as(name).get(`/api/v1/approvals/${requested.body.id}`);
        expect(one.status).toBe(200);
        expect(one.body).toEqual(requested.body);
      }
      const byFund = await as('approver.a').get('/api/v1/approvals?fund=WSIS-TF&maker=officer.b');
      expect(byFund.body.map((a: { id: string }) => a.id)).toContain(requested.body.id);
      const executed = await as('approver.a').get('/api/v1/approvals?status=executed');
      expect(executed.body.map((a: { id: string }) => a.id)).not.toContain(requested.body.id);
    });

    it('is closed to management and donors', async () => {
      const requested = await requestAdjustment(receivableAdjustment(newDonorId(), '16.00'));
      for (const name of ['manager.a', 'donor.a']) {
        expect((await as(name).get('/api/v1/approvals')).status).toBe(403);
        expect((await as(name).get(`/api/v1/approvals/${requested.body.id}`)).status).toBe(403);
      }
    });

    it('says which filter is wrong, and 404 for an unknown request', async () => {
      const bad = await as('approver.a').get('/api/v1/approvals?status=approved');
      expect(bad.status).toBe(422);
      expect(bad.body.errors[0].field).toBe('status');
      const unknown = await as('approver.a').get(
        '/api/v1/approvals/2b1f0a8e-0000-4000-8000-000000000000',
      );
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('approval-not-found');
    });
  });
});
