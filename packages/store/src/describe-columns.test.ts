import { describe, expect, it } from 'vitest';
import { describeColumns, describeQuery, describeTables } from './describe-columns.js';
import { openStore } from './open-store.js';

describe('describeTables', () => {
  it('gives each table and view the columns DESCRIBE gives, from one catalog query for qualified names', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.run(`CREATE SCHEMA s;
        CREATE TABLE s.t (id VARCHAR NOT NULL, n BIGINT, x DOUBLE, d DECIMAL(18, 3), tags VARCHAR[], pair STRUCT(a INTEGER, b VARCHAR), ok BOOLEAN, raw BLOB);
        CREATE VIEW s.v AS SELECT id, n * 2 AS twice, tags[1] AS first FROM s.t;
        CREATE TABLE plain AS SELECT 1 AS one`);
      const names = ['s.t', 's.v', 'plain', 's.t'];
      const described = await describeTables(store, names);
      expect([...described.keys()].sort()).toEqual(['plain', 's.t', 's.v']);
      for (const name of ['s.t', 's.v', 'plain']) expect(described.get(name)).toEqual(await describeColumns(store, name));
      expect(described.get('s.t')?.map((c) => c.name)).toEqual(['id', 'n', 'x', 'd', 'tags', 'pair', 'ok', 'raw']);
      expect(await describeTables(store, [])).toEqual(new Map());
      await expect(describeTables(store, ['s.t', 's.missing'])).rejects.toMatchObject({ code: 'store/UnknownTable' });
    } finally {
      await store.close();
    }
  });
});

describe('describeQuery', () => {
  it('gives the columns of a SELECT as describeColumns gives those of a view made of it, creating nothing', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      const sql = "WITH t AS (SELECT 1 AS n, 'a' AS s) SELECT n, s, n * 2.5 AS x, [n] AS l FROM t";
      const columns = await describeQuery(store, sql);
      expect(columns).toEqual([
        { name: 'n', type: 'INTEGER' },
        { name: 's', type: 'VARCHAR' },
        { name: 'x', type: 'DECIMAL(12,1)' },
        { name: 'l', type: 'INTEGER[]' },
      ]);
      expect(await store.query('SELECT count(*) AS n FROM duckdb_views() WHERE NOT internal')).toEqual([{ n: 0n }]);
      await store.run(`CREATE VIEW v AS ${sql}`);
      expect(await describeColumns(store, 'v')).toEqual(columns);
    } finally {
      await store.close();
    }
  });
});
