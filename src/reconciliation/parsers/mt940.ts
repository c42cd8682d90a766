import { normaliseAmount, signed } from './decimal';
import {
  ParsedBalance,
  ParsedEntry,
  ParsedStatement,
  StatementParseError,
} from './statement.types';

/**
 * SWIFT MT940, hand-written because the dialects vary more than the packages allow for (and
 * the npm parsers return amounts as JS numbers). Three small steps:
 *   1. tokenize: lines into fields (`:tag:` starts one, other lines continue it), skipping bank
 *      preambles (ABNANL2A / 940, ING 0000 01…), SWIFT envelopes ({1:…}{4: … -}{5:}) and `-`
 *      terminators;
 *   2. group the fields into statements at each :20:, attach :86: (one or several) and :NS: to
 *      the :61: before them, merge consecutive pages (:62M: followed by :60M: of the same
 *      account and statement number);
 *   3. read :60:/:62: balances, :61: lines and :86: details (German ?nn sub-fields with SEPA
 *      EREF+/SVWZ+ keys, or free text).
 */
interface Field {
  tag: string;
  value: string;
  line: number;
}

interface RawStatement {
  reference: string;
  number: string | null;
  account: string | null;
  opening: Field | null;
  closing: Field | null;
  info: string[];
  transactions: { field: Field; details: string[]; nonSwift: string[] }[];
}

const SOH = String.fromCharCode(1);
const ETX = String.fromCharCode(3);
const TAG = /^:(\d{2}[A-Z]?|NS):/;
const BALANCE = /^([CD])(\d{6})([A-Z]{3})(\d[\d,]*)$/;
const STATEMENT_LINE =
  /^(\d{6})(\d{4})?(RC|RD|C|D)([A-Z])?\s?(\d[\d]*,\d*)([A-Z][A-Z0-9 ]{3})?(.*)$/;

export function parseMt940(fileName: string, text: string): ParsedStatement[] {
  const fields = tokenize(text);
  const raws = group(fileName, fields);
  if (raws.length === 0) throw new StatementParseError(fileName, 'no MT940 statement (:20:) found');
  const statements = raws.map((raw) => toStatement(fileName, raw));
  return mergePages(statements, raws);
}

function tokenize(text: string): Field[] {
  const fields: Field[] = [];
  let current: Field | null = null;
  const lines = text
    .replace(/^\uFEFF/, '')
    // mBank wraps the file in SOH (0x01) ... ETX (0x03) control bytes.
    .replaceAll(SOH, '')
    .replaceAll(ETX, '')
    .split(/\r\n|\r|\n/);
  lines.forEach((original, index) => {
    let line = original;
    const envelope = line.indexOf('{4:');
    if (line.startsWith('{') && envelope >= 0) line = line.slice(envelope + 3);
    if (/^-(\}.*|XXX)?\s*$/.test(line)) {
      current = null;
      return;
    }
    const tag = TAG.exec(line);
    if (tag !== null) {
      current = { tag: tag[1], value: line.slice(tag[0].length), line: index + 1 };
      fields.push(current);
    } else if (current !== null) {
      current.value += `\n${line}`;
    }
  });
  for (const field of fields) field.value = field.value.replace(/(\n[ \t]*)+$/, '');
  return fields;
}

function group(fileName: string, fields: Field[]): RawStatement[] {
  const statements: RawStatement[] = [];
  let statement: RawStatement | null = null;
  let afterTransaction = false;
  for (const field of fields) {
    if (field.tag === '20') {
      statement = {
        reference: field.value.trim(),
        number: null,
        account: null,
        opening: null,
        closing: null,
        info: [],
        transactions: [],
      };
      statements.push(statement);
      afterTransaction = false;
      continue;
    }
    if (statement === null) {
      throw new StatementParseError(fileName, `line ${field.line}: :${field.tag}: before any :20:`);
    }
    const last = statement.transactions[statement.transactions.length - 1];
    switch (field.tag) {
      case '25':
        statement.account = field.value.trim();
        break;
      case '28':
      case '28C':
        statement.number = field.value.trim();
        break;
      case '60F':
      case '60M':
      case '60':
        statement.opening ??= field;
        break;
      case '61':
        statement.transactions.push({ field, details: [], nonSwift: [] });
        afterTransaction = true;
        break;
      case '86':
        if (afterTransaction && last !== undefined) last.details.push(field.value);
        else statement.info.push(field.value);
        break;
      case 'NS':
        if (afterTransaction && last !== undefined) last.nonSwift.push(field.value);
        else statement.info.push(field.value);
        break;
      case '62F':
      case '62M':
      case '62':
        statement.closing = field;
        afterTransaction = false;
        break;
      default:
        if (field.tag !== '21') afterTransaction = false;
    }
  }
  return statements;
}

function toStatement(fileName: string, raw: RawStatement): ParsedStatement {
  const where = `statement :20:${raw.reference}`;
  if (raw.account === null) throw new StatementParseError(fileName, `${where}: no :25: account`);
  if (raw.closing === null) {
    throw new StatementParseError(fileName, `${where}: no closing balance (:62F: or :62M:)`);
  }
  const closing = balance(fileName, raw.closing);
  const opening = raw.opening === null ? null : balance(fileName, raw.opening);
  const currency = (opening ?? closing).currency;
  return {
    format: 'mt940',
    statementId: raw.number === null ? raw.reference : `${raw.reference}/${raw.number}`,
    sequence: raw.number,
    accountIdentifier: raw.account,
    currency,
    opening,
    closing,
    entries: raw.transactions.map((t) => entry(fileName, t.field, t.details, t.nonSwift, currency)),
  };
}

function balance(fileName: string, field: Field): ParsedBalance {
  const match = BALANCE.exec(field.value.trim());
  const amount = match === null ? null : normaliseAmount(match[4], match[3], ',');
  if (match === null || amount === null) {
    throw new StatementParseError(
      fileName,
      `line ${field.line}: :${field.tag}: balance must be C|D, YYMMDD, currency, amount: '${field.value.trim()}'`,
    );
  }
  return { amount: signed(amount, match[1] === 'D'), currency: match[3], date: date(match[2]) };
}

function entry(
  fileName: string,
  field: Field,
  details: string[],
  nonSwift: string[],
  currency: string,
): ParsedEntry {
  const [first, ...more] = field.value.split('\n');
  const match = STATEMENT_LINE.exec(first.trimEnd());
  const amount = match === null ? null : normaliseAmount(match[5], currency, ',');
  if (match === null || amount === null) {
    throw new StatementParseError(
      fileName,
      `line ${field.line}: :61: must be YYMMDD[MMDD]{C|D|RC|RD}[funds code]amount…: '${first}'`,
    );
  }
  const [, valueDay, entryDay, mark, fundsCode, , typeCode, rest] = match;
  const valueDate = date(valueDay);
  const { customerReference, bankReference, name } = references(rest);
  const supplementary = more.join(' ').trim();
  const purpose = readDetails(details);
  const raw: Record<string, unknown> = { mark };
  if (fundsCode !== undefined) raw.fundsCode = fundsCode;
  if (customerReference !== null) raw.customerReference = customerReference;
  if (supplementary !== '') raw.supplementaryDetails = supplementary;
  if (purpose.fields !== null) raw.subFields = purpose.fields;
  if (nonSwift.length > 0) raw.nonSwift = nonSwift.join('\n').split('\n');
  // RD (reversal of a debit) is money back in; RC (reversal of a credit) is money out.
  const credit = mark === 'C' || mark === 'RD';
  return {
    bookingDate: entryDay === undefined ? valueDate : entryDate(entryDay, valueDate),
    valueDate,
    amount: signed(amount, !credit),
    currency,
    status: 'BOOK',
    reversal: mark.startsWith('R'),
    bankReference,
    endToEndId: purpose.endToEndId,
    counterpartyName: purpose.name ?? name,
    counterpartyAccount: purpose.account,
    remittanceText: purpose.text,
    bankTransactionCode: typeCode?.trim() || null,
    instructedAmount: null,
    raw,
  };
}

/** Customer reference [//bank reference]; Rabobank legacy puts a name after 16 characters. */
function references(rest: string) {
  const [customer, bank] = rest.split('//', 2);
  let customerReference = customer.trim();
  let name: string | null = null;
  const legacy = /^(\S{1,16})\s{2,}(\S.*)$/.exec(customer.trim());
  if (bank === undefined && legacy !== null) {
    customerReference = legacy[1];
    name = legacy[2].trim();
  }
  return {
    customerReference:
      customerReference === '' || customerReference === 'NONREF' ? null : customerReference,
    bankReference:
      bank === undefined || bank.trim() === '' || bank.trim() === 'NONREF' ? null : bank.trim(),
    name,
  };
}

interface Details {
  text: string | null;
  endToEndId: string | null;
  name: string | null;
  account: string | null;
  fields: Record<string, string> | null;
}

// SEPA keys of the DK format, and the 'MTLG:' (message) marker some German banks add.
const SEPA_KEYS = /(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|COAM|OAMT|IBAN|BIC)\+|(MTLG):/g;

/** :86: as German ?nn sub-fields (with SEPA keys) or as free text. */
function readDetails(details: string[]): Details {
  const joined = details.join('\n');
  const structured = /^\s*(\d{3})?\?\d{2}/.exec(joined);
  if (structured === null) {
    const text = details
      .flatMap((d) => d.split('\n'))
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .join('\n');
    return { text: text || null, endToEndId: null, name: null, account: null, fields: null };
  }
  // The ?nn sub-fields are wrapped at a fixed width: line breaks are not part of the text.
  const fields: Record<string, string> = {};
  const flat = joined.replace(/\r?\n/g, '').trim();
  const code = /^(\d{3})/.exec(flat)?.[1];
  if (code !== undefined) fields.code = code;
  for (const part of flat.split('?').slice(1)) {
    const key = part.slice(0, 2);
    fields[key] = (fields[key] ?? '') + part.slice(2);
  }
  const purpose = [
    '20',
    '21',
    '22',
    '23',
    '24',
    '25',
    '26',
    '27',
    '28',
    '29',
    '60',
    '61',
    '62',
    '63',
  ]
    .map((key) => fields[key] ?? '')
    .join('');
  const sepa = splitSepa(purpose);
  const name = `${fields['32'] ?? ''}${fields['33'] ?? ''}`.trim();
  const text = (sepa.SVWZ ?? sepa.MTLG ?? (Object.keys(sepa).length > 0 ? '' : purpose)).trim();
  return {
    text: text || fields['00']?.trim() || null,
    endToEndId: ['', 'NOTPROVIDED', 'NONREF'].includes(sepa.EREF?.trim() ?? '')
      ? null
      : sepa.EREF.trim(),
    name: name || null,
    account: fields['31']?.trim() || null,
    fields: {
      ...fields,
      ...Object.fromEntries(Object.entries(sepa).map(([k, v]) => [k, v.trim()])),
    },
  };
}

function splitSepa(purpose: string): Record<string, string> {
  const result: Record<string, string> = {};
  const keys = [...purpose.matchAll(SEPA_KEYS)];
  keys.forEach((key, index) => {
    const start = (key.index ?? 0) + key[0].length;
    const end = index + 1 < keys.length ? keys[index + 1].index : purpose.length;
    result[key[1] ?? key[2]] = purpose.slice(start, end);
  });
  return result;
}

/** YYMMDD: years 80-99 are 19xx, the rest 20xx. */
function date(yymmdd: string): string {
  const year = Number(yymmdd.slice(0, 2));
  return `${year >= 80 ? 19 : 20}${yymmdd.slice(0, 2)}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}`;
}

/** MMDD of the booking, in the value date's year unless that crosses a year end. */
function entryDate(mmdd: string, valueDate: string): string {
  let year = Number(valueDate.slice(0, 4));
  const month = Number(mmdd.slice(0, 2));
  const valueMonth = Number(valueDate.slice(5, 7));
  if (month === 12 && valueMonth === 1) year -= 1;
  if (month === 1 && valueMonth === 12) year += 1;
  return `${year}-${mmdd.slice(0, 2)}-${mmdd.slice(2, 4)}`;
}

/** Pages of one statement (:62M: then :60M:, same account and statement number) become one. */
function mergePages(statements: ParsedStatement[], raws: RawStatement[]): ParsedStatement[] {
  const result: ParsedStatement[] = [];
  statements.forEach((statement, index) => {
    const previous = result[result.length - 1];
    const previousRaw = raws[index - 1];
    const raw = raws[index];
    const statementNumber = (r: RawStatement) => r.number?.split('/')[0] ?? null;
    if (
      previous !== undefined &&
      previousRaw?.closing?.tag === '62M' &&
      raw.opening?.tag === '60M' &&
      previous.accountIdentifier === statement.accountIdentifier &&
      statementNumber(previousRaw) === statementNumber(raw)
    ) {
      previous.entries.push(...statement.entries);
      previous.closing = statement.closing;
      return;
    }
    result.push(statement);
  });
  return result;
}
