import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileProgram } from './compile-program.js';
import { Derive } from './derive.js';
import { Diagnostic } from './diagnostic.js';
import { registryOf } from './duckdb-fixture.test-support.js';
import { Normalize } from './normalize.js';
import { Project } from './project.js';
import { files, lineIndex, pyScopes, tsDefs, tsRefs } from './python-fixture.test-support.js';
import { Relate } from './relate.js';
import { defineProgram } from './semantic-program.js';
import { Union } from './union.js';
import type { ViewDecl } from './view-decl.js';

const registry = registryOf(files, lineIndex, pyScopes, tsDefs, tsRefs);

/** What a program author may vary; `order` arrays are permutations applied to lists whose order carries no meaning. */
interface Shape {
  readonly weights: { readonly innermost: number; readonly earliest: number; readonly agree: number };
  readonly stores: readonly string[];
  readonly keep: 'best' | 'all';
  readonly edge: string;
}

const base: Shape = { weights: { innermost: 2, earliest: 1, agree: 1.5 }, stores: ['store', 'del'], keep: 'best', edge: 'RESOLVES_TO' };

function permute<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items
    .map((item, i) => ({ item, key: keys[i % Math.max(keys.length, 1)] ?? 0, i }))
    .sort((a, b) => a.key - b.key || a.i - b.i)
    .map((x) => x.item);
}

/** The same program, with every order that carries no meaning shuffled by `keys`. */
function programOf(shape: Shape, keys: readonly number[]): ReturnType<typeof defineProgram> {
  const score = Object.fromEntries(permute(Object.entries({ innermost: shape.weights.innermost }), keys));
  const views: ViewDecl[] = [
    Normalize.create({ name: 'defs', from: 'evidence.ts_defs', entity: 'def' }),
    Normalize.create({ name: 'refs', from: 'evidence.ts_refs', entity: 'ref' }),
    Normalize.create({ name: 'scopes', from: 'evidence.py_scopes', entity: 'pyscope' }),
    Derive.create({ name: 'modules', from: 'evidence.files', entity: 'module' }),
    Derive.create({
      name: 'bindings',
      from: 'norm.refs',
      where: permute([{ role: 'kind', in: permute(shape.stores, keys) }, { column: 'binder', notIn: permute(['annotated_assignment', null], keys) }], keys),
    }),
    Union.create({ name: 'containers', from: ['derived.modules', 'norm.defs'] }),
    Relate.create({ name: 'parent', edge: 'CONTAINS', left: 'norm.defs', right: 'merged.containers', intent: 'within', score, keep: 'best', src: 'right' }),
    Relate.create({ name: 'ref_scope', edge: 'IN_SCOPE', left: 'norm.refs', right: 'norm.defs', intent: 'within', score: { innermost: 1 }, keep: 'best' }),
    Relate.create({
      name: 'resolves',
      edge: shape.edge,
      left: 'norm.refs',
      right: 'norm.defs',
      intent: 'refers-to',
      where: { left: [{ role: 'kind', in: permute(['load', 'del'], keys) }] },
      score: Object.fromEntries(permute(Object.entries({ earliest: shape.weights.earliest, 'same-span': 1 }), keys)),
      agree: Object.fromEntries(permute(Object.entries({ 'rel.ref_scope': shape.weights.agree, 'rel.parent': 1 }), keys)),
      keep: shape.keep,
    }),
    Diagnostic.create({ name: 'unresolved', from: 'norm.refs', unmatched: 'rel.resolves', code: 'Unresolved', severity: 'warning', message: '{name} is unresolved' }),
    Project.create({
      name: 'cpg.nodes',
      rows: permute(
        [
          { from: 'norm.defs', kind: 'DEF' },
          { from: 'norm.refs', kind: 'REF' },
          { from: 'derived.bindings', kind: 'BINDING' },
          { from: 'norm.scopes', kind: 'SCOPE' },
          { from: 'diag.unresolved', kind: 'DIAGNOSTIC' },
        ],
        keys,
      ),
    }),
    Project.create({ name: 'cpg.edges', rows: permute([{ from: 'rel.parent' }, { from: 'rel.resolves' }, { from: 'rel.ref_scope' }], keys) }),
  ];
  return defineProgram({ name: 'property', views: permute(views, [...keys].reverse()) });
}

const reference = compileProgram(programOf(base, [0]), registry);
const keysArb = fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 12 });

describe('manifest fingerprint', () => {
  it('compiles every view kind of the reference program', () => {
    expect(new Set(reference.views.map((v) => v.kind))).toEqual(new Set(['normalize', 'derive', 'union', 'relate', 'diagnostic', 'project']));
  });

  it('does not change with the order of declarations, rows, conditions, values, features or agreements', () => {
    fc.assert(
      fc.property(keysArb, (keys) => {
        const m = compileProgram(programOf(base, keys), registry);
        expect(m.fingerprint).toBe(reference.fingerprint);
        expect(m.views).toEqual(reference.views);
      }),
      { numRuns: 40 },
    );
  });

  it('changes whenever what a view computes changes', () => {
    const mutations: readonly ((s: Shape) => Shape)[] = [
      (s) => ({ ...s, weights: { ...s.weights, innermost: s.weights.innermost + 0.5 } }),
      (s) => ({ ...s, weights: { ...s.weights, earliest: s.weights.earliest * 2 } }),
      (s) => ({ ...s, weights: { ...s.weights, agree: s.weights.agree + 1 } }),
      (s) => ({ ...s, stores: [...s.stores, 'load'] }),
      (s) => ({ ...s, stores: s.stores.slice(1) }),
      (s) => ({ ...s, keep: s.keep === 'best' ? 'all' : 'best' }),
      (s) => ({ ...s, edge: 'REFERS_TO' }),
    ];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: mutations.length - 1 }), keysArb, (which, keys) => {
        const mutated = mutations[which]!(base);
        expect(compileProgram(programOf(mutated, keys), registry).fingerprint).not.toBe(reference.fingerprint);
      }),
      { numRuns: 40 },
    );
  });
});
