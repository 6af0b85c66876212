import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readRunBundle } from '@anatomy/artifact-registry';
import { openStore, tableFingerprint } from '@anatomy/store';
import { STORE_RELATIVE_PATH } from './build-cpg.js';
import { OrchestratorError } from './orchestrator-error.js';
import { OUTPUT_TABLES, runManifestArtifact, runOutputFingerprintsArtifact, runPolicyArtifact, runScheduleArtifact } from './run-artifacts.js';
import { findRun } from './run-directory.js';

/** What `anatomy replay` needs: the repository, its store, and which run (the latest when absent). */
export interface ReplayOptions {
  readonly root: string;
  readonly storePath?: string;
  readonly runId?: string;
}

/** One output table compared: the fingerprint the run recorded and the one the replay computed. */
export interface ReplayTable {
  readonly table: string;
  readonly expected: string | null;
  readonly actual: string;
  readonly matches: boolean;
}

/** What a replay found: `ok` when every output table matches its recorded fingerprint. */
export interface ReplayResult {
  readonly ok: boolean;
  readonly runId: string;
  readonly tables: readonly ReplayTable[];
}

/**
 * Re-executes a recorded run against the evidence in the store and checks
 * that it gives the same CPG: the bundle's manifest SQL is run in the
 * bundle's schedule order (each view kept as the recorded policy said),
 * every output table is fingerprinted and compared with the fingerprint the
 * run recorded. It all happens in a transaction that is rolled back, so the
 * store is left as it was. Throws `orchestrator/NoRuns`, `RunNotFound` or
 * `NoStore` when there is nothing to replay.
 *
 * @example
 * const result = await replayCommand({ root: 'path/to/project' });
 * for (const t of result.tables) if (!t.matches) console.log(`${t.table} differs`);
 */
export async function replayCommand(options: ReplayOptions): Promise<ReplayResult> {
  const root = resolve(options.root);
  const storePath = resolve(options.storePath ?? join(root, STORE_RELATIVE_PATH));
  const run = await findRun(root, options.runId);
  const bundle = await readRunBundle(run.dir);
  const manifest = bundle.read(runManifestArtifact);
  const policy = bundle.read(runPolicyArtifact);
  const order = bundle.read(runScheduleArtifact).order;
  const expected = bundle.read(runOutputFingerprintsArtifact);
  if (!existsSync(storePath)) {
    throw OrchestratorError.create('NoStore', `there is no store at ${storePath} to replay run ${run.runId} against`, {
      hint: 'pass the store the run wrote with --store, or build again',
    });
  }
  const byName = new Map(manifest.views.map((v) => [v.name as string, v]));
  const tables = [...new Set([...OUTPUT_TABLES, ...Object.keys(expected)])].sort();
  const store = await openStore({ path: storePath });
  try {
    const actual = new Map<string, string>();
    await store.run('BEGIN TRANSACTION');
    try {
      for (const macro of manifest.macros) await store.run(macro.sql);
      for (const name of order) {
        const view = byName.get(name);
        if (view === undefined) {
          throw OrchestratorError.create('ViewMissing', `the recorded schedule of run ${run.runId} names ${name}, which its manifest does not hold`, {
            hint: 'the bundle is inconsistent; build again to record a new run',
          });
        }
        const inline = policy.cache[view.name]?.value === 'inline-view';
        await store.materialize({ name, sql: view.sql, as: inline ? 'view' : 'table' });
      }
      for (const table of tables) actual.set(table, await tableFingerprint(store, table));
    } finally {
      await store.run('ROLLBACK');
    }
    const compared = tables.map((table): ReplayTable => {
      const want = expected[table] ?? null;
      const got = actual.get(table) ?? '';
      return Object.freeze({ table, expected: want, actual: got, matches: want === got });
    });
    return Object.freeze({ ok: compared.every((t) => t.matches), runId: run.runId, tables: Object.freeze(compared) });
  } finally {
    await store.close();
  }
}
