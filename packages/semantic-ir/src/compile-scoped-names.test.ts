import { stableId } from '@anatomy/contracts';
import { defineDataset } from '@anatomy/schema-authority';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProgram } from './compile-program.js';
import { Derive } from './derive.js';
import { TestDatabase, registryOf } from './duckdb-fixture.test-support.js';
import { Normalize } from './normalize.js';
import { Project } from './project.js';
import { Relate } from './relate.js';
import { Union } from './union.js';
import { defineProgram } from './semantic-program.js';

// A class attribute a method cannot see, and a closure over its function's local: Python's two classic scoping traps.
const SOURCE = ['x = 1', 'class K:', '    x = 2', '    def m(self):', '        return x', 'def f():', '    x = 3', '    def g():', '        return x', '    return g', ''].join('\n');
const FILE = stableId('file', 'mod.py');
const at = (needle: string, occurrence = 0): number => {
  let i = -1;
  for (let n = 0; n <= occurrence; n++) i = SOURCE.indexOf(needle, i + 1);
  return i;
};

const files = defineDataset({
  name: 'evidence.files',
  producer: 'scan',
  version: 1,
  description: 'files',
  spanUnit: 'none',
  key: ['file_id'],
  columns: [
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'file' },
    { name: 'path', type: 'utf8', nullable: false, role: 'path', description: 'path' },
    { name: 'size', type: 'int64', nullable: false, role: 'byte-length', description: 'bytes' },
  ],
});
const scopes = defineDataset({
  name: 'evidence.scopes',
  producer: 'symtable',
  version: 1,
  description: 'symbol tables located in bytes',
  spanUnit: 'utf8-bytes',
  key: ['scope_id'],
  columns: [
    { name: 'scope_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'scope' },
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'file' },
    { name: 'parent_scope_id', type: 'utf8', nullable: true, role: 'parent-identity', description: 'enclosing scope' },
    { name: 'scope_type', type: 'utf8', nullable: false, role: 'kind', description: 'module, class or function' },
    { name: 'name', type: 'utf8', nullable: false, role: 'name', description: 'block name' },
    { name: 'bstart', type: 'int64', nullable: true, role: 'span-start', description: 'start' },
    { name: 'bend', type: 'int64', nullable: true, role: 'span-end', description: 'end' },
  ],
});
const symbols = defineDataset({
  name: 'evidence.symbols',
  producer: 'symtable',
  version: 1,
  description: 'symbols of each table, without positions',
  spanUnit: 'none',
  key: ['symbol_id'],
  columns: [
    { name: 'symbol_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'symbol' },
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'file' },
    { name: 'scope_id', type: 'utf8', nullable: false, role: 'parent-identity', description: 'its scope' },
    { name: 'name', type: 'utf8', nullable: false, role: 'name', description: 'identifier' },
    { name: 'is_local', type: 'bool', nullable: false, role: 'attribute', description: 'bound in its scope' },
  ],
});
const refs = defineDataset({
  name: 'evidence.refs',
  producer: 'parser',
  version: 1,
  description: 'loaded names',
  spanUnit: 'utf8-bytes',
  key: ['file_id', 'bstart'],
  columns: [
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'file' },
    { name: 'name', type: 'utf8', nullable: false, role: 'name', description: 'identifier' },
    { name: 'bstart', type: 'int64', nullable: false, role: 'span-start', description: 'start' },
    { name: 'bend', type: 'int64', nullable: false, role: 'span-end', description: 'end' },
  ],
});

const scope = (id: string, parent: string | null, type: string, name: string, start: number, end: number) => ({
  scope_id: id,
  file_id: FILE,
  parent_scope_id: parent,
  scope_type: type,
  name,
  bstart: start,
  bend: end,
});
const scopeRows = [
  scope('top', null, 'module', 'top', 0, Buffer.byteLength(SOURCE)),
  scope('K', 'top', 'class', 'K', at('class K'), at('return x') + 8),
  scope('m', 'K', 'function', 'm', at('def m'), at('return x') + 8),
  scope('f', 'top', 'function', 'f', at('def f'), at('return g') + 8),
  scope('g', 'f', 'function', 'g', at('def g'), at('return x', 1) + 8),
];
const symbol = (scopeId: string, name: string, local: boolean) => ({ symbol_id: `${scopeId}.${name}`, file_id: FILE, scope_id: scopeId, name, is_local: local });
const symbolRows = [
  symbol('top', 'x', true),
  symbol('top', 'K', true),
  symbol('top', 'f', true),
  symbol('K', 'x', true),
  symbol('K', 'm', true),
  symbol('m', 'self', true),
  symbol('m', 'x', false), // global: the class's x is not visible in its methods
  symbol('f', 'x', true),
  symbol('f', 'g', true),
  symbol('g', 'x', false), // free: bound in f
];
const loads = [at('return x') + 7, at('return x', 1) + 7].map((start) => ({ file_id: FILE, name: 'x', bstart: start, bend: start + 1 }));
// A name no symbol table knows (as if misspelt), where `self` stands.
const unknown = { file_id: FILE, name: 'y', bstart: at('self'), bend: at('self') + 4 };

const program = defineProgram({
  name: 'scoped-names',
  views: [
    Derive.create({ name: 'symbols', from: 'evidence.symbols', locateIn: 'evidence.scopes' }),
    Normalize.create({ name: 'refs', from: 'evidence.refs', entity: 'ref' }),
    // The innermost scope around the occurrence that knows the name: CPython's verdict on it lives there.
    Relate.create({ name: 'knowing', edge: 'SEES', left: 'norm.refs', right: 'derived.symbols', intent: 'within', on: { role: 'name' }, score: { innermost: 2 }, keep: 'best' }),
    // The innermost function or module around it that binds the name: class bodies are passed over.
    Relate.create({
      name: 'binding',
      edge: 'BOUND_BY',
      left: 'norm.refs',
      right: 'derived.symbols',
      intent: 'within',
      on: { role: 'name' },
      where: { right: [{ column: 'is_local', in: [true] }, { role: 'kind', in: ['function', 'module'] }] },
      score: { innermost: 2 },
      keep: 'best',
    }),
    // Names neither rule explains, with the scope they sit in: `unless` accepts a union of relationships.
    Union.create({ name: 'explained', from: ['rel.knowing', 'rel.binding'] }),
    Relate.create({ name: 'unexplained', edge: 'UNEXPLAINED_IN', left: 'norm.refs', right: 'evidence.scopes', intent: 'within', score: { innermost: 2 }, keep: 'best', unless: { left: 'merged.explained' } }),
    Project.create({ name: 'cpg.edges', rows: [{ from: 'rel.knowing' }, { from: 'rel.binding' }, { from: 'rel.unexplained' }] }),
  ],
});

describe('derive locateIn and a name key under a span intent', () => {
  const manifest = compileProgram(program, registryOf(files, scopes, symbols, refs));
  let db: TestDatabase;

  beforeAll(async () => {
    db = await TestDatabase.open();
    await db.load(files, [{ file_id: FILE, path: 'mod.py', size: Buffer.byteLength(SOURCE) }]);
    await db.load(scopes, scopeRows);
    await db.load(symbols, symbolRows);
    await db.load(refs, [...loads, unknown]);
    await db.install(manifest);
  });
  afterAll(() => db.close());

  it('locates each row where the row its parent identity points at is, taking its span and kind', async () => {
    const view = manifest.views.find((v) => v.name === 'derived.symbols')!;
    const fills = view.decisions.filter((d) => d.value.topic === 'column-fill').map((d) => (d.value.topic === 'column-fill' ? [d.value.column, d.value.fill] : []));
    expect(fills).toEqual([
      ['bstart', { by: 'column', dataset: 'evidence.scopes', column: 'bstart' }],
      ['bend', { by: 'column', dataset: 'evidence.scopes', column: 'bend' }],
      ['scope_type', { by: 'column', dataset: 'evidence.scopes', column: 'scope_type' }],
    ]);
    const rows = await db.rows('SELECT symbol_id, bstart, bend, scope_type FROM derived.symbols ORDER BY symbol_id');
    expect(rows).toHaveLength(symbolRows.length);
    expect(rows.find((r) => r['symbol_id'] === 'g.x')).toEqual({ symbol_id: 'g.x', bstart: BigInt(at('def g')), bend: BigInt(at('return x', 1) + 8), scope_type: 'function' });
  });

  it('joins a name key under within as span containment plus equal names', () => {
    // The two relationships share that join, so the compiler fuses them into one view.
    const join = manifest.views.find((v) => v.name.startsWith('rel.') && v.name.includes('knowing'))!.decisions.find((d) => d.value.topic === 'join')!;
    expect(join.value).toMatchObject({
      strategy: 'span-contains',
      span: 'contains',
      keys: [
        { left: 'file_id', right: 'file_id' },
        { left: 'name', right: 'name' },
      ],
    });
    expect(join.rationale).toContain('narrows that to rows of the same name');
  });

  it('finds the innermost scope knowing a name, the innermost function or module binding it, and what neither explains', async () => {
    const edges = await db.rows(
      `SELECT e.edge_kind, r.bstart, e.dst_node_id FROM cpg.edges e JOIN norm.refs r ON r.ref_id = e.src_node_id ORDER BY e.edge_kind, r.bstart`,
    );
    expect(edges.map((e) => [e['edge_kind'], Number(e['bstart']), e['dst_node_id']])).toEqual([
      ['BOUND_BY', at('return x') + 7, 'top.x'], // in the method: the module's x, never the class's
      ['BOUND_BY', at('return x', 1) + 7, 'f.x'], // in the closure: its function's x
      ['SEES', at('return x') + 7, 'm.x'],
      ['SEES', at('return x', 1) + 7, 'g.x'],
      ['UNEXPLAINED_IN', at('self'), 'm'],
    ]);
  });

  it('refuses locateIn for rows that have a span, or no pointer to the rows holding them', () => {
    const bad = defineProgram({ name: 'bad', views: [Derive.create({ name: 'refs', from: 'evidence.refs', locateIn: 'evidence.scopes' })] });
    expect(() => compileProgram(bad, registryOf(files, scopes, refs))).toThrow(
      /evidence\.refs is located by its own span already; locateIn is for rows without one; evidence\.refs needs exactly one parent-identity column to find its row of evidence\.scopes; it has 0/,
    );
  });
});
