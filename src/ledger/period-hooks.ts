import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { FundRow } from '../funds/funds.repository';

/** What a hook is told about the month being closed or reopened. */
export interface PeriodChange {
  manager: EntityManager;
  actor: Actor;
  fund: FundRow;
  /** The month, YYYY-MM. */
  period: string;
}

export type PeriodHook = (change: PeriodChange) => Promise<void>;

/**
 * Work other modules do when a month is closed or reopened, in the same transaction as the
 * change (a hook that throws refuses the close or the reopening):
 * - `beforeClose`: while the month is still open (the month-end revaluation posts here);
 * - `afterClose`: once nothing more can be posted into it (the month's balances are kept);
 * - `afterReopen`: once it is open again (what was kept about it is dropped).
 * Hooks run in the order they were registered.
 */
@Injectable()
export class PeriodHooks {
  private readonly hooks = {
    beforeClose: [] as PeriodHook[],
    afterClose: [] as PeriodHook[],
    afterReopen: [] as PeriodHook[],
  };

  register(moment: keyof PeriodHooks['hooks'], hook: PeriodHook): void {
    this.hooks[moment].push(hook);
  }

  async run(moment: keyof PeriodHooks['hooks'], change: PeriodChange): Promise<void> {
    for (const hook of this.hooks[moment]) await hook(change);
  }
}
