import { EntityManager } from 'typeorm';

/** The per-fund, per-year counters of numbers and references (journal, pledges, receipts, grants). */
const COUNTERS = {
  journal: { table: 'journal_sequence', year: 'fiscal_year' },
  pledge: { table: 'pledge_sequence', year: 'year' },
  receipt: { table: 'receipt_sequence', year: 'year' },
  grant: { table: 'grant_sequence', year: 'year' },
} as const;

/**
 * The next number of a fund's counter for the year. The counter row stays locked until the
 * caller's transaction ends, and a rollback gives the number back: numbers have no gaps, even
 * under concurrent requests (they queue on the row).
 */
export async function nextGaplessNumber(
  manager: EntityManager,
  counter: keyof typeof COUNTERS,
  fundId: string,
  year: number,
): Promise<number> {
  const { table, year: yearColumn } = COUNTERS[counter];
  const [row] = await manager.query<{ last_number: number }[]>(
    `INSERT INTO ${table} (fund_id, ${yearColumn}, last_number) VALUES ($1, $2, 1)
     ON CONFLICT (fund_id, ${yearColumn})
     DO UPDATE SET last_number = ${table}.last_number + 1
     RETURNING last_number`,
    [fundId, year],
  );
  return row.last_number;
}

/**
 * The next numbers of several counters of a fund and year in one round trip, taken (and locked
 * until the transaction ends) in the order given: each counter's upsert reads the row of the one
 * before, so the order is fixed, as callers taking them one by one would take them.
 */
export async function nextGaplessNumbers(
  manager: EntityManager,
  counters: ReadonlyArray<keyof typeof COUNTERS>,
  fundId: string,
  year: number,
): Promise<number[]> {
  const steps = counters.map((counter, index) => {
    const { table, year: yearColumn } = COUNTERS[counter];
    const source = index === 0 ? '' : ` FROM c${index - 1}`;
    return `c${index} AS (INSERT INTO ${table} (fund_id, ${yearColumn}, last_number)
         SELECT $1::uuid, $2::int, 1${source}
         ON CONFLICT (fund_id, ${yearColumn})
         DO UPDATE SET last_number = ${table}.last_number + 1
         RETURNING last_number)`;
  });
  const [row] = await manager.query<Record<string, number>[]>(
    `WITH ${steps.join(',\n')}
     SELECT ${counters.map((_, index) => `c${index}.last_number AS n${index}`).join(', ')}
       FROM ${counters.map((_, index) => `c${index}`).join(', ')}`,
    [fundId, year],
  );
  return counters.map((_, index) => row[`n${index}`]);
}
