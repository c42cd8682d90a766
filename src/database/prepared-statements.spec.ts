import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase, testEngine } from '../../test/support/test-database';
import { ConfigurationError } from '../config/environment';
import { loadConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { DatabaseConnection } from './database-connection';
import {
  keepsPreparedStatements,
  MAX_PER_CONNECTION,
  StatementPreparation,
  statementName,
} from './prepared-statements';

const onServer = testEngine() === 'postgres' ? it : it.skip;
const onEmbedded = testEngine() === 'embedded' ? it : it.skip;

describe('prepared statements', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  /** A pool of one connection, so that every statement below meets the same session. */
  async function pool(preparation: StatementPreparation): Promise<DataSource> {
    return new DataSource(
      dataSourceOptions(db.url, 1, { statementPreparation: preparation }),
    ).initialize();
  }

  const prepared = async (dataSource: DataSource): Promise<string[]> =>
    (
      await dataSource.query<{ statement: string }[]>(
        `SELECT statement FROM pg_prepared_statements WHERE name LIKE $1 || '%' ORDER BY statement`,
        ['tf_'],
      )
    ).map((row) => row.statement);

  onServer(
    'plans a statement with parameters once per connection from its second use, with the same answers',
    async () => {
      const dataSource = await pool({ enabled: true });
      try {
        const text = 'SELECT $1::int * 2 AS twice';
        expect(await dataSource.query(text, [21])).toEqual([{ twice: 42 }]);
        expect(await prepared(dataSource)).not.toContain(text);
        expect(await dataSource.query(text, [5])).toEqual([{ twice: 10 }]);
        expect(await dataSource.query(text, [-1])).toEqual([{ twice: -2 }]);
        expect(await prepared(dataSource)).toContain(text);
        // Statements without parameters go as before, several in one text included.
        await dataSource.query('SELECT 1 AS one; SELECT 2 AS two');
        expect(await prepared(dataSource)).not.toContain('SELECT 1 AS one; SELECT 2 AS two');
        // An error in a prepared statement leaves it usable, in the next transaction too.
        await expect(dataSource.query(text, ['not a number'])).rejects.toThrow(/integer/);
        expect(await dataSource.query(text, [7])).toEqual([{ twice: 14 }]);
      } finally {
        await dataSource.destroy();
      }
    },
  );

  onServer('keeps at most a bounded number of statements on a connection', async () => {
    const dataSource = await pool({ enabled: true });
    try {
      const texts = Array.from(
        { length: MAX_PER_CONNECTION + 20 },
        (_, i) => `SELECT $1::int + ${i} AS n /* bounded ${i} */`,
      );
      for (const text of texts) await dataSource.query(text, [1]);
      for (const [i, text] of texts.entries()) {
        expect(await dataSource.query(text, [1])).toEqual([{ n: 1 + i }]);
      }
      const kept = (await prepared(dataSource)).filter((text) => text.includes('bounded'));
      expect(kept).toHaveLength(MAX_PER_CONNECTION);
    } finally {
      await dataSource.destroy();
    }
  });

  onServer('prepares nothing while switched off', async () => {
    const dataSource = await pool({ enabled: false });
    try {
      for (let i = 0; i < 3; i++) await dataSource.query('SELECT $1::text AS off', ['x']);
      expect(await prepared(dataSource)).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });

  // PGlite is one backend behind every connection: a statement one connection prepared exists
  // for the next, which would fail with "prepared statement … already exists".
  onEmbedded('stays off on a PGlite, where several connections share one session', async () => {
    const config = {
      ...loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'tf-prep-')) }).database,
      url: db.url,
      poolSize: 1,
      prepareStatements: true,
    };
    const first = await DatabaseConnection.open(config, { migrate: false });
    const second = await DatabaseConnection.open(config, { migrate: false });
    try {
      for (const connection of [first, second, first, second]) {
        expect(await connection.dataSource.query('SELECT $1::int AS n', [3])).toEqual([{ n: 3 }]);
      }
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('tells PGlite from a PostgreSQL server by what it says of itself', () => {
    expect(
      keepsPreparedStatements(
        'PostgreSQL 18.6 (PGlite 0.5.14) on wasm32-unknown-emscripten, compiled by emcc',
      ),
    ).toBe(false);
    expect(
      keepsPreparedStatements(
        'PostgreSQL 15.20 (Debian 15.20-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc',
      ),
    ).toBe(true);
  });

  it('names a statement by its text: the same text, the same name, within PostgreSQL’s limit', () => {
    const name = statementName('SELECT $1');
    expect(statementName('SELECT $1')).toBe(name);
    expect(statementName('SELECT $1 ')).not.toBe(name);
    expect(name.length).toBeLessThanOrEqual(63);
  });

  it('is on by default and switched off with DB_PREPARED_STATEMENTS=false', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tf-prep-'));
    expect(loadConfig({ DATA_DIR: dir }).database.prepareStatements).toBe(true);
    expect(
      loadConfig({ DATA_DIR: dir, DB_PREPARED_STATEMENTS: 'false' }).database.prepareStatements,
    ).toBe(false);
    expect(() => loadConfig({ DATA_DIR: dir, DB_PREPARED_STATEMENTS: 'off' })).toThrow(
      new ConfigurationError(['DB_PREPARED_STATEMENTS must be true or false']),
    );
  });
});
