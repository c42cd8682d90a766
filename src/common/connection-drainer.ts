import { BeforeApplicationShutdown, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Server } from 'node:http';

/**
 * While the HTTP server drains, closes each keep-alive connection as soon as its last response
 * is out. Node's server.close() only closes the connections idle at the moment it is called, so
 * a client whose request was in flight would otherwise hold the shutdown until its keep-alive
 * timeout; destroying all connections at once would cut that request instead.
 */
@Injectable()
export class ConnectionDrainer implements BeforeApplicationShutdown, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  beforeApplicationShutdown(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (server === undefined || typeof server.closeIdleConnections !== 'function') return;
    this.timer = setInterval(() => server.closeIdleConnections(), 50);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
