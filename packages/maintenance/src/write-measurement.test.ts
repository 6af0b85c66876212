import { validate } from '@anatomy/contracts';
import { openStore } from '@anatomy/store';
import { describe, expect, it } from 'vitest';
import { WriteMeasurementSchema } from './write-measurement.js';

const good = { target: 'evidence.py_defs', rowsInserted: 5, rowsDeleted: 1, tableRowCount: 4, storedRowCount: 5, walBytes: 2048, totalBlocks: 10, freeBlocks: 2 };

describe('WriteMeasurementSchema', () => {
  it('accepts a measurement and keeps members it does not use out', () => {
    expect(WriteMeasurementSchema.parse({ ...good, durationMs: 3.5, fileBytes: 4096, operation: 'ingest' })).toEqual({ ...good, operation: 'ingest' });
    expect(WriteMeasurementSchema.parse(good)).toEqual(good);
  });

  it('takes a WriteOutcome the store reported, unchanged', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      const outcome = await store.materialize({ name: 'cpg.nodes', sql: 'SELECT range AS id FROM range(10)', as: 'table' });
      expect(WriteMeasurementSchema.parse(outcome)).toEqual({
        target: 'cpg.nodes',
        operation: 'materialize-table',
        rowsInserted: 10,
        rowsDeleted: 0,
        tableRowCount: 10,
        storedRowCount: 10,
        walBytes: outcome.walBytes,
        totalBlocks: outcome.totalBlocks,
        freeBlocks: outcome.freeBlocks,
      });
    } finally {
      await store.close();
    }
  });

  it.each([
    ['an empty target', { target: '' }, ['target']],
    ['fractional rows', { rowsInserted: 1.5 }, ['rowsInserted']],
    ['negative WAL bytes', { walBytes: -1 }, ['walBytes']],
    ['more free blocks than blocks', { freeBlocks: 11 }, ['freeBlocks']],
    ['an unknown operation', { operation: 'append' }, ['operation']],
  ])('rejects %s', (_label, change, paths) => {
    const result = validate(WriteMeasurementSchema, { ...good, ...change });
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual(paths);
  });
});
