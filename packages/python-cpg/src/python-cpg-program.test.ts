import { stableId } from '@anatomy/contracts';
import { SchemaRegistry, cpgOutputDatasets, createTableSql, defineDataset } from '@anatomy/schema-authority';
import { compileProgram } from '@anatomy/semantic-ir';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { pythonCpgProgram } from './python-cpg-program.js';

// Copies of the datasets repo-scan (repoScanDatasets) and extract-tree-sitter (treeSitterDatasets) register: the
// layering lets python-cpg import neither, so their declarations — columns, roles, key — are repeated verbatim here.
const filesDataset = defineDataset({
  name: 'evidence.files',
  producer: 'repo-scan',
  version: 1,
  description: 'One row per scanned source file: identity, path, size, content hash, encoding and line count.',
  spanUnit: 'none',
  key: ['file_id'],
  columns: [
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: "stableId('file', path)" },
    { name: 'path', type: 'utf8', nullable: false, role: 'path', description: 'repository-relative POSIX path' },
    { name: 'size', type: 'int64', nullable: false, role: 'byte-length', description: 'size in bytes' },
    { name: 'sha256', type: 'utf8', nullable: false, description: 'SHA-256 of the bytes, lower-case hex' },
    { name: 'encoding', type: 'utf8', nullable: false, description: "source encoding: 'utf-8', 'utf-8-sig' or the PEP 263 coding cookie" },
    { name: 'line_count', type: 'int32', nullable: false, description: 'number of lines (\\n, \\r\\n and lone \\r end a line)' },
  ],
});

const scanDiagnosticsDataset = defineDataset({
  name: 'evidence.scan_diagnostics',
  producer: 'repo-scan',
  version: 1,
  description: 'Problems found while scanning: unreadable, binary or undecodable files and skipped symlinks.',
  spanUnit: 'none',
  columns: [
    { name: 'file_id', type: 'utf8', nullable: true, role: 'file-identity', description: 'the file, when it is listed in evidence.files' },
    { name: 'path', type: 'utf8', nullable: false, role: 'path', description: 'repository-relative POSIX path of the file or directory' },
    { name: 'code', type: 'utf8', nullable: false, role: 'kind', description: "namespaced problem code, e.g. 'repo-scan/BinaryFile'" },
    { name: 'message', type: 'utf8', nullable: false, role: 'attribute', description: 'what went wrong, for people' },
  ],
});

const tsDefsDataset = defineDataset({
  name: 'evidence.ts_defs',
  producer: 'tree-sitter',
  version: 1,
  description: 'Function, async function and class definitions found by tree-sitter-python, with UTF-8 byte spans.',
  spanUnit: 'utf8-bytes',
  columns: [
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'the file holding the definition' },
    { name: 'def_kind', type: 'utf8', nullable: false, role: 'kind', description: "'function', 'async_function' or 'class'" },
    { name: 'name', type: 'utf8', nullable: false, role: 'name', description: 'the defined identifier (NFKC-normalised, as Python does)' },
    { name: 'qualname', type: 'utf8', nullable: false, role: 'attribute', description: "dotted qualified name like __qualname__, with '<locals>' inside functions" },
    { name: 'bstart', type: 'int64', nullable: false, role: 'span-start', description: 'byte of the def/async/class keyword (decorators excluded)' },
    { name: 'bend', type: 'int64', nullable: false, role: 'span-end', description: 'byte after the last token of the body' },
    { name: 'name_bstart', type: 'int64', nullable: false, role: 'attribute', description: 'first byte of the name' },
    { name: 'name_bend', type: 'int64', nullable: false, role: 'attribute', description: 'byte after the name' },
    { name: 'line', type: 'int32', nullable: false, role: 'line', description: '1-based line of bstart' },
    { name: 'col', type: 'int32', nullable: false, role: 'column', description: '0-based byte column of bstart' },
  ],
});

const tsErrorsDataset = defineDataset({
  name: 'evidence.ts_errors',
  producer: 'tree-sitter',
  version: 1,
  description: 'Syntax errors tree-sitter recovered from (ERROR and MISSING nodes) and undecodable files.',
  spanUnit: 'utf8-bytes',
  columns: [
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'the file holding the error' },
    { name: 'bstart', type: 'int64', nullable: false, role: 'span-start', description: 'first byte of the error (a MISSING token has an empty span)' },
    { name: 'bend', type: 'int64', nullable: false, role: 'span-end', description: 'byte after the error' },
    { name: 'line', type: 'int32', nullable: false, role: 'line', description: '1-based line of bstart' },
    { name: 'col', type: 'int32', nullable: false, role: 'column', description: '0-based byte column of bstart' },
    { name: 'message', type: 'utf8', nullable: false, role: 'attribute', description: 'what tree-sitter could not parse, for people' },
  ],
});

const repoScanDatasets = [filesDataset, scanDiagnosticsDataset];
const treeSitterDatasets = [tsDefsDataset, tsErrorsDataset];

const source = 'import os\n\n\nclass Walker:\n    def walk(self, root):\n        return os.listdir(root)\n';
const path = 'tools/walker.py';
const fileId = stableId('file', path);
const bytes = Buffer.from(source, 'utf8');
const classStart = bytes.indexOf('class Walker');
const defStart = bytes.indexOf('def walk');
const end = bytes.length - 1; // the body ends before the final newline

describe('pythonCpgProgram', () => {
  const registry = new SchemaRegistry();
  registry.registerAll([...repoScanDatasets, ...treeSitterDatasets, ...cpgOutputDatasets]);
  const manifest = compileProgram(pythonCpgProgram, registry);

  it('compiles to a normalize view and the cpg.nodes projection', () => {
    expect(manifest.program).toBe('python-cpg');
    expect(manifest.views.map((v) => [v.name, v.kind, v.output])).toEqual([
      ['cpg.nodes', 'project', true],
      ['norm.defs', 'normalize', false],
    ]);
    const nodes = manifest.views.find((v) => v.name === 'cpg.nodes')!;
    expect(nodes.sql).toContain('FROM "evidence"."files" AS "s"\nUNION ALL\n');
    expect(nodes.sql).toContain('LEFT JOIN "evidence"."files" AS "f" ON "f"."file_id" = "s"."file_id"');
    expect(nodes.sql.endsWith('ORDER BY "node_id"')).toBe(true);
  });

  it('joins definitions to evidence.files, not to the scan diagnostics that also name files', () => {
    const nodes = manifest.views.find((v) => v.name === 'cpg.nodes')!;
    expect(nodes.sql).not.toContain('scan_diagnostics');
    const join = nodes.decisions.find((d) => d.value.topic === 'file-join')!;
    expect(join.value).toMatchObject({ source: 'norm.defs', fileDataset: 'evidence.files', provides: ['path'] });
    expect(join.evidence.map((e) => e.detail)).toContain(
      'evidence.scan_diagnostics has file-identity and path columns but declares no key, not by its file identity alone: it mentions files without describing them',
    );
  });

  it('builds FILE and DEF nodes in DuckDB with the ids stableId computes', async () => {
    const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
    const connection = await instance.connect();
    try {
      for (const macro of manifest.macros) await connection.run(macro.sql);
      for (const ds of [...repoScanDatasets, ...treeSitterDatasets]) await connection.run(createTableSql(ds));
      await connection.run(`INSERT INTO evidence.files VALUES ('${fileId}', '${path}', ${bytes.length}, '${'a'.repeat(64)}', 'utf-8', 6)`);
      // Two diagnostics naming the same file: joining them would duplicate every definition of it.
      await connection.run(
        `INSERT INTO evidence.scan_diagnostics VALUES ('${fileId}', '${path}', 'repo-scan/Odd', 'one'), ('${fileId}', '${path}', 'repo-scan/Odd', 'two')`,
      );
      await connection.run(
        `INSERT INTO evidence.ts_defs VALUES
          ('${fileId}', 'class', 'Walker', 'Walker', ${classStart}, ${end}, ${classStart + 6}, ${classStart + 12}, 4, 0),
          ('${fileId}', 'function', 'walk', 'Walker.walk', ${defStart}, ${end}, ${defStart + 4}, ${defStart + 8}, 5, 4)`,
      );
      // Dependencies first; the scheduler derives this order from DuckDB plans.
      for (const name of ['norm.defs', 'cpg.nodes']) {
        await connection.run(`CREATE SCHEMA IF NOT EXISTS ${name.split('.')[0]}`);
        await connection.run(`CREATE VIEW ${name} AS ${manifest.views.find((v) => v.name === name)!.sql}`);
      }
      const reader = await connection.runAndReadAll('SELECT node_id, node_kind, name, path, bstart, bend, line, col, origin FROM cpg.nodes');
      const expected = [
        // A FILE node spans the whole file: [0, size in bytes), starting at line 1, column 0.
        { node_id: stableId('file', fileId), node_kind: 'FILE', name: path, path, bstart: 0n, bend: BigInt(bytes.length), line: 1, col: 0, origin: 'repo-scan' },
        {
          node_id: stableId('def', fileId, classStart, end),
          node_kind: 'DEF',
          name: 'Walker',
          path,
          bstart: BigInt(classStart),
          bend: BigInt(end),
          line: 4,
          col: 0,
          origin: 'tree-sitter',
        },
        {
          node_id: stableId('def', fileId, defStart, end),
          node_kind: 'DEF',
          name: 'walk',
          path,
          bstart: BigInt(defStart),
          bend: BigInt(end),
          line: 5,
          col: 4,
          origin: 'tree-sitter',
        },
      ].sort((a, b) => (a.node_id < b.node_id ? -1 : 1));
      expect(reader.getRowObjectsJS()).toEqual(expected);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
