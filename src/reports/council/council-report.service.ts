import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { todayUtc } from '../../common/calendar-date';
import { DocumentRenderer } from '../../documents/document-renderer';
import { isZeroDecimal } from '../../documents/document-format';
import { translate } from '../../documents/document-i18n';
import { PdfRenderer } from '../../documents/pdf-renderer';
import { GENDERS } from '../../grant-events/dto/participant.dto';
import { GENDER_LABELS } from '../../grant-events/grant-labels';
import { EarmarkFundsService } from '../../grants/earmark-funds.service';
import { FundsService } from '../../funds/funds.service';
import { MoneyResponse } from '../../ledger/dto/journal.dto';
import { Money } from '../../money/money';
import { ITU_D_REGIONS } from '../../reference/reference.types';
import { DocumentFile } from '../../statements/issued-documents.service';
import { UnLanguage } from '../../statements/statement-data.types';
import { requireReportFund } from '../grant-figures.service';
import { DEFAULT_FUND } from '../pledge-reconciliation.service';
import { ReportTable } from '../report-table';
import { InvalidReportQueryError } from '../reports.errors';
import {
  CouncilAccountLineResponse,
  CouncilBalanceResponse,
  CouncilCountryLineResponse,
  CouncilGenderLineResponse,
  CouncilGrantsResponse,
  CouncilRegionLineResponse,
  CouncilReportQuery,
  CouncilReportResponse,
} from './dto/council-report.dto';
import {
  CouncilAccountRow,
  CouncilGrantRow,
  CouncilReportRepository,
} from './council-report.repository';

/** Percent of `part` in `whole` with one decimal, rounded half up ("37.5"); "0.0" of nothing. */
export function percentOf(part: bigint, whole: bigint): string {
  if (whole === 0n) return '0.0';
  const tenths = (part * 2000n + whole) / (2n * whole);
  return `${tenths / 10n}.${tenths % 10n}`;
}

/** Grants and money summed in minor units. */
class Sums {
  grants = 0;
  amount = 0n;
  ldcGrants = 0;
  ldcAmount = 0n;

  add(row: CouncilGrantRow): void {
    const amount = BigInt(row.amount_minor);
    this.grants += row.grants;
    this.amount += amount;
    if (row.ldc) {
      this.ldcGrants += row.grants;
      this.ldcAmount += amount;
    }
  }
}

function sumsIn<K>(map: Map<K, Sums>, key: K): Sums {
  let sums = map.get(key);
  if (sums === undefined) {
    sums = new Sums();
    map.set(key, sums);
  }
  return sums;
}

/**
 * The annual report to Council (issue 10, item 5) for a fund and a calendar year: contributions
 * received by donor, grants awarded by country and ITU-D region with the LDC share and the
 * gender balance, the use of each earmark's money and the balance carried forward, which ties
 * to the trial balance at 31 December. As data, tables (CSV/XLSX), HTML in the six languages,
 * or a draft PDF.
 */
@Injectable()
export class CouncilReportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly funds: FundsService,
    private readonly earmarkFunds: EarmarkFundsService,
    private readonly repository: CouncilReportRepository,
    private readonly renderer: DocumentRenderer,
    private readonly pdfs: PdfRenderer,
  ) {}

  async report(query: CouncilReportQuery): Promise<CouncilReportResponse> {
    const manager = this.dataSource.manager;
    const today = todayUtc();
    const thisYear = Number(today.slice(0, 4));
    const year = query.year ?? thisYear;
    if (year > thisYear) {
      throw new InvalidReportQueryError([
        { field: 'year', rule: 'not-future', reason: `${year} has not begun` },
      ]);
    }
    const fund = await requireReportFund(this.funds, manager, query.fund ?? DEFAULT_FUND);
    const currency = fund.functional_currency;
    const from = `${year}-01-01`;
    const to = `${year}-12-31`;
    const m = (minor: bigint): MoneyResponse => Money.of(minor, currency).toJSON();

    const donorRows = await this.repository.contributions(manager, fund.id, from, to);
    const grantRows = await this.repository.grants(manager, fund.id, from, to);
    const accountRows = await this.repository.accounts(manager, fund.id, from, to);
    const earmarks = [...(await this.funds.earmarks(manager, fund.id))].sort((a, b) =>
      a.code < b.code ? -1 : a.code > b.code ? 1 : 0,
    );
    const earmarkLines = [];
    for (const earmark of earmarks) {
      const funds = await this.earmarkFunds.available(manager, earmark.id, currency, to);
      earmarkLines.push({
        code: earmark.code,
        name: earmark.name,
        received: funds.received.toJSON(),
        committed: funds.committed.toJSON(),
        spent: funds.spent.toJSON(),
        available: funds.available.toJSON(),
      });
    }

    let received = 0n;
    let receipts = 0;
    const donors = donorRows.map((row) => {
      received += BigInt(row.received_minor);
      receipts += row.receipts;
      return {
        donorId: row.donor_id,
        name: row.name ?? 'Remitter not identified',
        country: row.country,
        type: row.type,
        receipts: row.receipts,
        received: m(BigInt(row.received_minor)),
      };
    });

    return {
      fund: { code: fund.code, name: fund.name, functionalCurrency: currency },
      year,
      from,
      to,
      contributions: { donors, receipts, total: m(received) },
      grants: grantFigures(grantRows, m),
      earmarks: earmarkLines,
      balance: balanceFigures(accountRows, m),
    };
  }

  /** Contributions by donor first (the CSV), then grants by country, region, gender, earmarks, balance. */
  tables(report: CouncilReportResponse): ReportTable[] {
    const filters = { Fund: report.fund.code, Year: String(report.year) };
    const { grants, balance } = report;
    const grantColumns = [
      { key: 'grants', label: 'Grants', kind: 'count' as const },
      { key: 'amount', label: 'Amount awarded', kind: 'money' as const },
    ];
    return [
      {
        name: 'council-contributions',
        title: `Contributions received in ${report.year}, by donor`,
        filters,
        columns: [
          { key: 'donor', label: 'Donor', kind: 'text' },
          { key: 'country', label: 'Country', kind: 'text' },
          { key: 'donor_type', label: 'Donor type', kind: 'text' },
          { key: 'receipts', label: 'Receipts', kind: 'count' },
          { key: 'received', label: `Received (${report.fund.functionalCurrency})`, kind: 'money' },
        ],
        rows: report.contributions.donors.map((donor) => ({
          donor: donor.name,
          country: donor.country,
          donor_type: donor.type,
          receipts: donor.receipts,
          received: donor.received.amount,
        })),
        total: {
          donor: 'Total',
          receipts: report.contributions.receipts,
          received: report.contributions.total.amount,
        },
      },
      {
        name: 'council-grants-by-country',
        title: `Grants awarded in ${report.year}, by country`,
        filters,
        columns: [
          { key: 'country', label: 'Country', kind: 'text' },
          { key: 'country_code', label: 'ISO code', kind: 'text' },
          { key: 'region', label: 'ITU-D region', kind: 'text' },
          { key: 'ldc_grants', label: 'Grants to an LDC', kind: 'count' },
          ...grantColumns,
        ],
        rows: grants.byCountry.map((line) => ({
          country: line.countryName,
          country_code: line.country,
          region: line.region,
          ldc_grants: line.ldcGrants,
          grants: line.grants,
          amount: line.amount.amount,
        })),
        total: {
          country: 'Total',
          ldc_grants: grants.ldc.grants,
          grants: grants.total.grants,
          amount: grants.total.amount.amount,
        },
      },
      {
        name: 'council-grants-by-region',
        title: `Grants awarded in ${report.year}, by ITU-D region, with the LDC share`,
        filters,
        columns: [
          { key: 'region', label: 'ITU-D region', kind: 'text' },
          ...grantColumns,
          { key: 'ldc_grants', label: 'Grants to LDCs', kind: 'count' },
          { key: 'ldc_amount', label: 'Amount to LDCs', kind: 'money' },
        ],
        rows: grants.byRegion.map((line) => ({
          region: line.region === 'none' ? 'No region recorded' : line.region,
          grants: line.grants,
          amount: line.amount.amount,
          ldc_grants: line.ldcGrants,
          ldc_amount: line.ldcAmount.amount,
        })),
        total: {
          region: `Total (LDC share: ${grants.ldc.shareOfGrants}% of grants, ${grants.ldc.shareOfAmount}% of the amount)`,
          grants: grants.total.grants,
          amount: grants.total.amount.amount,
          ldc_grants: grants.ldc.grants,
          ldc_amount: grants.ldc.amount.amount,
        },
      },
      {
        name: 'council-grants-by-gender',
        title: `Grants awarded in ${report.year}, by gender`,
        filters,
        columns: [{ key: 'gender', label: 'Gender', kind: 'text' }, ...grantColumns],
        rows: grants.byGender.map((line) => ({
          gender: line.label,
          grants: line.grants,
          amount: line.amount.amount,
        })),
        total: {
          gender: 'Total',
          grants: grants.total.grants,
          amount: grants.total.amount.amount,
        },
      },
      {
        name: 'council-earmarks',
        title: `Use of earmarked money at 31 December ${report.year}`,
        filters,
        columns: [
          { key: 'earmark', label: 'Earmark', kind: 'text' },
          { key: 'received', label: 'Received', kind: 'money' },
          { key: 'committed', label: 'Committed', kind: 'money' },
          { key: 'spent', label: 'Spent', kind: 'money' },
          { key: 'available', label: 'Available', kind: 'money' },
        ],
        rows: report.earmarks.map((line) => ({
          earmark: `${line.code} — ${line.name}`,
          received: line.received.amount,
          committed: line.committed.amount,
          spent: line.spent.amount,
          available: line.available.amount,
        })),
      },
      {
        name: 'council-balance',
        title: `Balance carried forward, ${report.year}`,
        filters,
        columns: [
          { key: 'item', label: 'Item', kind: 'text' },
          { key: 'amount', label: `Amount (${report.fund.functionalCurrency})`, kind: 'money' },
        ],
        rows: [
          { item: `Fund balance at 1 January ${report.year}`, amount: balance.opening.amount },
          ...balance.revenueLines.map((line) => ({
            item: `+ ${line.account} ${line.name}`,
            amount: line.amount.amount,
          })),
          ...balance.expenseLines.map((line) => ({
            item: `− ${line.account} ${line.name}`,
            amount: line.amount.amount,
          })),
          ...(isZeroDecimal(balance.otherChanges.amount)
            ? []
            : [{ item: 'Other changes in net assets', amount: balance.otherChanges.amount }]),
        ],
        total: {
          item: `Balance carried forward at 31 December ${report.year}`,
          amount: balance.closing.amount,
        },
      },
    ];
  }

  /** The report as the Council document: HTML, or a draft PDF of the same HTML (not stored). */
  async document(
    query: CouncilReportQuery,
    format: 'html' | 'pdf',
  ): Promise<{ report: CouncilReportResponse; file: DocumentFile }> {
    const report = await this.report(query);
    const language: UnLanguage = query.language ?? 'en';
    const rendered = this.renderer.renderReport('council', report, {
      language,
      draft: format === 'pdf',
      title: translate(language, 'council.title', { year: report.year }),
      fundName: report.fund.name,
    });
    const name = `council-report-${report.fund.code}-${report.year}-${language}`;
    if (format === 'html') {
      return {
        report,
        file: {
          body: Buffer.from(rendered.html, 'utf8'),
          contentType: 'text/html; charset=utf-8',
          filename: `${name}.html`,
          disposition: 'inline',
        },
      };
    }
    const pdf = await this.pdfs.pdf(rendered.html, { language, headerText: rendered.headerText });
    return {
      report,
      file: {
        body: pdf,
        contentType: 'application/pdf',
        filename: `${name}-draft.pdf`,
        disposition: 'attachment',
      },
    };
  }
}

function grantFigures(
  rows: readonly CouncilGrantRow[],
  m: (minor: bigint) => MoneyResponse,
): CouncilGrantsResponse {
  const countries = new Map<string, { row: CouncilGrantRow; sums: Sums }>();
  const regions = new Map<string, Sums>();
  const genders = new Map<string, Sums>();
  const total = new Sums();
  for (const row of rows) {
    let country = countries.get(row.country);
    if (country === undefined) {
      country = { row, sums: new Sums() };
      countries.set(row.country, country);
    }
    country.sums.add(row);
    sumsIn(regions, row.region ?? 'none').add(row);
    sumsIn(genders, row.gender).add(row);
    total.add(row);
  }
  const regionRank = (region: string): number => {
    const at = (ITU_D_REGIONS as readonly string[]).indexOf(region);
    return at < 0 ? ITU_D_REGIONS.length : at;
  };
  const genderRank = (gender: string): number => {
    const at = (GENDERS as readonly string[]).indexOf(gender);
    return at < 0 ? GENDERS.length : at;
  };
  const byCountry: CouncilCountryLineResponse[] = [...countries.values()].map(({ row, sums }) => ({
    country: row.country,
    countryName: row.country_name,
    region: row.region,
    ldcGrants: sums.ldcGrants,
    grants: sums.grants,
    amount: m(sums.amount),
  }));
  const byRegion: CouncilRegionLineResponse[] = [...regions.entries()]
    .sort(([a], [b]) => regionRank(a) - regionRank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([region, sums]) => ({
      region,
      grants: sums.grants,
      amount: m(sums.amount),
      ldcGrants: sums.ldcGrants,
      ldcAmount: m(sums.ldcAmount),
    }));
  const byGender: CouncilGenderLineResponse[] = [...genders.entries()]
    .sort(([a], [b]) => genderRank(a) - genderRank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([gender, sums]) => ({
      gender,
      label: (GENDER_LABELS as Record<string, string>)[gender] ?? gender,
      grants: sums.grants,
      amount: m(sums.amount),
    }));
  return {
    byCountry,
    byRegion,
    byGender,
    ldc: {
      grants: total.ldcGrants,
      amount: m(total.ldcAmount),
      shareOfGrants: percentOf(BigInt(total.ldcGrants), BigInt(total.grants)),
      shareOfAmount: percentOf(total.ldcAmount, total.amount),
    },
    total: { grants: total.grants, amount: m(total.amount) },
  };
}

/**
 * Net assets from the ledger (debit positive, so credit balances are negated): at 1 January
 * the negated balances of net assets, revenue and expenses before the year; plus the year's
 * revenue, less its expenses, plus what was posted to net assets directly, gives the closing
 * balance, which must equal assets less liabilities in the trial balance at 31 December.
 */
function balanceFigures(
  rows: readonly CouncilAccountRow[],
  m: (minor: bigint) => MoneyResponse,
): CouncilBalanceResponse {
  let opening = 0n;
  let revenue = 0n;
  let expenses = 0n;
  let other = 0n;
  let netAssets = 0n;
  const revenueLines: CouncilAccountLineResponse[] = [];
  const expenseLines: CouncilAccountLineResponse[] = [];
  for (const row of rows) {
    const before = BigInt(row.before_minor);
    const during = BigInt(row.during_minor);
    if (row.kind === 'asset' || row.kind === 'liability') {
      netAssets += before + during;
      continue;
    }
    opening -= before;
    if (row.kind === 'revenue') {
      revenue -= during;
      if (during !== 0n)
        revenueLines.push({ account: row.code, name: row.name, amount: m(-during) });
    } else if (row.kind === 'expense') {
      expenses += during;
      if (during !== 0n)
        expenseLines.push({ account: row.code, name: row.name, amount: m(during) });
    } else {
      other -= during;
    }
  }
  const closing = opening + revenue - expenses + other;
  return {
    opening: m(opening),
    revenue: m(revenue),
    expenses: m(expenses),
    otherChanges: m(other),
    closing: m(closing),
    revenueLines,
    expenseLines,
    netAssets: m(netAssets),
    ties: closing === netAssets,
  };
}
