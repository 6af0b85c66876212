import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAND_IN_MAX_ROWS, standInSql } from './stand-in.js';

let store: Store;

beforeAll(async () => {
  store = await openStore({ path: ':memory:' });
  await store.run(`CREATE TABLE src (id VARCHAR, n BIGINT, tags VARCHAR[], pos STRUCT(line INTEGER, "my col" VARCHAR), score DOUBLE, ok BOOLEAN)`);
});

afterAll(async () => {
  await store.close();
});

const columnsOf = async (table: string): Promise<{ name: string; type: string }[]> =>
  (await store.query(`SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index`, [table])).map((r) => ({
    name: String(r['column_name']),
    type: String(r['data_type']),
  }));

/** Every estimated cardinality in an EXPLAIN (FORMAT JSON) plan. */
async function estimates(sql: string): Promise<number[]> {
  const [row] = await store.query(`EXPLAIN (FORMAT JSON) ${sql}`);
  return [...String(row?.['explain_value']).matchAll(/"Estimated Cardinality":\s*"(\d+)"/g)].map((m) => Number(m[1]));
}

describe('standInSql', () => {
  it('has the columns and types of the relation it stands in for, nested types and odd names included', async () => {
    const columns = await columnsOf('src');
    await store.run(`CREATE VIEW stand AS ${standInSql(columns, 10)}`);
    expect(await columnsOf('stand')).toEqual(columns);
    expect((await store.query('SELECT count(*) AS n FROM stand'))[0]).toEqual({ n: 10n });
  });

  it('is joined like a key: the estimate of a join of two stand-ins is not their cross product', async () => {
    const columns = [{ name: 'id', type: 'VARCHAR' }];
    const joined = await estimates(`SELECT * FROM (${standInSql(columns, 5000)}) a JOIN (${standInSql(columns, 8000)}) b USING (id)`);
    expect(Math.max(...joined)).toBeLessThanOrEqual(8000);
  });

  it('is planned with its estimate as cardinality, and a filter on it is not folded away', async () => {
    const sql = standInSql(await columnsOf('src'), 4321);
    expect(await estimates(`SELECT * FROM (${sql})`)).toContain(4321);
    const filtered = await estimates(`SELECT id FROM (${sql}) WHERE n > 3 AND id = 'x'`);
    expect(filtered.length).toBeGreaterThan(1);
    expect(Math.max(...filtered)).toBe(4321);
  });

  it('takes an estimate past BIGINT, an infinite, negative or missing one', async () => {
    const columns = [{ name: 'id', type: 'VARCHAR' }];
    expect(standInSql(columns, 9.3e18)).toContain(`range(${STAND_IN_MAX_ROWS})`);
    for (const estimate of [1e30, Number.POSITIVE_INFINITY]) expect(standInSql(columns, estimate)).toContain(`range(${STAND_IN_MAX_ROWS})`);
    for (const estimate of [null, Number.NaN, Number.NEGATIVE_INFINITY, -5]) expect(standInSql(columns, estimate)).toContain('range(0)');
    for (const estimate of [9.3e18, 1e30]) expect(await estimates(standInSql(columns, estimate))).toContain(STAND_IN_MAX_ROWS);
  });
});
