import { Public } from '../../src/auth/access.decorator';
import { Controller, Get, Module } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AddressInfo, connect } from 'node:net';
import { DataSource } from 'typeorm';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

// A request that is still running when the shutdown starts, released by the test.
let entered: () => void;
let release: () => void;
const handlerEntered = new Promise<void>((resolve) => (entered = resolve));
const released = new Promise<void>((resolve) => (release = resolve));

@Controller('api/v1/slow')
@Public()
class SlowController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  async slow(): Promise<{ answer: number }> {
    entered();
    await released;
    // Still needs the database after the shutdown began: the pool must not be closed yet.
    const [{ answer }] = await this.dataSource.query<{ answer: number }[]>('SELECT 42 AS answer');
    return { answer };
  }
}

@Module({ controllers: [SlowController] })
class SlowModule {}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('graceful shutdown', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db, { imports: [SlowModule] });
    await app.listen(0, '127.0.0.1');
  });

  afterAll(() => db.drop());

  it('stops accepting, finishes the request in flight, then closes the database pool', async () => {
    const { port } = app.getHttpServer().address() as AddressInfo;
    const inFlight = fetch(`http://127.0.0.1:${port}/api/v1/slow`);
    await handlerEntered;

    const closed = app.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await canConnect(port)).toBe(false);
    expect(app.get(DataSource).isInitialized).toBe(true);

    release();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ answer: 42 });

    // The client's keep-alive connection must not hold the shutdown until it times out (5 s).
    const closing = Date.now();
    await closed;
    expect(Date.now() - closing).toBeLessThan(2000);
    expect(app.get(DataSource).isInitialized).toBe(false);
  });
});
