import { randomUUID } from 'node:crypto';
import { connect } from './test-database';

/** A donor id: donors arrive with issue 5; until then any id is a valid dimension value. */
export const newDonorId = (): string => randomUUID();

export const BANK_ACCOUNT = '0b9c2f4e-7a1d-4c3b-9e8f-1a2b3c4d5e6f';

/**
 * Opens a bank account of a fund straight in the database (for tests about something else than
 * bank accounts), by default BANK_ACCOUNT, a CHF account of WSIS-TF coded TEST-CHF.
 */
export async function addBankAccount(
  url: string,
  account: { id?: string; code?: string; currency?: string; fund?: string } = {},
): Promise<string> {
  const client = await connect(url);
  try {
    const code = account.code ?? 'TEST-CHF';
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO bank_account (id, fund_id, code, name, bank_name, account_number, currency,
         created_by)
       SELECT $1, f.id, $2, $3, 'Test bank', $4, $5, 'test' FROM fund f WHERE f.code = $6
       RETURNING id`,
      [
        account.id ?? BANK_ACCOUNT,
        code,
        `Test account ${code}`,
        `CH00TEST${code.replace(/[^A-Z0-9]/g, '')}`.slice(0, 34),
        account.currency ?? 'CHF',
        account.fund ?? 'WSIS-TF',
      ],
    );
    return rows[0].id;
  } finally {
    await client.end();
  }
}

/** A manual adjustment body: receivable from a donor against contribution revenue, in CHF. */
export function receivableAdjustment(
  donorId: string,
  amount: string,
  date = '2026-03-15',
  currency = 'CHF',
): Record<string, unknown> {
  return {
    date,
    description: `Contribution agreed by donor ${donorId.slice(0, 8)}`,
    lines: [
      { account: '1100', donorId, earmark: 'UNEARMARKED', currency, debit: amount },
      { account: '4000', donorId, earmark: 'UNEARMARKED', currency, credit: amount },
    ],
  };
}
