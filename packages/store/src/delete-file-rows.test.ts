import { describe, expect, it } from 'vitest';
import { deleteFileRows } from './delete-file-rows.js';
import { openStore } from './open-store.js';

describe('deleteFileRows', () => {
  it('deletes exactly the rows of the named files and reports how many', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.run('CREATE SCHEMA evidence');
      await store.run(`CREATE TABLE evidence.defs AS SELECT * FROM (VALUES ('file:a', 1), ('file:a', 2), ('file:b', 3), ('file:''q', 4), (NULL, 5)) v(file_id, n)`);
      const outcome = await deleteFileRows(store, { table: 'evidence.defs', column: 'file_id', fileIds: ['file:a', "file:'q", 'file:missing'] });
      expect(outcome).toMatchObject({ target: 'evidence.defs', operation: 'delete', rowsDeleted: 3, rowsInserted: 0, tableRowCount: 2 });
      const left = await store.query('SELECT file_id, n FROM evidence.defs ORDER BY n');
      expect(left).toEqual([
        { file_id: 'file:b', n: 3 },
        { file_id: null, n: 5 },
      ]);
      const none = await deleteFileRows(store, { table: 'evidence.defs', column: 'file_id', fileIds: [] });
      expect(none.rowsDeleted).toBe(0);
      // With nulls, the rows of no file go too, even when no file is named.
      const unowned = await deleteFileRows(store, { table: 'evidence.defs', column: 'file_id', fileIds: [], nulls: true });
      expect(unowned).toMatchObject({ rowsDeleted: 1, tableRowCount: 1 });
    } finally {
      await store.close();
    }
  });
});
