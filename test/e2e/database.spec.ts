import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { formatSchemaChanges, pendingSchemaChanges } from '../../src/database/schema-diff';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

describe('migrations', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource(dataSourceOptions(db.url, 2)).initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('lists every migration file of migrations/, oldest first', () => {
    const files = readdirSync(join(__dirname, '..', '..', 'migrations'))
      .filter((file) => /^\d+-\w+\.ts$/.test(file))
      .map((file) => file.replace(/^(\d+)-(\w+)\.ts$/, '$2$1'))
      .sort((a, b) => Number(a.replace(/\D/g, '')) - Number(b.replace(/\D/g, '')));
    expect(MIGRATIONS.map((migration) => migration.name)).toEqual(files);
  });

  it('are all applied to a fresh test database', async () => {
    const applied = await dataSource.query<{ name: string }[]>(
      'SELECT name FROM typeorm_migrations ORDER BY id',
    );
    expect(applied.map((row) => row.name)).toEqual(MIGRATIONS.map((m) => m.name));
  });

  it('agree with the entities: TypeORM finds nothing to generate', async () => {
    expect(await pendingSchemaChanges(dataSource)).toEqual([]);
  });

  it('are found out when the schema drifts from the entities', async () => {
    await dataSource.query('ALTER TABLE installation ADD COLUMN extra int');
    try {
      expect(formatSchemaChanges(await pendingSchemaChanges(dataSource))).toEqual([
        'ALTER TABLE "installation" DROP COLUMN "extra";',
      ]);
    } finally {
      await dataSource.query('ALTER TABLE installation DROP COLUMN extra');
    }
  });

  it('can be undone to an empty schema and applied again', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await dataSource.undoLastMigration();
    const tables = await dataSource.query<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_name <> 'typeorm_migrations'`,
    );
    expect(tables).toEqual([]);
    await dataSource.runMigrations();
    expect(await pendingSchemaChanges(dataSource)).toEqual([]);
  });
});

describe('test database isolation', () => {
  it('gives each caller its own migrated database: writes in one are not seen in another', async () => {
    const first = await createTestDatabase();
    const second = await createTestDatabase();
    const a = await connect(first.url);
    const b = await connect(second.url);
    try {
      await a.query('CREATE TABLE scratch (id int)');
      await a.query('DELETE FROM installation');
      const seen = await b.query(
        `SELECT (SELECT count(*)::int FROM installation) AS installations,
                to_regclass('public.scratch') IS NOT NULL AS has_scratch`,
      );
      expect(seen.rows[0]).toEqual({ installations: 1, has_scratch: false });
    } finally {
      await a.end();
      await b.end();
      await first.drop();
      await second.drop();
    }
  });
});
