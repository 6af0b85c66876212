import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stableId } from '@anatomy/contracts';
import { columnBatch, cpgEdgesDataset, cpgNodesDataset, cpgPropsDataset } from '@anatomy/schema-authority';
import type { CellValue, DatasetSchema } from '@anatomy/schema-authority';
import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';

/*
 * A small CPG written by hand for tests of the read side, as `anatomy build`
 * would write it for this repository:
 *
 *   pkg/__init__.py   (empty)
 *   pkg/app.py        from pkg.café import grüße; import pkg.util; import os
 *                     def main(): run(); grüße("x")          def run(): load(); save()
 *                     main()                                  (module level)
 *   pkg/café.py       def grüße(name): brühen(); grüße      def brühen(): <call resolving to helper and load>
 *   pkg/util.py       from pkg import café
 *                     def load(): save()   def save(): save()   def helper(): tmpl[…].format(…); (\n builder\n).build()
 *
 * Names with markup, quotes, a control character and line breaks sit on
 * CALL nodes (their callee text), so exports must escape them.
 */

/** A node row of the fixture, in contract column order. */
export interface SampleNode {
  readonly node_id: string;
  readonly node_kind: string;
  readonly name: string | null;
  readonly file_id: string | null;
  readonly path: string | null;
  readonly bstart: bigint | null;
  readonly bend: bigint | null;
  readonly line: number | null;
  readonly col: number | null;
  readonly origin: string;
}

/** An edge row of the fixture, in contract column order. */
export interface SampleEdge {
  readonly edge_id: string;
  readonly edge_kind: string;
  readonly src_node_id: string;
  readonly dst_node_id: string;
  readonly file_id: string | null;
  readonly path: string | null;
  readonly bstart: bigint | null;
  readonly bend: bigint | null;
  readonly origin: string;
  readonly rule: string;
  readonly confidence: number;
}

/** A property row of the fixture, in contract column order. */
export interface SampleProp {
  readonly entity_id: string;
  readonly prop_key: string;
  readonly value_type: 'string' | 'int' | 'float' | 'bool';
  readonly value_string: string | null;
  readonly value_int: bigint | null;
  readonly value_float: number | null;
  readonly value_bool: boolean | null;
  /** The owning file of the entity: its node's file, or for an edge the file of its evidence. */
  readonly file_id: string | null;
}

const PATHS = ['pkg/__init__.py', 'pkg/app.py', 'pkg/café.py', 'pkg/util.py'] as const;
type SamplePath = (typeof PATHS)[number];

const fileIdOf = (path: SamplePath): string => stableId('file', path);

let cursor = 0;
/** Nodes get increasing, non-overlapping spans in their file; the numbers only need to satisfy the contract. */
function node(kind: string, name: string | null, path: SamplePath | null, origin = 'tree-sitter'): SampleNode {
  cursor += 10;
  const located = path !== null;
  return Object.freeze({
    node_id: stableId('node', kind, path ?? '', name ?? '', cursor),
    node_kind: kind,
    name,
    file_id: located ? fileIdOf(path) : null,
    path,
    bstart: located ? BigInt(cursor) : null,
    bend: located ? BigInt(cursor + 8) : null,
    line: located ? cursor / 10 : null,
    col: located ? 4 : null,
    origin,
  });
}

/** The name of a CALL that holds markup, quotes, non-ASCII text and a control character. */
export const HOSTILE_NAME = `tmpl["<a href='x'>&"ü\u0001"</a>"].format`;
/** The name of a CALL whose callee text spans lines. */
export const MULTILINE_NAME = '(\n    builder\r\n).build';

export const files = Object.freeze(Object.fromEntries(PATHS.map((p) => [p, node('FILE', p, p, 'repo-scan')])) as Record<SamplePath, SampleNode>);
export const modules = Object.freeze({
  pkg: node('MODULE', 'pkg', 'pkg/__init__.py'),
  app: node('MODULE', 'pkg.app', 'pkg/app.py'),
  cafe: node('MODULE', 'pkg.café', 'pkg/café.py'),
  util: node('MODULE', 'pkg.util', 'pkg/util.py'),
});
export const defs = Object.freeze({
  main: node('DEF', 'main', 'pkg/app.py'),
  run: node('DEF', 'run', 'pkg/app.py'),
  grusse: node('DEF', 'grüße', 'pkg/café.py'),
  bruehen: node('DEF', 'brühen', 'pkg/café.py'),
  load: node('DEF', 'load', 'pkg/util.py'),
  save: node('DEF', 'save', 'pkg/util.py'),
  helper: node('DEF', 'helper', 'pkg/util.py'),
});
export const calls = Object.freeze({
  mainRun: node('CALL', 'run', 'pkg/app.py'),
  mainGrusse: node('CALL', 'grüße', 'pkg/app.py'),
  runLoad: node('CALL', 'load', 'pkg/app.py'),
  runSave: node('CALL', 'save', 'pkg/app.py'),
  moduleMain: node('CALL', 'main', 'pkg/app.py'),
  grusseBruehen: node('CALL', 'brühen', 'pkg/café.py'),
  bruehenAmbiguous: node('CALL', 'pick()', 'pkg/café.py'),
  loadSave: node('CALL', 'save', 'pkg/util.py'),
  saveSave: node('CALL', 'save', 'pkg/util.py'),
  hostile: node('CALL', HOSTILE_NAME, 'pkg/util.py'),
  multiline: node('CALL', MULTILINE_NAME, 'pkg/util.py'),
});
export const imports = Object.freeze({
  grusse: node('IMPORT', 'grüße', 'pkg/app.py'),
  util: node('IMPORT', 'pkg', 'pkg/app.py'),
  os: node('IMPORT', 'os', 'pkg/app.py'),
  cafe: node('IMPORT', 'café', 'pkg/util.py'),
});
export const refs = Object.freeze({
  grusseInCafe: node('REF', 'grüße', 'pkg/café.py'),
  grusseInApp: node('REF', 'grüße', 'pkg/app.py'),
  runInApp: node('REF', 'run', 'pkg/app.py'),
});
export const symbol = node('SYMBOL', 'os', null, 'scip');

export const nodes: readonly SampleNode[] = Object.freeze([
  ...Object.values(files),
  ...Object.values(modules),
  ...Object.values(defs),
  ...Object.values(calls),
  ...Object.values(imports),
  ...Object.values(refs),
  symbol,
]);

function edge(kind: string, src: SampleNode, dst: SampleNode, rule: string, confidence: number): SampleEdge {
  return Object.freeze({
    edge_id: stableId('edge', kind, src.node_id, dst.node_id),
    edge_kind: kind,
    src_node_id: src.node_id,
    dst_node_id: dst.node_id,
    file_id: src.file_id,
    path: src.path,
    bstart: src.bstart,
    bend: src.bend,
    origin: 'tree-sitter',
    rule,
    confidence,
  });
}

const contains = (parent: SampleNode, child: SampleNode): SampleEdge => edge('CONTAINS', parent, child, 'lexical-containment', 1);
const callsEdge = (call: SampleNode, callee: SampleNode, confidence = 0.9): SampleEdge => edge('CALLS', call, callee, 'call-resolves-to-def', confidence);

export const edges: readonly SampleEdge[] = Object.freeze([
  contains(files['pkg/__init__.py'], modules.pkg),
  contains(files['pkg/app.py'], modules.app),
  contains(files['pkg/café.py'], modules.cafe),
  contains(files['pkg/util.py'], modules.util),
  ...[defs.main, defs.run].map((d) => contains(modules.app, d)),
  ...[defs.grusse, defs.bruehen].map((d) => contains(modules.cafe, d)),
  ...[defs.load, defs.save, defs.helper].map((d) => contains(modules.util, d)),
  contains(defs.main, calls.mainRun),
  contains(defs.main, calls.mainGrusse),
  contains(defs.run, calls.runLoad),
  contains(defs.run, calls.runSave),
  contains(modules.app, calls.moduleMain),
  contains(defs.grusse, calls.grusseBruehen),
  contains(defs.bruehen, calls.bruehenAmbiguous),
  contains(defs.load, calls.loadSave),
  contains(defs.save, calls.saveSave),
  contains(defs.helper, calls.hostile),
  contains(defs.helper, calls.multiline),
  ...[imports.grusse, imports.util, imports.os].map((i) => contains(modules.app, i)),
  contains(modules.util, imports.cafe),
  contains(defs.grusse, refs.grusseInCafe),
  contains(defs.main, refs.grusseInApp),
  contains(defs.main, refs.runInApp),
  callsEdge(calls.mainRun, defs.run),
  callsEdge(calls.mainGrusse, defs.grusse),
  callsEdge(calls.runLoad, defs.load),
  callsEdge(calls.runSave, defs.save),
  callsEdge(calls.moduleMain, defs.main),
  callsEdge(calls.grusseBruehen, defs.bruehen),
  callsEdge(calls.bruehenAmbiguous, defs.helper, 0.55),
  callsEdge(calls.bruehenAmbiguous, defs.load, 0.45),
  callsEdge(calls.loadSave, defs.save),
  callsEdge(calls.saveSave, defs.save),
  edge('IMPORTS', imports.grusse, defs.grusse, 'import-resolves', 0.95),
  edge('IMPORTS', imports.util, modules.util, 'import-resolves', 0.95),
  edge('IMPORTS', imports.cafe, modules.cafe, 'import-resolves', 0.95),
  edge('RESOLVES_TO', refs.grusseInCafe, defs.grusse, 'name-resolves-in-scope', 0.8),
  edge('RESOLVES_TO', refs.grusseInApp, imports.grusse, 'name-resolves-to-import', 0.75),
  edge('RESOLVES_TO', refs.runInApp, defs.run, 'name-resolves-in-scope', 0.8),
  edge('REFERS_TO_SYMBOL', imports.os, symbol, 'scip-symbol', 0.99),
]);

const none = { value_string: null, value_int: null, value_float: null, value_bool: null } as const;
const text = (entity: SampleNode | SampleEdge, key: string, value: string): SampleProp => ({
  entity_id: 'node_id' in entity ? entity.node_id : entity.edge_id,
  prop_key: key,
  value_type: 'string',
  ...none,
  value_string: value,
  file_id: entity.file_id,
});
const int = (entity: SampleNode, key: string, value: bigint): SampleProp => ({ entity_id: entity.node_id, prop_key: key, value_type: 'int', ...none, value_int: value, file_id: entity.file_id });
const bool = (entity: SampleNode, key: string, value: boolean): SampleProp => ({ entity_id: entity.node_id, prop_key: key, value_type: 'bool', ...none, value_bool: value, file_id: entity.file_id });

/** The CALLS edge of the ambiguous call to `helper`, which carries a float property. */
export const ambiguousToHelper = edges.find((e) => e.src_node_id === calls.bruehenAmbiguous.node_id && e.dst_node_id === defs.helper.node_id)!;

export const props: readonly SampleProp[] = Object.freeze([
  ...Object.values(defs).flatMap((d) => [text(d, 'def_kind', 'function'), text(d, 'qualname', d.name ?? ''), int(d, 'name_bstart', (d.bstart ?? 0n) + 4n)]),
  ...Object.values(imports).flatMap((i) => [int(i, 'level', 0n), bool(i, 'is_star', false)]),
  text(imports.grusse, 'module', 'pkg.café'),
  // A property named like a contract column, and one whose values mix types.
  text(defs.main, 'path', 'shadowed'),
  text(defs.main, 'note', 'entry point'),
  int(defs.run, 'note', 7n),
  { entity_id: ambiguousToHelper.edge_id, prop_key: 'share', value_type: 'float', ...none, value_float: 0.55, file_id: ambiguousToHelper.file_id },
]);

// ---- store files ----

const dirs: string[] = [];

/** A fresh temporary directory, removed by {@link removeTempDirs}. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'anatomy-cpg-query-'));
  dirs.push(dir);
  return dir;
}

/** Removes every directory {@link tempDir} made. */
export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

function columnsOf(ds: DatasetSchema, rows: readonly object[]): Record<string, CellValue[]> {
  return Object.fromEntries(ds.columns.map((c) => [c.name, rows.map((r) => ((r as Record<string, CellValue>)[c.name] ?? null))]));
}

/** Appends rows to a contract table, creating it from the schema authority's DDL first. */
export async function ingestRows(store: Store, ds: DatasetSchema, rows: readonly object[]): Promise<void> {
  await store.ensureDataset(ds);
  if (rows.length > 0) await store.ingest(ds, columnBatch(ds, columnsOf(ds, rows)));
}

/**
 * Writes a store file through openStore. The file is attached to an
 * in-memory store rather than opened directly: a file opened and closed in
 * this process would keep DuckDB's instance for it, which then refuses to
 * open it read-only. Detaching releases it as a finished build does.
 */
export async function buildStoreFile(file: string, fill: (store: Store) => Promise<void>): Promise<string> {
  mkdirSync(dirname(file), { recursive: true });
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

/** Which contract tables a sample store holds. */
export interface SampleTables {
  readonly edges?: boolean;
  readonly props?: boolean;
}

/** Writes the sample CPG to a new store file (nodes always; edges and props unless left out). */
export async function buildSampleCpg(file: string, tables: SampleTables = {}): Promise<string> {
  return buildStoreFile(file, async (store) => {
    await ingestRows(store, cpgNodesDataset, nodes);
    if (tables.edges ?? true) await ingestRows(store, cpgEdgesDataset, edges);
    if (tables.props ?? true) await ingestRows(store, cpgPropsDataset, props);
  });
}
