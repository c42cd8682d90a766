import * as iconv from 'iconv-lite';
import { parseCamt053 } from './camt053';
import { parseCsv } from './csv';
import { parseMt940 } from './mt940';
import {
  CsvMapping,
  ParsedStatement,
  StatementFormat,
  StatementParseError,
} from './statement.types';

/**
 * The parsers' entry point: a bank statement file (bytes as uploaded) into ParsedStatements.
 * The format is read from the content: XML (with a BkToCstmrStmt) is camt.053; a file whose
 * first tag is :20: (after a bank preamble), or that starts with a SWIFT block {1: or a :940:
 * line, is MT940; anything else is CSV (which needs a CsvMapping).
 */
export function detectFormat(fileName: string, content: Buffer): StatementFormat {
  void fileName;
  const head = decode(content, 'csv').slice(0, 4096);
  const start = head.replaceAll(String.fromCharCode(1), '').replace(/^[\uFEFF\s]+/, '');
  // Any other XML (camt.052/054, pain…) is read as camt.053 too, to be refused as not one.
  if (start.startsWith('<')) return 'camt.053';
  if (start.startsWith('{1:') || /^:940:/.test(start) || /^:20:/m.test(head)) return 'mt940';
  return 'csv';
}

export function parseStatements(
  fileName: string,
  content: Buffer,
  options: { format?: StatementFormat; csvMapping?: CsvMapping } = {},
): ParsedStatement[] {
  if (content.length === 0) throw new StatementParseError(fileName, 'the file is empty');
  const format = options.format ?? detectFormat(fileName, content);
  const text = decode(content, format);
  switch (format) {
    case 'camt.053':
      if (!text.trimStart().startsWith('<')) {
        throw new StatementParseError(fileName, 'not XML: a camt.053 file starts with <');
      }
      return parseCamt053(fileName, text);
    case 'mt940':
      return parseMt940(fileName, text);
    case 'csv':
      if (options.csvMapping === undefined) {
        throw new StatementParseError(
          fileName,
          'neither camt.053 nor MT940, and the bank account has no CSV column mapping',
        );
      }
      return parseCsv(fileName, text, options.csvMapping);
    default:
      throw new StatementParseError(fileName, `unknown format ${String(format)}`);
  }
}

/**
 * UTF-8 when the bytes are valid UTF-8 (BOM dropped). Otherwise an MT940 file is read as CP852
 * (DOS Central European, as Hungarian and Polish banks send it) and anything else as
 * Windows-1252.
 */
function decode(content: Buffer, format: StatementFormat): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return iconv.decode(content, format === 'mt940' ? 'cp852' : 'win1252');
  }
}
