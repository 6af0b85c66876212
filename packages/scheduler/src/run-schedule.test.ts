import type { InferredDeps } from '@anatomy/plan-signals';
import fc from 'fast-check';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { buildTaskGraph } from './build-task-graph.js';
import { runSchedule, TaskEventSchema } from './run-schedule.js';
import type { TaskEvent } from './run-schedule.js';
import { schedule } from './schedule.js';
import { SchedulerError } from './scheduler-error.js';

const dep = (view: string, inputs: string[]): InferredDeps => ({ view, inputs, requiredColumns: {}, requiredMacros: [], inputsFrom: 'plan-lineage' });

/** Lets every pending promise callback run; no clock is involved. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A promise the test resolves or rejects by hand. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const randomDag = fc.integer({ min: 1, max: 20 }).chain((n) =>
  fc.record({
    names: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,4}$/), { minLength: n, maxLength: n }),
    edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 2 }),
  }),
);

/** The task graph of a random DAG: an edge i → j only forward (i < j), so there is no cycle. */
function graphOf(dag: { names: string[]; edges: [number, number][] }): ReturnType<typeof buildTaskGraph> {
  return buildTaskGraph(
    dag.names.map((name, j) =>
      dep(
        `v.${name}`,
        dag.edges.filter(([i, to]) => to === j && i < j).map(([i]) => `v.${dag.names[i]}`),
      ),
    ),
  );
}

describe('runSchedule', () => {
  it('never exceeds the concurrency and starts a task only after its inputs finished, whatever order tasks finish in', async () => {
    await fc.assert(
      fc.asyncProperty(randomDag, fc.integer({ min: 1, max: 4 }), fc.scheduler(), async (dag, concurrency, s) => {
        const graph = graphOf(dag);
        const finished = new Set<string>();
        let running = 0;
        let mostRunning = 0;
        const runTask = (task: string): Promise<{ rows: number }> => {
          for (const input of graph.predecessors(task)) expect(finished.has(input)).toBe(true);
          running += 1;
          mostRunning = Math.max(mostRunning, running);
          expect(running).toBeLessThanOrEqual(concurrency);
          // The fast-check scheduler decides when each task completes, exploring many interleavings.
          return s.schedule(Promise.resolve({ rows: task.length }), task).then((result) => {
            running -= 1;
            finished.add(task);
            return result;
          });
        };
        const events = await s.waitFor(lastValueFrom(runSchedule(schedule(graph), graph, runTask, { concurrency }).pipe(toArray())));
        for (const event of events) TaskEventSchema.parse(event);
        expect(finished.size).toBe(graph.taskCount);
        expect(mostRunning).toBeLessThanOrEqual(concurrency);
        const started = events.filter((e) => e.type === 'started');
        expect(started.map((e) => e.task).sort()).toEqual(graph.tasks());
        for (const e of started) expect(e.inFlight).toBeLessThanOrEqual(concurrency);
        const last = events[events.length - 1];
        expect(last?.type === 'summary' ? last.summary.finished.length : -1).toBe(graph.taskCount);
      }),
      { numRuns: 150 },
    );
  });

  it('fills every slot: with 5 independent tasks and concurrency 2, two run, and a third starts when one ends', async () => {
    const graph = buildTaskGraph(['a', 'b', 'c', 'd', 'e'].map((n) => dep(`v.${n}`, ['evidence.files'])));
    const pending = new Map<string, ReturnType<typeof deferred<{ rows: number }>>>();
    const events: TaskEvent[] = [];
    const done = deferred<void>();
    runSchedule(
      schedule(graph),
      graph,
      (task) => {
        const d = deferred<{ rows: number }>();
        pending.set(task, d);
        return d.promise;
      },
      { concurrency: 2 },
    ).subscribe({ next: (e) => events.push(e), complete: () => done.resolve() });
    await settle();
    expect([...pending.keys()]).toEqual(['v.a', 'v.b']);
    pending.get('v.b')?.resolve({ rows: 3 });
    await settle();
    expect([...pending.keys()]).toEqual(['v.a', 'v.b', 'v.c']);
    for (const name of ['v.a', 'v.c', 'v.d', 'v.e']) {
      pending.get(name)?.resolve({ rows: 1 });
      await settle();
    }
    await done.promise;
    expect(events.find((e) => e.type === 'finished' && e.task === 'v.b')).toMatchObject({ rows: 3 });
    expect(events.filter((e) => e.type === 'queued')).toHaveLength(5);
  });

  it('never runs an exclusive task beside another, and still runs every task, whatever order tasks finish in', async () => {
    await fc.assert(
      fc.asyncProperty(randomDag, fc.integer({ min: 1, max: 4 }), fc.func(fc.boolean()), fc.scheduler(), async (dag, concurrency, alone, s) => {
        const graph = graphOf(dag);
        const running = new Set<string>();
        let finished = 0;
        const runTask = (task: string): Promise<{ rows: number }> => {
          running.add(task);
          expect(running.size).toBeLessThanOrEqual(concurrency);
          if (running.size > 1) for (const other of running) expect(alone(other)).toBe(false);
          return s.schedule(Promise.resolve({ rows: 1 }), task).then((result) => {
            running.delete(task);
            finished += 1;
            return result;
          });
        };
        await s.waitFor(lastValueFrom(runSchedule(schedule(graph), graph, runTask, { concurrency, exclusive: alone }).pipe(toArray())));
        expect(finished).toBe(graph.taskCount);
      }),
      { numRuns: 150 },
    );
  });

  it('holds the ready tasks behind an exclusive one until it has run alone', async () => {
    const graph = buildTaskGraph(['a', 'b', 'c', 'd'].map((n) => dep(`v.${n}`, ['evidence.files'])));
    const pending = new Map<string, ReturnType<typeof deferred<{ rows: number }>>>();
    const done = deferred<void>();
    runSchedule(
      { ...schedule(graph), order: ['v.a', 'v.b', 'v.c', 'v.d'] },
      graph,
      (task) => {
        const d = deferred<{ rows: number }>();
        pending.set(task, d);
        return d.promise;
      },
      { concurrency: 2, exclusive: (task) => task === 'v.b' },
    ).subscribe({ complete: () => done.resolve() });
    await settle();
    // v.b waits for v.a, and v.c, though a slot is free, waits behind v.b.
    expect([...pending.keys()]).toEqual(['v.a']);
    pending.get('v.a')?.resolve({ rows: 1 });
    await settle();
    expect([...pending.keys()]).toEqual(['v.a', 'v.b']);
    pending.get('v.b')?.resolve({ rows: 1 });
    await settle();
    // Then two at a time again.
    expect([...pending.keys()]).toEqual(['v.a', 'v.b', 'v.c', 'v.d']);
    pending.get('v.c')?.resolve({ rows: 1 });
    pending.get('v.d')?.resolve({ rows: 1 });
    await done.promise;
  });

  it('on a failure skips the dependents, finishes the other tasks, then errors with a summary', async () => {
    // a → b → c, a → d, and e independent of them.
    const graph = buildTaskGraph([dep('v.a', []), dep('v.b', ['v.a']), dep('v.c', ['v.b']), dep('v.d', ['v.a']), dep('v.e', [])]);
    const failure = new Error('Binder Error: column x not found');
    const ran: string[] = [];
    const events: TaskEvent[] = [];
    const outcome = await new Promise<unknown>((resolve) => {
      runSchedule(
        schedule(graph),
        graph,
        async (task) => {
          ran.push(task);
          if (task === 'v.a') throw failure;
          return { rows: 0 };
        },
        { concurrency: 2 },
      ).subscribe({ next: (e) => events.push(e), error: resolve, complete: () => resolve('completed') });
    });
    expect(SchedulerError.is(outcome, 'RunFailed')).toBe(true);
    expect((outcome as Error).cause).toBe(failure);
    expect(SchedulerError.is(outcome) ? outcome.details['summary'] : undefined).toMatchObject({
      finished: ['v.e'],
      failed: ['v.a'],
      skipped: ['v.b', 'v.d', 'v.c'],
    });
    expect(ran.sort()).toEqual(['v.a', 'v.e']);
    expect(events.find((e) => e.type === 'failed')).toMatchObject({ task: 'v.a', error: { message: failure.message } });
    expect(events.filter((e) => e.type === 'skipped')).toEqual([
      expect.objectContaining({ task: 'v.b', failedInput: 'v.a' }),
      expect.objectContaining({ task: 'v.d', failedInput: 'v.a' }),
      expect.objectContaining({ task: 'v.c', failedInput: 'v.a' }),
    ]);
    expect(events[events.length - 1]?.type).toBe('summary');
  });

  it('starts no further task once unsubscribed', async () => {
    const graph = buildTaskGraph([dep('v.a', []), dep('v.b', ['v.a'])]);
    const started: string[] = [];
    const first = deferred<{ rows: number }>();
    const subscription = runSchedule(
      schedule(graph),
      graph,
      (task) => {
        started.push(task);
        return first.promise;
      },
      { concurrency: 1 },
    ).subscribe();
    await settle();
    subscription.unsubscribe();
    first.resolve({ rows: 1 });
    await settle();
    expect(started).toEqual(['v.a']);
  });

  it('completes at once on an empty graph', async () => {
    const graph = buildTaskGraph([]);
    const events = await lastValueFrom(runSchedule(schedule(graph), graph, () => Promise.resolve({}), { concurrency: 1 }).pipe(toArray()));
    expect(events.map((e) => e.type)).toEqual(['summary']);
  });

  it('rejects a bad concurrency and a schedule made for another graph', () => {
    const graph = buildTaskGraph([dep('v.a', []), dep('v.b', ['v.a'])]);
    const other = buildTaskGraph([dep('v.a', [])]);
    const run = (): Promise<object> => Promise.resolve({});
    expect(() => runSchedule(schedule(graph), graph, run, { concurrency: 0 })).toThrow(expect.objectContaining({ code: 'scheduler/InvalidOptions' }));
    expect(() => runSchedule(schedule(other), graph, run, { concurrency: 1 })).toThrow(expect.objectContaining({ code: 'scheduler/ScheduleMismatch' }));
    const reversed = { ...schedule(graph), order: ['v.b', 'v.a'] };
    expect(() => runSchedule(reversed, graph, run, { concurrency: 1 })).toThrow(/v\.b comes before its input v\.a/);
  });
});
