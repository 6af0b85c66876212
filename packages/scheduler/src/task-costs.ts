import { SchedulerError } from './scheduler-error.js';
import type { TaskGraph } from './task-graph.js';

/**
 * Checks costs given by view name: every name a known task, every cost a
 * finite number ≥ 0. Throws `scheduler/UnknownTask` or
 * `scheduler/InvalidCost` listing all offenders.
 */
export function checkedCosts(tasks: readonly string[], costs: Readonly<Record<string, number>> | undefined): Readonly<Record<string, number>> {
  if (costs === undefined) return {};
  const known = new Set(tasks);
  const unknown = Object.keys(costs).filter((name) => !known.has(name)).sort();
  if (unknown.length > 0) {
    throw SchedulerError.create('UnknownTask', `costs given for views that are not tasks: ${unknown.join(', ')}`, {
      details: { tasks: unknown },
      hint: 'give costs only for views passed to buildTaskGraph',
    });
  }
  const invalid = Object.entries(costs).filter(([, cost]) => !Number.isFinite(cost) || cost < 0);
  if (invalid.length > 0) {
    throw SchedulerError.create('InvalidCost', `costs must be finite and not negative: ${invalid.map(([n, c]) => `${n}=${c}`).join(', ')}`, {
      details: { costs: Object.fromEntries(invalid) },
      hint: 'estimate costs from plan statistics or measured durations; use 0 for free tasks',
    });
  }
  return costs;
}

/**
 * The cost of every task: the one given here, else the one recorded on the
 * task when the graph was built, else 1 — so that without any estimate the
 * schedule falls back to counting tasks along paths.
 *
 * @example
 * taskCosts(graph, { 'norm.defs': 40 }); // { 'norm.defs': 40, 'rel.calls': 1, … }
 */
export function taskCosts(graph: TaskGraph, costs?: Readonly<Record<string, number>>): Readonly<Record<string, number>> {
  const given = checkedCosts(graph.tasks(), costs);
  const resolved: Record<string, number> = {};
  for (const task of graph.tasks()) resolved[task] = given[task] ?? graph.task(task).cost ?? 1;
  return Object.freeze(resolved);
}
