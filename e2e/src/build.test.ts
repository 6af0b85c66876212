import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anatomy, fixtureCopy } from './anatomy-cli.js';
import { pythonAstDefs } from './python-ast-defs.js';

async function readRows(dbPath: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(dbPath, { access_mode: 'READ_ONLY', autoinstall_known_extensions: 'false' });
  try {
    const connection = await instance.connect();
    const rows = (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    connection.closeSync();
    return rows;
  } finally {
    instance.closeSync();
  }
}

function pyFilesUnder(root: string, prefix = ''): string[] {
  return readdirSync(join(root, prefix), { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) return entry.name.startsWith('.') ? [] : pyFilesUnder(root, rel);
    return entry.name.endsWith('.py') ? [rel] : [];
  });
}

describe('anatomy build on a real multi-package project', () => {
  let project: string;
  let db: string;
  let build: ReturnType<typeof anatomy>;

  beforeAll(() => {
    project = fixtureCopy('shop');
    db = join(project, '.anatomy', 'anatomy.duckdb');
    build = anatomy('build', project);
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('succeeds and says where the CPG is', () => {
    expect(build.stderr).toContain('» scan');
    expect(build.status).toBe(0);
    expect(build.stdout).toContain(db);
  });

  it('writes one FILE node per .py file, spanning the whole file', async () => {
    const files = await readRows(db, `SELECT n.path, n.name, n.bstart, n.bend, n.line, n.col, f.size
      FROM cpg.nodes n JOIN evidence.files f USING (file_id) WHERE n.node_kind = 'FILE' ORDER BY n.path`);
    expect(files.map((f) => f['path'])).toEqual(pyFilesUnder(project).sort());
    for (const f of files) {
      expect(f['name']).toBe(f['path']);
      expect(f).toMatchObject({ bstart: 0n, line: 1, col: 0 });
      expect(f['bend']).toBe(f['size']);
    }
  });

  it('writes a DEF node per function and class with the byte span CPython reports', async () => {
    const defs = await readRows(db, `SELECT path, name, bstart, bend, line, col, origin FROM cpg.nodes WHERE node_kind = 'DEF' ORDER BY path, bstart`);
    const expected = pythonAstDefs(project);
    expect(expected.length).toBeGreaterThan(15);
    expect(defs.map((d) => ({ path: d['path'], name: d['name'], bstart: Number(d['bstart']), bend: Number(d['bend']), line: d['line'], col: d['col'] }))).toEqual(
      expected.map((e) => ({ path: e.path, name: e.name, bstart: e.bstart, bend: e.bend, line: e.line, col: e.col })),
    );
    // a definition after non-ASCII text: the byte offset differs from the character offset
    expect(defs.some((d) => d['name'] === '在庫')).toBe(true);
  });

  it('gives every node a unique id, identical on a rebuild', async () => {
    const first = await readRows(db, 'SELECT node_id, node_kind, name, bstart FROM cpg.nodes ORDER BY node_id');
    expect(new Set(first.map((r) => r['node_id'])).size).toBe(first.length);
    const again = anatomy('build', project);
    expect(again.status).toBe(0);
    expect(await readRows(db, 'SELECT node_id, node_kind, name, bstart FROM cpg.nodes ORDER BY node_id')).toEqual(first);
  });

  it('answers SQL through `anatomy query`, as JSON rows', () => {
    const run = anatomy('query', project, "SELECT node_kind, count(*) AS n FROM cpg.nodes WHERE node_kind IN ('DEF', 'FILE') GROUP BY node_kind ORDER BY node_kind", '--format', 'json');
    expect(run.status).toBe(0);
    const expectedDefs = pythonAstDefs(project).length;
    expect(JSON.parse(run.stdout)).toEqual([
      { node_kind: 'DEF', n: expectedDefs },
      { node_kind: 'FILE', n: pyFilesUnder(project).length },
    ]);
  });
});

describe('anatomy build on bad input', () => {
  it('exits 66 with a hint for a missing directory', () => {
    const run = anatomy('build', '/definitely/not/here');
    expect(run.status).toBe(66);
    expect(run.stderr).toMatch(/is not a directory[\s\S]*hint:/);
  });

  it('exits 66 when no Python file is found', () => {
    const dir = fixtureCopy('shop');
    try {
      rmSync(join(dir, 'shop'), { recursive: true });
      rmSync(join(dir, 'main.py'));
      const run = anatomy('build', dir);
      expect(run.status).toBe(66);
      expect(run.stderr).toContain('no Python files');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps building when a file has a syntax error or undecodable bytes', async () => {
    const dir = fixtureCopy('shop');
    try {
      mkdirSync(join(dir, 'broken'));
      writeFileSync(join(dir, 'broken', 'half.py'), 'def ok():\n    return 1\n\ndef broken(:\n    pass\n');
      writeFileSync(join(dir, 'broken', 'latin.py'), Buffer.from([0x64, 0x65, 0x66, 0x20, 0x66, 0xe9, 0x28, 0x29, 0x3a, 0x20, 0x70, 0x61, 0x73, 0x73, 0x0a]));
      const run = anatomy('build', dir);
      expect(run.status).toBe(0);
      const db = join(dir, '.anatomy', 'anatomy.duckdb');
      const files = await readRows(db, "SELECT path FROM cpg.nodes WHERE node_kind = 'FILE' AND path LIKE 'broken/%' ORDER BY path");
      expect(files.map((f) => f['path'])).toEqual(['broken/half.py', 'broken/latin.py']);
      const ok = await readRows(db, "SELECT name FROM cpg.nodes WHERE node_kind = 'DEF' AND path = 'broken/half.py' AND name = 'ok'");
      expect(ok).toHaveLength(1);
      const problems = await readRows(db, `SELECT (SELECT count(*) FROM evidence.ts_errors) + (SELECT count(*) FROM evidence.scan_diagnostics) AS n`);
      expect(Number(problems[0]?.['n'])).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 64 on an unknown command', () => {
    expect(anatomy('frobnicate').status).toBe(64);
  });
});
