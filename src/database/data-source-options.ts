import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { Installation } from './entities/installation.entity';
import { PreparingClient, StatementPreparation } from './prepared-statements';
import { TypeOrmLogger } from './typeorm-logger';

export const ENTITIES = [Installation];

export interface PoolOptions {
  /** Send repeated parameterized statements as named prepared statements while this is enabled. */
  statementPreparation?: StatementPreparation;
}

export function dataSourceOptions(
  url: string,
  poolSize: number,
  { statementPreparation }: PoolOptions = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: ['error', 'warn', 'migration'],
    logger: new TypeOrmLogger(),
    extra: {
      max: poolSize,
      connectionTimeoutMillis: 5000,
      application_name: 'trust-fund-tracker',
      ...(statementPreparation ? { Client: PreparingClient, statementPreparation } : {}),
    },
  };
}
