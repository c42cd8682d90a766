import { code as isoCurrency, CurrencyCodeRecord } from 'currency-codes';
import { readFileSync } from 'node:fs';
import { UnknownCurrencyError } from './money.errors';

const CURRENCY_CODE = /^[A-Z]{3}$/;

/**
 * The ISO 4217 minor-unit exponent of an active currency (CHF 2, JPY 0, KWD 3), from the
 * `currency-codes` package. Throws UnknownCurrencyError for anything else.
 */
export function minorDigits(currency: string): number {
  return supportedRecord(currency).digits;
}

/**
 * Accepts only upper-case, active ISO 4217 codes that name money with a minor unit. Refused
 * although listed: codes whose minor unit ISO gives as "N.A." (gold, silver, SDR, bond-market
 * units, the testing and no-currency codes), which the package reports as 0 digits as if they
 * were yen, and fund codes (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI), which are units of account
 * rather than currencies anyone pays a contribution in.
 */
export function assertCurrency(currency: string): string {
  return supportedRecord(currency).code;
}

export function isSupportedCurrency(currency: unknown): currency is string {
  return (
    typeof currency === 'string' &&
    CURRENCY_CODE.test(currency) &&
    isoCurrency(currency) !== undefined &&
    !unsupportedCodes().has(currency)
  );
}

function supportedRecord(currency: string): CurrencyCodeRecord {
  if (typeof currency !== 'string' || !CURRENCY_CODE.test(currency)) {
    throw new UnknownCurrencyError(String(currency));
  }
  const record = isoCurrency(currency);
  if (record === undefined) throw new UnknownCurrencyError(currency);
  if (unsupportedCodes().has(currency)) {
    throw new UnknownCurrencyError(
      currency,
      `${currency} is an ISO 4217 fund, metal or unit of account without a minor unit of money; it is not supported.`,
    );
  }
  return record;
}

let unsupported: ReadonlySet<string> | undefined;

// The package's data has lost the two facts we need, but it ships ISO's own list (List One):
// read them from there, so a new edition of the package brings its new codes with it.
function unsupportedCodes(): ReadonlySet<string> {
  if (unsupported !== undefined) return unsupported;
  const xml = readFileSync(require.resolve('currency-codes/iso-4217-list-one.xml'), 'utf8');
  const codes = new Set<string>();
  for (const entry of xml.split('<CcyNtry>').slice(1)) {
    const code = /<Ccy>([A-Z]{3})<\/Ccy>/.exec(entry)?.[1];
    if (code === undefined) continue;
    const minorUnits = /<CcyMnrUnts>([^<]*)<\/CcyMnrUnts>/.exec(entry)?.[1];
    if (minorUnits === undefined || !/^\d$/.test(minorUnits) || /IsFund="true"/.test(entry)) {
      codes.add(code);
    }
  }
  if (codes.size === 0) throw new Error('ISO 4217 list of currency-codes could not be read');
  unsupported = codes;
  return codes;
}
