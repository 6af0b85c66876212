import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { DatasetSchema } from '@anatomy/schema-authority';
import { ExtractPythonError } from './extract-python-error.js';
import { FrameReader } from './frame-reader.js';
import { decodeTableFrame } from './table-frame.js';
import type { TableFrame } from './table-frame.js';
import { WORKER_PYTHON_FLAGS, WORKER_SCRIPT_PATH } from './worker-script.js';

/** What a worker says about itself once configured. */
export interface WorkerHello {
  readonly protocol: number;
  readonly python_version: string;
  readonly implementation: string;
  readonly pid: number;
}

/** The first line a worker reads: which tables to produce, column by column (see the protocol in the worker script). */
export interface WorkerConfig {
  readonly protocol: 1;
  readonly tables: Readonly<Record<string, readonly (readonly [string, string])[]>>;
  readonly frame_rows: number;
  readonly test_hooks?: { readonly exit_on?: string; readonly hang_on?: string };
}

/** One file for a worker. */
export interface WorkerFileRequest {
  readonly seq: number;
  /** Absolute path the worker reads. */
  readonly path: string;
  /** Repository-relative path, used as the filename in CPython's messages. */
  readonly rel: string;
  readonly file_id: string;
  readonly encoding: string;
  readonly size: number;
  readonly sha256: string;
}

/** How one file went: its rows, or why the worker could not finish it (the worker is then gone). */
export type WorkerOutcome =
  | { readonly status: 'done'; readonly tables: readonly TableFrame[] }
  | { readonly status: 'timeout'; readonly message: string }
  | { readonly status: 'crashed'; readonly message: string };

/** A file queued behind another on a worker that died first: no other worker has seen it, so it goes to one. */
export interface NotStarted {
  readonly status: 'not-started';
}

const STDERR_TAIL_BYTES = 4096;
const CLOSE_GRACE_MS = 5000;

interface InFlight {
  readonly seq: number;
  readonly frames: Buffer[];
  readonly resolve: (outcome: WorkerOutcome | NotStarted) => void;
  /** Set once the worker starts on the file: when it is first in line. */
  timer: NodeJS.Timeout | null;
  timedOut: boolean;
  readonly timeoutMs: number;
}

/**
 * One python3 process running the worker script, reading one file at a
 * time. Files may be queued behind the one it reads: it then starts the
 * next as soon as it has written a file's rows, without waiting for this
 * thread to read them. A file that crashes the process or outlives its
 * timeout (counted from when the worker starts on it) resolves as
 * `crashed`/`timeout`, and the files queued behind it as `not-started`
 * (the process is then dead and must be replaced); protocol violations
 * reject, since they mean this package is broken.
 *
 * @example
 * const worker = await PythonWorker.start('python3', config, datasetOf);
 * const outcome = await worker.run(request, 30_000);
 * await worker.close();
 */
export class PythonWorker {
  readonly hello: WorkerHello;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #state: WorkerState;

  private constructor(child: ChildProcessWithoutNullStreams, state: WorkerState, hello: WorkerHello) {
    this.#child = child;
    this.#state = state;
    this.hello = hello;
  }

  /** Spawns and configures a worker; resolves once it said hello. */
  static start(executable: string, config: WorkerConfig, datasetOf: (table: string) => DatasetSchema | undefined): Promise<PythonWorker> {
    return new Promise((resolve, reject) => {
      const child = spawn(executable, [...WORKER_PYTHON_FLAGS, WORKER_SCRIPT_PATH], { stdio: ['pipe', 'pipe', 'pipe'] });
      const state = new WorkerState(child, datasetOf);
      state.onHello = (hello) => resolve(new PythonWorker(child, state, hello));
      state.onStartFailure = reject;
      child.stdin.on('error', () => {
        // EPIPE when the process died; its exit is reported through 'close'.
      });
      child.stdin.write(`${JSON.stringify(config)}\n`);
    });
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return !this.#state.closed;
  }

  /** Extracts one file, after the files already queued on this worker. */
  run(request: WorkerFileRequest, timeoutMs: number): Promise<WorkerOutcome | NotStarted> {
    if (this.#state.closed) return Promise.resolve({ status: 'crashed', message: `the worker had already exited (${this.#state.exitDescription()})` });
    return new Promise((resolve) => {
      this.#state.queued.push({ seq: request.seq, frames: [], resolve, timer: null, timedOut: false, timeoutMs });
      if (this.#state.queued.length === 1) this.#state.startFirst();
      this.#child.stdin.write(`${JSON.stringify(request)}\n`);
    });
  }

  /** Ends the worker's input and waits for it to exit, killing it if it lingers. */
  async close(): Promise<void> {
    if (this.#state.closed) return;
    const exited = new Promise<void>((resolve) => this.#state.onClose.push(resolve));
    this.#child.stdin.end();
    const grace = setTimeout(() => this.#child.kill('SIGKILL'), CLOSE_GRACE_MS);
    await exited;
    clearTimeout(grace);
  }

  /** A broken protocol seen on this worker: the pool stops with it, since the package itself is at fault. */
  get fatal(): Error | null {
    return this.#state.fatal;
  }

  /** Kills the process now; the file it reads resolves as crashed, those queued behind it as not started. */
  kill(): void {
    if (!this.#state.closed) this.#child.kill('SIGKILL');
  }
}

/** The stream-facing half of a worker: frames in, outcomes out. */
class WorkerState {
  /** The files sent to the worker, in the order it reads them: the first is the one it is reading. */
  readonly queued: InFlight[] = [];
  closed = false;
  hello: WorkerHello | null = null;
  onHello: (hello: WorkerHello) => void = () => {};
  onStartFailure: (error: Error) => void = () => {};
  readonly onClose: (() => void)[] = [];
  #fatal: Error | null = null;
  #stderr = Buffer.alloc(0);
  #exit: { code: number | null; signal: NodeJS.Signals | null; error: Error | null } = { code: null, signal: null, error: null };
  readonly #reader = new FrameReader();

  constructor(
    readonly child: ChildProcessWithoutNullStreams,
    readonly datasetOf: (table: string) => DatasetSchema | undefined,
  ) {
    child.stdout.on('data', (chunk: Buffer) => {
      for (const frame of this.#reader.push(chunk)) this.#frame(frame);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const joined = Buffer.concat([this.#stderr, chunk]);
      this.#stderr = joined.length > STDERR_TAIL_BYTES ? joined.subarray(joined.length - STDERR_TAIL_BYTES) : joined;
    });
    child.on('error', (error) => {
      this.#exit.error = error;
    });
    child.on('close', (code, signal) => {
      this.#exit.code = code;
      this.#exit.signal = signal;
      this.#closed();
    });
  }

  exitDescription(): string {
    const { code, signal, error } = this.#exit;
    const how = error !== null ? error.message : signal !== null ? `killed by ${signal}` : `exit status ${String(code)}`;
    const tail = this.#stderr.toString('utf8').trim();
    return tail === '' ? how : `${how}; stderr: ${tail.split('\n').slice(-6).join(' | ')}`;
  }

  /** Starts the clock of the file the worker reads now (the first in line); past its timeout the process is killed. */
  startFirst(): void {
    const flight = this.queued[0];
    if (flight === undefined || flight.timer !== null) return;
    flight.timer = setTimeout(() => {
      if (this.queued[0] !== flight) return;
      flight.timedOut = true;
      this.child.kill('SIGKILL');
    }, flight.timeoutMs);
  }

  #protocolViolation(message: string): void {
    this.#fatal ??= ExtractPythonError.create('WorkerProtocol', `the python worker broke the protocol: ${message}`, {
      hint: 'the worker script and this package disagree; reinstall @anatomy/extract-python',
    });
    this.child.kill('SIGKILL');
  }

  #frame(frame: Buffer): void {
    const type = frame[0];
    if (type === 0x48 /* H */ || type === 0x45 /* E */) {
      let body: unknown;
      try {
        body = JSON.parse(frame.subarray(1).toString('utf8'));
      } catch {
        this.#protocolViolation('a hello or error frame is not JSON');
        return;
      }
      if (type === 0x45) {
        const message = String((body as { message?: unknown }).message);
        this.#fatal ??= ExtractPythonError.create('WorkerProtocol', `the python worker refused its configuration: ${message}`, {
          hint: 'the worker script and the dataset schemas of this package disagree; reinstall @anatomy/extract-python',
        });
        return;
      }
      if (this.hello !== null) {
        this.#protocolViolation('a second hello');
        return;
      }
      this.hello = body as WorkerHello;
      this.onHello(this.hello);
      return;
    }
    const flight = this.queued[0];
    if (flight === undefined || frame.length < 5 || frame.readUInt32LE(1) !== flight.seq) {
      this.#protocolViolation('a frame for a file that is not in flight');
      return;
    }
    if (type === 0x54 /* T */) {
      flight.frames.push(frame);
      return;
    }
    if (type !== 0x44 /* D */) {
      this.#protocolViolation(`an unknown frame type ${String(type)}`);
      return;
    }
    this.queued.shift();
    if (flight.timer !== null) clearTimeout(flight.timer);
    // The worker has already started on the next file.
    this.startFirst();
    try {
      flight.resolve({ status: 'done', tables: flight.frames.map((f) => decodeTableFrame(f, this.datasetOf)) });
    } catch (error) {
      this.#fatal ??= error as Error;
      this.child.kill('SIGKILL');
      flight.resolve({ status: 'crashed', message: (error as Error).message });
    }
  }

  /** The fatal error the pool must raise, if any. */
  get fatal(): Error | null {
    return this.#fatal;
  }

  #closed(): void {
    this.closed = true;
    if (this.hello === null) {
      this.onStartFailure(
        this.#fatal ??
          ExtractPythonError.create('WorkerFailed', `the python worker exited before it was ready (${this.exitDescription()})`, {
            hint: 'run `python3 -I -S -B <package>/python/anatomy_extract.py --probe` to see whether this python3 can run the worker',
          }),
      );
    }
    const [flight, ...behind] = this.queued.splice(0);
    if (flight !== undefined) {
      if (flight.timer !== null) clearTimeout(flight.timer);
      flight.resolve(
        flight.timedOut
          ? { status: 'timeout', message: `the worker spent more than ${flight.timeoutMs} ms on the file and was killed` }
          : { status: 'crashed', message: `the worker died while reading the file (${this.exitDescription()})` },
      );
    }
    for (const queued of behind) queued.resolve({ status: 'not-started' });
    for (const resolve of this.onClose.splice(0)) resolve();
  }
}
