import type { TaskGraph } from './task-graph.js';

/**
 * The fan-out (out-degree) of every task: how many views read it. A view
 * many others read is worth materializing once; one read by a single view
 * can stay inline.
 *
 * @example
 * fanOut(graph)['norm.defs']; // 3
 */
export function fanOut(graph: TaskGraph): Readonly<Record<string, number>> {
  const degrees: Record<string, number> = {};
  for (const task of graph.tasks()) degrees[task] = graph.successors(task).length;
  return Object.freeze(degrees);
}
