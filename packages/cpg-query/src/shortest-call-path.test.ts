import { DirectedGraph } from 'graphology';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shortestCallPath } from './shortest-call-path.js';

function graphOf(edges: readonly (readonly [string, string])[]): DirectedGraph {
  const graph = new DirectedGraph();
  for (const [a, b] of edges) {
    graph.mergeNode(a);
    graph.mergeNode(b);
    graph.mergeEdgeWithKey(`${a}>${b}`, a, b);
  }
  return graph;
}

/** Distance by repeated relaxation (Bellman–Ford with unit weights), to check the search against. */
function distance(edges: readonly (readonly [string, string])[], from: string, to: string): number | undefined {
  const dist = new Map([[from, 0]]);
  for (let round = 0; round < 10; round += 1) {
    for (const [a, b] of edges) {
      const da = dist.get(a);
      if (da !== undefined && (dist.get(b) ?? Infinity) > da + 1) dist.set(b, da + 1);
    }
  }
  return dist.get(to);
}

describe('shortestCallPath', () => {
  it('prefers fewer hops and breaks ties by insertion order', () => {
    const graph = graphOf([
      ['a', 'b'],
      ['a', 'c'],
      ['b', 'd'],
      ['c', 'd'],
      ['d', 'e'],
      ['a', 'e'],
    ]);
    expect(shortestCallPath(graph, 'a', 'e')).toEqual({ nodes: ['a', 'e'], edges: ['a>e'] });
    expect(shortestCallPath(graph, 'a', 'd')).toEqual({ nodes: ['a', 'b', 'd'], edges: ['a>b', 'b>d'] });
    expect(shortestCallPath(graph, 'e', 'a')).toBeUndefined();
    expect(shortestCallPath(graph, 'a', 'zz')).toBeUndefined();
  });

  it('finds a path exactly when one exists, of the shortest length, made of real edges', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const edge = fc.tuple(fc.constantFrom(...names), fc.constantFrom(...names));
    fc.assert(
      fc.property(fc.array(edge, { maxLength: 20 }), fc.constantFrom(...names), fc.constantFrom(...names), (edges, from, to) => {
        const graph = graphOf(edges);
        for (const n of names) graph.mergeNode(n);
        const path = shortestCallPath(graph, from, to);
        const expected = distance(edges, from, to);
        if (expected === undefined) return path === undefined;
        if (path === undefined || path.edges.length !== expected || path.nodes[0] !== from || path.nodes.at(-1) !== to) return false;
        return path.edges.every((e, i) => graph.source(e) === path.nodes[i] && graph.target(e) === path.nodes[i + 1]);
      }),
    );
  });
});
