import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

const repoRoot = resolve(__dirname, '../..');
const dockerfilePath = resolve(repoRoot, 'docker', 'Dockerfile');
const composePath = resolve(repoRoot, 'docker', 'docker-compose.yml');
const dockerignorePath = resolve(repoRoot, '.dockerignore');

// ---------------------------------------------------------------------------
// Small, dependency-free helpers. Compose files are untyped YAML, so every
// access goes through `unknown` and is narrowed explicitly.
// ---------------------------------------------------------------------------

type Dict = Record<string, unknown>;

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function dict(value: unknown, what: string): Dict {
  if (!isDict(value)) {
    throw new Error(`${what} should be a mapping, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Compose `environment:` may be a mapping or a list of KEY=VALUE strings. */
function environmentOf(service: Dict): Record<string, string> {
  const env = service.environment;
  const out: Record<string, string> = {};
  if (Array.isArray(env)) {
    for (const entry of env) {
      const text = String(entry);
      const eq = text.indexOf('=');
      if (eq > 0) out[text.slice(0, eq)] = text.slice(eq + 1);
    }
  } else if (isDict(env)) {
    for (const [key, value] of Object.entries(env)) {
      out[key] = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
    }
  }
  return out;
}

/**
 * Resolve compose-style `${VAR:-default}` / `${VAR-default}` to their defaults
 * (as compose would with an empty environment), so the result can be parsed.
 */
function withComposeDefaults(value: string): string {
  return value.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g,
    (_m, _name: string, def?: string) => def ?? '',
  );
}

/** Container-side port numbers from a compose `ports:` list (short or long syntax). */
function containerPorts(service: Dict): number[] {
  const ports = service.ports;
  if (!Array.isArray(ports)) return [];
  return ports.map((entry: unknown) => {
    if (isDict(entry)) return Number(entry.target);
    const spec = String(entry).replace(/\/(tcp|udp)$/, '');
    const parts = spec.split(':');
    return Number(parts[parts.length - 1]);
  });
}

function publishedPorts(service: Dict): number[] {
  const ports = service.ports;
  if (!Array.isArray(ports)) return [];
  return ports.map((entry: unknown) => {
    if (isDict(entry)) return Number(entry.published);
    const parts = String(entry)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    return parts.length >= 2 ? Number(parts[parts.length - 2]) : Number.NaN;
  });
}

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  base: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Logical Dockerfile instructions: comments dropped, `\` continuations joined. */
function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const rawLine of text.split(/\r?\n/)) {
    const trimmed = rawLine.trim();
    // Comment lines are removed even in the middle of a continuation.
    if (trimmed.startsWith('#')) continue;
    if (trimmed === '' && pending === '') continue;
    if (trimmed.endsWith('\\')) {
      pending += trimmed.slice(0, -1).trim() + ' ';
      continue;
    }
    const full = (pending + trimmed).trim();
    pending = '';
    if (full === '') continue;
    const match = /^(\S+)\s*(.*)$/.exec(full);
    if (match) instructions.push({ keyword: match[1].toUpperCase(), args: match[2] });
  }
  if (pending.trim() !== '') {
    throw new Error(`Dockerfile ends inside a line continuation: ${pending}`);
  }
  return instructions;
}

function splitStages(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const asIndex = words.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({
        base: words[0],
        name: asIndex >= 0 ? words[asIndex + 1] : undefined,
        instructions: [],
      });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(ins);
    }
  }
  return stages;
}

interface CopyInstruction {
  flags: Record<string, string>;
  sources: string[];
  destination: string;
}

function parseCopy(args: string): CopyInstruction {
  let rest = args.trim();
  const flags: Record<string, string> = {};
  let flag = /^--([a-z-]+)(?:=(\S*))?\s+/.exec(rest);
  while (flag) {
    flags[flag[1]] = flag[2] ?? '';
    rest = rest.slice(flag[0].length);
    flag = /^--([a-z-]+)(?:=(\S*))?\s+/.exec(rest);
  }
  const parts: string[] = rest.startsWith('[')
    ? (JSON.parse(rest) as unknown[]).map(String)
    : rest.split(/\s+/);
  return { flags, sources: parts.slice(0, -1), destination: parts[parts.length - 1] };
}

/** CMD/ENTRYPOINT/HEALTHCHECK CMD as a list of words (exec form or shell form). */
function commandWords(args: string): string[] {
  const trimmed = args.trim();
  if (trimmed.startsWith('[')) return (JSON.parse(trimmed) as unknown[]).map(String);
  return trimmed.split(/\s+/);
}

// ---------------------------------------------------------------------------

describe('docker/', () => {
  describe('docker-compose.yml', () => {
    const compose = dict(parse(readFileSync(composePath, 'utf8')), 'compose file');
    const services = dict(compose.services, 'services');
    const db = dict(services.db, 'services.db');
    const app = dict(services.app, 'services.app');
    const dbEnv = environmentOf(db);
    const appEnv = environmentOf(app);

    it('defines a db and an app service', () => {
      expect(Object.keys(services)).toEqual(expect.arrayContaining(['db', 'app']));
      expect(String(db.image)).toMatch(/^postgres:15(\b|$)/);
    });

    it('builds the app from the repository root with docker/Dockerfile', () => {
      const build = dict(app.build, 'services.app.build');
      const context = resolve(repoRoot, 'docker', String(build.context));
      expect(context).toBe(repoRoot);
      expect(resolve(context, String(build.dockerfile))).toBe(dockerfilePath);
    });

    it('points the app DATABASE_URL at the db service with the credentials db creates', () => {
      expect(appEnv.DATABASE_URL).toBeDefined();
      const url = new URL(withComposeDefaults(appEnv.DATABASE_URL));
      expect(url.protocol).toMatch(/^postgres(ql)?:$/);
      expect(url.hostname).toBe('db');
      expect(url.port === '' || url.port === '5432').toBe(true);

      const dbUser = withComposeDefaults(dbEnv.POSTGRES_USER ?? 'postgres');
      const dbName = withComposeDefaults(dbEnv.POSTGRES_DB ?? dbUser);
      const dbPassword = withComposeDefaults(dbEnv.POSTGRES_PASSWORD ?? '');
      expect(decodeURIComponent(url.username)).toBe(dbUser);
      expect(decodeURIComponent(url.pathname.replace(/^\//, ''))).toBe(dbName);
      expect(decodeURIComponent(url.password)).toBe(dbPassword);
      // Both sides must follow the same override variable, not just the same default.
      expect(appEnv.DATABASE_URL).toContain('${POSTGRES_PASSWORD');
      expect(dbEnv.POSTGRES_PASSWORD).toContain('${POSTGRES_PASSWORD');
    });

    it('gives the database a healthcheck that probes the same user and database', () => {
      const healthcheck = dict(db.healthcheck, 'services.db.healthcheck');
      const test = Array.isArray(healthcheck.test)
        ? healthcheck.test.map(String).join(' ')
        : String(healthcheck.test);
      expect(test).toContain('pg_isready');
      expect(test).toMatch(new RegExp(`-U\\s+${dbEnv.POSTGRES_USER}\\b`));
      expect(test).toMatch(new RegExp(`-d\\s+${dbEnv.POSTGRES_DB}\\b`));
    });

    it('keeps database files on a named volume', () => {
      const volumes = Array.isArray(db.volumes) ? db.volumes.map(String) : [];
      expect(volumes).toContain('pgdata:/var/lib/postgresql/data');
      expect(Object.keys(dict(compose.volumes, 'volumes'))).toContain('pgdata');
    });

    it('the app waits for a healthy database', () => {
      const dependsOn = dict(app.depends_on, 'services.app.depends_on');
      const onDb = dict(dependsOn.db, 'services.app.depends_on.db');
      expect(onDb.condition).toBe('service_healthy');
    });

    it('publishes the app on host and container port 3000', () => {
      expect(containerPorts(app)).toContain(3000);
      expect(publishedPorts(app)).toContain(3000);
    });

    it('requires SESSION_SECRET instead of falling back to a default', () => {
      const secret = appEnv.SESSION_SECRET;
      expect(secret).toBeDefined();
      expect(secret).toMatch(/^\$\{SESSION_SECRET:\?[^}]+\}$/);
      expect(secret).not.toContain(':-');
    });

    it('restarts the app unless it is stopped deliberately', () => {
      expect(app.restart).toBe('unless-stopped');
    });
  });

  describe('Dockerfile', () => {
    const instructions = parseDockerfile(readFileSync(dockerfilePath, 'utf8'));
    const stages = splitStages(instructions);
    const runtime = stages[stages.length - 1];
    const stageNames = stages.map((s) => s.name);
    const last = (keyword: string): Instruction | undefined =>
      [...runtime.instructions].reverse().find((i) => i.keyword === keyword);

    it('is a multi-stage build with named stages on node:20-bookworm-slim', () => {
      expect(stages.length).toBeGreaterThanOrEqual(2);
      for (const stage of stages) {
        expect(stage.name).toMatch(/^[a-z][a-z0-9_.-]*$/);
        // A stage may build on an earlier stage; otherwise it must use the pinned base.
        if (!stageNames.includes(stage.base)) expect(stage.base).toBe('node:20-bookworm-slim');
      }
      expect(new Set(stageNames).size).toBe(stageNames.length);
    });

    it('copies build output only from stages that exist', () => {
      const fromRefs = instructions
        .filter((i) => i.keyword === 'COPY')
        .map((i) => parseCopy(i.args).flags.from)
        .filter((ref): ref is string => ref !== undefined);
      expect(fromRefs.length).toBeGreaterThan(0);
      for (const ref of fromRefs) expect(stageNames).toContain(ref);
    });

    it('runs the final image as a non-root user', () => {
      const user = last('USER');
      expect(user).toBeDefined();
      const name = (user?.args ?? '').split(':')[0].trim();
      expect(name).not.toBe('');
      expect(['root', '0']).not.toContain(name);
    });

    it('health-checks the readiness endpoint', () => {
      const healthcheck = last('HEALTHCHECK');
      expect(healthcheck).toBeDefined();
      expect(healthcheck?.args).not.toMatch(/^NONE\b/i);
      expect(healthcheck?.args).toMatch(/\bCMD\b/);
      expect(healthcheck?.args).toContain('/health/ready');
    });

    it('starts the compiled server dist/src/main.js', () => {
      const cmd = last('CMD');
      expect(cmd).toBeDefined();
      expect(commandWords(cmd?.args ?? '')).toEqual(['node', 'dist/src/main.js']);
    });

    it('exposes the port that compose publishes', () => {
      expect(last('EXPOSE')?.args.split(/\s+/)).toContain('3000');
    });

    it('only copies paths from the build context that exist in the repository', () => {
      const contextSources = instructions
        .filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
        .map((i) => parseCopy(i.args))
        .filter((c) => c.flags.from === undefined)
        .flatMap((c) => c.sources);
      expect(contextSources).toEqual(
        expect.arrayContaining([
          'package.json',
          'package-lock.json',
          'tsconfig.json',
          'nest-cli.json',
          'src',
          'migrations',
        ]),
      );
      const missing = contextSources.filter((source) => !existsSync(resolve(repoRoot, source)));
      expect(missing).toEqual([]);
    });

    it('copies every tsconfig the nest build reads into the build stage', () => {
      const build = stages.find((s) => s.name === 'build');
      expect(build).toBeDefined();
      const copied = new Set(
        stages
          .slice(0, stages.indexOf(build as Stage) + 1)
          .flatMap((s) => s.instructions)
          .filter((i) => i.keyword === 'COPY')
          .map((i) => parseCopy(i.args))
          .filter((c) => c.flags.from === undefined)
          .flatMap((c) => c.sources),
      );
      const nestCli = dict(
        JSON.parse(readFileSync(resolve(repoRoot, 'nest-cli.json'), 'utf8')),
        'nest-cli.json',
      );
      const compilerOptions = isDict(nestCli.compilerOptions) ? nestCli.compilerOptions : {};
      const required = [
        'nest-cli.json',
        typeof compilerOptions.tsConfigPath === 'string'
          ? compilerOptions.tsConfigPath
          : 'tsconfig.build.json',
      ];
      // Follow `extends` chains so a base tsconfig is not forgotten.
      for (let i = 1; i < required.length; i += 1) {
        const file = resolve(repoRoot, required[i]);
        if (!existsSync(file)) continue;
        const tsconfig = dict(JSON.parse(readFileSync(file, 'utf8')), required[i]);
        if (typeof tsconfig.extends === 'string' && tsconfig.extends.startsWith('.')) {
          const parent = tsconfig.extends.replace(/^\.\//, '');
          if (!required.includes(parent)) required.push(parent);
        }
      }
      for (const file of required) expect(copied).toContain(file);
    });

    it('does not copy anything that .dockerignore excludes from the context', () => {
      const ignored = readFileSync(dockerignorePath, 'utf8')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('!'));
      expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git']));
      const contextSources = instructions
        .filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
        .map((i) => parseCopy(i.args))
        .filter((c) => c.flags.from === undefined)
        .flatMap((c) => c.sources.map((s) => s.replace(/^\.\//, '').replace(/\/$/, '')));
      for (const source of contextSources) {
        for (const pattern of ignored.filter((p) => !/[*?[]/.test(p))) {
          const p = pattern.replace(/^\//, '').replace(/\/$/, '');
          expect(source === p || source.startsWith(`${p}/`)).toBe(false);
        }
      }
    });
  });
});
