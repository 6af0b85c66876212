import type { DirectedGraph } from 'graphology';
import { findCycle } from './find-cycle.js';
import { SchedulerError } from './scheduler-error.js';

/** What the task graph knows about one view's task. */
export interface TaskAttributes {
  readonly name: string;
  /** Estimated cost when one was given (any unit, the same for every task); undefined otherwise. */
  readonly cost: number | undefined;
  /** Inputs that are not views of this graph: evidence tables that exist before any task runs. */
  readonly externalInputs: readonly string[];
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The immutable task graph: one task per view and an edge `input → view`
 * for every input that is itself a view. It wraps a graphology
 * `DirectedGraph` that is never mutated after construction; every list it
 * returns is sorted by name and frozen, so analyses are deterministic.
 * Construction throws `scheduler/CycleDetected` when the views read each
 * other in a cycle.
 *
 * @example
 * const graph = buildTaskGraph(deps);
 * graph.successors('norm.defs'); // ['rel.calls', 'rel.refs']
 */
export class TaskGraph {
  readonly #graph: DirectedGraph<TaskAttributes>;
  readonly #tasks: readonly string[];
  readonly #successors = new Map<string, readonly string[]>();
  readonly #predecessors = new Map<string, readonly string[]>();

  /** Takes a copy of `graph`; prefer {@link buildTaskGraph}, which builds it from InferredDeps. */
  constructor(graph: DirectedGraph<TaskAttributes>) {
    this.#graph = graph.copy();
    for (const task of this.#graph.nodes()) {
      const { name, cost, externalInputs } = this.#graph.getNodeAttributes(task);
      this.#graph.replaceNodeAttributes(task, Object.freeze({ name, cost, externalInputs: Object.freeze([...externalInputs]) }));
    }
    this.#tasks = Object.freeze([...this.#graph.nodes()].sort(byName));
    for (const task of this.#tasks) {
      this.#successors.set(task, Object.freeze([...new Set(this.#graph.outNeighbors(task))].sort(byName)));
      this.#predecessors.set(task, Object.freeze([...new Set(this.#graph.inNeighbors(task))].sort(byName)));
    }
    const cycle = findCycle(this.#tasks, (task) => this.successors(task));
    if (cycle !== undefined) {
      throw SchedulerError.create('CycleDetected', `the views read each other in a cycle: ${cycle.join(' → ')}`, {
        details: { cycle },
        hint: `change the SQL of one of ${[...new Set(cycle)].join(', ')} so that it no longer reads the next view of the cycle`,
      });
    }
    Object.freeze(this);
  }

  /** Number of tasks. */
  get taskCount(): number {
    return this.#tasks.length;
  }

  /** Number of `input → view` edges. */
  get edgeCount(): number {
    return this.#graph.size;
  }

  /** Every task, sorted by name. */
  tasks(): readonly string[] {
    return this.#tasks;
  }

  /** True when the graph has a task of that name. */
  has(task: string): boolean {
    return this.#graph.hasNode(task);
  }

  /** The attributes of one task; throws `scheduler/UnknownTask` for a name not in the graph. */
  task(task: string): TaskAttributes {
    this.#assertTask(task);
    return this.#graph.getNodeAttributes(task);
  }

  /** The views a task reads, sorted. */
  predecessors(task: string): readonly string[] {
    this.#assertTask(task);
    return this.#predecessors.get(task) ?? [];
  }

  /** The views that read a task, sorted. */
  successors(task: string): readonly string[] {
    this.#assertTask(task);
    return this.#successors.get(task) ?? [];
  }

  /** Every edge as `[input, view]`, sorted. */
  edges(): readonly (readonly [string, string])[] {
    return Object.freeze(this.#tasks.flatMap((from) => (this.#successors.get(from) ?? []).map((to) => Object.freeze([from, to] as const))));
  }

  /** A copy of the underlying graphology graph, for graphology's own algorithms; editing it leaves this graph unchanged. */
  toGraphology(): DirectedGraph<TaskAttributes> {
    return this.#graph.copy();
  }

  #assertTask(task: string): void {
    if (!this.#graph.hasNode(task)) {
      throw SchedulerError.create('UnknownTask', `the task graph has no task ${task}`, {
        details: { task },
        hint: 'use a view name from graph.tasks()',
      });
    }
  }
}
