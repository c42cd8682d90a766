import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { DatabaseConnection } from '../database/database-connection';
import { ServiceUnavailableError } from '../common/errors/app-error';

/** When the database stopped answering readiness checks and when it answered again (ISO 8601). */
export interface DatabaseOutage {
  from: string;
  to: string;
}

export interface ReadinessReport {
  status: 'ready';
  database: {
    engine: string;
    latencyMs: number;
    /** Since when the database has answered without a break seen here (start or last recovery). */
    upSince: string;
    /** The latest outage this process saw, or null if none since it started. */
    lastOutage: DatabaseOutage | null;
  };
}

/** 503 while the database does not answer, saying since when (problem+json extension `database`). */
export class DatabaseDownError extends ServiceUnavailableError {
  override readonly extensions: Record<string, unknown>;

  constructor(engine: string, downSince: string) {
    super('database-unavailable', 'The database does not answer.', 2);
    this.extensions = { database: { engine, downSince } };
  }
}

@Injectable()
export class HealthService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(HealthService.name);
  private draining = false;
  private upSince = new Date().toISOString();
  /** Set while the database does not answer: when a check first found it gone. */
  private downSince: string | undefined;
  private lastOutage: DatabaseOutage | null = null;

  constructor(private readonly database: DatabaseConnection) {}

  // A load balancer stops sending new requests once readiness fails; in-flight ones finish.
  beforeApplicationShutdown(): void {
    this.draining = true;
  }

  // The pool reconnects by itself (each request takes a fresh connection once the old ones
  // failed); readiness only observes, and remembers the outage so that it can be reported.
  async readiness(): Promise<ReadinessReport> {
    if (this.draining || this.database.isClosing) {
      throw new ServiceUnavailableError('shutting-down', 'The application is shutting down.');
    }
    const started = process.hrtime.bigint();
    try {
      await this.database.ping();
    } catch (error) {
      if (this.downSince === undefined) {
        this.downSince = new Date().toISOString();
        this.logger.error({ err: error }, 'database unreachable');
      }
      throw new DatabaseDownError(this.database.engine, this.downSince);
    }
    if (this.downSince !== undefined) {
      const now = new Date().toISOString();
      this.lastOutage = { from: this.downSince, to: now };
      this.upSince = now;
      this.downSince = undefined;
      this.logger.log({ outage: this.lastOutage }, 'database reachable again');
    }
    const latencyMs = Number((process.hrtime.bigint() - started) / 1000n) / 1000;
    return {
      status: 'ready',
      database: {
        engine: this.database.engine,
        latencyMs,
        upSince: this.upSince,
        lastOutage: this.lastOutage,
      },
    };
  }
}
