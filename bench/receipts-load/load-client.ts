/**
 * The load generator of bench/receipts-load.bench.ts, run as its own process (never inside the
 * application's): N clients, each with one keep-alive connection, each sending
 * POST /api/v1/receipts one after the other with its own Idempotency-Key. Warm-up, then the
 * measured window; when it ends, no new request starts and the ones in flight are awaited, so
 * that every request sent has a known answer (the bench checks the database against the 201s).
 * Configuration comes in LOAD_CONFIG (JSON); the result goes to stdout as one JSON line.
 */
import { Agent, request } from 'node:http';

export interface LoadConfig {
  url: string;
  token: string;
  clients: number;
  warmupSeconds: number;
  seconds: number;
  valueDate: string;
  /** [donorId, pledgeId] pairs: each request picks one at random. */
  pairs: Array<[string, string]>;
}

export interface LoadResult {
  /** Every 201 of warm-up and measured window: what the database must hold. */
  created: number;
  measured: { count: number; created: number; seconds: number; latenciesMs: number[] };
  /** Status (or 'network') → count, for every answer that was not a 201. */
  errors: Record<string, number>;
  errorSamples: string[];
}

function post(
  agent: Agent,
  config: LoadConfig,
  key: string,
  body: string,
): Promise<{ status: number; text: string }> {
  const url = new URL('/api/v1/receipts', config.url);
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          Authorization: `Bearer ${config.token}`,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          'Idempotency-Key': key,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', (error) => resolve({ status: 0, text: error.message }));
    req.end(body);
  });
}

async function run(config: LoadConfig): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: config.clients });
  const result: LoadResult = {
    created: 0,
    measured: { count: 0, created: 0, seconds: 0, latenciesMs: [] },
    errors: {},
    errorSamples: [],
  };
  let sent = 0;
  const phase = async (seconds: number, measure: boolean): Promise<void> => {
    const started = process.hrtime.bigint();
    const until = Date.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: config.clients }, async () => {
        while (Date.now() < until) {
          const [donorId, pledgeId] = config.pairs[Math.floor(Math.random() * config.pairs.length)];
          const body = JSON.stringify({
            bankAccount: 'UBS-CHF',
            valueDate: config.valueDate,
            currency: 'CHF',
            grossAmount: '10.00',
            donorId,
            remitterName: 'Load bench',
            allocations: [{ pledgeId, amount: '10.00' }],
          });
          const t = process.hrtime.bigint();
          const answer = await post(agent, config, `load-${process.pid}-${sent++}`, body);
          const ms = Number(process.hrtime.bigint() - t) / 1e6;
          if (answer.status === 201) result.created++;
          else {
            const what = answer.status === 0 ? 'network' : String(answer.status);
            result.errors[what] = (result.errors[what] ?? 0) + 1;
            if (result.errorSamples.length < 5)
              result.errorSamples.push(`${what}: ${answer.text.slice(0, 300)}`);
          }
          if (measure) {
            result.measured.count++;
            if (answer.status === 201) result.measured.created++;
            result.measured.latenciesMs.push(ms);
          }
        }
      }),
    );
    if (measure) result.measured.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  };
  await phase(config.warmupSeconds, false);
  await phase(config.seconds, true);
  agent.destroy();
  return result;
}

if (require.main === module) {
  const config = JSON.parse(process.env.LOAD_CONFIG ?? '{}') as LoadConfig;
  void run(config).then((result) => process.stdout.write(`${JSON.stringify(result)}\n`));
}
