import type { TaskGraph } from './task-graph.js';

/**
 * Groups tasks into generations with Kahn's algorithm taken level by level
 * (A. B. Kahn, "Topological sorting of large networks", CACM 1962): the
 * first generation holds the tasks that read no other view, each next one
 * the tasks whose inputs all sit in earlier generations. Tasks of one
 * generation never depend on each other and can run together. Names are
 * sorted within a generation.
 *
 * @example
 * topologicalGenerations(graph); // [['norm.defs', 'norm.files'], ['rel.calls']]
 */
export function topologicalGenerations(graph: TaskGraph): readonly (readonly string[])[] {
  const waiting = new Map<string, number>();
  for (const task of graph.tasks()) waiting.set(task, graph.predecessors(task).length);
  const generations: (readonly string[])[] = [];
  let current = graph.tasks().filter((task) => waiting.get(task) === 0);
  while (current.length > 0) {
    generations.push(Object.freeze(current));
    const next: string[] = [];
    for (const task of current) {
      for (const successor of graph.successors(task)) {
        const left = (waiting.get(successor) ?? 0) - 1;
        waiting.set(successor, left);
        if (left === 0) next.push(successor);
      }
    }
    current = next.sort();
  }
  // TaskGraph rejects cycles when built, so every task has been placed here.
  return Object.freeze(generations);
}
