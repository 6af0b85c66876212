import { z } from 'zod';
import { bottomLevels } from './bottom-levels.js';
import { taskCosts } from './task-costs.js';
import type { TaskGraph } from './task-graph.js';
import { topologicalGenerations } from './topological-generations.js';

/** When one task can start at the earliest and the latest, and the difference: its slack. */
export const TaskSlackSchema = z
  .object({
    earliestStart: z.number().nonnegative(),
    latestStart: z.number().nonnegative(),
    slack: z.number().nonnegative(),
  })
  .readonly();
export type TaskSlack = z.infer<typeof TaskSlackSchema>;

/** The critical path method's result: the shortest possible makespan and every task's slack within it. */
export const SlackAnalysisSchema = z
  .object({
    makespan: z.number().nonnegative(),
    tasks: z.record(z.string(), TaskSlackSchema).readonly(),
  })
  .readonly();
export type SlackAnalysis = z.infer<typeof SlackAnalysisSchema>;

/**
 * Every task's slack by the critical path method (J. E. Kelley, M. R.
 * Walker, "Critical-path planning and scheduling", 1959), with unlimited
 * parallelism: the earliest start is the longest cost path from any source
 * up to the task, the latest start is the makespan minus the task's bottom
 * level, and the slack is their difference — how long the task may be
 * delayed (or run slower than estimated) without delaying the whole run.
 * Tasks of the critical path have no slack. Costs as in `taskCosts`.
 *
 * @example
 * const { makespan, tasks } = slack(graph, costs);
 * tasks['norm.files'].slack; // 40: it can wait 40 cost units
 */
export function slack(graph: TaskGraph, costs?: Readonly<Record<string, number>>): SlackAnalysis {
  const cost = taskCosts(graph, costs);
  const levels = bottomLevels(graph, cost);
  const earliest = new Map<string, number>();
  for (const generation of topologicalGenerations(graph)) {
    for (const task of generation) {
      let start = 0;
      for (const input of graph.predecessors(task)) start = Math.max(start, (earliest.get(input) ?? 0) + (cost[input] ?? 0));
      earliest.set(task, start);
    }
  }
  let makespan = 0;
  for (const task of graph.tasks()) makespan = Math.max(makespan, (earliest.get(task) ?? 0) + (cost[task] ?? 0));
  const tasks: Record<string, TaskSlack> = {};
  for (const task of graph.tasks()) {
    const earliestStart = earliest.get(task) ?? 0;
    // Floating-point sums along two different paths may differ in the last bit; slack is never negative.
    const latestStart = Math.max(earliestStart, makespan - (levels[task] ?? 0));
    tasks[task] = Object.freeze({ earliestStart, latestStart, slack: latestStart - earliestStart });
  }
  return Object.freeze({ makespan, tasks: Object.freeze(tasks) });
}
