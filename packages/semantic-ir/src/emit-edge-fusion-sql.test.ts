import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDatabase } from './duckdb-fixture.test-support.js';
import { emitEdgeFusionSql } from './emit-edge-fusion-sql.js';
import type { InferredProject } from './inferred-view.js';

const COLUMNS = ['edge_id', 'edge_kind', 'src_node_id', 'origin', 'rule', 'confidence'];
// Only the parts of a projection the emitter reads.
const view = { output: { columns: COLUMNS.map((name) => ({ name })) } } as unknown as InferredProject;
const fusion = { identity: 'edge_id', provenance: 'origin', rule: 'rule', confidence: 'confidence' };

/** Edges of two sources: lone ones with NULL, plain and '+'-joined provenance and rules, and edges both sources find. */
const SOURCES = [
  `(VALUES ('e1', 'CALLS', 'a', 'tree-sitter', 'r.one', 0.5), ('e2', 'CALLS', 'b', NULL, 'r.one', 0.25), ('e3', 'CALLS', 'c', 'scip+tree-sitter', NULL, 0.75),
    ('e4', 'CALLS', 'd', 'tree-sitter+scip+tree-sitter', 'r.one', 0.5), ('e5', 'CALLS', 'e', '', 'r.one', 0.5), ('e6', 'CALLS', 'f', 'tree-sitter', 'r.one', 0.5),
    ('e8', 'CALLS', 'h', 'b+a', 'r.z+r.a', NULL))`,
  `(VALUES ('e6', 'REFERS', 'g', 'scip', 'r.two', 0.5), ('e7', 'REFERS', 'g', NULL, NULL, 0.5), ('e7', 'REFERS', 'h', 'scip', 'r.two', 0.25),
    ('e9', 'REFERS', 'i', 'x+y', 'r.b+r.a', 0.125))`,
];
const selects = SOURCES.map((values) => `SELECT\n  ${COLUMNS.map((c) => `"${c}"`).join(', ')}\nFROM ${values} AS t(${COLUMNS.join(', ')})`);

/** The fusion as one GROUP BY of every row, which the emitted SQL must equal. */
const reference = `SELECT "edge_id",
  first("edge_kind" ORDER BY "source_order", "rule") AS "edge_kind",
  first("src_node_id" ORDER BY "source_order", "rule") AS "src_node_id",
  array_to_string(list_sort(list_distinct(flatten(list_transform(list_filter(list("origin"), o -> o IS NOT NULL), o -> string_split(o, '+'))))), '+') AS "origin",
  array_to_string(list_sort(list_distinct(list("rule"))), '+') AS "rule",
  CASE WHEN count(*) = 1 THEN any_value("confidence") ELSE 1 - list_reduce(list_sort(list(1 - "confidence")), (a, b) -> a * b) END AS "confidence"
FROM (${selects.map((s, i) => s.replace(/^SELECT\n/, `SELECT ${i} AS "source_order", `)).join(' UNION ALL ')}) GROUP BY "edge_id"`;

describe('emitEdgeFusionSql', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await TestDatabase.open();
  });
  afterAll(() => db.close());

  it('gives lone rows the values the fusing aggregate would, and fuses the shared identities', async () => {
    const sql = emitEdgeFusionSql(view, fusion, selects);
    const order = ' ORDER BY "edge_id"';
    const emitted = await db.rows(`SELECT * FROM (${sql})${order}`);
    const expected = await db.rows(`SELECT * FROM (${reference})${order}`);
    expect(emitted.map((r) => r['edge_id'])).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9']);
    expect(emitted).toEqual(expected);
    // Spot checks of what the reference gives, so that both cannot be wrong the same way.
    const byId = new Map(emitted.map((r) => [r['edge_id'], r]));
    expect(byId.get('e2')).toMatchObject({ origin: '', rule: 'r.one' });
    expect(byId.get('e3')).toMatchObject({ origin: 'scip+tree-sitter', rule: '' });
    expect(byId.get('e4')).toMatchObject({ origin: 'scip+tree-sitter' });
    expect(byId.get('e6')).toMatchObject({ edge_kind: 'CALLS', origin: 'scip+tree-sitter', rule: 'r.one+r.two', confidence: 0.75 });
    expect(byId.get('e8')).toMatchObject({ origin: 'a+b', rule: 'r.z+r.a', confidence: null });
  });

  it('runs the fusing aggregate over the shared identities only', async () => {
    const sql = emitEdgeFusionSql(view, fusion, selects);
    expect(sql).toMatch(/^WITH "rows" AS MATERIALIZED \(/);
    expect(sql).toContain('GROUP BY "edge_id" HAVING count(*) > 1');
    const [row] = await db.rows(`SELECT count(*)::INTEGER AS n FROM (${sql.replace(/\nUNION ALL\n[\s\S]*$/, '')})`);
    expect(row).toEqual({ n: 7 });
  });
});
