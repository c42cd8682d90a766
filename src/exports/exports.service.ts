import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { todayUtc } from '../common/calendar-date';
import { ValidationFailedError } from '../common/errors/app-error';
import { FundsService } from '../funds/funds.service';
import { Money } from '../money/money';
import { DEFAULT_FUND } from '../reports/pledge-reconciliation.service';
import { HledgerExportQuery, IatiExportQuery } from './dto/exports.dto';
import { EntryCursor, ExportsRepository, HledgerLineRow } from './exports.repository';
import { hledgerHeader, hledgerTransaction } from './hledger-journal';
import { IatiActivity, iatiActivitiesXml } from './iati-xml';

/** Journal entries read per query while the hledger journal streams out. */
export const HLEDGER_PAGE_ENTRIES = 2000;

export interface IatiExport {
  xml: string;
  fileName: string;
}

export interface HledgerExport {
  fund: string;
  asOf: string;
  fileName: string;
  body: Readable;
}

/** The fund's data in open formats others can check: IATI 2.03 XML and an hledger journal. */
@Injectable()
export class ExportsService {
  /** Entries per query of the hledger export (a test sets it low to cross many pages). */
  pageEntries = HLEDGER_PAGE_ENTRIES;

  constructor(
    private readonly dataSource: DataSource,
    private readonly funds: FundsService,
    private readonly exports: ExportsRepository,
  ) {}

  /** One IATI activity per fund (or the fund asked for), its transactions dated in the range. */
  async iati(query: IatiExportQuery, now = new Date()): Promise<IatiExport> {
    const to = query.to ?? todayUtc(now);
    const from = query.from ?? '0001-01-01';
    if (from > to) {
      throw new ValidationFailedError([
        { field: 'from', rule: 'not-after-to', reason: `from ${from} is after to ${to}` },
      ]);
    }
    const manager = this.dataSource.manager;
    const funds =
      query.fund === undefined
        ? (await this.funds.list()).map((f) => ({
            id: f.id,
            code: f.code,
            name: f.name,
            currency: f.functionalCurrency,
            createdAt: f.createdAt,
          }))
        : [await this.funds.requireFund(manager, query.fund)].map((f) => ({
            id: f.id,
            code: f.code,
            name: f.name,
            currency: f.functional_currency,
            createdAt: new Date(f.created_at).toISOString(),
          }));
    const activities: IatiActivity[] = [];
    for (const fund of funds) {
      const rows = await this.exports.iatiTransactions(manager, fund.id, from, to);
      const first = await this.exports.firstActivity(manager, fund.id);
      activities.push({
        fundCode: fund.code,
        fundName: fund.name,
        currency: fund.currency,
        startedOn: first ?? fund.createdAt.slice(0, 10),
        transactions: rows.map((row) => ({
          type: row.type,
          ref: row.ref,
          date: row.date,
          currency: row.currency,
          value: Money.fromMinor(row.amount_minor, row.currency).toDecimalString(),
          description: row.description,
          provider: row.provider_name,
          receiver: row.receiver_name,
        })),
      });
    }
    const scope = query.fund ?? 'all-funds';
    const range = query.from === undefined ? `to-${to}` : `${from}-to-${to}`;
    return { xml: iatiActivitiesXml(activities, now), fileName: `iati-${scope}-${range}.xml` };
  }

  /**
   * The fund's whole ledger up to asOf as an hledger journal, streamed: entries are read
   * HLEDGER_PAGE_ENTRIES at a time (keyset paging), so memory stays flat however long the
   * ledger. The fund is checked before the first byte, so an unknown fund is still a 404.
   */
  async hledger(query: HledgerExportQuery, now = new Date()): Promise<HledgerExport> {
    const asOf = query.asOf ?? todayUtc(now);
    const fund = await this.funds.requireFund(this.dataSource.manager, query.fund ?? DEFAULT_FUND);
    const currency = fund.functional_currency;
    const manager = this.dataSource.manager;
    const exports = this.exports;
    const pageEntries = this.pageEntries;
    async function* journal(): AsyncGenerator<string> {
      yield hledgerHeader(fund.code, fund.name, currency, asOf);
      let cursor: EntryCursor | null = null;
      for (;;) {
        const rows = await exports.journalPage(manager, fund.id, asOf, cursor, pageEntries);
        if (rows.length === 0) return;
        let chunk = '';
        let entry: HledgerLineRow[] = [];
        for (const row of rows) {
          if (entry.length > 0 && entry[0].entry_id !== row.entry_id) {
            chunk += hledgerTransaction(entry, currency);
            entry = [];
          }
          entry.push(row);
        }
        chunk += hledgerTransaction(entry, currency);
        yield chunk;
        const last = rows[rows.length - 1];
        cursor = { entryDate: last.entry_date, sequence: Number(last.sequence) };
      }
    }
    return {
      fund: fund.code,
      asOf,
      fileName: `ledger-${fund.code}-${asOf}.journal`,
      body: Readable.from(journal()),
    };
  }
}
