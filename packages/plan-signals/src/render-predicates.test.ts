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

  it('asks DuckDB only for expressions it has not rendered before in this process', async () => {
    const asked: string[] = [];
    // The real store, its queries written down on their way through.
    const counted = { query: (sql: string) => (asked.push(sql), store.query(sql)) };
    const lineageOf = async (sql: string) => lineageFromParseTree('norm.again', await readParseTree(store, { name: 'norm.again', sql }), await readLineageCatalog(store));
    const first = await renderPredicates(counted, await lineageOf("SELECT name FROM evidence.defs WHERE kind = 'render-once' AND bstart > 40"));
    expect(asked).toHaveLength(1);
    // The same two predicates in another view, and one new one: only the new one is asked for.
    const second = await renderPredicates(counted, await lineageOf("SELECT file_id FROM evidence.defs WHERE bstart > 40 AND kind = 'render-once' AND name LIKE 'x%'"));
    expect(asked).toHaveLength(2);
    expect(asked[1]).toContain('x%');
    expect(asked[1]).not.toContain('render-once');
    expect(first.reads[0]?.predicates.map((p) => p.sql)).toEqual(["(kind = 'render-once')", '(bstart > 40)']);
    expect(second.reads[0]?.predicates.map((p) => p.sql)).toEqual(['(bstart > 40)', "(kind = 'render-once')", "(\"name\" ~~ 'x%')"]);
    // Nothing new at all: no query.
    await renderPredicates(counted, await lineageOf("SELECT name FROM evidence.defs WHERE kind = 'render-once'"));
    expect(asked).toHaveLength(2);
  });

  it('renders every predicate of a view even when keeping its new ones evicts the older ones it shares', async () => {
    const lineageOf = async (sql: string) => lineageFromParseTree('norm.many', await readParseTree(store, { name: 'norm.many', sql }), await readLineageCatalog(store));
    // Rendered now, so kept before the thousands of new ones below.
    await renderPredicates(store, await lineageOf("SELECT name FROM evidence.defs WHERE kind = 'kept-first'"));
    // More new predicates than the process keeps, beside the one rendered before: copies of one
    // predicate's expression, each with a constant of its own (parsing 4,200 of them would take long).
    const two = await lineageOf("SELECT name FROM evidence.defs WHERE kind = 'kept-first' AND bstart <> 424242");
    const [kept, template] = two.reads[0]?.predicates ?? [];
    if (kept === undefined || template === undefined) throw new Error('expected two predicates');
    const text = JSON.stringify(template.expression);
    const copies = Array.from({ length: 4200 }, (_, i) => ({ ...template, expression: JSON.parse(text.replaceAll('424242', String(1_000_000 + i))) as typeof template.expression }));
    const rendered = await renderPredicates(store, { ...two, reads: [{ table: two.reads[0]?.table ?? '', predicates: [kept, ...copies] }] });
    const sqls = rendered.reads[0]?.predicates.map((p) => p.sql) ?? [];
    expect(sqls).toHaveLength(4201);
    expect(sqls[0]).toBe("(kind = 'kept-first')");
    expect(sqls[4200]).toBe('(bstart != 1004199)');
    expect(sqls.every((sql) => sql !== null)).toBe(true);
  });

  it('returns the lineage as it is when nothing is left to render', async () => {
    const view = { name: 'norm.all', sql: 'SELECT name FROM evidence.defs' };
    const pure = lineageFromParseTree(view.name, await readParseTree(store, view), await readLineageCatalog(store));
    expect(await renderPredicates(store, pure)).toBe(pure);
  });
});
