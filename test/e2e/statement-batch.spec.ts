import { AddressInfo } from 'node:net';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { CliConfigService } from '../../src/cli/cli-config.service';
import { StatementsBatchCommand } from '../../src/cli/commands/statements-batch.command';
import { Actor } from '../../src/common/actor';
import { todayUtc } from '../../src/common/calendar-date';
import { TransactionRunner } from '../../src/database/transaction-runner';
import { StatementBatchWorker } from '../../src/statements/batch/statement-batch.worker';
import { StatementBatchesService } from '../../src/statements/batch/statement-batches.service';
import { StatementsService } from '../../src/statements/statements.service';
import {
  BrowserSession,
  createPasswordUser,
  describeWithBrowser,
  launchBrowser,
  submitForm,
  watchPage,
} from '../support/browser';
import { createTestApp, TestUsers, testConfig } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

type Auth = { Authorization: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
type Body = Record<string, any>;

const YEAR = todayUtc().slice(0, 4);
const OFFICER = { username: 'officer.pages', password: 'a long passphrase for batches' };
const DONORS: Array<{ name: string; language: string }> = [
  { name: 'Republic of Ghana', language: 'en' },
  { name: 'Kingdom of Tonga', language: 'fr' },
  { name: 'Republic of Chile', language: 'es' },
  { name: 'Kingdom of Bhutan', language: 'en' },
  { name: 'State of Qatar', language: 'ar' },
];

/** The sequence part of ST-YYYY-NNNNNN. */
const sequenceOf = (number: string): number => Number(number.slice(-6));

describeWithBrowser('statement batches', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let officer: Auth;
  let auditor: Auth;
  let baseUrl: string;
  /** Donor ids by name: the fund's donors, plus two that have nothing to state in WSIS-TF. */
  const donors: Record<string, string> = {};

  const http = () => request(app.getHttpServer());
  const as = (auth: Auth) => ({
    get: (url: string) => http().get(url).set(auth),
    post: (url: string) => http().post(url).set(auth),
  });

  async function createBatch(body: Body, key?: string) {
    const req = as(officer).post('/api/v1/statement-batches');
    if (key !== undefined) void req.set('Idempotency-Key', key);
    return req.send(body);
  }

  /** The batch once it has finished; polls, since the work happens in the background. */
  async function finished(id: string): Promise<Body> {
    for (let i = 0; i < 600; i += 1) {
      const res = await as(auditor).get(`/api/v1/statement-batches/${id}`);
      expect(res.status).toBe(200);
      if (res.body.status === 'completed' || res.body.status === 'failed') return res.body as Body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`batch ${id} did not finish`);
  }

  /** The statements stored for the batch: donor, number, language, per donor. */
  async function documentsOf(batchId: string) {
    const { rows } = await sql.query<{ donor_id: string; number: string; language: string }>(
      `SELECT donor_id, number, language FROM donor_document WHERE batch_id = $1 ORDER BY number`,
      [batchId],
    );
    return rows;
  }

  async function allStatementNumbers(): Promise<number[]> {
    const { rows } = await sql.query<{ number: string }>(
      `SELECT number FROM donor_document WHERE kind = 'statement' AND version = 1 ORDER BY number`,
    );
    return rows.map((row) => sequenceOf(row.number));
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db, {
      env: { API_RATE_LIMIT_PER_MINUTE: '100000', JOBS_ENABLED: 'true' },
    });
    sql = await connect(db.url);
    const users = new TestUsers(app);
    officer = await users.auth('officer.batch', ['finance_officer']);
    auditor = await users.auth('auditor.batch', ['auditor']);
    const admin = await users.auth('admin.batch', ['admin']);
    await createPasswordUser(app, {
      ...OFFICER,
      displayName: 'Officer of the pages',
      roles: ['finance_officer'],
    });
    const fund = await as(admin)
      .post('/api/v1/funds')
      .send({ code: 'OTHER-TF', name: 'Another trust fund', functionalCurrency: 'CHF' });
    expect(fund.status).toBe(201);

    const donor = async (name: string, language: string): Promise<string> => {
      const res = await as(officer)
        .post('/api/v1/donors')
        .send({ name, type: 'member_state', statementLanguage: language });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const pledge = async (donorId: string, fundCode: string, announcedOn = '2026-02-01') => {
      const res = await as(officer)
        .post('/api/v1/pledges')
        .send({
          fund: fundCode,
          donorId,
          currency: 'CHF',
          amount: '2,000.00',
          announcedOn,
          instalments: [
            { dueDate: '2026-06-30', amount: '1,000.00' },
            { dueDate: '2027-06-30', amount: '1,000.00' },
          ],
        });
      expect(res.status).toBe(201);
    };
    for (const { name, language } of DONORS) {
      donors[name] = await donor(name, language);
      await pledge(donors[name], 'WSIS-TF');
    }
    donors['Nothing pledged'] = await donor('Republic of Nothing Pledged', 'en');
    donors['Other fund only'] = await donor('Republic of Another Fund', 'en');
    await pledge(donors['Other fund only'], 'OTHER-TF');

    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await sql?.end();
    await app?.close();
    await db?.drop();
  });

  it('issues one statement to every donor of the fund in the background, numbered without gaps', async () => {
    const body = { fund: 'WSIS-TF', from: '2026-01-01', to: '2026-12-31' };
    const created = await createBatch(body, 'batch-2026-a');
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ fund: 'WSIS-TF', from: '2026-01-01', to: '2026-12-31' });
    expect(created.body.total).toBe(DONORS.length);
    // Every donor of the fund, by name; not the donor without a pledge nor the other fund's.
    expect((created.body.items as Body[]).map((item) => item.donorName)).toEqual(
      DONORS.map((d) => d.name).sort(),
    );
    const replay = await createBatch(body, 'batch-2026-a');
    expect(replay.status).toBe(202);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(created.body.id);

    const batch = await finished(created.body.id as string);
    expect(batch).toMatchObject({ status: 'completed', issued: 5, failed: 0, pending: 0 });
    expect(batch.finishedAt).not.toBeNull();
    const documents = await documentsOf(batch.id as string);
    expect(documents.map((d) => d.donor_id).sort()).toEqual(
      DONORS.map((d) => donors[d.name]).sort(),
    );
    // Gapless: the batch's numbers are the only statements, one after another from 1.
    expect(await allStatementNumbers()).toEqual([1, 2, 3, 4, 5]);
    expect(documents.every((d) => d.number.startsWith(`ST-${YEAR}-`))).toBe(true);
    // Each in its donor's own language, as no language was asked for.
    const tonga = documents.find((d) => d.donor_id === donors['Kingdom of Tonga']);
    expect(tonga?.language).toBe('fr');

    // The batch names each statement, and each is an ordinary issued statement of the batch.
    for (const item of batch.items as Body[]) {
      expect(item).toMatchObject({ status: 'issued', error: null });
      const statement = await as(officer).get(`/api/v1/donor-statements/${item.documentId}`);
      expect(statement.status).toBe(200);
      expect(statement.body).toMatchObject({ number: item.number, batchId: batch.id });
    }
    const list = await as(auditor).get('/api/v1/statement-batches?fund=WSIS-TF&status=completed');
    expect(list.status).toBe(200);
    expect((list.body.items as Body[]).map((item) => item.id)).toContain(batch.id);
  });

  it('goes on past a statement that cannot be issued, and issues it when asked to retry', async () => {
    const statements = app.get(StatementsService);
    // Statements are issued a few at a time; Chile's fails whichever way it is asked for.
    const issueManyWith = statements.issueManyWith.bind(statements);
    const spy = jest
      .spyOn(statements, 'issueManyWith')
      .mockImplementation((manager, actor, inputs) =>
        inputs.some((input) => input.donorId === donors['Republic of Chile'])
          ? Promise.reject(new Error('the renderer crashed'))
          : issueManyWith(manager, actor, inputs),
      );
    const before = await allStatementNumbers();
    let batch: Body;
    try {
      const created = await createBatch({
        fund: 'WSIS-TF',
        from: '2026-01-01',
        to: '2026-06-30',
        language: 'en',
      });
      expect(created.status).toBe(202);
      batch = await finished(created.body.id as string);
    } finally {
      spy.mockRestore();
    }
    expect(batch).toMatchObject({ status: 'failed', issued: 4, failed: 1, pending: 0 });
    const chile = (batch.items as Body[]).find((i) => i.donorId === donors['Republic of Chile']);
    expect(chile).toMatchObject({ status: 'failed', documentId: null, number: null });
    expect(chile?.error).toContain('the renderer crashed');
    // The failed statement left no hole in the numbering.
    expect(await allStatementNumbers()).toEqual([
      ...before,
      ...[1, 2, 3, 4].map((n) => before.length + n),
    ]);

    const retried = await as(officer).post(`/api/v1/statement-batches/${batch.id}/retry`);
    expect(retried.status).toBe(202);
    const done = await finished(batch.id as string);
    expect(done).toMatchObject({ status: 'completed', issued: 5, failed: 0 });
    const documents = await documentsOf(batch.id as string);
    expect(documents).toHaveLength(5);
    expect(new Set(documents.map((d) => d.donor_id)).size).toBe(5);
    expect(documents.every((d) => d.language === 'en')).toBe(true);

    const again = await as(officer).post(`/api/v1/statement-batches/${batch.id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('statement-batch-not-retryable');
  });

  it('finishes a batch started elsewhere without issuing anything twice, even with two workers at once', async () => {
    const batches = app.get(StatementBatchesService);
    const system: Actor = { id: 'officer.batch', roles: ['finance_officer'], donorIds: [] };
    // Created without its job, as if the process that created it had died right after.
    const created = await batches.create(
      system,
      { fund: 'WSIS-TF', from: '2026-07-01', to: '2026-12-31' },
      undefined,
      { queue: false },
    );
    const id = created.body.id;
    expect(await batches.issueNext(id)).toMatchObject({ status: 'issued' });
    // A statement of the batch stored for a donor whose item is still pending: the last guard.
    const ghana = donors['Republic of Ghana'];
    const stored = await app.get(TransactionRunner).run((manager) =>
      app.get(StatementsService).issueWith(manager, system, {
        donorId: ghana,
        fundCode: 'WSIS-TF',
        from: '2026-07-01',
        to: '2026-12-31',
        batchId: id,
      }),
    );
    const before = await allStatementNumbers();

    const outcomes = await Promise.all([batches.work(id), batches.work(id)]);
    expect(outcomes).toEqual(['finished', 'finished']);
    const batch = await finished(id);
    expect(batch).toMatchObject({ status: 'completed', issued: 5, failed: 0 });
    const documents = await documentsOf(id);
    expect(documents.map((d) => d.donor_id).sort()).toEqual(
      DONORS.map((d) => donors[d.name]).sort(),
    );
    const ghanaItem = (batch.items as Body[]).find((item) => item.donorId === ghana);
    expect(ghanaItem).toMatchObject({ documentId: stored.id, number: stored.number });
    // Three more statements (5 donors: one issued first, one stored by hand), no gap.
    expect(await allStatementNumbers()).toEqual([
      ...before,
      before.length + 1,
      before.length + 2,
      before.length + 3,
    ]);
  });

  it('queues again a batch its worker stopped for a shutdown, and one left unfinished at start', async () => {
    const batches = app.get(StatementBatchesService);
    const worker = app.get(StatementBatchWorker);
    const system: Actor = { id: 'officer.batch', roles: ['finance_officer'], donorIds: [] };
    const create = async (from: string, to: string): Promise<string> =>
      (
        await batches.create(system, { fund: 'OTHER-TF', from, to }, undefined, {
          queue: false,
        })
      ).body.id;

    // The application is shutting down: the job stops before its first statement.
    const stopped = await create('2026-05-01', '2026-05-31');
    const shutdown = new AbortController();
    shutdown.abort();
    await worker.handle({ batchId: stopped }, { id: 'job-stopped', signal: shutdown.signal });
    // Left running without a job (as after a crash): the start of an instance picks it up.
    const orphan = await create('2026-06-01', '2026-06-30');
    expect(await worker.resume()).toBeGreaterThanOrEqual(1);

    for (const id of [stopped, orphan]) {
      expect(await finished(id)).toMatchObject({ status: 'completed', issued: 1, failed: 0 });
    }
  });

  it('leaves the statement in progress pending, not failed, when a stop closes the browser under it', async () => {
    const batches = app.get(StatementBatchesService);
    const system: Actor = { id: 'officer.batch', roles: ['finance_officer'], donorIds: [] };
    const { id } = (
      await batches.create(
        system,
        { fund: 'OTHER-TF', from: '2026-07-01', to: '2026-07-31' },
        undefined,
        { queue: false },
      )
    ).body;
    const stop = new AbortController();
    // What a SIGTERM does to a statement being printed: the browser goes, the PDF fails.
    const spy = jest
      .spyOn(app.get(StatementsService), 'issueManyWith')
      .mockImplementationOnce(() => {
        stop.abort();
        return Promise.reject(new Error('Target page, context or browser has been closed'));
      });
    try {
      expect(await batches.work(id, { signal: stop.signal })).toBe('interrupted');
    } finally {
      spy.mockRestore();
    }
    expect(await batches.get(id)).toMatchObject({ status: 'running', pending: 1, failed: 0 });
    await batches.enqueue(id);
    expect(await finished(id)).toMatchObject({ status: 'completed', issued: 1, failed: 0 });
  });

  it('refuses a batch that cannot be made, naming the field', async () => {
    const unknown = await createBatch({ fund: 'NO-SUCH-TF', from: '2026-01-01', to: '2026-12-31' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([
      expect.objectContaining({ field: 'fund', rule: 'exists' }),
    ]);

    const backwards = await createBatch({ fund: 'WSIS-TF', from: '2026-12-31', to: '2026-01-01' });
    expect(backwards.status).toBe(422);
    expect(backwards.body.errors).toEqual([expect.objectContaining({ field: 'to' })]);

    // The other fund's only pledge was announced on 2026-02-01: nothing to state before.
    const empty = await createBatch({ fund: 'OTHER-TF', from: '2025-01-01', to: '2025-12-31' });
    expect(empty.status).toBe(422);
    expect(empty.body.errors).toEqual([
      expect.objectContaining({ field: 'fund', rule: 'hasDonors' }),
    ]);

    const language = await createBatch({
      fund: 'WSIS-TF',
      from: '2026-01-01',
      to: '2026-12-31',
      language: 'de',
    });
    expect(language.status).toBe(422);
    expect(await as(auditor).get('/api/v1/statement-batches/not-a-batch')).toMatchObject({
      status: 404,
    });
  });

  describe('statements:batch (CLI)', () => {
    /** Runs the command in this process on the test database; its output and exit code. */
    async function runCommand(options: Record<string, string>) {
      const cliConfig = new CliConfigService();
      jest.spyOn(cliConfig, 'get').mockReturnValue(testConfig(db));
      const out: string[] = [];
      const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        out.push(String(chunk));
        return true;
      });
      const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const exitCode = process.exitCode;
      try {
        await new StatementsBatchCommand(cliConfig).run([], options);
        return { stdout: out.join(''), code: process.exitCode ?? 0 };
      } finally {
        process.exitCode = exitCode;
        stdout.mockRestore();
        stderr.mockRestore();
      }
    }

    it('issues the statements in its own process and says how it went', async () => {
      const result = await runCommand({ fund: 'OTHER-TF', from: '2026-01-01', to: '2026-03-31' });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        /^batch [0-9a-f-]{36}: statements of OTHER-TF for 2026-01-01 – 2026-03-31 to 1 donor$/m,
      );
      expect(result.stdout).toContain('completed: 1 of 1 statements issued, 0 failed');
      const id = /^batch ([0-9a-f-]{36})/m.exec(result.stdout)![1];
      expect(await documentsOf(id)).toEqual([
        expect.objectContaining({ donor_id: donors['Other fund only'] }),
      ]);
    });

    it('exits with 1 and names each donor whose statement failed', async () => {
      const statements = app.get(StatementsService);
      const spy = jest
        .spyOn(statements, 'issueManyWith')
        .mockRejectedValue(new Error('no fonts for this script'));
      let id: string;
      try {
        const created = await createBatch({
          fund: 'OTHER-TF',
          from: '2026-04-01',
          to: '2026-04-30',
        });
        id = created.body.id as string;
        await finished(id);
      } finally {
        spy.mockRestore();
      }
      const result = await runCommand({ resume: id });
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('failed: 0 of 1 statements issued, 1 failed');
      expect(result.stdout).toContain('failed: Republic of Another Fund: no fonts for this script');

      const refused = await runCommand({ fund: 'WSIS-TF', from: '2026-13-01', to: '2026-12-31' });
      expect(refused.code).toBe(1);
    });
  });

  describe('pages', () => {
    let browser: BrowserSession | undefined;

    beforeAll(async () => {
      browser = await launchBrowser();
    });

    afterAll(() => browser?.close());

    it('an officer starts a batch from the form and watches its progress bar fill up', async () => {
      const page = await browser!.context.newPage();
      const errors = watchPage(page, baseUrl, [422]);
      try {
        await page.goto(`${baseUrl}/statements/batches/new`);
        await page.waitForURL(/\/sign-in\?next=/);
        await page.getByLabel('User name').fill(OFFICER.username);
        await page.getByLabel('Password').fill(OFFICER.password);
        await submitForm(page, 'Sign in');
        await page.waitForURL(`${baseUrl}/statements/batches/new`);

        await page.getByLabel('Fund').selectOption('WSIS-TF');
        await page.getByLabel('From').fill('2026-01-01');
        await page.getByLabel('To').fill('2026-12-31');
        await page.getByRole('combobox', { name: 'Language' }).selectOption('ru');
        // Starting a batch issues final statements: the form asks for a confirmation first.
        await submitForm(page, 'Start batch');
        expect(await page.locator('#confirm-error').textContent()).toContain(
          'tick the box to confirm',
        );
        expect(await page.getByLabel('From').inputValue()).toBe('2026-01-01');
        expect(await page.getByRole('combobox', { name: 'Language' }).inputValue()).toBe('ru');
        await page
          .getByRole('checkbox', { name: /I confirm: issue a final, numbered statement/ })
          .check();
        await submitForm(page, 'Start batch');
        expect(page.url()).toMatch(/\/statements\/batches\/[0-9a-f-]{36}\?done=created$/);
        const progress = page.getByTestId('statement-batch-progress');
        expect(await page.locator('#batch-progress-bar').getAttribute('max')).toBe('5');
        // Five statements take a while: the page first shows the batch under way.
        expect(['queued', 'running']).toContain(await progress.getAttribute('data-status'));

        // No reload: the page asks for its progress until the batch has finished.
        await page.getByTestId('statement-batch-status').getByText('Completed').waitFor({
          timeout: 30000,
        });
        expect(await page.locator('#batch-progress-bar').getAttribute('value')).toBe('5');
        expect(await progress.getAttribute('hx-get')).toBeNull();
        await expect(
          page.getByTestId('statement-batch-progress-text').textContent(),
        ).resolves.toContain('5 of 5 statements done (100%): 5 issued, 0 failed');
        const items = page.getByTestId('statement-batch-item');
        expect(await items.evaluateAll((rows) => rows.map((row) => row.dataset.status))).toEqual(
          Array(5).fill('issued'),
        );
        await expect(items.getByRole('link', { name: /^ST-\d{4}-\d{6}$/ }).count()).resolves.toBe(
          5,
        );

        await page.goto(`${baseUrl}/statements/batches`);
        expect(await page.getByTestId('statement-batch-row').count()).toBeGreaterThanOrEqual(1);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    });

    it('shows the form again with the reason beside the field when the batch cannot be made', async () => {
      const form = await as(officer).get('/statements/batches/new');
      expect(form.status).toBe(200);
      const formKey = /name="formKey" value="([0-9a-f-]{36})"/.exec(form.text)![1];
      const res = await as(officer).post('/statements/batches').type('form').send({
        formKey,
        fund: 'WSIS-TF',
        from: '2026-12-31',
        to: '2026-01-01',
        language: '',
        confirm: 'yes',
      });
      expect(res.status).toBe(422);
      expect(res.text).toContain('id="to-error"');
      expect(res.text).toContain('the period must end on or after its first day');
    });
  });
});
