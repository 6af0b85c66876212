import type { TaskGraph } from './task-graph.js';

/** Options of {@link betweennessCentrality}. */
export interface BetweennessOptions {
  /** Divide by (n − 1)(n − 2), the number of ordered pairs a task could lie between, giving values in [0, 1]. */
  readonly normalized?: boolean;
}

/**
 * The betweenness centrality of every task: over all ordered pairs of other
 * tasks (s, t), the fraction of shortest dependency paths from s to t that
 * pass through it, summed. High betweenness marks views through which much
 * of the data flow is funnelled. Computed with U. Brandes' algorithm ("A
 * faster algorithm for betweenness centrality", J. Math. Sociol. 2001):
 * one breadth-first search per source counting shortest paths, then
 * dependencies accumulated in reverse order of distance — O(V·E) on the
 * unweighted, directed task graph.
 *
 * @example
 * betweennessCentrality(graph); // { 'norm.defs': 4, 'evidence_side.x': 0, … }
 */
export function betweennessCentrality(graph: TaskGraph, options: BetweennessOptions = {}): Readonly<Record<string, number>> {
  const tasks = graph.tasks();
  const centrality: Record<string, number> = {};
  for (const task of tasks) centrality[task] = 0;
  for (const source of tasks) {
    const order: string[] = [];
    const predecessors = new Map<string, string[]>();
    const paths = new Map<string, number>([[source, 1]]);
    const distance = new Map<string, number>([[source, 0]]);
    const queue: string[] = [source];
    for (let head = 0; head < queue.length; head++) {
      const v = queue[head] ?? '';
      order.push(v);
      const dv = distance.get(v) ?? 0;
      for (const w of graph.successors(v)) {
        if (!distance.has(w)) {
          distance.set(w, dv + 1);
          queue.push(w);
        }
        if (distance.get(w) === dv + 1) {
          paths.set(w, (paths.get(w) ?? 0) + (paths.get(v) ?? 0));
          predecessors.set(w, [...(predecessors.get(w) ?? []), v]);
        }
      }
    }
    const dependency = new Map<string, number>();
    for (let i = order.length - 1; i >= 0; i--) {
      const w = order[i] ?? '';
      const share = (1 + (dependency.get(w) ?? 0)) / (paths.get(w) ?? 1);
      for (const v of predecessors.get(w) ?? []) dependency.set(v, (dependency.get(v) ?? 0) + (paths.get(v) ?? 0) * share);
      if (w !== source) centrality[w] = (centrality[w] ?? 0) + (dependency.get(w) ?? 0);
    }
  }
  const n = tasks.length;
  if (options.normalized === true && n > 2) {
    const pairs = (n - 1) * (n - 2);
    for (const task of tasks) centrality[task] = (centrality[task] ?? 0) / pairs;
  }
  return Object.freeze(centrality);
}
