import { FundingRow } from './grants.repository';

/** What a grant takes of one receipt allocation's money. */
export interface FundingTake {
  donorId: string;
  allocationId: string;
  amountMinor: bigint;
}

/**
 * Which money pays for `amountMinor` of a grant: the earmark's allocations in the order given
 * (oldest receipt first, as `GrantsRepository.funding` reads them), each as far as it is not yet
 * attributed. `taken` holds what earlier plans of the same unit of work took and not yet written
 * into `attributed_minor`; it is updated. `left` is what no allocation could cover.
 */
export function planFunding(
  funding: readonly FundingRow[],
  amountMinor: bigint,
  taken: Map<string, bigint> = new Map(),
): { takes: FundingTake[]; left: bigint } {
  const takes: FundingTake[] = [];
  let left = amountMinor;
  for (const row of funding) {
    if (left <= 0n) break;
    const already = taken.get(row.allocation_id) ?? 0n;
    const free = BigInt(row.net_minor) - BigInt(row.attributed_minor) - already;
    if (free <= 0n) continue;
    const take = free < left ? free : left;
    takes.push({ donorId: row.donor_id, allocationId: row.allocation_id, amountMinor: take });
    taken.set(row.allocation_id, already + take);
    left -= take;
  }
  return { takes, left };
}
