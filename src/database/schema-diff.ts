import { DataSource } from 'typeorm';

export interface SchemaChange {
  readonly query: string;
  readonly parameters?: readonly unknown[];
}

/**
 * The SQL TypeORM would run to make the database match the entities: what a new migration would
 * need. Nothing is executed. Empty when entities and migrations agree.
 */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<SchemaChange[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map(({ query, parameters }) => ({ query, parameters }));
}

/** The changes as SQL statements someone can paste into a migration's `up()`. */
export function formatSchemaChanges(changes: readonly SchemaChange[]): string[] {
  return changes.map(({ query, parameters }) => {
    const statement = `${query.trim().replace(/;$/, '')};`;
    return parameters !== undefined && parameters.length > 0
      ? `${statement} -- parameters: ${JSON.stringify(parameters)}`
      : statement;
  });
}
