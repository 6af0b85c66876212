import { sqlString } from '@anatomy/contracts';
import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileRangeBounds, plainUnionBranches } from './file-range-writes.js';
import { stagedUnionCte, stagedUnionWrite } from './staged-union-writes.js';
import { writeShapeDecision } from './write-shape.js';

let store: Store;
beforeAll(async () => {
  store = await openStore({ path: ':memory:' });
  // Eight small relations of one shape, one of them with a wider integer type.
  for (let i = 0; i < 8; i++) {
    await store.run(`CREATE TABLE t${i} AS SELECT 'e' || (j % 5) AS id, CAST(j AS ${i === 3 ? 'BIGINT' : 'INTEGER'}) AS n, 'f' || (j % 3) AS file_id FROM range(${10 + i}) r(j)`);
  }
});
afterAll(async () => {
  await store.close();
});

/** DuckDB's parse tree of a statement, as plan bundles hold it. */
async function tree(sql: string): Promise<unknown> {
  const rows = await store.query(`SELECT json_serialize_sql(${sqlString(sql)}) AS tree`);
  return JSON.parse(String(rows[0]?.['tree']));
}

const branches = (n: number, select: (i: number) => string): string => Array.from({ length: n }, (_, i) => select(i)).join(' UNION ALL ');
const plain = (i: number): string => `SELECT s.id AS entity_id, 'n' AS prop_key, CAST(s.n AS BIGINT) AS value_int, s.file_id FROM t${i} AS s WHERE s.n IS NOT NULL`;
const local = { view: 'v', local: true, column: 'file_id', reason: 'file-local' };

describe('writeShapeDecision', () => {
  it('writes a union of many plain reads in file order range by range', async () => {
    const parsed = await tree(branches(8, plain));
    expect(plainUnionBranches(parsed)).toBe(8);
    expect(writeShapeDecision(parsed, local, 'file_id')).toMatchObject({
      value: { shape: 'file-ranges', column: 'file_id', branches: 8, filesPerRange: 250 },
      confidence: 0.9,
      rationale: expect.stringMatching(/^a union of 8 plain reads stored in file_id order: written 250 files at a time/),
    });
    // Not stored in file order, not file-local, or ordered by another column: one statement.
    expect(writeShapeDecision(parsed, local, null)).toBeNull();
    expect(writeShapeDecision(parsed, { ...local, local: false, column: null }, 'file_id')).toBeNull();
    expect(writeShapeDecision(parsed, local, 'entity_id')).toBeNull();
  });

  it('counts function calls as plain only when the plan holds no aggregate and no window', async () => {
    const called = (i: number): string => `SELECT s.id AS entity_id, lower(s.id) AS prop_key, CAST(abs(s.n) AS BIGINT) AS value_int, s.file_id FROM t${i} AS s`;
    const parsed = await tree(branches(8, (i) => (i < 4 ? called(i) : plain(i))));
    // A name alone does not tell a scalar function from an aggregate: without the plan's word, one statement.
    expect(plainUnionBranches(parsed)).toBeNull();
    expect(writeShapeDecision(parsed, local, 'file_id')).toBeNull();
    expect(plainUnionBranches(parsed, { aggregates: 0, windows: 0 })).toBe(8);
    const decision = writeShapeDecision(parsed, local, 'file_id', { aggregates: 0, windows: 0 });
    expect(decision?.value).toEqual({ shape: 'file-ranges', column: 'file_id', branches: 8, filesPerRange: 250 });
    expect(decision?.evidence).toContainEqual({ source: 'plan-signals', detail: expect.stringMatching(/no aggregate and no window operator/) });
    expect(plainUnionBranches(parsed, { aggregates: 1, windows: 0 })).toBeNull();
    expect(plainUnionBranches(parsed, { aggregates: 0, windows: 1 })).toBeNull();
    // Whatever the plan says, an aggregate's DISTINCT, FILTER or ORDER BY is not a scalar call.
    for (const call of ['count(DISTINCT s.id)', 'count(s.id) FILTER (WHERE s.n > 1)', "string_agg(s.id ORDER BY s.id)"]) {
      const odd = await tree(branches(8, (i) => (i === 2 ? `SELECT s.id, ${call}, CAST(s.n AS BIGINT), s.file_id FROM t${i} AS s` : plain(i))));
      expect(plainUnionBranches(odd, { aggregates: 0, windows: 0 })).toBeNull();
    }
    // Branches without calls need no word from the plan.
    expect(writeShapeDecision(await tree(branches(8, plain)), local, 'file_id', { aggregates: 0, windows: 0 })?.evidence.map((e) => e.source)).toEqual(['plan-lineage', 'file-locality']);
  });

  it('counts a read that looks its rows up in another table by a LEFT JOIN on one column as plain', async () => {
    const lookup = (i: number): string => `SELECT s.id AS entity_id, o.id AS prop_key, CAST(s.n AS BIGINT) AS value_int, s.file_id FROM t${i} AS s LEFT JOIN t0 AS o ON o.file_id = s.file_id`;
    const parsed = await tree(branches(8, (i) => (i % 2 === 0 ? lookup(i) : plain(i))));
    expect(plainUnionBranches(parsed)).toBe(8);
    expect(writeShapeDecision(parsed, local, 'file_id')?.value).toEqual({ shape: 'file-ranges', column: 'file_id', branches: 8, filesPerRange: 250 });
    // Looked up on two columns, by an expression, in a subquery, or joined from the right: not a lookup.
    const others = [
      (i: number) => `SELECT s.id, o.id, CAST(s.n AS BIGINT), s.file_id FROM t${i} AS s LEFT JOIN t0 AS o ON o.file_id = s.file_id AND o.id = s.id`,
      (i: number) => `SELECT s.id, o.id, CAST(s.n AS BIGINT), s.file_id FROM t${i} AS s LEFT JOIN t0 AS o ON o.file_id = lower(s.file_id)`,
      (i: number) => `SELECT s.id, o.id, CAST(s.n AS BIGINT), s.file_id FROM t${i} AS s LEFT JOIN (SELECT * FROM t0) AS o ON o.file_id = s.file_id`,
      (i: number) => `SELECT s.id, o.id, CAST(s.n AS BIGINT), s.file_id FROM t${i} AS s RIGHT JOIN t0 AS o ON o.file_id = s.file_id`,
      (i: number) => `SELECT s.id, o.id, CAST(s.n AS BIGINT), s.file_id FROM t${i} AS s LEFT JOIN t0 AS o USING (file_id)`,
    ];
    for (const other of others) expect(plainUnionBranches(await tree(branches(8, (i) => (i === 3 ? other(i) : plain(i)))))).toBeNull();
  });

  it('keeps one statement for fewer branches, and for branches a file filter may not reach', async () => {
    expect(writeShapeDecision(await tree(branches(7, plain)), local, 'file_id')).toBeNull();
    const shapes = [
      (i: number) => `SELECT s.id, 'n', CAST(s.n AS BIGINT), s.file_id FROM t${i} AS s JOIN t0 AS o ON o.id = s.id`,
      (i: number) => `SELECT s.id, 'n', CAST(sum(s.n) AS BIGINT), s.file_id FROM t${i} AS s GROUP BY s.id, s.file_id`,
      (i: number) => `SELECT s.id, 'n', CAST(row_number() OVER (ORDER BY s.n) AS BIGINT), s.file_id FROM t${i} AS s`,
      (i: number) => `SELECT DISTINCT s.id, 'n', CAST(s.n AS BIGINT), s.file_id FROM t${i} AS s`,
      (i: number) => `SELECT s.id, 'n', CAST(abs(s.n) AS BIGINT), s.file_id FROM t${i} AS s`,
    ];
    for (const shape of shapes) {
      const parsed = await tree(branches(8, (i) => (i === 5 ? shape(i) : plain(i))));
      expect(plainUnionBranches(parsed)).toBeNull();
      expect(writeShapeDecision(parsed, local, 'file_id')).toBeNull();
    }
    // A UNION (not ALL) removes duplicates across branches: not a union of plain reads.
    expect(plainUnionBranches(await tree(`${branches(7, plain)} UNION ${plain(7)}`))).toBeNull();
  });

  it('stages a CTE over a union of many SELECTs', async () => {
    const sql = (n: number): string => `WITH rows AS MATERIALIZED (${branches(n, (i) => `SELECT ${i} AS k, id, n, file_id FROM t${i}`)}) SELECT id, file_id, count(*) AS c FROM rows GROUP BY id, file_id`;
    const parsed = await tree(sql(8));
    expect(stagedUnionCte(parsed)).toEqual({ cte: 'rows', branches: 8 });
    expect(writeShapeDecision(parsed, local, 'file_id')).toMatchObject({
      value: { shape: 'staged-union', cte: 'rows', branches: 8 },
      rationale: expect.stringMatching(/^its rows come from the CTE rows, a union of 8 SELECTs/),
    });
    expect(stagedUnionCte(await tree(sql(7)))).toBeNull();
    expect(writeShapeDecision(await tree(sql(7)), local, 'file_id')).toBeNull();
  });
});

describe('stagedUnionWrite', () => {
  it('gives the rows and column types of the statement it stages', async () => {
    // The CTE is read three times, as the edge fusion reads its rows.
    const sql =
      `WITH rows AS MATERIALIZED (${branches(8, (i) => `SELECT ${i} AS source_order, id, n, file_id FROM t${i}`)}), ` +
      'shared AS (SELECT id FROM rows GROUP BY id HAVING count(*) > 1) ' +
      'SELECT id, n, file_id FROM rows WHERE NOT EXISTS (SELECT 1 FROM shared AS s WHERE s.id = rows.id) ' +
      'UNION ALL SELECT id, CAST(sum(n) AS BIGINT), first(file_id ORDER BY source_order) FROM rows WHERE EXISTS (SELECT 1 FROM shared AS s WHERE s.id = rows.id) GROUP BY id';
    const staged = await stagedUnionWrite(store, await tree(sql), 'anatomy_staged_rows');
    expect(staged).not.toBeNull();
    if (staged === null) return;
    expect(staged.table).toBe('"anatomy_staged_rows"');
    expect(staged.inserts).toHaveLength(8);
    // The CTE is gone: every read of it reads the table.
    expect(staged.sql).not.toMatch(/\brows AS\b/);
    expect(staged.sql.match(/anatomy_staged_rows/g)).toHaveLength(3);
    await store.run(staged.create);
    // t3's n is BIGINT, so the union's is: the table takes the union's types, not the first branch's.
    expect(await store.query("SELECT data_type FROM information_schema.columns WHERE table_name = 'anatomy_staged_rows' AND column_name = 'n'")).toEqual([{ data_type: 'BIGINT' }]);
    for (const insert of staged.inserts) await store.run(insert);
    const sorted = (q: string): string => `SELECT * FROM (${q}) ORDER BY ALL`;
    const expected = await store.query(sorted(sql));
    expect(expected.length).toBeGreaterThan(0);
    expect(await store.query(sorted(staged.sql))).toEqual(expected);
    await store.run(`DROP TABLE ${staged.table}`);
  });

  it('stages nothing when no CTE is a large union', async () => {
    expect(await stagedUnionWrite(store, await tree(branches(8, plain)), 'anatomy_staged_rows')).toBeNull();
    expect(await stagedUnionWrite(store, await tree(`WITH rows AS (${branches(3, plain)}) SELECT * FROM rows`), 'anatomy_staged_rows')).toBeNull();
    expect(await stagedUnionWrite(store, { error: true }, 'anatomy_staged_rows')).toBeNull();
    // A branch reading another CTE of the statement could not run alone.
    const withCte = `WITH base AS (SELECT * FROM t0), rows AS (${branches(8, (i) => (i === 4 ? 'SELECT id, n, file_id FROM base' : `SELECT id, n, file_id FROM t${i}`))}) SELECT * FROM rows`;
    expect(stagedUnionCte(await tree(withCte))).toBeNull();
    expect(await stagedUnionWrite(store, await tree(withCte), 'anatomy_staged_rows')).toBeNull();
    expect(stagedUnionCte(await tree(withCte.replace('FROM base', 'FROM t4')))).toEqual({ cte: 'rows', branches: 8 });
  });
});

describe('fileRangeBounds', () => {
  it('splits sorted files into ranges of a given size by the first file of each range but the first', () => {
    expect(fileRangeBounds(['a', 'b', 'c', 'd', 'e'], 2)).toEqual(['c', 'e']);
    expect(fileRangeBounds(['a', 'b', 'c', 'd'], 2)).toEqual(['c']);
    expect(fileRangeBounds(['a', 'b'], 2)).toEqual([]);
    expect(fileRangeBounds([], 2)).toEqual([]);
    expect(fileRangeBounds(Array.from({ length: 251 }, (_, i) => `f${String(i).padStart(3, '0')}`))).toEqual(['f250']);
    expect(() => fileRangeBounds(['a'], 0)).toThrow(RangeError);
  });
});
