/** A shortest path found in a call graph: the nodes from start to goal and the edge keys between them. */
export interface GraphPath {
  readonly nodes: readonly string[];
  readonly edges: readonly string[];
}

/** The part of a graphology directed graph that the search reads. */
export interface TraversableGraph {
  hasNode(node: string): boolean;
  outEdges(node: string): string[];
  target(edge: string): string;
}

/**
 * The shortest directed path from `start` to `goal` by number of edges, by
 * breadth-first search (Moore, 1959): the first time the search reaches a
 * node, it has reached it by a shortest path. Out-neighbours are visited in
 * the graph's insertion order, so a graph built in sorted order gives the
 * same path on every run. Returns undefined when `goal` is unreachable.
 *
 * @example
 * shortestCallPath(graph, 'def:a', 'def:c'); // { nodes: ['def:a', 'def:b', 'def:c'], edges: ['e1', 'e2'] }
 */
export function shortestCallPath(graph: TraversableGraph, start: string, goal: string): GraphPath | undefined {
  if (!graph.hasNode(start) || !graph.hasNode(goal)) return undefined;
  if (start === goal) return Object.freeze({ nodes: Object.freeze([start]), edges: Object.freeze([]) });
  const cameBy = new Map<string, { readonly from: string; readonly edge: string }>();
  const queue: string[] = [start];
  const seen = new Set([start]);
  for (let head = 0; head < queue.length; head += 1) {
    const here = queue[head]!;
    for (const edge of graph.outEdges(here)) {
      const there = graph.target(edge);
      if (seen.has(there)) continue;
      seen.add(there);
      cameBy.set(there, { from: here, edge });
      if (there === goal) return trace(cameBy, start, goal);
      queue.push(there);
    }
  }
  return undefined;
}

function trace(cameBy: ReadonlyMap<string, { readonly from: string; readonly edge: string }>, start: string, goal: string): GraphPath {
  const nodes = [goal];
  const edges: string[] = [];
  for (let at = goal; at !== start; ) {
    const step = cameBy.get(at)!;
    edges.push(step.edge);
    nodes.push(step.from);
    at = step.from;
  }
  return Object.freeze({ nodes: Object.freeze(nodes.reverse()), edges: Object.freeze(edges.reverse()) });
}
