import { Money } from '../money/money';

/** One booked entry of a statement: `amount` signed (negative: money out). */
export interface CamtEntry {
  bookingDate: string;
  amount: Money;
  bankReference: string;
  counterparty?: string;
  text?: string;
}

export interface CamtStatement {
  id: string;
  sequence: number;
  from: string;
  to: string;
  opening: Money;
  entries: readonly CamtEntry[];
}

export interface CamtAccount {
  iban: string;
  currency: string;
  owner: string;
  bic: string;
  bankName: string;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

function xml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]);
}

function amountElement(tag: string, money: Money): string {
  return `<${tag} Ccy="${money.currency}">${money.abs().toDecimalString()}</${tag}>`;
}

function side(money: Money): string {
  return money.isNegative() ? 'DBIT' : 'CRDT';
}

function balance(code: 'OPBD' | 'CLBD', money: Money, date: string): string {
  return [
    '<Bal><Tp><CdOrPrtry>',
    `<Cd>${code}</Cd>`,
    '</CdOrPrtry></Tp>',
    amountElement('Amt', money),
    `<CdtDbtInd>${side(money)}</CdtDbtInd>`,
    `<Dt><Dt>${date}</Dt></Dt></Bal>`,
  ].join('');
}

function entry(item: CamtEntry): string {
  const credit = !item.amount.isNegative();
  // For a credit the payer (debtor) is the counterparty; for a debit the payee (creditor).
  const party = item.counterparty === undefined ? '' : xml(item.counterparty);
  const parties =
    party === ''
      ? ''
      : credit
        ? `<RltdPties><Dbtr><Nm>${party}</Nm></Dbtr></RltdPties>`
        : `<RltdPties><Cdtr><Nm>${party}</Nm></Cdtr></RltdPties>`;
  const remittance =
    item.text === undefined ? '' : `<RmtInf><Ustrd>${xml(item.text)}</Ustrd></RmtInf>`;
  const family = credit
    ? '<Cd>RCDT</Cd><SubFmlyCd>XBCT</SubFmlyCd>'
    : '<Cd>CCRD</Cd><SubFmlyCd>CHRG</SubFmlyCd>';
  return [
    '<Ntry>',
    amountElement('Amt', item.amount),
    `<CdtDbtInd>${side(item.amount)}</CdtDbtInd>`,
    '<RvslInd>false</RvslInd>',
    '<Sts>BOOK</Sts>',
    `<BookgDt><Dt>${item.bookingDate}</Dt></BookgDt>`,
    `<ValDt><Dt>${item.bookingDate}</Dt></ValDt>`,
    `<AcctSvcrRef>${xml(item.bankReference)}</AcctSvcrRef>`,
    `<BkTxCd><Domn><Cd>PMNT</Cd><Fmly>${family}</Fmly></Domn></BkTxCd>`,
    '<NtryDtls><TxDtls>',
    `<Refs><AcctSvcrRef>${xml(item.bankReference)}</AcctSvcrRef><EndToEndId>NOTPROVIDED</EndToEndId></Refs>`,
    amountElement('Amt', item.amount),
    parties,
    remittance,
    '</TxDtls></NtryDtls>',
    '</Ntry>',
  ].join('');
}

/**
 * A camt.053.001.04 file (Bank-to-Customer Statement, as Swiss banks send it) with the given
 * statements, each closing at its opening plus its entries: the format and the elements the
 * statement importer reads (src/reconciliation/parsers/camt053.ts).
 */
export function camt053(
  account: CamtAccount,
  messageId: string,
  createdAt: string,
  statements: readonly CamtStatement[],
): string {
  const body = statements.map((statement) => {
    const closing = statement.entries.reduce(
      (sum, item) => sum.add(item.amount),
      statement.opening,
    );
    return [
      '<Stmt>',
      `<Id>${xml(statement.id)}</Id>`,
      `<ElctrncSeqNb>${statement.sequence}</ElctrncSeqNb>`,
      `<CreDtTm>${createdAt}</CreDtTm>`,
      `<FrToDt><FrDtTm>${statement.from}T00:00:00</FrDtTm><ToDtTm>${statement.to}T23:59:59</ToDtTm></FrToDt>`,
      '<Acct>',
      `<Id><IBAN>${account.iban}</IBAN></Id>`,
      `<Ccy>${account.currency}</Ccy>`,
      `<Ownr><Nm>${xml(account.owner)}</Nm></Ownr>`,
      `<Svcr><FinInstnId><BICFI>${account.bic}</BICFI><Nm>${xml(account.bankName)}</Nm></FinInstnId></Svcr>`,
      '</Acct>',
      balance('OPBD', statement.opening, statement.from),
      balance('CLBD', closing, statement.to),
      ...statement.entries.map(entry),
      '</Stmt>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04">',
    '<BkToCstmrStmt>',
    `<GrpHdr><MsgId>${xml(messageId)}</MsgId><CreDtTm>${createdAt}</CreDtTm></GrpHdr>`,
    ...body,
    '</BkToCstmrStmt>',
    '</Document>',
    '',
  ].join('\n');
}
