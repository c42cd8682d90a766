import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class EmbeddedDatabaseInUseError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database in ${dataDir} is in use by process ${pid}. ` +
        'Stop that process, or set DATA_DIR to another folder, or DATABASE_URL to a PostgreSQL server.',
    );
    this.name = 'EmbeddedDatabaseInUseError';
  }
}

/**
 * PostgreSQL compiled to WebAssembly (PGlite), served on a loopback port by pglite-socket so
 * that the ordinary `pg` driver, TypeORM and the migrations run unchanged on it.
 * One process owns a data folder at a time: PGlite has no locking of its own.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    private readonly lockFile: string | undefined,
    readonly url: string,
  ) {}

  /** `dataDir` undefined: a throw-away in-memory database (tests). */
  static async start(dataDir?: string, loadDataDir?: Blob): Promise<EmbeddedPostgres> {
    let lockFile: string | undefined;
    if (dataDir !== undefined) {
      mkdirSync(dataDir, { recursive: true });
      lockFile = join(dataDir, 'embedded.lock');
      acquireLock(lockFile, dataDir);
    }
    try {
      const db = await PGlite.create({
        dataDir: dataDir === undefined ? undefined : join(dataDir, 'pgdata'),
        loadDataDir,
      });
      const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 50 });
      await server.start();
      const url = `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
      return new EmbeddedPostgres(db, server, lockFile, url);
    } catch (error) {
      if (lockFile !== undefined) rmSync(lockFile, { force: true });
      throw error;
    }
  }

  /** A gzip tarball of the whole database: the test suite copies its migrated template this way. */
  dump(): Promise<Blob> {
    return this.db.dumpDataDir('gzip');
  }

  async stop(): Promise<void> {
    await this.server.stop();
    // close() checkpoints and flushes, so the next start does not need crash recovery.
    await this.db.close();
    if (this.lockFile !== undefined) rmSync(this.lockFile, { force: true });
  }
}

// A lock left by a process that died (kill -9, power loss) is taken over: PGlite recovers from
// its write-ahead log like any PostgreSQL, which the crash test checks.
function acquireLock(lockFile: string, dataDir: string): void {
  try {
    writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const holder = Number(readFileSync(lockFile, 'utf8').trim());
  if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
    throw new EmbeddedDatabaseInUseError(dataDir, holder);
  }
  writeFileSync(lockFile, String(process.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
