import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request, { Response } from 'supertest';
import { AuditService } from '../../src/audit/audit.service';
import { postAdjustment, requestAndApprove } from '../support/approvals';
import { newDonorId, receivableAdjustment } from '../support/ledger-fixtures';
import { createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase, testEngine } from '../support/test-database';

interface AuditRecordBody {
  id: string;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
  clientAddress: string | null;
}

// Only the server runs transactions side by side; PGlite runs one at a time.
const onServer = testEngine() === 'postgres' ? it : it.skip;

describe('audit trail through the API', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let users: TestUsers;
  let admin: { Authorization: string };
  let officer: { Authorization: string };
  let auditor: { Authorization: string };
  let approver: { Authorization: string };

  beforeAll(async () => {
    db = await createTestDatabase();
    // Not a test of the rate limit: the concurrency test alone sends 100 requests at once.
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    users = new TestUsers(app);
    admin = await users.auth('admin.a', ['admin']);
    officer = await users.auth('officer.a', ['finance_officer']);
    auditor = await users.auth('auditor.a', ['auditor']);
    approver = await users.auth('approver.a', ['approver']);
    // UN operational rates, so that adjustments in CHF and EUR can be converted.
    for (const [currency, unitsPerUsd] of [
      ['CHF', '0.8000'],
      ['EUR', '0.9000'],
    ]) {
      const res = await http()
        .post('/api/v1/exchange-rates')
        .set(officer)
        .send({ currency, effectiveFrom: '2026-01-01', unitsPerUsd });
      expect(res.status).toBe(201);
    }
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  const http = () => request(app.getHttpServer());

  /** The audit records written while serving the request that got `res`, as the auditor sees them. */
  const auditOf = async (res: Response): Promise<AuditRecordBody[]> => {
    const requestId = res.headers['x-request-id'];
    expect(requestId).toBeTruthy();
    const ids = (
      await sql.query<{ id: string }>(
        'SELECT id::text FROM audit_log WHERE request_id = $1 ORDER BY id',
        [requestId],
      )
    ).rows.map((row) => row.id);
    const all = (await http().get('/api/v1/audit').query({ limit: 1000 }).set(auditor))
      .body as AuditRecordBody[];
    return ids.map((id) => all.find((found) => found.id === id)!);
  };

  const auditCount = async (): Promise<number> =>
    (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')).rows[0].n;

  describe('every change writes one record in its own transaction', () => {
    it('fund created: the fund as created', async () => {
      const res = await http()
        .post('/api/v1/funds')
        .set(admin)
        .send({ code: 'AUDIT-TF', name: 'Audited fund', functionalCurrency: 'USD' });
      expect(res.status).toBe(201);
      expect(await auditOf(res)).toEqual([
        expect.objectContaining({
          actor: 'admin.a',
          action: 'fund.create',
          entityType: 'fund',
          entityId: 'AUDIT-TF',
          before: null,
          after: res.body,
          requestId: res.headers['x-request-id'],
          clientAddress: expect.stringMatching(/127\.0\.0\.1|::1/),
        }),
      ]);
    });

    it('earmark added', async () => {
      const res = await http()
        .post('/api/v1/funds/AUDIT-TF/earmarks')
        .set(admin)
        .send({ code: 'SCHOOLS', name: 'Schools' });
      expect(res.status).toBe(201);
      expect(await auditOf(res)).toEqual([
        expect.objectContaining({
          actor: 'admin.a',
          action: 'fund.earmark.add',
          entityType: 'earmark',
          entityId: 'AUDIT-TF/SCHOOLS',
          after: { fund: 'AUDIT-TF', ...res.body },
        }),
      ]);
    });

    it('exchange rate entered, then corrected: the correction shows the rate it replaced', async () => {
      const entered = await http()
        .post('/api/v1/exchange-rates')
        .set(officer)
        .send({ currency: 'JPY', effectiveFrom: '2026-03-01', unitsPerUsd: '150.25' });
      expect(entered.status).toBe(201);
      expect(await auditOf(entered)).toEqual([
        expect.objectContaining({
          actor: 'officer.a',
          action: 'exchange_rate.create',
          entityType: 'exchange_rate',
          entityId: 'JPY/2026-03-01',
          before: null,
          after: entered.body,
        }),
      ]);
      const corrected = await http().post('/api/v1/exchange-rates').set(officer).send({
        currency: 'JPY',
        effectiveFrom: '2026-03-01',
        unitsPerUsd: '151.25',
        reason: 'typo in the March rate',
      });
      expect(corrected.status).toBe(201);
      expect(await auditOf(corrected)).toEqual([
        expect.objectContaining({
          action: 'exchange_rate.correct',
          entityId: 'JPY/2026-03-01',
          before: { ...entered.body, current: false },
          after: corrected.body,
        }),
      ]);
    });

    it('rates imported from a file: one record per rate created or corrected', async () => {
      const res = await http()
        .post('/api/v1/exchange-rates/import')
        .set(officer)
        .send({
          fileName: 'march.csv',
          csv: [
            'currency,effective_from,units_per_usd,reason',
            'GBP,2026-03-01,0.79,',
            'JPY,2026-03-01,152.00,corrected by the UN',
            'EUR,2026-01-01,0.9,',
          ].join('\n'),
        });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ created: 1, corrected: 1, unchanged: 1 });
      const records = await auditOf(res);
      expect(records.map((r) => [r.action, r.entityId])).toEqual([
        ['exchange_rate.create', 'GBP/2026-03-01'],
        ['exchange_rate.correct', 'JPY/2026-03-01'],
      ]);
      expect(records[1]).toMatchObject({
        before: { unitsPerUsd: '151.25', version: 2 },
        after: { unitsPerUsd: '152', version: 3, source: 'csv:march.csv' },
      });
    });

    it('country status added, superseded (old and new row) and region changed', async () => {
      const added = await http().post('/api/v1/countries/SN/statuses').set(admin).send({
        kind: 'ldc',
        validFrom: '2040-01-01',
        source: 'audit test',
      });
      expect(added.status).toBe(201);
      expect(await auditOf(added)).toEqual([
        expect.objectContaining({
          action: 'country.status.add',
          entityType: 'country',
          entityId: 'SN',
          before: null,
          after: expect.objectContaining({
            id: added.body.id,
            kind: 'ldc',
            validFrom: '2040-01-01',
            validTo: null,
            recordedBy: 'admin.a',
          }),
        }),
      ]);

      const superseded = await http()
        .post(`/api/v1/countries/SN/statuses/${added.body.id}/supersede`)
        .set(admin)
        .send({ validTo: '2041-01-01', source: 'audit test', reason: 'end date decided' });
      expect(superseded.status).toBe(201);
      const [supersede] = await auditOf(superseded);
      expect(supersede).toMatchObject({
        action: 'country.status.supersede',
        entityId: 'SN',
        before: { id: added.body.id, validTo: null, supersededById: null },
        after: { id: superseded.body.id, validTo: '2041-01-01', supersedesId: added.body.id },
      });

      const region = await http().post('/api/v1/countries/SN/regions').set(admin).send({
        region: 'Arab States',
        validFrom: '2040-01-01',
        source: 'audit test',
        reason: 'test of the audit trail',
      });
      expect(region.status).toBe(201);
      expect(await auditOf(region)).toEqual([
        expect.objectContaining({
          action: 'country.region.change',
          entityId: 'SN',
          after: expect.objectContaining({ id: region.body.id, region: 'Arab States' }),
        }),
      ]);
    });

    it('adjustment posted (on approval) and reversed: the entries as posted', async () => {
      const posted = await postAdjustment(
        app,
        receivableAdjustment(newDonorId(), '1,250.00'),
        officer,
        approver,
      );
      expect(posted.status).toBe(200);
      // Asking for it posts nothing; the approval does, in its own transaction.
      expect((await auditOf(posted.requested)).map((r) => r.action)).not.toContain(
        'journal.adjustment.post',
      );
      const onApproval = (await auditOf(posted.approved!)).filter(
        (r) => r.action === 'journal.adjustment.post',
      );
      expect(onApproval).toEqual([
        expect.objectContaining({
          actor: 'approver.a',
          entityType: 'journal_entry',
          entityId: posted.body.id,
          after: posted.body,
          requestId: posted.approved!.headers['x-request-id'],
        }),
      ]);

      const reversed = await requestAndApprove(
        app,
        `/api/v1/journal-entries/${posted.body.id}/reversal`,
        { reason: 'Posted to the wrong donor' },
        officer,
        approver,
      );
      expect(reversed.status).toBe(200);
      // The approver makes the reversal happen: its record is in the approval's request.
      expect(await auditOf(reversed.approved!)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            actor: 'approver.a',
            action: 'journal.reversal.post',
            entityId: reversed.body.id,
          }),
        ]),
      );
      expect(reversed.body.reversesEntryId).toBe(posted.body.id);
    });

    it('period closed, and reopened on approval: status before and after, with the reason', async () => {
      const closed = await http()
        .post('/api/v1/funds/WSIS-TF/periods/2026-01/close')
        .set(officer)
        .send({ reason: 'Month-end close' });
      expect(closed.status).toBe(201);
      // Closing a month also runs its month-end revaluation, audited as revaluation.run.
      const closeRecords = await auditOf(closed);
      expect(closeRecords.map((r) => r.action).sort()).toEqual(['period.close', 'revaluation.run']);
      expect(closeRecords.filter((r) => r.action === 'period.close')).toEqual([
        expect.objectContaining({
          actor: 'officer.a',
          action: 'period.close',
          entityType: 'accounting_period',
          entityId: 'WSIS-TF/2026-01',
          before: { fund: 'WSIS-TF', period: '2026-01', status: 'open' },
          after: {
            fund: 'WSIS-TF',
            period: '2026-01',
            status: 'closed',
            reason: 'Month-end close',
          },
        }),
      ]);
      const reopened = await requestAndApprove(
        app,
        '/api/v1/funds/WSIS-TF/periods/2026-01/reopen',
        { reason: 'Bank charges of January were missed' },
        officer,
        approver,
      );
      expect(reopened.status).toBe(200);
      expect(
        (await auditOf(reopened.approved!)).filter((r) => r.action === 'period.reopen'),
      ).toEqual([
        expect.objectContaining({
          actor: 'approver.a',
          entityId: 'WSIS-TF/2026-01',
          before: { fund: 'WSIS-TF', period: '2026-01', status: 'closed' },
          after: expect.objectContaining({
            status: 'open',
            reason: expect.stringContaining('Bank charges of January were missed'),
          }),
        }),
      ]);
    });

    it('a failed change writes nothing: an unbalanced adjustment is refused with 422', async () => {
      const before = await auditCount();
      const body = receivableAdjustment(newDonorId(), '100.00');
      (body.lines as Array<Record<string, unknown>>)[1].credit = '99.99';
      const res = await http()
        .post('/api/v1/funds/WSIS-TF/journal-entries')
        .set(officer)
        .send(body);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('entry-unbalanced');
      expect(await auditOf(res)).toEqual([]);
      expect(await auditCount()).toBe(before);
    });

    it('a failed change writes nothing: a second reversal request for the same entry is refused', async () => {
      const posted = await postAdjustment(
        app,
        receivableAdjustment(newDonorId(), '20.00'),
        officer,
        approver,
      );
      const reverse = () =>
        http()
          .post(`/api/v1/journal-entries/${posted.body.id}/reversal`)
          .set(officer)
          .send({ reason: 'Entered twice' });
      // One reversal request may be pending per entry; a second is refused and writes nothing.
      expect((await reverse()).status).toBe(202);
      const before = await auditCount();
      const again = await reverse();
      expect(again.status).toBe(409);
      expect(await auditOf(again)).toEqual([]);
      expect(await auditCount()).toBe(before);
    });

    it('a replayed Idempotency-Key writes nothing more: the change happened once', async () => {
      const posted = await postAdjustment(
        app,
        receivableAdjustment(newDonorId(), '30.00'),
        officer,
        approver,
      );
      const send = () =>
        http()
          .post(`/api/v1/journal-entries/${posted.body.id}/reversal`)
          .set(officer)
          .set('Idempotency-Key', 'audit-replay-0001')
          .send({ reason: 'Entered by mistake' });
      const first = await send();
      expect(first.status).toBe(202);
      const replay = await send();
      expect(replay.status).toBe(202);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(await auditOf(first)).toHaveLength(1);
      expect(await auditOf(replay)).toEqual([]);
    });

    it('refuses UPDATE, DELETE and TRUNCATE of the audit log even to the database owner', async () => {
      for (const statement of [
        `UPDATE audit_log SET actor = 'someone.else'`,
        'DELETE FROM audit_log',
        'TRUNCATE audit_log',
      ]) {
        await expect(sql.query(statement)).rejects.toMatchObject({ code: '55000' });
      }
    });

    onServer(
      '100 concurrent changes leave one unbroken chain (needs a PostgreSQL server: PGlite runs one transaction at a time)',
      async () => {
        const before = await auditCount();
        const day = (i: number) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
        const answers = await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            http()
              .post('/api/v1/exchange-rates')
              .set(officer)
              .send({ currency: 'AUD', effectiveFrom: day(i), unitsPerUsd: '1.5' }),
          ),
        );
        expect(answers.map((res) => res.status)).toEqual(Array(100).fill(201));
        expect(await auditCount()).toBe(before + 100);
        const verified = await http().get('/api/v1/audit/verify').set(auditor);
        expect(verified.body).toMatchObject({ ok: true, checked: before + 100 });
        // One line: the 100 new records follow one another, each after exactly one other.
        const chain = (
          await sql.query<{ prev_hash: string; hash: string }>(
            'SELECT prev_hash, hash FROM audit_log ORDER BY id OFFSET $1',
            [before],
          )
        ).rows;
        expect(chain).toHaveLength(100);
        chain.slice(1).forEach((row, i) => expect(row.prev_hash).toBe(chain[i].hash));
        expect(await app.get(AuditService).verify()).toMatchObject({ ok: true });
      },
    );
  });

  describe('the auditor', () => {
    it('verifies the chain, and is the only one besides admins who may', async () => {
      const res = await http().get('/api/v1/audit/verify').set(auditor);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ok: true, checked: await auditCount() });
      expect((await http().get('/api/v1/audit/verify').set(admin)).status).toBe(200);
      expect((await http().get('/api/v1/audit/verify').set(officer)).status).toBe(403);
      expect((await http().get('/api/v1/audit')).status).toBe(401);
    });

    it('finds records by entity, actor, action and date range, newest first', async () => {
      const query = (q: Record<string, string | number>) =>
        http().get('/api/v1/audit').query(q).set(auditor);
      const byEntity = await query({ entityType: 'exchange_rate', entityId: 'JPY/2026-03-01' });
      expect(byEntity.status).toBe(200);
      expect(byEntity.body.map((r: AuditRecordBody) => r.action)).toEqual([
        'exchange_rate.correct',
        'exchange_rate.correct',
        'exchange_rate.create',
      ]);
      const ids = byEntity.body.map((r: AuditRecordBody) => Number(r.id));
      expect(ids).toEqual([...ids].sort((a, b) => b - a));

      const byActor = (await query({ actor: 'admin.a', limit: 1000 })).body as AuditRecordBody[];
      expect(byActor.length).toBeGreaterThanOrEqual(5);
      expect(new Set(byActor.map((r) => r.actor))).toEqual(new Set(['admin.a']));

      const byAction = (await query({ action: 'period.close' })).body as AuditRecordBody[];
      expect(byAction.map((r) => r.entityId)).toEqual(['WSIS-TF/2026-01']);

      const today = new Date().toISOString().slice(0, 10);
      expect((await query({ entityId: 'AUDIT-TF', from: today, to: today })).body).toHaveLength(1);
      expect((await query({ entityId: 'AUDIT-TF', to: '2020-12-31' })).body).toEqual([]);
      expect((await query({ entityId: 'AUDIT-TF', from: '2999-01-01' })).body).toEqual([]);

      const page = (await query({ entityType: 'exchange_rate', limit: 1, offset: 1 })).body;
      expect(page).toHaveLength(1);
    });

    it('is told plainly when a filter makes no sense', async () => {
      const backwards = await http()
        .get('/api/v1/audit')
        .query({ from: '2026-03-02', to: '2026-03-01' })
        .set(auditor);
      expect(backwards.status).toBe(422);
      expect(backwards.body.code).toBe('invalid-audit-period');
      const badLimit = await http().get('/api/v1/audit').query({ limit: 0 }).set(auditor);
      expect(badLimit.status).toBe(422);
      expect(badLimit.body.errors).toEqual([expect.objectContaining({ field: 'limit' })]);
    });

    it('reads the trail on a page, with a filter form, everything escaped', async () => {
      const fund = await http().post('/api/v1/funds').set(admin).send({
        code: 'XSS-TF',
        name: '<script>alert("audit")</script>',
        functionalCurrency: 'CHF',
      });
      expect(fund.status).toBe(201);
      const page = await http()
        .get('/audit')
        .query({ entityType: 'fund', entityId: 'XSS-TF', actor: '', from: '', to: '' })
        .set(auditor);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.text).toContain('<form method="get" action="/audit"');
      expect(page.text).toContain('value="XSS-TF"');
      expect(page.text).toContain('fund.create');
      expect(page.text).not.toContain('<script>alert');
      expect(page.text).toContain('&lt;script&gt;alert(');
      expect(page.text).not.toContain('data-testid="audit-empty"');

      const none = await http().get('/audit').query({ entityId: 'NO-SUCH-THING' }).set(auditor);
      expect(none.text).toContain('data-testid="audit-empty"');
      const backwards = await http()
        .get('/audit')
        .query({ from: '2026-03-02', to: '2026-03-01' })
        .set(auditor);
      expect(backwards.status).toBe(200);
      expect(backwards.text).toContain('must not be before from');
      // The reason is beside the field, linked from the summary at the top.
      expect(backwards.text).toMatch(/<a href="#(from|to)">(From|To): /);
      expect(backwards.text).toMatch(/aria-describedby="(from|to)-error"/);
      expect((await http().get('/audit').set(officer)).status).toBe(403);

      const french = await http()
        .get('/audit')
        .query({ entityType: 'fund', entityId: 'XSS-TF' })
        .set(auditor)
        .set('Accept-Language', 'fr');
      expect(french.text).toContain('<html lang="fr">');
      expect(french.text).toContain('<h1 id="audit-title">Piste d’audit</h1>');
      expect(french.text).toContain('<label for="entityType">Type d’entité</label>');
      expect(french.text).toContain('<th scope="col">Date (UTC)</th>');
      expect(french.text).toContain('fund.create');
      const nothing = await http()
        .get('/audit')
        .query({ entityId: 'NO-SUCH-THING' })
        .set(auditor)
        .set('Accept-Language', 'fr');
      expect(nothing.text).toContain('Aucun enregistrement ne correspond.');
    });
  });
});
