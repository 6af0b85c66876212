import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { afterEach, describe, expect, it } from 'vitest';
import { explainView } from './explain-view.js';
import { PlanBundleSchema } from './plan-bundle.js';
import { planFingerprint } from './plan-fingerprint.js';
import { PlanSignalsError } from './plan-signals-error.js';
import { readParseTree } from './read-parse-tree.js';

const open: Store[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A store holding two evidence tables filled with `rows` deterministic rows. */
async function evidenceStore(path: string, rows = 1000): Promise<Store> {
  const store = await openStore({ path });
  open.push(store);
  await store.run(`
    CREATE SCHEMA IF NOT EXISTS evidence;
    CREATE OR REPLACE TABLE evidence.defs AS
      SELECT 'f' || (i % 40) AS file_id, 'n' || i AS name, CASE WHEN i % 3 = 0 THEN 'class' ELSE 'function' END AS kind,
             i * 10 AS bstart, i * 10 + 5 AS bend
        FROM range(${rows}) t(i);
    CREATE OR REPLACE TABLE evidence.files AS SELECT 'f' || i AS file_id, 'pkg/m' || i || '.py' AS path FROM range(40) t(i);
  `);
  return store;
}

function tempStorePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plan-signals-'));
  dirs.push(dir);
  return join(dir, 'anatomy.duckdb');
}

const joinView = {
  name: 'norm.def_paths',
  sql: `SELECT f.path, d.name, d.bend - d.bstart AS len FROM evidence.defs d JOIN evidence.files f ON d.file_id = f.file_id`,
};

describe('explainView', () => {
  it('takes the parse tree and database name a caller already read, and gives the same bundle', async () => {
    const store = await evidenceStore(tempStorePath());
    const asked = await explainView(store, joinView);
    const [row] = await store.query('SELECT current_database() AS db');
    const given = await explainView(store, joinView, { parseTree: await readParseTree(store, joinView), database: String(row?.['db']) });
    expect(given).toEqual(asked);
    // What it is given is what it uses: a tree of other SQL is the bundle's tree, and another database name is not stripped.
    const other = await readParseTree(store, { name: 'x.y', sql: 'SELECT 1 AS one' });
    expect((await explainView(store, joinView, { parseTree: other })).parseTree).toEqual(other);
    const unstripped = await explainView(store, joinView, { database: 'elsewhere' });
    expect(JSON.stringify(unstripped.physicalPlan)).toContain(`${String(row?.['db'])}.`);
    expect(JSON.stringify(asked.physicalPlan)).not.toContain(`${String(row?.['db'])}.`);
  });

  it('bundles the parse tree, the physical plan, its fingerprint and normalized stats', async () => {
    const store = await evidenceStore(':memory:');
    const bundle = await explainView(store, joinView);
    expect(PlanBundleSchema.parse(bundle)).toEqual(bundle);
    expect(Object.isFrozen(bundle.stats)).toBe(true);
    expect(bundle.view).toBe('norm.def_paths');
    expect((bundle.parseTree as { error: boolean }).error).toBe(false);
    expect(bundle.planFingerprint).toBe(planFingerprint(bundle.physicalPlan));
    expect(bundle.stats.scans.map((s) => s.table).sort()).toEqual(['evidence.defs', 'evidence.files']);
    expect(bundle.stats.scans.find((s) => s.table === 'evidence.files')?.estimatedRows).toBe(40);
    expect(bundle.stats.operatorCounts['HASH_JOIN']).toBe(1);
    expect(bundle.stats.operators).toBeGreaterThanOrEqual(4);
    expect(bundle.stats.estimatedRows).toBeGreaterThan(0);
    // The database name ('memory') is dropped from scanned table names.
    expect(JSON.stringify(bundle.physicalPlan)).not.toContain('memory.evidence');
  });

  it('gives equal fingerprints for the same SQL in two separately created stores (in memory and on disk)', async () => {
    const inMemory = await explainView(await evidenceStore(':memory:'), joinView);
    const onDisk = await explainView(await evidenceStore(tempStorePath()), joinView);
    expect(onDisk.planFingerprint).toBe(inMemory.planFingerprint);
  });

  it('changes the fingerprint when the meaning changes: a filter added, another column read', async () => {
    const store = await evidenceStore(':memory:');
    const base = await explainView(store, joinView);
    const filtered = await explainView(store, { ...joinView, sql: `${joinView.sql} WHERE d.kind = 'class'` });
    const otherColumn = await explainView(store, { ...joinView, sql: joinView.sql.replace('d.name', 'd.kind') });
    expect(filtered.planFingerprint).not.toBe(base.planFingerprint);
    expect(otherColumn.planFingerprint).not.toBe(base.planFingerprint);
    expect(filtered.planFingerprint).not.toBe(otherColumn.planFingerprint);
  });

  it('leaves estimates out of the fingerprint', async () => {
    const view = { name: 'norm.classes', sql: "SELECT name, bstart FROM evidence.defs WHERE kind = 'class'" };
    const small = await explainView(await evidenceStore(':memory:', 100), view);
    const large = await explainView(await evidenceStore(':memory:', 50_000), view);
    expect(small.stats.scans[0]?.estimatedRows).not.toBe(large.stats.scans[0]?.estimatedRows);
    expect(small.planFingerprint).toBe(large.planFingerprint);
  });

  it('fails with ExplainFailed naming the view when an input does not exist yet', async () => {
    const store = await evidenceStore(':memory:');
    const error = await explainView(store, { name: 'norm.late', sql: 'SELECT * FROM norm.not_created_yet' }).catch((e: unknown) => e);
    expect(PlanSignalsError.is(error, 'ExplainFailed')).toBe(true);
    expect((error as Error).message).toContain('norm.late');
    expect(PlanSignalsError.is(error) ? error.hint : '').toContain('dependency order');
  });

  it('fails with ParseFailed before planning SQL that does not parse', async () => {
    const store = await evidenceStore(':memory:');
    const error = await explainView(store, { name: 'norm.bad', sql: 'SELECT FROM WHERE' }).catch((e: unknown) => e);
    expect(PlanSignalsError.is(error, 'ParseFailed')).toBe(true);
    expect((error as Error).message).toContain('norm.bad');
  });
});

describe('planFingerprint', () => {
  // Two plans of one view as DuckDB gave them in a store in memory and one on disk: the same shape, with the subplans it
  // plans once numbered in the order the planner happened to find them.
  const cte = (name: string, index: string, child: unknown) => ({ name: 'CTE', extra_info: { 'CTE Name': name, 'Table Index': index }, children: [child] });
  const scan = (index: string) => ({ name: 'CTE_SCAN', extra_info: { 'CTE Index': index, 'Estimated Cardinality': '1' }, children: [] });
  const table = (t: string) => ({ name: 'TABLE_SCAN', extra_info: { Table: t }, children: [] });
  const plan = (a: [string, string], b: [string, string], tableOfFirst = 'evidence.defs') => [
    cte(a[0], a[1], table(tableOfFirst)),
    cte(b[0], b[1], table('evidence.files')),
    { name: 'HASH_JOIN', extra_info: {}, children: [scan(a[1]), scan(b[1])] },
  ];

  it('reads the planner’s numbering of subplans and binder indexes by order of appearance', () => {
    const inMemory = plan(['__common_subplan_5', '2510'], ['__common_subplan_4', '2502']);
    const onDisk = plan(['__common_subplan_4', '2502'], ['__common_subplan_5', '2506']);
    expect(planFingerprint(onDisk)).toBe(planFingerprint(inMemory));
  });

  it('still tells apart plans whose subplans read other tables or are read in another arrangement', () => {
    const base = plan(['__common_subplan_1', '10'], ['__common_subplan_2', '11']);
    expect(planFingerprint(plan(['__common_subplan_1', '10'], ['__common_subplan_2', '11'], 'evidence.refs'))).not.toBe(planFingerprint(base));
    const crossed = structuredClone(base);
    (crossed[2] as { children: unknown[] }).children = [scan('11'), scan('11')];
    expect(planFingerprint(crossed)).not.toBe(planFingerprint(base));
  });
});
