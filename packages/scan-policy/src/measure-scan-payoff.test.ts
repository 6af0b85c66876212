import { parseLineage } from '@anatomy/plan-signals';
import type { SqlQueryable, ViewLineage } from '@anatomy/plan-signals';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveScanPolicy } from './derive-scan-policy.js';
import { measuredSelectivity, measureScanPayoff } from './measure-scan-payoff.js';
import { ScanPolicyDecisionSchema } from './scan-policy-decision.js';
import { ScanPolicyError } from './scan-policy-error.js';

let instance: DuckDBInstance;
let connection: DuckDBConnection;
let db: SqlQueryable;
let lineages: ViewLineage[];

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  connection = await instance.connect();
  db = { query: async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJS() };
  // 3000 definitions, one in three a class; a long docstring column no reader needs.
  await connection.run(`
    CREATE SCHEMA evidence;
    CREATE TABLE evidence.defs AS
      SELECT 'f' || (i % 40) AS file_id, 'n' || i AS name, CASE WHEN i % 3 = 0 THEN 'class' ELSE 'function' END AS kind,
             i * 10 AS bstart, i * 10 + 5 AS bend, repeat('doc ', 50) AS docstring
        FROM range(3000) t(i);
  `);
  lineages = [];
  for (const view of [
    { name: 'norm.classes', sql: "SELECT file_id, name FROM evidence.defs WHERE kind = 'class'" },
    { name: 'norm.class_spans', sql: "SELECT bstart, bend FROM evidence.defs WHERE kind = 'class' AND bend > bstart" },
    { name: 'norm.all_names', sql: 'SELECT name FROM evidence.defs' },
  ]) {
    lineages.push(await parseLineage(db, view));
  }
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

describe('measureScanPayoff', () => {
  it('counts, from DuckDB profiles, the rows every scan reads with the shared subset and without it', async () => {
    const policy = deriveScanPolicy('evidence.defs', lineages);
    const measured = await measureScanPayoff(db, 'evidence.defs', policy);
    expect(ScanPolicyDecisionSchema.parse(measured)).toEqual(measured);
    // Without: three readers each scan all 3000 rows. With: the unfiltered reader still does, the subset is built
    // with one scan of 3000, and the two class readers each scan its 1000 rows.
    expect(measured.payoff).toMatchObject({ rowsScannedWithout: 9000, rowsScannedWith: 3000 + 3000 + 2 * 1000, datasetRows: 3000, subsetRows: 1000 });
    // Leaving the unread docstring column behind saves most of the bytes.
    expect(measured.payoff?.bytesScannedWith).toBeLessThan((measured.payoff?.bytesScannedWithout ?? 0) / 3);
    expect(measured.materializeSubset).toEqual(policy.materializeSubset);
    // The temporary subset is gone.
    expect(await db.query("SELECT * FROM duckdb_tables() WHERE table_name = 'anatomy_scan_payoff_subset'")).toEqual([]);
  });

  it("counts a site without predicates by the dataset's rows, without profiling its scan", async () => {
    const asked: string[] = [];
    const watched: SqlQueryable = { query: (sql) => (asked.push(sql), db.query(sql)) };
    const policy = deriveScanPolicy('evidence.defs', lineages);
    await connection.run('BEGIN TRANSACTION; DELETE FROM evidence.defs WHERE bstart % 20 = 0');
    try {
      const measured = await measureScanPayoff(watched, 'evidence.defs', policy);
      // 1500 rows left, 500 of them classes: deleted rows count nowhere, as in DuckDB's profile of a scan.
      expect(measured.payoff).toMatchObject({ rowsScannedWithout: 3 * 1500, rowsScannedWith: 1500 + 1500 + 2 * 500, datasetRows: 1500, subsetRows: 500 });
      const profiled = asked.filter((sql) => sql.includes('SELECT') && sql.includes('evidence') && !sql.includes('count(*)') && !sql.startsWith('DESCRIBE') && !sql.startsWith('CREATE'));
      expect(profiled.length).toBeGreaterThan(0);
      expect(profiled.every((sql) => sql.includes('WHERE'))).toBe(true);
      // A profiled scan returns no column of the dataset: only its predicates' columns are read.
      const columns = ['file_id', 'name', 'kind', 'bstart', 'bend', 'docstring'];
      const returned = profiled.filter((sql) => sql.startsWith('EXPLAIN')).map((sql) => sql.slice(sql.indexOf('SELECT') + 'SELECT'.length, sql.indexOf(' FROM ')));
      expect(returned.length).toBeGreaterThan(0);
      expect(returned.filter((list) => columns.some((c) => list.includes(c)))).toEqual([]);
      // The database the plans' names are stripped of is asked once for all the profiles.
      expect(asked.filter((sql) => sql.includes('current_database()'))).toHaveLength(1);
    } finally {
      await connection.run('ROLLBACK');
    }
  });

  it('measures an empty dataset as reading nothing, with or without the policy', async () => {
    const policy = deriveScanPolicy('evidence.defs', lineages);
    await connection.run('BEGIN TRANSACTION; DELETE FROM evidence.defs');
    try {
      const measured = await measureScanPayoff(db, 'evidence.defs', policy);
      expect(measured.payoff).toEqual({ rowsScannedWith: 0, rowsScannedWithout: 0, bytesScannedWith: 0, bytesScannedWithout: 0, datasetRows: 0, subsetRows: 0 });
      expect(measuredSelectivity(measured)).toEqual({});
      // Told the dataset is empty, it measures the same without asking DuckDB anything.
      const asked: string[] = [];
      const told = await measureScanPayoff({ query: (sql) => (asked.push(sql), db.query(sql)) }, 'evidence.defs', policy, { rows: 0 });
      expect(told).toEqual(measured);
      expect(asked).toEqual([]);
    } finally {
      await connection.run('ROLLBACK');
    }
  });

  it('feeds the measured selectivity back, which decides the subset', async () => {
    const measured = await measureScanPayoff(db, 'evidence.defs', deriveScanPolicy('evidence.defs', lineages));
    const selectivity = measuredSelectivity(measured);
    expect(selectivity).toEqual({ "(kind = 'class')": { value: 1000 / 3000, source: 'measured' } });
    const decided = deriveScanPolicy('evidence.defs', lineages, { selectivity });
    expect(decided.materializeSubset).toMatchObject({ value: true, confidence: 0.85 });
    expect(measuredSelectivity(deriveScanPolicy('evidence.defs', lineages))).toEqual({});
  });

  it('measures a site whose predicates no stored row meets', async () => {
    // The column's statistics rule the filter out (every bstart is at least 0).
    const never = await parseLineage(db, { name: 'norm.before_start', sql: 'SELECT name, docstring FROM evidence.defs WHERE bstart < 0' });
    const measured = await measureScanPayoff(db, 'evidence.defs', deriveScanPolicy('evidence.defs', [lineages[2] as ViewLineage, never]));
    expect(measured.payoff).toMatchObject({ rowsScannedWithout: 3000, rowsScannedWith: 3000, datasetRows: 3000 });
  });

  it('measures no difference in rows when no subset is shared', async () => {
    const single = await measureScanPayoff(db, 'evidence.defs', deriveScanPolicy('evidence.defs', lineages.slice(0, 1)));
    expect(single.payoff).toMatchObject({ rowsScannedWith: 3000, rowsScannedWithout: 3000, datasetRows: 3000 });
    expect(single.payoff?.subsetRows).toBeUndefined();
  });

  it("rejects another dataset's policy and reports a dataset the store lacks", async () => {
    const policy = deriveScanPolicy('evidence.defs', lineages);
    const wrong = await measureScanPayoff(db, 'evidence.files', policy).catch((e: unknown) => e);
    expect(ScanPolicyError.is(wrong, 'InvalidDataset')).toBe(true);
    const missing = await measureScanPayoff(db, 'evidence.gone', deriveScanPolicy('evidence.gone', lineages)).catch((e: unknown) => e);
    expect(ScanPolicyError.is(missing, 'MeasureFailed')).toBe(true);
  });
});
