import type { DatasetSchema } from '@anatomy/schema-authority';
import { AsyncQueue } from './async-queue.js';
import { ExtractPythonError } from './extract-python-error.js';
import { PythonWorker } from './python-worker.js';
import type { WorkerConfig, WorkerFileRequest, WorkerOutcome } from './python-worker.js';

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

/** Workers that die before saying hello this many times in a row stop the pool: python3 cannot run the worker at all. */
const MAX_START_FAILURES = 3;

function aborted(signal: AbortSignal): Error {
  return ExtractPythonError.create('Aborted', 'python extraction was aborted', {
    cause: signal.reason,
    hint: 'the caller aborted the run; start it again to extract the remaining files',
  });
}

/**
 * Runs files through a pool of python3 worker processes and yields each
 * outcome as it finishes. A worker that crashes or outlives the per-file
 * timeout is killed; its file comes back as `crashed`/`timeout` and a fresh
 * worker takes the next file. At most `2 × concurrency` finished files wait
 * for the consumer, so memory stays bounded however many files there are.
 * Leaving the loop early (or aborting) kills every worker.
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

  const lane = async (): Promise<void> => {
    let worker: PythonWorker | null = null;
    try {
      for (;;) {
        await queue.room(2 * options.concurrency);
        if (stopped) return;
        const request = requests[next++];
        if (request === undefined) return;
        worker ??= await startWorker();
        if (stopped) return;
        const started = performance.now();
        const outcome = await worker.run(request, options.fileTimeoutMs);
        if (worker.fatal !== null) throw worker.fatal;
        queue.push({ request, outcome, pythonVersion: worker.hello.python_version || lastVersion, durationMs: performance.now() - started });
        if (outcome.status !== 'done') {
          live.delete(worker);
          worker = null;
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
