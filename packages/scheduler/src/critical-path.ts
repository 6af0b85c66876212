import { z } from 'zod';
import { bottomLevels } from './bottom-levels.js';
import type { TaskGraph } from './task-graph.js';

/** The most expensive chain of dependent tasks and its total cost: no schedule can finish sooner. */
export const CriticalPathSchema = z
  .object({
    tasks: z.array(z.string().min(1)).readonly(),
    cost: z.number().nonnegative(),
  })
  .readonly();
export type CriticalPath = z.infer<typeof CriticalPathSchema>;

/**
 * The critical path (the longest path of the DAG, costs as weights, found
 * through bottom levels): start at the source with the highest bottom
 * level and keep stepping to the successor with the highest one. Ties go to
 * the smaller name, so the path is deterministic.
 *
 * @example
 * criticalPath(graph, costs); // { tasks: ['norm.defs', 'rel.calls', 'cpg.edges'], cost: 42 }
 */
export function criticalPath(graph: TaskGraph, costs?: Readonly<Record<string, number>>): CriticalPath {
  const levels = bottomLevels(graph, costs);
  const highest = (candidates: readonly string[]): string | undefined => {
    let best: string | undefined;
    for (const task of candidates) if (best === undefined || (levels[task] ?? 0) > (levels[best] ?? 0)) best = task;
    return best;
  };
  const tasks: string[] = [];
  let current = highest(graph.tasks().filter((task) => graph.predecessors(task).length === 0));
  const cost = current === undefined ? 0 : (levels[current] ?? 0);
  while (current !== undefined) {
    tasks.push(current);
    current = highest(graph.successors(current));
  }
  return Object.freeze({ tasks: Object.freeze(tasks), cost });
}
