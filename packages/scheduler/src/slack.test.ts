import type { InferredDeps } from '@anatomy/plan-signals';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTaskGraph } from './build-task-graph.js';
import { criticalPath } from './critical-path.js';
import { slack, SlackAnalysisSchema } from './slack.js';
import type { TaskGraph } from './task-graph.js';

const dep = (view: string, inputs: string[]): InferredDeps => ({ view, inputs, requiredColumns: {}, requiredMacros: [], inputsFrom: 'plan-lineage' });

const randomDag = fc.integer({ min: 1, max: 20 }).chain((n) =>
  fc.record({
    names: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,4}$/), { minLength: n, maxLength: n }),
    edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 3 }),
    costs: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: n, maxLength: n }),
  }),
);

function graphOf(dag: { names: string[]; edges: [number, number][] }): TaskGraph {
  return buildTaskGraph(
    dag.names.map((name, j) => dep(`v.${name}`, [...new Set(dag.edges.filter(([i, to]) => to === j && i < j).map(([i]) => `v.${dag.names[i]}`))])),
  );
}

describe('slack (critical path method)', () => {
  it('gives the branch off the critical path the time it can wait', () => {
    //   s1 (2) ──► m1 (5) ──► t (1)
    //   s2 (3) ──► m2 (1) ──┘
    const graph = buildTaskGraph([dep('x.t', ['x.m1', 'x.m2']), dep('x.m1', ['x.s1']), dep('x.m2', ['x.s2']), dep('x.s1', []), dep('x.s2', [])]);
    const result = slack(graph, { 'x.s1': 2, 'x.s2': 3, 'x.m1': 5, 'x.m2': 1, 'x.t': 1 });
    expect(SlackAnalysisSchema.parse(result)).toEqual(result);
    expect(result.makespan).toBe(8);
    expect(result.tasks).toEqual({
      'x.s1': { earliestStart: 0, latestStart: 0, slack: 0 },
      'x.m1': { earliestStart: 2, latestStart: 2, slack: 0 },
      'x.t': { earliestStart: 7, latestStart: 7, slack: 0 },
      'x.s2': { earliestStart: 0, latestStart: 3, slack: 3 },
      'x.m2': { earliestStart: 3, latestStart: 6, slack: 3 },
    });
  });

  it('keeps every dependency and the makespan, zero slack on the critical path, and slack exactly the delay a task absorbs (property)', () => {
    fc.assert(
      fc.property(randomDag, fc.nat(), (dag, pick) => {
        const graph = graphOf(dag);
        const costs = Object.fromEntries(dag.names.map((name, i) => [`v.${name}`, dag.costs[i] ?? 1]));
        const { makespan, tasks } = slack(graph, costs);
        const path = criticalPath(graph, costs);
        expect(makespan).toBe(path.cost);
        for (const task of path.tasks) expect(tasks[task]?.slack).toBe(0);
        for (const task of graph.tasks()) {
          const t = tasks[task];
          expect(t?.slack).toBeGreaterThanOrEqual(0);
          expect((t?.latestStart ?? 0) + (costs[task] ?? 0)).toBeLessThanOrEqual(makespan);
          for (const input of graph.predecessors(task)) {
            expect(t?.earliestStart).toBeGreaterThanOrEqual((tasks[input]?.earliestStart ?? 0) + (costs[input] ?? 0));
            expect(t?.latestStart).toBeGreaterThanOrEqual((tasks[input]?.latestStart ?? 0) + (costs[input] ?? 0));
          }
        }
        // Running one task slower by exactly its slack leaves the makespan as it was; one unit more extends it by one.
        const task = graph.tasks()[pick % graph.taskCount] ?? '';
        const room = tasks[task]?.slack ?? 0;
        expect(slack(graph, { ...costs, [task]: (costs[task] ?? 0) + room }).makespan).toBe(makespan);
        expect(slack(graph, { ...costs, [task]: (costs[task] ?? 0) + room + 1 }).makespan).toBe(makespan + 1);
      }),
      { numRuns: 300 },
    );
  });
});
