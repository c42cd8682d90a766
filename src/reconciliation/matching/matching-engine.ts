import { distance } from 'fastest-levenshtein';

/**
 * The matching engine: pure functions from bank lines and recorded receipts to scored
 * suggestions, each with the reasons a reader needs to trust it. No I/O: the service feeds it
 * rows, so the same code runs in the API, in tests and in the benchmark. Amounts are bigint
 * minor units of the line's currency (a bank account's lines and receipts share its currency).
 */

export interface EngineLine {
  id: string;
  /** Signed: credits positive. Only credits are matched to receipts. */
  amountMinor: bigint;
  /** Value date, else booking date (YYYY-MM-DD). */
  date: string;
  bankReference: string | null;
  endToEndId: string | null;
  counterpartyName: string | null;
  remittanceText: string | null;
}

export interface EngineReceipt {
  id: string;
  grossMinor: bigint;
  chargesMinor: bigint;
  valueDate: string;
  donorId: string | null;
  bankReference: string | null;
  remitterName: string | null;
  remittanceText: string | null;
}

export interface EngineDonor {
  id: string;
  name: string;
}

export interface MatchingConfig {
  /** Bank charges a remitter's bank may deduct, in minor units of the line's currency. */
  toleranceMinor: bigint;
  dateWindowDays: number;
  /** Name similarity (1 − distance / longer length) from which two names are the same donor. */
  fuzzyThreshold: number;
  /** At most this many receipts (or lines) are searched for a combination. */
  maxSubsetCandidates: number;
  /** A suggestion scoring at least this is confirmed automatically (1: exact reference and amount). */
  autoConfirmScore: number;
}

export const DEFAULT_MATCHING_CONFIG: MatchingConfig = {
  toleranceMinor: 5000n,
  dateWindowDays: 5,
  fuzzyThreshold: 0.85,
  maxSubsetCandidates: 12,
  autoConfirmScore: 1,
};

/** What the engine knows besides the line: the open receipts, the donors, learned names, rejections. */
export interface MatchingContext {
  receipts: readonly EngineReceipt[];
  donors: readonly EngineDonor[];
  /** Normalised counterparty name → donors confirmed for it before. */
  learned: ReadonlyMap<string, readonly string[]>;
  /** `${lineId}:${receiptId}` pairs an officer rejected. */
  rejected: ReadonlySet<string>;
  config: MatchingConfig;
}

export interface Suggestion {
  receiptIds: string[];
  /** The lines it covers (one, or several for one receipt). */
  lineIds: string[];
  score: number;
  reasons: string[];
}

const PLEDGE_REFERENCE = /[A-Z0-9][A-Z0-9-]*-[0-9]{4}-[0-9]{4,}/g;
const DAY_MS = 86_400_000;

export function netMinor(receipt: EngineReceipt): bigint {
  return receipt.grossMinor - receipt.chargesMinor;
}

/**
 * A name as banks and people write it: lower case, accents and punctuation gone, spaces
 * collapsed. Words such as 'ministry of' or 'government of' are kept: they tell donors apart.
 */
export function normalizeName(name: string | null | undefined): string {
  if (name === null || name === undefined) return '';
  let normalized = normalizedNames.get(name);
  if (normalized === undefined) {
    if (normalizedNames.size > 100_000) normalizedNames.clear();
    normalized = name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9 ]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    normalizedNames.set(name, normalized);
  }
  return normalized;
}

/** Normalised names, kept for speed (a pure function of the name; bounded). */
const normalizedNames = new Map<string, string>();

/**
 * Words that say what kind of body a donor is rather than which one ('Government of', 'Ministry
 * of Foreign Affairs of', legal forms): banks drop, reorder or bracket them.
 */
const NAME_NOISE = new Set([
  'of',
  'the',
  'and',
  'for',
  'de',
  'des',
  'du',
  'la',
  'le',
  'government',
  'gouvernement',
  'republic',
  'republique',
  'kingdom',
  'royaume',
  'ministry',
  'ministere',
  'foreign',
  'affairs',
  'federal',
  'inc',
  'ltd',
  'llc',
  'plc',
  'gmbh',
  'ag',
  'corp',
  'co',
]);

/** Similarity given to names whose distinctive words are the same (in any order). */
const CORE_MATCH = 0.95;

/** The distinctive words of a normalised name, sorted ('' when there are none). */
export function nameCore(normalized: string): string {
  return normalized
    .split(' ')
    .filter((word) => word !== '' && !NAME_NOISE.has(word))
    .sort()
    .join(' ');
}

/**
 * How close a counterparty is to a donor: the whole names compared (typos), or CORE_MATCH (below
 * 1, kept for the same name) when their distinctive words are the same, whatever their order,
 * brackets and legal words ('ARNARITO 1A (GOVERNMENT)' for 'Government of Arnarito 1A').
 */
function donorSimilarity(name: string, core: string, donorName: string, donorCore: string): number {
  const full = nameSimilarity(name, donorName);
  if (full === 1 || core === '' || donorCore === '') return full;
  return core === donorCore ? Math.max(full, CORE_MATCH) : full;
}

/** 1 for the same normalised name, down to 0 for nothing in common. */
export function nameSimilarity(a: string, b: string): number {
  if (a.length === 0 || b.length === 0) return 0;
  if (a === b) return 1;
  return 1 - distance(a, b) / Math.max(a.length, b.length);
}

/** Pledge references (FUND-YYYY-NNNN) in a free text, upper case, once each. */
export function pledgeReferences(text: string | null | undefined): string[] {
  if (text === null || text === undefined) return [];
  return [...new Set(text.toUpperCase().match(PLEDGE_REFERENCE) ?? [])];
}

/** Parsed dates, kept for speed (the same value Date.parse gives; bounded). */
const parsedDates = new Map<string, number>();

function parseDay(date: string): number {
  let parsed = parsedDates.get(date);
  if (parsed === undefined) {
    if (parsedDates.size > 100_000) parsedDates.clear();
    parsed = Date.parse(`${date}T00:00:00Z`);
    parsedDates.set(date, parsed);
  }
  return parsed;
}

function days(a: string, b: string): number {
  return Math.abs(parseDay(a) - parseDay(b)) / DAY_MS;
}

function abs(value: bigint): bigint {
  return value < 0n ? -value : value;
}

function sameRef(a: string | null, b: string | null): boolean {
  return (
    a !== null && b !== null && a.trim() !== '' && a.trim().toUpperCase() === b.trim().toUpperCase()
  );
}

/** How well the line's counterparty names a donor: the best of exact, fuzzy and learned. */
export function recognizeDonors(
  counterparty: string | null,
  donors: readonly EngineDonor[],
  learned: ReadonlyMap<string, readonly string[]>,
  threshold: number,
): Map<string, { similarity: number; reason: string }> {
  const found = new Map<string, { similarity: number; reason: string }>();
  const name = normalizeName(counterparty);
  if (name === '') return found;
  const keep = (donorId: string, similarity: number, reason: string): void => {
    const earlier = found.get(donorId);
    if (earlier === undefined || earlier.similarity < similarity) {
      found.set(donorId, { similarity, reason });
    }
  };
  for (const donorId of learned.get(name) ?? []) {
    keep(donorId, 1, `name '${counterparty}' confirmed for this donor before`);
  }
  const core = nameCore(name);
  for (const donor of donors) {
    const donorName = normalizeName(donor.name);
    const similarity = donorSimilarity(name, core, donorName, nameCore(donorName));
    if (similarity === 1) keep(donor.id, 1, `name matches donor '${donor.name}'`);
    else if (similarity >= threshold) {
      keep(donor.id, similarity, `name close to donor '${donor.name}' (${similarity.toFixed(2)})`);
    }
  }
  return found;
}

/**
 * The ids of some of `items` whose amounts add up to `target` exactly, with at least `min` of
 * them; undefined when none do. Bounded: only the first `max` items are searched.
 */
export function subsetSum(
  items: ReadonlyArray<{ id: string; minor: bigint }>,
  target: bigint,
  max: number,
  min = 2,
): string[] | undefined {
  const pool = items.filter((item) => item.minor > 0n && item.minor <= target).slice(0, max);
  const chosen: string[] = [];
  const search = (from: number, rest: bigint): boolean => {
    if (rest === 0n) return chosen.length >= min;
    for (let index = from; index < pool.length; index += 1) {
      if (pool[index].minor > rest) continue;
      chosen.push(pool[index].id);
      if (search(index + 1, rest - pool[index].minor)) return true;
      chosen.pop();
    }
    return false;
  };
  return search(0, target) ? [...chosen] : undefined;
}

/**
 * Suggestions for one credit line, best first. Pass 1: a reference (the bank's, the end-to-end
 * id, or a pledge reference in both remittance texts) with the exact amount; pass 2: the donor
 * recognised from the counterparty name, the amount within the charges tolerance and the date
 * within the window; pass 3: several receipts of that donor adding up to the line.
 */
export function suggestForLine(line: EngineLine, context: MatchingContext): Suggestion[] {
  if (line.amountMinor <= 0n) return [];
  const { config } = context;
  const open = context.receipts.filter(
    (receipt) => !context.rejected.has(`${line.id}:${receipt.id}`),
  );
  const byReceipt = new Map<string, Suggestion>();
  const offer = (suggestion: Suggestion): void => {
    const key = suggestion.receiptIds.join(',');
    const earlier = byReceipt.get(key);
    if (earlier === undefined || earlier.score < suggestion.score) byReceipt.set(key, suggestion);
  };
  const lineRefs = pledgeReferences(line.remittanceText);
  const donors = recognizeDonors(
    line.counterpartyName,
    context.donors,
    context.learned,
    config.fuzzyThreshold,
  );

  for (const receipt of open) scoreReceipt(line, receipt, lineRefs, donors, config, offer);

  // Pass 3: one line paying several receipts of one recognised donor.
  offerCombinations(
    line,
    donors,
    (donorId) =>
      open
        .filter((receipt) => receipt.donorId === donorId)
        .sort((a, b) => a.valueDate.localeCompare(b.valueDate))
        .map((receipt) => ({
          id: receipt.id,
          minor: netMinor(receipt),
          time: parseDay(receipt.valueDate),
        })),
    config,
    offer,
  );
  return sortSuggestions([...byReceipt.values()]);
}

/** Passes 1 and 2 for one line and one receipt (the same code for the full scan and the index). */
function scoreReceipt(
  line: EngineLine,
  receipt: EngineReceipt,
  lineRefs: readonly string[],
  donors: ReadonlyMap<string, { similarity: number; reason: string }>,
  config: MatchingConfig,
  offer: (suggestion: Suggestion) => void,
): void {
  const net = netMinor(receipt);
  const exact = net === line.amountMinor;
  const nearGross = abs(receipt.grossMinor - line.amountMinor) <= config.toleranceMinor;
  const nearNet = abs(net - line.amountMinor) <= config.toleranceMinor;
  // Both passes need the amount: most receipts the index returns stop here, before the costlier
  // dates, references and names.
  if (!exact && !nearGross && !nearNet) return;
  const withinDays = days(line.date, receipt.valueDate) <= config.dateWindowDays;

  // Pass 1: references.
  const refReasons: string[] = [];
  if (sameRef(receipt.bankReference, line.bankReference)) {
    refReasons.push(`bank reference ${line.bankReference as string}`);
  } else if (sameRef(receipt.bankReference, line.endToEndId)) {
    refReasons.push(`end-to-end id ${line.endToEndId as string}`);
  }
  const receiptRefs = pledgeReferences(receipt.remittanceText);
  const shared = lineRefs.filter((ref) => receiptRefs.includes(ref));
  if (shared.length > 0) refReasons.push(`pledge reference ${shared.join(', ')}`);
  if (refReasons.length > 0) {
    offer({
      receiptIds: [receipt.id],
      lineIds: [line.id],
      score: exact ? 1 : 0.9,
      reasons: [...refReasons, exact ? 'exact amount' : amountReason(line, receipt)],
    });
  }

  // Pass 2: the donor from the counterparty name.
  const donor = receipt.donorId === null ? undefined : donors.get(receipt.donorId);
  const remitter = nameSimilarity(
    normalizeName(line.counterpartyName),
    normalizeName(receipt.remitterName),
  );
  const named =
    donor ??
    (remitter >= config.fuzzyThreshold
      ? {
          similarity: remitter,
          reason: `name close to remitter '${receipt.remitterName as string}' (${remitter.toFixed(2)})`,
        }
      : undefined);
  if (named !== undefined && withinDays) {
    const gap = days(line.date, receipt.valueDate);
    const score =
      0.5 +
      0.3 * named.similarity +
      (exact ? 0.1 : 0.05) +
      0.05 * (1 - gap / Math.max(config.dateWindowDays, 1));
    offer({
      receiptIds: [receipt.id],
      lineIds: [line.id],
      score: round(Math.min(score, 0.95)),
      reasons: [
        named.reason,
        exact ? 'exact amount' : amountReason(line, receipt),
        gap === 0 ? 'same value date' : `value date ${gap} day(s) apart`,
      ],
    });
  }
}

/** Two of `items` (the first such pair, in order) whose amounts add up to `target` exactly. */
function pairSum(
  items: ReadonlyArray<{ id: string; minor: bigint }>,
  target: bigint,
): string[] | undefined {
  const seen = new Map<bigint, string>();
  for (const item of items) {
    if (item.minor <= 0n || item.minor >= target) continue;
    const other = seen.get(target - item.minor);
    if (other !== undefined) return [other, item.id];
    if (!seen.has(item.minor)) seen.set(item.minor, item.id);
  }
  return undefined;
}

/** A receipt for pass 3: its net amount and its value date (parseDay). */
type DatedItem = { id: string; minor: bigint; time: number };

/**
 * Pass 3 for one line: `ofDonor` gives a donor's open receipts, oldest value date first. Only
 * receipts within the date window count; two of them adding up exactly are searched among all
 * of those, more than two among the first maxSubsetCandidates.
 */
function offerCombinations(
  line: EngineLine,
  donors: ReadonlyMap<string, { similarity: number; reason: string }>,
  ofDonor: (donorId: string) => ReadonlyArray<DatedItem>,
  config: MatchingConfig,
  offer: (suggestion: Suggestion) => void,
): void {
  const lineTime = parseDay(line.date);
  for (const [donorId, named] of donors) {
    const near = ofDonor(donorId).filter(
      (item) => Math.abs(lineTime - item.time) / DAY_MS <= config.dateWindowDays,
    );
    const ids =
      pairSum(near, line.amountMinor) ??
      subsetSum(near, line.amountMinor, config.maxSubsetCandidates);
    if (ids !== undefined) {
      offer({
        receiptIds: ids,
        lineIds: [line.id],
        score: round(0.6 + 0.2 * named.similarity),
        reasons: [named.reason, `${ids.length} receipts of the donor add up to the amount`],
      });
    }
  }
}

/**
 * Several lines for one receipt: credit lines of the donor the receipt names (by the
 * counterparty name) whose amounts add up to the receipt's net amount.
 */
export function suggestLinesForReceipt(
  receipt: EngineReceipt,
  lines: readonly EngineLine[],
  context: Pick<MatchingContext, 'donors' | 'learned' | 'rejected' | 'config'>,
): Suggestion | undefined {
  if (receipt.donorId === null) return undefined;
  const candidates: Array<{ id: string; minor: bigint; reason: string; similarity: number }> = [];
  for (const line of lines) {
    if (line.amountMinor <= 0n || context.rejected.has(`${line.id}:${receipt.id}`)) continue;
    if (days(line.date, receipt.valueDate) > context.config.dateWindowDays) continue;
    const named = recognizeDonors(
      line.counterpartyName,
      context.donors,
      context.learned,
      context.config.fuzzyThreshold,
    ).get(receipt.donorId);
    if (named !== undefined) {
      candidates.push({ id: line.id, minor: line.amountMinor, ...named });
    }
  }
  return splitSuggestion(receipt, candidates, context.config);
}

/** The tail of {@link suggestLinesForReceipt}: lines of the donor adding up to the receipt. */
function splitSuggestion(
  receipt: EngineReceipt,
  candidates: ReadonlyArray<{ id: string; minor: bigint; reason: string; similarity: number }>,
  config: MatchingConfig,
): Suggestion | undefined {
  const ids = subsetSum(candidates, netMinor(receipt), config.maxSubsetCandidates);
  if (ids === undefined) return undefined;
  const least = Math.min(...candidates.filter((c) => ids.includes(c.id)).map((c) => c.similarity));
  return {
    receiptIds: [receipt.id],
    lineIds: ids,
    score: round(0.6 + 0.2 * least),
    reasons: [
      candidates.find((c) => c.id === ids[0])?.reason ?? '',
      `${ids.length} bank lines add up to the receipt`,
    ],
  };
}

/**
 * The suggestion to confirm without an officer, if any: the best one scores at least the
 * threshold, is one line for one receipt, and no other suggestion scores as well. Ties never.
 */
export function autoConfirmable(
  suggestions: readonly Suggestion[],
  config: MatchingConfig,
): Suggestion | undefined {
  const [best, second] = sortSuggestions([...suggestions]);
  if (best === undefined || best.score < config.autoConfirmScore) return undefined;
  if (best.receiptIds.length !== 1 || best.lineIds.length !== 1) return undefined;
  if (second !== undefined && second.score >= best.score) return undefined;
  return best;
}

export function sortSuggestions(suggestions: Suggestion[]): Suggestion[] {
  return suggestions.sort(
    (a, b) => b.score - a.score || a.receiptIds.join(',').localeCompare(b.receiptIds.join(',')),
  );
}

function amountReason(line: EngineLine, receipt: EngineReceipt): string {
  const net = netMinor(receipt);
  if (net === line.amountMinor) return 'exact amount';
  if (line.amountMinor < receipt.grossMinor) {
    return `amount ${formatMinor(receipt.grossMinor - line.amountMinor)} below the gross (bank charges)`;
  }
  return `amount differs by ${formatMinor(abs(net - line.amountMinor))} (within the tolerance)`;
}

export function formatMinor(minor: bigint): string {
  const sign = minor < 0n ? '-' : '';
  const value = abs(minor);
  return `${sign}${value / 100n}.${String(value % 100n).padStart(2, '0')}`;
}

function round(score: number): number {
  return Math.round(score * 1000) / 1000;
}

/*
 * The same engine at scale. suggestForLine compares a line with every open receipt and every
 * donor: O(lines × (receipts + donors)), too slow for 100,000 lines. The index below returns,
 * for a line, only the receipts that can score at all, and the scoring is the very same code
 * (scoreReceipt, offerCombinations, splitSuggestion), so the suggestions are equal to the full
 * scan's (proved on random inputs in matching-engine.spec.ts):
 * - pass 1 needs a shared reference: receipts keyed by bank reference (trimmed, upper case, as
 *   sameRef compares them; looked up with the line's bank reference and end-to-end id) and by
 *   the pledge references in their remittance text;
 * - pass 2 needs the gross or net within the tolerance: receipts in amount buckets of width
 *   tolerance + 1 (minor units), so a near amount is in the line's bucket or a neighbour;
 * - pass 3 needs a recognised donor: receipts by donor, oldest value date first;
 * - donors are recognised once per counterparty name (memoised), by exact normalised name and,
 *   for fuzzy names, only against donors whose name length allows the threshold.
 */

type Recognised = ReadonlyMap<string, { similarity: number; reason: string }>;

export interface CandidateIndex {
  readonly context: MatchingContext;
  readonly byReference: ReadonlyMap<string, readonly number[]>;
  readonly byPledgeReference: ReadonlyMap<string, readonly number[]>;
  readonly byAmountBucket: ReadonlyMap<bigint, readonly number[]>;
  /** A donor's receipts, oldest value date first (a stable sort, as the full scan does). */
  readonly byDonor: ReadonlyMap<string, readonly EngineReceipt[]>;
  /** The same receipts as subsetSum items (id, net amount). */
  readonly itemsByDonor: ReadonlyMap<string, ReadonlyArray<DatedItem>>;
  readonly bucketWidth: bigint;
  /** Donors by normalised name (for similarity 1) and the names for the fuzzy search. */
  readonly donorNames: ReadonlyArray<{ donor: EngineDonor; name: string; core: string }>;
  /** Counterparty name → the donors it names (recognizeDonors, memoised). */
  readonly recognised: Map<string, Recognised>;
}

function referenceKey(reference: string | null): string | undefined {
  if (reference === null || reference.trim() === '') return undefined;
  return reference.trim().toUpperCase();
}

function floorDiv(value: bigint, by: bigint): bigint {
  const quotient = value / by;
  return value % by !== 0n && value < 0n !== by < 0n ? quotient - 1n : quotient;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else if (list[list.length - 1] !== value) list.push(value);
}

/** Indexes the context's receipts and donors once, for many lines. */
export function buildCandidateIndex(context: MatchingContext): CandidateIndex {
  const bucketWidth = abs(context.config.toleranceMinor) + 1n;
  const byReference = new Map<string, number[]>();
  const byPledgeReference = new Map<string, number[]>();
  const byAmountBucket = new Map<bigint, number[]>();
  const byDonor = new Map<string, EngineReceipt[]>();
  context.receipts.forEach((receipt, position) => {
    const key = referenceKey(receipt.bankReference);
    if (key !== undefined) push(byReference, key, position);
    for (const ref of pledgeReferences(receipt.remittanceText)) {
      push(byPledgeReference, ref, position);
    }
    const gross = floorDiv(receipt.grossMinor, bucketWidth);
    const net = floorDiv(netMinor(receipt), bucketWidth);
    push(byAmountBucket, gross, position);
    push(byAmountBucket, net, position);
    if (receipt.donorId !== null) push(byDonor, receipt.donorId, receipt);
  });
  for (const list of byDonor.values()) list.sort((a, b) => a.valueDate.localeCompare(b.valueDate));
  return {
    context,
    byReference,
    byPledgeReference,
    byAmountBucket,
    byDonor,
    itemsByDonor: new Map(
      [...byDonor].map(([donorId, list]) => [
        donorId,
        list.map((receipt) => ({
          id: receipt.id,
          minor: netMinor(receipt),
          time: parseDay(receipt.valueDate),
        })),
      ]),
    ),
    bucketWidth,
    donorNames: context.donors.map((donor) => {
      const name = normalizeName(donor.name);
      return { donor, name, core: nameCore(name) };
    }),
    recognised: new Map(),
  };
}

/** recognizeDonors(counterparty, …) for the index's context, computed once per name. */
export function recognizeDonorsIndexed(
  counterparty: string | null,
  index: CandidateIndex,
): Recognised {
  const key = counterparty ?? '';
  const known = index.recognised.get(key);
  if (known !== undefined) return known;
  const { learned, config } = index.context;
  const found = new Map<string, { similarity: number; reason: string }>();
  const name = normalizeName(counterparty);
  if (name !== '') {
    const keep = (donorId: string, similarity: number, reason: string): void => {
      const earlier = found.get(donorId);
      if (earlier === undefined || earlier.similarity < similarity) {
        found.set(donorId, { similarity, reason });
      }
    };
    for (const donorId of learned.get(name) ?? []) {
      keep(donorId, 1, `name '${counterparty}' confirmed for this donor before`);
    }
    const core = nameCore(name);
    for (const { donor, name: donorName, core: donorCore } of index.donorNames) {
      // The distance is at least the difference in length: skip names too short or too long,
      // unless their distinctive words are the same.
      const gap = Math.abs(name.length - donorName.length);
      if (
        gap > 0 &&
        1 - gap / Math.max(name.length, donorName.length) < config.fuzzyThreshold &&
        (core === '' || core !== donorCore)
      ) {
        continue;
      }
      const similarity = donorSimilarity(name, core, donorName, donorCore);
      if (similarity === 1) keep(donor.id, 1, `name matches donor '${donor.name}'`);
      else if (similarity >= config.fuzzyThreshold) {
        keep(
          donor.id,
          similarity,
          `name close to donor '${donor.name}' (${similarity.toFixed(2)})`,
        );
      }
    }
  }
  index.recognised.set(key, found);
  return found;
}

/** suggestForLine(line, index.context), scoring only the receipts the index returns. */
export function suggestForLineIndexed(line: EngineLine, index: CandidateIndex): Suggestion[] {
  if (line.amountMinor <= 0n) return [];
  const { context } = index;
  const { config } = context;
  const positions = new Set<number>();
  const add = (list: readonly number[] | undefined): void => {
    for (const position of list ?? []) positions.add(position);
  };
  for (const reference of [line.bankReference, line.endToEndId]) {
    const key = referenceKey(reference);
    if (key !== undefined) add(index.byReference.get(key));
  }
  const lineRefs = pledgeReferences(line.remittanceText);
  for (const ref of lineRefs) add(index.byPledgeReference.get(ref));
  const bucket = floorDiv(line.amountMinor, index.bucketWidth);
  for (const near of [bucket - 1n, bucket, bucket + 1n]) add(index.byAmountBucket.get(near));

  const open = (receipt: EngineReceipt): boolean =>
    !context.rejected.has(`${line.id}:${receipt.id}`);
  const byReceipt = new Map<string, Suggestion>();
  const offer = (suggestion: Suggestion): void => {
    const key = suggestion.receiptIds.join(',');
    const earlier = byReceipt.get(key);
    if (earlier === undefined || earlier.score < suggestion.score) byReceipt.set(key, suggestion);
  };
  const donors = recognizeDonorsIndexed(line.counterpartyName, index);
  for (const position of [...positions].sort((a, b) => a - b)) {
    const receipt = context.receipts[position];
    if (open(receipt)) scoreReceipt(line, receipt, lineRefs, donors, config, offer);
  }
  offerCombinations(
    line,
    donors,
    (donorId) => {
      const receipts = index.byDonor.get(donorId) ?? [];
      const items = index.itemsByDonor.get(donorId) ?? [];
      return context.rejected.size === 0 ? items : items.filter((_, at) => open(receipts[at]));
    },
    config,
    offer,
  );
  return sortSuggestions([...byReceipt.values()]);
}

interface LineEntry {
  line: EngineLine;
  named: { similarity: number; reason: string };
  position: number;
  time: number;
}

export interface LineIndex {
  readonly index: CandidateIndex;
  /** Donor → the credit lines whose counterparty names it, by date (unparsable dates apart). */
  readonly byDonor: ReadonlyMap<string, { dated: LineEntry[]; undated: LineEntry[] }>;
}

/** Indexes credit lines by the donors their counterparty names, for suggestLinesForReceiptIndexed. */
export function buildLineIndex(lines: readonly EngineLine[], index: CandidateIndex): LineIndex {
  const byDonor = new Map<string, { dated: LineEntry[]; undated: LineEntry[] }>();
  lines.forEach((line, position) => {
    if (line.amountMinor <= 0n) return;
    const time = parseDay(line.date);
    for (const [donorId, named] of recognizeDonorsIndexed(line.counterpartyName, index)) {
      let entry = byDonor.get(donorId);
      if (entry === undefined) byDonor.set(donorId, (entry = { dated: [], undated: [] }));
      (Number.isNaN(time) ? entry.undated : entry.dated).push({ line, named, position, time });
    }
  });
  for (const entry of byDonor.values()) entry.dated.sort((x, y) => x.time - y.time);
  return { index, byDonor };
}

/** The first index in [0, length) where `past` turns true (it is false, then true). */
function firstWhere(length: number, past: (at: number) => boolean): number {
  let [low, high] = [0, length];
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (past(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** suggestLinesForReceipt(receipt, lines, index.context) with the lines of its donor only. */
export function suggestLinesForReceiptIndexed(
  receipt: EngineReceipt,
  lines: LineIndex,
): Suggestion | undefined {
  if (receipt.donorId === null) return undefined;
  const { rejected, config } = lines.index.context;
  const candidates: Array<{ id: string; minor: bigint; reason: string; similarity: number }> = [];
  const entry = lines.byDonor.get(receipt.donorId);
  if (entry === undefined) return splitSuggestion(receipt, candidates, config);
  const { dated, undated } = entry;
  const at = parseDay(receipt.valueDate);
  let near: LineEntry[];
  if (Number.isNaN(at)) near = [...dated, ...undated];
  else {
    // Within the window: a run of the lines sorted by date (NaN distances are never too far).
    const far = (time: number): boolean => Math.abs(time - at) / DAY_MS > config.dateWindowDays;
    const from = firstWhere(dated.length, (i) => !(dated[i].time < at && far(dated[i].time)));
    const to = firstWhere(dated.length, (i) => dated[i].time > at && far(dated[i].time));
    near = [...dated.slice(from, Math.max(from, to)), ...undated];
  }
  near.sort((x, y) => x.position - y.position);
  for (const { line, named } of near) {
    if (rejected.has(`${line.id}:${receipt.id}`)) continue;
    if (days(line.date, receipt.valueDate) > config.dateWindowDays) continue;
    candidates.push({ id: line.id, minor: line.amountMinor, ...named });
  }
  return splitSuggestion(receipt, candidates, config);
}
