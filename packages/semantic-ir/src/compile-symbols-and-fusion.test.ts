import { stableId } from '@anatomy/contracts';
import { defineDataset } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProgram } from './compile-program.js';
import { Derive } from './derive.js';
import { Diagnostic } from './diagnostic.js';
import { TestDatabase, registryOf } from './duckdb-fixture.test-support.js';
import { Normalize } from './normalize.js';
import { Project } from './project.js';
import { defId, fileId, fileRows, files, locate, refId, tsDefRows, tsDefs, tsRefRows, tsRefs } from './python-fixture.test-support.js';
import { Relate } from './relate.js';
import { SemanticIrError } from './semantic-ir-error.js';
import { defineProgram } from './semantic-program.js';

// A second resolver's answers, as an indexer such as SCIP gives them: the reference at a span leads to the definition starting at def_bstart.
const sites: DatasetSchema = defineDataset({
  name: 'evidence.sites',
  producer: 'indexer',
  version: 1,
  description: 'where a reference leads, by another resolver',
  spanUnit: 'none',
  columns: [
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'file' },
    { name: 'ref_bstart', type: 'int64', nullable: false, role: 'attribute', description: 'start of the reference' },
    { name: 'def_bstart', type: 'int64', nullable: false, role: 'attribute', description: 'start of the definition it leads to' },
  ],
});
const ref = (path: string, name: string): Record<string, unknown> => tsRefRows.find((r) => r['file_id'] === fileId(path) && r['name'] === name)!;
const def = (path: string, name: string, occurrence = 0): Record<string, unknown> => tsDefRows.filter((r) => r['file_id'] === fileId(path) && r['name'] === name)[occurrence]!;
const site = (r: Record<string, unknown>, d: Record<string, unknown>): Record<string, unknown> => ({ file_id: r['file_id'], ref_bstart: r['bstart'], def_bstart: d['bstart'] });
// It agrees on outer and on the second f, and leads inner elsewhere (to outer).
const siteRows = [
  site(ref('pkg/mod.py', 'outer'), def('pkg/mod.py', 'outer')),
  site(ref('pkg/twice.py', 'f'), def('pkg/twice.py', 'f', 1)),
  site(ref('pkg/mod.py', 'inner'), def('pkg/mod.py', 'outer')),
];

const program = defineProgram({
  name: 'symbols-and-fusion',
  views: [
    Normalize.create({ name: 'defs', from: 'evidence.ts_defs', entity: 'def' }),
    Normalize.create({ name: 'refs', from: 'evidence.ts_refs', entity: 'ref' }),
    Derive.create({ name: 'named_defs', from: 'norm.defs', where: [{ role: 'kind', notIn: [null] }], nameFromPath: { strip: ['.py'], separator: '.', append: ['name'] } }),
    Derive.create({ name: 'symbols', from: 'derived.named_defs', entity: 'symbol', per: 'symbol' }),
    Relate.create({ name: 'def_symbol', edge: 'REFERS_TO_SYMBOL', left: 'derived.named_defs', right: 'derived.symbols', intent: 'refers-to' }),
    Relate.create({ name: 'by_name', edge: 'RESOLVES_TO', left: 'norm.refs', right: 'norm.defs', intent: 'refers-to', where: { left: [{ role: 'kind', in: ['load'] }] } }),
    Relate.create({
      name: 'by_index',
      edge: 'RESOLVES_TO',
      left: 'norm.refs',
      right: 'norm.defs',
      intent: 'refers-to',
      through: [{ from: 'evidence.sites', left: { file_id: 'file_id', bstart: 'ref_bstart' }, right: { file_id: 'file_id', def_bstart: 'bstart' } }],
    }),
    Relate.create({ name: 'disagreement', edge: 'DISAGREES_WITH', left: 'rel.by_index', right: 'rel.by_name', intent: 'refers-to', on: { left: 'src_node_id', right: 'src_node_id' } }),
    Diagnostic.create({ name: 'disagreements', from: 'rel.disagreement', code: 'ResolutionDisagreement', severity: 'warning', source: 'fusion', message: 'the resolvers disagree' }),
    Project.create({ name: 'cpg.nodes', rows: [{ from: 'norm.defs', kind: 'DEF' }, { from: 'norm.refs', kind: 'REF' }, { from: 'derived.symbols', kind: 'SYMBOL' }, { from: 'diag.disagreements', kind: 'DIAGNOSTIC' }] }),
    Project.create({ name: 'cpg.edges', rows: [{ from: 'rel.by_name' }, { from: 'rel.by_index' }, { from: 'rel.def_symbol' }] }),
    Project.create({ name: 'cpg.props', rows: [{ from: 'diag.disagreements' }] }),
  ],
});
const registry = registryOf(files, tsDefs, tsRefs, sites);
const manifest = compileProgram(program, registry);

describe('symbols, edge fusion and fusion diagnostics', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await TestDatabase.open();
    await db.load(files, fileRows);
    await db.load(tsDefs, tsDefRows);
    await db.load(tsRefs, tsRefRows);
    await db.load(sites, siteRows);
    await db.install(manifest);
  });
  afterAll(() => db.close());

  it("keeps one located-nowhere row per symbol with per: 'symbol', identified by the symbol alone", async () => {
    const rows = await db.rows("SELECT node_id, name, file_id, path, bstart, origin FROM cpg.nodes WHERE node_kind = 'SYMBOL' ORDER BY name");
    // pkg/twice.py defines f twice: one symbol.
    expect(rows.map((r) => r['name'])).toEqual(['pkg.mod.Greeter', 'pkg.mod.fact', 'pkg.mod.hello', 'pkg.mod.inner', 'pkg.mod.outer', 'pkg.twice.f', 'pkg.ünï.naïve']);
    expect(rows.find((r) => r['name'] === 'pkg.twice.f')).toEqual({ node_id: stableId('symbol', 'pkg.twice.f'), name: 'pkg.twice.f', file_id: null, path: null, bstart: null, origin: 'tree-sitter' });
    const [edges] = await db.rows("SELECT count(*)::INTEGER AS n, count(DISTINCT src_node_id)::INTEGER AS defs FROM cpg.edges WHERE edge_kind = 'REFERS_TO_SYMBOL'");
    expect(edges).toEqual({ n: tsDefRows.length, defs: tsDefRows.length });
    const decision = manifest.views.find((v) => v.name === 'derived.symbols')!.decisions.find((d) => d.value.topic === 'column-fill' && d.value.column === 'symbol_id');
    expect(decision?.rationale).toContain('one row per distinct qualified_name');
  });

  it('fuses the edges two rules find into one: both rules named, every source in the origin, confidence raised', async () => {
    const rows = await db.rows("SELECT src_node_id, dst_node_id, rule, origin, confidence FROM cpg.edges WHERE edge_kind = 'RESOLVES_TO' ORDER BY rule, src_node_id, dst_node_id");
    const byPair = new Map(rows.map((r) => [`${String(r['src_node_id'])}>${String(r['dst_node_id'])}`, r]));
    const outer = byPair.get(`${refId(ref('pkg/mod.py', 'outer'))}>${defId(def('pkg/mod.py', 'outer'))}`)!;
    expect(outer['rule']).toBe('rel.by_index+rel.by_name');
    expect(outer['origin']).toBe('indexer+tree-sitter');
    const alone = (rule: string): number[] => rows.filter((r) => r['rule'] === rule).map((r) => Number(r['confidence']));
    const [byName] = alone('rel.by_name');
    const [byIndex] = alone('rel.by_index');
    expect(Number(outer['confidence'])).toBeCloseTo(1 - (1 - byName!) * (1 - byIndex!), 6);
    expect(Number(outer['confidence'])).toBeGreaterThan(Math.max(byName!, byIndex!));
    // The index alone leads inner to outer; by name, inner leads to inner: both edges stay.
    expect(byPair.get(`${refId(ref('pkg/mod.py', 'inner'))}>${defId(def('pkg/mod.py', 'outer'))}`)?.['rule']).toBe('rel.by_index');
    expect(byPair.get(`${refId(ref('pkg/mod.py', 'inner'))}>${defId(def('pkg/mod.py', 'inner'))}`)?.['rule']).toBe('rel.by_name');
    const [ids] = await db.rows('SELECT count(*) AS n, count(DISTINCT edge_id) AS ids FROM cpg.edges');
    expect(ids!['ids']).toBe(ids!['n']);
    const fusion = manifest.views.find((v) => v.name === 'cpg.edges')!.decisions.find((d) => d.value.topic === 'edge-fusion');
    expect(fusion?.value).toMatchObject({ identity: 'edge_id', rule: 'rule', confidence: 'confidence' });
  });

  it('reports where the resolvers disagree, with the declared source, and not where they agree', async () => {
    const rows = await db.rows("SELECT name, bstart, origin AS source FROM cpg.nodes WHERE node_kind = 'DIAGNOSTIC' ORDER BY bstart");
    const inner = locate('pkg/mod.py', 'inner', 1);
    // twice.f: the index picks one of the two f, by name both: the other one is a disagreement too.
    expect(rows.map((r) => [r['name'], r['source']])).toEqual([
      ['ResolutionDisagreement', 'fusion'],
      ['ResolutionDisagreement', 'fusion'],
    ]);
    expect(rows.map((r) => Number(r['bstart']))).toContain(inner.bstart);
    expect(rows.map((r) => Number(r['bstart']))).not.toContain(locate('pkg/mod.py', 'outer', 1).bstart);
  });

  it('drops a relationship whose bridge is unavailable, and accepts an unavailable dataset that only the program names', () => {
    const withoutIndex = compileProgram(program, registryOf(files, tsDefs, tsRefs), { unavailable: ['evidence.sites'] });
    expect(withoutIndex.views.map((v) => v.name)).not.toContain('rel.by_index');
    expect(withoutIndex.views.map((v) => v.name)).not.toContain('diag.disagreements');
    const dropped = withoutIndex.decisions.find((d) => d.value.topic === 'capability-prune' && d.value.view === 'rel.by_index');
    expect(dropped?.value).toMatchObject({ action: 'drop', missing: ['evidence.sites'], loses: expect.arrayContaining(['cpg.edges: RESOLVES_TO (from rel.by_index)']) });
    // Without the index, no two rules meet in cpg.edges that could find the same RESOLVES_TO edge… but by_name and def_symbol are still two relationships.
    expect(withoutIndex.views.find((v) => v.name === 'cpg.edges')!.sql).toContain('GROUP BY "edge_id"');
    let error: unknown;
    try {
      compileProgram(program, registryOf(files, tsDefs, tsRefs));
    } catch (e) {
      error = e;
    }
    expect(SemanticIrError.is(error, 'InvalidProgram')).toBe(true);
  });
});
