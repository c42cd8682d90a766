/**
 * A generator of realistic, labelled bank statements for the matching benchmark: for a seed and
 * a number of lines, the donors, the receipts officers recorded and the bank lines, each line
 * labelled with the receipts it truly pays (none for lines that are not contributions or were
 * never recorded). Deterministic: the same seed gives the same statement. Amounts are bigint
 * minor units of the account's currency.
 *
 * What makes it hard, as banks send it: bank charges deducted, names written differently or
 * mistyped, references missing or mistyped, one receipt paid in two lines, one line paying two
 * receipts, foreign-currency payments converted by the bank, interest, fees and transfers.
 */
import type {
  EngineDonor,
  EngineLine,
  EngineReceipt,
} from '../../src/reconciliation/matching/matching-engine';

export const LABEL_KINDS = [
  'exact-reference',
  'charges-deducted',
  'name-variant',
  'name-typo',
  'mistyped-reference',
  'split',
  'combined',
  'foreign-currency',
  'non-contribution',
  'unrecorded',
] as const;
export type LabelKind = (typeof LABEL_KINDS)[number];

export interface LineLabel {
  kind: LabelKind;
  /** The receipts this line pays; empty when nothing recorded is the right match. */
  receiptIds: string[];
}

export interface GeneratedStatement {
  seed: number;
  donors: EngineDonor[];
  receipts: EngineReceipt[];
  lines: EngineLine[];
  labels: Map<string, LineLabel>;
}

/** Share of each kind, in per mille of the lines (the rest are exact references). */
const SHARES: Array<[LabelKind, number]> = [
  ['charges-deducted', 150],
  ['name-variant', 100],
  ['name-typo', 100],
  ['mistyped-reference', 50],
  ['split', 50],
  ['combined', 50],
  ['foreign-currency', 50],
  ['non-contribution', 100],
  ['unrecorded', 50],
];

/** mulberry32: a small, fast, well-mixed 32-bit generator; enough for test data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ['ar', 'be', 'cor', 'da', 'el', 'fin', 'gua', 'hel', 'is', 'ka', 'lu', 'mo'];
const SYLLABLES2 = ['na', 'ri', 'sta', 'to', 'val', 'wen', 'xa', 'yor', 'zem', 'bo', 'qui', 'pe'];
const FORMS = ['Government of', 'Republic of', 'Ministry of Foreign Affairs of', 'Kingdom of'];

export function generateStatement(options: {
  lines: number;
  seed?: number;
  donors?: number;
  startDate?: string;
}): GeneratedStatement {
  const seed = options.seed ?? 42;
  const random = seededRandom(seed);
  const int = (below: number): number => Math.floor(random() * below);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const start = Date.parse(`${options.startDate ?? '2026-01-01'}T00:00:00Z`);
  const dateAt = (day: number): string =>
    new Date(start + day * 86_400_000).toISOString().slice(0, 10);
  const span = Math.max(30, Math.ceil(options.lines / 40));

  const donors: EngineDonor[] = [];
  const donorCount = options.donors ?? Math.max(20, Math.min(2000, Math.ceil(options.lines / 20)));
  for (let i = 0; i < donorCount; i += 1) {
    const stem = `${pick(SYLLABLES)}${pick(SYLLABLES2)}${pick(SYLLABLES2)}`;
    const name = `${stem[0].toUpperCase()}${stem.slice(1)} ${i.toString(36).toUpperCase()}`;
    donors.push({ id: `D${i}`, name: `${pick(FORMS)} ${name}` });
  }

  const receipts: EngineReceipt[] = [];
  const lines: EngineLine[] = [];
  const labels = new Map<string, LineLabel>();
  let receiptNo = 0;
  const kindAt = (): LabelKind => {
    let roll = int(1000);
    for (const [kind, share] of SHARES) {
      if (roll < share) return kind;
      roll -= share;
    }
    return 'exact-reference';
  };
  const amount = (): bigint => BigInt(1000 + int(500_000)) * 100n + BigInt(int(100));
  const newReceipt = (
    donor: EngineDonor,
    gross: bigint,
    charges: bigint,
    day: number,
    ref: string | null,
  ): EngineReceipt => {
    const receipt: EngineReceipt = {
      id: `R${receiptNo}`,
      grossMinor: gross,
      chargesMinor: charges,
      valueDate: dateAt(day),
      donorId: donor.id,
      bankReference: ref,
      remitterName: donor.name,
      remittanceText: `Contribution WSIS-TF-2026-${String(receiptNo).padStart(4, '0')}`,
    };
    receiptNo += 1;
    receipts.push(receipt);
    return receipt;
  };
  const addLine = (line: Omit<EngineLine, 'id'>, label: LineLabel): void => {
    const id = `L${lines.length}`;
    lines.push({ id, ...line });
    labels.set(id, label);
  };

  while (lines.length < options.lines) {
    const kind = kindAt();
    const donor = pick(donors);
    const day = int(span);
    const lag = int(3);
    const ref = `BANK-${seed}-${lines.length}`;
    const gross = amount();
    const base = { date: dateAt(day + lag), endToEndId: null };
    switch (kind) {
      case 'exact-reference': {
        const r = newReceipt(donor, gross, 0n, day, ref);
        addLine(
          {
            ...base,
            amountMinor: gross,
            bankReference: ref,
            counterpartyName: donor.name,
            remittanceText: r.remittanceText,
          },
          { kind, receiptIds: [r.id] },
        );
        break;
      }
      case 'charges-deducted': {
        // The officer recorded the gross the donor sent; the bank credited less.
        const charge = BigInt(500 + int(4000));
        const r = newReceipt(donor, gross, 0n, day, null);
        addLine(
          {
            ...base,
            amountMinor: gross - charge,
            bankReference: null,
            counterpartyName: donor.name,
            remittanceText: null,
          },
          { kind, receiptIds: [r.id] },
        );
        break;
      }
      case 'name-variant': {
        const r = newReceipt(donor, gross, 0n, day, null);
        const variant = donor.name
          .toUpperCase()
          .replace(/^(GOVERNMENT|REPUBLIC|KINGDOM|MINISTRY OF FOREIGN AFFAIRS) OF /, '');
        addLine(
          {
            ...base,
            amountMinor: gross,
            bankReference: null,
            counterpartyName: `${variant} (${donor.name.split(' ')[0].toUpperCase()})`,
            remittanceText: 'CONTRIBUTION',
          },
          { kind, receiptIds: [r.id] },
        );
        break;
      }
      case 'name-typo': {
        const r = newReceipt(donor, gross, 0n, day, null);
        const at = 3 + int(Math.max(1, donor.name.length - 4));
        const typo = donor.name.slice(0, at) + donor.name.slice(at + 1);
        addLine(
          {
            ...base,
            amountMinor: gross,
            bankReference: null,
            counterpartyName: typo,
            remittanceText: null,
          },
          { kind, receiptIds: [r.id] },
        );
        break;
      }
      case 'mistyped-reference': {
        const r = newReceipt(donor, gross, 0n, day, ref);
        addLine(
          {
            ...base,
            amountMinor: gross,
            bankReference: `${ref}9`,
            counterpartyName: donor.name,
            remittanceText: (r.remittanceText ?? '').replace(/\d$/, 'X'),
          },
          { kind, receiptIds: [r.id] },
        );
        break;
      }
      case 'split': {
        const r = newReceipt(donor, gross, 0n, day, null);
        const first = gross / 3n;
        addLine(
          {
            ...base,
            amountMinor: first,
            bankReference: null,
            counterpartyName: donor.name,
            remittanceText: 'Part 1',
          },
          { kind, receiptIds: [r.id] },
        );
        addLine(
          {
            ...base,
            amountMinor: gross - first,
            bankReference: null,
            counterpartyName: donor.name,
            remittanceText: 'Part 2',
          },
          { kind, receiptIds: [r.id] },
        );
        break;
      }
      case 'combined': {
        const a = newReceipt(donor, gross, 0n, day, null);
        const other = amount();
        const b = newReceipt(donor, other, 0n, day, null);
        addLine(
          {
            ...base,
            amountMinor: gross + other,
            bankReference: null,
            counterpartyName: donor.name,
            remittanceText: 'Instalments 1 and 2',
          },
          { kind, receiptIds: [a.id, b.id] },
        );
        break;
      }
      case 'foreign-currency': {
        // Sent in EUR; the bank converted it; the officer recorded the amount credited.
        const r = newReceipt(donor, gross, 0n, day, null);
        const eur = (gross * 100n) / 108n;
        addLine(
          {
            ...base,
            amountMinor: gross,
            bankReference: null,
            counterpartyName: donor.name,
            remittanceText: `EUR ${eur / 100n}.${String(eur % 100n).padStart(2, '0')} AT 1.08`,
          },
          { kind, receiptIds: [r.id] },
        );
        break;
      }
      case 'non-contribution': {
        const which = int(3);
        const amountMinor =
          which === 0 ? BigInt(100 + int(50_000)) : which === 1 ? -BigInt(500 + int(5000)) : -gross;
        const text =
          which === 0 ? 'CREDIT INTEREST' : which === 1 ? 'ACCOUNT FEES' : 'TRANSFER TO TREASURY';
        addLine(
          {
            ...base,
            amountMinor,
            bankReference: `NC-${lines.length}`,
            counterpartyName: which === 2 ? 'ITU TREASURY' : null,
            remittanceText: text,
          },
          { kind, receiptIds: [] },
        );
        break;
      }
      case 'unrecorded': {
        addLine(
          {
            ...base,
            amountMinor: gross,
            bankReference: null,
            counterpartyName: donor.name,
            remittanceText: 'CONTRIBUTION',
          },
          { kind, receiptIds: [] },
        );
        break;
      }
    }
  }
  // The last kind may add two lines: keep exactly the number asked for.
  while (lines.length > options.lines) labels.delete((lines.pop() as EngineLine).id);
  return { seed, donors, receipts, lines, labels };
}
