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
