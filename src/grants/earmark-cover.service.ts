import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CalendarDate } from '../common/calendar-date';
import { Money } from '../money/money';
import { planFunding } from './attribution-plan';
import { EarmarkCoverRepository } from './earmark-cover.repository';
import { EarmarkFundsService } from './earmark-funds.service';
import { FundingRow, GrantsRepository } from './grants.repository';

/** An earmark a receipt's money cannot leave, and by how much its grants would be left short. */
export interface EarmarkShortfall {
  earmark: string;
  short: Money;
}

/**
 * Keeps an earmark's grants covered when a receipt's money leaves it (a reversal): available
 * money is never negative, and no grant stays attributed to money that is no longer there.
 */
@Injectable()
export class EarmarkCoverService {
  constructor(
    private readonly earmarkFunds: EarmarkFundsService,
    private readonly grants: GrantsRepository,
    private readonly repository: EarmarkCoverRepository,
  ) {}

  /**
   * Locks every earmark the receipt's money went to, as grant approval does (so that an approval
   * committing that money and the removal of it cannot both pass), and says which earmarks would
   * be left with less than their grants have committed and spent. Empty: the money may go.
   */
  async lockAndCheck(manager: EntityManager, receiptId: string): Promise<EarmarkShortfall[]> {
    const shares = await this.repository.receiptShares(manager, receiptId);
    for (const share of shares) await this.grants.lockEarmark(manager, share.earmark_id);
    const shortfalls: EarmarkShortfall[] = [];
    for (const share of shares) {
      const leaving = Money.fromMinor(share.net_minor, share.functional_currency);
      if (!leaving.isPositive()) continue;
      const { available } = await this.earmarkFunds.available(
        manager,
        share.earmark_id,
        share.functional_currency,
      );
      const after = available.subtract(leaving);
      if (after.isNegative()) {
        shortfalls.push({ earmark: share.earmark_code, short: after.negate() });
      }
    }
    return shortfalls;
  }

  /**
   * Once the receipt's allocations are reversed (under the locks of `lockAndCheck`), moves what
   * grants held of them to the earmark's other money not yet attributed, oldest receipt first,
   * as approval attributes: a negative row on the reversed allocation, positive rows elsewhere.
   * Both are dated `on`, the date the money left (the reversal's), or, when the reversal is dated
   * before the grant came to hold that money (a reversal recorded late, for an earlier date), the
   * date it did: a move never counts before what it moves, so as of any date each donor's share
   * of a grant is never negative and the grant's total is unchanged.
   * Answers what could not be moved, per earmark (nothing once the check passed).
   */
  async repoint(
    manager: EntityManager,
    receiptId: string,
    on: CalendarDate,
  ): Promise<EarmarkShortfall[]> {
    const unmoved = new Map<string, EarmarkShortfall>();
    const funding = new Map<string, FundingRow[]>();
    const taken = new Map<string, bigint>();
    for (const held of await this.repository.attributionsOn(manager, receiptId)) {
      const amount = BigInt(held.amount_minor);
      const attributedOn = held.held_since > on ? held.held_since : on;
      await this.grants.insertAttribution(manager, {
        grantId: held.grant_id,
        donorId: held.donor_id,
        allocationId: held.allocation_id,
        amountMinor: -amount,
        attributedOn,
      });
      let rows = funding.get(held.earmark_id);
      if (rows === undefined) {
        rows = await this.grants.funding(manager, held.earmark_id);
        funding.set(held.earmark_id, rows);
      }
      const { takes, left } = planFunding(rows, amount, taken);
      for (const take of takes) {
        await this.grants.insertAttribution(manager, {
          grantId: held.grant_id,
          ...take,
          attributedOn,
        });
      }
      if (left > 0n) {
        const short = Money.of(left, held.functional_currency);
        const before = unmoved.get(held.earmark_code);
        unmoved.set(held.earmark_code, {
          earmark: held.earmark_code,
          short: before === undefined ? short : before.short.add(short),
        });
      }
    }
    return [...unmoved.values()];
  }
}
