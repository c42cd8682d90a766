import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { normaliseAmount, signed } from './decimal';
import {
  ParsedBalance,
  ParsedEntry,
  ParsedStatement,
  StatementParseError,
} from './statement.types';

/**
 * ISO 20022 camt.053 (001.02 to 001.08). Namespace prefixes are removed and the xmlns (which
 * carries the version) is ignored: the elements read here have the same paths in every version,
 * except the v08 party wrapper (Dbtr/Pty/Nm), which is read both ways.
 */
type XmlNode = Record<string, unknown>;

const REPEATED = new Set(['Stmt', 'Bal', 'Ntry', 'NtryDtls', 'TxDtls', 'Ustrd', 'Strd']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => REPEATED.has(name),
});

export function parseCamt053(fileName: string, xml: string): ParsedStatement[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { msg, line } = valid.err;
    throw new StatementParseError(fileName, `not well-formed XML (line ${line}): ${msg}`);
  }
  const document = node(parser.parse(xml) as XmlNode, 'Document');
  const statements = nodes(node(document, 'BkToCstmrStmt'), 'Stmt');
  if (statements.length === 0) {
    throw new StatementParseError(fileName, 'no Document/BkToCstmrStmt/Stmt: not a camt.053 file');
  }
  return statements.map((stmt, index) => readStatement(fileName, stmt, index + 1));
}

function readStatement(fileName: string, stmt: XmlNode, position: number): ParsedStatement {
  const where = `statement ${position}`;
  const statementId = text(stmt, 'Id');
  if (statementId === null) throw new StatementParseError(fileName, `${where}: Stmt/Id is missing`);
  const account = node(stmt, 'Acct');
  const accountIdentifier = text(account, 'Id', 'IBAN') ?? text(account, 'Id', 'Othr', 'Id');
  if (accountIdentifier === null) {
    throw new StatementParseError(fileName, `${where}: Acct/Id/IBAN or Acct/Id/Othr/Id is missing`);
  }
  const balances = nodes(stmt, 'Bal');
  const firstEntry = nodes(stmt, 'Ntry')[0];
  const currency =
    text(account, 'Ccy') ??
    attribute(node(balances[0], 'Amt'), 'Ccy') ??
    attribute(node(firstEntry, 'Amt'), 'Ccy');
  if (currency === null) throw new StatementParseError(fileName, `${where}: no currency found`);
  const opening = balance(fileName, where, balances, ['OPBD', 'PRCD']);
  const closing = balance(fileName, where, balances, ['CLBD']);
  if (closing === null) {
    throw new StatementParseError(fileName, `${where}: no closing balance (Bal with Tp CLBD)`);
  }
  return {
    format: 'camt.053',
    statementId,
    sequence: text(stmt, 'ElctrncSeqNb') ?? text(stmt, 'LglSeqNb'),
    accountIdentifier,
    currency,
    opening,
    closing,
    entries: nodes(stmt, 'Ntry').map((ntry, index) =>
      readEntry(fileName, `${where}, entry ${index + 1}`, ntry),
    ),
  };
}

function balance(
  fileName: string,
  where: string,
  balances: XmlNode[],
  codes: string[],
): ParsedBalance | null {
  for (const code of codes) {
    const bal = balances.find((b) => text(b, 'Tp', 'CdOrPrtry', 'Cd') === code);
    if (bal === undefined) continue;
    const { amount, currency } = money(fileName, `${where}, balance ${code}`, node(bal, 'Amt'));
    const date = isoDate(text(bal, 'Dt', 'Dt') ?? text(bal, 'Dt', 'DtTm'));
    if (date === null)
      throw new StatementParseError(fileName, `${where}, balance ${code}: no date`);
    return { amount: signed(amount, text(bal, 'CdtDbtInd') === 'DBIT'), currency, date };
  }
  return null;
}

function readEntry(fileName: string, where: string, ntry: XmlNode): ParsedEntry {
  const amt = money(fileName, where, node(ntry, 'Amt'));
  const indicator = text(ntry, 'CdtDbtInd');
  if (indicator !== 'CRDT' && indicator !== 'DBIT') {
    throw new StatementParseError(fileName, `${where}: CdtDbtInd must be CRDT or DBIT`);
  }
  const bookingDate = isoDate(text(ntry, 'BookgDt', 'Dt') ?? text(ntry, 'BookgDt', 'DtTm'));
  const valueDate = isoDate(text(ntry, 'ValDt', 'Dt') ?? text(ntry, 'ValDt', 'DtTm'));
  if (bookingDate === null && valueDate === null) {
    throw new StatementParseError(fileName, `${where}: neither BookgDt nor ValDt`);
  }
  const credit = indicator === 'CRDT';
  const details = nodes(ntry, 'NtryDtls').flatMap((d) => nodes(d, 'TxDtls'));
  const single = details.length === 1 ? details[0] : undefined;
  const instructed = node(node(ntry, 'AmtDtls') ?? node(single, 'AmtDtls'), 'InstdAmt');
  const instructedAmount =
    instructed === undefined ? null : money(fileName, where, node(instructed, 'Amt'));
  const entryInfo = text(ntry, 'AddtlNtryInf');
  const raw: Record<string, unknown> = {};
  if (entryInfo !== null) raw.additionalInfo = entryInfo;
  if (details.length > 1) {
    raw.batch = { numberOfTransactions: details.length };
    raw.transactions = details.map((tx) => {
      const txAmount = node(tx, 'Amt') ?? node(tx, 'AmtDtls', 'TxAmt', 'Amt');
      return {
        ...transactionFields(tx, credit),
        amount: txAmount === undefined ? null : money(fileName, where, txAmount),
      };
    });
  } else if (single !== undefined) {
    const reference = structuredReference(single);
    if (reference !== null) raw.structuredReference = reference;
    const exchange = node(node(node(ntry, 'AmtDtls'), 'CntrValAmt'), 'CcyXchg');
    if (exchange !== undefined) raw.currencyExchange = exchange;
  }
  const fields =
    single === undefined
      ? {
          endToEndId: null,
          counterpartyName: null,
          counterpartyAccount: null,
          remittanceText: entryInfo,
        }
      : transactionFields(single, credit);
  return {
    bookingDate: (bookingDate ?? valueDate) as string,
    valueDate,
    amount: signed(amt.amount, !credit),
    currency: amt.currency,
    status: text(ntry, 'Sts', 'Cd') ?? text(ntry, 'Sts') ?? 'BOOK',
    reversal: text(ntry, 'RvslInd') === 'true',
    bankReference: text(ntry, 'AcctSvcrRef'),
    endToEndId: fields.endToEndId,
    counterpartyName: fields.counterpartyName,
    counterpartyAccount: fields.counterpartyAccount,
    remittanceText: fields.remittanceText,
    bankTransactionCode: transactionCode(node(ntry, 'BkTxCd')),
    instructedAmount:
      instructedAmount !== null && instructedAmount.currency !== amt.currency
        ? instructedAmount
        : null,
    raw,
  };
}

function transactionFields(tx: XmlNode, credit: boolean) {
  // For a credit the payer (debtor) is the counterparty; for a debit the payee (creditor).
  const side = credit ? 'Dbtr' : 'Cdtr';
  const parties = node(tx, 'RltdPties');
  const party = node(parties, side);
  const account = node(parties, `${side}Acct`);
  const endToEndId = text(tx, 'Refs', 'EndToEndId');
  const unstructured = nodes(node(tx, 'RmtInf'), 'Ustrd')
    .map((u) => textOf(u))
    .filter((u): u is string => u !== null);
  return {
    endToEndId: endToEndId === 'NOTPROVIDED' ? null : endToEndId,
    counterpartyName: text(party, 'Nm') ?? text(party, 'Pty', 'Nm'),
    counterpartyAccount: text(account, 'Id', 'IBAN') ?? text(account, 'Id', 'Othr', 'Id'),
    remittanceText:
      unstructured.length > 0
        ? unstructured.join(' ')
        : (structuredReference(tx) ?? text(tx, 'AddtlTxInf')),
  };
}

function structuredReference(tx: XmlNode): string | null {
  for (const strd of nodes(node(tx, 'RmtInf'), 'Strd')) {
    const reference = text(strd, 'CdtrRefInf', 'Ref');
    if (reference !== null) return reference;
  }
  return null;
}

function transactionCode(code: XmlNode | undefined): string | null {
  const domain = text(code, 'Domn', 'Cd');
  if (domain !== null) {
    return [domain, text(code, 'Domn', 'Fmly', 'Cd'), text(code, 'Domn', 'Fmly', 'SubFmlyCd')]
      .filter((part) => part !== null)
      .join('-');
  }
  return text(code, 'Prtry', 'Cd');
}

function money(
  fileName: string,
  where: string,
  amt: XmlNode | undefined,
): { amount: string; currency: string } {
  const currency = attribute(amt, 'Ccy');
  const value = textOf(amt);
  const amount = value === null || currency === null ? null : normaliseAmount(value, currency);
  if (amount === null || currency === null) {
    throw new StatementParseError(fileName, `${where}: Amt with Ccy and a decimal amount expected`);
  }
  return { amount, currency };
}

function isoDate(value: string | null): string | null {
  if (value === null) return null;
  return /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null;
}

function node(parent: unknown, ...path: string[]): XmlNode | undefined {
  let current: unknown = parent;
  for (const name of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as XmlNode)[name];
    if (Array.isArray(current)) current = current[0];
  }
  return typeof current === 'object' && current !== null
    ? (current as XmlNode)
    : current === undefined
      ? undefined
      : { '#text': current };
}

function nodes(parent: unknown, name: string): XmlNode[] {
  if (typeof parent !== 'object' || parent === null) return [];
  const value = (parent as XmlNode)[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map((item: unknown) =>
    typeof item === 'object' && item !== null ? (item as XmlNode) : { '#text': item },
  );
}

function text(parent: unknown, ...path: string[]): string | null {
  return textOf(node(parent, ...path));
}

function textOf(value: XmlNode | undefined): string | null {
  const content = value?.['#text'];
  if (typeof content !== 'string' && typeof content !== 'number') return null;
  const trimmed = String(content).trim();
  return trimmed === '' ? null : trimmed;
}

function attribute(value: XmlNode | undefined, name: string): string | null {
  const content = value?.[`@${name}`];
  return typeof content === 'string' && content.trim() !== '' ? content.trim() : null;
}
