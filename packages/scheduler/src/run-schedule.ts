import { AnatomyError } from '@anatomy/contracts';
import { Observable } from 'rxjs';
import { z } from 'zod';
import type { Schedule } from './schedule.js';
import { SchedulerError } from './scheduler-error.js';
import type { TaskGraph } from './task-graph.js';

const at = z.number().nonnegative().describe('wall-clock time of the event, in milliseconds since the epoch');
const task = z.string().min(1);

/** The outcome of a whole run: which tasks finished, failed or were not started. */
export const RunSummarySchema = z
  .object({
    finished: z.array(task).readonly(),
    failed: z.array(task).readonly(),
    skipped: z.array(task).readonly(),
    durationMs: z.number().nonnegative(),
  })
  .readonly();
export type RunSummary = z.infer<typeof RunSummarySchema>;

/**
 * What running a schedule reports, in order for each task: `queued` (its
 * inputs are done), `started`, then `finished` or `failed`; `skipped` for a
 * task never started because a task it depends on failed; a final `summary`.
 */
export const TaskEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('queued'), task, at }).readonly(),
  z.object({ type: z.literal('started'), task, at, inFlight: z.number().int().positive() }).readonly(),
  z
    .object({
      type: z.literal('finished'),
      task,
      at,
      durationMs: z.number().nonnegative(),
      rows: z.number().int().nonnegative().optional(),
    })
    .readonly(),
  z
    .object({
      type: z.literal('failed'),
      task,
      at,
      durationMs: z.number().nonnegative(),
      error: z.object({ message: z.string(), code: z.string().optional() }).readonly(),
    })
    .readonly(),
  z.object({ type: z.literal('skipped'), task, at, failedInput: task }).readonly(),
  z.object({ type: z.literal('summary'), at, summary: RunSummarySchema }).readonly(),
]);
export type TaskEvent = z.infer<typeof TaskEventSchema>;

/** What a task reports when it finishes: the rows it produced, when known. */
export interface TaskResult {
  readonly rows?: number;
}

/** Options of {@link runSchedule}. */
export interface RunScheduleOptions {
  /** Most tasks running at once; a positive integer. */
  readonly concurrency: number;
  /**
   * Tasks that run alone: one starts only when nothing else is running, and
   * nothing starts beside it. While one waits at the head of the ready tasks,
   * the tasks after it wait too, so schedule order still decides who goes
   * first. Every task may run beside others when absent.
   */
  readonly exclusive?: (task: string) => boolean;
}

function checkRun(schedule: Schedule, graph: TaskGraph, options: RunScheduleOptions): void {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw SchedulerError.create('InvalidOptions', `concurrency must be a positive integer, not ${options.concurrency}`, {
      details: { concurrency: options.concurrency },
      hint: 'pass { concurrency: 1 } or more, e.g. the number of DuckDB threads',
    });
  }
  const position = new Map(schedule.order.map((name, i) => [name, i]));
  const problems: string[] = [];
  if (position.size !== schedule.order.length) problems.push('the order lists a task twice');
  for (const name of graph.tasks()) if (!position.has(name)) problems.push(`${name} is missing from the order`);
  for (const name of schedule.order) if (!graph.has(name)) problems.push(`${name} is not a task of the graph`);
  for (const [from, to] of graph.edges()) {
    if ((position.get(from) ?? 0) > (position.get(to) ?? 0)) problems.push(`${to} comes before its input ${from}`);
  }
  if (problems.length > 0) {
    throw SchedulerError.create('ScheduleMismatch', `the schedule does not fit the task graph:\n${problems.join('\n')}`, {
      details: { problems },
      hint: 'schedule the same graph you run: schedule(graph) then runSchedule(thatSchedule, graph, …)',
    });
  }
}

function describeError(error: unknown): { message: string; code?: string } {
  if (error instanceof AnatomyError) return { message: error.message, code: error.code };
  return { message: error instanceof Error ? error.message : String(error) };
}

/**
 * Runs a schedule: each task starts once every task it reads has finished,
 * at most `concurrency` at a time, ready tasks taken in schedule order. The
 * returned Observable is cold — nothing runs until it is subscribed — and
 * emits the events of {@link TaskEventSchema}. When a task fails, the tasks
 * depending on it are skipped and the others still run; after the summary
 * the Observable completes, or errors with `scheduler/RunFailed` (summary in
 * its details) when any task failed. Unsubscribing starts no further task.
 *
 * @example
 * runSchedule(plan, graph, (view) => store.materialize({ name: view, sql: sqlOf(view), as: 'table' })
 *   .then((o) => ({ rows: o.rowsInserted })), { concurrency: 4 })
 *   .subscribe((event) => progress.update(event));
 */
export function runSchedule(
  schedule: Schedule,
  graph: TaskGraph,
  runTask: (task: string) => Promise<TaskResult>,
  options: RunScheduleOptions,
): Observable<TaskEvent> {
  checkRun(schedule, graph, options);
  const { concurrency, exclusive } = options;
  const position = new Map(schedule.order.map((name, i) => [name, i]));
  return new Observable<TaskEvent>((subscriber) => {
    let active = true;
    const runStarted = performance.now();
    const waiting = new Map(graph.tasks().map((name) => [name, graph.predecessors(name).length]));
    const ready: string[] = [];
    const finished: string[] = [];
    const failed: string[] = [];
    const skipped = new Set<string>();
    let firstFailure: unknown;
    let inFlight = 0;
    // Whether the task running now runs alone.
    let alone = false;

    const emit = (event: TaskEvent): void => {
      if (active) subscriber.next(Object.freeze(event));
    };
    const enqueue = (name: string): void => {
      // Kept in schedule order, so the highest-priority ready task is always first.
      const index = ready.findIndex((other) => (position.get(other) ?? 0) > (position.get(name) ?? 0));
      ready.splice(index === -1 ? ready.length : index, 0, name);
      emit({ type: 'queued', task: name, at: Date.now() });
    };
    const skipDependents = (failedTask: string): void => {
      const pending = [...graph.successors(failedTask)];
      for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
        if (skipped.has(next)) continue;
        skipped.add(next);
        emit({ type: 'skipped', task: next, at: Date.now(), failedInput: failedTask });
        pending.push(...graph.successors(next));
      }
    };
    const settleIfDone = (): void => {
      if (!active || finished.length + failed.length + skipped.size < graph.taskCount) return;
      const summary = Object.freeze({
        finished: Object.freeze([...finished]),
        failed: Object.freeze([...failed]),
        skipped: Object.freeze([...skipped]),
        durationMs: performance.now() - runStarted,
      });
      emit({ type: 'summary', at: Date.now(), summary });
      active = false;
      if (failed.length === 0) {
        subscriber.complete();
        return;
      }
      subscriber.error(
        SchedulerError.create(
          'RunFailed',
          `${failed.length} task(s) failed (${failed.join(', ')}) and ${skipped.size} dependent task(s) were not started`,
          {
            details: { summary },
            cause: firstFailure,
            hint: 'fix the failed views (see the failed events for their errors); the tasks that finished are kept',
          },
        ),
      );
    };
    const start = (name: string, exclusively: boolean): void => {
      inFlight += 1;
      alone = exclusively;
      const started = performance.now();
      emit({ type: 'started', task: name, at: Date.now(), inFlight });
      Promise.resolve()
        .then(() => runTask(name))
        .then(
          (result) => {
            if (!active) return;
            inFlight -= 1;
            if (inFlight === 0) alone = false;
            finished.push(name);
            const rows = typeof result === 'object' && result !== null ? result.rows : undefined;
            emit({
              type: 'finished',
              task: name,
              at: Date.now(),
              durationMs: performance.now() - started,
              ...(rows === undefined ? {} : { rows }),
            });
            for (const successor of graph.successors(name)) {
              const left = (waiting.get(successor) ?? 0) - 1;
              waiting.set(successor, left);
              if (left === 0 && !skipped.has(successor)) enqueue(successor);
            }
            pump();
          },
          (error: unknown) => {
            if (!active) return;
            inFlight -= 1;
            if (inFlight === 0) alone = false;
            failed.push(name);
            firstFailure ??= error;
            emit({ type: 'failed', task: name, at: Date.now(), durationMs: performance.now() - started, error: describeError(error) });
            skipDependents(name);
            pump();
          },
        );
    };
    const pump = (): void => {
      while (active && inFlight < concurrency && ready.length > 0 && !alone) {
        const next = ready[0] ?? '';
        const exclusively = exclusive?.(next) === true;
        // An exclusive task waits for the running ones to finish, and holds back the ready tasks after it.
        if (exclusively && inFlight > 0) break;
        ready.shift();
        start(next, exclusively);
      }
      settleIfDone();
    };

    for (const name of schedule.order) if (waiting.get(name) === 0) enqueue(name);
    pump();
    return () => {
      active = false;
    };
  });
}
