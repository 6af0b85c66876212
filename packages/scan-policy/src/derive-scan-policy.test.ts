import { parseLineage } from '@anatomy/plan-signals';
import type { SqlQueryable, ViewLineage } from '@anatomy/plan-signals';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveScanPolicy } from './derive-scan-policy.js';
import { ScanPolicyDecisionSchema } from './scan-policy-decision.js';
import { ScanPolicyError } from './scan-policy-error.js';
import type { ScanReader } from './scan-reader.js';

let instance: DuckDBInstance;
let connection: DuckDBConnection;
let db: SqlQueryable;
let lineages: ViewLineage[];

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  connection = await instance.connect();
  db = { query: async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJS() };
  await connection.run(`
    CREATE SCHEMA evidence;
    CREATE TABLE evidence.defs (file_id VARCHAR, name VARCHAR, kind VARCHAR, bstart BIGINT, bend BIGINT);
    CREATE TABLE evidence.files (file_id VARCHAR, path VARCHAR);
  `);
  lineages = [];
  for (const view of [
    { name: 'norm.classes', sql: "SELECT file_id, name FROM evidence.defs WHERE kind = 'class'" },
    { name: 'norm.class_spans', sql: "SELECT d.bstart, d.bend FROM evidence.defs d WHERE d.kind = 'class' AND d.bend > d.bstart" },
    { name: 'norm.all_names', sql: 'SELECT d.name, f.path FROM evidence.defs d JOIN evidence.files f USING (file_id)' },
    { name: 'norm.paths', sql: 'SELECT path FROM evidence.files' },
  ]) {
    lineages.push(await parseLineage(db, view));
  }
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

describe('deriveScanPolicy', () => {
  it('unites the columns of every reader, lists the predicates their scans evaluate and finds the shared one', () => {
    const policy = deriveScanPolicy('evidence.defs', lineages);
    expect(ScanPolicyDecisionSchema.parse(policy)).toEqual(policy);
    expect(Object.isFrozen(policy.columns.evidence)).toBe(true);
    expect(policy.readers).toEqual([
      { view: 'norm.all_names', sites: [[]] },
      { view: 'norm.class_spans', sites: [["(bend > bstart)", "(kind = 'class')"]] },
      { view: 'norm.classes', sites: [["(kind = 'class')"]] },
    ]);
    expect(policy.columns).toMatchObject({ value: ['bend', 'bstart', 'file_id', 'kind', 'name'], confidence: 1 });
    expect(policy.pushedPredicates.value).toEqual(['(bend > bstart)', "(kind = 'class')"]);
    expect(policy.pushedPredicates.rationale).toContain('norm.all_names also read it unfiltered');
    expect(policy.candidateSubset).toEqual({ predicates: ["(kind = 'class')"], readers: ['norm.class_spans', 'norm.classes'] });
    // Nothing says how selective the predicate is: the conservative choice, with low confidence and why.
    expect(policy.materializeSubset).toMatchObject({ value: false, confidence: 0.4 });
    expect(policy.materializeSubset.rationale).toContain('selectivity is unknown');
  });

  it('materializes the shared subset once its selectivity is known to be low, and not when it keeps most rows', () => {
    const selective = deriveScanPolicy('evidence.defs', lineages, { selectivity: { "(kind = 'class')": { value: 0.2, source: 'measured' } } });
    expect(selective.materializeSubset).toMatchObject({ value: true, confidence: 0.85 });
    const broad = deriveScanPolicy('evidence.defs', lineages, { selectivity: { "(kind = 'class')": { value: 0.9, source: 'estimated' } } });
    expect(broad.materializeSubset).toMatchObject({ value: false, confidence: 0.6 });
    const demanding = deriveScanPolicy('evidence.defs', lineages, { minSharedReaders: 3, selectivity: { "(kind = 'class')": { value: 0.2, source: 'measured' } } });
    expect(demanding.candidateSubset).toBeNull();
    expect(demanding.materializeSubset.value).toBe(false);
  });

  it('ignores views that do not read the dataset, and decides nothing to scan when none does', () => {
    const files = deriveScanPolicy('evidence.files', lineages);
    expect(files.readers.map((r) => r.view)).toEqual(['norm.all_names', 'norm.paths']);
    expect(files.columns.value).toEqual(['file_id', 'path']);
    expect(files.candidateSubset).toBeNull();
    const unread = deriveScanPolicy('evidence.refs', lineages);
    expect(unread).toMatchObject({ readers: [], columns: { value: [] }, materializeSubset: { value: false } });
  });

  it('reads every column, with low confidence and the reason, when a reader names a column no relation could be found for', async () => {
    // Neither relation exists yet, so nothing tells whose column `mystery` is.
    const vague = await parseLineage(db, { name: 'norm.vague', sql: 'SELECT v.name, mystery FROM evidence.later v, norm.not_created_yet' });
    const policy = deriveScanPolicy('evidence.later', [...lineages, vague]);
    expect(policy.columns).toMatchObject({ value: ['*'], confidence: 0.4 });
    expect(policy.columns.rationale).toContain('norm.vague');
  });

  it('accepts plan signals as readers as well as lineages', () => {
    const signals: ScanReader = {
      view: 'cpg.nodes',
      reads: [{ table: 'evidence.defs', columns: ['file_id'], columnsComplete: true, sites: [["(kind = 'class')"]] }],
    };
    const policy = deriveScanPolicy('evidence.defs', [...lineages, signals]);
    expect(policy.candidateSubset?.readers).toEqual(['cpg.nodes', 'norm.class_spans', 'norm.classes']);
  });

  it('rejects a malformed dataset name and options out of bounds', () => {
    const error = (fn: () => unknown): unknown => {
      try {
        fn();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    expect(ScanPolicyError.is(error(() => deriveScanPolicy('Evidence Defs', lineages)), 'InvalidDataset')).toBe(true);
    const bad = error(() => deriveScanPolicy('evidence.defs', lineages, { minSharedReaders: 1, maxSelectivity: 2 }));
    expect(ScanPolicyError.is(bad, 'InvalidOptions')).toBe(true);
    expect(ScanPolicyError.is(bad) ? (bad.details['issues'] as unknown[]).length : 0).toBe(2);
  });
});
