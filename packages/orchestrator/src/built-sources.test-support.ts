import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { buildCpg } from './build-cpg.js';
import { silentProgress } from './progress-reporter.js';

/** A repository written from sources (path → text) into a temporary directory, built once, its store open read-only. */
export interface BuiltSources {
  readonly root: string;
  readonly store: Store;
  /** Closes the store and removes the directory. */
  dispose(): Promise<void>;
}

/**
 * Writes the sources under a new temporary directory (named from `prefix`), runs a full build without maintenance into
 * `<root>/store.duckdb` and opens that store read-only.
 *
 * @example
 * const built = await buildSources('anatomy-cpg-containment-', { 'a.py': 'x = 1\n' });
 */
export async function buildSources(prefix: string, sources: Readonly<Record<string, string>>): Promise<BuiltSources> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const [path, text] of Object.entries(sources)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const storePath = join(root, 'store.duckdb');
  await buildCpg({ root, storePath, maintenance: 'off' }, silentProgress());
  const store = await openStore({ path: storePath, readOnly: true });
  return {
    root,
    store,
    dispose: async () => {
      await store.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
