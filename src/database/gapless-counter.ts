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
