import type { InferredDeps } from '@anatomy/plan-signals';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTaskGraph } from './build-task-graph.js';
import { schedule, ScheduleSchema } from './schedule.js';

/**
 * Random DAGs: edges only go from a lower to a higher index, while the
 * names are random, so name order says nothing about dependency order.
 */
const randomDag = fc.integer({ min: 1, max: 30 }).chain((n) =>
  fc.record({
    names: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,5}$/), { minLength: n, maxLength: n }),
    edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 3 }),
    costs: fc.array(fc.integer({ min: 0, max: 50 }), { minLength: n, maxLength: n }),
  }),
);

function depsOf(dag: { names: string[]; edges: [number, number][] }): InferredDeps[] {
  return dag.names.map((name, j) => {
    const inputs = dag.edges.filter(([i, to]) => to === j && i < j).map(([i]) => `v.${dag.names[i]}`);
    return { view: `v.${name}`, inputs: [...new Set([...inputs, 'evidence.files'])], requiredColumns: {}, requiredMacros: [], inputsFrom: 'plan-lineage' };
  });
}

describe('schedule (properties over random DAGs)', () => {
  it('orders every task once, after all its inputs, highest bottom level first among ready tasks', () => {
    fc.assert(
      fc.property(randomDag, (dag) => {
        const graph = buildTaskGraph(depsOf(dag));
        const costs = Object.fromEntries(dag.names.map((name, i) => [`v.${name}`, dag.costs[i] ?? 1]));
        const plan = schedule(graph, costs);
        ScheduleSchema.parse(plan);
        expect([...plan.order].sort()).toEqual(graph.tasks());
        const position = new Map(plan.order.map((t, i) => [t, i]));
        for (const [from, to] of graph.edges()) expect(position.get(from)).toBeLessThan(position.get(to) ?? -1);
        // Replay the list scheduler's choice at every step.
        const placed = new Set<string>();
        for (const task of plan.order) {
          const ready = graph.tasks().filter((t) => !placed.has(t) && graph.predecessors(t).every((p) => placed.has(p)));
          const best = Math.max(...ready.map((t) => plan.bottomLevels[t] ?? 0));
          expect(plan.bottomLevels[task]).toBe(best);
          expect(ready.filter((t) => plan.bottomLevels[t] === best).sort()[0]).toBe(task);
          placed.add(task);
        }
      }),
    );
  });

  it('partitions the tasks into generations whose inputs all sit in earlier generations', () => {
    fc.assert(
      fc.property(randomDag, (dag) => {
        const graph = buildTaskGraph(depsOf(dag));
        const { generations } = schedule(graph);
        const all = generations.flat();
        expect(all.length).toBe(graph.taskCount);
        expect(new Set(all).size).toBe(graph.taskCount);
        const level = new Map(generations.flatMap((g, i) => g.map((t) => [t, i] as const)));
        for (const [from, to] of graph.edges()) expect(level.get(from)).toBeLessThan(level.get(to) ?? -1);
        for (const [i, g] of generations.entries()) {
          expect([...g].sort()).toEqual(g);
          // Each task sits in the earliest generation its inputs allow.
          for (const t of g) expect(Math.max(-1, ...graph.predecessors(t).map((p) => level.get(p) ?? 0))).toBe(i - 1);
        }
      }),
    );
  });

  it('puts on the critical path a chain of dependent tasks whose cost is the highest bottom level', () => {
    fc.assert(
      fc.property(randomDag, (dag) => {
        const graph = buildTaskGraph(depsOf(dag));
        const costs = Object.fromEntries(dag.names.map((name, i) => [`v.${name}`, dag.costs[i] ?? 1]));
        const { criticalPath, bottomLevels } = schedule(graph, costs);
        const path = criticalPath.tasks;
        expect(graph.predecessors(path[0] ?? '')).toEqual([]);
        expect(graph.successors(path[path.length - 1] ?? '')).toEqual([]);
        for (let i = 1; i < path.length; i++) expect(graph.successors(path[i - 1] ?? '')).toContain(path[i]);
        expect(path.reduce((sum, t) => sum + (costs[t] ?? 0), 0)).toBe(criticalPath.cost);
        expect(criticalPath.cost).toBe(Math.max(...Object.values(bottomLevels)));
      }),
    );
  });
});
