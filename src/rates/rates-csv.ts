import { parse } from 'csv-parse/sync';
import { ValidationFailedError } from '../common/errors/app-error';
import { FieldError } from '../common/errors/problem';
import {
  isoDateProblem,
  MAX_REASON_LENGTH,
  ratedCurrencyProblem,
  unitsPerUsdProblem,
} from './rate-fields';

/**
 * The CSV format of an exchange-rate import (UN operational rates of exchange):
 *
 *     currency,effective_from,units_per_usd,reason
 *     EUR,2026-01-01,0.862,
 *     JPY,2026-01-01,156.25,
 *     EUR,2026-02-01,0.857,"corrected after the UN Treasury notice of 3 February"
 *
 * - UTF-8 text, comma-separated, one rate per line. The first line is the header, with these
 *   column names in any order; `reason` is optional (the column or its cells may be empty).
 *   Other columns are refused. A byte-order mark, blank lines, quoted fields ("…") and spaces
 *   around fields are accepted.
 * - `currency`: ISO 4217 code in capitals (EUR), never USD: rates are per 1 USD.
 * - `effective_from`: YYYY-MM-DD; the rate is in force from that day until the next row of
 *   the same currency.
 * - `units_per_usd`: units of the currency for 1 USD, a positive decimal number with a point
 *   and at most 10 decimals (0.862, 156.25); no thousands separators, no exponent.
 * - A (currency, effective_from) appears at most once in a file.
 *
 * A file is imported whole or not at all: every bad row is reported, as `rows[<line>].<column>`,
 * where <line> is the line number in the file (the header is line 1).
 */
export interface RateCsvRow {
  line: number;
  currency: string;
  effectiveFrom: string;
  unitsPerUsd: string;
  reason?: string;
}

export const RATE_CSV_COLUMNS = ['currency', 'effective_from', 'units_per_usd'] as const;
const OPTIONAL_COLUMNS = ['reason'] as const;
const MAX_LISTED_ERRORS = 100;

type Column = (typeof RATE_CSV_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];

interface ParsedRecord {
  record: string[];
  /** Where the record ends in the file, counting from 1. */
  line: number;
}

/** Reads a whole file, or throws ValidationFailedError listing every problem found. */
export function parseRatesCsv(text: string): RateCsvRow[] {
  let records: ParsedRecord[];
  try {
    const lines: number[] = [];
    records = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      on_record: (record: string[], context) => {
        lines.push(context.lines);
        return record;
      },
    }).map((record, i) => ({ record, line: lines[i] }));
  } catch (error) {
    throw invalid([
      {
        field: 'csv',
        rule: 'csvSyntax',
        reason: `the file is not valid CSV: ${csvMessage(error)}`,
      },
    ]);
  }
  const [header, ...body] = records;
  if (header === undefined) {
    throw invalid([{ field: 'csv', rule: 'header', reason: `the file is empty; ${HEADER_HINT}` }]);
  }
  const columns = readHeader(header.record);
  if (body.length === 0) {
    throw invalid([{ field: 'csv', rule: 'notEmpty', reason: 'the file has no rate rows' }]);
  }

  const errors: FieldError[] = [];
  const rows: RateCsvRow[] = [];
  const seen = new Map<string, number>();
  for (const { record, line } of body) {
    const problem = (column: Column | undefined, rule: string, reason: string) =>
      errors.push({
        field: column === undefined ? `rows[${line}]` : `rows[${line}].${column}`,
        rule,
        reason: `line ${line}: ${reason}`,
      });
    if (record.length !== columns.length) {
      problem(
        undefined,
        'columns',
        `has ${record.length} fields; the header has ${columns.length}`,
      );
      continue;
    }
    const cell = (column: Column) => {
      const index = columns.indexOf(column);
      return index < 0 ? '' : record[index];
    };
    const row: RateCsvRow = {
      line,
      currency: cell('currency'),
      effectiveFrom: cell('effective_from'),
      unitsPerUsd: cell('units_per_usd'),
      reason: cell('reason') || undefined,
    };
    const before = errors.length;
    const currencyIssue = ratedCurrencyProblem(row.currency);
    if (currencyIssue) problem('currency', 'isCurrency', `currency ${currencyIssue}`);
    const dateIssue = isoDateProblem(row.effectiveFrom);
    if (dateIssue) problem('effective_from', 'isDate', `effective_from ${dateIssue}`);
    const unitsIssue = unitsPerUsdProblem(row.unitsPerUsd);
    if (unitsIssue) problem('units_per_usd', 'isDecimal', `units_per_usd ${unitsIssue}`);
    if (row.reason !== undefined && row.reason.length > MAX_REASON_LENGTH) {
      problem('reason', 'maxLength', `reason must be at most ${MAX_REASON_LENGTH} characters`);
    }
    const key = `${row.currency} ${row.effectiveFrom}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problem(
        'effective_from',
        'unique',
        `${row.currency} from ${row.effectiveFrom} is already on line ${earlier}; give each rate once`,
      );
    } else {
      seen.set(key, line);
    }
    if (errors.length === before) rows.push(row);
  }
  if (errors.length > 0) throw invalid(errors);
  return rows;
}

const HEADER_HINT = `the first line must be the header ${RATE_CSV_COLUMNS.join(',')}[,reason]`;

function readHeader(names: string[]): Column[] {
  const known: readonly string[] = [...RATE_CSV_COLUMNS, ...OPTIONAL_COLUMNS];
  const columns = names.map((name) => name.toLowerCase());
  const unknown = columns.filter((name) => !known.includes(name));
  const missing = RATE_CSV_COLUMNS.filter((name) => !columns.includes(name));
  const repeated = columns.filter((name, i) => columns.indexOf(name) !== i);
  const reasons = [
    unknown.length > 0
      ? `unknown column(s) ${unknown.map((n) => JSON.stringify(n)).join(', ')}`
      : '',
    missing.length > 0 ? `missing column(s) ${missing.join(', ')}` : '',
    repeated.length > 0 ? `repeated column(s) ${repeated.join(', ')}` : '',
  ].filter((reason) => reason !== '');
  if (reasons.length > 0) {
    throw invalid([
      { field: 'csv', rule: 'header', reason: `line 1: ${reasons.join('; ')}; ${HEADER_HINT}` },
    ]);
  }
  return columns as Column[];
}

// A long list is cut, so that a wrong file (say, a bank statement) gives a readable answer.
function invalid(errors: FieldError[]): ValidationFailedError {
  if (errors.length <= MAX_LISTED_ERRORS) return new ValidationFailedError(errors);
  return new ValidationFailedError([
    ...errors.slice(0, MAX_LISTED_ERRORS),
    {
      field: 'csv',
      rule: 'tooManyErrors',
      reason: `${errors.length - MAX_LISTED_ERRORS} more problems are not listed`,
    },
  ]);
}

function csvMessage(error: unknown): string {
  return error instanceof Error ? error.message : 'unreadable';
}
