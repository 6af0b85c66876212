import type { InferredDeps } from '@anatomy/plan-signals';
import { describe, expect, it } from 'vitest';
import { bottomLevels } from './bottom-levels.js';
import { buildTaskGraph } from './build-task-graph.js';
import { criticalPath } from './critical-path.js';
import { fanOut } from './fan-out.js';
import { ScheduleSchema, schedule } from './schedule.js';
import { taskCosts } from './task-costs.js';
import { topologicalGenerations } from './topological-generations.js';

const dep = (view: string, inputs: string[]): InferredDeps => ({ view, inputs, requiredColumns: {}, requiredMacros: [], inputsFrom: 'plan-lineage' });

/**
 *   s1 (2) ──► m1 (5) ──► t (1)
 *      └─────► m2 (1) ──┘
 *   s2 (3) ──┘
 */
const graph = buildTaskGraph([
  dep('x.t', ['x.m1', 'x.m2']),
  dep('x.m1', ['x.s1']),
  dep('x.m2', ['x.s1', 'x.s2']),
  dep('x.s1', ['evidence.a']),
  dep('x.s2', ['evidence.b']),
]);
const costs = { 'x.s1': 2, 'x.s2': 3, 'x.m1': 5, 'x.m2': 1, 'x.t': 1 };

describe('graph analysis on a hand-built graph', () => {
  it('groups tasks into generations, sorted within each', () => {
    expect(topologicalGenerations(graph)).toEqual([['x.s1', 'x.s2'], ['x.m1', 'x.m2'], ['x.t']]);
  });

  it('computes cost-weighted bottom levels', () => {
    expect(bottomLevels(graph, costs)).toEqual({ 'x.t': 1, 'x.m1': 6, 'x.m2': 2, 'x.s1': 8, 'x.s2': 5 });
  });

  it('finds the critical path and its cost', () => {
    expect(criticalPath(graph, costs)).toEqual({ tasks: ['x.s1', 'x.m1', 'x.t'], cost: 8 });
    // Make the s2 branch heavier and the path moves to it.
    expect(criticalPath(graph, { ...costs, 'x.m2': 9 })).toEqual({ tasks: ['x.s2', 'x.m2', 'x.t'], cost: 13 });
  });

  it('counts fan-out', () => {
    expect(fanOut(graph)).toEqual({ 'x.s1': 2, 'x.s2': 1, 'x.m1': 1, 'x.m2': 1, 'x.t': 0 });
  });

  it('schedules the highest bottom level first among ready tasks', () => {
    const plan = schedule(graph, costs);
    expect(ScheduleSchema.parse(plan)).toEqual(plan);
    expect(plan.order).toEqual(['x.s1', 'x.m1', 'x.s2', 'x.m2', 'x.t']);
    expect(plan.criticalPath.tasks).toEqual(['x.s1', 'x.m1', 'x.t']);
    expect(plan.costs).toEqual(costs);
    expect(Object.isFrozen(plan.order)).toBe(true);
  });

  it('falls back to the costs recorded at build time, then to one per task', () => {
    const recorded = buildTaskGraph([dep('y.a', []), dep('y.b', []), dep('y.c', ['y.b'])], { costs: { 'y.a': 10 } });
    expect(taskCosts(recorded)).toEqual({ 'y.a': 10, 'y.b': 1, 'y.c': 1 });
    expect(schedule(recorded).order).toEqual(['y.a', 'y.b', 'y.c']);
    expect(schedule(recorded, { 'y.a': 0 }).order).toEqual(['y.b', 'y.c', 'y.a']);
    expect(criticalPath(recorded)).toEqual({ tasks: ['y.a'], cost: 10 });
  });

  it('handles an empty graph', () => {
    const empty = buildTaskGraph([]);
    expect(schedule(empty)).toEqual({ order: [], generations: [], criticalPath: { tasks: [], cost: 0 }, bottomLevels: {}, costs: {} });
  });
});
