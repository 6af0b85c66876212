import { parseLineage } from '@anatomy/plan-signals';
import type { ViewLineage } from '@anatomy/plan-signals';
import type { ManifestView } from '@anatomy/semantic-ir';
import { openStore } from '@anatomy/store';
import { describe, expect, it } from 'vitest';
import { columnsReadBy, columnsReadByView } from './read-columns.js';

describe('columnsReadBy', () => {
  it('lists the columns every reader reads, and none for a relation some reader reads whole or through a NATURAL join', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.run(`CREATE SCHEMA e;
        CREATE TABLE e.files (file_id VARCHAR, path VARCHAR, sha256 VARCHAR, size BIGINT);
        CREATE TABLE e.defs (file_id VARCHAR, name VARCHAR, line INTEGER);
        CREATE TABLE e.refs (file_id VARCHAR, name VARCHAR)`);
      const lineage = (name: string, sql: string): Promise<ViewLineage> => parseLineage(store, { name, sql, kind: 'derive', output: false, decisions: [] } as unknown as ManifestView);
      const lineages = [
        await lineage('v.paths', 'SELECT f.file_id, f.path FROM e.files AS f'),
        await lineage('v.named', 'SELECT d.name, f.path FROM e.defs AS d JOIN e.files AS f USING (file_id) WHERE EXISTS (SELECT 1 FROM e.refs AS r WHERE r.name = d.name)'),
        await lineage('v.count', 'SELECT count(*) AS n FROM e.defs'),
        await lineage('v.natural', 'SELECT name FROM e.refs NATURAL JOIN e.defs'),
        await lineage('v.all', 'WITH c AS (SELECT * FROM e.files) SELECT c.size FROM c'),
      ];
      const read = columnsReadBy(lineages.slice(0, 3));
      expect(Object.fromEntries(read)).toEqual({ 'e.files': ['file_id', 'path'], 'e.defs': ['file_id', 'name'], 'e.refs': ['name'] });
      const widened = columnsReadBy(lineages);
      expect(Object.fromEntries(widened)).toEqual({ 'e.files': null, 'e.defs': null, 'e.refs': null });
      // View by view, each keeps its own columns.
      const byView = columnsReadByView(lineages);
      expect(Object.fromEntries([...byView].map(([view, reads]) => [view, Object.fromEntries(reads)]))).toEqual({
        'v.paths': { 'e.files': ['file_id', 'path'] },
        'v.named': { 'e.defs': ['file_id', 'name'], 'e.files': ['file_id', 'path'], 'e.refs': ['name'] },
        'v.count': { 'e.defs': [] },
        'v.natural': { 'e.refs': null, 'e.defs': null },
        'v.all': { 'e.files': null },
      });
    } finally {
      await store.close();
    }
  });
});
