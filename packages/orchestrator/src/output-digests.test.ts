import type { FileLocality } from '@anatomy/plan-signals';
import type { ManifestView } from '@anatomy/semantic-ir';
import { openStore, tableFingerprint } from '@anatomy/store';
import { describe, expect, it } from 'vitest';
import { setAsidePreviousTables, updateView } from './incremental-views.js';
import { currentOutputDigests, fingerprintsOf, readOutputDigests, writeOutputDigests } from './output-digests.js';
import type { DigestChange } from './output-digests.js';

const local: FileLocality = { view: 'cpg.a', local: true, column: 'file_id', reason: 'test' };

describe('output digests', () => {
  it('follow an incremental update of an output table to the fingerprint of reading it afresh', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.run(`CREATE SCHEMA evidence; CREATE SCHEMA cpg;
        CREATE TABLE evidence.a AS SELECT 'file:' || (i % 5) AS file_id, i AS n, 'name ' || i AS label FROM range(200) r(i)`);
      const view = { name: 'cpg.a', kind: 'project', sql: 'SELECT file_id, n * 2 AS n, upper(label) AS label FROM evidence.a', output: true, decisions: [] } as unknown as ManifestView;
      await store.materialize({ name: view.name, sql: view.sql, as: 'table' });
      // First build: nothing stored, so the digest is read from every row.
      expect((await readOutputDigests(store)).size).toBe(0);
      const first = await currentOutputDigests(store, ['cpg.a'], new Map(), new Map());
      await writeOutputDigests(store, first);
      expect(fingerprintsOf(first)).toEqual({ 'cpg.a': await tableFingerprint(store, 'cpg.a') });
      expect(await readOutputDigests(store)).toEqual(first);

      for (const edit of [
        `DELETE FROM evidence.a WHERE file_id IN ('file:1', 'file:4'); INSERT INTO evidence.a VALUES ('file:1', 1000, 'new'), ('file:1', 1001, 'newer')`,
        `DELETE FROM evidence.a WHERE file_id = 'file:2'`,
      ]) {
        const stored = await readOutputDigests(store);
        await store.run(edit);
        await setAsidePreviousTables(store, [view]);
        await store.materialize({ name: view.name, sql: view.sql, as: 'view' });
        const result = await updateView(store, view, { locality: local, affected: ['file:1', 'file:2', 'file:4'], hasPrevious: true, digest: true });
        expect(result.update).toBe('files');
        expect(result.change.kind).toBe('rows');
        const next = await currentOutputDigests(store, ['cpg.a'], stored, new Map([['cpg.a', result.change]]));
        await writeOutputDigests(store, next);
        expect(fingerprintsOf(next), edit).toEqual({ 'cpg.a': await tableFingerprint(store, 'cpg.a') });
      }
      const latest = await readOutputDigests(store);
      expect(latest.get('cpg.a')?.digest.rows).toBe(82n);

      // Unchanged keeps the stored digest as it is; a table rewritten whole is read again.
      const unchanged: DigestChange = { kind: 'unchanged' };
      expect(await currentOutputDigests(store, ['cpg.a'], latest, new Map([['cpg.a', unchanged]]))).toEqual(latest);
      await store.run(`DELETE FROM cpg.a WHERE n < 10`);
      const rewritten = await currentOutputDigests(store, ['cpg.a'], latest, new Map([['cpg.a', { kind: 'rewritten' } as const]]));
      expect(fingerprintsOf(rewritten)).toEqual({ 'cpg.a': await tableFingerprint(store, 'cpg.a') });
      expect(rewritten.get('cpg.a')?.digest.rows).toBeLessThan(82n);
    } finally {
      await store.close();
    }
  });
});
