import type { FileLocality } from '@anatomy/plan-signals';
import type { ManifestView } from '@anatomy/semantic-ir';
import { openStore, tableDigest, updateDigest } from '@anatomy/store';
import { describe, expect, it } from 'vitest';
import { affectedFiles, dropPreviousTables, setAsidePreviousTables, updateView } from './incremental-views.js';

const local = (view: string): FileLocality => ({ view, local: true, column: 'file_id', reason: 'test' });
const global = (view: string): FileLocality => ({ view, local: false, column: null, reason: 'test' });

describe('affectedFiles', () => {
  it('narrows file-local views to their inputs’ changed files, widens global ones to all, and leaves untouched views unchanged', () => {
    const inputsOf = new Map([
      ['norm.a', ['evidence.a']],
      ['norm.b', ['evidence.b', 'norm.a']],
      ['rel.g', ['norm.a']],
      ['cpg.x', ['norm.b', 'rel.g']],
      ['norm.c', ['norm.a', 'meta.other']],
    ]);
    const locality = { 'norm.a': local('norm.a'), 'norm.b': local('norm.b'), 'rel.g': global('rel.g'), 'cpg.x': local('cpg.x'), 'norm.c': local('norm.c') };
    const order = ['norm.a', 'norm.b', 'rel.g', 'cpg.x', 'norm.c'];
    const affected = affectedFiles({ order, inputsOf, locality, changedFiles: ['file:2', 'file:1', 'file:2'] });
    expect(Object.fromEntries(affected)).toEqual({ 'norm.a': ['file:1', 'file:2'], 'norm.b': ['file:1', 'file:2'], 'rel.g': 'all', 'cpg.x': 'all', 'norm.c': 'all' });
    const none = affectedFiles({ order, inputsOf: new Map([...inputsOf].filter(([v]) => v !== 'norm.c')), locality, changedFiles: [] });
    expect(Object.fromEntries(none)).toEqual({ 'norm.a': [], 'norm.b': [], 'rel.g': [], 'cpg.x': [], 'norm.c': [] });
  });

  it('recomputes the rows of no file of a view with NULL-file branches, without widening its files to what only those branches read', () => {
    const inputsOf = new Map([
      ['norm.a', ['evidence.a']],
      ['rel.g', ['norm.a']],
      ['cpg.n', ['norm.a', 'rel.g']],
      ['cpg.r', ['cpg.n']],
    ]);
    const withNulls: FileLocality = { view: 'cpg.n', local: true, column: 'file_id', nullFile: { inputs: ['rel.g'] }, reason: 'test' };
    const locality = { 'norm.a': local('norm.a'), 'rel.g': global('rel.g'), 'cpg.n': withNulls, 'cpg.r': local('cpg.r') };
    const order = ['norm.a', 'rel.g', 'cpg.n', 'cpg.r'];
    const affected = affectedFiles({ order, inputsOf, locality, changedFiles: ['file:2'] });
    // rel.g changed everywhere, but it only reaches cpg.n's NULL rows; a reader of cpg.n cannot follow those by file.
    expect(Object.fromEntries(affected)).toEqual({ 'norm.a': ['file:2'], 'rel.g': 'all', 'cpg.n': { files: ['file:2'], nulls: true }, 'cpg.r': 'all' });
    // Only a NULL-branch input changed: no file, but the NULL rows.
    const onlyGlobal = affectedFiles({ order, inputsOf: new Map([...inputsOf, ['rel.g', ['meta.other']]]), locality, changedFiles: [] });
    expect(onlyGlobal.get('cpg.n')).toEqual({ files: [], nulls: true });
    expect(affectedFiles({ order, inputsOf, locality, changedFiles: [] }).get('cpg.n')).toEqual([]);
  });
});

describe('updateView', () => {
  it('restores, patches or rebuilds a view’s previous table so it equals a fresh materialization', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.run(`CREATE SCHEMA evidence; CREATE SCHEMA norm;
        CREATE TABLE evidence.a AS SELECT * FROM (VALUES ('file:1', 1), ('file:1', 2), ('file:2', 3), ('file:3', 4)) v(file_id, n)`);
      const view = { name: 'norm.a', kind: 'normalize', sql: 'SELECT file_id, n * 10 AS n FROM evidence.a', output: false, decisions: [] } as unknown as ManifestView;
      const total = { name: 'norm.t', kind: 'derive', sql: 'SELECT count(*) AS n FROM evidence.a', output: false, decisions: [] } as unknown as ManifestView;
      await store.materialize({ name: view.name, sql: view.sql, as: 'table' });
      await store.materialize({ name: total.name, sql: total.sql, as: 'table' });
      const rows = (sql: string) => store.query(sql);

      // file:1 changes, file:3 goes away; the planner then leaves the names to views.
      await store.run(`DELETE FROM evidence.a WHERE file_id IN ('file:1', 'file:3'); INSERT INTO evidence.a VALUES ('file:1', 7)`);
      expect([...(await setAsidePreviousTables(store, [view, total]))].sort()).toEqual(['norm.a', 'norm.t']);
      for (const v of [view, total]) await store.materialize({ name: v.name, sql: v.sql, as: 'view' });

      const patched = await updateView(store, view, { locality: local('norm.a'), affected: ['file:1', 'file:3'], hasPrevious: true });
      expect(patched).toMatchObject({ update: 'files', rows: 2 });
      expect(patched.outcomes.map((o) => [o.operation, o.rowsDeleted, o.rowsInserted])).toEqual([['delete', 3, 0], ['ingest', 0, 1]]);
      expect(await rows('SELECT file_id, n FROM norm.a ORDER BY n')).toEqual([{ file_id: 'file:2', n: 30 }, { file_id: 'file:1', n: 70 }]);

      const whole = await updateView(store, total, { locality: global('norm.t'), affected: 'all', hasPrevious: true });
      expect(whole).toMatchObject({ update: 'full', rows: 1 });
      expect(await rows('SELECT n FROM norm.t')).toEqual([{ n: 2n }]);
      expect(await rows("SELECT table_name FROM information_schema.tables WHERE table_name LIKE '%anatomy_prev'")).toEqual([]);

      // Nothing changed: the previous table comes back as it was.
      expect([...(await setAsidePreviousTables(store, [view]))]).toEqual(['norm.a']);
      await store.materialize({ name: view.name, sql: view.sql, as: 'view' });
      expect(await updateView(store, view, { locality: local('norm.a'), affected: [], hasPrevious: true })).toMatchObject({ update: 'unchanged', rows: 2, outcomes: [] });
      expect((await rows("SELECT table_type FROM information_schema.tables WHERE table_schema = 'norm' AND table_name = 'a'"))[0]).toEqual({ table_type: 'BASE TABLE' });

      // A view with rows of no file: the affected files' rows and the NULL ones are recomputed, the digest follows both.
      await store.run(`CREATE TABLE evidence.s AS SELECT * FROM (VALUES ('s1'), ('s2')) v(name)`);
      const nodes = {
        name: 'norm.n',
        kind: 'project',
        sql: 'SELECT file_id, n FROM evidence.a UNION ALL SELECT CAST(NULL AS VARCHAR) AS file_id, length(name) AS n FROM evidence.s',
        output: false,
        decisions: [],
      } as unknown as ManifestView;
      await store.materialize({ name: nodes.name, sql: nodes.sql, as: 'table' });
      const start = await tableDigest(store, nodes.name);
      await store.run(`DELETE FROM evidence.a WHERE file_id = 'file:2'; INSERT INTO evidence.a VALUES ('file:2', 9); INSERT INTO evidence.s VALUES ('s333')`);
      await setAsidePreviousTables(store, [nodes]);
      await store.materialize({ name: nodes.name, sql: nodes.sql, as: 'view' });
      const withNulls: FileLocality = { view: nodes.name, local: true, column: 'file_id', nullFile: { inputs: ['evidence.s'] }, reason: 'test' };
      const nulls = await updateView(store, nodes, { locality: withNulls, affected: { files: ['file:2'], nulls: true }, hasPrevious: true, digest: true });
      expect(nulls).toMatchObject({ update: 'files', rows: 5 });
      expect(nulls.outcomes.map((o) => [o.operation, o.rowsDeleted, o.rowsInserted])).toEqual([['delete', 3, 0], ['ingest', 0, 4]]);
      expect(await rows('SELECT file_id, n FROM norm.n ORDER BY n, file_id')).toEqual([
        { file_id: null, n: 2n },
        { file_id: null, n: 2n },
        { file_id: null, n: 4n },
        { file_id: 'file:1', n: 7n },
        { file_id: 'file:2', n: 9n },
      ]);
      expect(await rows('SELECT file_id, n FROM norm.n EXCEPT ALL SELECT file_id, n FROM (' + nodes.sql + ')')).toEqual([]);
      if (nulls.change.kind !== 'rows') throw new Error(`expected a row change, got ${nulls.change.kind}`);
      expect(updateDigest(start.digest, nulls.change.removed, nulls.change.added)).toEqual((await tableDigest(store, nodes.name)).digest);

      // A previous table no view took back is dropped.
      await setAsidePreviousTables(store, [view]);
      await dropPreviousTables(store, new Set(['norm.a']), new Set());
      expect(await rows("SELECT table_name FROM information_schema.tables WHERE table_name LIKE '%anatomy_prev'")).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
