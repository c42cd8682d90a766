import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase, testEngine } from '../../test/support/test-database';
import { dataSourceOptions } from './data-source-options';
import { sqlState } from './sql-state';
import { TransactionRunner } from './transaction-runner';

// Raises the SQLSTATE PostgreSQL uses when a serializable transaction cannot be committed.
const FORCE_SERIALIZATION_FAILURE = `DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = '40001'; END $$`;
const FORCE_DEADLOCK = `DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = '40P01'; END $$`;

describe(TransactionRunner.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let runner: TransactionRunner;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource(dataSourceOptions(db.url, 4)).initialize();
    runner = new TransactionRunner(dataSource);
    await dataSource.query(
      'CREATE TABLE ledger_probe (id serial PRIMARY KEY, attempt int NOT NULL, amount bigint NOT NULL)',
    );
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  beforeEach(() => dataSource.query('TRUNCATE ledger_probe'));

  const rows = (): Promise<{ attempt: number; amount: string }[]> =>
    dataSource.query('SELECT attempt, amount FROM ledger_probe ORDER BY id');

  it('retries the whole unit after a serialization failure, keeping only the successful attempt', async () => {
    const result = await runner.run(async (manager, attempt) => {
      await manager.query('INSERT INTO ledger_probe (attempt, amount) VALUES ($1, 100)', [attempt]);
      if (attempt === 1) await manager.query(FORCE_SERIALIZATION_FAILURE);
      return attempt;
    });
    expect(result).toBe(2);
    expect(await rows()).toEqual([{ attempt: 2, amount: '100' }]);
  });

  it('retries after a deadlock too', async () => {
    const attempts: number[] = [];
    await runner.run(async (manager, attempt) => {
      attempts.push(attempt);
      if (attempt < 3) await manager.query(FORCE_DEADLOCK);
      await manager.query('INSERT INTO ledger_probe (attempt, amount) VALUES ($1, 1)', [attempt]);
    });
    expect(attempts).toEqual([1, 2, 3]);
    expect(await rows()).toEqual([{ attempt: 3, amount: '1' }]);
  });

  it('gives up after the bounded number of attempts, writing nothing', async () => {
    let calls = 0;
    const failing = runner.run(
      async (manager) => {
        calls++;
        await manager.query('INSERT INTO ledger_probe (attempt, amount) VALUES (0, 5)');
        await manager.query(FORCE_SERIALIZATION_FAILURE);
      },
      { maxAttempts: 3 },
    );
    await expect(failing.catch(sqlState)).resolves.toBe('40001');
    expect(calls).toBe(3);
    expect(await rows()).toEqual([]);
  });

  it('does not retry other errors, and rolls them back', async () => {
    let calls = 0;
    const failing = runner.run(async (manager) => {
      calls++;
      await manager.query('INSERT INTO ledger_probe (attempt, amount) VALUES (1, 7)');
      await manager.query('INSERT INTO ledger_probe (attempt, amount) VALUES (NULL, 7)');
    });
    await expect(failing.catch(sqlState)).resolves.toBe('23502');
    expect(calls).toBe(1);
    expect(await rows()).toEqual([]);
  });

  const onServer = testEngine() === 'postgres' ? it : it.skip;
  onServer(
    'resolves a real write skew between concurrent serializable transactions (needs a PostgreSQL server: PGlite runs one transaction at a time)',
    async () => {
      await dataSource.query('INSERT INTO ledger_probe (attempt, amount) VALUES (0, 100)');
      // Each spends 60 from a balance of 100 only if the balance allows it. Run naively, both
      // would read 100 and both spend; serializable + retry lets exactly one through.
      let ready = 0;
      const bothRead = new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (ready >= 2) {
            clearInterval(check);
            resolve();
          }
        }, 5);
      });
      const spend = () =>
        runner.run(
          async (manager, attempt) => {
            const [{ balance }] = await manager.query<{ balance: string }[]>(
              'SELECT sum(amount)::text AS balance FROM ledger_probe',
            );
            if (attempt === 1) {
              ready++;
              await bothRead;
            }
            if (BigInt(balance) < 60n) return 'refused';
            await manager.query('INSERT INTO ledger_probe (attempt, amount) VALUES ($1, -60)', [
              attempt,
            ]);
            return 'spent';
          },
          { isolation: 'SERIALIZABLE' },
        );
      const outcomes = await Promise.all([spend(), spend()]);
      expect(outcomes.sort()).toEqual(['refused', 'spent']);
      const [{ balance }] = await dataSource.query<{ balance: string }[]>(
        'SELECT sum(amount)::text AS balance FROM ledger_probe',
      );
      expect(balance).toBe('40');
    },
  );
});
