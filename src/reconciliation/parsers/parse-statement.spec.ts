import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normaliseAmount } from './decimal';
import { detectFormat, parseStatements } from './parse-statement';
import {
  CsvMapping,
  ParsedEntry,
  ParsedStatement,
  StatementFormat,
  StatementParseError,
} from './statement.types';

const SAMPLES = '/work/shared/samples/bank-statements';
const EXPECTED = join(SAMPLES, 'expected');

const read = (name: string) => readFileSync(join(SAMPLES, name));

/** The CSV mappings an officer would save for the two CSV samples. */
const CSV_MAPPINGS: Record<string, CsvMapping> = {
  'csv-oca-sheet-sample-statement-en.csv': {
    dateFormat: 'MM/DD/YYYY',
    decimalSeparator: '.',
    // "Currency"/"Amount Currency" are the original currency and amount; "Amount" is in USD.
    columns: {
      bookingDate: 'Date',
      amount: 'Amount',
      counterpartyName: 'Partner Name',
      remittanceText: 'Label',
    },
    currency: 'USD',
  },
  'csv-oca-sheet-preamble-debit-credit.csv': {
    skipLines: 4,
    dateFormat: 'DD/MM/YYYY',
    decimalSeparator: ',',
    columns: {
      bookingDate: 'Date',
      debit: 'Debit',
      credit: 'Credit',
      remittanceText: 'Label',
      bankReference: 'Operation Number',
    },
    currency: 'EUR',
  },
};

const parse = (name: string): ParsedStatement[] =>
  parseStatements(name, read(name), { csvMapping: CSV_MAPPINGS[name] });

/** Exact decimal value as a scaled bigint (5 decimals are enough for every sample). */
const scaled = (amount: string): bigint => {
  const negative = amount.startsWith('-');
  const [integer, fraction = ''] = amount.replace(/^[-+]/, '').split('.');
  const value = BigInt(integer + fraction.padEnd(5, '0'));
  return negative ? -value : value;
};
const entrySum = (s: ParsedStatement) => s.entries.reduce((sum, e) => sum + scaled(e.amount), 0n);
const allEntries = (statements: ParsedStatement[]): ParsedEntry[] =>
  statements.flatMap((s) => s.entries);

/** Opening + entries = closing, in the statement's currency. */
function expectContinuity(statement: ParsedStatement): void {
  expect(statement.opening).not.toBeNull();
  expect(scaled(statement.opening!.amount) + entrySum(statement)).toBe(
    scaled(statement.closing.amount),
  );
}

interface SampleExpectation {
  format: StatementFormat;
  statements: number;
  entries: number;
  currency: string;
  /** First statement (opening may be null for CSV). */
  opening: string | null;
  /** Last statement. */
  closing: string;
  /** Files whose balances do not add up (upstream fixtures cut down or synthetic). */
  continuity: boolean;
}

const SAMPLE_EXPECTATIONS: Record<string, SampleExpectation> = {
  'camt053-v02-genkgo-five-decimals.xml': {
    format: 'camt.053',
    statements: 1,
    entries: 1,
    currency: 'EUR',
    opening: '18.15',
    closing: '27.05',
    continuity: false, // 18.15 + 8.85 = 27.00, the fixture says 27.05
  },
  'camt053-v02-genkgo-multi-statement.xml': {
    format: 'camt.053',
    statements: 2,
    entries: 2,
    currency: 'EUR',
    opening: '18.15',
    closing: '20.00',
    continuity: true,
  },
  'camt053-v02-oca-batch-reversal.xml': {
    format: 'camt.053',
    statements: 1,
    entries: 3,
    currency: 'EUR',
    opening: '15568.27',
    closing: '15121.12',
    continuity: false, // the OCA fixture's balances do not match its entries
  },
  'camt053-v03-genkgo.xml': {
    format: 'camt.053',
    statements: 1,
    entries: 1,
    currency: 'EUR',
    opening: '18.15',
    closing: '-27.00', // synthetic: closing balance in SEK
    continuity: false,
  },
  'camt053-v04-oca-batch-txdtls-chf.xml': {
    format: 'camt.053',
    statements: 1,
    entries: 1,
    currency: 'CHF',
    opening: '75960.15',
    closing: '79443.15',
    continuity: true,
  },
  'camt053-v04-oca-credit-suisse-foreign-currency.xml': {
    format: 'camt.053',
    statements: 1,
    entries: 2,
    currency: 'CHF',
    opening: '350777.85',
    closing: '350332.64',
    continuity: true,
  },
  'camt053-v04-oca-no-entries.xml': {
    format: 'camt.053',
    statements: 1,
    entries: 0,
    currency: 'CHF',
    opening: '1520.76',
    closing: '1520.76',
    continuity: true,
  },
  'camt053-v08-genkgo-nested-sts.xml': {
    format: 'camt.053',
    statements: 1,
    entries: 1,
    currency: 'EUR',
    opening: '18.15',
    closing: '-27.00',
    continuity: false,
  },
  'csv-oca-sheet-preamble-debit-credit.csv': {
    format: 'csv',
    statements: 1,
    entries: 4,
    currency: 'EUR',
    opening: null,
    closing: '1069.32', // no balances a mapping can read: the net movement of the file
    continuity: false,
  },
  'csv-oca-sheet-sample-statement-en.csv': {
    format: 'csv',
    statements: 1,
    entries: 2,
    currency: 'USD',
    opening: null,
    closing: '1491.50',
    continuity: false,
  },
  'mt940-wolph-asnbank-swift-blocks.940': {
    format: 'mt940',
    statements: 31,
    entries: 8,
    currency: 'EUR',
    opening: '444.29',
    closing: '501.23',
    continuity: true,
  },
  'mt940-wolph-betterplace-sepa-reversals.sta': {
    format: 'mt940',
    statements: 20, // 26 :20: blocks, 6 of them continuation pages (:62M:/:60M:)
    entries: 97,
    currency: 'EUR',
    opening: '-1234718.36',
    closing: '50.05',
    continuity: true,
  },
  'mt940-wolph-cmxl-multi-currency.sta': {
    format: 'mt940',
    statements: 3,
    entries: 16,
    currency: 'DEM',
    opening: '84349.74',
    closing: '50040.00',
    continuity: false, // the DEM statement does not add up
  },
  'mt940-wolph-jejik-abnamro.sta': {
    format: 'mt940',
    statements: 2,
    entries: 10,
    currency: 'EUR',
    opening: '3236.28',
    closing: '1849.75',
    continuity: false,
  },
  'mt940-wolph-jejik-ing.sta': {
    format: 'mt940',
    statements: 1,
    entries: 7,
    currency: 'EUR',
    opening: '0.00',
    closing: '3.47',
    continuity: false,
  },
  'mt940-wolph-jejik-postfinance-chf.sta': {
    format: 'mt940',
    statements: 1, // two pages merged
    entries: 4,
    currency: 'CHF',
    opening: '0.00',
    closing: '159.60',
    continuity: false, // page 2: 229.20 - 79.90 + 10.10 = 159.40, the file says 159.60
  },
  'mt940-wolph-jejik-rabobank-legacy.sta': {
    format: 'mt940',
    statements: 4,
    entries: 5,
    currency: 'EUR',
    opening: '473.17',
    closing: '4101.82',
    continuity: false,
  },
  'mt940-wolph-mbank-pln.sta': {
    format: 'mt940',
    statements: 1,
    entries: 3,
    currency: 'PLN',
    opening: '0.40',
    closing: '0.43',
    continuity: true,
  },
  'mt940-wolph-raiffeisen-hu-cp852.sta': {
    format: 'mt940',
    statements: 1,
    entries: 7,
    currency: 'HUF',
    opening: '25170637.10',
    closing: '25281687.60',
    continuity: false,
  },
  'mt940-wolph-sberbank-hu-crlf.sta': {
    format: 'mt940',
    statements: 1,
    entries: 3,
    currency: 'HUF',
    opening: '627311.30',
    closing: '617874.30',
    continuity: true,
  },
};

const SAMPLE_FILES = readdirSync(SAMPLES).filter((name) => /\.(xml|csv|sta|940)$/.test(name));

describe('every sample bank statement', () => {
  it('has an expectation in this test (no sample left untested)', () => {
    expect(SAMPLE_FILES.sort()).toEqual(Object.keys(SAMPLE_EXPECTATIONS).sort());
  });

  it.each(SAMPLE_FILES)('%s: format, statements, entries, balances, currency', (name) => {
    const expected = SAMPLE_EXPECTATIONS[name];
    expect(detectFormat(name, read(name))).toBe(expected.format);
    const statements = parse(name);
    expect(statements).toHaveLength(expected.statements);
    expect(allEntries(statements)).toHaveLength(expected.entries);
    const [first] = statements;
    const last = statements[statements.length - 1];
    expect(first.format).toBe(expected.format);
    expect(first.currency).toBe(expected.currency);
    expect(first.opening?.amount ?? null).toBe(expected.opening);
    expect(last.closing.amount).toBe(expected.closing);
    for (const statement of statements) {
      expect(statement.statementId).not.toBe('');
      expect(statement.accountIdentifier).not.toBe('');
      for (const entry of statement.entries) {
        expect(entry.bookingDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(entry.amount).toMatch(/^-?\d+(\.\d+)?$/);
        expect(entry.currency).toBe(statement.currency);
      }
      if (expected.continuity) expectContinuity(statement);
    }
    expect(new Set(statements.map((s) => s.statementId)).size).toBe(statements.length);
  });
});

describe('camt.053', () => {
  it('Credit Suisse foreign currency: the entry amount is the CHF booked, EUR is instructed', () => {
    const [statement] = parse('camt053-v04-oca-credit-suisse-foreign-currency.xml');
    expect(statement.statementId).toBe('47608f88362e485da1eaaa654ab4f84b');
    expect(statement.sequence).toBe('45');
    expect(statement.accountIdentifier).toBe('CH1904835028789771000');
    expect(statement.closing).toEqual({ amount: '350332.64', currency: 'CHF', date: '2021-09-14' });
    const [paid, received] = statement.entries;
    expect(paid).toMatchObject({
      amount: '-579.21',
      currency: 'CHF',
      instructedAmount: { amount: '522.39', currency: 'EUR' },
      bookingDate: '2021-09-14',
      valueDate: '2021-09-14',
      bankReference: 'DNXK210913CS36481/1001',
      endToEndId: 'SP-98803960-0',
      counterpartyName: 'Batelier', // a debit: the creditor is the counterparty
      counterpartyAccount: 'FR7616806051006610853101177',
      remittanceText: 'Devis DEV-01387',
      bankTransactionCode: 'PMNT-ICDT-ESCT',
      status: 'BOOK',
      reversal: false,
    });
    expect(paid.raw.currencyExchange).toMatchObject({ SrcCcy: 'EUR', XchgRate: '1.1087693103' });
    expect(received).toMatchObject({
      amount: '134.00',
      counterpartyName: 'EPFL', // a credit: the debtor is the counterparty
      endToEndId: '1050079910',
      remittanceText: '/INV/09.2021/01 7.9.2021',
      instructedAmount: null,
    });
  });

  it('three-decimal amounts are normalised without floats', () => {
    const [statement] = parse('camt053-v02-genkgo-five-decimals.xml');
    expect(statement.opening).toEqual({ amount: '18.15', currency: 'EUR', date: '2014-12-30' });
    expect(statement.closing).toEqual({ amount: '27.05', currency: 'EUR', date: '2014-12-31' });
    expect(statement.entries[0]).toMatchObject({
      amount: '8.85',
      endToEndId: '000000001',
      remittanceText: 'Transaction Description',
    });
  });

  it('v08: nested <Sts><Cd>, BookgDt/DtTm, Othr/Id account, Dbtr/Pty/Nm, structured reference', () => {
    const [statement] = parse('camt053-v08-genkgo-nested-sts.xml');
    expect(statement.accountIdentifier).toBe('NL26VAYB8060476890');
    expect(statement.sequence).toBe('12312');
    // Synthetic balances in other currencies, kept as the file says (DBIT is negative).
    expect(statement.closing).toEqual({ amount: '-27.00', currency: 'SEK', date: '2014-12-30' });
    expect(statement.entries[0]).toMatchObject({
      status: 'BOOK',
      bookingDate: '2014-12-31',
      valueDate: '2015-01-02',
      amount: '8.85',
      currency: 'EUR',
      counterpartyName: 'NAME NAME',
      counterpartyAccount: 'NL56AGDH9619008421',
      endToEndId: 'MUELL/FINP/RA12345',
      remittanceText: '4654654654654654',
      bankReference: 'AAAASESS-FP-CN_98765/01',
    });
    expect(statement.entries[0].raw.structuredReference).toBe('4654654654654654');
  });

  it('two statements in one file', () => {
    const statements = parse('camt053-v02-genkgo-multi-statement.xml');
    expect(statements.map((s) => s.statementId)).toEqual([
      '253EURNL26VAYB8060476890',
      '254EURNL26VAYB8060476890',
    ]);
    expect(statements[1].entries[0]).toMatchObject({
      amount: '-7.00',
      counterpartyName: 'Company Name 2',
      remittanceText: 'Transaction Description 2',
    });
  });

  it('a batch reversal keeps the entry amount and puts the transactions in raw', () => {
    const [statement] = parse('camt053-v02-oca-batch-reversal.xml');
    expect(statement.sequence).toBe('2');
    const [debit, batch, credit] = statement.entries;
    expect(debit).toMatchObject({
      amount: '-754.25',
      reversal: false,
      counterpartyName: 'INSURANCE COMPANY TESTX',
      endToEndId: '435005714488-ABNO33052620',
    });
    expect(batch).toMatchObject({ amount: '-664.05', reversal: true, endToEndId: null });
    const transactions = batch.raw.transactions as { amount: { amount: string } }[];
    expect(transactions).toHaveLength(2);
    const batchTotal = transactions.reduce((sum, t) => sum + scaled(t.amount.amount), 0n);
    expect(batchTotal).toBe(scaled('664.05'));
    expect(credit).toMatchObject({ amount: '1405.31', counterpartyName: '3rd party Media' });
  });

  it('a CHF batch of two ESR payments: one line of 3483.00, details in raw', () => {
    const [statement] = parse('camt053-v04-oca-batch-txdtls-chf.xml');
    const [entry] = statement.entries;
    expect(entry.amount).toBe('3483.00');
    expect(entry.remittanceText).toContain('CRÉDIT GROUPÉ BVR');
    const transactions = entry.raw.transactions as {
      amount: { amount: string };
      remittanceText: string;
    }[];
    expect(transactions.map((t) => t.amount.amount)).toEqual(['2187.00', '1296.00']);
    expect(transactions[0].remittanceText).toBe('302388292000011111111111111');
  });

  it('no entries: a statement with equal balances', () => {
    const [statement] = parse('camt053-v04-oca-no-entries.xml');
    expect(statement.entries).toEqual([]);
    expect(statement.opening?.date).toBe('2014-01-05');
  });

  it.each(readdirSync(EXPECTED).filter((name) => name.endsWith('.json')))(
    'agrees with genkgo/camt on %s',
    (expectedName) => {
      const expected = JSON.parse(readFileSync(join(EXPECTED, expectedName), 'utf8')) as {
        getEntries: {
          getAmount: { getAmount: string; getCurrency: { getCode: string } };
          getBookingDate: { 0: string } | null;
          getAccountServicerReference: string | null;
          getRecord: {
            getId: string;
            getBalances: {
              getType: string;
              getAmount: { getAmount: string; getCurrency: { getCode: string } };
            }[];
          };
        }[];
      };
      const statements = parse(expectedName.replace(/\.json$/, '.xml'));
      for (const theirs of expected.getEntries) {
        const statement = statements.find((s) => s.statementId === theirs.getRecord.getId)!;
        expect(statement).toBeDefined();
        const minor = (amount: string) => {
          const [i, f = ''] = amount.replace('-', '').split('.');
          return String(BigInt(i + f) * (amount.startsWith('-') ? -1n : 1n));
        };
        const ours = statement.entries.find((e) => minor(e.amount) === theirs.getAmount.getAmount);
        expect(ours).toBeDefined();
        expect(ours!.currency).toBe(theirs.getAmount.getCurrency.getCode);
        expect(ours!.bankReference).toBe(theirs.getAccountServicerReference);
        expect(ours!.bookingDate).toBe(theirs.getBookingDate?.[0].slice(0, 10));
        for (const balance of theirs.getRecord.getBalances) {
          const mine =
            balance.getType === 'opening'
              ? statement.opening
              : balance.getType === 'closing'
                ? statement.closing
                : undefined;
          if (mine === undefined) continue;
          expect(minor(mine!.amount)).toBe(balance.getAmount.getAmount);
          expect(mine!.currency).toBe(balance.getAmount.getCurrency.getCode);
        }
      }
    },
  );
});

/**
 * WoLpH/mt940's expected results (YAML with Python tags), read by hand: per transaction the
 * first Decimal (the amount), the value date (4 bytes: year high, year low, month, day) and the
 * status; and the final closing balance of the last statement.
 */
function readWolphYaml(path: string) {
  const yaml = readFileSync(path, 'utf8');
  const [head, transactionsPart = ''] = yaml.split('\ntransactions:\n');
  const chunks = transactionsPart.split('- !!python/object:mt940.models.Transaction\n').slice(1);
  const decimal = /Decimal \['(-?[\d.]+)'\]/;
  const transactions = chunks.map((chunk) => {
    const dateBytes = Buffer.from(
      /\n {4}date: !!python\/object\/apply:mt940\.models\.Date\n {4}- !!binary \|\n {6}(\S+)/.exec(
        chunk,
      )![1],
      'base64',
    );
    const date = `${dateBytes.readUInt16BE(0)}-${String(dateBytes[2]).padStart(2, '0')}-${String(dateBytes[3]).padStart(2, '0')}`;
    return {
      amount: decimal.exec(chunk)![1],
      date,
      status: /\n {4}status: (\S+)/.exec(chunk)![1],
    };
  });
  const closing =
    /final_closing_balance:[\s\S]*?Decimal \['(-?[\d.]+)'\]\]?\s+currency: (\w+)/.exec(head)!;
  return { transactions, closing: { amount: closing[1], currency: closing[2] } };
}

describe('MT940', () => {
  it.each(readdirSync(EXPECTED).filter((name) => name.endsWith('.yml')))(
    'agrees with WoLpH/mt940 on %s (amounts, value dates, marks)',
    (expectedName) => {
      const sample = SAMPLE_FILES.find((f) => f.startsWith(expectedName.replace(/\.yml$/, '.')))!;
      const statements = parse(sample);
      const theirs = readWolphYaml(join(EXPECTED, expectedName));
      const ours = allEntries(statements);
      expect(ours).toHaveLength(theirs.transactions.length);
      ours.forEach((entry, i) => {
        const expected = theirs.transactions[i];
        expect(entry.valueDate).toBe(expected.date);
        expect(entry.raw.mark).toBe(expected.status);
        // WoLpH leaves an RC (reversal of a credit) positive; it is money out: negative here.
        const amount = expected.status === 'RC' ? `-${expected.amount}` : expected.amount;
        expect(scaled(entry.amount)).toBe(scaled(amount));
      });
      // WoLpH keeps the last :62F: (final) closing balance; ABN AMRO's last page ends in :62M:.
      const finals = statements.filter(
        (s) => scaled(s.closing.amount) === scaled(theirs.closing.amount),
      );
      expect(finals.map((s) => s.closing.currency)).toContain(theirs.closing.currency);
    },
  );

  it('ABN AMRO: preamble skipped, :28:, amounts with 0 or 1 decimals, multi-line :86:', () => {
    const [first, second] = parse('mt940-wolph-jejik-abnamro.sta');
    expect(first.statementId).toBe('ABN AMRO BANK NV/19321/1');
    expect(first.accountIdentifier).toBe('517852257');
    expect(first.opening).toEqual({ amount: '3236.28', currency: 'EUR', date: '2011-05-22' });
    expect(first.entries[0]).toMatchObject({ amount: '-9.00', bankTransactionCode: 'N192' });
    expect(first.entries[0].remittanceText).toBe(
      'GIRO   428428 KPN - DIGITENNE    BETALINGSKENM.  000000042188659\n' +
        '5314606715                       BETREFT FACTUUR D.D. 20-05-2011\nINCL. 1,44 BTW',
    );
    expect(first.entries[3].amount).toBe('-11.80');
    // value date 21 May, entry date 23 May
    expect(first.entries[1]).toMatchObject({ valueDate: '2011-05-21', bookingDate: '2011-05-23' });
    expect(second.statementId).toBe('ABN AMRO BANK NV/19322/1');
    expect(second.opening?.amount).toBe('2876.84');
  });

  it('ING: tabs and soft hyphens kept, :86: after :62F: is not a transaction', () => {
    const [statement] = parse('mt940-wolph-jejik-ing.sta');
    expect(statement.statementId).toBe('MPBZ/000');
    expect(statement.entries[2].remittanceText).toContain('10\u00ad06\u00ad2010');
    expect(statement.entries[1].remittanceText).toContain('SPOEDBETALING\tMPBZS1016000047');
    expect(statement.entries[6]).toMatchObject({ amount: '1.00', bookingDate: '2010-07-23' });
  });

  it('Rabobank legacy: several :86:, name in :61:, statements without transactions', () => {
    const statements = parse('mt940-wolph-jejik-rabobank-legacy.sta');
    expect(statements.map((s) => s.entries.length)).toEqual([1, 0, 2, 2]);
    expect(statements[0].accountIdentifier).toBe('1291.99.348EUR');
    expect(statements[0].entries[0]).toMatchObject({
      amount: '-1213.28',
      counterpartyName: 'W.P. Jansen',
      remittanceText:
        'Terugboeking\nNIET AKKOORD MET AFSCHRIJVING\nKOSTEN KINDEROPVANG JUNI\n20095731',
    });
    expect(statements[3].accountIdentifier).toBe('1526.89.184EUR');
  });

  it('PostFinance: the two pages (:62M:/:60M:) are merged into one statement', () => {
    const [statement] = parse('mt940-wolph-jejik-postfinance-chf.sta');
    expect(statement.statementId).toBe('2014040708285927/999/1');
    expect(statement.opening).toEqual({ amount: '0.00', currency: 'CHF', date: '2013-11-30' });
    expect(statement.closing).toEqual({ amount: '159.60', currency: 'CHF', date: '2014-04-07' });
    expect(statement.entries.map((e) => e.amount)).toEqual(['79.70', '149.50', '-79.90', '10.10']);
    expect(statement.entries[0].raw.supplementaryDetails).toBe('20131209007602198765432000000012');
  });

  it('ASN: SWIFT envelope blocks, 31 daily statements, multi-line padded :86:', () => {
    const statements = parse('mt940-wolph-asnbank-swift-blocks.940');
    expect(statements[0].statementId).toBe('0000000000/1/1');
    expect(statements[0].accountIdentifier).toBe('NL81ASNB9999999999');
    expect(statements[0].entries[0]).toMatchObject({
      amount: '-65.00',
      bankTransactionCode: 'NOVB',
      remittanceText: 'NL47INGB9999999999 hr gjlm paulissen\nBetaling sieraden',
    });
    for (let i = 1; i < statements.length; i++) {
      expect(statements[i].opening?.amount).toBe(statements[i - 1].closing.amount);
    }
  });

  it('German SEPA ?nn sub-fields: EREF, SVWZ, names in ?32/?33, RC reversals negative', () => {
    const statements = parse('mt940-wolph-betterplace-sepa-reversals.sta');
    expect(statements[0].accountIdentifier).toBe('50880050/0194774600888');
    const reversal = statements[0].entries[5];
    expect(reversal).toMatchObject({
      amount: '-204.88',
      reversal: true,
      bankTransactionCode: 'NRTI',
    });
    expect(reversal.raw).toMatchObject({ mark: 'RC', fundsCode: 'R' });
    const credit = statements[1].entries[0];
    expect(credit).toMatchObject({
      amount: '15000.05',
      endToEndId: 'EndToEndIdTFNR2000400001',
      counterpartyName: 'Richter Renate 70 Zeichen Beginn Fuellzeichen xxxxxxxx',
      counterpartyAccount: 'DE42100100100043921105',
      bankReference: '0724710290621954',
    });
    expect(credit.remittanceText).toMatch(/^TO 13 TFNr 20004 Eingangskanal Mint/);
    expect(allEntries(statements).filter((e) => e.reversal)).toHaveLength(
      allEntries(statements).filter((e) => String(e.raw.mark).startsWith('R')).length,
    );
  });

  it('cmxl: three currencies in one file; DK sub-fields spread over lines', () => {
    const statements = parse('mt940-wolph-cmxl-multi-currency.sta');
    expect(statements.map((s) => s.currency)).toEqual(['DEM', 'EUR', 'PLN']);
    expect(statements[1].entries[1]).toMatchObject({
      amount: '3000.00',
      counterpartyName: 'MUELLER',
      remittanceText: 'Gehalt OktoberFirmaMustermannGmbH',
    });
    expect(statements[2].statementId).toBe('TELEWIZORY S.A./00084/001');
    expect(statements[2].entries[0].counterpartyName).toBe(
      'HUTA SZKLA TOPIC UL PRZEMYSLOWA 67 32-669 WROCLAW',
    );
  });

  it('mBank: SOH byte skipped, funds code N, bank reference after //', () => {
    const [statement] = parse('mt940-wolph-mbank-pln.sta');
    expect(statement.statementId).toBe('ST170119CYC/1/1/1');
    expect(statement.entries[0]).toMatchObject({
      amount: '0.01',
      bankReference: 'MB170119012058',
    });
    expect(statement.entries[0].remittanceText).toContain('TNR: 179171073864111.010001');
  });

  it('Sberbank: CRLF, :NS: lines kept in raw, funds code F', () => {
    const [statement] = parse('mt940-wolph-sberbank-hu-crlf.sta');
    expect(statement.statementId).toBe('STARTUMS/00046');
    expect(statement.entries[0].amount).toBe('-2402.00');
    expect(statement.entries[0].raw.nonSwift).toContain('15ERGO Versicherung AG Fiokte');
    expect(JSON.stringify(statement)).not.toContain('\r');
  });

  it('Raiffeisen: CP852 bytes decoded (á, ó, í, ö)', () => {
    const bytes = read('mt940-wolph-raiffeisen-hu-cp852.sta');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const [statement] = parse('mt940-wolph-raiffeisen-hu-cp852.sta');
    expect(statement.accountIdentifier).toBe('UBRTHUHB/123456789150ABCDEF002/HUF');
    expect(statement.entries[0]).toMatchObject({ amount: '2066637.00', currency: 'HUF' });
    expect(statement.entries[0].raw.supplementaryDetails).toBe('Csoportos átutalás jóváírása');
    expect(statement.entries[0].remittanceText).toContain('napi összevont utánvét');
    expect(statement.entries[3].raw.supplementaryDetails).toBe('Díj, jutalék');
  });
});

describe('CSV with a mapping', () => {
  it('French export: preamble skipped, debit/credit columns, decimal comma, dd/mm/yy', () => {
    const [statement] = parse('csv-oca-sheet-preamble-debit-credit.csv');
    expect(statement.entries.map((e) => [e.bookingDate, e.amount, e.bankReference])).toEqual([
      ['2020-04-01', '-50.00', 'UNIQUE OP 1'],
      ['2020-04-01', '-100.00', 'UNIQUE OP 2'],
      ['2020-04-02', '-80.68', 'UNIQUE OP 3'],
      ['2020-04-02', '1300.00', 'UNIQUE OP 4'],
    ]);
    expect(statement.statementId).toBe('CSV 2020-04-01..2020-04-02');
    expect(statement.opening).toBeNull();
  });

  it('English export: US dates, thousands separators, partner names', () => {
    const [statement] = parse('csv-oca-sheet-sample-statement-en.csv');
    expect(statement.entries[0]).toMatchObject({
      bookingDate: '2018-12-15',
      amount: '-33.50',
      currency: 'USD',
      counterpartyName: 'John Doe',
      remittanceText: 'Your best supplier on 12/15/2018',
    });
    expect(statement.entries[1]).toMatchObject({
      amount: '1525.00',
      counterpartyName: 'Azure Interior',
    });
  });

  it('a CSV without a mapping, or with a wrong column, is refused with a clear message', () => {
    const name = 'csv-oca-sheet-sample-statement-en.csv';
    expect(() => parseStatements(name, read(name))).toThrow(/no CSV column mapping/);
    expect(() =>
      parseStatements(name, read(name), {
        csvMapping: { ...CSV_MAPPINGS[name], columns: { bookingDate: 'Datum', amount: 'Amount' } },
      }),
    ).toThrow(/column 'Datum' \(bookingDate\) is not in the header row/);
  });
});

describe('malformed files', () => {
  const fail = (name: string, content: string, format?: StatementFormat) => {
    try {
      parseStatements(name, Buffer.from(content, 'utf8'), { format });
    } catch (error) {
      expect(error).toBeInstanceOf(StatementParseError);
      return (error as StatementParseError).message;
    }
    throw new Error('expected a StatementParseError');
  };

  it('broken XML names the line', () => {
    const message = fail(
      'broken.xml',
      '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>\n<Stmt><Id>1</Stmt>',
    );
    expect(message).toMatch(/^broken\.xml: not well-formed XML \(line \d+\)/);
  });

  it('camt.053 without a closing balance', () => {
    const xml = readFileSync(join(SAMPLES, 'camt053-v04-oca-no-entries.xml'), 'utf8').replace(
      '<Cd>CLBD</Cd>',
      '<Cd>XXXX</Cd>',
    );
    expect(fail('no-closing.xml', xml)).toBe(
      'no-closing.xml: statement 1: no closing balance (Bal with Tp CLBD)',
    );
  });

  it('MT940 with an unreadable :61: names the line', () => {
    const mt940 =
      ':20:REF\n:25:CH123\n:28C:1/1\n:60F:C240101CHF10,00\n:61:2401X10,00NTRF\n:62F:C240101CHF10,00\n-';
    expect(fail('bad.sta', mt940)).toMatch(/^bad\.sta: line 5: :61: must be/);
  });

  it('MT940 without a closing balance', () => {
    expect(fail('short.sta', ':20:REF\n:25:CH123\n:28C:1/1\n:60F:C240101CHF10,00\n-')).toMatch(
      /no closing balance/,
    );
  });

  it('XML that is not camt.053', () => {
    const xml = '<?xml version="1.0"?><Document><BkToCstmrDbtCdtNtfctn/></Document>';
    expect(fail('camt054.xml', xml)).toBe(
      'camt054.xml: no Document/BkToCstmrStmt/Stmt: not a camt.053 file',
    );
  });

  it('an empty file', () => {
    expect(fail('empty.xml', '')).toBe('empty.xml: the file is empty');
  });
});

describe('amount normalisation', () => {
  it.each([
    ['18.150', 'EUR', '.', '18.15'],
    ['000000001213,28', 'EUR', ',', '1213.28'],
    ['9,', 'EUR', ',', '9.00'],
    ['79,7', 'CHF', ',', '79.70'],
    ['1,525.00', 'USD', '.', '1525.00'],
    ['+31070,11', 'EUR', ',', '31070.11'],
    ['1.23456', 'EUR', '.', '1.23456'],
    ['2700', 'JPY', '.', '2700'],
    ['1.5', 'KWD', '.', '1.500'],
    ['-0.00', 'EUR', '.', '0.00'],
    ['12,5', 'DEM', ',', '12.50'],
  ] as const)('%s (%s, separator %s) -> %s', (text, currency, separator, expected) => {
    expect(normaliseAmount(text, currency, separator)).toBe(expected);
  });

  it('refuses what is not an amount', () => {
    expect(normaliseAmount('abc', 'EUR')).toBeNull();
    expect(normaliseAmount('', 'EUR')).toBeNull();
  });
});

it('the expected/ files all belong to a sample', () => {
  for (const name of readdirSync(EXPECTED)) {
    const stem = name.replace(/\.(json|yml)$/, '');
    expect(SAMPLE_FILES.some((f) => f.startsWith(`${stem}.`))).toBe(true);
  }
  expect(existsSync(SAMPLES)).toBe(true);
});
