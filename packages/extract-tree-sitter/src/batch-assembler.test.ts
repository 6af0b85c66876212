import { defineDataset } from '@anatomy/schema-authority';
import type { CellValue, ColumnBatch } from '@anatomy/schema-authority';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchAssembler } from './batch-assembler.js';
import { packRows, unpackInto } from './packed-rows.js';

const sample = defineDataset({
  name: 'evidence.sample',
  producer: 'test',
  version: 1,
  description: 'one column of each type',
  spanUnit: 'none',
  columns: [
    { name: 'name', type: 'utf8', nullable: true, description: 'a string' },
    { name: 'small', type: 'int32', nullable: true, description: 'a small integer' },
    { name: 'big', type: 'int64', nullable: false, description: 'an integer beyond 32 bits' },
    { name: 'ratio', type: 'float64', nullable: false, description: 'a float' },
    { name: 'flag', type: 'bool', nullable: true, description: 'a boolean' },
  ],
});

const row = fc.record({
  name: fc.option(fc.string({ unit: 'binary' }), { nil: null }),
  small: fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { nil: null }),
  big: fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.constant(Number.MIN_SAFE_INTEGER)),
  ratio: fc.double({ noNaN: true }),
  flag: fc.option(fc.boolean(), { nil: null }),
});
type Row = { name: string | null; small: number | null; big: number; ratio: number; flag: boolean | null };

function columnsOf(rows: readonly Row[]): Record<string, CellValue[]> {
  return Object.fromEntries(sample.columns.map((c) => [c.name, rows.map((r) => r[c.name as keyof Row])]));
}

function rowsOfBatches(batches: readonly ColumnBatch[]): Row[] {
  return batches.flatMap((b) => Array.from({ length: b.rowCount }, (_, i) => Object.fromEntries(sample.columns.map((c) => [c.name, b.columns[c.name]![i]])) as Row));
}

describe('packRows', () => {
  it('round-trips every cell, nulls included', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), (rows) => {
        const { rows: packed, transfer } = packRows(sample, columnsOf(rows));
        expect(packed.rowCount).toBe(rows.length);
        expect(transfer.length).toBeGreaterThan(0);
        for (const col of sample.columns) {
          const out = new Array<CellValue>(rows.length);
          unpackInto(packed.columns[col.name]!, 0, rows.length, out, 0);
          expect(out).toEqual(rows.map((r) => r[col.name as keyof Row]));
        }
      }),
    );
  });

  it('stores strings once per distinct value and small integers as 32 bits', () => {
    const { rows } = packRows(sample, columnsOf(Array.from({ length: 100 }, (_, i) => ({ name: i % 2 ? 'file:a' : 'file:b', small: i, big: i, ratio: 0.5, flag: true }))));
    expect(rows.columns['name']).toMatchObject({ encoding: 'dictionary', dictionary: ['file:b', 'file:a'] });
    expect(rows.columns['big']?.encoding).toBe('int32');
    expect(rows.columns['ratio']?.encoding).toBe('float64');
  });
});

describe('BatchAssembler', () => {
  it('cuts and merges rows into batches of at most maxRows, losing none and keeping their order', () => {
    fc.assert(
      fc.property(fc.array(fc.array(row, { maxLength: 40 }), { maxLength: 8 }), fc.integer({ min: 1, max: 25 }), (parts, maxRows) => {
        const assembler = new BatchAssembler([sample], maxRows);
        const batches: ColumnBatch[] = [];
        for (const part of parts) batches.push(...assembler.add(packRows(sample, columnsOf(part)).rows));
        for (const b of batches) expect(b.rowCount).toBe(maxRows);
        batches.push(...assembler.flush());
        for (const b of batches) expect(b.rowCount).toBeLessThanOrEqual(maxRows);
        expect(rowsOfBatches(batches)).toEqual(parts.flat());
        expect(assembler.flush()).toEqual([]);
      }),
    );
  });

  it('ignores rows of datasets it was not given and refuses a non-positive size', () => {
    const assembler = new BatchAssembler([], 10);
    expect(assembler.add(packRows(sample, columnsOf([{ name: 'x', small: 1, big: 1, ratio: 1, flag: false }])).rows)).toEqual([]);
    expect(() => new BatchAssembler([sample], 0)).toThrow(RangeError);
  });
});

describe('packRows on distinct strings', () => {
  it('sends mostly distinct strings as they are, and still round-trips them', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => ({ name: `node:${i}`, small: null, big: i, ratio: 1, flag: null }));
    const { rows: packed } = packRows(sample, columnsOf(rows));
    expect(packed.columns['name']?.encoding).toBe('cells');
    const out = new Array<CellValue>(rows.length);
    unpackInto(packed.columns['name']!, 0, rows.length, out, 0);
    expect(out).toEqual(rows.map((r) => r.name));
  });
});
