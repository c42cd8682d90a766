import { parse } from 'csv-parse/sync';
import { normaliseAmount, signed } from './decimal';
import { CsvMapping, ParsedEntry, ParsedStatement, StatementParseError } from './statement.types';

/**
 * A bank's CSV export read with a saved column mapping. A CSV export carries no statement id
 * and no balances a mapping could find: the statement id is the period it covers
 * ('CSV 2020-04-01..2020-04-02'), there is no opening balance, and the closing balance is the
 * net movement of the file (the importer takes the opening from the previous statement).
 * Rows whose date cell holds no digit at all (balance lines, footers) are skipped.
 */
export function parseCsv(fileName: string, text: string, mapping: CsvMapping): ParsedStatement[] {
  let rows: Record<string, string>[];
  try {
    rows = parse<Record<string, string>>(text, {
      delimiter: mapping.delimiter ?? ',',
      from_line: (mapping.skipLines ?? 0) + 1,
      columns: (header: string[]) => header.map((name) => name.trim()),
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    });
  } catch (error) {
    throw new StatementParseError(fileName, `CSV not readable: ${(error as Error).message}`);
  }
  const { columns } = mapping;
  const header = rows.length > 0 ? Object.keys(rows[0]) : [];
  for (const [role, column] of Object.entries(columns)) {
    if (column !== undefined && rows.length > 0 && !header.includes(column)) {
      throw new StatementParseError(
        fileName,
        `column '${column}' (${role}) is not in the header row (${header.join(', ')})`,
      );
    }
  }
  if (columns.amount === undefined && columns.debit === undefined && columns.credit === undefined) {
    throw new StatementParseError(fileName, 'the mapping names no amount, debit or credit column');
  }
  const entries: ParsedEntry[] = [];
  rows.forEach((row, index) => {
    const line = index + (mapping.skipLines ?? 0) + 2;
    const dateCell = row[columns.bookingDate] ?? '';
    if (!/\d/.test(dateCell)) return;
    const currency = (columns.currency ? row[columns.currency] : undefined) || mapping.currency;
    if (currency === undefined || !/^[A-Z]{3}$/.test(currency)) {
      throw new StatementParseError(fileName, `line ${line}: no currency (column or mapping)`);
    }
    const amount = rowAmount(fileName, line, row, mapping, currency);
    const text = (column: string | undefined) =>
      column === undefined ? null : row[column]?.trim() || null;
    entries.push({
      bookingDate: csvDate(fileName, line, dateCell, mapping.dateFormat),
      valueDate: columns.valueDate
        ? csvDate(fileName, line, row[columns.valueDate], mapping.dateFormat)
        : null,
      amount,
      currency,
      status: 'BOOK',
      reversal: false,
      bankReference: text(columns.bankReference),
      endToEndId: null,
      counterpartyName: text(columns.counterpartyName),
      counterpartyAccount: null,
      remittanceText: text(columns.remittanceText),
      bankTransactionCode: null,
      instructedAmount: null,
      raw: { row },
    });
  });
  if (entries.length === 0) throw new StatementParseError(fileName, 'no transaction rows found');
  const currency = mapping.currency ?? entries[0].currency;
  const dates = entries.map((e) => e.bookingDate).sort();
  const first = dates[0];
  const last = dates[dates.length - 1];
  return [
    {
      format: 'csv',
      statementId: `CSV ${first}..${last}`,
      sequence: null,
      accountIdentifier: fileName,
      currency,
      opening: null,
      closing: {
        amount: sum(
          entries.map((e) => e.amount),
          currency,
        ),
        currency,
        date: last,
      },
      entries,
    },
  ];
}

function rowAmount(
  fileName: string,
  line: number,
  row: Record<string, string>,
  mapping: CsvMapping,
  currency: string,
): string {
  const read = (column: string | undefined): string | null => {
    const cell = column === undefined ? '' : (row[column] ?? '').trim();
    if (cell === '') return null;
    const amount = normaliseAmount(cell, currency, mapping.decimalSeparator);
    if (amount === null) {
      throw new StatementParseError(
        fileName,
        `line ${line}: '${cell}' in ${column} is not an amount`,
      );
    }
    return amount;
  };
  const { columns } = mapping;
  const amount = read(columns.amount);
  if (amount !== null) return amount;
  const debit = read(columns.debit);
  const credit = read(columns.credit);
  if (debit !== null && credit !== null && !isZero(debit) && !isZero(credit)) {
    throw new StatementParseError(fileName, `line ${line}: both a debit and a credit amount`);
  }
  if (debit !== null && !isZero(debit)) return signed(debit.replace('-', ''), true);
  if (credit !== null) return credit.replace('-', '');
  throw new StatementParseError(fileName, `line ${line}: no amount`);
}

function isZero(amount: string): boolean {
  return /^-?[0.]+$/.test(amount);
}

/** Exact sum of normalised decimal strings. */
function sum(amounts: string[], currency: string): string {
  const scale = Math.max(0, ...amounts.map((a) => a.split('.')[1]?.length ?? 0));
  const total = amounts.reduce((acc, amount) => {
    const [integer, fraction = ''] = amount.replace('-', '').split('.');
    const minor = BigInt(integer + fraction.padEnd(scale, '0'));
    return amount.startsWith('-') ? acc - minor : acc + minor;
  }, 0n);
  const digits = (total < 0n ? -total : total).toString().padStart(scale + 1, '0');
  const text =
    scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(digits.length - scale)}`;
  return normaliseAmount(total < 0n ? `-${text}` : text, currency) as string;
}

const DATE_PARTS: Record<CsvMapping['dateFormat'], RegExp> = {
  'YYYY-MM-DD': /^(?<y>\d{4})-(?<m>\d{1,2})-(?<d>\d{1,2})$/,
  'DD.MM.YYYY': /^(?<d>\d{1,2})\.(?<m>\d{1,2})\.(?<y>\d{2}|\d{4})$/,
  'DD/MM/YYYY': /^(?<d>\d{1,2})\/(?<m>\d{1,2})\/(?<y>\d{2}|\d{4})$/,
  'MM/DD/YYYY': /^(?<m>\d{1,2})\/(?<d>\d{1,2})\/(?<y>\d{2}|\d{4})$/,
};

/** A date in the mapping's format; a two-digit year is taken as 20YY. */
function csvDate(
  fileName: string,
  line: number,
  cell: string | undefined,
  format: CsvMapping['dateFormat'],
): string {
  const groups = DATE_PARTS[format].exec((cell ?? '').trim())?.groups;
  const year =
    groups === undefined ? NaN : Number(groups.y.length === 2 ? `20${groups.y}` : groups.y);
  const month = Number(groups?.m);
  const day = Number(groups?.d);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (groups === undefined || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new StatementParseError(
      fileName,
      `line ${line}: '${cell ?? ''}' is not a ${format} date`,
    );
  }
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
