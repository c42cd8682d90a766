/**
 * Commands print plain lines for a person at a terminal or a CI log: no JSON, no timestamps.
 * Results go to stdout, so that `npm run cli -- migrate:check > drift.sql` captures only them.
 */
export function print(...lines: string[]): void {
  process.stdout.write(lines.map((line) => `${line}\n`).join(''));
}

export function printError(...lines: string[]): void {
  process.stderr.write(lines.map((line) => `${line}\n`).join(''));
}
