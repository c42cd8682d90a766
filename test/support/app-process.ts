import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
export const MAIN_JS = join(ROOT, 'dist', 'src', 'main.js');

export interface AppProcess {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  /** Milliseconds from spawn until /health/ready answered 200. */
  output(): string;
  /** Sends `signal` and resolves with the exit code once the process has ended. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs the built application (`dist/`, as `npm start` does) in a child process with exactly the
 * environment given, plus PATH and HOME, and waits for /health/ready. The time limit only stops
 * a start that hangs; it is generous because the suite runs files in parallel on few cores.
 */
export async function startAppProcess(
  env: Record<string, string>,
  timeoutMs = 60000,
): Promise<AppProcess> {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run \`npm run build\` first`);
  const started = Date.now();
  // The port is chosen here rather than read from the log, which LOG_LEVEL may silence.
  const port = env.PORT ?? String(await freePort());
  const { child, output, exited } = spawnApp({ ...env, PORT: port });
  const deadline = started + timeoutMs;
  const baseUrl = `http://127.0.0.1:${port}`;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the application exited with ${child.exitCode}:\n${output()}`);
    }
    if (await isReady(baseUrl)) {
      return {
        child,
        baseUrl,
        output,
        stop: async (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the application was not ready within ${timeoutMs} ms:\n${output()}`);
}

/**
 * Runs the application and resolves when it exits by itself (a refused start). A refusal that
 * comes after the migrations of a fresh embedded folder (a weak first-admin password) can take
 * well over 20 s on a busy two-core machine, hence the minute.
 */
export async function runAppUntilExit(
  env: Record<string, string>,
  timeoutMs = 60000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { child, exited, stdout, stderr } = spawnApp(env);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await exited;
  clearTimeout(timer);
  return { code, stdout: stdout(), stderr: stderr() };
}

function spawnApp(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN_JS], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))),
  );
  return {
    child,
    exited,
    stdout: () => out,
    stderr: () => err,
    output: () => out + err,
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function isReady(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/health/ready`);
    return response.status === 200;
  } catch {
    return false;
  }
}
