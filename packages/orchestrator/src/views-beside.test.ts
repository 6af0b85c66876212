import { describe, expect, it } from 'vitest';
import { BYTES_PER_ROW_READ, rowsBesideUnder, rowsRead, writtenAlone } from './views-beside.js';

const tasks = [
  { name: 'norm.calls', inputs: ['evidence.ts_calls'], cachePolicy: 'materialized-table' },
  { name: 'rel.calls_scope', inputs: ['norm.calls', 'evidence.py_scopes'], cachePolicy: 'inline-view' },
  { name: 'rel.calls_def', inputs: ['rel.calls_scope', 'norm.defs', 'evidence.py_scopes'], cachePolicy: 'materialized-table' },
  { name: 'norm.defs', inputs: ['evidence.ts_defs'], cachePolicy: 'inline-view' },
];
const stored = new Map([
  ['evidence.ts_calls', 300],
  ['evidence.py_scopes', 20],
  ['evidence.ts_defs', 7],
  ['norm.calls', 290],
]);

describe('rowsRead', () => {
  it('counts stored inputs, reads through inline views down to what is stored, and counts a relation once', () => {
    expect(rowsRead('norm.calls', tasks, stored)).toBe(300);
    // rel.calls_scope (inline) reads norm.calls 290 + py_scopes 20; norm.defs (inline) reads ts_defs 7; py_scopes is already counted.
    expect(rowsRead('rel.calls_def', tasks, stored)).toBe(290 + 20 + 7);
  });

  it('counts nothing for what it knows no size of', () => {
    expect(rowsRead('rel.calls_def', tasks, new Map())).toBe(0);
    expect(rowsRead('not.a_view', tasks, stored)).toBe(0);
  });
});

describe('writtenAlone', () => {
  it('puts output tables and shaped writes alone whatever they read', () => {
    expect(writtenAlone({ output: true, shaped: false, rowsRead: 0, limit: null })).toMatch(/output table/);
    expect(writtenAlone({ output: false, shaped: true, rowsRead: 0, limit: '400MB' })).toMatch(/shape of its own/);
  });

  it('puts a view alone when it reads more rows than the cap holds at the bytes a row', () => {
    const most = rowsBesideUnder('400MB');
    expect(most).toBe(Math.floor((381 * 2 ** 20) / BYTES_PER_ROW_READ));
    expect(writtenAlone({ output: false, shaped: false, rowsRead: most, limit: '400MB' })).toBeNull();
    expect(writtenAlone({ output: false, shaped: false, rowsRead: most + 1, limit: '400MB' })).toBe(
      `reads ${most + 1} rows, more than the ${most} the 400MB cap holds at ${BYTES_PER_ROW_READ} bytes a row`,
    );
    // A larger cap lets larger views share.
    expect(writtenAlone({ output: false, shaped: false, rowsRead: most + 1, limit: '2GB' })).toBeNull();
    // Without a cap, no view is alone for what it reads.
    expect(writtenAlone({ output: false, shaped: false, rowsRead: 10 ** 9, limit: null })).toBeNull();
  });
});
