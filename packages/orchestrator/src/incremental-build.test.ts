import { appendFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunBundle } from '@anatomy/artifact-registry';
import { openStore, tableFingerprint } from '@anatomy/store';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCpg } from './build-cpg.js';
import { OUTPUT_TABLES, runTimingsArtifact, runWriteOutcomesArtifact } from './run-artifacts.js';
import { runsDirectory } from './run-directory.js';
import { silentProgress } from './progress-reporter.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'anatomy-incr-unit-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('buildCpg on a store that holds a build', () => {
  it('decides maintenance from the rows an incremental build deleted, and falls back to a full build saying why', { timeout: 300_000 }, async () => {
    // One large file and one small one: deleting the large one removes most evidence rows.
    const large = Array.from({ length: 150 }, (_, i) => `def f${i}(a, b):\n    return g(a) + h(b) + ${i}\n`).join('\n');
    const root = project({ 'big.py': large, 'small.py': 'def tiny():\n    return 1\n' });
    const first = await buildCpg({ root, maintenance: 'off' }, silentProgress());
    expect(first.build).toMatchObject({ mode: 'full', reason: expect.stringContaining('no file manifest') });

    rmSync(join(root, 'big.py'));
    const second = await buildCpg({ root, maintenance: 'dry-run' }, silentProgress());
    expect(second.build).toMatchObject({ mode: 'incremental', added: 0, changed: 0, deleted: 1, unchanged: 1, extracted: 0 });
    expect(second.build.evidenceRowsDeleted).toBeGreaterThan(1000);
    // The run's timings count the files the extractors read this time, none here, not every scanned file.
    const timings = (await readRunBundle(join(runsDirectory(root), second.runId))).read(runTimingsArtifact);
    const ran = timings.extractors.filter((x) => x.status === 'ran');
    expect(ran.map((x) => x.extractor)).toEqual(expect.arrayContaining(['python', 'tree-sitter']));
    for (const x of ran) expect([x.extractor, x.files, x.bytes]).toEqual([x.extractor, 0, 0]);
    // The deleted rows are still stored in the evidence tables' row groups, so maintenance rewrites them.
    const rewritten = second.maintenance.filter((r) => r.decision.action === 'rewrite-table').map((r) => (r.decision.target.scope === 'table' ? r.decision.target.table : ''));
    expect(rewritten.filter((t) => t.startsWith('evidence.')).length).toBeGreaterThan(0);
    expect(second.nodesByKind['DEF']).toBe(1);

    const allEvidence = await buildCpg({ root, allEvidence: true, maintenance: 'off' }, silentProgress());
    expect(allEvidence.build).toMatchObject({ mode: 'full', reason: expect.stringContaining('evidence extracted changed') });
    const forced = await buildCpg({ root, allEvidence: true, full: true, maintenance: 'off' }, silentProgress());
    expect(forced.build).toMatchObject({ mode: 'full', reason: '--full was given', extracted: 1 });
  });

  it('reads again only the files whose stat changed since the stored build, and still sees a rewrite that kept size and modification time', { timeout: 300_000 }, async () => {
    const root = project({ 'a.py': 'def f():\n    return 1\n', 'b.py': 'from a import f\n\nY = f()\n', 'c.py': 'Z = 3\n' });
    // Settled files: written long enough before the scan for their stat to be trusted next time.
    const past = new Date(Date.now() - 10_000);
    for (const name of ['a.py', 'b.py', 'c.py']) utimesSync(join(root, name), past, past);
    const first = await buildCpg({ root, maintenance: 'off' }, silentProgress());
    expect(first.build).toMatchObject({ mode: 'full', filesRead: 3 });
    const unchanged = await buildCpg({ root, maintenance: 'off' }, silentProgress());
    expect(unchanged.build).toMatchObject({ mode: 'incremental', changed: 0, filesRead: 0 });
    // Same size, modification time set back: only the change time tells, and it is enough.
    writeFileSync(join(root, 'c.py'), 'Z = 4\n');
    utimesSync(join(root, 'c.py'), past, past);
    const rewritten = await buildCpg({ root, maintenance: 'off' }, silentProgress());
    expect(rewritten.build).toMatchObject({ mode: 'incremental', changed: 1, unchanged: 2, filesRead: 1 });
    // --full reads every file.
    const full = await buildCpg({ root, full: true, maintenance: 'off' }, silentProgress());
    expect(full.build).toMatchObject({ mode: 'full', filesRead: 3 });
    const store = await openStore({ path: rewritten.storePath, readOnly: true });
    try {
      expect((await store.query('SELECT path FROM meta.file_stats ORDER BY path')).map((r) => r['path'])).toEqual(['a.py', 'b.py', 'c.py']);
      // A full build stores the views it materializes in file order, so reads of a few files skip the other files' row groups.
      for (const table of ['cpg.edges', 'cpg.props', 'cpg.nodes', 'norm.refs']) {
        const order = await store.query(
          `SELECT count(*) FILTER (WHERE before > file_id) AS backwards, count(DISTINCT file_id) AS files FROM (SELECT file_id, lag(file_id) OVER (ORDER BY rowid) AS before FROM ${table})`,
        );
        expect(order[0]?.['backwards'], table).toBe(0n);
        expect(Number(order[0]?.['files']), table).toBeGreaterThanOrEqual(2);
      }
    } finally {
      await store.close();
    }
  });

  it('recomputes only the changed files’ rows of cpg.props, cpg.nodes (and the nodes of no file) and cpg.edges, and ends with the tables a full build makes', { timeout: 300_000 }, async () => {
    const files = {
      'pkg/__init__.py': 'from .a import f\n',
      'pkg/a.py': 'def f(x, *rest):\n    return x\n\n\nclass K:\n    def m(self):\n        return f(1)\n',
      'pkg/b.py': 'import os\nfrom pkg.a import K\n\n\ndef g():\n    return K().m() + len(os.sep)\n',
    };
    const root = project(files);
    await buildCpg({ root, maintenance: 'off' }, silentProgress());
    const store = join(root, '.anatomy', 'anatomy.duckdb');
    const counts = async (): Promise<Record<string, bigint>> => {
      const db = await openStore({ path: store, readOnly: true });
      try {
        const rows = await db.query(
          `SELECT 'props:' || coalesce(f.path, '') AS k, count(*) AS n FROM cpg.props p LEFT JOIN evidence.files f USING (file_id) GROUP BY ALL
           UNION ALL SELECT 'props', count(*) FROM cpg.props
           UNION ALL SELECT 'nodes:' || coalesce(f.path, '(none)'), count(*) FROM cpg.nodes n LEFT JOIN evidence.files f USING (file_id) GROUP BY ALL
           UNION ALL SELECT 'nodes', count(*) FROM cpg.nodes
           UNION ALL SELECT 'edges:' || coalesce(path, '(none)'), count(*) FROM cpg.edges GROUP BY ALL
           UNION ALL SELECT 'edges', count(*) FROM cpg.edges`,
        );
        return Object.fromEntries(rows.map((r) => [String(r['k']), r['n'] as bigint]));
      } finally {
        await db.close();
      }
    };
    const before = await counts();
    // Each table's rows of the files a build recomputes them for, as text: the rows it must replace are those that differ.
    const scoped = {
      'cpg.props': "SELECT t.* FROM cpg.props t JOIN evidence.files f USING (file_id) WHERE f.path = 'pkg/a.py'",
      'cpg.nodes': "SELECT t.* FROM cpg.nodes t LEFT JOIN evidence.files f USING (file_id) WHERE f.path = 'pkg/a.py' OR t.file_id IS NULL",
      'cpg.edges': "SELECT t.* FROM cpg.edges t WHERE t.path IN ('pkg/a.py', 'pkg/b.py')",
    };
    const scopedRows = async (): Promise<Record<string, string[]>> => {
      const db = await openStore({ path: store, readOnly: true });
      try {
        const out: Record<string, string[]> = {};
        for (const [table, sql] of Object.entries(scoped)) out[table] = (await db.query(`SELECT CAST(to_json(r) AS VARCHAR) AS j FROM (${sql}) AS r`)).map((r) => String(r['j']));
        return out;
      } finally {
        await db.close();
      }
    };
    // How many of `from` are not matched in `to`, as multisets.
    const missing = (from: readonly string[], to: readonly string[]): number => {
      const left = new Map<string, number>();
      for (const r of to) left.set(r, (left.get(r) ?? 0) + 1);
      let n = 0;
      for (const r of from) {
        const k = left.get(r) ?? 0;
        if (k > 0) left.set(r, k - 1);
        else n += 1;
      }
      return n;
    };
    const rowsBefore = await scopedRows();

    const edited = 'def f(x, *rest):\n    return x\n\n\ndef h(y=2):\n    return y\n\n\nclass K:\n    def m(self):\n        return f(1)\n';
    writeFileSync(join(root, 'pkg/a.py'), edited);
    const second = await buildCpg({ root, maintenance: 'off' }, silentProgress());
    expect(second.build).toMatchObject({ mode: 'incremental', changed: 1 });
    const rowsAfter = await scopedRows();
    const outcomes = (await readRunBundle(join(runsDirectory(root), second.runId))).read(runWriteOutcomesArtifact);
    const written = (table: string): [number, number][] => outcomes.filter((o) => o.target === table).map((o) => [o.operation === 'replace' ? o.rowsDeleted : -1, o.rowsInserted]);
    // Each output table was patched in one write of exactly the rows that differ among the recomputed files' rows:
    // cpg.props and cpg.nodes for the edited file (and, for cpg.nodes, the SYMBOL nodes, which belong to no file),
    // cpg.edges for the edited file and b.py, whose import of K now points at K's new id; pkg/__init__.py's edges stay.
    const edges = second.tasks.find((t) => t.name === 'cpg.edges');
    expect(edges?.update).toBe('files');
    // Its inputs were read for the recomputed files only, the file-local views kept inline as their own SQL.
    expect(edges?.reads?.limited).toBeGreaterThan(0);
    expect(edges?.reads?.inlined).toBeGreaterThan(0);
    for (const table of Object.keys(scoped)) {
      const b = rowsBefore[table] ?? [];
      const a = rowsAfter[table] ?? [];
      expect([table, written(table)]).toEqual([table, [[missing(b, a), missing(a, b)]]]);
      expect(missing(b, a)).toBeGreaterThan(0);
    }
    expect(before['nodes:(none)']! > 0n).toBe(true);
    expect(Number(before['props'])).toBeGreaterThan(Number(before['props:pkg/a.py']));
    expect(Number(before['edges:pkg/__init__.py'])).toBeGreaterThan(0);
    const after = await counts();
    expect(after['edges:pkg/__init__.py']).toBe(before['edges:pkg/__init__.py']);
    expect(after['props:pkg/b.py']).toBe(before['props:pkg/b.py']);
    expect(after['nodes:pkg/b.py']).toBe(before['nodes:pkg/b.py']);
    expect(after['nodes:(none)']! > before['nodes:(none)']!).toBe(true); // the SYMBOL of h
    expect(after['props:pkg/a.py']! > before['props:pkg/a.py']!).toBe(true);

    // The patched tables are the ones a full build of the same tree makes.
    const fresh = project({ ...files, 'pkg/a.py': edited });
    await buildCpg({ root: fresh, maintenance: 'off' }, silentProgress());
    const fingerprints = async (path: string): Promise<string[]> => {
      const db = await openStore({ path, readOnly: true });
      try {
        return [await tableFingerprint(db, 'cpg.props'), await tableFingerprint(db, 'cpg.nodes')];
      } finally {
        await db.close();
      }
    };
    expect(await fingerprints(store)).toEqual(await fingerprints(join(fresh, '.anatomy', 'anatomy.duckdb')));
  });

  it('keeps the tables of views whose inputs came out unchanged, measured rather than assumed, and still equals a full build', { timeout: 300_000 }, async () => {
    const root = project({
      'pkg/__init__.py': 'from .a import f\n',
      'pkg/a.py': 'import os\n\n\ndef f():\n    return os.getcwd()\n',
      'pkg/b.py': 'from pkg.a import f\n\n\ndef g():\n    return f()\n',
    });
    await buildCpg({ root, maintenance: 'off' }, silentProgress());
    // A definition appended at the end: no import, no earlier position moves.
    appendFileSync(join(root, 'pkg', 'b.py'), '\n\ndef h(x):\n    return x\n');
    const second = await buildCpg({ root, maintenance: 'off' }, silentProgress());
    expect(second.build).toMatchObject({ mode: 'incremental', changed: 1 });
    // The imports' evidence is alike, so the views resolving imports (global ones among them) keep their tables.
    const unchanged = second.tasks.filter((t) => t.update === 'unchanged').map((t) => t.name);
    expect(unchanged.length).toBeGreaterThan(0);
    expect(second.build.views.unchanged).toBe(unchanged.length);
    expect(second.tasks.find((t) => t.name === 'cpg.nodes')?.update).not.toBe('unchanged');

    const fullStore = join(mkdtempSync(join(tmpdir(), 'anatomy-incr-full-')), 'full.duckdb');
    dirs.push(join(fullStore, '..'));
    await buildCpg({ root, storePath: fullStore, full: true, maintenance: 'off' }, silentProgress());
    const fingerprints = async (path: string): Promise<string[]> => {
      const store = await openStore({ path, readOnly: true });
      try {
        const out: string[] = [];
        for (const table of [...OUTPUT_TABLES, ...unchanged]) out.push(`${table} ${await tableFingerprint(store, table)}`);
        return out;
      } finally {
        await store.close();
      }
    };
    expect(await fingerprints(second.storePath)).toEqual(await fingerprints(fullStore));
  });

  it('recomputes a global view that looks names up across files for the files whose keys changed, importers included, and equals a full build', { timeout: 300_000 }, async () => {
    const root = project({
      'pkg/__init__.py': '',
      'pkg/a.py': 'def f():\n    return 1\n\n\ndef g():\n    return f()\n',
      'pkg/b.py': 'from pkg.a import f\n\n\ndef h():\n    return f()\n',
      'pkg/c.py': 'import os\n\n\ndef k():\n    return os.getcwd()\n',
    });
    const first = await buildCpg({ root, maintenance: 'off' }, silentProgress());
    const tables = first.tasks.filter((t) => t.materializedAs === 'table').map((t) => t.name);
    const fingerprints = async (path: string): Promise<string[]> => {
      const store = await openStore({ path, readOnly: true });
      try {
        const out: string[] = [];
        for (const table of tables) out.push(`${table} ${await tableFingerprint(store, table)}`);
        return out;
      } finally {
        await store.close();
      }
    };
    const fullBuild = async (): Promise<string[]> => {
      const fullStore = join(mkdtempSync(join(tmpdir(), 'anatomy-incr-full-')), 'full.duckdb');
      dirs.push(join(fullStore, '..'));
      await buildCpg({ root, storePath: fullStore, full: true, maintenance: 'off' }, silentProgress());
      return fingerprints(fullStore);
    };
    // f renamed: b's import and call of it no longer resolve, though b did not change.
    writeFileSync(join(root, 'pkg', 'a.py'), 'def f2():\n    return 1\n\n\ndef g():\n    return f2()\n');
    const renamed = await buildCpg({ root, maintenance: 'off' }, silentProgress());
    expect(renamed.build).toMatchObject({ mode: 'incremental', changed: 1 });
    const update = (name: string): string | undefined => renamed.tasks.find((t) => t.name === name)?.update;
    // Global views joining names across files, brought up to date by file rather than whole.
    for (const view of ['rel.named_symbol', 'rel.import_def', 'rel.load_binder_symbol']) expect(update(view), view).toBe('files');
    // The symbols, one per qualified name, recomputed only for the names whose rows changed (pkg.a.f and pkg.a.f2).
    expect(update('derived.qualified_symbols')).toBe('files');
    expect(renamed.tasks.find((t) => t.name === 'derived.qualified_symbols')?.reads?.limited).toBe(1);
    expect(renamed.tasks.find((t) => t.name === 'rel.named_symbol')?.reads?.limited).toBeGreaterThan(0);
    expect(await fingerprints(renamed.storePath)).toEqual(await fullBuild());
    // And back: b's rows resolve again.
    writeFileSync(join(root, 'pkg', 'a.py'), 'def f():\n    return 1\n\n\ndef g():\n    return f()\n');
    const back = await buildCpg({ root, maintenance: 'off' }, silentProgress());
    expect(back.edgesByKind).toEqual(first.edgesByKind);
    expect(await fingerprints(back.storePath)).toEqual(await fullBuild());
  });
});
