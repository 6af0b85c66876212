import { validate } from '@anatomy/contracts';
import { describe, expect, it } from 'vitest';
import { WriteMeasurementSchema } from './write-measurement.js';

const good = { target: 'evidence.py_defs', rowsInserted: 5, rowsDeleted: 1, tableRowCount: 4, walBytes: 2048, totalBlocks: 10, freeBlocks: 2 };

describe('WriteMeasurementSchema', () => {
  it('accepts a measurement and keeps members it does not use out', () => {
    expect(WriteMeasurementSchema.parse({ ...good, durationMs: 3.5, operation: 'ingest' })).toEqual(good);
  });

  it.each([
    ['an empty target', { target: '' }, ['target']],
    ['fractional rows', { rowsInserted: 1.5 }, ['rowsInserted']],
    ['negative WAL bytes', { walBytes: -1 }, ['walBytes']],
    ['more free blocks than blocks', { freeBlocks: 11 }, ['freeBlocks']],
  ])('rejects %s', (_label, change, paths) => {
    const result = validate(WriteMeasurementSchema, { ...good, ...change });
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual(paths);
  });
});
