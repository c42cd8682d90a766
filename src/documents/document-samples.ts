import { Money } from '../money/money';
import { Rate } from '../money/rate';
import {
  AcknowledgementData,
  DocumentDonor,
  DocumentFund,
  ReminderData,
  StatementData,
  StatementReceipt,
  UnLanguage,
} from '../statements/statement-data.types';

/**
 * Realistic documents for previews, tests and the benchmark: donors as a finance officer would
 * type them (in their own language), amounts in several currencies at UN-like rates, and
 * figures that roll forward exactly as the ledger's do.
 */
export const SAMPLE_FUND: DocumentFund = {
  code: 'WSIS-TF',
  name: 'WSIS Trust Fund',
  currency: 'CHF',
};

const DONORS: Record<UnLanguage, Omit<DocumentDonor, 'id' | 'language'>> = {
  ar: {
    name: 'وزارة الاتصالات وتقنية المعلومات، المملكة العربية السعودية',
    type: 'member_state',
    country: 'SA',
  },
  zh: { name: '中华人民共和国工业和信息化部', type: 'member_state', country: 'CN' },
  en: {
    name: 'Ministry of Information, Communications and the Digital Economy, Republic of Kenya',
    type: 'member_state',
    country: 'KE',
  },
  fr: {
    name: 'Office fédéral de la communication (OFCOM), Confédération suisse',
    type: 'member_state',
    country: 'CH',
  },
  es: {
    name: 'Ministerio de Tecnologías de la Información y las Comunicaciones de Colombia',
    type: 'member_state',
    country: 'CO',
  },
  ru: {
    name: 'Министерство цифрового развития, связи и массовых коммуникаций Российской Федерации',
    type: 'member_state',
    country: 'RU',
  },
};

// A receipt currency and the UN rate to CHF used for it.
const CURRENCIES: [string, string][] = [
  ['USD', '0.8843'],
  ['EUR', '0.9412'],
  ['CHF', '1'],
  ['GBP', '1.1268'],
];

const LDC_COUNTRIES = ['BD', 'BF', 'ET', 'HT', 'MW', 'NP', 'SN', 'TZ'];

// A small deterministic generator, so that sample n is the same on every run.
function generator(seed: number): (below: number) => number {
  let state = (seed * 2654435761 + 1013904223) >>> 0;
  return (below) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % below;
  };
}

const chf = (minor: bigint): Money => Money.of(minor, 'CHF');
const json = (money: Money): { amount: string; currency: string } => money.toJSON();
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

export function sampleDonor(language: UnLanguage, seed = 0): DocumentDonor {
  return {
    id: `00000000-0000-4000-8000-${pad(seed, 12)}`,
    language,
    ...DONORS[language],
  };
}

/**
 * A year's statement for WSIS-TF: two pledges, `receipts` contributions (original currency,
 * rate, CHF value, charges), an exchange difference, a write-off, instalments due and grants
 * funded. closing = opening + pledged − received + exchange differences − written off.
 */
export function sampleStatement(
  language: UnLanguage,
  options: { seed?: number; receipts?: number; donorName?: string } = {},
): StatementData {
  const seed = options.seed ?? 0;
  const next = generator(seed);
  const donor = sampleDonor(language, seed);
  if (options.donorName !== undefined) donor.name = options.donorName;
  const year = 2026;
  const reference = (n: number): string => `WSIS-TF-${year}-${pad(n, 4)}`;
  const pledgeUsd = Money.of(BigInt(50_000 + next(200) * 1_000) * 100n, 'USD');
  const pledgeRate = Rate.parse('0.8851');
  const pledges = [
    {
      reference: reference(seed * 2 + 12),
      earmark: 'PARTICIPATION-GRANTS',
      status: 'partially_paid',
      date: `${year}-02-17`,
      amount: json(pledgeUsd),
      functional: json(pledgeUsd.convert(pledgeRate, 'CHF')),
    },
    {
      reference: reference(seed * 2 + 13),
      earmark: 'WSIS20-REVIEW',
      status: 'announced',
      date: `${year}-05-04`,
      amount: json(Money.of(BigInt(25_000 + next(50) * 500) * 100n, 'CHF')),
      functional: json(chf(0n)),
    },
  ];
  const receiptCount = options.receipts ?? 3;
  const receipts: StatementReceipt[] = [];
  for (let i = 0; i < receiptCount; i++) {
    const [currency, rate] = CURRENCIES[next(CURRENCIES.length)];
    const original = Money.of(BigInt(2_000 + next(9_000)) * 100n + BigInt(next(100)), currency);
    const charges = next(3) === 0 ? chf(0n) : chf(BigInt(10 + next(30)) * 100n);
    const functional = original.convert(Rate.parse(rate), 'CHF');
    // Every fifth receipt arrived without a usable reference: left as unapplied credit.
    const applied = i % 5 === 4 ? chf(0n) : functional;
    receipts.push({
      number: `RC-${year}-${pad(seed * 50 + i + 1, 6)}`,
      valueDate: `${year}-${pad(1 + Math.floor((i * 12) / receiptCount), 2)}-${pad(1 + next(28), 2)}`,
      original: json(original),
      rate,
      functional: json(functional),
      charges: json(charges),
      pledges: applied.isZero() ? [] : [pledges[0].reference],
      applied: json(applied),
      exchangeDifference: json(applied.isZero() ? chf(0n) : chf(BigInt(next(20_000) - 12_000))),
    });
  }
  const sum = (amounts: ({ amount: string } | undefined)[]): Money =>
    Money.sum(
      'CHF',
      amounts.map((a) => Money.parse(a?.amount ?? '0', 'CHF')),
    );
  const opening = chf(BigInt(10_000 + next(40_000)) * 100n + BigInt(next(100)));
  const pledged = sum(pledges.map((p) => p.functional));
  const received = sum(receipts.map((r) => r.applied));
  const exchange = sum(receipts.map((r) => r.exchangeDifference));
  const unapplied = sum(receipts.filter((r) => r.pledges.length === 0).map((r) => r.functional));
  const writtenOff = chf(BigInt(1_000 + next(2_000)) * 100n);
  const closing = opening.add(pledged).subtract(received).add(exchange).subtract(writtenOff);
  const countries = [...LDC_COUNTRIES.slice(0, 3 + next(5)), 'CO', 'KE', 'PH'].sort();
  return {
    kind: 'statement',
    donor,
    fund: { ...SAMPLE_FUND },
    period: { from: `${year}-01-01`, to: `${year}-12-31` },
    sections: [
      {
        fund: { ...SAMPLE_FUND },
        openingOutstanding: json(opening),
        pledges,
        pledgedTotal: json(pledged),
        receipts,
        receivedTotal: json(received),
        exchangeDifferences: json(exchange),
        writeOffs: [
          {
            pledgeReference: reference(seed * 2 + 3),
            date: `${year}-11-30`,
            functional: json(writtenOff),
          },
        ],
        writtenOffTotal: json(writtenOff),
        cancelledAndAdjusted: json(chf(0n)),
        closingOutstanding: json(closing),
        unappliedCredit: json(unapplied),
        instalmentsDue: [1, 2, 3].map((seq) => ({
          pledgeReference: pledges[0].reference,
          seq: seq + 1,
          dueDate: `${year + seq - 1}-06-30`,
          outstanding: json(Money.of(BigInt(10_000 + next(5_000)) * 100n, 'USD')),
          overdue: seq === 1,
        })),
        grantUse: {
          grants: countries.length + 5,
          participants: countries.length + 5,
          countries,
          ldcGrants: countries.length,
          amount: json(chf(BigInt(20_000 + next(30_000)) * 100n + 35n)),
        },
      },
    ],
  };
}

export function sampleAcknowledgement(language: UnLanguage, seed = 0): AcknowledgementData {
  const original = Money.parse('48250.00', 'USD');
  const rate = '0.8843';
  return {
    kind: 'acknowledgement',
    donor: sampleDonor(language, seed),
    fund: { ...SAMPLE_FUND },
    receipt: {
      id: `10000000-0000-4000-8000-${pad(seed, 12)}`,
      number: `RC-2026-${pad(seed + 41, 6)}`,
      valueDate: '2026-03-12',
      original: json(original),
      charges: json(Money.parse('20.00', 'USD')),
      rate,
      functional: json(original.convert(Rate.parse(rate), 'CHF')),
    },
    allocations: [
      {
        pledgeReference: 'WSIS-TF-2026-0012',
        earmark: 'PARTICIPATION-GRANTS',
        amount: json(Money.parse('40000.00', 'USD')),
      },
      {
        pledgeReference: 'WSIS-TF-2025-0031',
        earmark: 'UNEARMARKED',
        amount: json(Money.parse('8000.00', 'USD')),
      },
    ],
    unapplied: json(Money.parse('250.00', 'USD')),
  };
}

export function sampleReminder(language: UnLanguage, step = 0, seed = 0): ReminderData {
  return {
    kind: 'reminder',
    donor: sampleDonor(language, seed),
    fund: { ...SAMPLE_FUND },
    pledgeReference: 'WSIS-TF-2026-0012',
    instalmentSeq: 2,
    dueDate: '2026-06-30',
    outstanding: json(Money.parse('12500.00', 'USD')),
    step,
    overdue: step > 0,
    bankAccount: {
      name: 'ITU WSIS Trust Fund USD account',
      iban: 'CH9300762011623852957',
      bic: 'UBSWCHZH80A',
    },
  };
}
