import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { OrchestratorError } from './orchestrator-error.js';

/** Where the run bundles of a repository live: `<root>/.anatomy/runs`. */
export function runsDirectory(root: string): string {
  return join(root, '.anatomy', 'runs');
}

function twoDigits(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * A new run id that sorts by time: UTC date and time to the millisecond, then
 * six random hex digits so two runs in the same millisecond still differ.
 *
 * @example
 * newRunId(new Date('2026-11-25T19:15:00.042Z')); // '20261125T191500042Z-3f9a1c'
 */
export function newRunId(now: Date = new Date()): string {
  const date = `${now.getUTCFullYear()}${twoDigits(now.getUTCMonth() + 1)}${twoDigits(now.getUTCDate())}`;
  const time = `${twoDigits(now.getUTCHours())}${twoDigits(now.getUTCMinutes())}${twoDigits(now.getUTCSeconds())}${String(now.getUTCMilliseconds()).padStart(3, '0')}`;
  return `${date}T${time}Z-${randomBytes(3).toString('hex')}`;
}

/**
 * The run bundle directory to read: the named run, or the latest one (run ids
 * sort by time). Throws `orchestrator/NoRuns` when the repository has no run
 * and `orchestrator/RunNotFound` when the named run is not there.
 *
 * @example
 * const { runId, dir } = await findRun('path/to/project'); // the latest build
 */
export async function findRun(root: string, runId?: string): Promise<{ readonly runId: string; readonly dir: string }> {
  const runs = runsDirectory(root);
  let names: string[];
  try {
    // Dot entries are bundles still being written (or abandoned): never a run.
    names = (await readdir(runs, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  } catch {
    names = [];
  }
  names.sort();
  if (runId !== undefined) {
    if (!names.includes(runId)) {
      throw OrchestratorError.create('RunNotFound', `no run ${runId} under ${runs}`, {
        details: { runId, available: names },
        hint: names.length === 0 ? 'run `anatomy build` first' : `pick one of the runs listed in the details, e.g. ${names[names.length - 1] ?? ''}`,
      });
    }
    return { runId, dir: join(runs, runId) };
  }
  const latest = names[names.length - 1];
  if (latest === undefined) {
    throw OrchestratorError.create('NoRuns', `no run bundles under ${runs}`, {
      hint: 'run `anatomy build` on this directory first; every successful build records a run',
    });
  }
  return { runId: latest, dir: join(runs, latest) };
}
