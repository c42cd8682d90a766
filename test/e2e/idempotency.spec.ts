import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { newDonorId, receivableAdjustment } from '../support/ledger-fixtures';
import { createTestApp } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

describe('Idempotency-Key on money-moving requests', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db);
    sql = await connect(db.url);
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  const post = (key: string | undefined, body: Record<string, unknown>) => {
    const req = request(app.getHttpServer())
      .post('/api/v1/funds/WSIS-TF/journal-entries')
      .set('X-Actor', 'officer.a');
    return (key === undefined ? req : req.set('Idempotency-Key', key)).send(body);
  };
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
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const replay = await post('retry-1', body);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await entriesFor(donor)).toBe(1);
  });

  it('treats the same fields in another order as the same request', async () => {
    const donor = newDonorId();
    const body = receivableAdjustment(donor, '12.00');
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    expect((await post('order-1', body)).status).toBe(201);
    const replay = await post('order-1', reordered);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await entriesFor(donor)).toBe(1);
  });

  it('refuses the same key with a different body, with a clear message', async () => {
    const donor = newDonorId();
    expect((await post('reuse-1', receivableAdjustment(donor, '10.00'))).status).toBe(201);
    const res = await post('reuse-1', receivableAdjustment(donor, '11.00'));
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.code).toBe('idempotency-key-reused');
    expect(res.body.detail).toMatch(/already used with a different request/);
    expect(await entriesFor(donor)).toBe(1);
  });

  it('lets exactly one of many simultaneous requests with the same key take effect', async () => {
    const donor = newDonorId();
    const body = receivableAdjustment(donor, '99.00');
    const answers = await Promise.all(Array.from({ length: 8 }, () => post('race-1', body)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
    expect(await entriesFor(donor)).toBe(1);
  });

  it('does not keep a key when the request fails, so a corrected retry can use it', async () => {
    const donor = newDonorId();
    const bad = receivableAdjustment(donor, '10.00');
    (bad.lines as Array<Record<string, string>>)[1].credit = '9.00';
    expect((await post('fix-1', bad)).status).toBe(422);
    const good = await post('fix-1', receivableAdjustment(donor, '10.00'));
    expect(good.status).toBe(201);
    expect(good.headers['idempotent-replayed']).toBeUndefined();
  });

  it('keeps keys at least 24 hours, and forgets them once expired', async () => {
    const donor = newDonorId();
    expect((await post('expiry-1', receivableAdjustment(donor, '1.00'))).status).toBe(201);
    const kept = await sql.query<{ hours: number }>(
      `SELECT extract(epoch FROM expires_at - created_at) / 3600 AS hours FROM idempotency_record WHERE key = 'expiry-1'`,
    );
    expect(Number(kept.rows[0].hours)).toBeGreaterThanOrEqual(24);
    await sql.query(
      `UPDATE idempotency_record SET expires_at = now() - interval '1 second' WHERE key = 'expiry-1'`,
    );
    const fresh = await post('expiry-1', receivableAdjustment(donor, '2.00'));
    expect(fresh.status).toBe(201);
    expect(fresh.headers['idempotent-replayed']).toBeUndefined();
    expect(await entriesFor(donor)).toBe(2);
  });

  it('refuses a malformed key', async () => {
    const res = await post('x'.repeat(256), receivableAdjustment(newDonorId(), '1.00'));
    expect(res.status).toBe(422);
    expect(res.body.errors[0].field).toBe('header:Idempotency-Key');
  });

  it('applies to reversals too', async () => {
    const entry = await post(undefined, receivableAdjustment(newDonorId(), '3.00'));
    const reverse = () =>
      request(app.getHttpServer())
        .post(`/api/v1/journal-entries/${entry.body.id}/reversal`)
        .set('Idempotency-Key', 'rev-1')
        .send({ reason: 'duplicate' });
    const first = await reverse();
    const second = await reverse();
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body.id).toBe(first.body.id);
  });
});
