import { Client } from 'pg';
import { DataSource } from 'typeorm';
import {
  connect,
  createTestDatabase,
  TestDatabase,
  testEngine,
} from '../../test/support/test-database';
import { AuditRepository } from '../audit/audit.repository';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { AppError } from '../common/errors/app-error';
import { dataSourceOptions } from '../database/data-source-options';
import { sqlState } from '../database/sql-state';
import { TransactionRunner } from '../database/transaction-runner';
import { ApprovalContext, ApprovalHandlerRegistry } from './approval-handler.registry';
import {
  ApprovalAlreadyDecidedError,
  ApprovalAlreadyPendingError,
  ApprovalKindUnknownError,
  ApprovalNotFoundError,
} from './approvals.errors';
import { ApprovalsRepository } from './approvals.repository';
import { ApprovalsService } from './approvals.service';

const onServer = testEngine() === 'postgres' ? it : it.skip;

/** What the test action does: writes a row, then fails if asked to (after writing). */
interface EffectPayload {
  note: string;
  fail?: boolean;
  slow?: boolean;
}

class EffectRefusedError extends AppError {
  constructor() {
    super(422, 'effect-refused', 'Refused', 'The action found that it can no longer be done.');
  }
}

describe(ApprovalsService.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let transactions: TransactionRunner;
  let approvals: ApprovalsService;
  let sql: Client;
  const executions: Array<{ payload: EffectPayload; context: ApprovalContext }> = [];
  const actors: Record<string, Actor> = {};

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource(dataSourceOptions(db.url, 4)).initialize();
    transactions = new TransactionRunner(dataSource);
    approvals = new ApprovalsService(
      dataSource,
      transactions,
      new ApprovalsRepository(),
      new ApprovalHandlerRegistry(),
      new AuditService(dataSource, new AuditRepository()),
    );
    sql = await connect(db.url);
    await sql.query(
      `CREATE TABLE approval_test_effect (id serial PRIMARY KEY, note text NOT NULL)`,
    );
    approvals.register<EffectPayload, { effectId: number; note: string }>({
      kind: 'test.effect',
      execute: async (manager, payload, context) => {
        executions.push({ payload, context });
        const [row] = await manager.query<{ id: number }[]>(
          `INSERT INTO approval_test_effect (note) VALUES ($1) RETURNING id`,
          [payload.note],
        );
        if (payload.slow) await manager.query(`SELECT pg_sleep(0.3)`);
        if (payload.fail) throw new EffectRefusedError();
        return { effectId: row.id, note: payload.note };
      },
    });
    // The maker holds both roles: approving their own request must still be refused.
    for (const [username, roles] of [
      ['officer.a', ['finance_officer', 'approver']],
      ['officer.b', ['finance_officer']],
      ['approver.a', ['approver']],
      ['approver.b', ['approver']],
    ] as const) {
      const { rows } = await sql.query<{ id: string }>(
        `INSERT INTO app_user (username, display_name, created_by) VALUES ($1, $1, 'test')
         RETURNING id`,
        [username],
      );
      actors[username] = { id: username, userId: rows[0].id, roles, donorIds: [] };
    }
  });

  afterAll(async () => {
    await sql.end();
    await dataSource.destroy();
    await db.drop();
  });

  const caught = async (promise: Promise<unknown>): Promise<AppError> =>
    promise.then(
      () => {
        throw new Error('expected a rejection');
      },
      (error: unknown) => error as AppError,
    );
  const ask = (note: string, options: Partial<EffectPayload> & { subject?: string } = {}) =>
    transactions.run((manager) =>
      approvals.request<EffectPayload>(manager, actors['officer.a'], {
        kind: 'test.effect',
        summary: `Do ${note}`,
        payload: { note, fail: options.fail, slow: options.slow },
        subject: options.subject,
      }),
    );
  const effects = async (note: string): Promise<number> =>
    (
      await sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM approval_test_effect WHERE note = $1`,
        [note],
      )
    ).rows[0].n;

  describe('request', () => {
    it('stores a pending request with its maker, summary and payload, and audits it', async () => {
      const pending = await ask('first');
      expect(pending).toMatchObject({
        kind: 'test.effect',
        summary: 'Do first',
        payload: { note: 'first' },
        status: 'pending',
        maker: 'officer.a',
        checker: null,
        decidedAt: null,
        result: null,
      });
      expect(await approvals.get(pending.id)).toEqual(pending);
      const audit = await sql.query(
        `SELECT actor, action FROM audit_log WHERE entity_type = 'approval_request' AND entity_id = $1`,
        [pending.id],
      );
      expect(audit.rows).toEqual([{ actor: 'officer.a', action: 'approval.request' }]);
      expect(await effects('first')).toBe(0);
    });

    it("is part of the caller's transaction: rolled back with it", async () => {
      const failure = new Error('the caller failed after asking');
      await expect(
        transactions.run(async (manager) => {
          await approvals.request(manager, actors['officer.a'], {
            kind: 'test.effect',
            summary: 'Rolled back',
            payload: { note: 'rolled-back' },
          });
          throw failure;
        }),
      ).rejects.toBe(failure);
      const { rows } = await sql.query(
        `SELECT 1 FROM approval_request WHERE summary = 'Rolled back'`,
      );
      expect(rows).toEqual([]);
    });

    it('refuses a kind no module handles, rather than storing a request nobody can run', async () => {
      const error = await caught(
        transactions.run((manager) =>
          approvals.request(manager, actors['officer.a'], {
            kind: 'test.unknown',
            summary: 'x',
            payload: {},
          }),
        ),
      );
      expect(error).toBeInstanceOf(ApprovalKindUnknownError);
    });

    it('keeps at most one pending request per subject', async () => {
      const first = await ask('subject-1', { subject: 'WSIS-TF/2026-03' });
      const error = await caught(ask('subject-2', { subject: 'WSIS-TF/2026-03' }));
      expect(error).toBeInstanceOf(ApprovalAlreadyPendingError);
      expect(error.status).toBe(409);
      await approvals.cancel(actors['officer.a'], first.id);
      expect((await ask('subject-3', { subject: 'WSIS-TF/2026-03' })).status).toBe('pending');
    });
  });

  describe('approve', () => {
    it('executes the action once, with maker and checker, and stores its result', async () => {
      const pending = await ask('once');
      const before = executions.length;
      const approved = await approvals.approve(actors['approver.a'], pending.id, 'Looks right');
      expect(approved).toMatchObject({
        status: 'executed',
        checker: 'approver.a',
        comment: 'Looks right',
        result: { note: 'once', effectId: expect.any(Number) },
      });
      expect(approved.decidedAt).not.toBeNull();
      expect(executions.slice(before).map((e) => e.context)).toEqual([
        {
          approvalId: pending.id,
          maker: { id: 'officer.a', userId: actors['officer.a'].userId },
          checker: actors['approver.a'],
        },
      ]);
      const again = await caught(approvals.approve(actors['approver.b'], pending.id));
      expect(again).toBeInstanceOf(ApprovalAlreadyDecidedError);
      expect(again).toMatchObject({ status: 409, code: 'approval-already-decided' });
      expect(executions.length).toBe(before + 1);
      expect(await effects('once')).toBe(1);
    });

    it('never lets the maker approve, even holding the approver role, under any name', async () => {
      const pending = await ask('own');
      const maker = actors['officer.a'];
      for (const self of [
        maker,
        // The same user, whatever login the actor carries…
        { ...maker, id: 'someone.else' },
        // …and the same login when the actor has no user id (a system actor).
        { id: maker.id, roles: maker.roles, donorIds: [] },
      ]) {
        const error = await caught(approvals.approve(self, pending.id));
        expect(error).toMatchObject({ status: 403, code: 'maker-cannot-approve' });
      }
      expect(await effects('own')).toBe(0);
      expect((await approvals.get(pending.id)).status).toBe('pending');
    });

    it('refuses a user without the approver role', async () => {
      const pending = await ask('no-role');
      const error = await caught(approvals.approve(actors['officer.b'], pending.id));
      expect(error).toMatchObject({ status: 403, code: 'approver-role-required' });
      expect(await effects('no-role')).toBe(0);
    });

    it('keeps nothing when the action fails: the request stays pending, the error is as thrown', async () => {
      const pending = await ask('fails', { fail: true });
      const error = await caught(approvals.approve(actors['approver.a'], pending.id));
      expect(error).toBeInstanceOf(EffectRefusedError);
      // The action wrote its row before failing: rolled back with the approval.
      expect(await effects('fails')).toBe(0);
      expect(await approvals.get(pending.id)).toEqual(pending);
      const audit = await sql.query(
        `SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id`,
        [pending.id],
      );
      expect(audit.rows).toEqual([{ action: 'approval.request' }]);
    });

    it('answers 404 for an unknown or malformed id', async () => {
      for (const id of ['2b1f0a8e-0000-4000-8000-000000000000', 'not-a-uuid']) {
        expect(await caught(approvals.approve(actors['approver.a'], id))).toBeInstanceOf(
          ApprovalNotFoundError,
        );
        expect(await caught(approvals.get(id))).toBeInstanceOf(ApprovalNotFoundError);
      }
    });

    onServer(
      'lets exactly one of concurrent approvals execute (needs a PostgreSQL server: PGlite runs one transaction at a time)',
      async () => {
        const pending = await ask('race', { slow: true });
        const answers = await Promise.allSettled(
          ['approver.a', 'approver.b', 'approver.a', 'approver.b'].map((name) =>
            approvals.approve(actors[name], pending.id),
          ),
        );
        expect(answers.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
        const refused = answers.filter((a) => a.status === 'rejected');
        expect(refused.map((a) => (a.reason as AppError).code)).toEqual(
          Array(3).fill('approval-already-decided'),
        );
        expect(await effects('race')).toBe(1);
      },
    );
  });

  describe('reject and cancel', () => {
    it('rejects with a reason; the request is then final', async () => {
      const pending = await ask('rejected');
      expect(await caught(approvals.reject(actors['approver.a'], pending.id, ' '))).toMatchObject({
        status: 422,
        code: 'validation-failed',
      });
      expect(
        await caught(approvals.reject(actors['officer.a'], pending.id, 'I changed my mind')),
      ).toMatchObject({ status: 403, code: 'maker-cannot-reject' });
      const rejected = await approvals.reject(actors['approver.a'], pending.id, 'Wrong donor');
      expect(rejected).toMatchObject({
        status: 'rejected',
        checker: 'approver.a',
        comment: 'Wrong donor',
        result: null,
      });
      for (const late of [
        approvals.approve(actors['approver.b'], pending.id),
        approvals.cancel(actors['officer.a'], pending.id),
      ]) {
        expect(await caught(late)).toBeInstanceOf(ApprovalAlreadyDecidedError);
      }
      expect(await effects('rejected')).toBe(0);
    });

    it('lets only the maker cancel', async () => {
      const pending = await ask('cancelled');
      expect(await caught(approvals.cancel(actors['officer.b'], pending.id))).toMatchObject({
        status: 403,
        code: 'only-maker-can-cancel',
      });
      const cancelled = await approvals.cancel(actors['officer.a'], pending.id, 'Entered twice');
      expect(cancelled).toMatchObject({
        status: 'cancelled',
        checker: null,
        comment: 'Entered twice',
      });
      expect(await caught(approvals.approve(actors['approver.a'], pending.id))).toBeInstanceOf(
        ApprovalAlreadyDecidedError,
      );
    });
  });

  it('lists requests newest first, by status, kind and maker', async () => {
    const pending = await ask('listed');
    const inbox = await approvals.list({ status: 'pending', kind: 'test.effect' });
    expect(inbox[0]).toMatchObject({
      id: pending.id,
      maker: 'officer.a',
      payload: { note: 'listed' },
    });
    expect(inbox.every((a) => a.status === 'pending')).toBe(true);
    expect(await approvals.list({ maker: 'nobody.here' })).toEqual([]);
    expect(await approvals.list({ kind: 'test.other' })).toEqual([]);
    const executed = await approvals.list({ status: 'executed' });
    expect(executed.length).toBeGreaterThan(0);
    expect(executed.every((a) => a.status === 'executed' && a.checker !== null)).toBe(true);
  });

  describe('in the database', () => {
    it('refuses a checker who is the maker, whoever writes', async () => {
      const pending = await ask('raw');
      const error = await sql
        .query(
          `UPDATE approval_request SET status = 'executed', checker = maker,
                  checker_user_id = $2, decided_at = now(), result = '{}' WHERE id = $1`,
          [pending.id, actors['approver.a'].userId],
        )
        .catch((e: unknown) => e);
      expect(sqlState(error)).toBe('23514');
      expect((error as { constraint?: string }).constraint).toBe(
        'approval_request_checker_not_maker',
      );
    });

    it('keeps a decided request as it was: no change, no deletion', async () => {
      const pending = await ask('kept');
      await approvals.approve(actors['approver.a'], pending.id);
      for (const statement of [
        `UPDATE approval_request SET status = 'pending', decided_at = NULL, checker = NULL,
                checker_user_id = NULL, result = NULL WHERE id = $1`,
        `UPDATE approval_request SET result = '{"forged": true}' WHERE id = $1`,
        `DELETE FROM approval_request WHERE id = $1`,
      ]) {
        const error = await sql.query(statement, [pending.id]).catch((e: unknown) => e);
        expect((error as { constraint?: string }).constraint).toBe('approval_request_final');
      }
      expect((await approvals.get(pending.id)).status).toBe('executed');
    });

    it('never lets a pending request change what it asks for', async () => {
      const pending = await ask('asked');
      const error = await sql
        .query(`UPDATE approval_request SET payload = '{"note": "other"}' WHERE id = $1`, [
          pending.id,
        ])
        .catch((e: unknown) => e);
      expect((error as { constraint?: string }).constraint).toBe('approval_request_final');
    });
  });
});
