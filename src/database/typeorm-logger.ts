import { Logger as NestLogger } from '@nestjs/common';
import { Logger as OrmLogger } from 'typeorm';

/**
 * TypeORM's own loggers print query parameters, which will carry personal data and credentials.
 * This one keeps the SQL text and the error, never the parameters.
 */
export class TypeOrmLogger implements OrmLogger {
  private readonly logger = new NestLogger('Database');

  logQuery(query: string): void {
    this.logger.debug({ query }, 'query');
  }

  logQueryError(error: string | Error, query: string): void {
    const message = typeof error === 'string' ? error : error.message;
    this.logger.warn({ query, error: message }, 'query failed');
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ query, ms: time }, 'slow query');
  }

  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.log(String(message));
  }
}
