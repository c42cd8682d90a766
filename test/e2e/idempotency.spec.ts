import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { approve } from '../support/approvals';
import { IdempotencyService } from '../../src/common/idempotency/idempotency.service';
import { newDonorId, receivableAdjustment } from '../support/ledger-fixtures';
import { createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

describe('Idempotency-Key on money-moving requests', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let officer: { Authorization: string };
  let approver: { Authorization: string };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db);
    sql = await connect(db.url);
    const users = new TestUsers(app);
    officer = await users.auth('officer.a', ['finance_officer']);
    approver = await users.auth('approver.a', ['approver']);
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  const post = (key: string | undefined, body: Record<string, unknown>) => {
    const req = request(app.getHttpServer())
      .post('/api/v1/funds/WSIS-TF/journal-entries')
      .set(officer);
    return (key === undefined ? req : req.set('Idempotency-Key', key)).send(body);
  };
  // An adjustment is requested (202: a pending approval request), then approved and posted.
  const requestsFor = async (donor: string): Promise<number> =>
    (
      await sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM approval_request
          WHERE payload->'entry'->'lines' @> jsonb_build_array(jsonb_build_object('donorId', $1::text))`,
        [donor],
      )
    ).rows[0].n;
  const entriesFor = async (donor: string): Promise<number> =>
    (
      await sql.query<{ n: number }>(
        `SELECT count(DISTINCT entry_id)::int AS n FROM journal_line WHERE donor_id = $1`,
        [donor],
      )
    ).rows[0].n;

  it('answers a retry with the original status and body, marked as a replay, and creates nothing new', async () => {
    const donor = newDonorId();
    const body = receivableAdjustment(donor, '250.00');
    const first = await post('retry-1', body);
    expect(first.status).toBe(202);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const replay = await post('retry-1', body);
    expect(replay.status).toBe(202);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await requestsFor(donor)).toBe(1);
    expect((await approve(app, first.body.id, approver)).status).toBe(200);
    // Even once approved, a retry gets the original answer and posts nothing more.
    const late = await post('retry-1', body);
    expect(late.status).toBe(202);
    expect(late.body).toEqual(first.body);
    expect(await requestsFor(donor)).toBe(1);
    expect(await entriesFor(donor)).toBe(1);
  });

  it('treats the same fields in another order as the same request', async () => {
    const donor = newDonorId();
    const body = receivableAdjustment(donor, '12.00');
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    expect((await post('order-1', body)).status).toBe(202);
    const replay = await post('order-1', reordered);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await requestsFor(donor)).toBe(1);
  });

  it('refuses the same key with a different body, with a clear message', async () => {
    const donor = newDonorId();
    expect((await post('reuse-1', receivableAdjustment(donor, '10.00'))).status).toBe(202);
    const res = await post('reuse-1', receivableAdjustment(donor, '11.00'));
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.code).toBe('idempotency-key-reused');
    expect(res.body.detail).toMatch(/already used with a different request/);
    expect(await requestsFor(donor)).toBe(1);
  });

  it('lets exactly one of many simultaneous requests with the same key take effect', async () => {
    const donor = newDonorId();
    const body = receivableAdjustment(donor, '99.00');
    const answers = await Promise.all(Array.from({ length: 8 }, () => post('race-1', body)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(202));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
    expect(await requestsFor(donor)).toBe(1);
  });

  it('does not keep a key when the request fails, so a corrected retry can use it', async () => {
    const donor = newDonorId();
    const bad = receivableAdjustment(donor, '10.00');
    (bad.lines as Array<Record<string, string>>)[1].credit = '9.00';
    expect((await post('fix-1', bad)).status).toBe(422);
    const good = await post('fix-1', receivableAdjustment(donor, '10.00'));
    expect(good.status).toBe(202);
    expect(good.headers['idempotent-replayed']).toBeUndefined();
  });

  it('keeps keys at least 24 hours, and forgets them once expired', async () => {
    const donor = newDonorId();
    expect((await post('expiry-1', receivableAdjustment(donor, '1.00'))).status).toBe(202);
    const kept = await sql.query<{ hours: number }>(
      `SELECT extract(epoch FROM expires_at - created_at) / 3600 AS hours FROM idempotency_record WHERE key = 'expiry-1'`,
    );
    expect(Number(kept.rows[0].hours)).toBeGreaterThanOrEqual(24);
    await sql.query(
      `UPDATE idempotency_record SET expires_at = now() - interval '1 second' WHERE key = 'expiry-1'`,
    );
    const fresh = await post('expiry-1', receivableAdjustment(donor, '2.00'));
    expect(fresh.status).toBe(202);
    expect(fresh.headers['idempotent-replayed']).toBeUndefined();
    expect(await requestsFor(donor)).toBe(2);
  });

  it('purges expired keys, keeping the live ones', async () => {
    await sql.query(
      `INSERT INTO idempotency_record (scope, key, request_hash, status_code, response_body, expires_at)
       VALUES ('actor:x', 'old-1', 'h', 201, '{}', now() - interval '1 hour'),
              ('actor:x', 'live-1', 'h', 201, '{}', now() + interval '1 hour')`,
    );
    expect(await app.get(IdempotencyService).purgeExpired()).toBeGreaterThanOrEqual(1);
    const left = await sql.query(`SELECT key FROM idempotency_record WHERE scope = 'actor:x'`);
    expect(left.rows).toEqual([{ key: 'live-1' }]);
  });

  it('refuses a malformed key', async () => {
    const res = await post('x'.repeat(256), receivableAdjustment(newDonorId(), '1.00'));
    expect(res.status).toBe(422);
    expect(res.body.errors[0].field).toBe('header:Idempotency-Key');
  });

  it('applies to reversals too', async () => {
    const requested = await post(undefined, receivableAdjustment(newDonorId(), '3.00'));
    const entry = (await approve(app, requested.body.id, approver)).body.result;
    const reverse = () =>
      request(app.getHttpServer())
        .post(`/api/v1/journal-entries/${entry.id}/reversal`)
        .set(officer)
        .set('Idempotency-Key', 'rev-1')
        .send({ reason: 'duplicate' });
    const first = await reverse();
    const second = await reverse();
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body.id).toBe(first.body.id);
  });
});
