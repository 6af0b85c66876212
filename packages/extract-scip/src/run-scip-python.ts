import { spawn } from 'node:child_process';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { formatIssues, validate } from '@anatomy/contracts';
import { z } from 'zod';
import { ExtractScipError } from './extract-scip-error.js';
import { scipPythonToolchain } from './scip-python-toolchain.js';

/** How to run scip-python on a repository. */
export const RunScipPythonOptionsSchema = z.object({
  /** The repository root: scip-python indexes every Python file under it. */
  root: z.string().min(1),
  /** Where to write `index.scip`; its directory is created. */
  outputPath: z.string().min(1),
  /** The project name in the symbols; scip-python's placeholder `.` when absent. */
  projectName: z.string().min(1).optional(),
  /**
   * The project version in the symbols. Defaults to the placeholder `.`, not
   * to the git revision scip-python would pick: symbols, and every id made
   * from them, then stay the same from one commit to the next.
   */
  projectVersion: z.string().min(1).optional(),
  /**
   * A JSON list of installed packages (`[{ name, version, files }]`). With it
   * scip-python calls neither pip nor python3 to list them.
   */
  environmentPath: z.string().min(1).optional(),
  /**
   * The Python interpreter to index with, e.g. `.venv/bin/python3`. Its
   * directory goes first on the search path, so scip-python finds this
   * interpreter and the pip next to it.
   */
  python3: z.string().min(1).optional(),
  /** The PATH in which to look for python3 and pip; the process's PATH by default. */
  searchPath: z.string().optional(),
  /** Give up after this long; 30 minutes by default. */
  timeoutMs: z.number().int().positive().optional(),
  /** The heap limit of the indexer's Node process in MiB (`--max-old-space-size`); Node's default when absent. */
  nodeHeapMb: z.number().int().positive().optional(),
  /**
   * The largest semi-space of the indexer's young generation in MiB
   * (`--max-semi-space-size`); V8 sizes it from the heap when absent. The
   * SCIP extractor passes {@link INDEXER_SEMI_SPACE_MB}.
   */
  nodeSemiSpaceMb: z.number().int().positive().optional(),
});

/**
 * The young generation's semi-space the SCIP extractor gives scip-python, in
 * MiB. The indexer allocates a great many short-lived objects; with room for
 * more of them between collections it ran faster: on 327 files of the
 * standard library (20 MB), 67.3–72.9 s with Node's default against
 * 56.8–60.0 s with 64 (60.1 with 128, 63.6 with 256, 64.7 with 32), the
 * same index byte for byte; on the whole library (1,789 files), 269.2 s alone
 * with it against 342.2–358.0 s without in other runs (docs/benchmarks.md,
 * fifteenth round). It costs a few times 64 MiB beside a heap of gigabytes.
 */
export const INDEXER_SEMI_SPACE_MB = 64;

/** Options of {@link runScipPython}. */
export type RunScipPythonOptions = z.input<typeof RunScipPythonOptionsSchema> & {
  /** Stops the indexer when aborted. */
  readonly signal?: AbortSignal;
};

/** What a finished run of scip-python produced. */
export interface ScipPythonRun {
  readonly indexPath: string;
  readonly scipPythonVersion: string;
  /** Versions of the Python tools scip-python found; `null` when an environment file made them unnecessary. */
  readonly python3: string | null;
  readonly pip: string | null;
  readonly durationMs: number;
  /** The Node flags the indexer ran with (heap and young generation), as given to `node`. */
  readonly nodeFlags: readonly string[];
  /** The end of what the indexer printed. */
  readonly log: string;
}

const DEFAULT_TIMEOUT_MS = 30 * 60_000;
const TAIL_CHARS = 16_384;
const KILL_GRACE_MS = 5_000;

/** Keeps the last characters of a stream. */
class Tail {
  #text = '';
  push(chunk: Buffer): void {
    this.#text = (this.#text + chunk.toString('utf8')).slice(-TAIL_CHARS);
  }
  get text(): string {
    return this.#text.trim();
  }
}

/**
 * Runs the installed scip-python (with this Node) on a repository and writes
 * a SCIP index. Before starting it checks what scip-python will need —
 * python3 and pip on the search path, unless an environment file lists the
 * packages — and fails with a code and a hint naming the fix. A failed,
 * timed-out or aborted run throws `extract-scip/IndexerFailed`,
 * `IndexerTimedOut` or `Aborted`, with the indexer's stderr in the message.
 *
 * @example
 * const run = await runScipPython({ root: '/repo', outputPath: '/tmp/anatomy/index.scip', projectName: 'demo' });
 * for await (const entry of readScipIndex(run.indexPath)) …
 */
export async function runScipPython(options: RunScipPythonOptions): Promise<ScipPythonRun> {
  const { signal, ...input } = options;
  const checked = validate(RunScipPythonOptionsSchema, input);
  if (!checked.ok) {
    throw ExtractScipError.create('InvalidOptions', `invalid scip-python options:\n${formatIssues(checked.issues)}`, {
      details: { issues: checked.issues },
      hint: 'fix the options listed above',
    });
  }
  const o = checked.value;
  const root = resolve(o.root);
  const rootStat = await stat(root).catch(() => null);
  if (rootStat === null || !rootStat.isDirectory()) {
    throw ExtractScipError.create('RootNotADirectory', `${root} is not a directory`, { hint: 'pass the repository root to index' });
  }
  const toolchain = await scipPythonToolchain({ environmentPath: o.environmentPath, python3: o.python3, searchPath: o.searchPath });

  const indexPath = resolve(o.outputPath);
  try {
    await mkdir(dirname(indexPath), { recursive: true });
    // A stale index left by an earlier run must never pass for this run's output.
    await rm(indexPath, { force: true });
  } catch (error) {
    throw ExtractScipError.create('OutputUnwritable', `cannot write the index at ${indexPath}: ${(error as Error).message}`, {
      cause: error,
      hint: 'choose an output path in a writable directory, not an existing directory',
    });
  }
  const nodeFlags = [
    ...(o.nodeHeapMb === undefined ? [] : [`--max-old-space-size=${o.nodeHeapMb}`]),
    ...(o.nodeSemiSpaceMb === undefined ? [] : [`--max-semi-space-size=${o.nodeSemiSpaceMb}`]),
  ];
  const args = [...nodeFlags, toolchain.installation.binPath, 'index', '--output', indexPath, '--project-version', o.projectVersion ?? '.'];
  if (o.projectName !== undefined) args.push('--project-name', o.projectName);
  if (toolchain.environmentPath !== null) args.push('--environment', toolchain.environmentPath);

  const started = performance.now();
  const log = await spawnIndexer(args, root, toolchain.searchPath, o.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal);
  const written = await stat(indexPath).catch(() => null);
  if (written === null || written.size === 0) {
    throw ExtractScipError.create('IndexerFailed', `scip-python exited successfully but wrote no index at ${indexPath}\n${log}`, {
      details: { root, indexPath },
      hint: 'check that the output directory is writable and that the repository holds Python files',
    });
  }
  return Object.freeze({
    indexPath,
    scipPythonVersion: toolchain.installation.version,
    python3: toolchain.python3,
    pip: toolchain.pip,
    durationMs: Math.round(performance.now() - started),
    nodeFlags: Object.freeze(nodeFlags),
    log,
  });
}

function spawnIndexer(args: string[], root: string, searchPath: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    if (signal?.aborted === true) {
      reject(ExtractScipError.create('Aborted', 'scip-python was not started: the run was aborted', { cause: signal.reason, hint: 'start the build again' }));
      return;
    }
    const stdout = new Tail();
    const stderr = new Tail();
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, PATH: searchPath },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let stopped: 'timeout' | 'aborted' | null = null;
    let killer: NodeJS.Timeout | undefined;
    const stop = (why: 'timeout' | 'aborted'): void => {
      stopped = why;
      child.kill('SIGTERM');
      killer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      killer.unref();
    };
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    const onAbort = (): void => stop('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const finish = (): void => {
      clearTimeout(timer);
      if (killer !== undefined) clearTimeout(killer);
      signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (error) => {
      finish();
      reject(
        ExtractScipError.create('IndexerFailed', `cannot start scip-python: ${error.message}`, {
          cause: error,
          hint: `check that ${process.execPath} can run scip-python`,
        }),
      );
    });
    child.on('close', (code, sig) => {
      finish();
      const output = [stderr.text && `stderr:\n${stderr.text}`, stdout.text && `stdout:\n${stdout.text}`].filter(Boolean).join('\n');
      const details = { root, exitCode: code, signal: sig, stderr: stderr.text };
      if (stopped === 'timeout') {
        reject(
          ExtractScipError.create('IndexerTimedOut', `scip-python did not finish within ${timeoutMs} ms on ${root}\n${output}`, {
            details,
            hint: 'raise the timeout, or index once with scip-python yourself and pass the index with --scip-index',
          }),
        );
      } else if (stopped === 'aborted') {
        reject(ExtractScipError.create('Aborted', 'scip-python was stopped: the run was aborted', { cause: signal?.reason, details, hint: 'start the build again' }));
      } else if (code !== 0) {
        const outOfMemory = /heap out of memory|Allocation failed/i.test(stderr.text);
        reject(
          ExtractScipError.create('IndexerFailed', `scip-python failed (exit ${code ?? sig}) on ${root}\n${output}`, {
            details,
            hint: outOfMemory
              ? 'scip-python ran out of memory: give it more heap (anatomy build --scip-memory 8GB, or ANATOMY_SCIP_MEMORY; the nodeHeapMb option, e.g. 8192, when calling it from code)'
              : 'the indexer output above says why; fix it, or index with scip-python yourself and pass the index with --scip-index',
          }),
        );
      } else resolvePromise(stdout.text);
    });
  });
}
