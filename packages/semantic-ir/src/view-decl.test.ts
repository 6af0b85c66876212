import { describe, expect, it } from 'vitest';
import { Derive } from './derive.js';
import { Diagnostic } from './diagnostic.js';
import { Normalize } from './normalize.js';
import { Project } from './project.js';
import { Relate } from './relate.js';
import { SemanticIrError } from './semantic-ir-error.js';
import { Union } from './union.js';
import { VIEW_KINDS, ViewDeclSchema } from './view-decl.js';
import type { ViewDecl } from './view-decl.js';
import { viewOutputName } from './view-output-name.js';
import { visitView } from './view-visitor.js';

const examples: readonly ViewDecl[] = [
  Normalize.create({ name: 'defs', from: 'evidence.ts_defs', entity: 'def' }),
  Derive.create({ name: 'classes', from: 'norm.defs', entity: 'cls', where: [{ role: 'kind', in: ['class'] }] }),
  Relate.create({ name: 'parents', edge: 'CONTAINS', left: 'norm.defs', right: 'norm.defs', intent: 'within', score: { innermost: 2 }, keep: 'best', src: 'right' }),
  Union.create({ name: 'defs', from: ['norm.ts_defs', 'norm.py_defs'] }),
  Project.create({ name: 'cpg.nodes', rows: [{ from: 'evidence.files', kind: 'FILE', entity: 'file' }, { from: 'norm.defs', kind: 'DEF' }] }),
  Diagnostic.create({ name: 'orphans', from: 'rel.orphans', code: 'OrphanDef', severity: 'warning', message: 'no enclosing scope' }),
];

function issuesOf(create: () => unknown): readonly { path: string; message: string }[] {
  try {
    create();
  } catch (error) {
    if (SemanticIrError.is(error, 'InvalidView')) return error.details['issues'] as { path: string; message: string }[];
    throw error;
  }
  throw new Error('expected the factory to throw');
}

describe('view factories', () => {
  it('create one frozen declaration per kind, each with its literal kind', () => {
    expect(examples.map((v) => v.kind)).toEqual([...VIEW_KINDS]);
    for (const view of examples) {
      expect(Object.isFrozen(view)).toBe(true);
      expect(ViewDeclSchema.parse(view)).toEqual(view);
    }
    const project = examples[4]!;
    expect(Project.is(project) && Object.isFrozen(project.rows) && Object.isFrozen(project.rows[0])).toBe(true);
  });

  it('recognise only their own kind', () => {
    const factories = [Normalize, Derive, Relate, Union, Project, Diagnostic];
    examples.forEach((view, i) => {
      factories.forEach((factory, j) => expect(factory.is(view)).toBe(i === j));
    });
    expect(Normalize.is(null)).toBe(false);
    expect(Normalize.is({ kind: 'derive' })).toBe(false);
  });

  it('keep only the irreducible declaration: no column names for keys, ids or outputs', () => {
    expect(Object.keys(examples[0]!).sort()).toEqual(['entity', 'from', 'kind', 'name']);
    expect(Object.keys(examples[4]!).sort()).toEqual(['kind', 'name', 'rows']);
  });

  it('default a relationship to every candidate, with edges from the left row', () => {
    const r = Relate.create({ name: 'same', edge: 'SAME_FILE', left: 'norm.a', right: { from: 'evidence.files', entity: 'file' }, intent: 'same-file' });
    expect([r.keep, r.src]).toEqual(['all', 'left']);
    expect(Object.isFrozen(r.right)).toBe(true);
  });

  it('accept role conditions with values of any column type, and NULL', () => {
    const d = Derive.create({
      name: 'imports',
      from: 'norm.imports',
      where: [{ column: 'is_star', in: [false] }, { column: 'level', notIn: [1, 2] }, { role: 'name', in: ['x', null] }],
    });
    expect(d.where).toHaveLength(3);
    expect(Derive.create({ name: 'modules', from: 'evidence.files', entity: 'module' }).where).toBeUndefined();
  });

  it('reject bad normalize declarations, listing every problem', () => {
    const issues = issuesOf(() => Normalize.create({ name: 'Defs', from: 'ts_defs', entity: '9def' }));
    expect(issues.map((i) => i.path)).toEqual(['name', 'from', 'entity']);
  });

  it('reject a kind passed in by the caller', () => {
    const view = Normalize.create({ name: 'defs', from: 'evidence.ts_defs', entity: 'def', kind: 'project' } as never);
    expect(view.kind).toBe('normalize');
  });

  it.each<[string, () => unknown, readonly string[]]>([
    ['derive with an empty condition list', () => Derive.create({ name: 'c', from: 'norm.defs', entity: 'c', where: [] }), ['where']],
    ['derive that neither filters nor re-identifies', () => Derive.create({ name: 'c', from: 'norm.defs' }), ['where']],
    [
      'derive naming rows from their path with no suffix to strip',
      () => Derive.create({ name: 'm', from: 'evidence.files', entity: 'module', nameFromPath: { strip: [], separator: '.' } }),
      ['nameFromPath.strip'],
    ],
    ['derive on an unknown role', () => Derive.create({ name: 'c', from: 'norm.defs', entity: 'c', where: [{ role: 'colour' as never, in: ['x'] }] }), ['where.0.role']],
    [
      'a condition with both a role and a column, and neither in nor notIn',
      () => Derive.create({ name: 'c', from: 'norm.defs', where: [{ role: 'kind', column: 'def_kind' } as never] }),
      ['where.0.role', 'where.0.in'],
    ],
    [
      'relate with a lower-case edge, an unknown intent, feature and weight',
      () =>
        Relate.create({
          name: 'r',
          edge: 'contains',
          left: 'a.b',
          right: 'a.c',
          intent: 'near' as never,
          score: { closest: 1, innermost: 0 } as never,
          keep: 'best',
        }),
      ['edge', 'intent', 'score.innermost', 'score'],
    ],
    [
      'relate with an endpoint missing its entity and an empty agreement',
      () => Relate.create({ name: 'r', edge: 'E', left: { from: 'a.b' } as never, right: 'a.c', intent: 'within', agree: {} }),
      ['left', 'agree'],
    ],
    ['union of one input', () => Union.create({ name: 'u', from: ['norm.a'] }), ['from']],
    ['union naming an input twice', () => Union.create({ name: 'u', from: ['norm.a', 'norm.a'] }), ['from']],
    ['project without rows', () => Project.create({ name: 'cpg.nodes', rows: [] }), ['rows']],
    ['project with an unqualified name and lower-case kind', () => Project.create({ name: 'nodes', rows: [{ from: 'norm.defs', kind: 'def' }] }), ['name', 'rows.0.kind']],
    ['project repeating a source and kind', () => Project.create({ name: 'cpg.nodes', rows: [{ from: 'norm.defs', kind: 'DEF' }, { from: 'norm.defs', kind: 'DEF' }] }), ['rows']],
    ['diagnostic with a bad code and severity', () => Diagnostic.create({ name: 'd', from: 'a.b', code: 'bad code', severity: 'fatal' as never, message: 'm' }), ['code', 'severity']],
    ['diagnostic naming an unknown role in its message', () => Diagnostic.create({ name: 'd', from: 'a.b', code: 'Bad', severity: 'info', message: 'see {colour}' }), ['message']],
  ])('reject %s', (_label, create, paths) => {
    expect(issuesOf(create).map((i) => i.path)).toEqual(paths);
  });

  it('name the view and the problem in the error message', () => {
    expect(() => Union.create({ name: 'u', from: ['norm.a'] })).toThrow(/union view u is invalid:\nfrom: /);
  });
});

describe('visitView', () => {
  it('dispatches to the handler of the view kind', () => {
    const kinds = examples.map((v) =>
      visitView(v, {
        normalize: (n) => `n:${n.entity}`,
        derive: (d) => `d:${d.where?.length ?? 0}`,
        relate: (r) => `r:${r.intent}`,
        union: (u) => `u:${u.from.length}`,
        project: (p) => `p:${p.rows.length}`,
        diagnostic: (d) => `g:${d.severity}`,
      }),
    );
    expect(kinds).toEqual(['n:def', 'd:1', 'r:within', 'u:2', 'p:2', 'g:warning']);
  });

  it('gives intermediate views a schema per kind and projections their contract name', () => {
    expect(examples.map(viewOutputName)).toEqual(['norm.defs', 'derived.classes', 'rel.parents', 'merged.defs', 'cpg.nodes', 'diag.orphans']);
  });
});
