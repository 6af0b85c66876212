import type { InferredDeps } from '@anatomy/plan-signals';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { articulationPoints } from './articulation-points.js';
import { buildTaskGraph } from './build-task-graph.js';
import type { TaskGraph } from './task-graph.js';

const dep = (view: string, inputs: string[]): InferredDeps => ({ view, inputs, requiredColumns: {}, requiredMacros: [], inputsFrom: 'plan-lineage' });

/** Random DAGs: edges only go from a lower to a higher index; names are random. */
const randomDag = fc.integer({ min: 1, max: 14 }).chain((n) =>
  fc.record({
    names: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,4}$/), { minLength: n, maxLength: n }),
    edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 2 }),
  }),
);

function graphOf(dag: { names: string[]; edges: [number, number][] }): TaskGraph {
  return buildTaskGraph(
    dag.names.map((name, j) => dep(`v.${name}`, [...new Set(dag.edges.filter(([i, to]) => to === j && i < j).map(([i]) => `v.${dag.names[i]}`))])),
  );
}

/** Connected components of the undirected graph with `removed` taken out, counted by flood fill. */
function components(graph: TaskGraph, removed?: string): number {
  const seen = new Set<string>(removed === undefined ? [] : [removed]);
  let count = 0;
  for (const start of graph.tasks()) {
    if (seen.has(start)) continue;
    count += 1;
    const stack = [start];
    seen.add(start);
    while (stack.length > 0) {
      const task = stack.pop() ?? '';
      for (const next of [...graph.predecessors(task), ...graph.successors(task)]) {
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
  }
  return count;
}

describe('articulationPoints', () => {
  it('finds the views whose removal disconnects the graph', () => {
    //   a ─► b ─► c ─► e
    //        └──► d ──┘     f ─► g     (only b cuts: e is reached through c or d; f–g is a component of its own)
    const graph = buildTaskGraph([
      dep('v.a', []),
      dep('v.b', ['v.a']),
      dep('v.c', ['v.b']),
      dep('v.d', ['v.b']),
      dep('v.e', ['v.c', 'v.d']),
      dep('v.f', []),
      dep('v.g', ['v.f']),
    ]);
    expect(articulationPoints(graph)).toEqual(['v.b']);
    const chain = buildTaskGraph([dep('v.a', []), dep('v.b', ['v.a']), dep('v.c', ['v.b'])]);
    expect(articulationPoints(chain)).toEqual(['v.b']);
    expect(articulationPoints(buildTaskGraph([]))).toEqual([]);
    expect(Object.isFrozen(articulationPoints(chain))).toBe(true);
  });

  it('agrees with removing each task and counting components (property)', () => {
    fc.assert(
      fc.property(randomDag, (dag) => {
        const graph = graphOf(dag);
        const base = components(graph);
        const expected = graph.tasks().filter((task) => components(graph, task) > base);
        expect(articulationPoints(graph)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
