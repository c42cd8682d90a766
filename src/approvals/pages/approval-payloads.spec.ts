import {
  describePayload,
  keyWords,
  NO_REFERENCES,
  PayloadView,
  referencedIds,
  References,
} from './approval-payloads';

const PLEDGE = '5b0f3c1e-8d2a-4c55-9e61-0a1b2c3d4e5f';
const DONOR = '7e3d2c1b-0a9f-4e8d-b7c6-5a4b3c2d1e0f';
const UNKNOWN_RECEIPT = '11111111-2222-4333-8444-555555555555';

const refs: References = {
  ...NO_REFERENCES,
  pledges: new Map([
    [
      PLEDGE,
      {
        id: PLEDGE,
        reference: 'WSIS-TF-2026-0007',
        currency: 'EUR',
        amount_minor: '2500000',
        donor_id: DONOR,
        donor_name: 'Republic of Rwanda',
        receivable_minor: '1250050',
      },
    ],
  ]),
  donors: new Map([[DONOR, 'Republic of Rwanda']]),
  accounts: new Map([['WSIS-TF/1100', 'Contributions receivable']]),
};

/** Each field as "label: text", links marked with their target. */
const lines = (view: PayloadView): string[] =>
  view.fields.map(
    (field) =>
      `${field.label}: ${field.parts.map((p) => (p.href === null ? p.text : `[${p.text}](${p.href})`)).join(', ')}`,
  );

describe('approval payloads in words', () => {
  it('tells a kind without a description of its own as labelled fields, the things it names named', () => {
    const view = describePayload(
      'donor.merge',
      {
        pledgeId: PLEDGE.toUpperCase(),
        receiptIds: [UNKNOWN_RECEIPT],
        actualCost: '1200.5',
        currency: 'CHF',
        isFinal: true,
        attempts: 3,
        memo: null,
        split: { shareOfCost: '10,000.00', currency: 'USD' },
        tags: ['urgent', 'board'],
        lines: [{ account: '1100' }],
      },
      refs,
    );
    expect(lines(view)).toEqual([
      `Pledge: [WSIS-TF-2026-0007](/pledges/${PLEDGE})`,
      // Not known (any more): the id, since there is no name to give.
      `Receipts: ${UNKNOWN_RECEIPT}`,
      'Actual cost: CHF 1,200.50',
      'Currency: CHF',
      'Is final: yes',
      'Attempts: 3',
      'Split › Share of cost: USD 10,000.00',
      'Split › Currency: USD',
      'Tags: urgent, board',
      'Lines 1 › Account: 1100',
    ]);
    expect(view.tables).toEqual([]);
  });

  it('describes a pledge write-off with the pledge, its donor and the amounts in the language asked', () => {
    const view = describePayload(
      'pledge.write-off',
      { pledgeId: PLEDGE, date: '2026-10-31', reason: 'Lapsed' },
      refs,
    );
    expect(lines(view)).toEqual([
      `Pledge: [WSIS-TF-2026-0007](/pledges/${PLEDGE})`,
      `Donor: [Republic of Rwanda](/donors/${DONOR})`,
      'Pledge amount: EUR 25,000.00',
      'Outstanding now: EUR 12,500.50',
      'Accounting date: 2026-10-31',
      'Reason: Lapsed',
    ]);
  });

  it('shows an adjustment’s lines as a table, the typed amounts read in their currency', () => {
    const view = describePayload(
      'journal.adjustment',
      {
        fund: 'WSIS-TF',
        entry: {
          date: '2026-03-15',
          description: 'Receivable agreed',
          lines: [
            {
              account: '1100',
              donorId: DONOR,
              earmark: 'UNEARMARKED',
              currency: 'CHF',
              debit: '1,000.00',
            },
            { account: '4000', donorId: DONOR, currency: 'CHF', credit: '1000' },
          ],
        },
      },
      refs,
    );
    expect(lines(view)).toEqual([
      'Fund: WSIS-TF',
      'Entry date: 2026-03-15',
      'Description: Receivable agreed',
    ]);
    const [table] = view.tables;
    expect(table.columns.map((c) => c.label)).toEqual([
      'Account',
      'Donor, earmark, bank account, pledge',
      'Debit',
      'Credit',
    ]);
    expect(
      table.rows.map((row) => row.cells.map((cell) => cell.parts.map((p) => p.text).join(', '))),
    ).toEqual([
      ['1100 Contributions receivable', 'Republic of Rwanda, UNEARMARKED', 'CHF 1,000.00', ''],
      ['4000', 'Republic of Rwanda', '', 'CHF 1,000.00'],
    ]);
  });

  it('finds every id the payloads name, whatever their depth', () => {
    const ids = referencedIds([
      { pledgeId: PLEDGE, nested: { lines: [{ donorId: DONOR.toUpperCase() }] } },
      { receiptIds: [UNKNOWN_RECEIPT, 'not-an-id'], fund: 'WSIS-TF' },
    ]);
    expect([...ids.pledges]).toEqual([PLEDGE]);
    expect([...ids.donors]).toEqual([DONOR]);
    expect([...ids.receipts]).toEqual([UNKNOWN_RECEIPT]);
    expect([...ids.funds]).toEqual(['WSIS-TF']);
  });

  it('turns keys into words', () => {
    expect(keyWords('actualCost')).toBe('Actual cost');
    expect(keyWords('bank_account')).toBe('Bank account');
    expect(keyWords('decision-date')).toBe('Decision date');
  });
});
