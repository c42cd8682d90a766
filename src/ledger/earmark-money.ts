import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Money } from '../money/money';

/**
 * The accounts whose lines on an earmark count as its money spent (grant advances, grant
 * expense, programme support costs): a debit on them lowers the earmark's available money.
 */
export const EARMARK_SPENT_ACCOUNTS: readonly string[] = ['1200', '5000', '5400'];

/** What the grants module, which owns an earmark's available money, lends the ledger. */
export interface EarmarkMoneySource {
  /** Takes the lock grant approval takes on the earmark, until the transaction ends. */
  lock(manager: EntityManager, earmarkId: string): Promise<void>;
  /** The earmark's available money now (all dates), in the fund's functional currency. */
  available(manager: EntityManager, earmarkId: string, currency: string): Promise<Money>;
}

/**
 * Lets the ledger keep an earmark's available money from going negative through a manual entry
 * without depending on the grants module (which posts through the ledger): the grants module
 * provides the source when it starts, as handlers register with the approvals module.
 */
@Injectable()
export class EarmarkMoney {
  private current: EarmarkMoneySource | undefined;

  provide(source: EarmarkMoneySource): void {
    this.current = source;
  }

  /** The source; a ledger that would post to earmarks without one is a wiring mistake. */
  source(): EarmarkMoneySource {
    if (this.current === undefined) {
      throw new Error('No earmark money source: the grants module must be loaded with the ledger');
    }
    return this.current;
  }
}
