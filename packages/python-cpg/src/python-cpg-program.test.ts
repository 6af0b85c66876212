import { stableId } from '@anatomy/contracts';
import { SchemaRegistry, cpgOutputDatasets, createTableSql, defineDataset } from '@anatomy/schema-authority';
import { compileProgram } from '@anatomy/semantic-ir';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { pythonCpgProgram } from './python-cpg-program.js';

// Equivalent to the datasets repo-scan and extract-tree-sitter register.
const files = defineDataset({
  name: 'evidence.files',
  producer: 'repo-scan',
  version: 1,
  description: 'scanned files',
  spanUnit: 'none',
  columns: [
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'stable file id' },
    { name: 'path', type: 'utf8', nullable: false, role: 'path', description: 'repository-relative path' },
    { name: 'size', type: 'int64', nullable: false, description: 'bytes' },
    { name: 'sha256', type: 'utf8', nullable: false, description: 'content hash' },
    { name: 'encoding', type: 'utf8', nullable: false, description: 'detected encoding' },
    { name: 'line_count', type: 'int32', nullable: false, description: 'lines' },
  ],
});

const tsDefs = defineDataset({
  name: 'evidence.ts_defs',
  producer: 'tree-sitter',
  version: 1,
  description: 'function and class definitions',
  spanUnit: 'utf8-bytes',
  columns: [
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'owning file' },
    { name: 'def_kind', type: 'utf8', nullable: false, role: 'kind', description: 'function, async_function or class' },
    { name: 'name', type: 'utf8', nullable: false, role: 'name', description: 'identifier' },
    { name: 'qualname', type: 'utf8', nullable: false, role: 'attribute', description: 'qualified name' },
    { name: 'bstart', type: 'int64', nullable: false, role: 'span-start', description: 'start byte' },
    { name: 'bend', type: 'int64', nullable: false, role: 'span-end', description: 'end byte' },
    { name: 'name_bstart', type: 'int64', nullable: false, role: 'attribute', description: 'name start byte' },
    { name: 'name_bend', type: 'int64', nullable: false, role: 'attribute', description: 'name end byte' },
    { name: 'line', type: 'int32', nullable: false, role: 'line', description: '1-based line' },
    { name: 'col', type: 'int32', nullable: false, role: 'column', description: '0-based byte column' },
  ],
});

const source = 'import os\n\n\nclass Walker:\n    def walk(self, root):\n        return os.listdir(root)\n';
const path = 'tools/walker.py';
const fileId = stableId('file', path);
const bytes = Buffer.from(source, 'utf8');
const classStart = bytes.indexOf('class Walker');
const defStart = bytes.indexOf('def walk');
const end = bytes.length - 1; // the body ends before the final newline

describe('pythonCpgProgram', () => {
  const registry = new SchemaRegistry();
  registry.registerAll([files, tsDefs, ...cpgOutputDatasets]);
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

  it('builds FILE and DEF nodes in DuckDB with the ids stableId computes', async () => {
    const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
    const connection = await instance.connect();
    try {
      for (const macro of manifest.macros) await connection.run(macro.sql);
      await connection.run(createTableSql(files));
      await connection.run(createTableSql(tsDefs));
      await connection.run(`INSERT INTO evidence.files VALUES ('${fileId}', '${path}', ${bytes.length}, '${'a'.repeat(64)}', 'utf-8', 6)`);
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
        { node_id: stableId('file', fileId), node_kind: 'FILE', name: path, path, bstart: null, bend: null, line: null, col: null, origin: 'repo-scan' },
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
