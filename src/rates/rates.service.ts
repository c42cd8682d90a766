import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditChange } from '../audit/audit.types';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { ValidationFailedError } from '../common/errors/app-error';
import { driverError } from '../database/sql-state';
import { TransactionRunner } from '../database/transaction-runner';
import { assertCurrency } from '../money/currency';
import { Money } from '../money/money';
import { Rate } from '../money/rate';
import {
  CreateExchangeRateRequest,
  ImportExchangeRatesRequest,
  ListExchangeRatesQuery,
} from './dto/exchange-rate.request';
import {
  ExchangeRateResponse,
  ImportExchangeRatesResponse,
  toExchangeRateResponse,
} from './dto/exchange-rate.response';
import { BASE_CURRENCY, isoDateProblem, trimDecimal } from './rate-fields';
import { parseRatesCsv } from './rates-csv';
import {
  InvalidRateDateError,
  MissingRateError,
  RateUnchangedError,
  RateVersionConflictError,
} from './rates.errors';
import {
  ExchangeRateRow,
  NewExchangeRateRow,
  RatesRepository,
  VERSION_CONSTRAINT,
} from './rates.repository';

/** A UN operational rate a conversion relied on: enough to find the row again. */
export interface RateRowUsed {
  currency: string;
  effectiveFrom: string;
  /** Units of the currency per 1 USD, as stored (numeric(24,10) text). */
  unitsPerUsd: string;
  version: number;
}

export interface RateInForce {
  /** Units of `to` per 1 unit of `from`, exact. */
  rate: Rate;
  from: string;
  to: string;
  date: string;
  /** The rows the rate was computed from: none for USD or the same currency, else 1 or 2. */
  used: RateRowUsed[];
}

export interface Conversion {
  money: Money;
  rate: Rate;
  date: string;
  used: RateRowUsed[];
}

@Injectable()
export class RatesService {
  constructor(
    private readonly repository: RatesRepository,
    private readonly transactions: TransactionRunner,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * The rate to convert `from` into `to` on `date` (YYYY-MM-DD): for each side, the latest
   * version of the UN operational rate with the greatest effective date on or before `date`,
   * crossed through USD. Pass the caller's transaction manager to read inside its transaction.
   * Throws MissingRateError naming the currency and date when a side has no rate in force.
   */
  async rate(
    from: string,
    to: string,
    date: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<RateInForce> {
    assertCurrency(from);
    assertCurrency(to);
    assertDate(date);
    if (from === to) return { rate: Rate.ONE, from, to, date, used: [] };
    const wanted = [from, to].filter((currency) => currency !== BASE_CURRENCY);
    const rows = await this.repository.inForce(manager, wanted, date);
    const used = wanted.map((currency) => {
      const row = rows.find((candidate) => candidate.currency === currency);
      if (row === undefined) throw new MissingRateError(currency, date);
      return toRateRowUsed(row);
    });
    const unitsPerUsd = (currency: string): Rate => {
      const row = used.find((candidate) => candidate.currency === currency);
      return row === undefined ? Rate.ONE : Rate.parse(row.unitsPerUsd);
    };
    return { rate: unitsPerUsd(to).divide(unitsPerUsd(from)), from, to, date, used };
  }

  /** `money` in `to` at the rate in force on `date`, rounded half-even once (Money.convert). */
  async convert(
    money: Money,
    to: string,
    date: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Conversion> {
    const { rate, used } = await this.rate(money.currency, to, date, manager);
    return { money: money.convert(rate, to), rate, date, used };
  }

  /**
   * Enters a rate by hand. If the currency already has a rate from that date, this corrects
   * it: a reason is required and the correction becomes the next version, the old one stays.
   */
  async enter(actor: Actor, request: CreateExchangeRateRequest): Promise<ExchangeRateResponse> {
    const reason = request.reason?.trim() || null;
    const row = await this.writing(() =>
      this.transactions.run(async (manager) => {
        const current = await this.repository.currentVersion(
          manager,
          request.currency,
          request.effectiveFrom,
        );
        if (current !== undefined) {
          if (reason === null) throw correctionNeedsReason(current);
          if (sameRate(current.unitsPerUsd, request.unitsPerUsd)) {
            throw new RateUnchangedError(
              current.currency,
              current.effectiveFrom,
              trimDecimal(current.unitsPerUsd),
              current.version,
            );
          }
        }
        const [inserted] = await this.repository.insert(manager, [
          {
            currency: request.currency,
            effectiveFrom: request.effectiveFrom,
            unitsPerUsd: request.unitsPerUsd,
            version: (current?.version ?? 0) + 1,
            source: 'manual',
            reason,
            enteredBy: actor.id,
          },
        ]);
        await this.audit.record(manager, actor, rateChange(inserted, current));
        return inserted;
      }),
    );
    return toExchangeRateResponse(row, true);
  }

  /**
   * Imports a whole CSV file (format: see rates-csv.ts) in one transaction: any bad row and
   * nothing is imported. A row equal to the rate already entered is skipped, so importing the
   * same file again changes nothing; a different value becomes a correction.
   */
  async importCsv(
    actor: Actor,
    request: ImportExchangeRatesRequest,
  ): Promise<ImportExchangeRatesResponse> {
    const rows = parseRatesCsv(request.csv);
    const source = `csv:${request.fileName}`;
    return this.writing(() =>
      this.transactions.run(async (manager) => {
        const currencies = [...new Set(rows.map((row) => row.currency))];
        const current = new Map(
          (await this.repository.currentVersions(manager, currencies)).map((row) => [
            `${row.currency} ${row.effectiveFrom}`,
            row,
          ]),
        );
        const inserts: NewExchangeRateRow[] = [];
        let unchanged = 0;
        for (const row of rows) {
          const existing = current.get(`${row.currency} ${row.effectiveFrom}`);
          if (existing !== undefined && sameRate(existing.unitsPerUsd, row.unitsPerUsd)) {
            unchanged++;
            continue;
          }
          inserts.push({
            currency: row.currency,
            effectiveFrom: row.effectiveFrom,
            unitsPerUsd: row.unitsPerUsd,
            version: (existing?.version ?? 0) + 1,
            source,
            reason:
              row.reason ??
              (existing !== undefined ? `corrected by import ${request.fileName}` : null),
            enteredBy: actor.id,
          });
        }
        const inserted = await this.repository.insert(manager, inserts);
        // One audit record per rate created or corrected, as if each had been entered by hand.
        await this.audit.recordMany(
          manager,
          actor,
          inserted.map((row) =>
            rateChange(row, current.get(`${row.currency} ${row.effectiveFrom}`)),
          ),
        );
        const corrected = inserts.filter((insert) => insert.version > 1).length;
        return {
          fileName: request.fileName,
          created: inserts.length - corrected,
          corrected,
          unchanged,
        };
      }),
    );
  }

  /** Every version of every rate (of one currency if given), corrections marked. */
  async list(query: ListExchangeRatesQuery): Promise<ExchangeRateResponse[]> {
    const rows = await this.repository.list(this.dataSource.manager, query.currency);
    return rows.map((row) => toExchangeRateResponse(row, row.current));
  }

  // Two writers that both read version n both try to insert n + 1; the unique constraint lets
  // one through. The other is told plainly rather than silently stacked on top of the first.
  private async writing<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const fields = driverError(error);
      if (fields?.code === '23505' && fields.constraint === VERSION_CONSTRAINT) {
        throw new RateVersionConflictError();
      }
      throw error;
    }
  }
}

function assertDate(date: string): void {
  const problem = isoDateProblem(date);
  if (problem !== undefined) throw new InvalidRateDateError(String(date), problem);
}

function sameRate(stored: string, entered: string): boolean {
  return Rate.parse(stored).equals(Rate.parse(entered));
}

function toRateRowUsed(row: ExchangeRateRow): RateRowUsed {
  return {
    currency: row.currency,
    effectiveFrom: row.effectiveFrom,
    unitsPerUsd: row.unitsPerUsd,
    version: row.version,
  };
}

function rateChange(row: ExchangeRateRow, previous: ExchangeRateRow | undefined): AuditChange {
  return {
    action: previous === undefined ? 'exchange_rate.create' : 'exchange_rate.correct',
    entityType: 'exchange_rate',
    entityId: `${row.currency}/${row.effectiveFrom}`,
    before: previous === undefined ? null : toExchangeRateResponse(previous, false),
    after: toExchangeRateResponse(row, true),
  };
}

function correctionNeedsReason(current: ExchangeRateRow): ValidationFailedError {
  return new ValidationFailedError([
    {
      field: 'reason',
      rule: 'required',
      reason: `reason is required: ${current.currency} already has a rate from ${current.effectiveFrom} (version ${current.version}), so this entry corrects it`,
    },
  ]);
}
