import { generateStatement, LABEL_KINDS } from '../../bench/reconciliation/generate-statement';

describe('generateStatement (bench data for bank matching)', () => {
  const statement = generateStatement({ lines: 2000, seed: 7 });

  it('is deterministic for a seed and differs for another', () => {
    expect(generateStatement({ lines: 2000, seed: 7 }).lines).toEqual(statement.lines);
    expect(generateStatement({ lines: 2000, seed: 8 }).lines).not.toEqual(statement.lines);
  });

  it('labels every line, with receipts that exist, and gives the number of lines asked for', () => {
    expect(statement.lines).toHaveLength(2000);
    const receipts = new Map(statement.receipts.map((r) => [r.id, r]));
    for (const line of statement.lines) {
      const label = statement.labels.get(line.id);
      expect(label).toBeDefined();
      for (const id of label!.receiptIds) expect(receipts.has(id)).toBe(true);
    }
    const kinds = new Set([...statement.labels.values()].map((label) => label.kind));
    expect([...kinds].sort()).toEqual([...LABEL_KINDS].sort());
  });

  it('labels amounts truthfully: what the bank credited against what was recorded', () => {
    const receipts = new Map(statement.receipts.map((r) => [r.id, r]));
    const net = (id: string): bigint =>
      receipts.get(id)!.grossMinor - receipts.get(id)!.chargesMinor;
    const splitTotals = new Map<string, bigint>();
    for (const line of statement.lines) {
      const label = statement.labels.get(line.id)!;
      switch (label.kind) {
        case 'charges-deducted':
          expect(line.amountMinor).toBeLessThan(net(label.receiptIds[0]));
          expect(net(label.receiptIds[0]) - line.amountMinor).toBeLessThanOrEqual(5000n);
          break;
        case 'combined':
          expect(label.receiptIds).toHaveLength(2);
          expect(line.amountMinor).toBe(net(label.receiptIds[0]) + net(label.receiptIds[1]));
          break;
        case 'split':
          splitTotals.set(
            label.receiptIds[0],
            (splitTotals.get(label.receiptIds[0]) ?? 0n) + line.amountMinor,
          );
          break;
        case 'non-contribution':
        case 'unrecorded':
          expect(label.receiptIds).toEqual([]);
          break;
        default:
          expect(line.amountMinor).toBe(net(label.receiptIds[0]));
      }
    }
    // Both halves of a split add up to the receipt (a half cut off at the end excepted).
    const whole = [...splitTotals].filter(([id, total]) => total === net(id));
    expect(whole.length).toBeGreaterThanOrEqual(splitTotals.size - 1);
  });
});
