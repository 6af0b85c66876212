import { taskCosts } from './task-costs.js';
import type { TaskGraph } from './task-graph.js';
import { topologicalGenerations } from './topological-generations.js';

/**
 * The bottom level of every task: the cost of the most expensive path from
 * the task to a task nothing reads, the task's own cost included — the
 * priority of list scheduling (T. L. Adam, K. M. Chandy, J. R. Dickson,
 * "A comparison of list schedules for parallel processing systems", CACM
 * 1974). Computed over the generations in reverse, so each task is visited
 * after all its successors.
 *
 * @example
 * bottomLevels(graph, { 'norm.defs': 5, 'rel.calls': 2 }); // { 'norm.defs': 7, 'rel.calls': 2 }
 */
export function bottomLevels(graph: TaskGraph, costs?: Readonly<Record<string, number>>): Readonly<Record<string, number>> {
  const cost = taskCosts(graph, costs);
  const levels: Record<string, number> = {};
  const generations = topologicalGenerations(graph);
  for (let g = generations.length - 1; g >= 0; g--) {
    for (const task of generations[g] ?? []) {
      let below = 0;
      for (const successor of graph.successors(task)) below = Math.max(below, levels[successor] ?? 0);
      levels[task] = (cost[task] ?? 0) + below;
    }
  }
  return Object.freeze(levels);
}
