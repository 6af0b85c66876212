import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { describe, expect, it } from 'vitest';
import type { FileLocality } from '@anatomy/plan-signals';
import type { ManifestView } from '@anatomy/semantic-ir';
import { fileFilteredSql } from './file-filtered-sql.js';
import { setAsidePreviousTables, updateView } from './incremental-views.js';
import { CHANGED_FILES_PLACEHOLDER, limitedSqlKey, readLimitedSqlCache, withChangedFiles, writeLimitedSqlCache } from './limited-sql-cache.js';

async function rows(store: Store, sql: string): Promise<string[]> {
  return (await store.query(`SELECT * FROM (${sql}) ORDER BY ALL`)).map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
}

describe('limited SQL cache', () => {
  it('gives, with the files put in, the rows a rewriting for those files gives', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.run(`CREATE SCHEMA ev;
        CREATE TABLE ev.defs AS SELECT 'f' || (i % 5) AS file_id, 'd' || i AS def_id, 'n' || (i % 7) AS name FROM range(100) r(i);
        CREATE TABLE ev.refs AS SELECT CASE WHEN i % 11 = 0 THEN NULL ELSE 'f' || (i % 5) END AS file_id, 'd' || (i % 100) AS def_id FROM range(200) r(i)`);
      const view = 'SELECT r.file_id, d.name, count(*) OVER (PARTITION BY r.file_id) AS n FROM ev.refs AS r JOIN ev.defs AS d ON d.def_id = r.def_id AND d.file_id = r.file_id';
      const columns = new Map([['ev.defs', 'file_id'], ['ev.refs', 'file_id']]);
      const cached = await fileFilteredSql(store, view, columns, [CHANGED_FILES_PLACEHOLDER]);
      expect(cached).toContain(`'${CHANGED_FILES_PLACEHOLDER}'`);
      for (const files of [['f1'], ['f2', 'f4'], ["f'q", 'f0']]) {
        const limited = withChangedFiles(cached, files);
        expect(limited).not.toContain(CHANGED_FILES_PLACEHOLDER);
        expect(await rows(store, limited)).toEqual(await rows(store, await fileFilteredSql(store, view, columns, files)));
      }
      // An SQL that limited nothing comes back as it is; no file at all is refused.
      expect(withChangedFiles(view, ['f1'])).toBe(view);
      expect(() => withChangedFiles(cached, [])).toThrow(/at least one file/);
    } finally {
      await store.close();
    }
  });

  it('keys an entry by everything the rewriting read, and keeps the entries of one plan key', async () => {
    const limitable = new Map([['ev.defs', 'file_id'], ['ev.refs', 'file_id']]);
    const key = limitedSqlKey('rel.v', limitable, new Set(['ev.defs']), ['norm.inline']);
    expect(limitedSqlKey('rel.v', new Map([...limitable].reverse()), new Set(['ev.defs']), ['norm.inline'])).toBe(key);
    for (const other of [
      limitedSqlKey('rel.w', limitable, new Set(['ev.defs']), ['norm.inline']),
      limitedSqlKey('rel.v', new Map([['ev.defs', 'file_id']]), new Set(['ev.defs']), ['norm.inline']),
      limitedSqlKey('rel.v', new Map([['ev.defs', 'file_id'], ['ev.refs', 'owner']]), new Set(['ev.defs']), ['norm.inline']),
      limitedSqlKey('rel.v', limitable, new Set(), ['norm.inline']),
      limitedSqlKey('rel.v', limitable, new Set(['ev.defs']), []),
    ]) {
      expect(other).not.toBe(key);
    }

    const store = await openStore({ path: ':memory:' });
    try {
      const empty = await readLimitedSqlCache(store, 'plan:1');
      expect(empty.entries.size).toBe(0);
      // Nothing added, nothing written.
      expect(await writeLimitedSqlCache(store, empty)).toEqual([]);
      empty.entries.set('a', { sql: `SELECT '${CHANGED_FILES_PLACEHOLDER}'`, reads: { limited: 2, inlined: 1 } });
      empty.added.add('a');
      const written = await writeLimitedSqlCache(store, empty);
      expect(written.map((w) => [w.target, w.operation])).toEqual([
        ['meta.limited_sql', 'delete'],
        ['meta.limited_sql', 'ingest'],
      ]);
      const again = await readLimitedSqlCache(store, 'plan:1');
      expect([...again.entries]).toEqual([['a', { sql: `SELECT '${CHANGED_FILES_PLACEHOLDER}'`, reads: { limited: 2, inlined: 1 } }]]);
      expect(again.added.size).toBe(0);
      // Another plan key sees none of them, and its first write drops them.
      const other = await readLimitedSqlCache(store, 'plan:2');
      expect(other.entries.size).toBe(0);
      other.entries.set('b', { sql: 'SELECT 1', reads: { limited: 0, inlined: 0 } });
      other.added.add('b');
      await writeLimitedSqlCache(store, other);
      expect(await store.query('SELECT plan_key, read_key FROM meta.limited_sql')).toEqual([{ plan_key: 'plan:2', read_key: 'b' }]);
    } finally {
      await store.close();
    }
  });

  it('lets a view updated by file take its limited SQL from the cache once a build put it there', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.run(`CREATE SCHEMA evidence; CREATE SCHEMA norm;
        CREATE TABLE evidence.a AS SELECT 'file:' || (i % 4) AS file_id, i AS n FROM range(40) r(i)`);
      const view = { name: 'norm.a', kind: 'normalize', sql: 'SELECT file_id, n * 10 AS n FROM evidence.a', output: false, decisions: [] } as unknown as ManifestView;
      const local: FileLocality = { view: 'norm.a', local: true, column: 'file_id', reason: 'test' };
      await store.materialize({ name: view.name, sql: view.sql, as: 'table' });
      const cache = await readLimitedSqlCache(store, 'plan:1');
      const update = async (files: string[]): Promise<Awaited<ReturnType<typeof updateView>>> => {
        await setAsidePreviousTables(store, [view]);
        await store.materialize({ name: view.name, sql: view.sql, as: 'view' });
        return updateView(store, view, { locality: local, affected: files, hasPrevious: true, fileColumns: new Map([['evidence.a', 'file_id'], ['norm.a', 'file_id']]), limitedCache: cache });
      };
      await store.run(`UPDATE evidence.a SET n = n + 1 WHERE file_id = 'file:1'`);
      const first = await update(['file:1']);
      expect(first).toMatchObject({ update: 'files', reads: { limited: 1, inlined: 0 } });
      expect([cache.entries.size, cache.added.size]).toEqual([1, 1]);
      // Another edit, other files: the same entry serves, with those files put in.
      await store.run(`UPDATE evidence.a SET n = n + 1 WHERE file_id IN ('file:2', 'file:3')`);
      const second = await update(['file:2', 'file:3']);
      expect(second).toMatchObject({ update: 'files', changed: ['file:2', 'file:3'], reads: { limited: 1, inlined: 0 } });
      expect([cache.entries.size, cache.added.size]).toEqual([1, 1]);
      expect(await rows(store, 'SELECT * FROM norm.a')).toEqual(await rows(store, view.sql));
    } finally {
      await store.close();
    }
  });
});
