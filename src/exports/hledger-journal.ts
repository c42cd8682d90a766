import { Money } from '../money/money';
import { HledgerLineRow } from './exports.repository';

/** hledger's top-level account types for the chart's kinds. */
const TOP: Record<string, string> = {
  asset: 'assets',
  liability: 'liabilities',
  net_assets: 'equity',
  revenue: 'revenue',
  expense: 'expenses',
};

/**
 * A journal line's hledger account: `assets:1000 Cash at bank:bank-CHF-MAIN`, the kind, the
 * account's code and name, then one sub-account per dimension the line carries (bank account
 * code, donor id, earmark code). Depth 2 is therefore always the chart's account.
 */
export function hledgerAccount(line: HledgerLineRow): string {
  const parts = [TOP[line.account_kind] ?? 'other', `${line.account_code} ${line.account_name}`];
  if (line.bank_code !== null) parts.push(`bank-${line.bank_code}`);
  if (line.donor_id !== null) parts.push(`donor-${line.donor_id}`);
  if (line.earmark_code !== null) parts.push(`earmark-${line.earmark_code}`);
  return parts.map(accountPart).join(':');
}

/** The journal's header: what it is, for which fund and date, in which currency. */
export function hledgerHeader(fund: string, name: string, currency: string, asOf: string): string {
  return (
    `; ${oneLine(name)} (${fund}): the whole ledger up to ${asOf}, one transaction per journal entry.\n` +
    `; Amounts are in the fund currency ${currency}; each posting's transaction currency amount\n` +
    `; is in its comment (tx:). Depth 2 accounts are the chart of accounts.\n` +
    `commodity ${currency} 1,000.00\n\n`
  );
}

/**
 * One journal entry as an hledger transaction: `date (number) description`, a posting per line
 * with the functional amount to the minor unit (the entry balances in it, so hledger accepts it
 * as it is) and the transaction currency amount as a `tx:` tag.
 */
export function hledgerTransaction(lines: HledgerLineRow[], currency: string): string {
  const first = lines[0];
  let text = `${first.entry_date} (${first.number}) ${oneLine(first.description)}\n`;
  for (const line of lines) {
    const functional = Money.fromMinor(line.functional_minor, currency).toDecimalString();
    const amount = Money.fromMinor(line.amount_minor, line.currency).toDecimalString();
    text += `    ${hledgerAccount(line)}  ${currency} ${functional}  ; tx:${line.currency} ${amount}\n`;
  }
  return `${text}\n`;
}

/**
 * hledger reads two spaces (or a tab) as the end of an account name and a colon as a level;
 * a name in brackets or parentheses would be a virtual posting, so a part never starts with one.
 */
function accountPart(value: string): string {
  return oneLine(value)
    .replace(/:/g, '-')
    .replace(/\s+/g, ' ')
    .replace(/^[[(]+/, '')
    .trim();
}

/** A description or name on one line, without the `;` that would start a comment. */
function oneLine(value: string): string {
  return value
    .replace(/[\r\n\t;]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}
