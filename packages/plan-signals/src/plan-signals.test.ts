import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainView } from './explain-view.js';
import { readLineageCatalog } from './lineage-catalog.js';
import { parseLineage } from './parse-lineage.js';
import { PlanSignalsError } from './plan-signals-error.js';
import { planSignals, PlanSignalsSchema } from './plan-signals.js';
import type { PlannableView } from './plannable-view.js';

let store: Store;

beforeAll(async () => {
  store = await openStore({ path: ':memory:' });
  await store.run(`
    CREATE SCHEMA evidence;
    CREATE SCHEMA norm;
    CREATE TABLE evidence.defs AS
      SELECT 'f' || (i % 40) AS file_id, 'n' || i AS name, CASE WHEN i % 3 = 0 THEN 'class' ELSE 'function' END AS kind, i * 10 AS bstart
        FROM range(3000) t(i);
    CREATE TABLE evidence.files AS SELECT 'f' || i AS file_id, 'pkg/m' || i || '.py' AS path FROM range(40) t(i);
  `);
});

afterAll(async () => {
  await store.close();
});

const fileIdentityColumns = { 'evidence.defs': ['file_id'], 'evidence.files': ['file_id'] };

async function signalsOf(view: PlannableView, known: Readonly<Record<string, readonly string[]>> = fileIdentityColumns): Promise<ReturnType<typeof planSignals>> {
  const lineage = await parseLineage(store, view, { catalog: await readLineageCatalog(store) });
  return planSignals(await explainView(store, view), lineage, { fileIdentityColumns: known });
}

describe('planSignals', () => {
  it('summarizes scans with their columns and pushed filters, joins, reads, estimates and file partitioning', async () => {
    const signals = await signalsOf({
      name: 'norm.class_paths',
      sql: `SELECT d.file_id, f.path, d.name FROM evidence.defs d LEFT JOIN evidence.files f ON f.file_id = d.file_id WHERE d.kind = 'class' ORDER BY d.name`,
    });
    expect(PlanSignalsSchema.parse(signals)).toEqual(signals);
    expect(Object.isFrozen(signals.scans)).toBe(true);
    const defsScan = signals.scans.find((s) => s.table === 'evidence.defs');
    expect(defsScan?.filters).toEqual(["kind='class'"]);
    expect(defsScan?.columns).toEqual(expect.arrayContaining(['file_id', 'name']));
    expect(signals.joins).toEqual({ count: 1, types: ['LEFT'] });
    expect(signals.sorts).toBe(1);
    expect(signals.inputs).toEqual(['evidence.defs', 'evidence.files']);
    expect(signals.reads).toEqual([
      { table: 'evidence.defs', columns: ['file_id', 'kind', 'name'], columnsComplete: true, sites: [["(kind = 'class')"]] },
      { table: 'evidence.files', columns: ['file_id', 'path'], columnsComplete: true, sites: [[]] },
    ]);
    expect(signals.estimatedRows).toBeGreaterThan(0);
    expect(signals.estimatedWork).toBeGreaterThan(signals.estimatedRows ?? 0);
    expect(signals.filePartitioning).toMatchObject({ partitionable: true, column: 'file_id', sources: ['evidence.defs.file_id'] });
  });

  it('is not file-partitionable when every branch does not pass a file identity through, or when none is known', async () => {
    const computed = await signalsOf({ name: 'norm.upper', sql: 'SELECT upper(file_id) AS file_id, name FROM evidence.defs' });
    expect(computed.filePartitioning.partitionable).toBe(false);
    expect(computed.filePartitioning.reason).toContain('no result column');
    const halfUnion = await signalsOf({
      name: 'norm.mixed',
      sql: "SELECT file_id, name FROM evidence.defs UNION ALL SELECT 'global', path FROM evidence.files",
    });
    expect(halfUnion.filePartitioning.partitionable).toBe(false);
    const unknown = await signalsOf({ name: 'norm.plain', sql: 'SELECT file_id FROM evidence.defs' }, {});
    expect(unknown.filePartitioning).toMatchObject({ partitionable: false, column: null });
    expect(unknown.filePartitioning.reason).toContain('evidence.defs');
    const union = await signalsOf({
      name: 'norm.both',
      sql: 'SELECT file_id AS owner, name FROM evidence.defs UNION ALL SELECT f.file_id, f.path FROM evidence.files f',
    });
    expect(union.filePartitioning).toMatchObject({ partitionable: true, column: 'owner', sources: ['evidence.defs.file_id', 'evidence.files.file_id'] });
  });

  it('counts aggregates and windows of the plan and set operations of the SQL', async () => {
    const signals = await signalsOf({
      name: 'norm.ranked',
      sql: `SELECT file_id, count(*) AS n FROM evidence.defs GROUP BY file_id
            UNION ALL SELECT file_id, row_number() OVER (PARTITION BY file_id ORDER BY bstart) FROM evidence.defs`,
    });
    expect(signals.setOperations).toBe(1);
    expect(signals.aggregates).toBeGreaterThanOrEqual(1);
    expect(signals.windows).toBeGreaterThanOrEqual(1);
    expect(signals.reads.map((r) => [r.table, r.sites.length])).toEqual([['evidence.defs', 2]]);
  });

  it('rejects a bundle and a lineage of different views', async () => {
    const a = { name: 'norm.a', sql: 'SELECT 1 AS x' };
    const lineage = await parseLineage(store, { name: 'norm.b', sql: a.sql });
    let error: unknown;
    try {
      planSignals(await explainView(store, a), lineage);
    } catch (e) {
      error = e;
    }
    expect(PlanSignalsError.is(error, 'MismatchedInputs')).toBe(true);
  });
});
