import type { FileLocality } from '@anatomy/plan-signals';
import type { ManifestView } from '@anatomy/semantic-ir';
import { openStore, tableDigest, updateDigest } from '@anatomy/store';
import { describe, expect, it } from 'vitest';
import { evidenceChangesByReader, evidenceReadKey } from './replace-file-evidence.js';
import type { AffectedFiles } from './incremental-views.js';
import { affectedFiles, dropPreviousTables, groupedAffected, keyedAffected, nullFreeStoredViews, setAsidePreviousTables, storedViewColumns, storedViewRows, updateView, viewAffected } from './incremental-views.js';
import { recordingQueries } from './recording-store.test-support.js';

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

describe('evidenceChangesByReader', () => {
  it('tells each reader the files its own columns of an evidence table changed in, and every reader the union', () => {
    const readers = new Map<string, Map<string, readonly string[] | null>>([
      ['derived.paths', new Map([['evidence.files', ['file_id', 'path']]])],
      ['cpg.nodes', new Map<string, readonly string[] | null>([['evidence.files', null], ['evidence.defs', ['file_id', 'name']]])],
    ]);
    // A file's size changed (only the whole read sees it); a def's name changed in another.
    const changes = new Map([
      [evidenceReadKey('evidence.files', ['file_id', 'path']), []],
      [evidenceReadKey('evidence.files', null), ['file:1']],
      [evidenceReadKey('evidence.defs', ['file_id', 'name']), ['file:2']],
    ]);
    const { byTable, byReader } = evidenceChangesByReader(changes, readers);
    expect(Object.fromEntries(byTable)).toEqual({ 'evidence.files': ['file:1'], 'evidence.defs': ['file:2'] });
    expect(byReader.get('derived.paths')?.get('evidence.files')).toEqual([]);
    expect(byReader.get('cpg.nodes')?.get('evidence.files')).toEqual(['file:1']);
    // The reader's own answer wins over the table's in viewAffected.
    const input = { inputsOf: new Map([['derived.paths', ['evidence.files']]]), locality: { 'derived.paths': global('derived.paths') }, changedFiles: ['file:1'] };
    const known = new Map<string, AffectedFiles>(byTable);
    expect(viewAffected('derived.paths', input, known)).toBe('all');
    expect(viewAffected('derived.paths', { ...input, readerChanges: byReader }, known)).toEqual([]);
  });
});

describe('viewAffected', () => {
  it('takes what an input measured: a file-local reader of a global view follows the files its rows changed in, an unchanged one changes nothing', () => {
    const inputsOf = new Map([
      ['rel.g', ['evidence.a', 'evidence.b']],
      ['cpg.x', ['rel.g', 'evidence.a']],
      ['cpg.y', ['rel.g']],
    ]);
    const locality = { 'rel.g': global('rel.g'), 'cpg.x': local('cpg.x'), 'cpg.y': global('cpg.y') };
    const input = { inputsOf, locality, changedFiles: ['file:1'] };
    expect(viewAffected('rel.g', input, new Map())).toBe('all');
    // rel.g, recomputed whole, turned out to differ in file:1 and file:7 (a call in file:7 resolved into file:1, say).
    expect(viewAffected('cpg.x', input, new Map([['rel.g', ['file:1', 'file:7']]]))).toEqual(['file:1', 'file:7']);
    // A global reader still changes everywhere once an input changed anywhere, and nowhere when none did.
    expect(viewAffected('cpg.y', input, new Map([['rel.g', ['file:7']]]))).toBe('all');
    expect(viewAffected('cpg.y', input, new Map([['rel.g', []]]))).toEqual([]);
    expect(viewAffected('cpg.x', input, new Map([['rel.g', 'all']]))).toBe('all');
  });
});

describe('groupedAffected', () => {
  const grouped = { column: 'qualified_name', source: { relation: 'merged.names', column: 'qualified_name' }, reason: 'grouped' };
  const inputsOf = new Map([['derived.symbols', ['merged.names']]]);

  it('recomputes the groups whose keys the grouped relation’s changed rows hold, and every group when those keys are not known', () => {
    const keys = new Map([['merged.names', { qualified_name: ['a.f', 'a.f2'] }]]);
    expect(groupedAffected('derived.symbols', grouped, { inputsOf, changedKeys: keys }, new Map([['merged.names', ['file:a']]]))).toEqual(['a.f', 'a.f2']);
    // Unchanged relation: nothing to recompute, whatever keys say.
    expect(groupedAffected('derived.symbols', grouped, { inputsOf, changedKeys: new Map() }, new Map([['merged.names', []]]))).toEqual([]);
    // A NULL key is a group too: its rows are recomputed with the others.
    const nulls = new Map([['merged.names', { qualified_name: [null, 'b.g'] }]]);
    expect(groupedAffected('derived.symbols', grouped, { inputsOf, changedKeys: nulls }, new Map([['merged.names', 'all']]))).toEqual({ files: ['b.g'], nulls: true });
    // Keys not asked for, or another input besides the grouped relation: every group.
    expect(groupedAffected('derived.symbols', grouped, { inputsOf, changedKeys: new Map() }, new Map([['merged.names', 'all']]))).toBe('all');
    const two = new Map([['derived.symbols', ['merged.names', 'merged.other']]]);
    expect(groupedAffected('derived.symbols', grouped, { inputsOf: two, changedKeys: keys }, new Map([['merged.names', ['file:a']]]))).toBe('all');
  });
});

describe('keyedAffected', () => {
  it('recomputes the files whose anchor rows hold a changed key, directly or through a relation between, whether few keys changed or many', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.run(`CREATE SCHEMA norm; CREATE SCHEMA rel;
        CREATE TABLE norm.refs AS SELECT 'file:' || (i % 5) AS file_id, 'r' || i AS ref_id, 'n' || (i % 40) AS name FROM range(200) t(i);
        CREATE TABLE norm.defs AS SELECT 'file:' || (i % 5) AS file_id, 'd' || i AS def_id, 'n' || i AS name FROM range(100) t(i);
        CREATE TABLE norm.aliases AS SELECT 'a' || i AS alias, 'n' || i AS name FROM range(100) t(i);`);
      const keyed = {
        column: 'file_id',
        source: { relation: 'norm.refs', column: 'file_id', nonNull: true },
        anchors: ['norm.refs'],
        probes: [
          { relation: 'norm.refs', column: 'name', foreign: 'norm.defs', foreignColumn: 'name', via: [] },
          { relation: 'norm.refs', column: 'name', foreign: 'norm.aliases', foreignColumn: 'alias', via: [{ relation: 'norm.aliases', match: 'alias', pass: 'name' }] },
        ],
        reason: 'test',
      };
      const input = (defs: (string | null)[], aliases: (string | null)[]) => ({
        inputsOf: new Map([['rel.v', ['norm.refs', 'norm.defs', 'norm.aliases']]]),
        locality: { 'rel.v': global('rel.v') },
        changedFiles: ['file:0'],
        changedKeys: new Map([['norm.defs', { name: defs }], ['norm.aliases', { alias: aliases }]]),
        fileColumns: new Map([['norm.refs', 'file_id']]),
      });
      const known = new Map([['norm.refs', ['file:0']], ['norm.defs', ['file:3']], ['norm.aliases', ['file:3']]]);
      // n6 is held by refs of file:1 (r6, r46, …), the alias a7 names n7 (file:2); NULL keys match nothing.
      expect(await keyedAffected(store, 'rel.v', keyed, input(['n6', null], ['a7']), known)).toEqual(['file:0', 'file:1', 'file:2']);
      // Past the literal list, the keys go in bound as one list: the same files.
      const many = Array.from({ length: 1500 }, (_, i) => `zz${i}`);
      expect(await keyedAffected(store, 'rel.v', keyed, input([...many, 'n6'], [...many, 'a7']), known)).toEqual(['file:0', 'file:1', 'file:2']);
      expect(await keyedAffected(store, 'rel.v', keyed, input([], []), known)).toEqual(['file:0']);
      // Keys not known for a changed relation: every file.
      expect(await keyedAffected(store, 'rel.v', keyed, { ...input([], []), changedKeys: new Map() }, known)).toBe('all');
    } finally {
      await store.close();
    }
  });
});

describe('nullFreeStoredViews', () => {
  it('names the stored views whose file column holds no NULL, set aside or in place', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.run(`CREATE SCHEMA norm;
        CREATE TABLE norm.a AS SELECT * FROM (VALUES ('file:1', 1), ('file:2', 2)) v(file_id, n);
        CREATE TABLE norm.b AS SELECT * FROM (VALUES ('file:1', 1), (NULL, 2)) v(file_id, n);
        CREATE TABLE norm.c AS SELECT * FROM (VALUES (NULL, 'file:1')) v(file_id, owner)`);
      const columns = new Map([['norm.a', 'file_id'], ['norm.b', 'file_id'], ['norm.c', 'owner']]);
      expect([...(await nullFreeStoredViews(store, columns, true))]).toEqual(['norm.a', 'norm.c']);
      expect([...(await nullFreeStoredViews(store, new Map(), true))]).toEqual([]);
      // Set aside, the previous tables are asked under their own names.
      const views = ['norm.a', 'norm.b', 'norm.c'].map((name) => ({ name }) as unknown as ManifestView);
      await setAsidePreviousTables(store, views);
      expect([...(await nullFreeStoredViews(store, columns, false))]).toEqual(['norm.a', 'norm.c']);
    } finally {
      await store.close();
    }
  });
});

describe('updateView', () => {
  it('measures which files’ rows of a view recomputed whole changed, by its file column, so its readers update only those', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      // A global view: every call row takes the name of the definition it resolves to, in whichever file that lies.
      await store.run(`CREATE SCHEMA evidence; CREATE SCHEMA rel;
        CREATE TABLE evidence.calls AS SELECT * FROM (VALUES ('file:1', 'f'), ('file:2', 'g'), ('file:3', 'f'), (NULL, 'h')) v(file_id, callee);
        CREATE TABLE evidence.defs AS SELECT * FROM (VALUES ('file:1', 'f', 10), ('file:2', 'g', 20), ('file:4', 'h', 30)) v(file_id, name, line)`);
      const view = {
        name: 'rel.g',
        kind: 'relate',
        sql: 'SELECT c.file_id, c.callee, d.line FROM evidence.calls c JOIN evidence.defs d ON d.name = c.callee',
        output: false,
        decisions: [],
      } as unknown as ManifestView;
      const refresh = async (): Promise<Awaited<ReturnType<typeof updateView>>> => {
        await setAsidePreviousTables(store, [view]);
        await store.materialize({ name: view.name, sql: view.sql, as: 'view' });
        return updateView(store, view, { locality: global('rel.g'), affected: 'all', hasPrevious: true, fileColumn: 'file_id', measure: true });
      };
      await store.materialize({ name: view.name, sql: view.sql, as: 'table' });

      // f moves in file:1: the calls of file:1 and file:3 resolve to a new line; file:2's rows stay as they were.
      await store.run(`UPDATE evidence.defs SET line = 11 WHERE name = 'f'`);
      const moved = await refresh();
      expect(moved).toMatchObject({ update: 'full', rows: 4, changed: ['file:1', 'file:3'] });
      // Recomputed for files whose rows come out as they were, a patched view hands on only those that changed.
      await store.run(`UPDATE evidence.calls SET callee = 'g' WHERE file_id = 'file:3'`);
      await setAsidePreviousTables(store, [view]);
      await store.materialize({ name: view.name, sql: view.sql, as: 'view' });
      const patched = await updateView(store, view, { locality: local('rel.g'), affected: ['file:2', 'file:3'], hasPrevious: true, fileColumn: 'file_id', measure: true });
      expect(patched).toMatchObject({ update: 'files', changed: ['file:3'] });
      // Nothing changed: readers change nothing either.
      expect((await refresh()).changed).toEqual([]);
      // A change only in a column no reader reads reaches no reader.
      await store.run(`UPDATE evidence.defs SET line = 12 WHERE name = 'f'`);
      await setAsidePreviousTables(store, [view]);
      await store.materialize({ name: view.name, sql: view.sql, as: 'view' });
      const unread = await updateView(store, view, { locality: global('rel.g'), affected: 'all', hasPrevious: true, fileColumn: 'file_id', measure: true, columns: ['callee', 'file_id'] });
      expect(unread).toMatchObject({ update: 'full', changed: [] });
      expect(await store.query(`SELECT DISTINCT line FROM rel.g WHERE callee = 'f'`)).toEqual([{ line: 12 }]);
      // The row without a file changed: no file list can name it.
      await store.run(`UPDATE evidence.defs SET line = 31 WHERE name = 'h'`);
      expect((await refresh()).changed).toBe('all');
      // Without a file column, any change is everywhere; without measuring, so is a whole recompute.
      await store.run(`UPDATE evidence.defs SET line = 21 WHERE name = 'g'`);
      await setAsidePreviousTables(store, [view]);
      await store.materialize({ name: view.name, sql: view.sql, as: 'view' });
      expect((await updateView(store, view, { locality: global('rel.g'), affected: 'all', hasPrevious: true, fileColumn: null, measure: true })).changed).toBe('all');
      await setAsidePreviousTables(store, [view]);
      await store.materialize({ name: view.name, sql: view.sql, as: 'view' });
      expect((await updateView(store, view, { locality: global('rel.g'), affected: 'all', hasPrevious: true, fileColumn: null, measure: true })).changed).toEqual([]);
      expect((await refresh()).changed).toEqual([]);
      await store.run(`DELETE FROM evidence.calls WHERE file_id = 'file:2'`);
      await setAsidePreviousTables(store, [view]);
      await store.materialize({ name: view.name, sql: view.sql, as: 'view' });
      expect((await updateView(store, view, { locality: global('rel.g'), affected: 'all', hasPrevious: true })).changed).toBe('all');
    } finally {
      await store.close();
    }
  });


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

      // Its stored rows counted and its columns described before the update, the update asks for neither: its rows after follow from the write (4 − 3 + 1).
      expect(await storedViewRows(store, ['norm.a'], false)).toEqual(new Map([['norm.a', 4]]));
      const described = (await storedViewColumns(store, ['norm.a'], false)).get('norm.a') ?? [];
      expect(described.map((c) => c.name)).toEqual(['file_id', 'n']);
      const { store: watched, queries } = recordingQueries(store);
      const patched = await updateView(watched, view, { locality: local('norm.a'), affected: ['file:1', 'file:3'], hasPrevious: true, fileColumns: new Map([['norm.a', 'file_id']]), rowsBefore: 4, described });
      expect(queries.filter((q) => /DESCRIBE|count\(\*\) AS n FROM "norm"\."a"/.test(q))).toEqual([]);
      // Written by its file column, the rows all name a file: a table free of NULLs there stays so.
      expect(patched).toMatchObject({ update: 'files', rows: 2, changed: ['file:1', 'file:3'], keepsNullFree: true });
      // One write of the rows that differ: file:1's two old rows and file:3's go, file:1's new one comes.
      expect(patched.outcomes.map((o) => [o.operation, o.rowsDeleted, o.rowsInserted])).toEqual([['replace', 3, 1]]);
      expect(await rows('SELECT file_id, n FROM norm.a ORDER BY n')).toEqual([{ file_id: 'file:2', n: 30 }, { file_id: 'file:1', n: 70 }]);

      const whole = await updateView(store, total, { locality: global('norm.t'), affected: 'all', hasPrevious: true });
      expect(whole).toMatchObject({ update: 'full', rows: 1, keepsNullFree: false });
      expect(await rows('SELECT n FROM norm.t')).toEqual([{ n: 2n }]);
      expect(await rows("SELECT table_name FROM information_schema.tables WHERE table_name LIKE '%anatomy_prev'")).toEqual([]);

      // Nothing changed: the previous table comes back as it was.
      expect([...(await setAsidePreviousTables(store, [view]))]).toEqual(['norm.a']);
      await store.materialize({ name: view.name, sql: view.sql, as: 'view' });
      expect(await updateView(store, view, { locality: local('norm.a'), affected: [], hasPrevious: true })).toMatchObject({ update: 'unchanged', rows: 2, outcomes: [], keepsNullFree: true });
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
      const nulls = await updateView(store, nodes, { locality: withNulls, affected: { files: ['file:2'], nulls: true }, hasPrevious: true, digest: true, fileColumns: new Map([['norm.n', 'file_id']]) });
      // Its rows of no file were written too.
      expect(nulls).toMatchObject({ update: 'files', rows: 5, keepsNullFree: false });
      // Of the recomputed rows (file:2's and those of no file), file:2's old row goes, its new one and s333's come; the two rows of 2 stay.
      expect(nulls.outcomes.map((o) => [o.operation, o.rowsDeleted, o.rowsInserted])).toEqual([['replace', 1, 2]]);
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
