import { describe, expect, it } from 'vitest';
import { openStore } from './open-store.js';
import { describeColumns } from './describe-columns.js';
import { replaceChangedRows } from './replace-changed-rows.js';
import type { Store } from './store.js';
import { tableDigest, updateDigest } from './table-digest.js';
import { StoreError } from './store-error.js';

async function rows(store: Store): Promise<unknown[]> {
  return store.query('SELECT file_id, n, tag FROM rel.t ORDER BY n, file_id NULLS FIRST, tag NULLS FIRST');
}

async function withTable(fn: (store: Store) => Promise<void>): Promise<void> {
  const store = await openStore({ path: ':memory:' });
  try {
    await store.run('CREATE SCHEMA rel');
    // A duplicated row, a row of no file and a NULL cell: the cases set difference gets wrong most easily.
    await store.run(`CREATE TABLE rel.t (file_id VARCHAR, n BIGINT, tag VARCHAR)`);
    await store.run(`INSERT INTO rel.t VALUES ('file:a', 1, 'x'), ('file:a', 1, 'x'), ('file:a', 2, NULL), ('file:b', 3, 'y'), (NULL, 4, 'z')`);
    await fn(store);
  } finally {
    await store.close();
  }
}

describe('replaceChangedRows', () => {
  it('leaves the table holding exactly the query rows, writing only the difference', async () => {
    await withTable(async (store) => {
      // One copy of the duplicate goes, file:b's row changes, a row of file:c arrives; the rest stays.
      // n comes as DOUBLE here, which DuckDB hashes unlike the table's BIGINT: only the cast makes equal rows match.
      const sql = `SELECT * FROM (VALUES ('file:a', 1::DOUBLE, 'x'), ('file:a', 2::DOUBLE, NULL), ('file:b', 3::DOUBLE, 'w'), (NULL, 4::DOUBLE, 'z'), ('file:c', 5::DOUBLE, 'v')) v(file_id, n, tag)`;
      const out = await replaceChangedRows(store, { table: 'rel.t', sql, by: 'file_id' });
      expect(await rows(store)).toEqual(await store.query(`SELECT file_id, CAST(n AS BIGINT) AS n, tag FROM (${sql}) ORDER BY n, file_id NULLS FIRST, tag NULLS FIRST`));
      // Both copies of the duplicated row are replaced by its one new copy: 2 + 1 deleted, 1 + 1 + 1 inserted.
      expect(out.outcome).toMatchObject({ target: 'rel.t', operation: 'replace', rowsDeleted: 3, rowsInserted: 3, tableRowCount: 5 });
      expect(out.changedGroups).toEqual(['file:a', 'file:b', 'file:c']);
      // The same rows again write nothing and change no group.
      const again = await replaceChangedRows(store, { table: 'rel.t', sql, by: 'file_id' });
      expect([again.outcome, again.changedGroups]).toEqual([null, []]);
      // Asked not to measure, it leaves a pending write that measureWrites completes.
      const pending = await replaceChangedRows(store, { table: 'rel.t', sql: `${sql} WHERE n <> 5`, by: 'file_id' }, { measure: false });
      expect(pending.outcome).toMatchObject({ target: 'rel.t', operation: 'replace', rowsDeleted: 1, rowsInserted: 0 });
      expect(pending.outcome !== null && 'tableRowCount' in pending.outcome).toBe(false);
      expect(pending.changedGroups).toEqual(['file:c']);
      const [measured] = await store.measureWrites(pending.outcome === null ? [] : [pending.outcome]);
      expect(measured).toMatchObject({ target: 'rel.t', rowsDeleted: 1, tableRowCount: 4 });
    });
  });

  it('reports rows of no file under null, and every change under null without a column', async () => {
    await withTable(async (store) => {
      const sql = `SELECT file_id, n, CASE WHEN file_id IS NULL THEN 'changed' ELSE tag END AS tag FROM rel.t`;
      expect((await replaceChangedRows(store, { table: 'rel.t', sql, by: 'file_id' })).changedGroups).toEqual([null]);
      const next = `SELECT file_id, n, CASE WHEN n = 3 THEN 'again' ELSE tag END AS tag FROM rel.t`;
      expect((await replaceChangedRows(store, { table: 'rel.t', sql: next })).changedGroups).toEqual([null]);
    });
  });

  it('counts a group changed only when the projected columns changed, yet writes every changed row', async () => {
    await withTable(async (store) => {
      const sql = `SELECT file_id, n, CASE WHEN n = 3 THEN 'other' ELSE tag END AS tag FROM rel.t`;
      const out = await replaceChangedRows(store, { table: 'rel.t', sql, by: 'file_id', columns: ['file_id', 'n'] });
      expect(out.changedGroups).toEqual([]);
      expect([out.outcome?.rowsDeleted, out.outcome?.rowsInserted]).toEqual([1, 1]);
      expect(await store.query("SELECT tag FROM rel.t WHERE n = 3")).toEqual([{ tag: 'other' }]);
      // A column the table lacks makes the projection every column.
      const next = `SELECT file_id, n, CASE WHEN n = 3 THEN 'third' ELSE tag END AS tag FROM rel.t`;
      expect((await replaceChangedRows(store, { table: 'rel.t', sql: next, by: 'file_id', columns: ['file_id', 'missing'] })).changedGroups).toEqual(['file:b']);
    });
  });

  it('reports the values the changed rows hold in the key columns, old rows and new, as text', async () => {
    await withTable(async (store) => {
      // Row 3 moves from tag y to tag w, row 4 (of no file) goes, row 6 arrives with a NULL tag; rows 1 and 2 stay.
      const sql = `SELECT * FROM (VALUES ('file:a', 1, 'x'), ('file:a', 1, 'x'), ('file:a', 2, NULL), ('file:b', 3, 'w'), ('file:c', 6, NULL)) v(file_id, n, tag)`;
      const out = await replaceChangedRows(store, { table: 'rel.t', sql, by: 'file_id', keys: ['tag', 'n'] });
      expect(out.changedGroups).toEqual([null, 'file:b', 'file:c']);
      expect(out.changedKeys).toEqual({ tag: [null, 'w', 'y', 'z'], n: ['3', '4', '6'] });
      // Nothing changed: every key column is reported, with no value.
      expect((await replaceChangedRows(store, { table: 'rel.t', sql, keys: ['tag'] })).changedKeys).toEqual({ tag: [] });
      // Without keys, none are reported; a key the table lacks is named.
      expect((await replaceChangedRows(store, { table: 'rel.t', sql })).changedKeys).toBeUndefined();
      await expect(replaceChangedRows(store, { table: 'rel.t', sql, keys: ['missing'] })).rejects.toSatisfy((e: unknown) => StoreError.is(e, 'UnknownColumn'));
    });
  });

  it('names the table or column it cannot use, and leaves no scratch table behind', async () => {
    await withTable(async (store) => {
      await expect(replaceChangedRows(store, { table: 'rel.nope', sql: 'SELECT 1' })).rejects.toSatisfy((e: unknown) => StoreError.is(e, 'UnknownTable'));
      await expect(replaceChangedRows(store, { table: 'rel.t', sql: 'SELECT * FROM rel.t', by: 'path' })).rejects.toSatisfy((e: unknown) => StoreError.is(e, 'UnknownColumn'));
      await expect(replaceChangedRows(store, { table: 'rel.t', sql: 'SELECT no_such_column FROM rel.t' })).rejects.toThrow(/no_such_column/);
      expect(await store.query("SELECT table_name FROM duckdb_tables() WHERE temporary")).toEqual([]);
      expect(await describeColumns(store, 'rel.t')).toEqual([
        { name: 'file_id', type: 'VARCHAR' },
        { name: 'n', type: 'BIGINT' },
        { name: 'tag', type: 'VARCHAR' },
      ]);
    });
  });

  it('with a scope, compares and replaces only the rows it picks, and digests what it removed and added', async () => {
    await withTable(async (store) => {
      const before = await tableDigest(store, 'rel.t');
      // file:a's rows become one changed row and one kept; the query's rows are file:a's only, and no other file's row goes.
      const sql = `SELECT * FROM (VALUES ('file:a', 1, 'x'), ('file:a', 2, 'new')) v(file_id, n, tag)`;
      const out = await replaceChangedRows(store, { table: 'rel.t', sql, scope: { where: 'file_id = ?', params: ['file:a'] }, by: 'file_id', digest: true });
      expect(await rows(store)).toEqual([
        { file_id: 'file:a', n: 1n, tag: 'x' },
        { file_id: 'file:a', n: 2n, tag: 'new' },
        { file_id: 'file:b', n: 3n, tag: 'y' },
        { file_id: null, n: 4n, tag: 'z' },
      ]);
      expect(out.changedGroups).toEqual(['file:a']);
      expect(out.outcome).toMatchObject({ rowsDeleted: 3, rowsInserted: 2, tableRowCount: 4 });
      const after = await tableDigest(store, 'rel.t');
      expect(out.digests).toBeDefined();
      expect(updateDigest(before.digest, out.digests?.removed ?? before.digest, out.digests?.added ?? before.digest)).toEqual(after.digest);
    });
  });
});
