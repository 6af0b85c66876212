import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stableId, stableIdSql } from '@anatomy/contracts';
import { columnBatch, defineDataset } from '@anatomy/schema-authority';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './open-store.js';
import { StoreError } from './store-error.js';
import { WriteOutcomeSchema } from './write-outcome.js';

const defs = defineDataset({
  name: 'evidence.defs',
  producer: 'test',
  version: 1,
  description: 'definitions',
  spanUnit: 'utf8-bytes',
  columns: [
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'file' },
    { name: 'name', type: 'utf8', nullable: false, role: 'name', description: 'name' },
    { name: 'bstart', type: 'int64', nullable: false, role: 'span-start', description: 'start' },
    { name: 'bend', type: 'int64', nullable: false, role: 'span-end', description: 'end' },
    { name: 'line', type: 'int32', nullable: true, role: 'line', description: 'line' },
    { name: 'is_async', type: 'bool', nullable: false, description: 'async?' },
    { name: 'score', type: 'float64', nullable: true, description: 'a float' },
    { name: 'raw', type: 'binary', nullable: true, description: 'bytes' },
  ],
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('openStore', () => {
  it('ingests batches larger than one data chunk with exact types', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.ensureDataset(defs);
      const n = 5000;
      const idx = Array.from({ length: n }, (_, i) => i);
      const outcome = await store.ingest(
        defs,
        columnBatch(defs, {
          file_id: idx.map((i) => `f${i % 7}`),
          name: idx.map((i) => `naïve_${i}`),
          bstart: idx.map((i) => i * 10),
          bend: idx.map((i) => BigInt(i * 10 + 5)),
          line: idx.map((i) => (i % 3 === 0 ? null : i)),
          is_async: idx.map((i) => i % 2 === 0),
          score: idx.map((i) => i / 4),
          raw: idx.map((i) => (i % 2 === 0 ? new Uint8Array([i % 256, 0]) : null)),
        }),
      );
      expect(WriteOutcomeSchema.parse(outcome).rowsInserted).toBe(n);
      expect(outcome.tableRowCount).toBe(n);
      const rows = await store.query('SELECT * FROM evidence.defs WHERE bstart = 40');
      expect(await store.query('SELECT count(*) AS n FROM evidence.defs WHERE name = ? OR name = $2', ["naïve_1' OR 1=1 --", 'naïve_2'])).toEqual([{ n: 1n }]);
      expect(await store.query('SELECT count(*) AS n FROM evidence.defs WHERE file_id = $f', { f: 'f0' })).toEqual([{ n: 715n }]);
      expect(rows).toEqual([
        { file_id: 'f4', name: 'naïve_4', bstart: 40n, bend: 45n, line: 4, is_async: true, score: 1, raw: new Uint8Array([4, 0]) },
      ]);
    } finally {
      await store.close();
    }
  });

  it('keeps every value and every NULL of every type, across validity words and data chunks', async () => {
    const nullable = defineDataset({
      name: 'evidence.cells',
      producer: 'test',
      version: 1,
      description: 'one nullable column of each type',
      spanUnit: 'none',
      columns: [
        { name: 'i', type: 'int32', nullable: false, description: 'row' },
        { name: 's', type: 'utf8', nullable: true, description: 'text' },
        { name: 'big', type: 'int64', nullable: true, description: 'int64' },
        { name: 'small', type: 'int32', nullable: true, description: 'int32' },
        { name: 'f', type: 'float64', nullable: true, description: 'float' },
        { name: 'b', type: 'bool', nullable: true, description: 'bool' },
      ],
    });
    const store = await openStore({ path: ':memory:' });
    try {
      await store.ensureDataset(nullable);
      // NULLs at both ends of 32- and 64-bit words and of the 2,048-row chunks, and a pattern between.
      const edges = new Set([0, 31, 32, 63, 64, 65, 2047, 2048, 2049, 4095, 4096, 4999]);
      const isNull = (i: number, column: number): boolean => edges.has(i) || (i + column) % 7 === 0;
      const n = 5000;
      const idx = Array.from({ length: n }, (_, i) => i);
      const expected = idx.map((i) => ({
        i,
        s: isNull(i, 1) ? null : i % 2 === 0 ? `s${i}` : `a longer text, ünïcode ${i}`,
        big: isNull(i, 2) ? null : i % 2 === 0 ? BigInt(i) * 1_000_000_007n - 9_000_000_000_000_000_000n : BigInt(i * 3),
        small: isNull(i, 3) ? null : -i,
        f: isNull(i, 4) ? null : i / 8,
        b: isNull(i, 5) ? null : i % 3 === 0,
      }));
      await store.ingest(
        nullable,
        columnBatch(nullable, {
          i: idx,
          s: expected.map((r) => r.s),
          // int64 cells come as bigints and as safe numbers alike.
          big: expected.map((r) => (r.big === null || r.i % 2 === 0 ? r.big : Number(r.big))),
          small: expected.map((r) => r.small),
          f: expected.map((r) => r.f),
          b: expected.map((r) => r.b),
        }),
      );
      await store.ingest(nullable, columnBatch(nullable, { i: [n], s: ['x'], big: [42], small: [1], f: [0.5], b: [false] }));
      const rows = await store.query('SELECT * FROM evidence.cells ORDER BY i');
      expect(rows).toEqual([...expected, { i: n, s: 'x', big: 42n, small: 1, f: 0.5, b: false }]);
    } finally {
      await store.close();
    }
  });

  it('stores int64 cells given as numbers across both 32-bit halves, negative ones and those past 2^53 included', async () => {
    const ints = defineDataset({
      name: 'evidence.wide',
      producer: 'test',
      version: 1,
      description: 'integers',
      spanUnit: 'none',
      columns: [
        { name: 'i', type: 'int32', nullable: false, description: 'order' },
        { name: 'big', type: 'int64', nullable: true, description: 'int64' },
      ],
    });
    const store = await openStore({ path: ':memory:' });
    try {
      await store.ensureDataset(ints);
      const numbers = [0, 1, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, -(2 ** 32), 2 ** 32 + 5, -(2 ** 32) - 5, 2 ** 53 - 1, -(2 ** 53) + 1, 2 ** 53, 2 ** 60, -(2 ** 62), 123456789012];
      const cells = [...numbers, null, 2n ** 63n - 1n, -(2n ** 63n)];
      await store.ingest(ints, { dataset: ints.name, rowCount: cells.length, columns: { i: cells.map((_, i) => i), big: cells } });
      const rows = await store.query('SELECT big FROM evidence.wide ORDER BY i');
      expect(rows.map((r) => r['big'])).toEqual(cells.map((c) => (c === null ? null : BigInt(c))));
    } finally {
      await store.close();
    }
  });

  it('refuses an integer that does not fit its column instead of storing it cut', async () => {
    const ints = defineDataset({
      name: 'evidence.ints',
      producer: 'test',
      version: 1,
      description: 'integers',
      spanUnit: 'none',
      columns: [
        { name: 'big', type: 'int64', nullable: false, description: 'int64' },
        { name: 'small', type: 'int32', nullable: false, description: 'int32' },
      ],
    });
    const store = await openStore({ path: ':memory:' });
    try {
      await store.ensureDataset(ints);
      // Batches built by hand, past columnBatch's checks.
      await expect(store.ingest(ints, { dataset: ints.name, rowCount: 1, columns: { big: [2n ** 63n], small: [1] } })).rejects.toThrow(
        expect.objectContaining({ code: 'store/IngestFailed', message: expect.stringMatching(/does not fit a BIGINT/), hint: expect.stringMatching(/columnBatch/) }),
      );
      await expect(store.ingest(ints, { dataset: ints.name, rowCount: 1, columns: { big: [1], small: [2 ** 31] } })).rejects.toThrow(/does not fit an INTEGER/);
      expect(await store.query('SELECT count(*) AS n FROM evidence.ints')).toEqual([{ n: 0n }]);
    } finally {
      await store.close();
    }
  });

  it('stores a table clustered by a column so a read of one value skips the other row groups', async () => {
    const store = await openStore({ path: ':memory:' });
    // Rows scanned by a read of one file, from DuckDB's own profile of the query.
    const scanned = async (table: string): Promise<number> => {
      const plan = await store.query(`EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM ${table} WHERE file_id IN ('f007')`);
      const walk = (node: { operator_rows_scanned?: number; children?: unknown[] }): number =>
        (node.operator_rows_scanned ?? 0) + (node.children ?? []).reduce<number>((sum, child) => sum + walk(child as typeof node), 0);
      return walk(JSON.parse(String(plan[0]?.['explain_value'])) as { children?: unknown[] });
    };
    try {
      // 600,000 rows of 40 files, the files interleaved (about five row groups of DuckDB's 122,880 rows).
      const sql = `SELECT 'f' || lpad(CAST((i * 7) % 40 AS VARCHAR), 3, '0') AS file_id, i AS n FROM range(600000) r(i)`;
      await store.materialize({ name: 'out.clustered', sql, as: 'table', clusterBy: 'file_id' });
      await store.materialize({ name: 'out.plain', sql, as: 'table' });
      // Stored in file order: no row follows one of a greater file.
      const outOfOrder = async (table: string): Promise<number> =>
        Number((await store.query(`SELECT count(*) AS n FROM (SELECT file_id, lag(file_id) OVER (ORDER BY rowid) AS before FROM ${table}) WHERE before > file_id`))[0]?.['n']);
      expect(await outOfOrder('out.clustered')).toBe(0);
      expect(await outOfOrder('out.plain')).toBeGreaterThan(0);
      expect(await store.query(`SELECT count(*) AS n FROM out.clustered WHERE file_id = 'f007'`)).toEqual([{ n: 15000n }]);
      expect(await scanned('out.plain')).toBe(600000);
      expect(await scanned('out.clustered')).toBeLessThanOrEqual(2 * 122880);
      // A view has no storage order: the column is ignored.
      await store.materialize({ name: 'out.v', sql: 'SELECT 1 AS file_id', as: 'view', clusterBy: 'file_id' });
      expect(await store.query('SELECT * FROM out.v')).toEqual([{ file_id: 1 }]);
    } finally {
      await store.close();
    }
  });

  it('writes a clustered table range by range, or sorts it by a second statement, to the rows and order of one statement', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      // 200,000 rows of 40 files interleaved, one row in 97 of no file.
      const sql = `SELECT CASE WHEN i % 97 = 0 THEN NULL ELSE 'f' || lpad(CAST((i * 7) % 40 AS VARCHAR), 3, '0') END AS file_id, i AS n FROM range(200000) r(i)`;
      await store.materialize({ name: 'out.one', sql, as: 'table', clusterBy: 'file_id' });
      const ranged = await store.materialize({ name: 'out.ranged', sql, as: 'table', clusterBy: 'file_id', clusterRanges: ['f010', 'f020', 'f031'] });
      expect(ranged).toMatchObject({ target: 'out.ranged', operation: 'materialize-table', rowsInserted: 200000 });
      await store.materialize({ name: 'out.after', sql, as: 'table', clusterBy: 'file_id', sortAfterWrite: true });
      // Files in the stored order, NULL last: one list per table, compared as a whole.
      const order = async (table: string): Promise<unknown> =>
        (await store.query(`SELECT list(file_id ORDER BY rowid) = list(file_id ORDER BY file_id NULLS LAST) AS sorted, count(*) AS n, count(file_id) AS with_file FROM ${table}`))[0];
      for (const table of ['out.one', 'out.ranged', 'out.after']) expect(await order(table)).toEqual({ sorted: true, n: 200000n, with_file: 200000n - 2062n });
      for (const table of ['out.ranged', 'out.after']) {
        const differ = await store.query(`SELECT count(*) AS n FROM ((SELECT * FROM out.one EXCEPT ALL SELECT * FROM ${table}) UNION ALL (SELECT * FROM ${table} EXCEPT ALL SELECT * FROM out.one))`);
        expect(differ).toEqual([{ n: 0n }]);
      }
      // Bounds out of order are refused before anything is written.
      const refused = store.materialize({ name: 'out.ranged', sql: 'SELECT 1 AS file_id', as: 'table', clusterBy: 'file_id', clusterRanges: ['f020', 'f010'] });
      await expect(refused).rejects.toMatchObject({ code: 'store/InvalidOptions', message: expect.stringMatching(/clusterRanges of file_id must ascend strictly: "f020" comes before "f010"/), hint: expect.stringMatching(/ascending order/) });
      expect(await store.query('SELECT count(*) AS n FROM out.ranged')).toEqual([{ n: 200000n }]);
    } finally {
      await store.close();
    }
  });

  it('writes a grouping range by range from the input rows of each range, through a view it points at each range', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      // Groups by key, every key within one file: a filter on the grouped result would not reach the scan.
      await store.run(`CREATE TEMP TABLE staged AS SELECT 'f' || lpad(CAST(i % 40 AS VARCHAR), 3, '0') AS file_id, 'k' || (i % 400) AS key, i AS n FROM range(20000) r(i)`);
      const grouped = (from: string): string => `SELECT key, any_value(file_id) AS file_id, count(*) AS rows, sum(n) AS total FROM ${from} GROUP BY key`;
      await store.materialize({ name: 'out.whole', sql: grouped('staged'), as: 'table', clusterBy: 'file_id' });
      const ranged = await store.materialize({
        name: 'out.by_range',
        sql: grouped('staged_range'),
        as: 'table',
        clusterBy: 'file_id',
        clusterRanges: ['f010', 'f020'],
        rangeSource: { table: 'staged', view: 'staged_range' },
      });
      expect(ranged.rowsInserted).toBe(400);
      const differ = await store.query('SELECT count(*) AS n FROM ((SELECT * FROM out.whole EXCEPT ALL SELECT * FROM out.by_range) UNION ALL (SELECT * FROM out.by_range EXCEPT ALL SELECT * FROM out.whole))');
      expect(differ).toEqual([{ n: 0n }]);
      expect(await store.query('SELECT list(file_id ORDER BY rowid) = list(file_id ORDER BY file_id) AS sorted FROM out.by_range')).toEqual([{ sorted: true }]);
      // The view is gone after the last range, and after a range that fails.
      expect(await store.query("SELECT count(*) AS n FROM duckdb_views() WHERE view_name = 'staged_range'")).toEqual([{ n: 0n }]);
      const failing = store.materialize({
        name: 'out.by_range',
        sql: "SELECT key, file_id, CAST(error('range ' || file_id) AS INTEGER) AS n FROM staged_range",
        as: 'table',
        clusterBy: 'file_id',
        clusterRanges: ['f010'],
        rangeSource: { table: 'staged', view: 'staged_range' },
      });
      await expect(failing).rejects.toThrow(/range f000/);
      expect(await store.query("SELECT count(*) AS n FROM duckdb_views() WHERE view_name = 'staged_range'")).toEqual([{ n: 0n }]);
    } finally {
      await store.close();
    }
  });

  it('has the stable-id macro installed and materializes tables with outcomes', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.run(`CREATE TABLE t AS SELECT * FROM (VALUES ('a.py', 1), ('b.py', 2)) v(path, n)`);
      const outcome = await store.materialize({ name: 'out.ids', sql: `SELECT ${stableIdSql('file', ['path'])} AS id, n FROM t`, as: 'table' });
      expect(outcome).toMatchObject({ target: 'out.ids', operation: 'materialize-table', rowsInserted: 2, rowsDeleted: 0 });
      const again = await store.materialize({ name: 'out.ids', sql: `SELECT ${stableIdSql('file', ['path'])} AS id, n FROM t WHERE n = 1`, as: 'table' });
      expect(again).toMatchObject({ rowsInserted: 1, rowsDeleted: 2, tableRowCount: 1 });
      expect(await store.query('SELECT id FROM out.ids')).toEqual([{ id: stableId('file', 'a.py') }]);
    } finally {
      await store.close();
    }
  });

  it('caps DuckDB memory when asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anatomy-store-'));
    dirs.push(dir);
    const store = await openStore({ path: join(dir, 'capped.duckdb'), memoryLimit: '32MB', threads: 1 });
    try {
      expect(await store.query("SELECT current_setting('memory_limit') AS m, current_setting('threads') AS t")).toEqual([{ m: '30.5 MiB', t: 1n }]);
      await store.run('CREATE TABLE a AS SELECT i FROM range(1000) t(i)');
      expect(await store.query('SELECT count(*) AS n FROM a')).toEqual([{ n: 1000n }]);
    } finally {
      await store.close();
    }
  });

  it('persists to a file and reopens read-only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anatomy-store-'));
    dirs.push(dir);
    const path = join(dir, 'nested', 'anatomy.duckdb');
    const store = await openStore({ path });
    await store.ensureDataset(defs);
    await store.ingest(defs, columnBatch(defs, { file_id: ['f'], name: ['x'], bstart: [0], bend: [1], line: [1], is_async: [false], score: [null], raw: [null] }));
    await store.close();
    await expect(store.query('SELECT 1')).rejects.toSatisfy((e: unknown) => StoreError.is(e, 'Closed'));
    const reader = await openStore({ path });
    try {
      expect(await reader.query('SELECT count(*) AS n FROM evidence.defs')).toEqual([{ n: 1n }]);
    } finally {
      await reader.close();
    }
  });

  it('releases the file when the last user closes, so it can reopen read-only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anatomy-store-'));
    dirs.push(dir);
    const path = join(dir, 'anatomy.duckdb');
    const first = await openStore({ path });
    const second = await openStore({ path: join(dir, '.', 'anatomy.duckdb') });
    await first.run('CREATE TABLE t AS SELECT 1 AS x');
    await first.close();
    // the second user still works after the first closed
    expect(await second.query('SELECT x FROM t')).toEqual([{ x: 1 }]);
    await second.close();
    const reader = await openStore({ path, readOnly: true });
    try {
      expect(reader.readOnly).toBe(true);
      expect(await reader.query('SELECT x FROM t')).toEqual([{ x: 1 }]);
      await expect(reader.run('CREATE TABLE u (y INTEGER)')).rejects.toSatisfy((e: unknown) => StoreError.is(e, 'QueryFailed'));
    } finally {
      await reader.close();
    }
  });

  it('shares one instance between concurrent opens of a file in this process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anatomy-store-'));
    dirs.push(dir);
    const path = join(dir, 'anatomy.duckdb');
    const [a, b] = await Promise.all([openStore({ path }), openStore({ path })]);
    await a.run('CREATE TABLE t AS SELECT 1 AS x');
    expect(await b.query('SELECT x FROM t')).toEqual([{ x: 1 }]);
    await expect(openStore({ path, readOnly: true })).rejects.toSatisfy((e: unknown) => StoreError.is(e, 'OpenFailed'));
    await a.close();
    await b.close();
  });

  it('commits a transaction whole or not at all', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.ensureDataset(defs);
      const one = columnBatch(defs, { file_id: ['f'], name: ['x'], bstart: [0], bend: [1], line: [1], is_async: [false], score: [null], raw: [null] });
      await expect(
        store.transaction(async () => {
          await store.ingest(defs, one);
          await store.materialize({ name: 'out.copy', sql: 'SELECT * FROM evidence.defs', as: 'table' });
          throw new Error('killed half-way');
        }),
      ).rejects.toThrow('killed half-way');
      expect(await store.query('SELECT count(*) AS n FROM evidence.defs')).toEqual([{ n: 0n }]);
      expect(await store.query("SELECT count(*) AS n FROM duckdb_tables() WHERE schema_name = 'out'")).toEqual([{ n: 0n }]);
      const n = await store.transaction(async () => (await store.ingest(defs, one)).rowsInserted);
      expect(n).toBe(1);
      expect(await store.query('SELECT count(*) AS n FROM evidence.defs')).toEqual([{ n: 1n }]);
    } finally {
      await store.close();
    }
  });

  it('keeps schema names unambiguous whatever the file is called', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anatomy-store-'));
    dirs.push(dir);
    const store = await openStore({ path: join(dir, 'cpg.duckdb') });
    try {
      await store.materialize({ name: 'cpg.nodes', sql: 'SELECT 1 AS x', as: 'table' });
      expect(await store.query('SELECT x FROM cpg.nodes')).toEqual([{ x: 1 }]);
      expect(await store.withConnection(async (c) => (await c.runAndReadAll('SELECT count(*) FROM cpg.nodes')).getRows())).toEqual([[1n]]);
    } finally {
      await store.close();
    }
  });

  it('refuses a file that is not a database, with a hint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anatomy-store-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'notes.duckdb'), 'not a database at all, just text that is long enough to look like a header');
    await expect(openStore({ path: join(dir, 'notes.duckdb') })).rejects.toSatisfy((e: unknown) => StoreError.is(e, 'OpenFailed'));
  });

  it('materializes over an object of the other kind, view into table and back', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.materialize({ name: 'norm.x', sql: 'SELECT 1 AS a', as: 'view' });
      await store.materialize({ name: 'norm.x', sql: 'SELECT 2 AS a', as: 'table' });
      expect(await store.query("SELECT table_type FROM information_schema.tables WHERE table_name = 'x'")).toEqual([{ table_type: 'BASE TABLE' }]);
      await store.materialize({ name: 'norm.x', sql: 'SELECT 3 AS a', as: 'view' });
      expect(await store.query("SELECT table_type FROM information_schema.tables WHERE table_name = 'x'")).toEqual([{ table_type: 'VIEW' }]);
      expect(await store.query('SELECT a FROM norm.x')).toEqual([{ a: 3 }]);
    } finally {
      await store.close();
    }
  });

  it('reports SQL errors with the statement', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await expect(store.query('SELECT * FROM missing_table')).rejects.toSatisfy(
        (e: unknown) => StoreError.is(e, 'QueryFailed') && /missing_table/.test((e as Error).message),
      );
    } finally {
      await store.close();
    }
  });
});
