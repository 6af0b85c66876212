import { stableId } from '@anatomy/contracts';
import { defineDataset } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProgram } from './compile-program.js';
import { Derive } from './derive.js';
import { TestDatabase, registryOf } from './duckdb-fixture.test-support.js';
import { Normalize } from './normalize.js';
import { Project } from './project.js';
import {
  defId,
  fileId,
  fileRows,
  files,
  lineIndex,
  lineIndexRows,
  locate,
  pyScopeRows,
  pyScopes,
  refId,
  tsDefRows,
  tsDefs,
  tsRefRows,
  tsRefs,
} from './python-fixture.test-support.js';
import { Relate } from './relate.js';
import { SemanticIrError } from './semantic-ir-error.js';
import { defineProgram } from './semantic-program.js';
import type { SemanticProgram } from './semantic-program.js';
import type { SemanticProgramManifest } from './semantic-program-manifest.js';
import { Union } from './union.js';
import type { ViewDecl } from './view-decl.js';

const moduleId = (path: string): string => stableId('module', fileId(path));
const edgeId = (kind: string, src: string, dst: string): string => stableId('edge', kind, src, dst);

/** Readable labels for ids: `def outer`, `module pkg/mod.py`, `ref fact@…`. */
const labels = new Map<string, string>([
  ...tsDefRows.map((r): [string, string] => [defId(r), `def ${String(r['name'])}${r['name'] === 'f' ? `@${String(r['bstart'])}` : ''}`]),
  ...fileRows.map((f): [string, string] => [moduleId(f.path), `module ${f.path}`]),
  ...tsRefRows.map((r): [string, string] => [refId(r), `ref ${String(r['name'])}@${String(r['line'])}`]),
]);
const label = (id: unknown): string => labels.get(String(id)) ?? String(id);

const base: readonly ViewDecl[] = [
  Normalize.create({ name: 'defs', from: 'evidence.ts_defs', entity: 'def' }),
  Normalize.create({ name: 'refs', from: 'evidence.ts_refs', entity: 'ref' }),
  Derive.create({ name: 'modules', from: 'evidence.files', entity: 'module' }),
  Union.create({ name: 'scopes', from: ['derived.modules', 'norm.defs'] }),
];
const defParent = Relate.create({
  name: 'def_parent',
  edge: 'CONTAINS',
  left: 'norm.defs',
  right: 'merged.scopes',
  intent: 'within',
  score: { innermost: 2 },
  keep: 'best',
  src: 'right',
});

function program(name: string, ...views: ViewDecl[]): SemanticProgram {
  const edges = views.filter((v) => v.kind === 'relate').map((v) => ({ from: `rel.${v.name}` }));
  return defineProgram({ name, views: [...base, ...views, Project.create({ name: 'cpg.edges', rows: edges })] });
}

const occurrences: DatasetSchema = defineDataset({
  name: 'evidence.occurrences',
  producer: 'scip',
  version: 1,
  description: 'symbol occurrences',
  spanUnit: 'utf8-bytes',
  key: ['occurrence_id'],
  columns: [
    { name: 'occurrence_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'id' },
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'file' },
    { name: 'symbol', type: 'utf8', nullable: false, role: 'symbol-identity', description: 'SCIP symbol' },
    { name: 'is_definition', type: 'bool', nullable: false, role: 'attribute', description: 'a definition' },
    { name: 'bstart', type: 'int64', nullable: false, role: 'span-start', description: 'start' },
    { name: 'bend', type: 'int64', nullable: false, role: 'span-end', description: 'end' },
  ],
});
const occurrenceRows = [
  { occurrence_id: 'o:def-outer', file_id: fileId('pkg/mod.py'), symbol: 'pkg.mod/outer().', is_definition: true, ...locate('pkg/mod.py', 'outer', 0) },
  { occurrence_id: 'o:use-outer', file_id: fileId('pkg/mod.py'), symbol: 'pkg.mod/outer().', is_definition: false, ...locate('pkg/mod.py', 'outer', 1) },
  { occurrence_id: 'o:use-outer-u', file_id: fileId('pkg/ünï.py'), symbol: 'pkg.mod/outer().', is_definition: false, ...locate('pkg/ünï.py', 'outer', 0) },
  // A wider occurrence overlapping the reference `fact` without matching its span.
  { occurrence_id: 'o:call-fact', file_id: fileId('pkg/mod.py'), symbol: 'pkg.mod/fact().', is_definition: false, ...locate('pkg/mod.py', 'fact(n - 1)', 0) },
  { occurrence_id: 'o:use-fact', file_id: fileId('pkg/mod.py'), symbol: 'pkg.mod/fact().', is_definition: false, ...locate('pkg/mod.py', 'fact', 1) },
];

async function databaseFor(manifest: SemanticProgramManifest): Promise<TestDatabase> {
  const db = await TestDatabase.open();
  await db.load(files, fileRows);
  await db.load(lineIndex, lineIndexRows);
  await db.load(tsDefs, tsDefRows);
  await db.load(tsRefs, tsRefRows);
  await db.load(pyScopes, pyScopeRows);
  await db.load(occurrences, occurrenceRows);
  await db.install(manifest);
  return db;
}

const registry = registryOf(files, lineIndex, tsDefs, tsRefs, pyScopes, occurrences);

describe('span-contains: the innermost enclosing scope', () => {
  const manifest = compileProgram(program('contains', defParent), registry);
  const view = manifest.views.find((v) => v.name === 'rel.def_parent')!;
  let db: TestDatabase;
  beforeAll(async () => {
    db = await databaseFor(manifest);
  });
  afterAll(() => db.close());

  it('joins on file identity and span containment (the span-contains macro inlined), and ranks per left identity with row_number', () => {
    expect(view.sql).toContain(
      'FROM "norm"."defs" AS "l"\n  JOIN "merged"."scopes" AS "r"\n    ON "l"."file_id" = "r"."file_id"\n    AND ("r"."bstart" <= "l"."bstart" AND "l"."bend" <= "r"."bend")',
    );
    // Views call no semantic macro, so they run on connections where only the store's stable-id macro exists.
    expect(view.sql).not.toMatch(/anatomy_(span|confidence|merge)/);
    // Only the innermost candidate is kept, and it has the smallest span: its confidence is the prior plus the feature's
    // weight, with no window over each left row's candidates.
    expect(view.sql).not.toContain(' OVER (PARTITION BY "l_id")');
    expect(view.sql).toContain('round(CAST((\n      3\n    ) AS DOUBLE)');
    // Its one confidence leaves the sort with the span length and the id; its one rule leaves the partition with the left id.
    expect(view.sql).toContain('QUALIFY row_number() OVER (PARTITION BY "l_id" ORDER BY "r_length" ASC NULLS LAST, "r_id" ASC NULLS LAST) = 1');
    expect(view.sql).toMatch(/FROM "ranked"$/);
  });

  it('ranks rows without copies of their ids: the edge ends are read from l_id and r_id after the ranking', () => {
    // A ranking carries each candidate row whole through its sort: copies would only widen it.
    // (Which pairs come out is the next tests' business: the innermost pairs and their stable ids.)
    expect(view.sql).not.toMatch(/AS "(src|dst)"/);
    // The enclosing scope (the right side) is each edge's source.
    expect(view.sql).toContain('"r_id" AS "src_node_id",\n  "l_id" AS "dst_node_id"');
    expect(view.sql).toContain('CAST("r_id" AS VARCHAR), CAST("l_id" AS VARCHAR)');
  });

  it('ranks only what varies: the rule, edge kind, one confidence and literal origins of its one member are written after the ranking', () => {
    const member = view.sql.slice(view.sql.indexOf('"rule_0" AS ('), view.sql.indexOf('"ranked" AS ('));
    expect(member).not.toMatch(/AS "(edge_kind|rule|confidence)"/);
    // The left side's origin is the literal its producer gives; the right side's is a column of the union.
    expect(member).not.toContain('"l_origin"');
    expect(member).toContain('"r_origin"');
    const final = view.sql.slice(view.sql.lastIndexOf('\nSELECT\n'));
    expect(final).toContain(`'CONTAINS' AS "edge_kind"`);
    expect(final).toContain(`'rel.def_parent' AS "rule"`);
    expect(final).toContain("anatomy_stable_id('edge', CAST('CONTAINS' AS VARCHAR), ");
    expect(final).toMatch(/\n {2}round\(CAST\(\(\s+3\s+\) AS DOUBLE\)[^"]*AS "confidence"\nFROM "ranked"$/);
    expect(final).toContain(`list_filter(['tree-sitter', "r_origin"]`);
    // Rows whose right origin is the left one's (or none) take it without the list lambdas.
    expect(final).toContain(`CASE WHEN "r_origin" IS NULL OR "r_origin" = 'tree-sitter' THEN 'tree-sitter' ELSE`);
    // A confidence that varies from row to row is ranked by, so it is computed before the ranking.
    const varied = compileProgram(program('varied', Relate.create({ ...defParent, name: 'def_parent_named', score: { innermost: 2, 'same-name': 1 } })), registry);
    const sql = varied.views.find((v) => v.name === 'rel.def_parent_named')?.sql ?? '';
    expect(sql.slice(sql.indexOf('"rule_0" AS ('), sql.indexOf('"ranked" AS ('))).toContain('AS "confidence"');
    expect(sql.slice(sql.lastIndexOf('\nSELECT\n'))).toMatch(/\n {2}"confidence"\nFROM "ranked"$/);
  });

  it('keeps the best row by confidence, span length and id as separate keys, which DuckDB sorts', async () => {
    const plan = await db.rows(`EXPLAIN ${view.sql}`);
    const text = plan.map((r) => String(r['explain_value'])).join('\n');
    // A window, which sorts and spills, not an aggregate keeping each best row whole (which DuckDB cannot spill).
    expect(text).toMatch(/WINDOW/);
    expect(text).toMatch(/row_number/i);
    // A view whose confidence varies, as a second feature makes it, keeps the confidence first.
    const varied = compileProgram(program('varied', Relate.create({ ...defParent, name: 'def_parent_named', score: { innermost: 2, 'same-name': 1 } })), registry);
    expect(varied.views.find((v) => v.name === 'rel.def_parent_named')?.sql).toContain(
      'QUALIFY row_number() OVER (PARTITION BY "l_id" ORDER BY "confidence" DESC NULLS LAST, "r_length" ASC NULLS LAST, "r_id" ASC NULLS LAST) = 1',
    );
  });

  it('records the join, confidence and ranking as decisions', () => {
    const byTopic = (topic: string) => view.decisions.filter((d) => d.value.topic === topic).map((d) => d.value);
    expect(byTopic('join')).toEqual([
      { topic: 'join', left: 'norm.defs', right: 'merged.scopes', strategy: 'span-contains', keys: [{ left: 'file_id', right: 'file_id' }], span: 'contains' },
    ]);
    expect(byTopic('confidence')).toEqual([
      { topic: 'confidence', rule: 'rel.def_parent', prior: 1, features: [{ feature: 'innermost', weight: 2 }], formula: expect.stringContaining('score / (1 + score)') },
    ]);
    expect(byTopic('ranking')).toEqual([
      { topic: 'ranking', rule: 'rel.def_parent', partition: 'norm.defs.def_id', order: ['confidence DESC', 'right span length ASC', 'right id ASC'], keep: 'best' },
    ]);
  });

  it('picks the innermost enclosing definition, or the module at top level', async () => {
    const rows = await db.rows('SELECT src_node_id, dst_node_id FROM rel.def_parent');
    const pairs = rows.map((r) => `${label(r['src_node_id'])} -> ${label(r['dst_node_id'])}`).sort();
    const f = tsDefRows.filter((r) => r['name'] === 'f').map((r) => `def f@${String(r['bstart'])}`);
    expect(pairs).toEqual(
      [
        'module pkg/mod.py -> def outer',
        'def outer -> def inner',
        'module pkg/mod.py -> def Greeter',
        'def Greeter -> def hello',
        'module pkg/mod.py -> def fact',
        ...f.map((d) => `module pkg/twice.py -> ${d}`),
        'module pkg/ünï.py -> def naïve',
      ].sort(),
    );
  });

  it('projects the edges onto cpg.edges with stable ids, the path of the evidence and its sources', async () => {
    const inner = tsDefRows.find((r) => r['name'] === 'inner')!;
    const outer = tsDefRows.find((r) => r['name'] === 'outer')!;
    const rows = await db.rows(`SELECT * FROM cpg.edges WHERE dst_node_id = '${defId(inner)}' OR dst_node_id = '${defId(outer)}' ORDER BY bstart`);
    expect(rows).toEqual([
      {
        edge_id: edgeId('CONTAINS', moduleId('pkg/mod.py'), defId(outer)),
        edge_kind: 'CONTAINS',
        src_node_id: moduleId('pkg/mod.py'),
        dst_node_id: defId(outer),
        file_id: fileId('pkg/mod.py'),
        path: 'pkg/mod.py',
        bstart: BigInt(outer['bstart'] as number),
        bend: BigInt(outer['bend'] as number),
        origin: 'repo-scan+tree-sitter',
        rule: 'rel.def_parent',
        confidence: 0.75,
      },
      {
        edge_id: edgeId('CONTAINS', defId(outer), defId(inner)),
        edge_kind: 'CONTAINS',
        src_node_id: defId(outer),
        dst_node_id: defId(inner),
        file_id: fileId('pkg/mod.py'),
        path: 'pkg/mod.py',
        bstart: BigInt(inner['bstart'] as number),
        bend: BigInt(inner['bend'] as number),
        origin: 'tree-sitter',
        rule: 'rel.def_parent',
        confidence: 0.75,
      },
    ]);
  });
});

describe('self pairs', () => {
  // Refs within definitions: ref ids and def ids are in different namespaces, so no ref is a def.
  const refIn = Relate.create({ name: 'ref_in', edge: 'IN_DEF', left: 'norm.refs', right: 'norm.defs', intent: 'within', score: { innermost: 2 }, keep: 'best' });
  // Occurrences on definitions: a registered dataset's ids may be in any namespace.
  const occurrenceOf = Relate.create({ name: 'occurrence_of', edge: 'OCCURS_ON', left: 'evidence.occurrences', right: 'norm.defs', intent: 'within', score: { innermost: 2 }, keep: 'best' });
  const manifest = compileProgram(program('self-pairs', defParent, refIn, occurrenceOf), registry);
  const sql = (name: string): string => manifest.views.find((v) => v.name === name)?.sql ?? '';

  it('leaves an entity out of its own pairs only where both sides can hold the same ids', async () => {
    // A definition lies within its own span: merged.scopes holds the defs' ids too.
    expect(sql('rel.def_parent')).toContain('WHERE "l"."def_id" <> "r"."entity_id"');
    expect(sql('rel.occurrence_of')).toContain('WHERE "l"."occurrence_id" <> "r"."def_id"');
    // Without the inequality, DuckDB cannot take it for a join condition between the sides.
    expect(sql('rel.ref_in')).not.toContain('<>');
    expect(sql('rel.ref_in')).toMatch(/JOIN "norm"."defs" AS "r"\n {4}ON [^\n]*\n {4}AND \([^\n]*\)\n\),/);
    const db = await databaseFor(manifest);
    try {
      const parents = await db.rows('SELECT count(*) AS n, count(*) FILTER (WHERE src_node_id = dst_node_id) AS own FROM rel.def_parent');
      expect(parents).toEqual([{ n: expect.anything(), own: 0n }]);
      expect(Number(parents[0]?.['n'])).toBeGreaterThan(0);
      const refs = await db.rows('SELECT count(*) AS n FROM rel.ref_in');
      expect(Number(refs[0]?.['n'])).toBeGreaterThan(0);
      // Both sides' origins are literals: merged once by the compiler, as DuckDB would merge them for each row.
      expect(sql('rel.ref_in')).toContain(`'tree-sitter' AS "origin"`);
      expect(sql('rel.ref_in')).not.toContain('list_sort');
      // Where a side's origin is a column, the origins are merged for the rows kept: in the final SELECT, not per candidate.
      const parent = sql('rel.def_parent');
      expect(parent.slice(parent.lastIndexOf('\nSELECT'))).toContain('list_sort');
      expect(parent.slice(0, parent.lastIndexOf('\nSELECT'))).not.toContain('list_sort');
      expect(await db.rows('SELECT DISTINCT origin FROM rel.ref_in')).toEqual([{ origin: 'tree-sitter' }]);
    } finally {
      db.close();
    }
  });
});

describe('confidence discriminates', () => {
  const allEnclosing = Relate.create({
    name: 'enclosing',
    edge: 'ENCLOSED_BY',
    left: 'norm.defs',
    right: 'merged.scopes',
    intent: 'within',
    score: { innermost: 2 },
  });
  const resolves = (name: string, agree?: Record<string, number>): ViewDecl =>
    Relate.create({
      name,
      edge: 'RESOLVES_TO',
      left: 'norm.refs',
      right: 'norm.defs',
      intent: 'refers-to',
      where: { left: [{ role: 'kind', in: ['load'] }] },
      keep: 'best',
      ...(agree === undefined ? {} : { agree }),
    });
  const refScope = Relate.create({ name: 'ref_scope', edge: 'IN_SCOPE', left: 'norm.refs', right: 'norm.defs', intent: 'within', score: { innermost: 1 }, keep: 'best' });
  const manifest = compileProgram(program('confidence', allEnclosing, refScope, resolves('resolves', { 'rel.ref_scope': 2 })), registry);
  let db: TestDatabase;
  beforeAll(async () => {
    db = await databaseFor(manifest);
  });
  afterAll(() => db.close());

  it('gives the innermost candidate a higher confidence than outer ones', async () => {
    const inner = tsDefRows.find((r) => r['name'] === 'inner')!;
    // Edges run from the left row by default: from the definition to each scope enclosing it.
    const rows = await db.rows(`SELECT dst_node_id, confidence FROM rel.enclosing WHERE src_node_id = '${defId(inner)}' ORDER BY confidence DESC`);
    expect(rows.map((r) => [label(r['dst_node_id']), r['confidence']])).toEqual([
      ['def outer', 0.75],
      ['module pkg/mod.py', 0.5],
    ]);
    // Keeping every candidate, each needs its own left row's smallest span.
    expect(manifest.views.find((v) => v.name === 'rel.enclosing')?.sql).toContain('CASE WHEN "r_end" - "r_start" = min("r_end" - "r_start") OVER (PARTITION BY "l_id") THEN 2 ELSE 0 END');
  });

  it('matches names within the file, and raises confidence where a second relationship agrees', async () => {
    const view = manifest.views.find((v) => v.name === 'rel.resolves')!;
    expect(view.decisions.find((d) => d.value.topic === 'join')!.value).toMatchObject({
      strategy: 'symbol-match',
      keys: [
        { left: 'file_id', right: 'file_id' },
        { left: 'name', right: 'name' },
      ],
    });
    const rows = await db.rows('SELECT src_node_id, dst_node_id, confidence FROM rel.resolves');
    const got = rows.map((r) => [label(r['src_node_id']), label(r['dst_node_id']), r['confidence']]).sort();
    const f = tsDefRows.filter((r) => r['name'] === 'f').map(defId).sort()[0]!;
    expect(got).toEqual(
      [
        // `fact` calls itself: the reference lies within the definition it names, and ref_scope says so too.
        ['ref fact@14', 'def fact', 0.75],
        ['ref inner@6', 'def inner', 0.5],
        ['ref outer@11', 'def outer', 0.5],
        ['ref f@5', label(f), 0.5],
        // `outer` in ünï.py has no definition in its own file, `os` none anywhere, `y` is a parameter: no edges.
      ].sort(),
    );
    expect(view.sql).toContain(
      'CASE WHEN EXISTS (SELECT 1 FROM "rel"."ref_scope" AS "agreeing" WHERE "agreeing"."src_node_id" = "l_id" AND "agreeing"."dst_node_id" = "r_id") THEN 2 ELSE 0 END',
    );
  });

  it('breaks ties by the smallest right id, whatever the order rows arrive in', async () => {
    // Two definitions of `f` with spans of equal length and no feature to prefer either.
    const twice = tsDefRows.filter((r) => r['name'] === 'f').map(defId);
    const pick = await db.rows(`SELECT dst_node_id FROM rel.resolves WHERE src_node_id = '${refId(tsRefRows.find((r) => r['name'] === 'f')!)}'`);
    expect(pick).toEqual([{ dst_node_id: [...twice].sort()[0] }]);
    const reversed = await TestDatabase.open();
    try {
      await reversed.load(files, [...fileRows].reverse());
      await reversed.load(tsDefs, [...tsDefRows].reverse());
      await reversed.load(tsRefs, [...tsRefRows].reverse());
      await reversed.install(manifest);
      expect(await reversed.rows(`SELECT * FROM rel.resolves ORDER BY edge_id`)).toEqual(await db.rows(`SELECT * FROM rel.resolves ORDER BY edge_id`));
    } finally {
      reversed.close();
    }
  });

  it('prefers the candidate that starts first with earliest, the one that starts last with latest', async () => {
    const pick = (name: string, feature: 'earliest' | 'latest'): ViewDecl =>
      Relate.create({ name, edge: 'RESOLVES_TO', left: 'norm.refs', right: 'norm.defs', intent: 'refers-to', where: { left: [{ role: 'kind', in: ['load'] }] }, score: { [feature]: 1 }, keep: 'best' });
    // Alone, the two keep the first row by start; beside a member keeping every candidate, the rank is a column.
    const all = Relate.create({ name: 'pick_any', edge: 'RESOLVES_TO', left: 'norm.refs', right: 'norm.defs', intent: 'refers-to', where: { left: [{ role: 'kind', in: ['load'] }] } });
    for (const [views, name] of [
      [[pick('pick_first', 'earliest'), pick('pick_last', 'latest')], 'rel.pick_first__pick_last'],
      [[pick('pick_first', 'earliest'), pick('pick_last', 'latest'), all], 'rel.pick_any__pick_first__pick_last'],
    ] as const) {
      const compiled = compileProgram(program('ordered', ...views), registry);
      const ordered = await databaseFor(compiled);
      try {
        // No window finds each left row's first or last start: the ranking orders by the start after the confidence.
        const sql = compiled.views.find((v) => v.name === name)!.sql;
        expect(sql).not.toContain(' OVER (PARTITION BY "l_id")');
        expect(sql).toContain('ORDER BY "confidence" DESC NULLS LAST, "rank_start" ASC NULLS LAST');
        expect(sql).toContain('-"r_start" AS "rank_start"');
        // Every reference keeps the definition of its name in its file that starts first (last), then the shortest,
        // then the smallest id, at the confidence of its prior plus the feature (2/3), as the window form gave.
        for (const [rule, order] of [['rel.pick_first', 'd.bstart'], ['rel.pick_last', '-d.bstart']] as const) {
          const expected = await ordered.rows(
            `SELECT l.ref_id AS src_node_id, arg_min(d.def_id, (${order}, d.bend - d.bstart, d.def_id)) AS dst_node_id
               FROM norm.refs AS l JOIN norm.defs AS d ON d.file_id = l.file_id AND d.name = l.name WHERE l.ctx = 'load' GROUP BY l.ref_id ORDER BY 1`,
          );
          expect(expected.length).toBeGreaterThan(0);
          expect(await ordered.rows(`SELECT src_node_id, dst_node_id FROM ${name} WHERE rule = '${rule}' ORDER BY 1`)).toEqual(expected);
          expect(await ordered.rows(`SELECT DISTINCT confidence FROM ${name} WHERE rule = '${rule}'`)).toEqual([{ confidence: 0.666667 }]);
        }
        // The two definitions of `f`, in the order they start.
        const twice = tsDefRows.filter((r) => r['name'] === 'f').sort((a, b) => Number(a['bstart']) - Number(b['bstart'])).map(defId);
        const ref = refId(tsRefRows.find((r) => r['name'] === 'f')!);
        // They share one join, so one fused view computes them; each rule keeps its own best (pick_any keeps both).
        for (const [rule, expected] of [['rel.pick_first', [twice[0]]], ['rel.pick_last', [twice[1]]], ...(views.length === 3 ? [['rel.pick_any', twice]] : [])] as const) {
          const rows = await ordered.rows(`SELECT dst_node_id FROM ${name} WHERE rule = '${rule}' AND src_node_id = '${ref}' ORDER BY 1`);
          expect(rows).toEqual([...expected].sort().map((d) => ({ dst_node_id: d })));
        }
      } finally {
        ordered.close();
      }
    }
  });

  it('gives a relationship without features the confidence of its join alone, and says so', () => {
    const confidence = manifest.views.find((v) => v.name === 'rel.resolves')!.decisions.find((d) => d.value.topic === 'confidence')!;
    expect(confidence.value).toMatchObject({ prior: 1, features: [{ feature: 'agrees:rel.ref_scope', weight: 2 }] });
    const bare = compileProgram(program('bare', resolves('plain')), registry).views.find((v) => v.name === 'rel.plain')!;
    const d = bare.decisions.find((x) => x.value.topic === 'confidence')!;
    expect(d.rationale).toBe('with no feature to tell edges apart, every edge of rel.plain gets 0.500, the confidence of its join alone');
    expect(d.confidence).toBe(0.6);
  });
});

describe('foreign keys', () => {
  const scopes = Normalize.create({ name: 'pyscopes', from: 'evidence.py_scopes', entity: 'pyscope' });
  const parent = Relate.create({ name: 'parent_scope', edge: 'PARENT_SCOPE', left: 'norm.pyscopes', right: 'norm.pyscopes', intent: 'refers-to' });
  const declared = Relate.create({
    name: 'parent_declared',
    edge: 'PARENT_DECLARED',
    left: 'norm.pyscopes',
    right: 'norm.pyscopes',
    intent: 'refers-to',
    on: { left: 'parent_scope_id', right: 'scope_id' },
  });
  const single = compileProgram(program('fk', scopes, parent), registry);
  const manifest = compileProgram(program('fk', scopes, parent, declared), registry);

  it('follows the producer’s parent pointer to its own identity, kept as an attribute after re-identification', async () => {
    const view = single.views.find((v) => v.name === 'rel.parent_scope')!;
    const join = view.decisions.find((d) => d.value.topic === 'join')!;
    expect(join.value).toMatchObject({ strategy: 'foreign-key', keys: [{ left: 'parent_scope_id', right: 'scope_id' }], span: 'none' });
    expect(join.rationale).toMatch(/kept as an attribute since the rows were re-identified/);
    const db = await databaseFor(single);
    try {
      const rows = await db.rows('SELECT l.name AS child, r.name AS parent, e.confidence FROM rel.parent_scope e JOIN norm.pyscopes l ON l.pyscope_id = e.src_node_id JOIN norm.pyscopes r ON r.pyscope_id = e.dst_node_id');
      expect(rows).toEqual([{ child: 'inner', parent: 'outer', confidence: 0.8 }]);
    } finally {
      db.close();
    }
  });

  it('fuses relationships that share the same join into one view emitting both kinds', async () => {
    expect(manifest.views.map((v) => v.name)).toContain('rel.parent_declared__parent_scope');
    expect(manifest.views.map((v) => v.name)).not.toContain('rel.parent_scope');
    const fusion = manifest.decisions.find((d) => d.value.topic === 'fusion')!;
    expect(fusion.value).toEqual({ topic: 'fusion', view: 'rel.parent_declared__parent_scope', members: ['rel.parent_declared', 'rel.parent_scope'], strategy: 'foreign-key' });
    const pruned = manifest.decisions.filter((d) => d.value.topic === 'prune');
    expect(pruned.map((d) => d.rationale)).toContain('rel.parent_scope is computed inside the fused view rel.parent_declared__parent_scope, and nothing reads it on its own');
    const edges = manifest.views.find((v) => v.name === 'cpg.edges')!;
    expect(edges.sql.match(/FROM "rel"\./g)).toEqual(['FROM "rel".']);
    expect(edges.sql).toContain('FROM "rel"."parent_declared__parent_scope" AS "s"');
    const db = await databaseFor(manifest);
    try {
      // The declared key names the same foreign key the roles found: same edges, two kinds.
      const rows = await db.rows('SELECT edge_kind, rule, src_node_id, dst_node_id FROM cpg.edges ORDER BY edge_kind');
      expect(rows.map((r) => [r['edge_kind'], r['rule']])).toEqual([
        ['PARENT_DECLARED', 'rel.parent_declared'],
        ['PARENT_SCOPE', 'rel.parent_scope'],
      ]);
      expect(rows[0]!['src_node_id']).toBe(rows[1]!['src_node_id']);
      expect(rows[0]!['dst_node_id']).toBe(rows[1]!['dst_node_id']);
    } finally {
      db.close();
    }
  });

  it('rejects ranking features a foreign key cannot use', () => {
    const ranked = Relate.create({ name: 'ranked', edge: 'X', left: 'norm.pyscopes', right: 'norm.pyscopes', intent: 'within', score: { innermost: 1 }, keep: 'best' });
    expect(() => compileProgram(program('fk-ranked', scopes, ranked), registry)).toThrow(
      /views\[5\]\.score\.innermost: innermost cannot discriminate: a foreign key to norm\.pyscopes's identity gives each left row one candidate at most/,
    );
  });
});

describe('span overlap and symbol identity', () => {
  const refOccurrence = Relate.create({
    name: 'ref_occurrence',
    edge: 'SAME_AS',
    left: 'norm.refs',
    right: 'evidence.occurrences',
    intent: 'overlaps',
    score: { 'same-span': 2 },
    keep: 'best',
  });
  const symbolUses = Relate.create({
    name: 'symbol_uses',
    edge: 'USES',
    left: 'evidence.occurrences',
    right: 'evidence.occurrences',
    intent: 'refers-to',
    where: { left: [{ column: 'is_definition', in: [false] }], right: [{ column: 'is_definition', in: [true] }] },
    score: { 'same-file': 1 },
  });
  const manifest = compileProgram(program('scip', refOccurrence, symbolUses), registry);
  let db: TestDatabase;
  beforeAll(async () => {
    db = await databaseFor(manifest);
  });
  afterAll(() => db.close());

  it('prefers the occurrence with the same span among overlapping ones', async () => {
    const sql = manifest.views.find((v) => v.name === 'rel.ref_occurrence')!.sql;
    expect(sql).toContain('("l"."bstart" < "r"."bend" AND "r"."bstart" < "l"."bend")');
    const fact = refId(tsRefRows.find((r) => r['name'] === 'fact')!);
    const all = await db.rows(`SELECT dst_node_id, confidence FROM rel.ref_occurrence WHERE src_node_id = '${fact}'`);
    expect(all).toEqual([{ dst_node_id: 'o:use-fact', confidence: 0.75 }]);
  });

  it('matches symbol identities across files, with more confidence in the same file', async () => {
    const join = manifest.views.find((v) => v.name === 'rel.symbol_uses')!.decisions.find((d) => d.value.topic === 'join')!;
    expect(join.value).toMatchObject({ strategy: 'symbol-match', keys: [{ left: 'symbol', right: 'symbol' }] });
    expect(await db.rows('SELECT src_node_id, dst_node_id, confidence FROM rel.symbol_uses ORDER BY src_node_id')).toEqual([
      { src_node_id: 'o:use-outer', dst_node_id: 'o:def-outer', confidence: 0.8 },
      { src_node_id: 'o:use-outer-u', dst_node_id: 'o:def-outer', confidence: 0.75 },
    ]);
  });
});

describe('declared keys, where roles cannot decide', () => {
  // Parameters name their function by the byte it starts at: a key that holds only within a file.
  const params: DatasetSchema = defineDataset({
    name: 'evidence.ts_params',
    producer: 'tree-sitter',
    version: 1,
    description: 'parameters',
    spanUnit: 'utf8-bytes',
    columns: [
      { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'file' },
      { name: 'name', type: 'utf8', nullable: false, role: 'name', description: 'parameter name' },
      { name: 'def_bstart', type: 'int64', nullable: false, role: 'attribute', description: 'bstart of the owning function' },
      { name: 'bstart', type: 'int64', nullable: false, role: 'span-start', description: 'start' },
      { name: 'bend', type: 'int64', nullable: false, role: 'span-end', description: 'end' },
    ],
  });
  const def = (name: string) => tsDefRows.find((r) => r['name'] === name)!;
  const param = (name: string, owner: string) => {
    // The parameter list of the owner: `(x)`, `(y)`, `(self)`, `(n)` occur once each in pkg/mod.py.
    const at = locate('pkg/mod.py', `(${name})`);
    return { file_id: fileId('pkg/mod.py'), name, def_bstart: def(owner)['bstart'], bstart: at.bstart + 1, bend: at.bend - 1 };
  };
  const paramRows = [param('x', 'outer'), param('y', 'inner'), param('self', 'hello'), param('n', 'fact')];
  const manifest = compileProgram(
    program(
      'keys',
      Normalize.create({ name: 'params', from: 'evidence.ts_params', entity: 'param' }),
      Relate.create({ name: 'param_owner', edge: 'HAS_PARAM', left: 'norm.params', right: 'norm.defs', intent: 'within', on: { left: 'def_bstart', right: 'bstart' }, src: 'right' }),
      Relate.create({ name: 'named', edge: 'NAMED', left: 'norm.refs', right: 'norm.defs', intent: 'refers-to', on: { role: 'name' } }),
    ),
    registryOf(files, tsDefs, tsRefs, params),
  );

  it('joins a named position key within the file, and a role key like the roles would', async () => {
    const owner = manifest.views.find((v) => v.name === 'rel.param_owner')!.decisions.find((d) => d.value.topic === 'join')!;
    expect(owner.value).toMatchObject({
      strategy: 'foreign-key',
      keys: [
        { left: 'file_id', right: 'file_id' },
        { left: 'def_bstart', right: 'bstart' },
      ],
    });
    const named = manifest.views.find((v) => v.name === 'rel.named')!.decisions.find((d) => d.value.topic === 'join')!;
    expect(named.value).toMatchObject({ strategy: 'symbol-match', keys: [{ left: 'file_id', right: 'file_id' }, { left: 'name', right: 'name' }] });
    expect(named.evidence[0]!.detail).toBe('the declaration keys norm.refs.name to norm.defs.name');
    const db = await TestDatabase.open();
    try {
      await db.load(files, fileRows);
      await db.load(tsDefs, tsDefRows);
      await db.load(tsRefs, tsRefRows);
      await db.load(params, paramRows);
      await db.install(manifest);
      const rows = await db.rows('SELECT d.name AS def, p.name AS param FROM rel.param_owner e JOIN norm.defs d ON d.def_id = e.src_node_id JOIN norm.params p ON p.param_id = e.dst_node_id ORDER BY p.bstart');
      expect(rows).toEqual([
        { def: 'outer', param: 'x' },
        { def: 'inner', param: 'y' },
        { def: 'hello', param: 'self' },
        { def: 'fact', param: 'n' },
      ]);
    } finally {
      db.close();
    }
  });
});

describe('relate errors', () => {
  function issues(...views: ViewDecl[]): { path: string; message: string }[] {
    try {
      compileProgram(program('bad', ...views), registry);
    } catch (error) {
      if (SemanticIrError.is(error, 'InferenceFailed')) return error.details['issues'] as { path: string; message: string }[];
      throw error;
    }
    throw new Error('expected InferenceFailed');
  }

  it('lists features the join already implies, sides without identity and intents no join realises', () => {
    const implied = Relate.create({ name: 'implied', edge: 'X', left: 'norm.defs', right: 'merged.scopes', intent: 'within', score: { 'same-file': 1 } });
    const unidentified = Relate.create({ name: 'unidentified', edge: 'X', left: 'evidence.ts_defs', right: 'norm.defs', intent: 'within' });
    const unlocated = Relate.create({ name: 'unlocated', edge: 'X', left: 'norm.defs', right: { from: 'evidence.files', entity: 'file' }, intent: 'overlaps' });
    expect(issues(implied, unidentified, unlocated)).toEqual([
      { path: 'views[4].score.same-file', message: 'same-file cannot discriminate: the span-contains join already requires the same file, so the feature always holds' },
      { path: 'views[5].left', message: 'evidence.ts_defs has no column with the role entity-identity; normalize it first, or write the left side as { from, entity }' },
      {
        path: 'views[6].intent',
        message: "no join realises 'overlaps' between norm.defs and evidence.files: evidence.files lack a file identity and byte span (file-identity, span-start and span-end roles)",
      },
    ]);
  });

  it('relates rows without identity through an entity namespace, as FILE nodes', async () => {
    const inFile = Relate.create({ name: 'file_defs', edge: 'DECLARED_IN', left: 'norm.defs', right: { from: 'evidence.files', entity: 'file' }, intent: 'same-file' });
    const manifest = compileProgram(program('files', inFile), registry);
    const db = await databaseFor(manifest);
    try {
      const rows = await db.rows(`SELECT DISTINCT dst_node_id FROM rel.file_defs`);
      expect(rows.map((r) => r['dst_node_id']).sort()).toEqual(fileRows.map((f) => stableId('file', f.file_id)).sort());
    } finally {
      db.close();
    }
  });
});
