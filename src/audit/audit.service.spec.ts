import fc from 'fast-check';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { testConfig } from '../../test/support/test-app';
import {
  connect,
  createTestDatabase,
  TestDatabase,
  testEngine,
} from '../../test/support/test-database';
import { CliConfigService } from '../cli/cli-config.service';
import { AuditVerifyCommand } from '../cli/commands/audit-verify.command';
import { Actor } from '../common/actor';
import { runWithRequestContext } from '../common/request-context';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from '../database/data-source-options';
import { sqlState } from '../database/sql-state';
import { TransactionRunner } from '../database/transaction-runner';
import { Money } from '../money/money';
import { auditHash, toJsonValue } from './audit-hash';
import {
  AuditChainError,
  AuditOutsideTransactionError,
  InvalidAuditPeriodError,
} from './audit.errors';
import { AuditRepository } from './audit.repository';
import { AuditService, VERIFY_PAGE_SIZE } from './audit.service';
import { AuditChange, AuditRecordRef } from './audit.types';

const officer: Actor = {
  id: 'finance.officer',
  userId: '5F0E4C1A-8B7D-4E2F-9A3B-1C2D3E4F5A6B',
  roles: ['finance_officer'],
  donorIds: [],
};
const system: Actor = { id: 'system:test', roles: [], donorIds: [] };

// Only the server runs transactions side by side; PGlite runs one at a time.
const onServer = testEngine() === 'postgres' ? it : it.skip;

describe(AuditService.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let transactions: TransactionRunner;
  let audit: AuditService;
  let sql: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource(
      dataSourceOptions(db.url, db.engine === 'embedded' ? 1 : 10),
    ).initialize();
    transactions = new TransactionRunner(dataSource);
    audit = new AuditService(dataSource, new AuditRepository());
    sql = await connect(db.url);
  });

  afterAll(async () => {
    await sql.end();
    await dataSource.destroy();
    await db.drop();
  });

  const record = (change: AuditChange, actor: Actor = officer): Promise<AuditRecordRef> =>
    transactions.run((manager) => audit.record(manager, actor, change));

  const change = (entityId: string, after: unknown = { entityId }): AuditChange => ({
    action: 'fund.create',
    entityType: 'fund',
    entityId,
    after,
  });

  const count = async (): Promise<number> =>
    (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')).rows[0].n;

  const caught = (promise: Promise<unknown>): Promise<unknown> =>
    promise.then(
      () => {
        throw new Error('expected a rejection');
      },
      (error: unknown) => error,
    );

  /** Runs `statement` as the database owner, with the audit_log triggers bypassed. */
  const asOwnerBypassingTriggers = async (
    statement: string,
    parameters: unknown[] = [],
  ): Promise<void> => {
    // SET LOCAL: the embedded database is one session shared by every connection.
    await sql.query('BEGIN');
    try {
      await sql.query('SET LOCAL session_replication_role = replica');
      await sql.query(statement, parameters);
      await sql.query('COMMIT');
    } catch (error) {
      await sql.query('ROLLBACK');
      throw error;
    }
  };

  describe('recording', () => {
    it('starts the chain, then links each record to the hash of the one before', async () => {
      const first = await record(change('FIRST-TF'));
      const second = await record(change('SECOND-TF'));
      const rows = (
        await sql.query<{ id: string; prev_hash: string | null; hash: string }>(
          'SELECT id::text, prev_hash, hash FROM audit_log ORDER BY id',
        )
      ).rows;
      expect(rows).toEqual([
        { id: first.id, prev_hash: null, hash: first.hash },
        { id: second.id, prev_hash: first.hash, hash: second.hash },
      ]);
      expect(await audit.verify()).toEqual({
        ok: true,
        checked: 2,
        lastId: second.id,
        lastHash: second.hash,
      });
    });

    it('stores who, what, when and the request it came from, as the auditor reads it', async () => {
      const before = Date.now();
      const ref = await runWithRequestContext(
        { requestId: 'req-audit-0001', clientAddress: '203.0.113.7' },
        () =>
          record({
            action: 'period.close',
            entityType: 'accounting_period',
            entityId: 'WSIS-TF/2026-03',
            before: { status: 'open' },
            after: { status: 'closed', reason: 'Month-end close' },
          }),
      );
      const [found] = await audit.find({ entityType: 'accounting_period' });
      expect(found).toEqual({
        id: ref.id,
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        actor: 'finance.officer',
        actorUserId: '5f0e4c1a-8b7d-4e2f-9a3b-1c2d3e4f5a6b',
        action: 'period.close',
        entityType: 'accounting_period',
        entityId: 'WSIS-TF/2026-03',
        before: { status: 'open' },
        after: { status: 'closed', reason: 'Month-end close' },
        requestId: 'req-audit-0001',
        clientAddress: '203.0.113.7',
        prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        hash: ref.hash,
      });
      expect(Date.parse(found.at)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(found.at)).toBeLessThanOrEqual(Date.now());
      expect((await audit.verify()).ok).toBe(true);
    });

    it('keeps money exact: bigint and Money are stored as strings, never floats', async () => {
      const ref = await record(
        change('MONEY-TF', {
          amountMinor: 123456789012345678901234567890n,
          money: Money.parse('1,250.05', 'CHF'),
          at: new Date('2026-03-31T12:00:00.000Z'),
          missing: undefined,
        }),
      );
      const [found] = await audit.find({ entityId: 'MONEY-TF' });
      expect(found.id).toBe(ref.id);
      expect(found.after).toEqual({
        amountMinor: '123456789012345678901234567890',
        money: Money.parse('1,250.05', 'CHF').toJSON(),
        at: '2026-03-31T12:00:00.000Z',
      });
      expect((await audit.verify()).ok).toBe(true);
    });

    it('hashes what jsonb gives back: any JSON value verifies after the round trip', async () => {
      // jsonb reorders keys, drops whitespace and rewrites numbers; the hash must not care.
      const jsonb = fc
        .jsonValue({ maxDepth: 3 })
        // jsonb refuses NUL and lone surrogates, as text columns do: no change could carry them.
        .filter((value) => !/\\u(0000|d[89a-f])/i.test(JSON.stringify(value)));
      await fc.assert(
        fc.asyncProperty(jsonb, jsonb, async (before, after) => {
          const ref = await record({
            action: 'fund.create',
            entityType: 'property',
            entityId: 'json',
            before,
            after,
          });
          const [found] = await audit.find({ entityType: 'property', limit: 1 });
          expect(found.id).toBe(ref.id);
          expect(found.before).toEqual(toJsonValue(before));
          expect(found.after).toEqual(toJsonValue(after));
        }),
        { numRuns: 40 },
      );
      expect((await audit.verify()).ok).toBe(true);
    });

    it('is hashed by the database exactly as the verifier hashes it, whatever the text holds', async () => {
      const tricky = {
        prev_hash: 'not the chain’s: a field of the entity',
        quote: 'say "yes" \\ or \\"no\\"',
        lines: 'one\ntwo\r\nthree\ttab',
        scripts: 'Genève, Женева, 日内瓦, جنيف, 🇨🇭',
        nested: [{ prev_hash: null }, { '"prev_hash":': '"prev_hash":null' }],
      };
      const ref = await record(change('TRICKY', tricky));
      const { rows } = await sql.query<{ prev_hash: string; hash: string }>(
        'SELECT prev_hash, hash FROM audit_log WHERE id = $1',
        [ref.id],
      );
      const [found] = await audit.find({ entityType: 'fund', entityId: 'TRICKY' });
      expect(rows[0].hash).toBe(ref.hash);
      expect(
        auditHash({
          at: found.at,
          actor: officer.id,
          actor_user_id: officer.userId?.toLowerCase() ?? null,
          action: 'fund.create',
          entity_type: 'fund',
          entity_id: 'TRICKY',
          before: null,
          after: toJsonValue(tricky),
          request_id: null,
          client_address: null,
          prev_hash: rows[0].prev_hash,
        }),
      ).toBe(ref.hash);
      expect((await audit.verify()).ok).toBe(true);
    });

    it('refuses the change when the database would store a hash the verifier would not accept', async () => {
      // A repository that sends the canonical text altered: the database hashes something else.
      const skewed = new AuditRepository();
      const append = skewed.append.bind(skewed);
      skewed.append = (manager, content, [before, after]) =>
        append(manager, content, [before.replace('"actor":', '"actor" :'), after]);
      const broken = new AuditService(dataSource, skewed);
      const before = await count();
      const error = await caught(
        transactions.run((manager) => broken.record(manager, officer, change('SKEWED'))),
      );
      expect(error).toBeInstanceOf(AuditChainError);
      expect(await count()).toBe(before);
      expect((await audit.verify()).ok).toBe(true);
    });

    it('writes nothing when the transaction it belongs to rolls back', async () => {
      const before = await count();
      const failure = new Error('the change failed after it was audited');
      expect(
        await caught(
          transactions.run(async (manager) => {
            await audit.record(manager, officer, change('ROLLED-BACK-TF'));
            throw failure;
          }),
        ),
      ).toBe(failure);
      expect(await count()).toBe(before);
      expect(await audit.find({ entityId: 'ROLLED-BACK-TF' })).toEqual([]);
      // The next record links to the last committed one: no hole in the chain.
      await record(change('AFTER-ROLLBACK-TF'));
      expect((await audit.verify()).ok).toBe(true);
    });

    it('refuses to record outside a transaction: the record could outlive its change', async () => {
      expect(
        await caught(audit.record(dataSource.manager, officer, change('NO-TRANSACTION-TF'))),
      ).toBeInstanceOf(AuditOutsideTransactionError);
    });

    it('records several changes of one unit of work in order, in one chain', async () => {
      const refs = await transactions.run((manager) =>
        audit.recordMany(manager, system, [
          change('BATCH-1'),
          change('BATCH-2'),
          change('BATCH-3'),
        ]),
      );
      const rows = (
        await sql.query<{ entity_id: string; prev_hash: string }>(
          `SELECT entity_id, prev_hash FROM audit_log WHERE id = ANY ($1::bigint[]) ORDER BY id`,
          [refs.map((ref) => ref.id)],
        )
      ).rows;
      expect(rows.map((row) => row.entity_id)).toEqual(['BATCH-1', 'BATCH-2', 'BATCH-3']);
      expect(rows[1].prev_hash).toBe(refs[0].hash);
      expect(rows[2].prev_hash).toBe(refs[1].hash);
      expect((await audit.verify()).ok).toBe(true);
    });
  });

  describe('the database', () => {
    it.each([
      ['UPDATE', `UPDATE audit_log SET actor = 'someone.else'`],
      ['DELETE', `DELETE FROM audit_log`],
      ['TRUNCATE', `TRUNCATE audit_log`],
    ])('refuses %s on the audit log, whoever asks', async (operation, statement) => {
      const before = await count();
      const error = await caught(sql.query(statement));
      expect(sqlState(error)).toBe('55000');
      expect((error as Error).message).toBe(
        `${operation} on audit_log is refused: the audit trail is append-only`,
      );
      expect(await count()).toBe(before);
    });

    it('refuses a second start of the chain and a fork of it', async () => {
      const insert = (prevHash: string | null) =>
        sql.query(
          `INSERT INTO audit_log (at, actor, action, entity_type, entity_id, prev_hash, hash)
           VALUES (now(), 'intruder', 'fund.create', 'fund', 'X', $1, md5(random()::text) || md5(random()::text))`,
          [prevHash],
        );
      // Fork: a second record claiming the same predecessor as an existing one.
      const [linked] = (
        await sql.query<{ prev_hash: string }>(
          'SELECT prev_hash FROM audit_log WHERE prev_hash IS NOT NULL LIMIT 1',
        )
      ).rows;
      expect(sqlState(await caught(insert(null)))).toBe('23505');
      expect(sqlState(await caught(insert(linked.prev_hash)))).toBe('23505');
    });
  });

  describe('verification', () => {
    it('names the record whose content was changed behind the application’s back', async () => {
      const target = await record(change('TAMPERED-TF', { amount: '100.00' }));
      await record(change('AFTER-TAMPERED-TF'));
      const original = (
        await sql.query<{ after: string }>('SELECT after::text FROM audit_log WHERE id = $1', [
          target.id,
        ])
      ).rows[0].after;
      await asOwnerBypassingTriggers(`UPDATE audit_log SET after = $2::jsonb WHERE id = $1`, [
        target.id,
        '{"amount": "1000.00", "entityId": "TAMPERED-TF"}',
      ]);
      try {
        const result = await audit.verify();
        expect(result).toMatchObject({
          ok: false,
          firstBroken: {
            id: target.id,
            reason: expect.stringMatching(/content does not match its hash/),
          },
        });
        const [upToTarget] = (
          await sql.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM audit_log WHERE id <= $1',
            [target.id],
          )
        ).rows;
        expect(result.checked).toBe(upToTarget.n);
      } finally {
        await asOwnerBypassingTriggers(`UPDATE audit_log SET after = $2::jsonb WHERE id = $1`, [
          target.id,
          original,
        ]);
      }
      // Put back exactly as it was, the record verifies again: the hash is of the content.
      expect((await audit.verify()).ok).toBe(true);
    });

    it('sees a change of a microsecond to when a record was written', async () => {
      const target = await record(change('AT-TF'));
      await asOwnerBypassingTriggers(
        `UPDATE audit_log SET at = at + interval '1 microsecond' WHERE id = ${target.id}`,
      );
      try {
        expect((await audit.verify()).firstBroken?.id).toBe(target.id);
      } finally {
        await asOwnerBypassingTriggers(
          `UPDATE audit_log SET at = at - interval '1 microsecond' WHERE id = ${target.id}`,
        );
      }
      expect((await audit.verify()).ok).toBe(true);
    });

    it('names the record after one removed from the middle of the chain', async () => {
      await record(change('BEFORE-GAP-TF'));
      const removed = await record(change('REMOVED-TF'));
      const after = await record(change('AFTER-GAP-TF'));
      const saved = (
        await sql.query<Record<string, unknown>>('SELECT * FROM audit_log WHERE id = $1', [
          removed.id,
        ])
      ).rows[0];
      await asOwnerBypassingTriggers(`DELETE FROM audit_log WHERE id = ${removed.id}`);
      try {
        expect(await audit.verify()).toMatchObject({
          ok: false,
          firstBroken: {
            id: after.id,
            reason: expect.stringMatching(/^prev_hash does not match the hash of record \d+/),
          },
        });
      } finally {
        await sql.query(
          `INSERT INTO audit_log SELECT * FROM json_populate_record(NULL::audit_log, $1::json)`,
          [JSON.stringify(saved)],
        );
      }
      expect((await audit.verify()).ok).toBe(true);
    });

    it('names the next record when a record and its hash were both rewritten', async () => {
      const target = await record(change('REHASHED-TF', { amount: '5.00' }));
      const next = await record(change('AFTER-REHASHED-TF'));
      const row = (
        await sql.query<{ at: string; prev_hash: string; after: string }>(
          `SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
                  prev_hash, after::text FROM audit_log WHERE id = $1`,
          [target.id],
        )
      ).rows[0];
      const forged = { amount: '5000.00', entityId: 'REHASHED-TF' };
      const forgedHash = auditHash({
        at: row.at,
        actor: officer.id,
        actor_user_id: officer.userId!.toLowerCase(),
        action: 'fund.create',
        entity_type: 'fund',
        entity_id: 'REHASHED-TF',
        before: null,
        after: forged,
        request_id: null,
        client_address: null,
        prev_hash: row.prev_hash,
      });
      const rewrite = `UPDATE audit_log SET after = $2::jsonb, hash = $3 WHERE id = $1`;
      await asOwnerBypassingTriggers(rewrite, [target.id, JSON.stringify(forged), forgedHash]);
      try {
        expect((await audit.verify()).firstBroken?.id).toBe(next.id);
      } finally {
        await asOwnerBypassingTriggers(rewrite, [target.id, row.after, target.hash]);
      }
      expect((await audit.verify()).ok).toBe(true);
    });

    it('pages through a chain longer than one page', async () => {
      const refs = await transactions.run((manager) =>
        audit.recordMany(
          manager,
          system,
          Array.from({ length: VERIFY_PAGE_SIZE + 5 }, (_, i) => change(`PAGE-${i}`)),
        ),
      );
      const result = await audit.verify();
      expect(result).toMatchObject({ ok: true, lastId: refs[refs.length - 1].id });
      expect(result.checked).toBe(await count());
    });

    describe('audit:verify (the command-line tool)', () => {
      class TestCliConfig extends CliConfigService {
        override get(): AppConfig {
          return testConfig(db);
        }
      }

      const runCommand = async (): Promise<{ exitCode: number; output: string }> => {
        const written: string[] = [];
        const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
          written.push(String(chunk));
          return true;
        });
        const exitCode = process.exitCode;
        try {
          process.exitCode = 0;
          await new AuditVerifyCommand(new TestCliConfig()).run();
          return { exitCode: Number(process.exitCode ?? 0), output: written.join('') };
        } finally {
          write.mockRestore();
          process.exitCode = exitCode;
        }
      };

      it('says the chain holds, with the last record, and exits 0', async () => {
        const { exitCode, output } = await runCommand();
        expect(exitCode).toBe(0);
        expect(output).toMatch(
          new RegExp(`audit trail verified: ${await count()} records, one unbroken chain`),
        );
      });

      it('names the first broken record and exits 1', async () => {
        const target = await record(change('CLI-TAMPERED-TF'));
        await asOwnerBypassingTriggers(
          `UPDATE audit_log SET actor = 'someone.else' WHERE id = ${target.id}`,
        );
        try {
          const { exitCode, output } = await runCommand();
          expect(exitCode).toBe(1);
          expect(output).toMatch(
            new RegExp(`audit trail BROKEN at record ${target.id}: the record’s content`),
          );
        } finally {
          await asOwnerBypassingTriggers(
            `UPDATE audit_log SET actor = '${officer.id}' WHERE id = ${target.id}`,
          );
        }
        expect((await runCommand()).exitCode).toBe(0);
      });
    });

    onServer(
      '100 concurrent writers leave one unbroken chain (needs a PostgreSQL server: PGlite runs one transaction at a time)',
      async () => {
        const before = await count();
        const refs = await Promise.all(
          Array.from({ length: 100 }, (_, i) => record(change(`CONCURRENT-${i}`))),
        );
        expect(await count()).toBe(before + 100);
        expect(await audit.verify()).toMatchObject({ ok: true, checked: before + 100 });
        // Linear: every new record follows exactly one other, and each is followed at most once.
        const links = (
          await sql.query<{ prev_hash: string }>(
            'SELECT prev_hash FROM audit_log WHERE id = ANY ($1::bigint[])',
            [refs.map((ref) => ref.id)],
          )
        ).rows.map((row) => row.prev_hash);
        expect(new Set(links).size).toBe(100);
        expect(new Set(refs.map((ref) => ref.hash)).size).toBe(100);
      },
    );
  });

  describe('finding records', () => {
    it('filters by entity, actor, action and a date range, newest first', async () => {
      const other: Actor = { id: 'another.officer', roles: [], donorIds: [] };
      const a = await record(change('FIND-TF'));
      const b = await record({ ...change('FIND-TF'), action: 'fund.earmark.add' }, other);
      const byEntity = await audit.find({ entityType: 'fund', entityId: 'FIND-TF' });
      expect(byEntity.map((found) => found.id)).toEqual([b.id, a.id]);
      expect(
        (await audit.find({ entityId: 'FIND-TF', actor: 'another.officer' })).map((r) => r.id),
      ).toEqual([b.id]);
      expect(
        (await audit.find({ entityId: 'FIND-TF', action: 'fund.create' })).map((r) => r.id),
      ).toEqual([a.id]);
      const today = new Date().toISOString().slice(0, 10);
      expect(await audit.find({ entityId: 'FIND-TF', from: today, to: today })).toHaveLength(2);
      expect(await audit.find({ entityId: 'FIND-TF', to: '2000-01-01' })).toEqual([]);
      const sameMoment = await audit.find({
        entityId: 'FIND-TF',
        from: byEntity[0].at,
        to: byEntity[0].at,
      });
      expect(sameMoment).toContainEqual(byEntity[0]);
      expect(sameMoment.every((found) => found.at === byEntity[0].at)).toBe(true);
      expect(await audit.find({ entityId: 'FIND-TF', limit: 1, offset: 1 })).toEqual([byEntity[1]]);
    });

    it('refuses a range that ends before it starts, or a day that does not exist', async () => {
      expect(await caught(audit.find({ from: '2026-03-02', to: '2026-03-01' }))).toBeInstanceOf(
        InvalidAuditPeriodError,
      );
      expect(await caught(audit.find({ from: '2026-02-30' }))).toBeInstanceOf(
        InvalidAuditPeriodError,
      );
    });
  });
});
