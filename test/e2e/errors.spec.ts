import { Public } from '../../src/auth/access.decorator';
import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsString, Min, MinLength, ValidateNested } from 'class-validator';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { TransactionRunner } from '../../src/database/transaction-runner';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

class ContactDto {
  @IsEmail()
  email!: string;
}

class ProbeDto {
  @IsString()
  @MinLength(2)
  name!: string;

  @IsInt()
  @Min(1)
  amountMinor!: number;

  @ValidateNested({ each: true })
  @Type(() => ContactDto)
  contacts!: ContactDto[];
}

// Routes that fail on purpose, each in a way a real module will one day.
@Controller('api/v1/probe')
@Public()
class ProbeController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
  ) {}

  @Post('validated')
  validated(@Body() dto: ProbeDto): { ok: true; amountMinor: number } {
    return { ok: true, amountMinor: dto.amountMinor };
  }

  @Post('duplicate')
  async duplicate(): Promise<void> {
    await this.transactions.run(async (manager) => {
      await manager.query(`INSERT INTO probe_item (code, qty) VALUES ('A', 1)`);
      await manager.query(`INSERT INTO probe_item (code, qty) VALUES ('A', 2)`);
    });
  }

  @Post('negative')
  async negative(): Promise<void> {
    await this.dataSource.query(`INSERT INTO probe_item (code, qty) VALUES ('N', -1)`);
  }

  @Post('orphan')
  async orphan(): Promise<void> {
    await this.dataSource.query(`INSERT INTO probe_line (item_code) VALUES ('missing')`);
  }

  @Post('always-conflicting')
  async alwaysConflicting(): Promise<void> {
    await this.transactions.run(async (manager) => {
      await manager.query(`DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = '40001'; END $$`);
    });
  }

  @Get('bad-uuid')
  async badUuid(): Promise<void> {
    await this.dataSource.query(`SELECT 'not-a-uuid'::uuid`);
  }

  @Get('crash')
  crash(): never {
    throw new Error('secret internal detail at /srv/app/src/ledger.ts:42');
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe('error answers (problem+json)', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db, { imports: [ProbeModule], env: { BODY_LIMIT: '10kb' } });
    const dataSource = app.get(DataSource);
    await dataSource.query(
      `CREATE TABLE probe_item (code text CONSTRAINT probe_item_code_key UNIQUE, qty int CONSTRAINT probe_item_qty_positive CHECK (qty > 0))`,
    );
    await dataSource.query(
      `CREATE TABLE probe_line (item_code text CONSTRAINT probe_line_item_fk REFERENCES probe_item (code))`,
    );
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const http = () => request(app.getHttpServer());

  function expectProblem(res: request.Response, status: number, code: string): void {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: `/problems/${code}`, status, code });
    expect(typeof res.body.title).toBe('string');
    expect(typeof res.body.detail).toBe('string');
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
  }

  const valid = { name: 'Ghana', amountMinor: 150000, contacts: [{ email: 'a@example.org' }] };

  it('accepts a valid body and converts it to the DTO', async () => {
    const res = await http().post('/api/v1/probe/validated').send(valid);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ ok: true, amountMinor: 150000 });
  });

  it('lists every invalid field with its reason, nested fields by path', async () => {
    const res = await http()
      .post('/api/v1/probe/validated')
      .send({
        name: 'G',
        amountMinor: 1.5,
        contacts: [{ email: 'ok@example.org' }, { email: 'nope' }],
      });
    expectProblem(res, 422, 'validation-failed');
    const fields = (res.body.errors as { field: string; rule: string; reason: string }[]).map(
      (e) => `${e.field}:${e.rule}`,
    );
    expect(fields.sort()).toEqual([
      'amountMinor:isInt',
      'contacts[1].email:isEmail',
      'name:minLength',
    ]);
    for (const error of res.body.errors) expect(error.reason).toMatch(/\w/);
  });

  it('refuses fields the request does not define', async () => {
    const res = await http()
      .post('/api/v1/probe/validated')
      .send({ ...valid, isAdmin: true });
    expectProblem(res, 422, 'validation-failed');
    expect(res.body.errors).toEqual([
      { field: 'isAdmin', rule: 'unknown-field', reason: 'is not a field of this request' },
    ]);
  });

  it('answers malformed JSON with 400', async () => {
    const res = await http()
      .post('/api/v1/probe/validated')
      .set('Content-Type', 'application/json')
      .send('{"name": ');
    expectProblem(res, 400, 'bad-request');
  });

  it('answers an oversized body with 413', async () => {
    const res = await http()
      .post('/api/v1/probe/validated')
      .send({ ...valid, name: 'x'.repeat(20 * 1024) });
    expectProblem(res, 413, 'payload-too-large');
  });

  it('answers an unknown route with 404', async () => {
    expectProblem(await http().get('/api/v1/nothing-here'), 404, 'not-found');
    expectProblem(await http().delete('/health/ready'), 404, 'not-found');
  });

  it('translates a unique violation into 409 naming the constraint, and writes nothing', async () => {
    const res = await http().post('/api/v1/probe/duplicate');
    expectProblem(res, 409, 'unique-violation');
    expect(res.body.constraint).toBe('probe_item_code_key');
    const [{ count }] = await app
      .get(DataSource)
      .query(`SELECT count(*)::int AS count FROM probe_item`);
    expect(count).toBe(0);
  });

  it('translates a check violation into 422', async () => {
    const res = await http().post('/api/v1/probe/negative');
    expectProblem(res, 422, 'constraint-violation');
    expect(res.body.constraint).toBe('probe_item_qty_positive');
  });

  it('translates a foreign-key violation into 422', async () => {
    const res = await http().post('/api/v1/probe/orphan');
    expectProblem(res, 422, 'reference-violation');
    expect(res.body.constraint).toBe('probe_line_item_fk');
  });

  it('answers a conflict that outlived its retries with 503 and Retry-After', async () => {
    const res = await http().post('/api/v1/probe/always-conflicting');
    expectProblem(res, 503, 'transaction-conflict');
    expect(res.headers['retry-after']).toBe('1');
  });

  it('translates a value of the wrong kind into 422', async () => {
    expectProblem(await http().get('/api/v1/probe/bad-uuid'), 422, 'invalid-value');
  });

  it('answers an unexpected error with a generic 500: no stack, no internal message', async () => {
    const res = await http().get('/api/v1/probe/crash');
    expectProblem(res, 500, 'internal-error');
    expect(JSON.stringify(res.body)).not.toMatch(/secret internal detail|ledger\.ts|\bat /);
    expect(res.body.detail).toContain(res.headers['x-request-id']);
  });
});
