import { formatIssues, validate } from '@anatomy/contracts';
import { InferredDepsSchema } from '@anatomy/plan-signals';
import type { InferredDeps } from '@anatomy/plan-signals';
import { DirectedGraph } from 'graphology';
import { z } from 'zod';
import { SchedulerError } from './scheduler-error.js';
import { TaskGraph } from './task-graph.js';
import type { TaskAttributes } from './task-graph.js';
import { checkedCosts } from './task-costs.js';

/** Options of {@link buildTaskGraph}. */
export interface BuildTaskGraphOptions {
  /** Estimated cost per view (e.g. from plan statistics), recorded on its task. */
  readonly costs?: Readonly<Record<string, number>>;
}

/**
 * Builds the task graph from the dependencies inferred from the views'
 * plans: one task per view, an edge `input → view` for every input that is
 * itself a view, and the other inputs recorded on the task as external
 * sources. Nothing is declared: the edges are exactly the plans' inputs.
 * Throws `scheduler/InvalidDeps` (listing every problem),
 * `scheduler/DuplicateTask`, `scheduler/UnknownTask` or
 * `scheduler/InvalidCost` for bad input and `scheduler/CycleDetected`,
 * naming the cycle, when views read each other in a loop.
 *
 * @example
 * const graph = buildTaskGraph(lineages.map(inferDeps), { costs: { 'norm.defs': 1200 } });
 */
export function buildTaskGraph(deps: readonly InferredDeps[], options: BuildTaskGraphOptions = {}): TaskGraph {
  const checked = validate(z.array(InferredDepsSchema), deps);
  if (!checked.ok) {
    throw SchedulerError.create('InvalidDeps', `the inferred dependencies are malformed:\n${formatIssues(checked.issues)}`, {
      details: { issues: checked.issues },
      hint: 'build them with inferDeps from @anatomy/plan-signals',
    });
  }
  const views = new Set<string>();
  const duplicates = new Set<string>();
  for (const dep of checked.value) (views.has(dep.view) ? duplicates : views).add(dep.view);
  if (duplicates.size > 0) {
    const names = [...duplicates].sort();
    throw SchedulerError.create('DuplicateTask', `views given more than once: ${names.join(', ')}`, {
      details: { views: names },
      hint: 'pass the dependencies of each view once',
    });
  }
  const costs = checkedCosts([...views], options.costs);
  const graph = new DirectedGraph<TaskAttributes>();
  for (const dep of checked.value) {
    graph.addNode(dep.view, {
      name: dep.view,
      cost: costs[dep.view],
      externalInputs: dep.inputs.filter((input) => !views.has(input)).sort(),
    });
  }
  for (const dep of checked.value) {
    for (const input of dep.inputs) if (views.has(input)) graph.mergeEdge(input, dep.view);
  }
  return new TaskGraph(graph);
}
