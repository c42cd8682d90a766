import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor } from '../common/actor';
import { todayUtc } from '../common/calendar-date';
import { FundsService } from '../funds/funds.service';
import { MoneyResponse } from '../ledger/dto/journal.dto';
import { Money } from '../money/money';
import {
  DonorAttributionResponse,
  EarmarkAttributionResponse,
  GrantAttributionQuery,
  GrantAttributionResponse,
} from './dto/grant-attribution.dto';
import { DonorGrantRow, GrantAttributionRepository } from './grant-attribution.repository';
import { requireReportFund } from './grant-figures.service';
import { DEFAULT_FUND, isDonorOnly } from './pledge-reconciliation.service';

interface DonorSums {
  name: string;
  /** Per earmark code: paid and attributed, minor units of the fund currency. */
  earmarks: Map<string, { paid: bigint; attributed: bigint }>;
  /** Per grant: net attributed, the participant's country and LDC status. */
  grants: Map<string, { amount: bigint; country: string; ldc: boolean }>;
}

/**
 * What each donor's money paid for (issue 7, item 6): as of a date, per donor, how much of
 * what it paid was attributed to grants, how many grants that funded (a positive net
 * attribution), for participants from how many countries and how many LDCs (status on the
 * decision date); and per earmark, what the donor paid next to what was attributed, so that
 * attribution beyond what was paid would show (`withinPaid`).
 */
@Injectable()
export class GrantAttributionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly funds: FundsService,
    private readonly repository: GrantAttributionRepository,
  ) {}

  async report(actor: Actor, query: GrantAttributionQuery): Promise<GrantAttributionResponse> {
    const manager = this.dataSource.manager;
    const fund = await requireReportFund(this.funds, manager, query.fund ?? DEFAULT_FUND);
    const asOf = query.asOf ?? todayUtc();
    const currency = fund.functional_currency;
    let donorIds = query.donorId === undefined ? undefined : [query.donorId];
    if (isDonorOnly(actor)) {
      donorIds = actor.donorIds.filter((donor) => donorIds?.includes(donor) ?? true);
    }
    const nobody = donorIds?.length === 0;
    const paid = nobody ? [] : await this.repository.paid(manager, fund.id, asOf, donorIds);
    const attributed = nobody
      ? []
      : await this.repository.attributions(manager, fund.id, asOf, donorIds);

    const donors = new Map<string, DonorSums>();
    const donor = (id: string, name: string): DonorSums => {
      let sums = donors.get(id);
      if (sums === undefined) {
        sums = { name, earmarks: new Map(), grants: new Map() };
        donors.set(id, sums);
      }
      return sums;
    };
    const earmark = (sums: DonorSums, code: string) => {
      let figures = sums.earmarks.get(code);
      if (figures === undefined) {
        figures = { paid: 0n, attributed: 0n };
        sums.earmarks.set(code, figures);
      }
      return figures;
    };
    for (const row of paid) {
      earmark(donor(row.donor_id, row.donor_name), row.earmark_code).paid += BigInt(row.paid_minor);
    }
    for (const row of attributed) addAttribution(donor(row.donor_id, row.donor_name), row, earmark);

    const m = (minor: bigint): MoneyResponse => Money.of(minor, currency).toJSON();
    const allGrants = new Map<string, { country: string; ldc: boolean }>();
    let totalAttributed = 0n;
    let totalPaid = 0n;
    const responses = [...donors.entries()]
      .sort(([a, x], [b, y]) => x.name.localeCompare(y.name, 'en') || (a < b ? -1 : 1))
      .map(([id, sums]): DonorAttributionResponse => {
        const funded = [...sums.grants.entries()].filter(([, grant]) => grant.amount > 0n);
        for (const [grantId, grant] of funded) allGrants.set(grantId, grant);
        const countries = [...new Set(funded.map(([, grant]) => grant.country))].sort();
        const earmarks = [...sums.earmarks.entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([code, figures]): EarmarkAttributionResponse => {
            totalPaid += figures.paid;
            return {
              earmark: code,
              paid: m(figures.paid),
              attributed: m(figures.attributed),
              unattributed: m(figures.paid - figures.attributed),
              withinPaid: figures.attributed <= figures.paid,
            };
          });
        const net = [...sums.earmarks.values()].reduce((all, e) => all + e.attributed, 0n);
        totalAttributed += net;
        return {
          donor: { id, name: sums.name },
          attributed: m(net),
          grants: funded.length,
          countries: countries.length,
          countryCodes: countries,
          ldcGrants: funded.filter(([, grant]) => grant.ldc).length,
          earmarks,
        };
      });
    const grants = [...allGrants.values()];
    return {
      fund: fund.code,
      functionalCurrency: currency,
      asOf,
      donorId: query.donorId ?? null,
      donors: responses,
      total: {
        attributed: m(totalAttributed),
        paid: m(totalPaid),
        grants: grants.length,
        countries: new Set(grants.map((grant) => grant.country)).size,
        ldcGrants: grants.filter((grant) => grant.ldc).length,
      },
    };
  }
}

function addAttribution(
  sums: DonorSums,
  row: DonorGrantRow,
  earmark: (sums: DonorSums, code: string) => { paid: bigint; attributed: bigint },
): void {
  const amount = BigInt(row.amount_minor);
  earmark(sums, row.earmark_code).attributed += amount;
  const grant = sums.grants.get(row.grant_id);
  if (grant === undefined) {
    sums.grants.set(row.grant_id, { amount, country: row.country, ldc: row.ldc });
  } else {
    grant.amount += amount;
  }
}
