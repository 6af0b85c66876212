import type { InferredDeps } from '@anatomy/plan-signals';
import { describe, expect, it } from 'vitest';
import { buildTaskGraph } from './build-task-graph.js';
import { SchedulerError } from './scheduler-error.js';

const dep = (view: string, inputs: string[]): InferredDeps => ({
  view,
  inputs,
  requiredColumns: Object.fromEntries(inputs.map((i) => [i, []])),
  requiredMacros: [],
  inputsFrom: 'plan-lineage',
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('buildTaskGraph', () => {
  it('adds one task per view, an edge for each input that is a view, and records the rest as external inputs', () => {
    const graph = buildTaskGraph(
      [
        dep('rel.calls', ['norm.defs', 'evidence.calls']),
        dep('norm.defs', ['evidence.ts_defs', 'evidence.py_defs']),
        dep('cpg.edges', ['rel.calls', 'norm.defs']),
      ],
      { costs: { 'norm.defs': 12 } },
    );
    expect(graph.tasks()).toEqual(['cpg.edges', 'norm.defs', 'rel.calls']);
    expect(graph.edges()).toEqual([
      ['norm.defs', 'cpg.edges'],
      ['norm.defs', 'rel.calls'],
      ['rel.calls', 'cpg.edges'],
    ]);
    expect(graph.task('norm.defs')).toEqual({ name: 'norm.defs', cost: 12, externalInputs: ['evidence.py_defs', 'evidence.ts_defs'] });
    expect(graph.task('rel.calls')).toEqual({ name: 'rel.calls', cost: undefined, externalInputs: ['evidence.calls'] });
    expect(graph.predecessors('cpg.edges')).toEqual(['norm.defs', 'rel.calls']);
    expect(graph.successors('norm.defs')).toEqual(['cpg.edges', 'rel.calls']);
    expect(graph.taskCount).toBe(3);
    expect(graph.edgeCount).toBe(3);
  });

  it('is immutable: its attributes are frozen and its graphology copy is detached', () => {
    const graph = buildTaskGraph([dep('norm.a', []), dep('norm.b', ['norm.a'])]);
    expect(Object.isFrozen(graph)).toBe(true);
    expect(Object.isFrozen(graph.task('norm.a'))).toBe(true);
    expect(Object.isFrozen(graph.tasks())).toBe(true);
    const copy = graph.toGraphology();
    copy.dropNode('norm.a');
    copy.addNode('norm.c', { name: 'norm.c', cost: undefined, externalInputs: [] });
    expect(graph.tasks()).toEqual(['norm.a', 'norm.b']);
    expect(graph.predecessors('norm.b')).toEqual(['norm.a']);
  });

  it('names a cycle in order, starting at its smallest view, in the message and the details', () => {
    const error = thrown(() =>
      buildTaskGraph([dep('v.c', ['v.b']), dep('v.a', ['v.c', 'evidence.x']), dep('v.b', ['v.a']), dep('v.d', ['v.a'])]),
    );
    expect(SchedulerError.is(error, 'CycleDetected')).toBe(true);
    expect((error as Error).message).toContain('v.a → v.b → v.c → v.a');
    expect(SchedulerError.is(error) ? error.details['cycle'] : undefined).toEqual(['v.a', 'v.b', 'v.c', 'v.a']);
  });

  it('reports a view that reads itself as a cycle of one', () => {
    const error = thrown(() => buildTaskGraph([dep('v.self', ['v.self'])]));
    expect(SchedulerError.is(error, 'CycleDetected')).toBe(true);
    expect((error as Error).message).toContain('v.self → v.self');
  });

  it('rejects duplicated views, malformed dependencies, unknown and invalid costs', () => {
    expect(SchedulerError.is(thrown(() => buildTaskGraph([dep('v.a', []), dep('v.a', [])])), 'DuplicateTask')).toBe(true);
    const invalid = thrown(() => buildTaskGraph([{ ...dep('v.a', []), inputsFrom: 'declared' } as unknown as InferredDeps, { view: 'v.b' } as InferredDeps]));
    expect(SchedulerError.is(invalid, 'InvalidDeps')).toBe(true);
    expect(SchedulerError.is(invalid) ? (invalid.details['issues'] as unknown[]).length : 0).toBeGreaterThanOrEqual(5);
    expect(SchedulerError.is(thrown(() => buildTaskGraph([dep('v.a', [])], { costs: { 'v.zzz': 1 } })), 'UnknownTask')).toBe(true);
    expect(SchedulerError.is(thrown(() => buildTaskGraph([dep('v.a', [])], { costs: { 'v.a': -1 } })), 'InvalidCost')).toBe(true);
    expect(SchedulerError.is(thrown(() => buildTaskGraph([dep('v.a', [])]).task('v.zzz')), 'UnknownTask')).toBe(true);
  });
});
