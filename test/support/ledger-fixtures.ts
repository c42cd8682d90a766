import { randomUUID } from 'node:crypto';

/** A donor id: donors arrive with issue 5; until then any id is a valid dimension value. */
export const newDonorId = (): string => randomUUID();

export const BANK_ACCOUNT = '0b9c2f4e-7a1d-4c3b-9e8f-1a2b3c4d5e6f';

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
