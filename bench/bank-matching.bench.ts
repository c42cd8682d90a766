/**
 * Bank matching figures on generated, labelled statements (run by hand, not in CI):
 *   npm run bench:matching        (nest build && node dist/bench/bank-matching.bench.js)
 *   BENCH_SIZES=10000 BENCH_SEED=7 node dist/bench/bank-matching.bench.js
 * No database: the pure engine (src/reconciliation/matching/matching-engine.ts) runs in memory on
 * the lines, receipts and donors of bench/reconciliation/generate-statement.ts, the way
 * MatchingService feeds it (suggestions per line, several lines for one receipt, then 'auto'
 * matches: autoConfirmable, and never a receipt two lines would take).
 * Prints, per number of lines: the share auto-confirmed; the precision of the auto-confirmed
 * matches (target: no wrong one); of the lines that have a right match, the share whose right
 * match is auto-confirmed or suggested first (target ≥ 95%); the time taken (target: 100,000
 * lines in under 30 s). Then the same per kind of line for the largest size, and a check that
 * the index gives the full scan's suggestions on a sample of lines.
 */
import { generateStatement, LABEL_KINDS, LabelKind } from './reconciliation/generate-statement';
import {
  autoConfirmable,
  buildCandidateIndex,
  buildLineIndex,
  DEFAULT_MATCHING_CONFIG,
  MatchingContext,
  sortSuggestions,
  Suggestion,
  suggestForLine,
  suggestForLineIndexed,
  suggestLinesForReceiptIndexed,
} from '../src/reconciliation/matching/matching-engine';

const SIZES = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const SEED = Number(process.env.BENCH_SEED ?? 42);
const SAMPLE = Number(process.env.BENCH_FULL_SCAN_SAMPLE ?? 50);

interface Outcome {
  lines: number;
  receipts: number;
  autoConfirmed: number;
  autoWrong: number;
  withRightMatch: number;
  rightFound: number;
  ms: number;
  generateMs: number;
  perKind: Map<LabelKind, { lines: number; auto: number; autoWrong: number; right: number }>;
  sampleEqual: string;
}

const sameIds = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');

function run(lines: number): Outcome {
  const startGenerate = performance.now();
  const statement = generateStatement({ lines, seed: SEED });
  const generateMs = performance.now() - startGenerate;

  const start = performance.now();
  const context: MatchingContext = {
    receipts: statement.receipts,
    donors: statement.donors,
    learned: new Map(),
    rejected: new Set(),
    config: DEFAULT_MATCHING_CONFIG,
  };
  const index = buildCandidateIndex(context);
  const suggestions = new Map<string, Suggestion[]>();
  for (const line of statement.lines) {
    suggestions.set(line.id, suggestForLineIndexed(line, index));
  }
  const lineIndex = buildLineIndex(statement.lines, index);
  for (const receipt of statement.receipts) {
    const split = suggestLinesForReceiptIndexed(receipt, lineIndex);
    if (split === undefined) continue;
    for (const lineId of split.lineIds) {
      suggestions.set(lineId, sortSuggestions([...(suggestions.get(lineId) ?? []), split]));
    }
  }
  // As MatchingService.run: a receipt two lines would take is no certainty for either.
  const picks = new Map<string, Suggestion>();
  const takers = new Map<string, number>();
  for (const line of statement.lines) {
    const pick = autoConfirmable(suggestions.get(line.id) ?? [], context.config);
    if (pick === undefined) continue;
    picks.set(line.id, pick);
    takers.set(pick.receiptIds[0], (takers.get(pick.receiptIds[0]) ?? 0) + 1);
  }
  for (const [lineId, pick] of picks) {
    if (takers.get(pick.receiptIds[0]) !== 1) picks.delete(lineId);
  }
  const ms = performance.now() - start;

  const outcome: Outcome = {
    lines,
    receipts: statement.receipts.length,
    autoConfirmed: picks.size,
    autoWrong: 0,
    withRightMatch: 0,
    rightFound: 0,
    ms,
    generateMs,
    perKind: new Map(
      LABEL_KINDS.map((kind) => [kind, { lines: 0, auto: 0, autoWrong: 0, right: 0 }]),
    ),
    sampleEqual: '',
  };
  for (const line of statement.lines) {
    const label = statement.labels.get(line.id);
    if (label === undefined) continue;
    const kind = outcome.perKind.get(label.kind)!;
    kind.lines += 1;
    const auto = picks.get(line.id);
    if (auto !== undefined) {
      kind.auto += 1;
      if (!sameIds(auto.receiptIds, label.receiptIds)) {
        outcome.autoWrong += 1;
        kind.autoWrong += 1;
      }
    }
    if (label.receiptIds.length === 0) continue;
    outcome.withRightMatch += 1;
    const shown = auto ?? suggestions.get(line.id)?.[0];
    if (shown !== undefined && sameIds(shown.receiptIds, label.receiptIds)) {
      outcome.rightFound += 1;
      kind.right += 1;
    }
  }

  // The index must not change what is suggested: compare with the full scan on a sample.
  const step = Math.max(1, Math.floor(lines / SAMPLE));
  let compared = 0;
  let differ = 0;
  for (let at = 0; at < lines && compared < SAMPLE; at += step) {
    const line = statement.lines[at];
    compared += 1;
    const full = JSON.stringify(suggestForLine(line, context), (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v,
    );
    if (full !== JSON.stringify(suggestForLineIndexed(line, index))) differ += 1;
  }
  outcome.sampleEqual = `${compared - differ}/${compared}`;
  return outcome;
}

const pct = (part: number, whole: number): string =>
  whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(2)}%`;

function main(): void {
  const outcomes = SIZES.map((size) => run(size));
  console.log(`Bank matching benchmark (seed ${SEED}, engine in memory, no database)\n`);
  console.table(
    outcomes.map((o) => ({
      lines: o.lines,
      receipts: o.receipts,
      'auto-confirmed': pct(o.autoConfirmed, o.lines),
      'auto precision': pct(o.autoConfirmed - o.autoWrong, o.autoConfirmed),
      'wrong auto': o.autoWrong,
      'right match confirmed or first': pct(o.rightFound, o.withRightMatch),
      'matching s': (o.ms / 1000).toFixed(2),
      'generate s': (o.generateMs / 1000).toFixed(2),
      'index = full scan (sample)': o.sampleEqual,
    })),
  );
  const largest = outcomes[outcomes.length - 1];
  if (largest !== undefined) {
    console.log(`\nPer kind of line (${largest.lines} lines)`);
    console.table(
      [...largest.perKind].map(([kind, k]) => ({
        kind,
        lines: k.lines,
        'auto-confirmed': pct(k.auto, k.lines),
        'wrong auto': k.autoWrong,
        'right confirmed or first':
          kind === 'non-contribution' || kind === 'unrecorded' ? '-' : pct(k.right, k.lines),
      })),
    );
  }
  const targets = outcomes.map((o) => ({
    lines: o.lines,
    'no wrong auto': o.autoWrong === 0,
    'right ≥ 95%': o.rightFound >= 0.95 * o.withRightMatch,
    'under 30 s': o.lines < 100_000 || o.ms < 30_000,
  }));
  console.log('\nTargets');
  console.table(targets);
}

main();
