import { defineDataset } from '@anatomy/schema-authority';
import { describe, expect, it } from 'vitest';
import { RowBuffer } from './row-buffer.js';

const pairs = defineDataset({
  name: 'evidence.test_pairs',
  producer: 'extract-scip',
  version: 1,
  description: 'two columns',
  spanUnit: 'none',
  columns: [
    { name: 'a', type: 'utf8', nullable: false, role: 'attribute', description: 'a' },
    { name: 'b', type: 'int32', nullable: true, role: 'attribute', description: 'b' },
  ],
});

describe('RowBuffer', () => {
  it('takes rows written column by column as it takes rows pushed whole, in order', () => {
    const buffer = new RowBuffer(pairs, 2);
    buffer.push({ a: 'x', b: 1 });
    const columns = buffer.columns();
    columns['a']?.push('y', 'z');
    columns['b']?.push(null, 3);
    buffer.added(2);
    const batches = buffer.take(true);
    expect(batches.map((b) => [b.rowCount, b.columns])).toEqual([
      [2, { a: ['x', 'y'], b: [1, null] }],
      [1, { a: ['z'], b: [3] }],
    ]);
  });

  it('refuses a count of rows some column did not get a value for', () => {
    const buffer = new RowBuffer(pairs, 8);
    buffer.columns()['a']?.push('x');
    expect(() => buffer.added(1)).toThrow(/column b holds 0 values for 1 rows/);
  });
});
