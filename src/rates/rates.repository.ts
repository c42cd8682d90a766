import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** A row of exchange_rate as the application reads it: dates and decimals as exact text. */
export interface ExchangeRateRow {
  id: string;
  currency: string;
  /** YYYY-MM-DD */
  effectiveFrom: string;
  /** As numeric(24,10) returns it: "0.8620000000". */
  unitsPerUsd: string;
  version: number;
  source: string;
  reason: string | null;
  enteredBy: string;
  enteredAt: Date;
}

export interface ListedExchangeRateRow extends ExchangeRateRow {
  /** False when a correction (a higher version for the same currency and date) replaced it. */
  current: boolean;
}

export interface NewExchangeRateRow {
  currency: string;
  effectiveFrom: string;
  unitsPerUsd: string;
  version: number;
  source: string;
  reason: string | null;
  enteredBy: string;
}

// currency is char(3): parameters are compared as bpchar too, or the index would not be used.
export const VERSION_CONSTRAINT = 'exchange_rate_version_key';

const COLUMNS = `
  id::text AS id, currency, to_char(effective_from, 'YYYY-MM-DD') AS "effectiveFrom",
  units_per_usd::text AS "unitsPerUsd", version, source, reason,
  entered_by AS "enteredBy", entered_at AS "enteredAt"`;

@Injectable()
export class RatesRepository {
  /**
   * For each currency, the row in force on `date`: the latest version of the row with the
   * greatest effective_from on or before it. Currencies without one are absent.
   */
  async inForce(
    manager: EntityManager,
    currencies: readonly string[],
    date: string,
  ): Promise<ExchangeRateRow[]> {
    return manager.query<ExchangeRateRow[]>(
      `SELECT r.* FROM unnest($1::text[]) AS wanted (currency)
       CROSS JOIN LATERAL (
         SELECT ${COLUMNS} FROM exchange_rate e
          WHERE e.currency = wanted.currency::bpchar AND e.effective_from <= $2::date
          ORDER BY e.effective_from DESC, e.version DESC
          LIMIT 1
       ) r`,
      [currencies, date],
    );
  }

  async currentVersion(
    manager: EntityManager,
    currency: string,
    effectiveFrom: string,
  ): Promise<ExchangeRateRow | undefined> {
    const [row] = await manager.query<ExchangeRateRow[]>(
      `SELECT ${COLUMNS} FROM exchange_rate
        WHERE currency = $1::bpchar AND effective_from = $2::date
        ORDER BY version DESC LIMIT 1`,
      [currency, effectiveFrom],
    );
    return row;
  }

  /** The current version of every dated rate of these currencies. */
  async currentVersions(
    manager: EntityManager,
    currencies: readonly string[],
  ): Promise<ExchangeRateRow[]> {
    return manager.query<ExchangeRateRow[]>(
      `SELECT DISTINCT ON (currency, effective_from) ${COLUMNS}
         FROM exchange_rate
        WHERE currency = ANY ($1::bpchar[])
        ORDER BY currency, effective_from, version DESC`,
      [currencies],
    );
  }

  async insert(
    manager: EntityManager,
    rows: readonly NewExchangeRateRow[],
  ): Promise<ExchangeRateRow[]> {
    if (rows.length === 0) return [];
    return manager.query<ExchangeRateRow[]>(
      `INSERT INTO exchange_rate
         (currency, effective_from, units_per_usd, version, source, reason, entered_by)
       SELECT * FROM unnest($1::text[], $2::date[], $3::numeric[], $4::int[], $5::text[],
                            $6::text[], $7::text[])
       RETURNING ${COLUMNS}`,
      [
        rows.map((r) => r.currency),
        rows.map((r) => r.effectiveFrom),
        rows.map((r) => r.unitsPerUsd),
        rows.map((r) => r.version),
        rows.map((r) => r.source),
        rows.map((r) => r.reason),
        rows.map((r) => r.enteredBy),
      ],
    );
  }

  /** Every version, newest date first, each correction before what it corrected. */
  async list(manager: EntityManager, currency?: string): Promise<ListedExchangeRateRow[]> {
    return manager.query<ListedExchangeRateRow[]>(
      `SELECT ${COLUMNS},
              version = max(version) OVER (PARTITION BY currency, effective_from) AS current
         FROM exchange_rate
        WHERE $1::bpchar IS NULL OR currency = $1::bpchar
        ORDER BY currency, effective_from DESC, version DESC`,
      [currency ?? null],
    );
  }
}
