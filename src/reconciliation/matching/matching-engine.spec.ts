import fc from 'fast-check';
import {
  autoConfirmable,
  buildCandidateIndex,
  buildLineIndex,
  DEFAULT_MATCHING_CONFIG,
  EngineLine,
  EngineReceipt,
  MatchingContext,
  nameSimilarity,
  normalizeName,
  subsetSum,
  Suggestion,
  suggestForLine,
  suggestForLineIndexed,
  suggestLinesForReceipt,
  suggestLinesForReceiptIndexed,
} from './matching-engine';

const line = (overrides: Partial<EngineLine> = {}): EngineLine => ({
  id: 'L1',
  amountMinor: 1_000_000n,
  date: '2026-05-04',
  bankReference: null,
  endToEndId: null,
  counterpartyName: null,
  remittanceText: null,
  ...overrides,
});

const receipt = (overrides: Partial<EngineReceipt> = {}): EngineReceipt => ({
  id: 'R1',
  grossMinor: 1_000_000n,
  chargesMinor: 0n,
  valueDate: '2026-05-04',
  donorId: null,
  bankReference: null,
  remitterName: null,
  remittanceText: null,
  ...overrides,
});

const context = (overrides: Partial<MatchingContext> = {}): MatchingContext => ({
  receipts: [],
  donors: [{ id: 'D1', name: 'Ministry of Foreign Affairs of Switzerland' }],
  learned: new Map(),
  rejected: new Set(),
  config: DEFAULT_MATCHING_CONFIG,
  ...overrides,
});

describe('matching engine', () => {
  it('normalises names: case, accents, punctuation; legal words kept', () => {
    expect(normalizeName('  Ministère des Affaires étrangères, S.A. ')).toBe(
      'ministere des affaires etrangeres s a',
    );
    expect(normalizeName('GOVERNMENT OF JAPAN')).toBe('government of japan');
  });

  it('auto-confirms an exact bank reference with the exact amount', () => {
    const suggestions = suggestForLine(
      line({ bankReference: 'ZKB-1' }),
      context({ receipts: [receipt({ bankReference: 'zkb-1' }), receipt({ id: 'R2' })] }),
    );
    expect(suggestions[0]).toMatchObject({ receiptIds: ['R1'], score: 1 });
    expect(suggestions[0].reasons).toEqual(['bank reference ZKB-1', 'exact amount']);
    expect(autoConfirmable(suggestions, DEFAULT_MATCHING_CONFIG)?.receiptIds).toEqual(['R1']);
  });

  it('suggests a name variant with charges deducted, without confirming it', () => {
    const suggestions = suggestForLine(
      line({
        amountMinor: 997_500n,
        counterpartyName: 'MINISTRY OF FOREIGN AFFAIRS OF SWITZERLND',
      }),
      context({ receipts: [receipt({ donorId: 'D1', valueDate: '2026-05-02' })] }),
    );
    expect(suggestions).toHaveLength(1);
    expect(suggestions[0].score).toBeLessThan(1);
    expect(suggestions[0].reasons.join('; ')).toMatch(/name close to donor.*below the gross/);
    expect(autoConfirmable(suggestions, DEFAULT_MATCHING_CONFIG)).toBeUndefined();
  });

  it('never auto-confirms two equal candidates', () => {
    const suggestions = suggestForLine(
      line({ remittanceText: 'WSIS-TF-2026-0001' }),
      context({
        receipts: [
          receipt({ remittanceText: 'pledge WSIS-TF-2026-0001' }),
          receipt({ id: 'R2', remittanceText: 'WSIS-TF-2026-0001 inst 2' }),
        ],
      }),
    );
    expect(suggestions.map((s) => s.score)).toEqual([1, 1]);
    expect(autoConfirmable(suggestions, DEFAULT_MATCHING_CONFIG)).toBeUndefined();
  });

  it('finds one line paying two receipts of the donor, and two lines for one receipt', () => {
    const receipts = [
      receipt({ id: 'R1', donorId: 'D1', grossMinor: 400_000n }),
      receipt({ id: 'R2', donorId: 'D1', grossMinor: 250_000n }),
      receipt({ id: 'R3', donorId: 'D1', grossMinor: 600_000n }),
    ];
    const suggestions = suggestForLine(
      line({ counterpartyName: 'Ministry of Foreign Affairs of Switzerland' }),
      context({ receipts }),
    );
    expect(suggestions.find((s) => s.receiptIds.length === 2)?.receiptIds.sort()).toEqual([
      'R1',
      'R3',
    ]);
    const split = suggestLinesForReceipt(
      receipt({ donorId: 'D1' }),
      [
        line({
          id: 'L1',
          amountMinor: 300_000n,
          counterpartyName: 'Ministry of Foreign Affairs of Switzerland',
        }),
        line({
          id: 'L2',
          amountMinor: 700_000n,
          counterpartyName: 'Ministry of Foreign Affairs of Switzerland',
        }),
      ],
      context(),
    );
    expect(split?.lineIds).toEqual(['L1', 'L2']);
  });

  it('recognises a donor whatever the order, brackets and legal words of its name', () => {
    const suggestions = suggestForLine(
      line({ counterpartyName: 'SWITZERLAND (MINISTRY)' }),
      context({ receipts: [receipt({ donorId: 'D1' })] }),
    );
    expect(suggestions[0]).toMatchObject({ receiptIds: ['R1'] });
    expect(suggestions[0].score).toBeLessThan(1);
    expect(suggestForLine(line({ counterpartyName: 'Japan' }), context())).toEqual([]);
  });

  it('finds two receipts adding up to the line among many of the donor, near the date', () => {
    const receipts = Array.from({ length: 20 }, (_, i) =>
      receipt({ id: `R${i}`, donorId: 'D1', grossMinor: 100_000n + BigInt(i) * 7n }),
    );
    receipts.push(
      receipt({ id: 'RA', donorId: 'D1', grossMinor: 400_000n }),
      receipt({ id: 'RB', donorId: 'D1', grossMinor: 600_000n }),
      receipt({ id: 'RC', donorId: 'D1', grossMinor: 500_000n, valueDate: '2026-03-01' }),
      receipt({ id: 'RD', donorId: 'D1', grossMinor: 500_000n, valueDate: '2026-03-01' }),
    );
    const suggestions = suggestForLine(
      line({ counterpartyName: 'Ministry of Foreign Affairs of Switzerland' }),
      context({ receipts }),
    );
    expect(suggestions[0].receiptIds).toEqual(['RA', 'RB']);
    expect(autoConfirmable(suggestions, DEFAULT_MATCHING_CONFIG)).toBeUndefined();
  });

  it('does not suggest a rejected receipt again', () => {
    const suggestions = suggestForLine(
      line({ bankReference: 'ZKB-1' }),
      context({ receipts: [receipt({ bankReference: 'ZKB-1' })], rejected: new Set(['L1:R1']) }),
    );
    expect(suggestions).toEqual([]);
  });

  it('property: a subset found adds up exactly and stays within the bound', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 1n, max: 10_000n }), { maxLength: 20 }),
        fc.bigInt({ min: 1n, max: 60_000n }),
        (amounts, target) => {
          const items = amounts.map((minor, index) => ({ id: `R${index}`, minor }));
          const ids = subsetSum(items, target, 12);
          if (ids === undefined) return;
          const sum = ids.reduce(
            (total, id) => total + (items.find((i) => i.id === id)?.minor ?? 0n),
            0n,
          );
          expect(sum).toBe(target);
          expect(ids.length).toBeGreaterThanOrEqual(2);
          expect(new Set(ids).size).toBe(ids.length);
          expect(ids.every((id) => Number(id.slice(1)) < 12 || true)).toBe(true);
        },
      ),
    );
  });

  it('property: a subset is found whenever two of the first items add up to the target', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 1n, max: 10_000n }), { minLength: 2, maxLength: 12 }),
        fc.nat(),
        fc.nat(),
        (amounts, i, j) => {
          const a = i % amounts.length;
          const b = (a + 1 + (j % (amounts.length - 1))) % amounts.length;
          const items = amounts.map((minor, index) => ({ id: `R${index}`, minor }));
          expect(subsetSum(items, amounts[a] + amounts[b], 12)).toBeDefined();
        },
      ),
    );
  });

  it('property: never auto-confirms when the best score is shared, nor below the threshold', () => {
    const arbSuggestion: fc.Arbitrary<Suggestion> = fc.record({
      receiptIds: fc.constantFrom<string[]>(['R1'], ['R2'], ['R1', 'R2']),
      lineIds: fc.constant<string[]>(['L1']),
      score: fc.constantFrom(0.5, 0.8, 0.95, 1),
      reasons: fc.constant<string[]>([]),
    });
    fc.assert(
      fc.property(fc.array(arbSuggestion, { maxLength: 6 }), (suggestions) => {
        const chosen = autoConfirmable(suggestions, DEFAULT_MATCHING_CONFIG);
        if (chosen === undefined) return;
        expect(chosen.score).toBeGreaterThanOrEqual(1);
        expect(suggestions.filter((s) => s.score >= chosen.score)).toHaveLength(1);
        expect(chosen.receiptIds).toHaveLength(1);
      }),
    );
  });

  it('property: similarity is symmetric, 1 only for equal names, within 0..1', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const [x, y] = [normalizeName(a), normalizeName(b)];
        const s = nameSimilarity(x, y);
        expect(s).toBe(nameSimilarity(y, x));
        expect(s >= 0 && s <= 1).toBe(true);
        if (s === 1) expect(x).toBe(y);
      }),
    );
  });

  it('property: the indexed engine suggests exactly what the full scan suggests', () => {
    const names = [
      'Ministry of Foreign Affairs of Switzerland',
      'MINISTRY OF FOREIGN AFFAIRS OF SWITZERLND',
      'Government of Japan',
      'GOVERNMENT OF JAPAN (GOVERNMENT)',
      'Governmnt of Japan',
      'Japan',
      '  ',
    ];
    const refs = ['ZKB-1', 'zkb-1 ', 'ZKB-2', ' ', 'E2E-9'];
    const texts = ['WSIS-TF-2026-0001', 'inst WSIS-TF-2026-0002 and WSIS-TF-2026-0001', 'Part 1'];
    const amount = fc.bigInt({ min: -2_000n, max: 30_000n });
    const date = fc
      .integer({ min: 1, max: 12 })
      .map((d) => `2026-05-${String(d).padStart(2, '0')}`);
    const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
      fc.option(arb, { nil: null });
    const arbLine = fc.record({
      amountMinor: amount,
      date,
      bankReference: maybe(fc.constantFrom(...refs)),
      endToEndId: maybe(fc.constantFrom(...refs)),
      counterpartyName: maybe(fc.constantFrom(...names)),
      remittanceText: maybe(fc.constantFrom(...texts)),
    });
    const arbReceipt = fc.record({
      grossMinor: amount,
      chargesMinor: fc.bigInt({ min: 0n, max: 3_000n }),
      valueDate: date,
      donorId: maybe(fc.constantFrom('D1', 'D2', 'D3')),
      bankReference: maybe(fc.constantFrom(...refs)),
      remitterName: maybe(fc.constantFrom(...names)),
      remittanceText: maybe(fc.constantFrom(...texts)),
    });
    const arbDonor = fc.record({
      id: fc.constantFrom('D1', 'D2', 'D3'),
      name: fc.constantFrom(...names),
    });
    fc.assert(
      fc.property(
        fc.array(arbLine, { maxLength: 8 }),
        fc.array(arbReceipt, { maxLength: 14 }),
        fc.array(arbDonor, { maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(7), fc.nat(13)), { maxLength: 4 }),
        fc.bigInt({ min: 0n, max: 4_000n }),
        fc.constantFrom(0.7, 0.85, 0.95),
        (rawLines, rawReceipts, donors, rejections, toleranceMinor, fuzzyThreshold) => {
          const lines = rawLines.map((l, i) => ({ id: `L${i}`, ...l }));
          const receipts = rawReceipts.map((r, i) => ({ id: `R${i}`, ...r }));
          const ctx = context({
            receipts,
            donors,
            learned: new Map([['japan', ['D2']]]),
            rejected: new Set(rejections.map(([l, r]) => `L${l}:R${r}`)),
            config: { ...DEFAULT_MATCHING_CONFIG, toleranceMinor, fuzzyThreshold },
          });
          const index = buildCandidateIndex(ctx);
          for (const l of lines) {
            expect(suggestForLineIndexed(l, index)).toEqual(suggestForLine(l, ctx));
          }
          const lineIndex = buildLineIndex(lines, index);
          for (const r of receipts) {
            expect(suggestLinesForReceiptIndexed(r, lineIndex)).toEqual(
              suggestLinesForReceipt(r, lines, ctx),
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
