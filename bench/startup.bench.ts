/**
 * Start-up and readiness figures for the built application (run by hand, not in CI):
 *   npm run bench:startup            embedded database only
 *   DATABASE_URL=postgres://… npm run bench:startup   also against that server
 * Prints, per database, the time from spawn to the first 200 from /health/ready (fresh data
 * folder and reopened one), and the latency of /health/ready under 10 concurrent clients.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', 'src', 'main.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function startUntilReady(
  env: Record<string, string>,
): Promise<{ ms: number; child: ChildProcess; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', PORT: String(port), ...env },
    stdio: 'ignore',
  });
  for (;;) {
    try {
      if ((await fetch(`${url}/health/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, child, url };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const summary = (values: number[]): string => {
  const sorted = [...values].sort((a, b) => a - b);
  return `median ${percentile(sorted, 50).toFixed(0)} ms, min ${sorted[0].toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms`;
};

async function readinessLoad(url: string, seconds: number, clients: number): Promise<string> {
  const latencies: number[] = [];
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < until) {
        const t = process.hrtime.bigint();
        await (await fetch(`${url}/health/ready`)).arrayBuffer();
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return `${(latencies.length / seconds).toFixed(0)} req/s, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`;
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'tf-bench-'));
  try {
    const fresh: number[] = [];
    const reopened: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const dataDir = join(folder, `run-${i}`);
      const first = await startUntilReady({ DATA_DIR: dataDir });
      fresh.push(first.ms);
      await stop(first.child);
      const second = await startUntilReady({ DATA_DIR: dataDir });
      reopened.push(second.ms);
      if (i === RUNS - 1)
        console.log(`embedded  /health/ready load: ${await readinessLoad(second.url, 3, 10)}`);
      await stop(second.child);
    }
    console.log(`embedded  start to ready, fresh data folder (${RUNS} runs): ${summary(fresh)}`);
    console.log(`embedded  start to ready, reopened folder   (${RUNS} runs): ${summary(reopened)}`);
    if (process.env.DATABASE_URL) {
      const server: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const run = await startUntilReady({
          DATA_DIR: join(folder, 'server'),
          DATABASE_URL: process.env.DATABASE_URL,
        });
        server.push(run.ms);
        if (i === RUNS - 1)
          console.log(`postgres  /health/ready load: ${await readinessLoad(run.url, 3, 10)}`);
        await stop(run.child);
      }
      console.log(`postgres  start to ready (${RUNS} runs): ${summary(server)}`);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

void main();
