import { describe, expect, it } from 'vitest';
import { datasetReads, DatasetReadSchema } from './dataset-reads.js';
import type { ViewLineage } from './view-lineage.js';

const predicate = (sql: string | null, column: string): ViewLineage['reads'][number]['predicates'][number] => ({
  columns: [column],
  expression: { class: 'COMPARISON', column },
  sql,
});

const lineage: ViewLineage = {
  view: 'rel.calls',
  tables: ['evidence.calls', 'norm.defs'],
  columns: [
    { relation: { kind: 'table', name: 'norm.defs' }, column: 'name' },
    { relation: { kind: 'table', name: 'norm.defs' }, column: 'kind' },
    { relation: { kind: 'table', name: 'evidence.calls' }, column: 'callee' },
  ],
  functions: [],
  filters: { where: true, having: false, qualify: false },
  joins: [],
  setOperations: [],
  ctes: [],
  outputs: [],
  reads: [
    { table: 'norm.defs', predicates: [predicate("(kind = 'function')", 'kind'), predicate(null, 'name')] },
    { table: 'evidence.calls', predicates: [] },
    { table: 'norm.defs', predicates: [predicate("(kind = 'class')", 'kind'), predicate("(kind = 'class')", 'kind')] },
  ],
};

describe('datasetReads', () => {
  it('groups read sites by relation with the columns read, keeping only rendered predicates', () => {
    const reads = datasetReads(lineage);
    expect(reads).toEqual([
      { table: 'evidence.calls', columns: ['callee'], columnsComplete: true, sites: [[]] },
      { table: 'norm.defs', columns: ['kind', 'name'], columnsComplete: true, sites: [["(kind = 'function')"], ["(kind = 'class')"]] },
    ]);
    for (const read of reads) expect(DatasetReadSchema.parse(read)).toEqual(read);
    expect(Object.isFrozen(reads[0]?.sites)).toBe(true);
  });

  it('marks the columns incomplete when the view reads a column no relation could be found for', () => {
    const unattributed = { ...lineage, columns: [...lineage.columns, { relation: null, column: 'mystery' }] };
    expect(datasetReads(unattributed).map((r) => r.columnsComplete)).toEqual([false, false]);
  });

  it('gives a table the lineage lists without a site one unfiltered site', () => {
    expect(datasetReads({ ...lineage, reads: [] }).map((r) => r.sites)).toEqual([[[]], [[]]]);
  });
});
