import type { DatasetSchema } from '@anatomy/schema-authority';
import { AsyncQueue } from './async-queue.js';
import { ExtractPythonError } from './extract-python-error.js';
import { PythonWorker } from './python-worker.js';
import type { NotStarted, WorkerConfig, WorkerFileRequest, WorkerOutcome } from './python-worker.js';

/** How the pool runs. */
export interface WorkerPoolOptions {
  readonly executable: string;
  readonly config: WorkerConfig;
  readonly datasetOf: (table: string) => DatasetSchema | undefined;
  readonly concurrency: number;
  readonly fileTimeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/** One finished file, in completion order, with the version of the python3 that read it. */
export interface PoolResult {
  readonly request: WorkerFileRequest;
  readonly outcome: WorkerOutcome;
  readonly pythonVersion: string;
  /** Wall time from handing the file to its worker to its outcome (the worker runs one file at a time). */
  readonly durationMs: number;
}

/**
 * Files a worker holds at once: the one it reads and the next, so that it
 * starts on the next as soon as it has written a file's rows instead of
 * waiting for this thread, which a build keeps busy storing rows, to read
 * them and send another. In a build of the standard library each of two
 * workers, sent one file at a time, slept 10.4–11.5 s of its 25.6–27.7 s.
 */
const FILES_PER_WORKER = 2;

/** Workers that die before saying hello this many times in a row stop the pool: python3 cannot run the worker at all. */
const MAX_START_FAILURES = 3;

function aborted(signal: AbortSignal): Error {
  return ExtractPythonError.create('Aborted', 'python extraction was aborted', {
    cause: signal.reason,
    hint: 'the caller aborted the run; start it again to extract the remaining files',
  });
}

/**
 * Runs files through a pool of python3 worker processes, each holding
 * {@link FILES_PER_WORKER} files at a time, and yields each outcome as it
 * finishes. A worker that crashes or outlives the per-file timeout is
 * killed; its file comes back as `crashed`/`timeout`, the files queued
 * behind it go to the next worker, and a fresh worker takes over. At most
 * `2 × concurrency` finished files wait for the consumer, so memory stays
 * bounded however many files there are. Leaving the loop early (or
 * aborting) kills every worker.
 *
 * @example
 * for await (const { request, outcome } of runWorkerPool(requests, options)) console.log(request.rel, outcome.status);
 */
export async function* runWorkerPool(requests: readonly WorkerFileRequest[], options: WorkerPoolOptions): AsyncGenerator<PoolResult> {
  const queue = new AsyncQueue<PoolResult>();
  const live = new Set<PythonWorker>();
  let next = 0;
  let stopped = false;
  let startFailures = 0;
  let lastVersion = '';

  const stop = (): void => {
    stopped = true;
    // Closing wakes lanes waiting for room, so they can see `stopped` and end.
    queue.close();
    for (const worker of live) worker.kill();
  };
  const onAbort = (): void => {
    queue.fail(aborted(options.signal as AbortSignal));
    stop();
  };
  if (options.signal?.aborted === true) throw aborted(options.signal);
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const startWorker = async (): Promise<PythonWorker> => {
    for (;;) {
      try {
        const worker = await PythonWorker.start(options.executable, options.config, options.datasetOf);
        live.add(worker);
        if (stopped) worker.kill();
        startFailures = 0;
        lastVersion = worker.hello.python_version;
        return worker;
      } catch (error) {
        if (!ExtractPythonError.is(error, 'WorkerFailed') || ++startFailures >= MAX_START_FAILURES) throw error;
      }
    }
  };

  // Files a worker that died had queued but not started: the next lane to take a file takes these first.
  const again: WorkerFileRequest[] = [];
  const take = (): WorkerFileRequest | undefined => again.shift() ?? requests[next++];

  const lane = async (): Promise<void> => {
    let worker: PythonWorker | null = null;
    // The files sent to this lane's worker, in the order it reads them.
    const sent: { readonly request: WorkerFileRequest; readonly outcome: Promise<WorkerOutcome | NotStarted>; readonly version: string }[] = [];
    // When the worker started on the first of them: when the file before it came back, or when it was sent.
    let since = performance.now();
    try {
      for (;;) {
        while (sent.length < FILES_PER_WORKER) {
          await queue.room(2 * options.concurrency);
          if (stopped) return;
          const request = take();
          if (request === undefined) break;
          worker ??= await startWorker();
          if (stopped) return;
          if (sent.length === 0) since = performance.now();
          sent.push({ request, outcome: worker.run(request, options.fileTimeoutMs), version: worker.hello.python_version });
        }
        const first = sent.shift();
        if (first === undefined) return;
        const outcome = await first.outcome;
        if (worker !== null && worker.fatal !== null) throw worker.fatal;
        // Only a file queued behind one that killed its worker is not started, and those are taken back below.
        if (outcome.status === 'not-started') throw new Error('runWorkerPool: a file the worker never started came first');
        const now = performance.now();
        queue.push({ request: first.request, outcome, pythonVersion: first.version || lastVersion, durationMs: now - since });
        since = now;
        if (outcome.status !== 'done' && worker !== null) {
          // Dead: the files queued behind this one come back as not started and go to the next worker.
          live.delete(worker);
          worker = null;
          for (const behind of sent.splice(0)) {
            const left = await behind.outcome;
            if (left.status !== 'not-started') throw new Error(`runWorkerPool: a file queued behind a dead worker's came back ${left.status}`);
            again.push(behind.request);
          }
        }
      }
    } finally {
      if (worker !== null) {
        live.delete(worker);
        await worker.close();
      }
    }
  };

  const lanes = Array.from({ length: Math.max(1, Math.min(options.concurrency, requests.length)) }, () =>
    lane().catch((error: unknown) => {
      queue.fail(error);
      stop();
    }),
  );
  const finished = Promise.all(lanes).then(() => queue.close());
  try {
    yield* queue;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    stop();
    await finished;
  }
}
