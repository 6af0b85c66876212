import { describe, expect, it } from 'vitest';
import { pyLineTableDataset } from './bytecode-datasets.js';
import { BatchAccumulator } from './batch-accumulator.js';

const rows = (from: number, count: number): [string[], string[], number[], number[], (number | null)[]] => {
  const range = Array.from({ length: count }, (_, i) => from + i);
  return [range.map(() => 'code:c'), range.map(() => 'file:f'), range, range.map((i) => i + 1), range.map((i) => (i % 3 === 0 ? null : i))];
};

describe('BatchAccumulator', () => {
  it('cuts rows from several appends into batches of at most maxRows, in order', () => {
    const acc = new BatchAccumulator(pyLineTableDataset, 4);
    expect(acc.append(rows(0, 3), 3)).toEqual([]);
    const full = acc.append(rows(3, 6), 6);
    expect(full.map((b) => [b.rowCount, b.columns['start_offset']])).toEqual([
      [4, [0, 1, 2, 3]],
      [4, [4, 5, 6, 7]],
    ]);
    const rest = acc.flush();
    expect(rest?.rowCount).toBe(1);
    expect(rest?.columns['line']).toEqual([8]);
    expect(full[0]?.columns['line']).toEqual([null, 1, 2, null]);
    expect(acc.flush()).toBeNull();
  });

  it('validates every batch against the dataset', () => {
    const acc = new BatchAccumulator(pyLineTableDataset, 2);
    const bad = rows(0, 2);
    bad[2][1] = 1.5;
    expect(() => acc.append(bad, 2)).toThrow(expect.objectContaining({ code: 'schema-authority/InvalidBatch' }));
  });
});
