import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLineageCatalog } from './lineage-catalog.js';
import { lineageFromParseTree } from './lineage-from-parse-tree.js';
import { readParseTree } from './read-parse-tree.js';
import { renderPredicates } from './render-predicates.js';

let store: Store;

beforeAll(async () => {
  store = await openStore({ path: ':memory:' });
  await store.run(`CREATE SCHEMA evidence; CREATE TABLE evidence.defs (file_id VARCHAR, name VARCHAR, kind VARCHAR, bstart BIGINT)`);
});

afterAll(async () => {
  await store.close();
});

describe('renderPredicates', () => {
  it("fills in DuckDB's rendering of predicates read without a store, quotes included", async () => {
    const view = { name: 'norm.odd_names', sql: `SELECT d.name FROM evidence.defs d WHERE d.name = 'it''s' AND d.bstart IN (1, 2) AND upper(d.kind) <> 'CLASS'` };
    const pure = lineageFromParseTree(view.name, await readParseTree(store, view), await readLineageCatalog(store));
    expect(pure.reads[0]?.predicates.map((p) => p.sql)).toEqual([null, null, null]);
    const rendered = await renderPredicates(store, pure);
    expect(rendered.reads[0]?.predicates.map((p) => p.sql)).toEqual(["(\"name\" = 'it''s')", '(bstart IN (1, 2))', "(upper(kind) != 'CLASS')"]);
    expect(rendered.reads[0]?.predicates.map((p) => p.columns)).toEqual([['name'], ['bstart'], ['kind']]);
    const n = await store.query(`SELECT count(*) AS n FROM evidence.defs WHERE ${rendered.reads[0]?.predicates.map((p) => p.sql).join(' AND ')}`);
    expect(n[0]?.['n']).toBe(0n);
  });

  it('returns the lineage as it is when nothing is left to render', async () => {
    const view = { name: 'norm.all', sql: 'SELECT name FROM evidence.defs' };
    const pure = lineageFromParseTree(view.name, await readParseTree(store, view), await readLineageCatalog(store));
    expect(await renderPredicates(store, pure)).toBe(pure);
  });
});
