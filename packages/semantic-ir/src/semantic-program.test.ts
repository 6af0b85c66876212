import { describe, expect, it } from 'vitest';
import { Normalize } from './normalize.js';
import { Project } from './project.js';
import { SemanticIrError } from './semantic-ir-error.js';
import { defineProgram } from './semantic-program.js';
import { Union } from './union.js';

const defs = Normalize.create({ name: 'defs', from: 'evidence.ts_defs', entity: 'def' });
const nodes = Project.create({ name: 'cpg.nodes', rows: [{ from: 'norm.defs', kind: 'DEF' }] });

function issuesOf(input: unknown): readonly { path: string; message: string }[] {
  try {
    defineProgram(input as Parameters<typeof defineProgram>[0]);
  } catch (error) {
    if (SemanticIrError.is(error, 'InvalidProgram')) return error.details['issues'] as { path: string; message: string }[];
    throw error;
  }
  throw new Error('expected defineProgram to throw');
}

describe('defineProgram', () => {
  it('returns a frozen program keeping the declarations', () => {
    const program = defineProgram({ name: 'python-cpg', views: [defs, nodes] });
    expect(program).toEqual({ name: 'python-cpg', views: [defs, nodes] });
    expect(Object.isFrozen(program)).toBe(true);
    expect(Object.isFrozen(program.views)).toBe(true);
  });

  it('rejects two views with the same output name, naming the first', () => {
    const issues = issuesOf({ name: 'p', views: [defs, nodes, Normalize.create({ name: 'defs', from: 'evidence.other', entity: 'd' })] });
    expect(issues).toEqual([{ path: 'views.2.name', message: 'norm.defs is already declared by views[0]' }]);
  });

  it('allows the same local name in different kinds, which live in different schemas', () => {
    const merged = Union.create({ name: 'defs', from: ['norm.defs', 'evidence.py_defs'] });
    expect(defineProgram({ name: 'p', views: [defs, merged, nodes] }).views).toHaveLength(3);
  });

  it('rejects a projection named like an intermediate view', () => {
    const clash = Project.create({ name: 'norm.defs', rows: [{ from: 'evidence.x', kind: 'X' }] });
    expect(issuesOf({ name: 'p', views: [defs, clash] })).toEqual([{ path: 'views.1.name', message: 'norm.defs is already declared by views[0]' }]);
  });

  it('lists every structural problem, including those inside views', () => {
    const issues = issuesOf({ name: 'Bad', views: [{ kind: 'normalize', name: 'defs', from: 'defs', entity: 'def' }, { kind: 'teleport' }] });
    expect(issues.map((i) => i.path)).toEqual(['name', 'views.0.from', 'views.1.kind']);
  });

  it('rejects an empty program', () => {
    expect(issuesOf({ name: 'empty', views: [] }).map((i) => i.path)).toEqual(['views']);
  });
});
