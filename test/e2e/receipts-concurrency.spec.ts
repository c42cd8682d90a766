import { randomUUID } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { addBankAccount } from '../support/ledger-fixtures';
import { createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase, testEngine } from '../support/test-database';

const onServer = testEngine() === 'postgres' ? it : it.skip;
const ALLOCATIONS = 200;

describe('concurrent allocations against one pledge', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let auth: { Authorization: string };

  beforeAll(async () => {
    db = await createTestDatabase();
    await addBankAccount(db.url, { code: 'CHF-MAIN', currency: 'CHF', id: randomUUID() });
    app = await createTestApp(db, {
      env: { API_RATE_LIMIT_PER_MINUTE: '100000', DB_POOL_SIZE: '20' },
    });
    sql = await connect(db.url);
    auth = await new TestUsers(app).auth('officer', ['finance_officer']);
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  const post = (url: string, body: object) =>
    request(app.getHttpServer()).post(url).set(auth).send(body);

  onServer(
    `${ALLOCATIONS} parallel allocations never take more than is outstanding (server only: the embedded database runs one query at a time)`,
    async () => {
      const { rows } = await sql.query<{ id: string }>(
        `INSERT INTO donor (name, normalized_name, type, created_by)
         VALUES ('Race donor', 'race donor', 'member_state', 'test') RETURNING id`,
      );
      const donorId = rows[0].id;
      const pledge = await post('/api/v1/pledges', {
        fund: 'WSIS-TF',
        donorId,
        currency: 'CHF',
        amount: '1000.00',
        announcedOn: '2026-01-15',
        instalments: [
          { dueDate: '2026-06-30', amount: '600.00' },
          { dueDate: '2026-12-31', amount: '400.00' },
        ],
      });
      expect(pledge.status).toBe(201);
      const agreed = await post(`/api/v1/pledges/${pledge.body.id}/agreement`, {
        agreedOn: '2026-02-01',
        documentRef: 'AGR-RACE',
      });
      expect(agreed.status).toBe(200);
      // One receipt per allocation, each with CHF 7.00 unapplied: together 1,400 for 1,000 open.
      const receipts: string[] = [];
      for (let index = 0; index < ALLOCATIONS; index += 1) {
        const receipt = await post('/api/v1/receipts', {
          bankAccount: 'CHF-MAIN',
          valueDate: '2026-05-04',
          currency: 'CHF',
          grossAmount: '7.00',
          donorId,
          allocation: 'none',
        });
        expect(receipt.status).toBe(201);
        receipts.push(receipt.body.id as string);
      }

      // All at once, each retried with its Idempotency-Key while the answer is 503 (what a
      // client is told to do when the database is busy or a transaction collided).
      const allocate = async (id: string): Promise<request.Response> => {
        const key = `race-${id}`;
        for (let attempt = 1; ; attempt += 1) {
          const answer = await post(`/api/v1/receipts/${id}/allocations`, {
            date: '2026-05-05',
            allocations: [{ pledgeId: pledge.body.id, amount: '7.00' }],
          }).set('Idempotency-Key', key);
          if (answer.status !== 503 || attempt === 5) return answer;
        }
      };
      const started = Date.now();
      const answers = await Promise.all(receipts.map(allocate));
      console.log(`${ALLOCATIONS} allocations in ${Date.now() - started} ms`);
      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status !== 200 && status !== 422)).toEqual([]);
      const accepted = statuses.filter((status) => status === 200).length;
      // 142 × 7.00 = 994.00 fits in 1,000.00; a 143rd would not.
      expect(accepted).toBe(142);
      const refused = answers.find((answer) => answer.status === 422);
      expect(refused?.body.errors[0].reason).toContain('is more than is open');

      const [sums] = (
        await sql.query<{ allocated: string; receivable: string }>(
          `SELECT (SELECT sum(pledge_amount_minor) FROM receipt_allocation
                    WHERE pledge_id = $1)::text AS allocated,
                  (SELECT sum(l.amount_minor) FROM journal_line l JOIN account a ON a.id = l.account_id
                    WHERE l.pledge_id = $1 AND a.code = '1100')::text AS receivable`,
          [pledge.body.id],
        )
      ).rows;
      expect(sums.allocated).toBe('99400');
      const after = await request(app.getHttpServer())
        .get(`/api/v1/pledges/${pledge.body.id}`)
        .set(auth);
      expect(after.body.outstanding).toEqual({ currency: 'CHF', amount: '6.00' });
      // Outstanding = pledge − allocations, on the ledger and in the pledge's view.
      expect(BigInt(sums.receivable)).toBe(100000n - BigInt(sums.allocated));
      expect(
        after.body.instalments.map((i: { paid: { amount: string } }) => i.paid.amount),
      ).toEqual(['600.00', '394.00']);
    },
    120_000,
  );
});
