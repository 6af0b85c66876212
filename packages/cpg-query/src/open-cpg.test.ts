import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stableId } from '@anatomy/contracts';
import { columnBatch, cpgEdgesDataset, cpgNodesDataset, cpgPropsDataset } from '@anatomy/schema-authority';
import type { CellValue, DatasetSchema } from '@anatomy/schema-authority';
import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CpgNode } from './cpg-node.js';
import { CpgQueryError } from './cpg-query-error.js';
import { openCpg } from './open-cpg.js';
import type { Cpg } from './open-cpg.js';

// ---- a small repository, located in UTF-8 bytes as the contract requires ----

interface SourceFile {
  readonly path: string;
  readonly text: string;
}

interface Definition {
  readonly file: SourceFile;
  readonly name: string;
  readonly kind: 'function' | 'async_function' | 'class';
  readonly qualname: string;
  /** The definition's source from its keyword to the end of its body. */
  readonly source: string;
}

const cafe: SourceFile = {
  path: 'pkg/café.py',
  text: '"""Grüße aus dem Café."""\n\n\ndef grüße(name):\n    return f"hi {name}"\n\n\nclass Café:\n    async def brühen(self):\n        pass\n\n\ndef main():\n    return Café()\n',
};
const nihon: SourceFile = { path: "it's/日本.py", text: 'def main():\n    return "日本"\n' };

const definitions: readonly Definition[] = [
  { file: cafe, name: 'grüße', kind: 'function', qualname: 'grüße', source: 'def grüße(name):\n    return f"hi {name}"' },
  { file: cafe, name: 'Café', kind: 'class', qualname: 'Café', source: 'class Café:\n    async def brühen(self):\n        pass' },
  { file: cafe, name: 'brühen', kind: 'async_function', qualname: 'Café.brühen', source: 'async def brühen(self):\n        pass' },
  { file: cafe, name: 'main', kind: 'function', qualname: 'main', source: 'def main():\n    return Café()' },
  { file: nihon, name: 'main', kind: 'function', qualname: 'main', source: 'def main():\n    return "日本"' },
];

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const fileId = (f: SourceFile): string => stableId('file', f.path);

function fileNode(f: SourceFile): CpgNode {
  return {
    node_id: stableId('node', 'FILE', fileId(f)),
    node_kind: 'FILE',
    name: f.path,
    file_id: fileId(f),
    path: f.path,
    bstart: 0n,
    bend: BigInt(bytes(f.text)),
    line: 1,
    col: 0,
    origin: 'repo-scan',
  } as CpgNode;
}

function defNode(d: Definition): CpgNode {
  const before = d.file.text.slice(0, d.file.text.indexOf(d.source));
  const bstart = bytes(before);
  return {
    node_id: stableId('def', fileId(d.file), bstart),
    node_kind: 'DEF',
    name: d.name,
    file_id: fileId(d.file),
    path: d.file.path,
    bstart: BigInt(bstart),
    bend: BigInt(bstart + bytes(d.source)),
    line: before.split('\n').length,
    col: bytes(before.slice(before.lastIndexOf('\n') + 1)),
    origin: 'tree-sitter',
  } as CpgNode;
}

const fileNodes = [cafe, nihon].map(fileNode);
const defNodes = definitions.map(defNode);
const defOf = (name: string, path: string): CpgNode => defNodes.find((n) => n.name === name && n.path === path)!;

/** Column-major values of rows for a dataset. */
function columnsOf(ds: DatasetSchema, rows: readonly Record<string, CellValue>[]): Record<string, CellValue[]> {
  return Object.fromEntries(ds.columns.map((c) => [c.name, rows.map((r) => r[c.name] ?? null)]));
}

function propRows(): Record<string, CellValue>[] {
  const none = { value_string: null, value_int: null, value_float: null, value_bool: null };
  return definitions.flatMap((d, i) => {
    const entity_id = defNodes[i]!.node_id;
    return [
      { entity_id, prop_key: 'def_kind', value_type: 'string', ...none, value_string: d.kind },
      { entity_id, prop_key: 'qualname', value_type: 'string', ...none, value_string: d.qualname },
    ];
  });
}

// ---- building store files ----

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'anatomy-cpg-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * Writes a store file through openStore. The file is attached to an in-memory
 * store rather than opened directly because a store opened on a file keeps
 * DuckDB's cached instance for that file alive in this process after close,
 * and DuckDB then refuses to open the same file read-only here. Detaching
 * releases the file as completely as a finished `anatomy build` process does.
 */
async function buildStoreFile(file: string, fill: (store: Store) => Promise<void>): Promise<string> {
  mkdirSync(join(file, '..'), { recursive: true });
  const store = await openStore({ path: ':memory:' });
  try {
    await store.run(`ATTACH '${file.replaceAll("'", "''")}' AS build; USE build`);
    await fill(store);
    await store.run('USE memory; DETACH build');
  } finally {
    await store.close();
  }
  return file;
}

async function ingestRows(store: Store, ds: DatasetSchema, rows: readonly Record<string, CellValue>[]): Promise<void> {
  await store.ensureDataset(ds);
  if (rows.length > 0) await store.ingest(ds, columnBatch(ds, columnsOf(ds, rows)));
}

async function buildCpg(file: string): Promise<string> {
  return buildStoreFile(file, async (store) => {
    await ingestRows(store, cpgNodesDataset, [...fileNodes, ...defNodes]);
    await ingestRows(store, cpgEdgesDataset, []);
    await ingestRows(store, cpgPropsDataset, propRows());
  });
}

async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string; hint: string; details: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error('expected a rejection');
}

// ---- the questions ----

describe('openCpg on a built repository', () => {
  let repo: string;
  let cpg: Cpg;

  beforeAll(async () => {
    repo = tempDir();
    await buildCpg(join(repo, '.anatomy', 'anatomy.duckdb'));
    cpg = await openCpg(repo, { readOnly: true });
  });
  afterAll(async () => {
    await cpg.close();
  });

  it('opens the store under .anatomy read-only and lists the contract tables', () => {
    expect(cpg.path).toBe(join(repo, '.anatomy', 'anatomy.duckdb'));
    expect(cpg.readOnly).toBe(true);
    expect(cpg.tables).toEqual(['cpg.nodes', 'cpg.edges', 'cpg.props']);
  });

  it('lists FILE nodes by path with byte spans as bigint', async () => {
    const files = await cpg.files();
    expect(files).toEqual([fileNodes[1], fileNodes[0]]);
    expect(files[1]).toMatchObject({ path: 'pkg/café.py', bend: BigInt(bytes(cafe.text)) });
    expect(Object.isFrozen(files) && Object.isFrozen(files[0])).toBe(true);
  });

  it('lists every definition by path and position, located in UTF-8 bytes', async () => {
    const all = await cpg.definitions();
    expect(all.map((d) => `${d.path}:${d.name}`)).toEqual(["it's/日本.py:main", 'pkg/café.py:grüße', 'pkg/café.py:Café', 'pkg/café.py:brühen', 'pkg/café.py:main']);
    expect(all).toEqual([defNodes[4], defNodes[0], defNodes[1], defNodes[2], defNodes[3]]);
    // "Grüße aus dem Café." is 19 characters but 22 bytes: the span counts bytes.
    expect(all[1]).toMatchObject({ name: 'grüße', bstart: 31n, line: 4, col: 0 });
    expect(all[3]).toMatchObject({ name: 'brühen', line: 9, col: 4 });
  });

  it('filters by name, path and def_kind, together or apart', async () => {
    expect(await cpg.definitions({ name: 'grüße' })).toEqual([defOf('grüße', cafe.path)]);
    expect(await cpg.definitions({ name: 'main' })).toEqual([defOf('main', nihon.path), defOf('main', cafe.path)]);
    expect(await cpg.definitions({ path: nihon.path })).toEqual([defOf('main', nihon.path)]);
    expect(await cpg.definitions({ name: 'main', path: cafe.path })).toEqual([defOf('main', cafe.path)]);
    expect(await cpg.definitions({ kind: 'class' })).toEqual([defOf('Café', cafe.path)]);
    expect(await cpg.definitions({ kind: 'async_function' })).toEqual([defOf('brühen', cafe.path)]);
    expect((await cpg.definitions({ kind: 'function', path: cafe.path })).map((d) => d.name)).toEqual(['grüße', 'main']);
    expect(await cpg.definitions({ name: 'nothing' })).toEqual([]);
  });

  it('treats a quote in a filter as data, not SQL', async () => {
    expect(await cpg.definitions({ name: "x' OR '1'='1" })).toEqual([]);
    expect(await cpg.definitions({ name: "main' --" })).toEqual([]);
    expect((await cpg.definitions({ path: "it's/日本.py" })).map((d) => d.name)).toEqual(['main']);
  });

  it('reports every problem of a filter at once', async () => {
    const error = await rejection(cpg.definitions({ name: '', kind: 'lambda', colour: 'red' } as never));
    expect(error.code).toBe('cpg-query/InvalidFilter');
    expect((error.details['issues'] as { path: string }[]).map((i) => i.path).sort()).toEqual(['(root)', 'kind', 'name']);
  });

  it('counts nodes by kind', async () => {
    expect(await cpg.nodeCounts()).toEqual({ DEF: 5, FILE: 2 });
  });

  it('runs SQL and keeps BIGINT as bigint', async () => {
    const rows = await cpg.sql("SELECT count(*) AS n, sum(bend - bstart) AS span_bytes FROM cpg.nodes WHERE node_kind = 'FILE'");
    expect(rows).toEqual([{ n: 2n, span_bytes: BigInt(bytes(cafe.text) + bytes(nihon.text)) }]);
    expect(Object.isFrozen(rows[0])).toBe(true);
    const joined = await cpg.sql(
      "SELECT n.name, p.value_string AS qualname FROM cpg.nodes n JOIN cpg.props p ON p.entity_id = n.node_id AND p.prop_key = 'qualname' WHERE n.name = 'brühen'",
    );
    expect(joined).toEqual([{ name: 'brühen', qualname: 'Café.brühen' }]);
  });

  it('refuses writes and reports bad SQL as QueryFailed', async () => {
    const write = await rejection(cpg.sql("DELETE FROM cpg.nodes WHERE node_kind = 'DEF'"));
    expect(write.code).toBe('cpg-query/QueryFailed');
    expect(write.message).toMatch(/read-only/);
    expect((await cpg.nodeCounts())['DEF']).toBe(5);
    const bad = await rejection(cpg.sql('SELECT nope FROM cpg.nodes'));
    expect(bad.code).toBe('cpg-query/QueryFailed');
    expect(bad.details['sql']).toBe('SELECT nope FROM cpg.nodes');
  });

  it('opens the database file itself as well, and answers nothing once closed', async () => {
    const direct = await openCpg(join(repo, '.anatomy', 'anatomy.duckdb'), { readOnly: true });
    expect((await direct.files()).length).toBe(2);
    await direct.close();
    await direct.close();
    expect((await rejection(direct.nodeCounts())).code).toBe('cpg-query/Closed');
    expect((await rejection(direct.sql('SELECT 1'))).code).toBe('cpg-query/Closed');
  });
});

describe('openCpg on stores that are not a CPG', () => {
  it('says to build first when cpg.nodes is missing', async () => {
    const file = await buildStoreFile(join(tempDir(), 'evidence-only.duckdb'), async (store) => {
      await store.run('CREATE SCHEMA evidence; CREATE TABLE evidence.files (file_id VARCHAR, path VARCHAR)');
    });
    const error = await rejection(openCpg(file, { readOnly: true }));
    expect(CpgQueryError.is(error, 'NotACpg')).toBe(true);
    expect(error.details['issues']).toEqual([{ path: 'cpg.nodes', message: 'table does not exist' }]);
    expect(error.hint).toMatch(/run `anatomy build <dir>` first/);
  });

  it('lists every column that drifted from the contract, in any contract table', async () => {
    const file = await buildStoreFile(join(tempDir(), 'drifted.duckdb'), async (store) => {
      await store.run(
        'CREATE SCHEMA cpg; CREATE TABLE cpg.nodes (node_id VARCHAR, node_kind VARCHAR, name VARCHAR, file_id VARCHAR, path VARCHAR, bstart INTEGER, bend INTEGER, line INTEGER, col INTEGER)',
      );
      await store.run('CREATE TABLE cpg.edges (edge_id VARCHAR, edge_kind VARCHAR)');
    });
    const error = await rejection(openCpg(file, { readOnly: true }));
    expect(error.code).toBe('cpg-query/NotACpg');
    const issues = (error.details['issues'] as { path: string; message: string }[]).map((i) => `${i.path}: ${i.message}`);
    expect(issues.slice(0, 3)).toEqual([
      'cpg.nodes.bstart: type is INTEGER, declared BIGINT',
      'cpg.nodes.bend: type is INTEGER, declared BIGINT',
      'cpg.nodes.origin: column is missing',
    ]);
    expect(issues.slice(3)).toContain('cpg.edges.confidence: column is missing');
    expect(error.message).toContain('cpg.nodes.origin: column is missing');
  });

  it('reports a repository that was never built, a missing path and a file that is no database', async () => {
    const repo = tempDir();
    const unbuilt = await rejection(openCpg(repo));
    expect(unbuilt.code).toBe('cpg-query/NotFound');
    expect(unbuilt.hint).toBe(`run \`anatomy build ${repo}\` first`);
    expect((await rejection(openCpg(join(repo, 'missing.duckdb')))).code).toBe('cpg-query/NotFound');
    const text = join(repo, 'notes.duckdb');
    writeFileSync(text, 'not a database\n'.repeat(1000));
    expect((await rejection(openCpg(text))).code).toBe('cpg-query/OpenFailed');
  });
});

describe('openCpg on a CPG materialized without constraints', () => {
  it('reads a CREATE TABLE AS store with an added column, and needs cpg.props only to filter by kind', async () => {
    const file = await buildStoreFile(join(tempDir(), 'materialized.duckdb'), async (store) => {
      await ingestRows(store, cpgNodesDataset, [...fileNodes, ...defNodes]);
      await store.run("ALTER TABLE cpg.nodes RENAME TO staged; CREATE TABLE cpg.nodes AS SELECT *, 'v2' AS added_later FROM cpg.staged; DROP TABLE cpg.staged");
    });
    const cpg = await openCpg(file, { readOnly: true });
    try {
      expect(cpg.tables).toEqual(['cpg.nodes']);
      expect(await cpg.definitions({ name: 'grüße' })).toEqual([defOf('grüße', cafe.path)]);
      const error = await rejection(cpg.definitions({ kind: 'class' }));
      expect(error.code).toBe('cpg-query/MissingTable');
    } finally {
      await cpg.close();
    }
  });

  it('opens read-only by default and refuses rows the contract forbids instead of returning them', async () => {
    const file = await buildStoreFile(join(tempDir(), 'broken.duckdb'), async (store) => {
      await store.run('CREATE SCHEMA cpg');
      await store.run(
        "CREATE TABLE cpg.nodes AS SELECT 'def:1' AS node_id, 'DEF' AS node_kind, 'f' AS name, 'file:1' AS file_id, 'a.py' AS path, " +
          "9::BIGINT AS bstart, 3::BIGINT AS bend, 1::INTEGER AS line, 0::INTEGER AS col, 'test' AS origin",
      );
    });
    const cpg = await openCpg(file);
    try {
      expect(cpg.readOnly).toBe(true);
      expect((await rejection(cpg.sql('DROP TABLE cpg.nodes'))).message).toMatch(/read-only/);
      const error = await rejection(cpg.definitions());
      expect(error.code).toBe('cpg-query/ContractViolation');
      expect(error.message).toContain('node def:1: bend: bend 3 is before bstart 9');
    } finally {
      await cpg.close();
    }
  });

  it('opens read-write when asked, for a process that writes the store too', async () => {
    const file = await buildCpg(join(tempDir(), 'writable.duckdb'));
    const cpg = await openCpg(file, { readOnly: false });
    try {
      await cpg.sql('CREATE TABLE main.scratch AS SELECT 1 AS x');
      expect(await cpg.sql('SELECT x FROM main.scratch')).toEqual([{ x: 1 }]);
    } finally {
      await cpg.close();
    }
  });
});
