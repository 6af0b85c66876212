import { z } from 'zod';
import { bottomLevels } from './bottom-levels.js';
import { criticalPath, CriticalPathSchema } from './critical-path.js';
import { taskCosts } from './task-costs.js';
import type { TaskGraph } from './task-graph.js';
import { topologicalGenerations } from './topological-generations.js';

/**
 * A cost-aware plan of execution: a topological `order` that puts
 * critical-path work first, the generations of tasks that may run
 * together, the critical path, and the bottom level and cost of each task.
 */
export const ScheduleSchema = z
  .object({
    order: z.array(z.string().min(1)).readonly(),
    generations: z.array(z.array(z.string().min(1)).min(1).readonly()).readonly(),
    criticalPath: CriticalPathSchema,
    bottomLevels: z.record(z.string(), z.number().nonnegative()).readonly(),
    costs: z.record(z.string(), z.number().nonnegative()).readonly(),
  })
  .readonly();
export type Schedule = z.infer<typeof ScheduleSchema>;

/**
 * Schedules the task graph by list scheduling with bottom levels as
 * priorities: repeatedly take, among the tasks whose inputs are all placed,
 * the one with the highest bottom level (ties by name). Long chains start
 * early, which shortens the whole run when tasks execute in parallel.
 * Costs default to those recorded in the graph, then to 1 per task.
 *
 * @example
 * const plan = schedule(graph, { 'norm.defs': 1200, 'rel.calls': 300 });
 * plan.order; // ['norm.defs', 'norm.files', 'rel.calls']
 */
export function schedule(graph: TaskGraph, costs?: Readonly<Record<string, number>>): Schedule {
  const cost = taskCosts(graph, costs);
  const levels = bottomLevels(graph, cost);
  const before = (a: string, b: string): boolean => {
    const la = levels[a] ?? 0;
    const lb = levels[b] ?? 0;
    return la > lb || (la === lb && a < b);
  };
  const waiting = new Map<string, number>();
  for (const task of graph.tasks()) waiting.set(task, graph.predecessors(task).length);
  const ready = graph.tasks().filter((task) => waiting.get(task) === 0);
  const order: string[] = [];
  // A linear scan for the best ready task: view graphs hold hundreds of tasks, not millions.
  while (ready.length > 0) {
    let best = 0;
    for (let i = 1; i < ready.length; i++) if (before(ready[i] ?? '', ready[best] ?? '')) best = i;
    const [task = ''] = ready.splice(best, 1);
    order.push(task);
    for (const successor of graph.successors(task)) {
      const left = (waiting.get(successor) ?? 0) - 1;
      waiting.set(successor, left);
      if (left === 0) ready.push(successor);
    }
  }
  return Object.freeze({
    order: Object.freeze(order),
    generations: topologicalGenerations(graph),
    criticalPath: criticalPath(graph, cost),
    bottomLevels: levels,
    costs: cost,
  });
}
