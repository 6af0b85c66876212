import { defineDataset } from '@anatomy/schema-authority';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProgram } from './compile-program.js';
import { TestDatabase, registryOf } from './duckdb-fixture.test-support.js';
import { Project } from './project.js';
import { Relate } from './relate.js';
import { SemanticIrError } from './semantic-ir-error.js';
import { defineProgram } from './semantic-program.js';

const text = (name: string, role: 'entity-identity' | 'parent-identity' | 'file-identity' | 'name' | 'attribute'): { name: string; type: 'utf8'; nullable: boolean; role: typeof role; description: string } => ({
  name,
  type: 'utf8',
  nullable: role === 'parent-identity',
  role,
  description: name,
});
const span = [
  { name: 'bstart', type: 'int64', nullable: false, role: 'span-start', description: 'start' },
  { name: 'bend', type: 'int64', nullable: false, role: 'span-end', description: 'end' },
] as const;

const symbols = defineDataset({
  name: 'evidence.symbols',
  producer: 'test',
  version: 1,
  description: 'symbols of scopes, without positions',
  spanUnit: 'none',
  key: ['symbol_id'],
  columns: [text('symbol_id', 'entity-identity'), text('file_id', 'file-identity'), text('scope_id', 'parent-identity'), text('name', 'name')],
});
const scopes = defineDataset({
  name: 'evidence.scopes',
  producer: 'test',
  version: 1,
  description: 'scopes, located where the block opens',
  spanUnit: 'utf8-bytes',
  key: ['scope_id'],
  columns: [text('scope_id', 'entity-identity'), text('file_id', 'file-identity'), text('parent_scope_id', 'parent-identity'), text('name', 'name'), ...span],
});
const defs = defineDataset({
  name: 'evidence.defs',
  producer: 'test',
  version: 1,
  description: 'definitions',
  spanUnit: 'utf8-bytes',
  key: ['def_id'],
  columns: [text('def_id', 'entity-identity'), text('file_id', 'file-identity'), text('name', 'name'), ...span],
});

const bindsDef = Relate.create({
  name: 'binds_def',
  edge: 'BINDS_DEF',
  left: 'evidence.symbols',
  right: 'evidence.defs',
  intent: 'refers-to',
  through: [{ from: 'evidence.scopes', left: { scope_id: 'parent_scope_id', name: 'name' }, right: { file_id: 'file_id', bstart: 'bstart' } }],
});
// Without right pairs the bridge is a requirement on the left rows, and `on` joins the sides directly.
const opensNamed = Relate.create({
  name: 'opens_named',
  edge: 'OPENS',
  left: 'evidence.defs',
  right: 'evidence.symbols',
  intent: 'refers-to',
  on: { left: 'name', right: 'name' },
  through: [{ from: 'evidence.scopes', left: { file_id: 'file_id', bstart: 'bstart' } }],
});
// `unless`: no edge for a right row that is an endpoint of an edge of another relationship.
const namedF = Relate.create({ name: 'named_f', edge: 'NAMED_F', left: 'evidence.defs', right: 'evidence.symbols', intent: 'refers-to', on: { role: 'name' }, where: { left: [{ role: 'name', in: ['f'] }] } });
// (Also joined on the file, so that it is not fused with binds_def.)
const bindsOthers = Relate.create({ ...bindsDef, name: 'binds_others', on: { left: 'file_id', right: 'file_id' }, unless: { right: 'rel.named_f' } });
// The same on the left side, whose rows are the other endpoint (dst) of named_f's edges; another edge kind, so no fusion.
const bindsUnnamed = Relate.create({ ...bindsDef, name: 'binds_unnamed', edge: 'BINDS_UNNAMED', on: { left: 'name', right: 'name' }, unless: { left: 'rel.named_f' } });
// Two bridges: a definition's own scope, then that scope's parent, which declares the definition's name.
const boundIn = Relate.create({
  name: 'bound_in',
  edge: 'BOUND_IN',
  left: 'evidence.defs',
  right: 'evidence.symbols',
  intent: 'refers-to',
  on: { left: 'name', right: 'name' },
  through: [
    { from: 'evidence.scopes', left: { file_id: 'file_id', bstart: 'bstart' } },
    { from: 'evidence.scopes', left: { parent_scope_id: 'scope_id' }, right: { scope_id: 'scope_id' } },
  ],
});
const program = defineProgram({
  name: 'bridge',
  views: [
    bindsDef,
    opensNamed,
    namedF,
    bindsOthers,
    bindsUnnamed,
    boundIn,
    Project.create({ name: 'cpg.edges', rows: ['binds_def', 'opens_named', 'binds_others', 'binds_unnamed', 'bound_in'].map((r) => ({ from: `rel.${r}` })) }),
  ],
});

describe('relate through a bridge dataset', () => {
  const manifest = compileProgram(program, registryOf(symbols, scopes, defs));
  let db: TestDatabase;
  beforeAll(async () => {
    db = await TestDatabase.open();
    await db.load(symbols, [
      { symbol_id: 'm.f', file_id: 'a', scope_id: 'm', name: 'f' },
      { symbol_id: 'm.g', file_id: 'a', scope_id: 'm', name: 'g' },
      { symbol_id: 'f.x', file_id: 'a', scope_id: 'f', name: 'x' },
      { symbol_id: 'm.h', file_id: 'a', scope_id: 'm', name: 'h' },
    ]);
    await db.load(scopes, [
      { scope_id: 'm', file_id: 'a', parent_scope_id: null, name: 'top', bstart: 0, bend: 100 },
      { scope_id: 'f', file_id: 'a', parent_scope_id: 'm', name: 'f', bstart: 10, bend: 50 },
      // A second block opening at the same place with the same parent and name (an annotation scope, say).
      { scope_id: 'f-params', file_id: 'a', parent_scope_id: 'm', name: 'f', bstart: 10, bend: 50 },
      { scope_id: 'h', file_id: 'a', parent_scope_id: 'm', name: 'h', bstart: 92, bend: 99 },
    ]);
    await db.load(defs, [
      { def_id: 'd:f', file_id: 'a', name: 'f', bstart: 10, bend: 50 },
      { def_id: 'd:g', file_id: 'a', name: 'g', bstart: 60, bend: 90 },
      { def_id: 'd:elsewhere', file_id: 'b', name: 'f', bstart: 10, bend: 50 },
      { def_id: 'd:h', file_id: 'a', name: 'h', bstart: 92, bend: 99 },
    ]);
    await db.install(manifest);
  });
  afterAll(() => db.close());

  it('relates left and right rows that one bridge row meets on both sides, once per pair', async () => {
    expect(await db.rows('SELECT src_node_id, dst_node_id, edge_kind FROM rel.binds_def ORDER BY 1')).toEqual([
      { src_node_id: 'm.f', dst_node_id: 'd:f', edge_kind: 'BINDS_DEF' },
      { src_node_id: 'm.h', dst_node_id: 'd:h', edge_kind: 'BINDS_DEF' },
    ]);
  });

  it('requires a bridge row for each left row when the sides are joined directly', async () => {
    expect(await db.rows('SELECT src_node_id, dst_node_id FROM rel.opens_named ORDER BY 1')).toEqual([
      { src_node_id: 'd:f', dst_node_id: 'm.f' },
      { src_node_id: 'd:h', dst_node_id: 'm.h' },
    ]);
  });

  it('drops the edges of rows that are endpoints of a disqualifying relationship (unless)', async () => {
    expect(await db.rows('SELECT src_node_id, dst_node_id FROM rel.named_f ORDER BY 1')).toEqual([{ src_node_id: 'd:f', dst_node_id: 'm.f' }]);
    expect(await db.rows('SELECT src_node_id, dst_node_id FROM rel.binds_others')).toEqual([{ src_node_id: 'm.h', dst_node_id: 'd:h' }]);
    expect(await db.rows('SELECT src_node_id, dst_node_id FROM rel.binds_unnamed')).toEqual([{ src_node_id: 'm.h', dst_node_id: 'd:h' }]);
    const bad = defineProgram({
      name: 'bad-unless',
      views: [Relate.create({ ...bindsDef, unless: { left: 'evidence.scopes' } }), Project.create({ name: 'cpg.edges', rows: [{ from: 'rel.binds_def' }] })],
    });
    expect(() => compileProgram(bad, registryOf(symbols, scopes, defs))).toThrow(/evidence.scopes is neither a relate view nor a union of them/);
  });

  it('plans the unless filter as hash anti-joins, never comparing every candidate with every edge', async () => {
    for (const view of ['rel.binds_others', 'rel.binds_unnamed']) {
      const plan = (await db.rows(`EXPLAIN SELECT * FROM ${view}`)).map((r) => String(r['explain_value'])).join('\n');
      expect(plan).toContain('ANTI');
      expect(plan).not.toMatch(/NESTED_LOOP_JOIN|BLOCKWISE_NL_JOIN|CROSS_PRODUCT/);
    }
  });

  it('joins through several bridges in order, each on pairs from the one before', async () => {
    expect(await db.rows('SELECT src_node_id, dst_node_id FROM rel.bound_in ORDER BY 1')).toEqual([
      { src_node_id: 'd:f', dst_node_id: 'm.f' },
      { src_node_id: 'd:h', dst_node_id: 'm.h' },
    ]);
    const sql = manifest.views.find((v) => v.name === 'rel.bound_in')!.sql;
    expect(sql).toContain('JOIN "evidence"."scopes" AS "b1"\n    ON "b"."parent_scope_id" = "b1"."scope_id"');
    const bad = defineProgram({
      name: 'bad-chain',
      views: [
        Relate.create({ ...boundIn, through: [{ from: 'evidence.scopes', left: { file_id: 'file_id' } }, { from: 'evidence.scopes', left: { nope: 'scope_id' } }] }),
        Project.create({ name: 'cpg.edges', rows: [{ from: 'rel.bound_in' }] }),
      ],
    });
    expect(() => compileProgram(bad, registryOf(symbols, scopes, defs))).toThrow(/evidence.scopes has no column nope \(through.\[1\].left\)/);
    expect(() => Relate.create({ ...bindsDef, through: [{ from: 'evidence.scopes', left: { scope_id: 'scope_id' }, right: { name: 'name' } }, ...(bindsDef.through ?? [])] })).toThrow(
      /only the last bridge joins the right rows/,
    );
  });

  it('records a bridge join Decision naming both equalities', () => {
    const view = manifest.views.find((v) => v.name === 'rel.binds_def')!;
    const join = view.decisions.find((d) => d.value.topic === 'join')!;
    expect(join.value).toMatchObject({ strategy: 'bridge', left: 'evidence.symbols', right: 'evidence.defs' });
    expect(join.rationale).toContain('evidence.symbols.name = evidence.scopes.name and evidence.symbols.scope_id = evidence.scopes.parent_scope_id');
    expect(view.sql).toContain('JOIN "evidence"."scopes" AS "b"');
  });

  it('rejects a bridge whose columns are missing, and a bridge with no way to the right rows', () => {
    const bad = defineProgram({
      name: 'bad',
      views: [
        Relate.create({ ...bindsDef, through: [{ from: 'evidence.scopes', left: { nope: 'name' }, right: { file_id: 'missing' } }] }),
        Project.create({ name: 'cpg.edges', rows: [{ from: 'rel.binds_def' }] }),
      ],
    });
    expect(() => compileProgram(bad, registryOf(symbols, scopes, defs))).toThrow(/no column nope \(through.left\).*no column missing \(through.right\)/);
    const nowhere = { ...bindsDef, through: [{ from: 'evidence.scopes', left: { scope_id: 'scope_id' } }] };
    expect(() => Relate.create(nowhere)).toThrow(/a bridge joins the right rows by its right pairs, or by on naming both columns/);
    expect(() => Relate.create({ ...nowhere, on: { role: 'name' } })).toThrow(/a bridge joins the right rows/);
    try {
      Relate.create(nowhere);
    } catch (error) {
      expect(SemanticIrError.is(error, 'InvalidView')).toBe(true);
    }
  });
});

describe('relate through a relationship that keeps one edge per row', () => {
  const refs = defineDataset({
    name: 'evidence.refs',
    producer: 'test',
    version: 1,
    description: 'names read, where they are read',
    spanUnit: 'utf8-bytes',
    key: ['ref_id'],
    columns: [text('ref_id', 'entity-identity'), text('file_id', 'file-identity'), text('name', 'name'), ...span],
  });
  // Each read in its innermost scope: one edge per read, from the scope (src right), so the read's id is dst_node_id.
  const refScope = Relate.create({ name: 'ref_scope', edge: 'IN_SCOPE', left: 'evidence.refs', right: 'evidence.scopes', intent: 'within', score: { innermost: 2 }, keep: 'best', src: 'right' });
  // The symbol of that scope with the read's name: through the ranked relationship, met on the read's id.
  const refLocal = Relate.create({
    name: 'ref_local',
    edge: 'BOUND_BY',
    left: 'evidence.refs',
    right: 'evidence.symbols',
    intent: 'refers-to',
    on: { left: 'name', right: 'name' },
    through: [{ from: 'rel.ref_scope', left: { ref_id: 'dst_node_id' }, right: { src_node_id: 'scope_id' } }],
  });
  // The same bridge met on the scope's side, which many reads share: no longer one bridge row per read.
  const sameScope = Relate.create({
    name: 'same_scope',
    edge: 'SAME_SCOPE',
    left: 'evidence.scopes',
    right: 'evidence.refs',
    intent: 'refers-to',
    on: { left: 'name', right: 'name' },
    through: [{ from: 'rel.ref_scope', left: { scope_id: 'src_node_id' }, right: { dst_node_id: 'ref_id' } }],
  });
  const ranked = defineProgram({
    name: 'ranked-bridge',
    views: [refScope, refLocal, sameScope, Project.create({ name: 'cpg.edges', rows: ['ref_scope', 'ref_local', 'same_scope'].map((r) => ({ from: `rel.${r}` })) })],
  });
  const manifest = compileProgram(ranked, registryOf(symbols, scopes, defs, refs));
  let db: TestDatabase;
  beforeAll(async () => {
    db = await TestDatabase.open();
    await db.load(symbols, [
      { symbol_id: 'm.f', file_id: 'a', scope_id: 'm', name: 'f' },
      { symbol_id: 'm.x', file_id: 'a', scope_id: 'm', name: 'x' },
      { symbol_id: 'f.x', file_id: 'a', scope_id: 'f', name: 'x' },
      { symbol_id: 'h.y', file_id: 'a', scope_id: 'h', name: 'y' },
    ]);
    await db.load(scopes, [
      { scope_id: 'm', file_id: 'a', parent_scope_id: null, name: 'top', bstart: 0, bend: 100 },
      { scope_id: 'f', file_id: 'a', parent_scope_id: 'm', name: 'f', bstart: 10, bend: 50 },
      { scope_id: 'h', file_id: 'a', parent_scope_id: 'm', name: 'h', bstart: 92, bend: 99 },
    ]);
    await db.load(refs, [
      { ref_id: 'r:x-in-f', file_id: 'a', name: 'x', bstart: 20, bend: 21 },
      { ref_id: 'r:x-in-m', file_id: 'a', name: 'x', bstart: 60, bend: 61 },
      // In h, which binds no x: the x of the enclosing module is not this relationship's (its bridge keeps h alone).
      { ref_id: 'r:x-in-h', file_id: 'a', name: 'x', bstart: 95, bend: 96 },
      { ref_id: 'r:f-in-m', file_id: 'a', name: 'f', bstart: 5, bend: 6 },
      { ref_id: 'r:h-in-h', file_id: 'a', name: 'h', bstart: 93, bend: 94 },
    ]);
    await db.install(manifest);
  });
  afterAll(() => db.close());

  it('joins the left rows to the bridge first, in a materialized path, and records why', async () => {
    const view = manifest.views.find((v) => v.name === 'rel.ref_local')!;
    expect(view.sql).toContain('"path" AS MATERIALIZED (');
    expect(view.sql).toContain('FROM "path" AS "l"\n  JOIN "evidence"."symbols" AS "r"\n    ON "l"."anatomy_bridge0_src_node_id" = "r"."scope_id"');
    const order = view.decisions.find((d) => d.value.topic === 'join-order');
    expect(order?.value).toEqual({ topic: 'join-order', rule: 'rel.ref_local', first: ['rel.ref_scope'] });
    expect(order?.evidence.map((e) => e.detail)).toEqual(['rel.ref_scope keeps its best edge per left row, whose id is its dst_node_id, the column the join meets it on']);
    expect(await db.rows('SELECT src_node_id, dst_node_id FROM rel.ref_local ORDER BY 1')).toEqual([
      { src_node_id: 'r:f-in-m', dst_node_id: 'm.f' },
      { src_node_id: 'r:x-in-f', dst_node_id: 'f.x' },
      { src_node_id: 'r:x-in-m', dst_node_id: 'm.x' },
    ]);
  });

  it('keeps the joins in one query when a left row may meet several bridge rows', async () => {
    const view = manifest.views.find((v) => v.name === 'rel.same_scope')!;
    expect(view.sql).not.toContain('"path"');
    expect(view.sql).toContain('JOIN "rel"."ref_scope" AS "b"\n    ON "l"."scope_id" = "b"."src_node_id"');
    expect(view.decisions.some((d) => d.value.topic === 'join-order')).toBe(false);
    expect(await db.rows('SELECT src_node_id, dst_node_id FROM rel.same_scope ORDER BY 1')).toEqual([{ src_node_id: 'h', dst_node_id: 'r:h-in-h' }]);
    // Bridges that are no ranked relationship are left as they were (binds_def goes through evidence.scopes).
    const plain = compileProgram(program, registryOf(symbols, scopes, defs));
    for (const v of plain.views) expect(v.sql).not.toContain('"path" AS MATERIALIZED');
  });
});
