import { createHash } from 'node:crypto';
import { Client, ClientConfig, QueryConfig } from 'pg';

/**
 * Statements the application sends again and again are planned once per connection instead of
 * on every call: a parameterized statement seen before is sent as a named prepared statement
 * (its name is a hash of its text), so PostgreSQL parses it once per connection and can keep its
 * plan. Measured with pgbench on the statements of one receipt: planning was about half of their
 * cost (bench/README.md).
 *
 * Only statements with parameters are prepared: they already travel as single statements in the
 * extended protocol, so nothing else changes for them. Texts made up on the fly (a VALUES list
 * per row, say) could otherwise fill a connection's memory: a text is prepared only from its
 * second use, and a connection holds at most MAX_PER_CONNECTION of them; beyond that, statements
 * are sent unnamed, as before.
 */
export const MAX_PER_CONNECTION = 500;
const MAX_TEXTS_COUNTED = 10_000;
const PREFIX = 'tf_';

/** The texts sent at least once (as many as MAX_TEXTS_COUNTED), and their names. */
const seen = new Set<string>();
const names = new Map<string, string>();

export function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = PREFIX + createHash('sha1').update(text).digest('hex');
    if (names.size < MAX_TEXTS_COUNTED) names.set(text, name);
  }
  return name;
}

function usedBefore(text: string): boolean {
  if (seen.has(text)) return true;
  if (seen.size < MAX_TEXTS_COUNTED) seen.add(text);
  return false;
}

interface ConnectionWithStatements {
  parsedStatements: Record<string, string>;
}

/**
 * Shared by a pool's clients, so that it can be switched off once the pool knows what it talks to:
 * a PGlite (the embedded database, or a test's) is one backend behind every connection, where a
 * statement one connection prepared already exists for the next, which does not know it.
 */
export interface StatementPreparation {
  enabled: boolean;
}

/** What node-postgres hands each client of a pool: the pool's options, ours among them. */
export interface PreparingClientConfig extends ClientConfig {
  statementPreparation?: StatementPreparation;
}

/** Whether a database that says this of itself (`SELECT version()`) may keep prepared statements. */
export function keepsPreparedStatements(version: string): boolean {
  return !/\bPGlite\b/.test(version);
}

/**
 * The pool's client class (node-postgres `Pool` option `Client`): a `pg.Client` that sends
 * repeated parameterized statements as named prepared statements.
 */
export class PreparingClient extends Client {
  private prepared = 0;
  private readonly preparation: StatementPreparation;

  constructor(config: PreparingClientConfig = {}) {
    super(config);
    this.preparation = config.statementPreparation ?? { enabled: true };
  }

  // node-postgres overloads query heavily; only (text, values[]) is rewritten, the rest passes.
  override query(...args: unknown[]): never {
    const [config, values] = args;
    if (
      this.preparation.enabled &&
      typeof config === 'string' &&
      Array.isArray(values) &&
      values.length > 0
    ) {
      const name = this.nameFor(config);
      if (name !== undefined) {
        const named: QueryConfig = { name, text: config, values };
        return (super.query as (...a: unknown[]) => never)(named, ...args.slice(2));
      }
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }

  private nameFor(text: string): string | undefined {
    const name = statementName(text);
    const parsed = (this as unknown as { connection: ConnectionWithStatements }).connection
      .parsedStatements;
    if (parsed[name] !== undefined) return name;
    if (!usedBefore(text) || this.prepared >= MAX_PER_CONNECTION) return undefined;
    this.prepared += 1;
    return name;
  }
}
