import type { InferredDeps } from '@anatomy/plan-signals';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { betweennessCentrality } from './betweenness-centrality.js';
import { buildTaskGraph } from './build-task-graph.js';
import type { TaskGraph } from './task-graph.js';

const dep = (view: string, inputs: string[]): InferredDeps => ({ view, inputs, requiredColumns: {}, requiredMacros: [], inputsFrom: 'plan-lineage' });

const randomDag = fc.integer({ min: 1, max: 12 }).chain((n) =>
  fc.record({
    names: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,4}$/), { minLength: n, maxLength: n }),
    edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 3 }),
  }),
);

function graphOf(dag: { names: string[]; edges: [number, number][] }): TaskGraph {
  return buildTaskGraph(
    dag.names.map((name, j) => dep(`v.${name}`, [...new Set(dag.edges.filter(([i, to]) => to === j && i < j).map(([i]) => `v.${dag.names[i]}`))])),
  );
}

/** Distances and shortest-path counts from one task, by breadth-first search. */
function shortestPaths(graph: TaskGraph, source: string): { distance: Map<string, number>; count: Map<string, number> } {
  const distance = new Map([[source, 0]]);
  const count = new Map([[source, 1]]);
  const queue = [source];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i] ?? '';
    for (const w of graph.successors(v)) {
      if (!distance.has(w)) {
        distance.set(w, (distance.get(v) ?? 0) + 1);
        queue.push(w);
      }
      if (distance.get(w) === (distance.get(v) ?? 0) + 1) count.set(w, (count.get(w) ?? 0) + (count.get(v) ?? 0));
    }
  }
  return { distance, count };
}

/** Betweenness from its definition: σ_st(v) = σ_sv · σ_vt when v lies on a shortest s–t path. */
function bruteForce(graph: TaskGraph): Record<string, number> {
  const all = new Map(graph.tasks().map((t) => [t, shortestPaths(graph, t)]));
  const result: Record<string, number> = {};
  for (const v of graph.tasks()) {
    let sum = 0;
    for (const s of graph.tasks()) {
      for (const t of graph.tasks()) {
        if (s === t || s === v || t === v) continue;
        const fromS = all.get(s);
        const fromV = all.get(v);
        const dst = fromS?.distance.get(t);
        const dsv = fromS?.distance.get(v);
        const dvt = fromV?.distance.get(t);
        if (dst === undefined || dsv === undefined || dvt === undefined || dsv + dvt !== dst) continue;
        sum += ((fromS?.count.get(v) ?? 0) * (fromV?.count.get(t) ?? 0)) / (fromS?.count.get(t) ?? 1);
      }
    }
    result[v] = sum;
  }
  return result;
}

describe('betweennessCentrality', () => {
  it('counts the shortest paths through each view of a diamond', () => {
    //   a ─► b ─► d ─► e
    //   └──► c ──┘
    const graph = buildTaskGraph([dep('v.a', []), dep('v.b', ['v.a']), dep('v.c', ['v.a']), dep('v.d', ['v.b', 'v.c']), dep('v.e', ['v.d'])]);
    // a→d goes half through b, half through c; a→e likewise; d lies on a→e, b→e, c→e.
    expect(betweennessCentrality(graph)).toEqual({ 'v.a': 0, 'v.b': 1, 'v.c': 1, 'v.d': 3, 'v.e': 0 });
    expect(betweennessCentrality(graph, { normalized: true })['v.d']).toBeCloseTo(3 / 12);
  });

  it("matches the definition on random DAGs (property), Brandes' accumulation against brute force", () => {
    fc.assert(
      fc.property(randomDag, (dag) => {
        const graph = graphOf(dag);
        const expected = bruteForce(graph);
        const actual = betweennessCentrality(graph);
        for (const task of graph.tasks()) expect(actual[task]).toBeCloseTo(expected[task] ?? -1, 9);
        const normalized = betweennessCentrality(graph, { normalized: true });
        for (const task of graph.tasks()) {
          expect(normalized[task]).toBeGreaterThanOrEqual(0);
          expect(normalized[task]).toBeLessThanOrEqual(1 + 1e-12);
        }
      }),
      { numRuns: 200 },
    );
  });
});
