import { describe, expect, it } from 'vitest';
import { openStore } from './open-store.js';

describe('store.insertSelect', () => {
  it('appends the rows of a SELECT with bound parameters and measures the write', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.run('CREATE SCHEMA cpg; CREATE TABLE cpg.t (file_id VARCHAR, n INTEGER); INSERT INTO cpg.t VALUES (\'a\', 1)');
      const outcome = await store.insertSelect({ table: 'cpg.t', sql: 'SELECT file_id, n FROM (VALUES (\'b\', 2), (\'c\', 3)) v(file_id, n) WHERE n >= ?', params: [2] });
      expect(outcome).toMatchObject({ target: 'cpg.t', operation: 'ingest', rowsInserted: 2, rowsDeleted: 0, tableRowCount: 3 });
      expect(await store.query('SELECT file_id FROM cpg.t ORDER BY file_id')).toEqual([{ file_id: 'a' }, { file_id: 'b' }, { file_id: 'c' }]);
      await expect(store.insertSelect({ table: 'cpg.missing', sql: 'SELECT 1' })).rejects.toThrow(/cpg/);
    } finally {
      await store.close();
    }
  });
});

describe('store.replaceRows', () => {
  it('deletes the rows a condition picks, then appends a SELECT, and measures both as one write', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.run("CREATE SCHEMA cpg; CREATE TABLE cpg.t (file_id VARCHAR, n INTEGER); INSERT INTO cpg.t VALUES ('a', 1), ('b', 2), ('b', 3)");
      // The SELECT runs after the delete: it sees b's rows gone.
      const outcome = await store.replaceRows({
        table: 'cpg.t',
        where: 'file_id = ?',
        whereParams: ['b'],
        sql: "SELECT 'b', (SELECT count(*) FROM cpg.t) + n FROM (VALUES (10), (20)) v(n) WHERE n > ?",
        params: [15],
      });
      expect(outcome).toMatchObject({ target: 'cpg.t', operation: 'replace', rowsInserted: 1, rowsDeleted: 2, tableRowCount: 2, storedRowCount: 4 });
      expect(await store.query('SELECT file_id, n FROM cpg.t ORDER BY n')).toEqual([{ file_id: 'a', n: 1 }, { file_id: 'b', n: 21 }]);
      await expect(store.replaceRows({ table: 'cpg.t', where: 'nope = 1', sql: 'SELECT 1, 2' })).rejects.toThrow(/nope/);
    } finally {
      await store.close();
    }
  });
});
