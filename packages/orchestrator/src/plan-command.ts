import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openStore } from '@anatomy/store';
import { STORE_RELATIVE_PATH, compileForRun, registryOfRun } from './build-cpg.js';
import { OrchestratorError } from './orchestrator-error.js';
import { planReport } from './plan-report.js';
import type { PlanReport } from './plan-report.js';

/** What `anatomy plan` needs. */
export interface PlanCommandOptions {
  readonly root: string;
  readonly storePath?: string;
}

/**
 * Compiles the program and reports its plan. When the directory was built,
 * its store supplies real table statistics (nothing is written to it);
 * otherwise the plan is made over empty evidence tables in memory.
 *
 * @example
 * const report = await planCommand({ root: 'path/to/project' });
 */
export async function planCommand(options: PlanCommandOptions): Promise<PlanReport> {
  const root = resolve(options.root);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw OrchestratorError.create('NotADirectory', `${root} is not a directory`, { hint: 'pass the directory that holds the Python sources' });
  }
  const registry = registryOfRun();
  const manifest = compileForRun();
  const storePath = resolve(options.storePath ?? join(root, STORE_RELATIVE_PATH));
  const built = existsSync(storePath);
  const store = await openStore({ path: built ? storePath : ':memory:' });
  try {
    if (!built) for (const ds of registry.list()) await store.ensureDataset(ds);
    return await planReport({ manifest, store, registry });
  } finally {
    await store.close();
  }
}
