import { STABLE_ID_MACRO_SQL, stableId } from '@anatomy/contracts';
import { SchemaRegistry, cpgOutputDatasets, createTableSql } from '@anatomy/schema-authority';
import { compileProgram } from '@anatomy/semantic-ir';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { evidenceDatasets } from './evidence-datasets.test-support.js';
import { pythonCpgProgram } from './python-cpg-program.js';


const source = 'import os\n\n\nclass Walker:\n    def walk(self, root):\n        return os.listdir(root)\n';
const path = 'tools/walker.py';
const fileId = stableId('file', path);
const bytes = Buffer.from(source, 'utf8');
const classStart = bytes.indexOf('class Walker');
const defStart = bytes.indexOf('def walk');
const end = bytes.length - 1; // the body ends before the final newline

describe('pythonCpgProgram', () => {
  const registry = new SchemaRegistry();
  // SCIP is off, as in a default build: its documents would be a second dataset describing files.
  registry.registerAll([...[...evidenceDatasets.values()].filter((ds) => ds.producer !== 'extract-scip'), ...cpgOutputDatasets]);
  const manifest = compileProgram(pythonCpgProgram, registry, { unavailable: ['evidence.scip_occurrences'] });

  it('compiles every view of the program, with cpg.nodes as an output', () => {
    expect(manifest.program).toBe('python-cpg');
    expect(manifest.views.filter((v) => v.output).map((v) => v.name)).toContain('cpg.nodes');
    expect(manifest.views.map((v) => [v.name, v.kind])).toEqual(
      expect.arrayContaining([
        ['norm.defs', 'normalize'],
        ['norm.params', 'normalize'],
        ['norm.calls', 'normalize'],
        ['norm.imports', 'normalize'],
        ['norm.refs', 'normalize'],
        ['cpg.nodes', 'project'],
      ]),
    );
    const nodes = manifest.views.find((v) => v.name === 'cpg.nodes')!;
    expect(nodes.sql).toContain('FROM "evidence"."files" AS "s"\nUNION ALL\n');
    expect(nodes.sql).toContain('LEFT JOIN "evidence"."files" AS "f" ON "f"."file_id" = "s"."file_id"');
    // An output table promises no row order: its readers order what they read.
    expect(nodes.sql).not.toContain('ORDER BY');
  });

  it('reads class bases from their own small table, never the whole ast', () => {
    const sql = manifest.views.map((v) => v.sql).join('\n');
    expect(sql).toContain('"evidence"."py_class_bases"');
    expect(sql).not.toContain('"evidence"."py_ast_nodes"');
  });

  it('joins definitions to evidence.files, not to the scan diagnostics that also name files', () => {
    const nodes = manifest.views.find((v) => v.name === 'cpg.nodes')!;
    expect(nodes.sql).not.toContain('scan_diagnostics');
    const join = nodes.decisions.find((d) => d.value.topic === 'file-join' && d.value.source === 'norm.defs')!;
    expect(join.value).toMatchObject({ source: 'norm.defs', fileDataset: 'evidence.files', provides: ['path'] });
    expect(join.evidence.map((e) => e.detail)).toContain(
      'evidence.scan_diagnostics has file-identity and path columns but declares no key, not by its file identity alone: it mentions files without describing them',
    );
  });

  it('keeps the path of every located node when SCIP documents also describe files', () => {
    const withScip = new SchemaRegistry();
    withScip.registerAll([...evidenceDatasets.values(), ...cpgOutputDatasets]);
    const nodes = compileProgram(pythonCpgProgram, withScip).views.find((v) => v.name === 'cpg.nodes')!;
    const joins = nodes.decisions.filter((d) => d.value.topic === 'file-join');
    expect(joins.map((d) => (d.value.topic === 'file-join' ? d.value.fileDataset : ''))).toEqual(joins.map(() => 'evidence.files'));
    expect(joins.map((d) => (d.value.topic === 'file-join' ? d.value.source : ''))).toContain('norm.defs');
    expect(nodes.sql).not.toContain('scip_documents');
  });

  it('builds FILE and DEF nodes in DuckDB with the ids stableId computes', async () => {
    const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
    const connection = await instance.connect();
    try {
      // Only the stable-id macro, as the store installs: compiled views inline every other semantic macro.
      await connection.run(STABLE_ID_MACRO_SQL);
      for (const ds of evidenceDatasets.values()) await connection.run(createTableSql(ds));
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
      // Dependencies first; the scheduler derives this order from DuckDB plans, here a view waits until its inputs exist.
      let pending = [...manifest.views];
      while (pending.length > 0) {
        const waiting: typeof pending = [];
        for (const view of pending) {
          await connection.run(`CREATE SCHEMA IF NOT EXISTS ${view.name.split('.')[0]}`);
          await connection.run(`CREATE OR REPLACE VIEW ${view.name} AS ${view.sql}`).catch(() => waiting.push(view));
        }
        if (waiting.length === pending.length) throw new Error(`views that cannot be created: ${waiting.map((v) => v.name).join(', ')}`);
        pending = waiting;
      }
      const reader = await connection.runAndReadAll(
        "SELECT node_id, node_kind, name, path, bstart, bend, line, col, origin FROM cpg.nodes WHERE node_kind IN ('FILE', 'DEF') ORDER BY node_id",
      );
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
