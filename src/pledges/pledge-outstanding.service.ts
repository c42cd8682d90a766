import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { todayUtc } from '../common/calendar-date';
import { FundsService } from '../funds/funds.service';
import { MoneyResponse } from '../ledger/dto/journal.dto';
import { Money } from '../money/money';
import {
  AgingBucketResponse,
  OutstandingGroupResponse,
  OutstandingQuery,
  OutstandingResponse,
} from './dto/pledge.dto';
import { AGING_BUCKETS, AgingBucket } from './pledge-status';
import { PledgeViewsService, PledgeWithView } from './pledge-views.service';
import { InvalidPledgeError } from './pledges.errors';
import { PledgesRepository } from './pledges.repository';

/** Sums of amounts of several currencies, kept apart per currency. */
class CurrencyTotals {
  private readonly totals = new Map<string, Money>();

  add(amount: Money): void {
    const current = this.totals.get(amount.currency) ?? Money.zero(amount.currency);
    this.totals.set(amount.currency, current.add(amount));
  }

  toJSON(): MoneyResponse[] {
    return [...this.totals.values()]
      .filter((amount) => !amount.isZero())
      .sort((a, b) => (a.currency < b.currency ? -1 : 1))
      .map((amount) => amount.toJSON());
  }
}

class GroupTotals {
  pledges = 0;
  readonly outstanding = new CurrencyTotals();
  functional: Money;
  readonly aging = new Map<AgingBucket, { amounts: CurrencyTotals; functional: Money }>();

  constructor(
    readonly key: string | null,
    readonly label: string | null,
    functionalCurrency: string,
  ) {
    this.functional = Money.zero(functionalCurrency);
    for (const bucket of AGING_BUCKETS) {
      this.aging.set(bucket, {
        amounts: new CurrencyTotals(),
        functional: Money.zero(functionalCurrency),
      });
    }
  }

  add({ view }: PledgeWithView): void {
    const { totals } = view;
    this.pledges += 1;
    this.outstanding.add(totals.outstanding);
    totals.otherCurrencies.forEach((amount) => this.outstanding.add(amount));
    this.functional = this.functional.add(totals.outstandingFunctional);
    for (const line of view.aging) {
      const bucket = this.aging.get(line.bucket) as { amounts: CurrencyTotals; functional: Money };
      bucket.amounts.add(line.amount);
      bucket.functional = bucket.functional.add(line.functional);
    }
  }

  toJSON(): OutstandingGroupResponse {
    return {
      key: this.key,
      label: this.label,
      pledges: this.pledges,
      outstanding: this.outstanding.toJSON(),
      functional: this.functional.toJSON(),
      aging: AGING_BUCKETS.map((bucket): AgingBucketResponse => {
        const line = this.aging.get(bucket) as { amounts: CurrencyTotals; functional: Money };
        return { bucket, amounts: line.amounts.toJSON(), functional: line.functional.toJSON() };
      }),
    };
  }
}

/**
 * What donors still owe a fund as of a date, from the receivable lines that name each pledge:
 * per pledge, donor or earmark, in each pledge currency and in the fund's currency, with the
 * aging of the unpaid instalment amounts. Announced pledges are not receivables: they are
 * reported beside, as a memo. Receivable lines entered without a pledge are reported apart, so
 * that total + notLinkedToPledges is the ledger's receivable balance, to the minor unit.
 */
@Injectable()
export class PledgeOutstandingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly funds: FundsService,
    private readonly repository: PledgesRepository,
    private readonly views: PledgeViewsService,
  ) {}

  async outstanding(fundCode: string, query: OutstandingQuery): Promise<OutstandingResponse> {
    const manager = this.dataSource.manager;
    const fund = await this.funds.requireFund(manager, fundCode);
    const asOf = query.asOf ?? todayUtc();
    let earmarkId: string | undefined;
    if (query.earmark !== undefined) {
      earmarkId = (await this.funds.earmarks(manager, fund.id)).find(
        (earmark) => earmark.code === query.earmark,
      )?.id;
      if (earmarkId === undefined) {
        throw new InvalidPledgeError([
          {
            field: 'earmark',
            rule: 'exists',
            reason: `fund ${fund.code} has no earmark ${query.earmark}`,
          },
        ]);
      }
    }
    const { rows } = await this.repository.list(
      manager,
      {
        fundId: fund.id,
        donorIds: query.donorId === undefined ? undefined : [query.donorId],
        earmark: query.earmark,
        announcedBy: asOf,
      },
      { by: 'reference', descending: false },
    );
    const currency = fund.functional_currency;
    const total = new GroupTotals(null, null, currency);
    const groups = new Map<string, GroupTotals>();
    const announced = new CurrencyTotals();
    for (const pledge of await this.views.views(manager, rows, asOf)) {
      const { row, view } = pledge;
      if (view.status === 'announced')
        announced.add(Money.fromMinor(row.amount_minor, row.currency));
      const onLedger =
        !view.totals.outstanding.isZero() ||
        !view.totals.outstandingFunctional.isZero() ||
        view.totals.otherCurrencies.length > 0;
      if (!onLedger) continue;
      total.add(pledge);
      if (query.groupBy === undefined) continue;
      const [key, label] = {
        pledge: [row.id, row.reference],
        donor: [row.donor_id, row.donor_name],
        earmark: [row.earmark_code, row.earmark_code],
      }[query.groupBy];
      const group = groups.get(key) ?? new GroupTotals(key, label, currency);
      group.add(pledge);
      groups.set(key, group);
    }
    const unlinked = await this.repository.unlinkedReceivable(manager, fund.id, asOf, {
      donorId: query.donorId,
      earmarkId,
    });
    return {
      fund: fund.code,
      asOf,
      groupBy: query.groupBy,
      groups: [...groups.values()]
        .sort((a, b) => (a.label ?? '').localeCompare(b.label ?? ''))
        .map((group) => group.toJSON()),
      total: total.toJSON(),
      announced: announced.toJSON(),
      notLinkedToPledges: {
        balances: unlinked
          .map((row) => Money.fromMinor(row.amount_minor, row.currency))
          .filter((amount) => !amount.isZero())
          .map((amount) => amount.toJSON()),
        functional: Money.sum(
          currency,
          unlinked.map((row) => Money.fromMinor(row.functional_minor, currency)),
        ).toJSON(),
      },
    };
  }
}
