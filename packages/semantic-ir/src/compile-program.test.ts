import { STABLE_ID_MACRO, STABLE_ID_MACRO_SQL, stableId } from '@anatomy/contracts';
import { SchemaRegistry, cpgOutputDatasets, createTableSql, defineDataset, duckDbType } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProgram } from './compile-program.js';
import { Normalize } from './normalize.js';
import { Project } from './project.js';
import { SemanticIrError } from './semantic-ir-error.js';
import { defineProgram } from './semantic-program.js';
import type { SemanticProgram } from './semantic-program.js';
import { SemanticProgramManifestSchema } from './semantic-program-manifest.js';
import type { SemanticProgramManifest } from './semantic-program-manifest.js';
import { SEMANTIC_MACROS } from './semantic-macros.js';

// The evidence datasets the skeleton reads, with the roles and keys repo-scan and extract-tree-sitter declare.
const files = defineDataset({
  name: 'evidence.files',
  producer: 'repo-scan',
  version: 1,
  description: 'scanned files',
  spanUnit: 'none',
  key: ['file_id'],
  columns: [
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'stable file id' },
    { name: 'path', type: 'utf8', nullable: false, role: 'path', description: 'repository-relative path' },
    { name: 'size', type: 'int64', nullable: false, role: 'byte-length', description: 'bytes' },
    { name: 'sha256', type: 'utf8', nullable: false, description: 'content hash' },
    { name: 'encoding', type: 'utf8', nullable: false, description: 'detected encoding' },
    { name: 'line_count', type: 'int32', nullable: false, description: 'lines' },
  ],
});

// Mentions files (file identity and path) without describing them: no key, several rows may name one file.
const scanDiagnostics = defineDataset({
  name: 'evidence.scan_diagnostics',
  producer: 'repo-scan',
  version: 1,
  description: 'problems met while scanning',
  spanUnit: 'none',
  columns: [
    { name: 'file_id', type: 'utf8', nullable: true, role: 'file-identity', description: 'the file, when listed' },
    { name: 'path', type: 'utf8', nullable: false, role: 'path', description: 'path of the file or directory' },
    { name: 'code', type: 'utf8', nullable: false, role: 'kind', description: 'problem code' },
    { name: 'message', type: 'utf8', nullable: false, role: 'attribute', description: 'what went wrong' },
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

function registryOf(...datasets: DatasetSchema[]): SchemaRegistry {
  const registry = new SchemaRegistry();
  registry.registerAll([...cpgOutputDatasets, ...datasets]);
  return registry;
}

const normDefs = Normalize.create({ name: 'defs', from: 'evidence.ts_defs', entity: 'def' });
const nodes = Project.create({
  name: 'cpg.nodes',
  rows: [
    { from: 'evidence.files', kind: 'FILE', entity: 'file' },
    { from: 'norm.defs', kind: 'DEF' },
  ],
});
const skeleton = defineProgram({ name: 'skeleton', views: [normDefs, nodes] });

// Real source text, so spans, lines and columns are those a parser would report.
const sources: Record<string, string> = {
  'pkg/mod.py': 'def run(x):\n    return x\n\nclass Greeter:\n    async def hello(self):\n        pass\n',
  'pkg/ünï.py': '# héllo\ndef naïve():\n    return "ü"\n',
};

interface DefRow {
  path: string;
  def_kind: string;
  name: string;
  qualname: string;
  bstart: number;
  bend: number;
  name_bstart: number;
  name_bend: number;
  line: number;
  col: number;
}

/** Locates a definition in a file's UTF-8 bytes: from its keyword to the end of `last`. */
function defRow(path: string, defKind: string, name: string, qualname: string, keyword: string, last: string): DefRow {
  const bytes = Buffer.from(sources[path]!, 'utf8');
  const bstart = bytes.indexOf(keyword);
  const bend = bytes.indexOf(last, bstart) + Buffer.byteLength(last);
  const nameStart = bytes.indexOf(name, bstart);
  const before = bytes.subarray(0, bstart).toString('utf8');
  const line = before.split('\n').length;
  const col = bstart - (bytes.subarray(0, bstart).lastIndexOf(0x0a) + 1);
  return { path, def_kind: defKind, name, qualname, bstart, bend, name_bstart: nameStart, name_bend: nameStart + Buffer.byteLength(name), line, col };
}

const defs: DefRow[] = [
  defRow('pkg/mod.py', 'function', 'run', 'run', 'def run', 'return x'),
  defRow('pkg/mod.py', 'class', 'Greeter', 'Greeter', 'class Greeter', 'pass'),
  defRow('pkg/mod.py', 'async_function', 'hello', 'Greeter.hello', 'async def hello', 'pass'),
  defRow('pkg/ünï.py', 'function', 'naïve', 'naïve', 'def naïve', 'return "ü"'),
];
const fileId = (path: string): string => stableId('file', path);
const sql = (v: string | number): string => (typeof v === 'number' ? String(v) : `'${v.replaceAll("'", "''")}'`);

async function loadEvidence(connection: DuckDBConnection): Promise<void> {
  await connection.run(STABLE_ID_MACRO_SQL);
  await connection.run(createTableSql(files));
  await connection.run(createTableSql(scanDiagnostics));
  await connection.run(createTableSql(tsDefs));
  // Two diagnostics name pkg/mod.py and one names no scanned file: a join to this table would duplicate or lose rows.
  await connection.run(
    `INSERT INTO evidence.scan_diagnostics VALUES
      ('${fileId('pkg/mod.py')}', 'pkg/mod.py', 'repo-scan/Odd', 'first'),
      ('${fileId('pkg/mod.py')}', 'pkg/mod.py', 'repo-scan/Odd', 'second'),
      (NULL, 'pkg/blob.bin', 'repo-scan/BinaryFile', 'binary')`,
  );
  for (const [path, text] of Object.entries(sources)) {
    const size = Buffer.byteLength(text);
    await connection.run(
      `INSERT INTO evidence.files VALUES (${[fileId(path), path, size, 'x'.repeat(64), 'utf-8', text.split('\n').length - 1].map(sql).join(', ')})`,
    );
  }
  for (const d of defs) {
    const values = [fileId(d.path), d.def_kind, d.name, d.qualname, d.bstart, d.bend, d.name_bstart, d.name_bend, d.line, d.col];
    await connection.run(`INSERT INTO evidence.ts_defs VALUES (${values.map(sql).join(', ')})`);
  }
}

/** Creates the manifest's macros and views in the order given (dependencies first). */
async function install(connection: DuckDBConnection, manifest: SemanticProgramManifest, order: readonly string[]): Promise<void> {
  for (const m of manifest.macros) await connection.run(m.sql);
  for (const name of order) {
    const view = manifest.views.find((v) => v.name === name)!;
    await connection.run(`CREATE SCHEMA IF NOT EXISTS ${name.split('.')[0]}`);
    await connection.run(`CREATE OR REPLACE VIEW ${name} AS ${view.sql}`);
  }
}

async function rows(connection: DuckDBConnection, query: string): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(query);
  return reader.getRowObjectsJS() as Record<string, unknown>[];
}

describe('compileProgram on the walking skeleton', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  const manifest = compileProgram(skeleton, registryOf(files, scanDiagnostics, tsDefs));

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
    connection = await instance.connect();
    await loadEvidence(connection);
    await install(connection, manifest, ['norm.defs', 'cpg.nodes']);
  });
  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
  });

  it('produces a valid, frozen manifest with views sorted by name and the stable-id macro', () => {
    expect(SemanticProgramManifestSchema.parse(manifest)).toEqual(manifest);
    expect(Object.isFrozen(manifest)).toBe(true);
    expect(Object.isFrozen(manifest.views[0])).toBe(true);
    expect(manifest.version).toBe(1);
    expect(manifest.program).toBe('skeleton');
    expect(manifest.views.map((v) => [v.name, v.kind, v.output])).toEqual([
      ['cpg.nodes', 'project', true],
      ['norm.defs', 'normalize', false],
    ]);
    expect(manifest.macros).toEqual(SEMANTIC_MACROS);
    expect(manifest.macros.map((m) => m.name)).toEqual([
      'anatomy_confidence',
      'anatomy_merge_origin',
      'anatomy_span_contains',
      'anatomy_span_overlaps',
      STABLE_ID_MACRO,
    ]);
    expect(manifest.macros.find((m) => m.name === STABLE_ID_MACRO)?.sql).toBe(STABLE_ID_MACRO_SQL);
    expect(manifest.decisions).toEqual([]);
  });

  it('records no inputs or dependencies in the manifest', () => {
    for (const view of manifest.views) expect(Object.keys(view).sort()).toEqual(['decisions', 'kind', 'name', 'output', 'sql']);
  });

  it('emits a normalize view as one SELECT adding the stable id of file and span found by role', () => {
    const view = manifest.views.find((v) => v.name === 'norm.defs')!;
    expect(view.sql).toBe(
      [
        'SELECT',
        `  anatomy_stable_id('def', CAST("s"."file_id" AS VARCHAR), CAST("s"."bstart" AS VARCHAR), CAST("s"."bend" AS VARCHAR)) AS "def_id",`,
        '  "s"."file_id",\n  "s"."def_kind",\n  "s"."name",\n  "s"."qualname",\n  "s"."bstart",\n  "s"."bend",\n  "s"."name_bstart",\n  "s"."name_bend",\n  "s"."line",\n  "s"."col"',
        'FROM "evidence"."ts_defs" AS "s"',
      ].join('\n'),
    );
  });

  it('computes normalized ids in DuckDB equal to stableId in TypeScript', async () => {
    const result = await rows(connection, 'SELECT def_id, file_id, name, bstart, bend FROM norm.defs ORDER BY bstart, file_id');
    const expected = [...defs]
      .sort((a, b) => a.bstart - b.bstart || (fileId(a.path) < fileId(b.path) ? -1 : 1))
      .map((d) => ({
        def_id: stableId('def', fileId(d.path), d.bstart, d.bend),
        file_id: fileId(d.path),
        name: d.name,
        bstart: BigInt(d.bstart),
        bend: BigInt(d.bend),
      }));
    expect(result).toEqual(expected);
  });

  it('emits the projection as a UNION ALL of per-source SELECTs joined to files for the path, ordered by node_id', () => {
    // FILE rows span the whole file, [0, size) from line 1 column 0; DEF rows take the path of their file.
    const view = manifest.views.find((v) => v.name === 'cpg.nodes')!;
    expect(view.sql).toBe(
      [
        'SELECT',
        `  anatomy_stable_id('file', [CAST("s"."file_id" AS VARCHAR)]::VARCHAR[]) AS "node_id",`,
        `  'FILE' AS "node_kind",`,
        '  "s"."path" AS "name",',
        '  "s"."file_id" AS "file_id",',
        '  "s"."path" AS "path",',
        '  CAST(0 AS BIGINT) AS "bstart",',
        '  "s"."size" AS "bend",',
        '  CAST(1 AS INTEGER) AS "line",',
        '  CAST(0 AS INTEGER) AS "col",',
        `  'repo-scan' AS "origin"`,
        'FROM "evidence"."files" AS "s"',
        'UNION ALL',
        'SELECT',
        '  "s"."def_id" AS "node_id",',
        `  'DEF' AS "node_kind",`,
        '  "s"."name" AS "name",',
        '  "s"."file_id" AS "file_id",',
        '  "f"."path" AS "path",',
        '  "s"."bstart" AS "bstart",',
        '  "s"."bend" AS "bend",',
        '  "s"."line" AS "line",',
        '  "s"."col" AS "col",',
        `  'tree-sitter' AS "origin"`,
        'FROM "norm"."defs" AS "s"',
        'LEFT JOIN "evidence"."files" AS "f" ON "f"."file_id" = "s"."file_id"',
      ].join('\n'),
    );
  });

  it('returns FILE and DEF nodes with the ids TypeScript computes', async () => {
    // The table promises no row order: read in node_id order.
    const result = await rows(connection, 'SELECT * FROM cpg.nodes ORDER BY node_id');
    // The contract: a FILE node spans its whole file, so [0, size in bytes) starting at line 1, column 0.
    const fileNodes = Object.entries(sources).map(([path, text]) => ({
      node_id: stableId('file', fileId(path)),
      node_kind: 'FILE',
      name: path,
      file_id: fileId(path),
      path,
      bstart: 0n,
      bend: BigInt(Buffer.byteLength(text, 'utf8')),
      line: 1,
      col: 0,
      origin: 'repo-scan',
    }));
    const defNodes = defs.map((d) => ({
      node_id: stableId('def', fileId(d.path), d.bstart, d.bend),
      node_kind: 'DEF',
      name: d.name,
      file_id: fileId(d.path),
      path: d.path,
      bstart: BigInt(d.bstart),
      bend: BigInt(d.bend),
      line: d.line,
      col: d.col,
      origin: 'tree-sitter',
    }));
    const expected = [...fileNodes, ...defNodes].sort((a, b) => (a.node_id < b.node_id ? -1 : 1));
    expect(result).toEqual(expected);
    // Spot-check the fixture itself: `hello` starts on line 5 after four spaces.
    expect(result.find((r) => r['name'] === 'hello')).toMatchObject({ line: 5, col: 4 });
    // bend counts bytes, not characters: é, ï and ü take two bytes each in UTF-8.
    const unicode = result.find((r) => r['node_kind'] === 'FILE' && r['path'] === 'pkg/ünï.py')!;
    expect(unicode['bend']).toBe(BigInt(sources['pkg/ünï.py']!.length + 3));
  });

  it('gives DEF nodes the path of their file although a diagnostics dataset also names files', async () => {
    const result = await rows(connection, `SELECT path, count(*) AS n FROM cpg.nodes WHERE node_kind = 'DEF' GROUP BY path ORDER BY path`);
    // One row per definition: the diagnostics table, with two rows for pkg/mod.py, is not joined.
    expect(result).toEqual([
      { path: 'pkg/mod.py', n: 3n },
      { path: 'pkg/ünï.py', n: 1n },
    ]);
  });

  it('gives every projected column the contract type', async () => {
    const described = await rows(
      connection,
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'cpg' AND table_name = 'nodes' ORDER BY ordinal_position`,
    );
    const contract = cpgOutputDatasets[0]!;
    expect(described).toEqual(contract.columns.map((c) => ({ column_name: c.name, data_type: duckDbType(c.type) })));
  });

  it('keeps definitions whose file was not scanned, with a NULL path', async () => {
    await connection.run(`INSERT INTO evidence.ts_defs VALUES ('file:orphan', 'function', 'lost', 'lost', 0, 8, 4, 8, 1, 0)`);
    try {
      const result = await rows(connection, `SELECT node_kind, path, file_id FROM cpg.nodes WHERE name = 'lost'`);
      expect(result).toEqual([{ node_kind: 'DEF', path: null, file_id: 'file:orphan' }]);
    } finally {
      await connection.run(`DELETE FROM evidence.ts_defs WHERE file_id = 'file:orphan'`);
    }
  });
});

describe('compiler decisions', () => {
  const manifest = compileProgram(skeleton, registryOf(files, scanDiagnostics, tsDefs));
  const all = manifest.views.flatMap((v) => v.decisions);

  it('every decision has a confidence in [0, 1], a rationale and evidence', () => {
    expect(all.length).toBeGreaterThan(0);
    for (const d of all) {
      expect(d.confidence).toBeGreaterThanOrEqual(0);
      expect(d.confidence).toBeLessThanOrEqual(1);
      expect(d.rationale.length).toBeGreaterThan(0);
      expect(d.evidence.length).toBeGreaterThan(0);
    }
  });

  it('records the entity id of norm.defs from the roles of evidence.ts_defs', () => {
    const norm = manifest.views.find((v) => v.name === 'norm.defs')!;
    expect(norm.decisions.map((d) => d.value)).toEqual([
      {
        topic: 'column-fill',
        source: 'evidence.ts_defs',
        column: 'def_id',
        fill: { by: 'stable-id', namespace: 'def', dataset: 'evidence.ts_defs', parts: ['file_id', 'bstart', 'bend'] },
      },
    ]);
    expect(norm.decisions[0]!.evidence.map((e) => e.detail)).toEqual([
      'evidence.ts_defs.file_id has the role file-identity',
      'evidence.ts_defs.bstart has the role span-start',
      'evidence.ts_defs.bend has the role span-end',
    ]);
  });

  it('records which source column fills each contract column, and the join to files for path', () => {
    const project = manifest.views.find((v) => v.name === 'cpg.nodes')!;
    const fills = project.decisions.flatMap((d) => (d.value.topic === 'column-fill' ? [[d.value.source, d.value.column, d.value.fill] as const] : []));
    expect(fills.filter(([source]) => source === 'norm.defs')).toEqual([
      ['norm.defs', 'node_id', { by: 'column', dataset: 'norm.defs', column: 'def_id' }],
      ['norm.defs', 'node_kind', { by: 'literal', value: 'DEF' }],
      ['norm.defs', 'name', { by: 'column', dataset: 'norm.defs', column: 'name' }],
      ['norm.defs', 'file_id', { by: 'column', dataset: 'norm.defs', column: 'file_id' }],
      ['norm.defs', 'path', { by: 'column', dataset: 'evidence.files', column: 'path' }],
      ['norm.defs', 'bstart', { by: 'column', dataset: 'norm.defs', column: 'bstart' }],
      ['norm.defs', 'bend', { by: 'column', dataset: 'norm.defs', column: 'bend' }],
      ['norm.defs', 'line', { by: 'column', dataset: 'norm.defs', column: 'line' }],
      ['norm.defs', 'col', { by: 'column', dataset: 'norm.defs', column: 'col' }],
      ['norm.defs', 'origin', { by: 'literal', value: 'tree-sitter' }],
    ]);
    expect(fills.find(([source, column]) => source === 'evidence.files' && column === 'node_id')?.[2]).toEqual({
      by: 'stable-id',
      namespace: 'file',
      dataset: 'evidence.files',
      parts: ['file_id'],
    });
    const joins = project.decisions.filter((d) => d.value.topic === 'file-join');
    expect(joins.map((d) => d.value)).toEqual([
      { topic: 'file-join', source: 'norm.defs', fileDataset: 'evidence.files', sourceColumn: 'file_id', fileColumn: 'file_id', provides: ['path'] },
    ]);
  });

  it('chooses the file dataset by its key, and says why the diagnostics dataset was passed over', () => {
    const project = manifest.views.find((v) => v.name === 'cpg.nodes')!;
    const join = project.decisions.find((d) => d.value.topic === 'file-join')!;
    expect(join.rationale).toMatch(/keyed by file identity, so the join never multiplies rows/);
    expect(join.evidence.map((e) => e.detail)).toEqual([
      'norm.defs.file_id has the role file-identity',
      'evidence.files.file_id has the role file-identity',
      'evidence.files is keyed by its file identity file_id alone',
      'evidence.scan_diagnostics has file-identity and path columns but declares no key, not by its file identity alone: it mentions files without describing them',
    ]);
  });

  it('fills the span of whole-file rows from their byte length, and origin from the producer, by role', () => {
    const project = manifest.views.find((v) => v.name === 'cpg.nodes')!;
    const fileFills = project.decisions.filter((d) => d.value.topic === 'column-fill' && d.value.source === 'evidence.files');
    const byColumn = new Map(fileFills.map((d) => [d.value.topic === 'column-fill' ? d.value.column : '', d]));
    expect([...byColumn].map(([column, d]) => [column, d.value.topic === 'column-fill' ? d.value.fill : undefined])).toEqual([
      ['node_id', { by: 'stable-id', namespace: 'file', dataset: 'evidence.files', parts: ['file_id'] }],
      ['node_kind', { by: 'literal', value: 'FILE' }],
      ['name', { by: 'column', dataset: 'evidence.files', column: 'path' }],
      ['file_id', { by: 'column', dataset: 'evidence.files', column: 'file_id' }],
      ['path', { by: 'column', dataset: 'evidence.files', column: 'path' }],
      ['bstart', { by: 'literal', value: 0 }],
      ['bend', { by: 'column', dataset: 'evidence.files', column: 'size' }],
      ['line', { by: 'literal', value: 1 }],
      ['col', { by: 'literal', value: 0 }],
      ['origin', { by: 'literal', value: 'repo-scan' }],
    ]);
    const whole = 'evidence.files has the byte length size and no span, so each of its rows is a whole file';
    expect(byColumn.get('bstart')!.rationale).toBe(`${whole}, whose span starts at byte 0`);
    expect(byColumn.get('bend')!.rationale).toBe(`${whole}, whose half-open span [0, size) ends after its last byte`);
    expect(byColumn.get('line')!.rationale).toBe(`${whole}; its span starts at byte 0, which is always on line 1`);
    expect(byColumn.get('col')!.rationale).toBe(`${whole}; its span starts at byte 0, which is always at byte column 0`);
    expect(byColumn.get('bend')!.evidence.map((e) => e.detail)).toEqual([
      'evidence.files.size has the role byte-length',
      'evidence.files has no column with the role span-start',
      'bend has the role span-end in the contract',
    ]);
    expect(byColumn.get('origin')!.evidence.map((e) => e.detail)).toEqual([
      'origin has the role provenance in the contract',
      'evidence.files has no column with the role provenance',
      'evidence.files has the producer repo-scan',
    ]);
  });

  it('refuses the file join, saying why, when several datasets describe files', () => {
    const mirror = defineDataset({ ...files, name: 'evidence.files_mirror', columns: [...files.columns], key: ['file_id'] });
    const project = compileProgram(skeleton, registryOf(files, mirror, scanDiagnostics, tsDefs)).views.find((v) => v.name === 'cpg.nodes')!;
    expect(project.sql).not.toContain('JOIN');
    expect(project.decisions.some((d) => d.value.topic === 'file-join')).toBe(false);
    const path = project.decisions.find((d) => d.value.topic === 'column-fill' && d.value.source === 'norm.defs' && d.value.column === 'path')!;
    expect(path.value).toMatchObject({ fill: { by: 'null' } });
    expect(path.rationale).toBe(
      'norm.defs has no column with the role path, and there is no file join: several datasets describe files (evidence.files, evidence.files_mirror), each keyed by its file identity with a path, and none is preferred',
    );
  });

  it('prefers the dataset whose rows are whole files when another also describes files (SCIP documents)', () => {
    // Keyed by file identity with a path, like evidence.scip_documents, but without a byte length: it describes files.
    const documents = defineDataset({
      name: 'evidence.scip_documents',
      producer: 'extract-scip',
      version: 1,
      description: 'documents of a SCIP index',
      spanUnit: 'none',
      key: ['file_id'],
      columns: [
        { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'the scanned file' },
        { name: 'path', type: 'utf8', nullable: false, role: 'path', description: 'repository-relative path' },
        { name: 'language', type: 'utf8', nullable: true, role: 'attribute', description: 'document language' },
      ],
    });
    const project = compileProgram(skeleton, registryOf(files, documents, scanDiagnostics, tsDefs)).views.find((v) => v.name === 'cpg.nodes')!;
    expect(project.sql).toContain('LEFT JOIN "evidence"."files" AS "f" ON "f"."file_id" = "s"."file_id"');
    expect(project.sql).not.toContain('scip_documents');
    const join = project.decisions.find((d) => d.value.topic === 'file-join')!;
    expect(join.value).toMatchObject({ source: 'norm.defs', fileDataset: 'evidence.files', provides: ['path'] });
    expect(join.evidence.map((e) => e.detail)).toContain(
      'evidence.scip_documents describes files but has no byte-length column, so its rows are not the files themselves: the dataset whose rows are whole files is preferred',
    );
  });

  it('does not take a dataset that merely mentions files as the file dataset', () => {
    const unkeyed = defineDataset({ ...files, columns: [...files.columns], key: ['file_id', 'sha256'] });
    const project = compileProgram(skeleton, registryOf(unkeyed, scanDiagnostics, tsDefs)).views.find((v) => v.name === 'cpg.nodes')!;
    expect(project.sql).not.toContain('JOIN');
    const path = project.decisions.find((d) => d.value.topic === 'column-fill' && d.value.source === 'norm.defs' && d.value.column === 'path')!;
    expect(path.rationale).toMatch(/no registered dataset describes files \(keyed by its file identity alone, with a path\)$/);
    expect(path.evidence.map((e) => e.detail)).toContain(
      'evidence.files has file-identity and path columns but is keyed by (file_id, sha256), not by its file identity alone: it mentions files without describing them',
    );
  });

  it('leaves path NULL with a reason when no dataset describes files', () => {
    const defsOnly = defineProgram({ name: 'defs-only', views: [normDefs, Project.create({ name: 'cpg.nodes', rows: [{ from: 'norm.defs', kind: 'DEF' }] })] });
    const m = compileProgram(defsOnly, registryOf(tsDefs));
    const project = m.views.find((v) => v.name === 'cpg.nodes')!;
    expect(project.sql).toContain('CAST(NULL AS VARCHAR) AS "path"');
    expect(project.sql).not.toContain('JOIN');
    const path = project.decisions.find((d) => d.value.topic === 'column-fill' && d.value.column === 'path')!;
    expect(path.value).toMatchObject({ fill: { by: 'null' } });
    expect(path.rationale).toMatch(/no registered dataset describes files/);
  });
});

describe('inference beyond the skeleton', () => {
  // An extractor that numbers its rows itself and stores spans as 32-bit integers.
  const tsNodes = defineDataset({
    name: 'evidence.ts_nodes',
    producer: 'tree-sitter',
    version: 1,
    description: 'syntax nodes',
    spanUnit: 'utf8-bytes',
    columns: [
      { name: 'id', type: 'int64', nullable: false, role: 'entity-identity', description: 'extractor-local id' },
      { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'owning file' },
      { name: 'type', type: 'utf8', nullable: false, role: 'kind', description: 'grammar type' },
      { name: 'bstart', type: 'int32', nullable: false, role: 'span-start', description: 'start byte' },
      { name: 'bend', type: 'int32', nullable: false, role: 'span-end', description: 'end byte' },
    ],
  });
  const program = defineProgram({
    name: 'syntax',
    views: [
      Normalize.create({ name: 'syntax', from: 'evidence.ts_nodes', entity: 'syn' }),
      Project.create({ name: 'cpg.nodes', rows: [{ from: 'norm.syntax', kind: 'SYNTAX' }] }),
    ],
  });
  const manifest = compileProgram(program, registryOf(files, tsNodes));

  it('keeps an identity the input already had as an attribute, and says so', () => {
    const norm = manifest.views.find((v) => v.name === 'norm.syntax')!;
    expect(norm.decisions.map((d) => d.value.topic)).toEqual(['column-fill', 'role-change']);
    expect(norm.decisions[1]!.value).toEqual({ topic: 'role-change', source: 'evidence.ts_nodes', column: 'id', from: 'entity-identity', to: 'attribute' });
    const project = manifest.views.find((v) => v.name === 'cpg.nodes')!;
    expect(project.sql).toContain('"s"."syn_id" AS "node_id"');
  });

  it('casts source columns to the contract types and runs in DuckDB', async () => {
    const project = manifest.views.find((v) => v.name === 'cpg.nodes')!;
    expect(project.sql).toContain('CAST("s"."bstart" AS BIGINT) AS "bstart"');
    expect(project.sql).toContain('CAST(NULL AS VARCHAR) AS "name"');
    const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
    const connection = await instance.connect();
    try {
      await connection.run(createTableSql(files));
      await connection.run(createTableSql(tsNodes));
      await connection.run(`INSERT INTO evidence.files VALUES ('${fileId('a.py')}', 'a.py', 10, '${'0'.repeat(64)}', 'utf-8', 1)`);
      await connection.run(`INSERT INTO evidence.ts_nodes VALUES (7, '${fileId('a.py')}', 'module', 0, 10)`);
      await install(connection, manifest, ['norm.syntax', 'cpg.nodes']);
      expect(await rows(connection, 'SELECT node_id, node_kind, name, path, bstart, bend, origin FROM cpg.nodes')).toEqual([
        { node_id: stableId('syn', fileId('a.py'), 0, 10), node_kind: 'SYNTAX', name: null, path: 'a.py', bstart: 0n, bend: 10n, origin: 'tree-sitter' },
      ]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});

describe('inference by role, whatever the column names', () => {
  // An output contract naming its columns differently from cpg.nodes: only the roles say what they hold.
  const located = defineDataset({
    name: 'out.located',
    producer: 'test-contract',
    version: 1,
    description: 'located things',
    spanUnit: 'utf8-bytes',
    key: ['thing_id'],
    columns: [
      { name: 'thing_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'id' },
      { name: 'sort', type: 'utf8', nullable: false, role: 'kind', description: 'kind' },
      { name: 'where_from', type: 'utf8', nullable: false, role: 'provenance', description: 'who produced the row' },
      { name: 'lo', type: 'int64', nullable: true, role: 'span-start', description: 'first byte' },
      { name: 'hi', type: 'int64', nullable: true, role: 'span-end', description: 'byte after' },
      { name: 'row_no', type: 'int32', nullable: true, role: 'line', description: 'line of lo' },
      { name: 'byte_col', type: 'int32', nullable: true, role: 'column', description: 'column of lo' },
      { name: 'last_row', type: 'int32', nullable: true, role: 'end-line', description: 'line of hi' },
    ],
  });
  // A source that already records its provenance per row, and measures its files under another name.
  const blobs = defineDataset({
    name: 'evidence.blobs',
    producer: 'blob-scan',
    version: 1,
    description: 'whole-file blobs',
    spanUnit: 'none',
    key: ['blob_file'],
    columns: [
      { name: 'blob_file', type: 'utf8', nullable: false, role: 'file-identity', description: 'file' },
      { name: 'bytes', type: 'int32', nullable: false, role: 'byte-length', description: 'length' },
      { name: 'seen_by', type: 'utf8', nullable: false, role: 'provenance', description: 'the tool that saw it' },
    ],
  });
  const program = defineProgram({
    name: 'located',
    views: [
      Project.create({
        name: 'out.located',
        rows: [
          { from: 'evidence.files', kind: 'FILE', entity: 'file' },
          { from: 'evidence.blobs', kind: 'BLOB', entity: 'blob' },
        ],
      }),
    ],
  });
  const manifest = compileProgram(program, registryOf(files, blobs, located));

  it('fills provenance and whole-file spans by role and runs in DuckDB', async () => {
    const view = manifest.views[0]!;
    expect(view.sql).toContain(`'repo-scan' AS "where_from"`);
    expect(view.sql).toContain('"s"."seen_by" AS "where_from"');
    expect(view.sql).toContain('CAST("s"."bytes" AS BIGINT) AS "hi"');
    expect(view.sql).toContain('CAST(NULL AS INTEGER) AS "last_row"');
    const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
    const connection = await instance.connect();
    try {
      await connection.run(STABLE_ID_MACRO_SQL);
      await connection.run(createTableSql(files));
      await connection.run(createTableSql(blobs));
      await connection.run(`INSERT INTO evidence.files VALUES ('${fileId('a.py')}', 'a.py', 12, '${'0'.repeat(64)}', 'utf-8', 2)`);
      await connection.run(`INSERT INTO evidence.blobs VALUES ('${fileId('b.bin')}', 0, 'hexdump')`);
      await install(connection, manifest, ['out.located']);
      expect(await rows(connection, 'SELECT * FROM out.located')).toEqual(
        [
          { thing_id: stableId('file', fileId('a.py')), sort: 'FILE', where_from: 'repo-scan', lo: 0n, hi: 12n, row_no: 1, byte_col: 0, last_row: null },
          { thing_id: stableId('blob', fileId('b.bin')), sort: 'BLOB', where_from: 'hexdump', lo: 0n, hi: 0n, row_no: 1, byte_col: 0, last_row: null },
        ].sort((a, b) => (a.thing_id < b.thing_id ? -1 : 1)),
      );
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it("records why a source's own provenance column is copied", () => {
    const fill = manifest.views[0]!.decisions.find((d) => d.value.topic === 'column-fill' && d.value.source === 'evidence.blobs' && d.value.column === 'where_from')!;
    expect(fill.value).toMatchObject({ fill: { by: 'column', dataset: 'evidence.blobs', column: 'seen_by' } });
    expect(fill.rationale).toBe('seen_by of evidence.blobs has the role provenance');
  });
});

describe('fingerprint', () => {
  const registry = registryOf(files, tsDefs);

  it('does not depend on the order of declarations', () => {
    const reordered = defineProgram({ name: 'skeleton', views: [nodes, normDefs] });
    expect(compileProgram(reordered, registry)).toEqual(compileProgram(skeleton, registry));
  });

  it('changes when a view changes', () => {
    const renamed = defineProgram({ name: 'skeleton', views: [Normalize.create({ name: 'defs', from: 'evidence.ts_defs', entity: 'definition' }), nodes] });
    const fewer = defineProgram({ name: 'skeleton', views: [normDefs, Project.create({ name: 'cpg.nodes', rows: [{ from: 'norm.defs', kind: 'DEF' }] })] });
    const base = compileProgram(skeleton, registry).fingerprint;
    expect(compileProgram(renamed, registry).fingerprint).not.toBe(base);
    expect(compileProgram(fewer, registry).fingerprint).not.toBe(base);
  });

  it('ignores the program name, which is not semantic', () => {
    const other = defineProgram({ name: 'other', views: [normDefs, nodes] });
    expect(compileProgram(other, registry).fingerprint).toBe(compileProgram(skeleton, registry).fingerprint);
  });
});

describe('dead-view pruning', () => {
  it('drops views no projection reads and records why', () => {
    const program = defineProgram({
      name: 'with-dead',
      views: [normDefs, nodes, Normalize.create({ name: 'unused', from: 'evidence.ts_defs', entity: 'unused' })],
    });
    const m = compileProgram(program, registryOf(files, tsDefs));
    expect(m.views.map((v) => v.name)).toEqual(['cpg.nodes', 'norm.defs']);
    expect(m.decisions).toHaveLength(1);
    expect(m.decisions[0]).toMatchObject({ value: { topic: 'prune', view: 'norm.unused' }, confidence: 1 });
    expect(m.decisions[0]!.evidence[0]!.detail).toBe('outputs: cpg.nodes');
  });
});

describe('errors', () => {
  const registry = registryOf(files, tsDefs);

  function codeOf(program: SemanticProgram, reg = registry): { code: string; issues: { path: string; message: string }[]; hint?: string } {
    try {
      compileProgram(program, reg);
    } catch (error) {
      if (!SemanticIrError.is(error)) throw error;
      return { code: error.code, issues: (error.details['issues'] ?? []) as { path: string; message: string }[], hint: error.hint ?? '' };
    }
    throw new Error('expected compileProgram to throw');
  }

  it('lists every problem of a bad program at once', () => {
    const program = defineProgram({
      name: 'bad',
      views: [
        Normalize.create({ name: 'defs', from: 'evidence.nope', entity: 'def' }),
        Normalize.create({ name: 'files', from: 'evidence.ts_defz', entity: 'def' }),
        Project.create({ name: 'cpg.nodez', rows: [{ from: 'norm.defs', kind: 'DEF' }, { from: 'norm.missing', kind: 'X' }] }),
      ],
    });
    const r = codeOf(program);
    expect(r.code).toBe('semantic-ir/InvalidProgram');
    expect(r.issues.map((i) => i.path)).toEqual(['views[0].from', 'views[1].from', 'views[2].name', 'views[2].rows[1].from']);
    expect(r.issues[0]!.message).toMatch(/evidence\.nope is neither a registered dataset nor a view/);
  });

  it('rejects views that would shadow a registered dataset, and cycles', () => {
    const shadow = defineDataset({ ...tsDefs, name: 'norm.defs', columns: [...tsDefs.columns] });
    const r1 = codeOf(skeleton, registryOf(files, tsDefs, shadow));
    expect(r1.issues).toEqual([{ path: 'views[0].name', message: 'norm.defs would shadow the registered dataset of the same name' }]);

    const cyclic = defineProgram({
      name: 'cyclic',
      views: [
        Normalize.create({ name: 'a', from: 'norm.b', entity: 'a' }),
        Normalize.create({ name: 'b', from: 'norm.a', entity: 'b' }),
        Project.create({ name: 'cpg.nodes', rows: [{ from: 'norm.a', kind: 'A' }] }),
      ],
    });
    const r2 = codeOf(cyclic);
    expect(r2.code).toBe('semantic-ir/InvalidProgram');
    expect(r2.issues.map((i) => i.path)).toEqual(['views[0]', 'views[1]', 'views[2]']);
    expect(r2.issues[0]!.message).toBe('norm.a cannot be ordered: it reads norm.b, which form or follow a cycle');
  });

  it('lists every inference problem: missing roles, colliding columns, unidentified rows', () => {
    const unlocated = defineDataset({
      name: 'evidence.notes',
      producer: 'test',
      version: 1,
      description: 'rows without a file',
      spanUnit: 'none',
      columns: [{ name: 'text', type: 'utf8', nullable: false, role: 'name', description: 'text' }],
    });
    const program = defineProgram({
      name: 'roles',
      views: [
        Normalize.create({ name: 'notes', from: 'evidence.notes', entity: 'note' }),
        Normalize.create({ name: 'defs', from: 'evidence.ts_defs', entity: 'file' }),
        Project.create({ name: 'cpg.nodes', rows: [{ from: 'evidence.files', kind: 'FILE' }, { from: 'evidence.notes', kind: 'NOTE', entity: 'note' }] }),
      ],
    });
    const r = codeOf(program, registryOf(files, tsDefs, unlocated));
    expect(r.code).toBe('semantic-ir/InferenceFailed');
    expect(r.issues.map((i) => i.path)).toEqual(['views[0].from', 'views[1].entity', 'views[2].rows[0]', 'views[2].rows[1].entity']);
    expect(r.issues.map((i) => i.message)).toEqual([
      'evidence.notes has no column with the role file-identity, so its rows have no location to derive note ids from',
      'evidence.ts_defs already has a column file_id; normalize it under another entity name',
      'evidence.files has no column with the role entity-identity; normalize it first or give these rows an entity namespace',
      'evidence.notes has no column with the role file-identity, so its rows have no location to derive note ids from',
    ]);
  });

  it('cannot convert line/column spans without a line index, and needs them normalized before computing ids', () => {
    const lineCol = defineDataset({
      name: 'evidence.py_defs',
      producer: 'python',
      version: 1,
      description: 'defs located by line and column',
      spanUnit: 'line-col',
      columns: [
        { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'file' },
        { name: 'line', type: 'int32', nullable: false, role: 'line', description: 'line' },
        { name: 'col', type: 'int32', nullable: false, role: 'column', description: 'column' },
      ],
    });
    const normalized = defineProgram({
      name: 'py',
      views: [Normalize.create({ name: 'defs', from: 'evidence.py_defs', entity: 'def' }), Project.create({ name: 'cpg.nodes', rows: [{ from: 'norm.defs', kind: 'DEF' }] })],
    });
    const r = codeOf(normalized, registryOf(lineCol));
    expect(r.code).toBe('semantic-ir/InferenceFailed');
    expect(r.issues).toEqual([
      {
        path: 'views[0].from',
        message:
          'evidence.py_defs is located by line and column, but no line index is registered (a dataset keyed by file identity and line, with the first byte of each line as span-start)',
      },
    ]);
    const direct = defineProgram({ name: 'py', views: [Project.create({ name: 'cpg.nodes', rows: [{ from: 'evidence.py_defs', kind: 'DEF', entity: 'def' }] })] });
    const d = codeOf(direct, registryOf(lineCol));
    expect(d.code).toBe('semantic-ir/UnsupportedSpanUnit');
    expect(d.hint).toMatch(/normalize or derive evidence.py_defs first/);
  });

  it('revalidates programs that were not built with defineProgram', () => {
    const forged = { name: 'Bad Name', views: [{ kind: 'normalize', name: 'x', from: 'nowhere', entity: 'x' }] } as unknown as SemanticProgram;
    const r = codeOf(forged);
    expect(r.code).toBe('semantic-ir/InvalidProgram');
    expect(r.issues.map((i) => i.path)).toEqual(['name', 'views.0.from']);
  });
});

describe('manifest immutability', () => {
  it('cannot be edited by receivers', () => {
    const m: SemanticProgramManifest = compileProgram(skeleton, registryOf(files, tsDefs));
    expect(() => {
      (m.views as unknown as unknown[]).push({});
    }).toThrow(TypeError);
    expect(() => {
      (m.views[0] as { sql: string }).sql = 'SELECT 1';
    }).toThrow(TypeError);
    const decision = m.views[0]!.decisions[0]!;
    expect(Object.isFrozen(decision.value) && Object.isFrozen(decision.evidence) && Object.isFrozen(decision.evidence[0])).toBe(true);
  });
});
