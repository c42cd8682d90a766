import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { DatabaseConnection } from '../database/database-connection';
import { ServiceUnavailableError } from '../common/errors/app-error';

export interface ReadinessReport {
  status: 'ready';
  database: { engine: string; latencyMs: number };
}

@Injectable()
export class HealthService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(HealthService.name);
  private draining = false;
  private lastDatabaseUp = true;

  constructor(private readonly database: DatabaseConnection) {}

  // A load balancer stops sending new requests once readiness fails; in-flight ones finish.
  beforeApplicationShutdown(): void {
    this.draining = true;
  }

  async readiness(): Promise<ReadinessReport> {
    if (this.draining || this.database.isClosing) {
      throw new ServiceUnavailableError('shutting-down', 'The application is shutting down.');
    }
    const started = process.hrtime.bigint();
    try {
      await this.database.ping();
    } catch (error) {
      if (this.lastDatabaseUp) this.logger.error({ err: error }, 'database unreachable');
      this.lastDatabaseUp = false;
      throw new ServiceUnavailableError('database-unavailable', 'The database does not answer.', 2);
    }
    if (!this.lastDatabaseUp) this.logger.log('database reachable again');
    this.lastDatabaseUp = true;
    const latencyMs = Number((process.hrtime.bigint() - started) / 1000n) / 1000;
    return { status: 'ready', database: { engine: this.database.engine, latencyMs } };
  }
}
