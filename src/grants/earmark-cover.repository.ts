import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ALLOCATION_NET_MINOR } from './grants.repository';

/** What a receipt's allocations not yet reversed brought to one earmark (net of charges). */
export interface ReceiptShareRow {
  earmark_id: string;
  earmark_code: string;
  functional_currency: string;
  net_minor: string;
}

/** What one grant still holds of one of a receipt's allocations (its attributions netted). */
export interface ReceiptAttributionRow {
  grant_id: string;
  donor_id: string;
  allocation_id: string;
  earmark_id: string;
  earmark_code: string;
  functional_currency: string;
  amount_minor: string;
  /** The latest date among the grant's rows on that allocation (YYYY-MM-DD). */
  held_since: string;
}

/** The SQL behind taking a receipt's money back out of the earmarks it funded. */
@Injectable()
export class EarmarkCoverRepository {
  /** Per earmark, ordered by earmark id (the order the earmarks are locked in). */
  receiptShares(manager: EntityManager, receiptId: string): Promise<ReceiptShareRow[]> {
    return manager.query<ReceiptShareRow[]>(
      `SELECT p.earmark_id, em.code AS earmark_code, f.functional_currency,
              sum(${ALLOCATION_NET_MINOR})::text AS net_minor
         FROM receipt_allocation ra
         JOIN receipt r ON r.id = ra.receipt_id
         JOIN pledge p ON p.id = ra.pledge_id
         JOIN earmark em ON em.id = p.earmark_id
         JOIN fund f ON f.id = em.fund_id
        WHERE ra.receipt_id = $1 AND ra.reverses_allocation_id IS NULL
          AND NOT EXISTS (SELECT 1 FROM receipt_allocation rv WHERE rv.reverses_allocation_id = ra.id)
        GROUP BY p.earmark_id, em.code, f.functional_currency
        ORDER BY p.earmark_id`,
      [receiptId],
    );
  }

  /** The grants still attributed to the receipt's allocations, oldest attribution first. */
  attributionsOn(manager: EntityManager, receiptId: string): Promise<ReceiptAttributionRow[]> {
    return manager.query<ReceiptAttributionRow[]>(
      `SELECT ga.grant_id, ga.donor_id, ga.receipt_allocation_id AS allocation_id, p.earmark_id,
              em.code AS earmark_code, f.functional_currency,
              sum(ga.amount_minor)::text AS amount_minor,
              to_char(max(ga.attributed_on), 'YYYY-MM-DD') AS held_since
         FROM grant_attribution ga
         JOIN receipt_allocation ra ON ra.id = ga.receipt_allocation_id
         JOIN pledge p ON p.id = ra.pledge_id
         JOIN earmark em ON em.id = p.earmark_id
         JOIN fund f ON f.id = em.fund_id
        WHERE ra.receipt_id = $1
        GROUP BY ga.grant_id, ga.donor_id, ga.receipt_allocation_id, p.earmark_id, em.code,
                 f.functional_currency
       HAVING sum(ga.amount_minor) > 0
        ORDER BY min(ga.id)`,
      [receiptId],
    );
  }
}
