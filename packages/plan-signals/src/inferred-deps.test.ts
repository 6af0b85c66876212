import { describe, expect, it } from 'vitest';
import { InferredDepsSchema, inferDeps } from './inferred-deps.js';
import type { ViewLineage } from './view-lineage.js';

/** A lineage written by hand: inferDeps must need nothing else. */
const lineage: ViewLineage = {
  view: 'norm.calls',
  tables: ['norm.defs', 'evidence.calls'],
  columns: [
    { relation: { kind: 'table', name: 'norm.defs' }, column: 'name' },
    { relation: { kind: 'table', name: 'evidence.calls' }, column: 'callee' },
    { relation: { kind: 'table', name: 'norm.defs' }, column: 'def_id' },
    { relation: { kind: 'table', name: 'norm.defs' }, column: 'name' },
    { relation: { kind: 'cte', name: 'ranked' }, column: 'rank' },
    { relation: null, column: 'mystery' },
  ],
  functions: [
    { name: 'anatomy_stable_id', kind: 'macro', builtin: false },
    { name: 'array_append', kind: 'macro', builtin: true },
    { name: 'file_defs', kind: 'table-macro', builtin: false },
    { name: 'lower', kind: 'scalar', builtin: true },
    { name: 'not_created_yet', kind: 'unlisted', builtin: false },
  ],
  filters: { where: true, having: false, qualify: false },
  joins: [],
  setOperations: [],
  ctes: ['ranked'],
  outputs: [],
  reads: [],
};

describe('inferDeps', () => {
  it('derives inputs, per-table columns and user macros from the lineage alone', () => {
    const deps = inferDeps(lineage);
    expect(deps).toEqual({
      view: 'norm.calls',
      inputs: ['evidence.calls', 'norm.defs'],
      requiredColumns: { 'evidence.calls': ['callee'], 'norm.defs': ['def_id', 'name'] },
      requiredMacros: ['anatomy_stable_id', 'file_defs'],
      inputsFrom: 'plan-lineage',
    });
    expect(InferredDepsSchema.parse(deps)).toEqual(deps);
    expect(Object.isFrozen(deps.requiredColumns)).toBe(true);
  });

  it('lists an input whose columns are unknown with no columns', () => {
    expect(inferDeps({ ...lineage, columns: [] }).requiredColumns).toEqual({ 'evidence.calls': [], 'norm.defs': [] });
  });
});

describe('InferredDepsSchema', () => {
  it('accepts well-formed dependencies', () => {
    expect(
      InferredDepsSchema.safeParse({ view: 'a.b', inputs: [], requiredColumns: {}, requiredMacros: [], inputsFrom: 'plan-lineage' }).success,
    ).toBe(true);
  });

  it('rejects dependencies that were declared rather than read from a plan, or malformed', () => {
    const result = InferredDepsSchema.safeParse({ view: '', inputs: [''], requiredColumns: { t: [1] }, requiredMacros: [], inputsFrom: 'declared' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['inputs.0', 'inputsFrom', 'requiredColumns.t.0', 'view']);
  });
});
