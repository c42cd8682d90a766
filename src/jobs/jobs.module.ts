import { Global, Module } from '@nestjs/common';
import { JobsService } from './jobs.service';

/**
 * The background job queue, for every module: register a handler in onModuleInit, send jobs
 * after a commit. Global: its bootstrap (the workers' start) runs before the other modules'
 * bootstrap hooks, which may send jobs; at shutdown it drains the running jobs in
 * beforeApplicationShutdown, before any module closes what those jobs use.
 */
@Global()
@Module({ providers: [JobsService], exports: [JobsService] })
export class JobsModule {}
