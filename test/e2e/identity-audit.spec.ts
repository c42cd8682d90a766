import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { AuditService } from '../../src/audit/audit.service';
import { createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

interface AuditRow {
  actor: string;
  action: string;
  entity_id: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  request_id: string | null;
}

/** User administration and credentials leave an audit trail, without any secret in it. */
describe('audit of users, tokens and sessions', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let admin: { Authorization: string };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db);
    sql = await connect(db.url);
    admin = await new TestUsers(app).auth('chief.admin', ['admin']);
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  const trail = async (entityId: string): Promise<AuditRow[]> =>
    (
      await sql.query<AuditRow>(
        `SELECT actor, action, entity_id, before, after, request_id FROM audit_log
          WHERE entity_id = $1 ORDER BY id`,
        [entityId],
      )
    ).rows;

  it('records who created a user, changed its roles and disabled it, with before and after', async () => {
    const server = app.getHttpServer();
    const created = await request(server)
      .post('/api/v1/users')
      .set(admin)
      .send({
        username: 'new.officer',
        displayName: 'New Officer',
        password: 'Quiet-River-Lantern-42',
        roles: ['finance_officer'],
      });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const roles = await request(server)
      .put(`/api/v1/users/${id}/roles`)
      .set(admin)
      .send({ roles: ['approver'] });
    await request(server).post(`/api/v1/users/${id}/disable`).set(admin).send();

    const rows = await trail(id);
    expect(rows.map((r) => [r.actor, r.action])).toEqual([
      ['chief.admin', 'user.create'],
      ['chief.admin', 'user.roles.set'],
      ['chief.admin', 'user.disable'],
    ]);
    expect(rows[0].request_id).toBe(created.headers['x-request-id']);
    expect(rows[1].request_id).toBe(roles.headers['x-request-id']);
    expect(rows[1].before?.roles).toEqual(['finance_officer']);
    expect(rows[1].after?.roles).toEqual(['approver']);
    expect(rows[2].after?.disabled).toBe(true);
    expect(JSON.stringify(rows)).not.toMatch(/argon2|Quiet-River-Lantern/);
  });

  it('records a personal access token created and revoked, never its value', async () => {
    const server = app.getHttpServer();
    const issued = await request(server)
      .post('/api/v1/me/tokens')
      .set(admin)
      .send({ name: 'script' });
    expect(issued.status).toBe(201);
    await request(server).post(`/api/v1/me/tokens/${issued.body.id}/revoke`).set(admin).send();
    const rows = await trail(issued.body.id);
    expect(rows.map((r) => r.action)).toEqual(['token.create', 'token.revoke']);
    expect(JSON.stringify(rows)).not.toContain(issued.body.token);
    expect(rows[0].after).toMatchObject({ name: 'script', prefix: issued.body.prefix });
  });

  it('answers a malformed user id with 404, not a database error', async () => {
    const res = await request(app.getHttpServer())
      .get(`/api/v1/users/${'-'.repeat(36)}`)
      .set(admin);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('user-not-found');
  });

  it('keeps the chain whole', async () => {
    expect((await app.get(AuditService).verify()).ok).toBe(true);
  });
});
