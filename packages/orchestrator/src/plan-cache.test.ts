import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunBundle } from '@anatomy/artifact-registry';
import { PLAN_ANALYSIS_VERSION } from '@anatomy/plan-signals';
import { defineDataset } from '@anatomy/schema-authority';
import { openStore, tableFingerprint } from '@anatomy/store';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCpg, compileForRun, registryOfRun } from './build-cpg.js';
import { lookUpPlanCache, planCacheKey } from './plan-cache.js';
import { silentProgress } from './progress-reporter.js';
import { OUTPUT_TABLES, runScanPayoffsArtifact } from './run-artifacts.js';
import { runsDirectory } from './run-directory.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A two-file project importing across files, in a fresh directory removed after the test. */
function twoFileProject(prefix: string): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(root);
  writeFileSync(join(root, 'a.py'), 'def f(x):\n    return g(x)\n\n\ndef g(y):\n    return y\n');
  writeFileSync(join(root, 'b.py'), 'from a import f\n\n\nclass C:\n    def m(self):\n        return f(1)\n');
  return root;
}

/** What a store holds outside `meta`: each relation with its kind (table or view), and the output tables' fingerprints. */
async function storeState(path: string): Promise<{ relations: string[]; fingerprints: Record<string, string> }> {
  const s = await openStore({ path });
  try {
    const rows = await s.query(
      "SELECT table_schema || '.' || table_name || ' ' || table_type AS r FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema <> 'meta' ORDER BY r",
    );
    const fingerprints: Record<string, string> = {};
    for (const table of OUTPUT_TABLES) fingerprints[table] = await tableFingerprint(s, table);
    return { relations: rows.map((r) => String(r['r'])), fingerprints };
  } finally {
    await s.close();
  }
}

describe('the plan cache', () => {
  it('is taken by an incremental build of the same program and missed after a program, schema or --full change', { timeout: 300_000 }, async () => {
    const root = twoFileProject('anatomy-plan-cache-');
    const storePath = join(root, 'store.duckdb');

    const store0 = await openStore({ path: storePath });
    const manifest = compileForRun();
    const registry = registryOfRun();
    try {
      expect((await lookUpPlanCache(store0, manifest, registry, false)).hit).toBeUndefined();
    } finally {
      await store0.close();
    }

    const full = await buildCpg({ root, storePath, maintenance: 'off' }, silentProgress());
    const relations = async (): Promise<string[]> => (await storeState(storePath)).relations;
    const afterFull = await relations();
    appendFileSync(join(root, 'a.py'), '\n\ndef h():\n    return f(2)\n');
    const incremental = await buildCpg({ root, storePath, maintenance: 'off' }, silentProgress());
    expect(incremental.build.mode).toBe('incremental');
    // A cached plan creates no views up front; every inline view is still there afterwards, as a view.
    expect(await relations()).toEqual(afterFull);
    expect(afterFull.filter((r) => r.endsWith(' VIEW')).length).toBeGreaterThan(0);
    // The cached plans are the full build's, so its plan fingerprints come back unchanged.
    expect(incremental.tasks.map((t) => [t.name, t.planFingerprint, t.cachePolicy])).toEqual(full.tasks.map((t) => [t.name, t.planFingerprint, t.cachePolicy]));
    expect(incremental.nodesByKind['DEF']).toBe((full.nodesByKind['DEF'] ?? 0) + 1);
    // Same plan, same scan decisions: the payoffs measured by the full build are taken over, not profiled again.
    const payoffs = async (runId: string) => (await readRunBundle(join(runsDirectory(root), runId))).read(runScanPayoffsArtifact);
    const measured = await payoffs(full.runId);
    expect(measured.some((d) => d.payoff !== undefined)).toBe(true);
    expect(await payoffs(incremental.runId)).toEqual(measured);

    const store = await openStore({ path: storePath });
    try {
      const hit = await lookUpPlanCache(store, manifest, registry, false);
      expect(hit.hit).toBeDefined();
      expect(Object.keys(hit.hit?.locality ?? {}).sort()).toEqual(manifest.views.map((v) => v.name as string).sort());
      expect(hit.key).toBe(await planCacheKey(store, manifest, registry));
      // Other analysis rules (a newer release) never take an analysis the older rules made.
      expect(await planCacheKey(store, manifest, registry, PLAN_ANALYSIS_VERSION + 1)).not.toBe(hit.key);
      // --full never takes it.
      expect((await lookUpPlanCache(store, manifest, registry, true)).hit).toBeUndefined();
      // Another program (SCIP views kept) has another key.
      expect((await lookUpPlanCache(store, compileForRun({ scip: true }), registry, false)).hit).toBeUndefined();
      // So does another schema of any registered dataset.
      const widened = registryOfRun();
      widened.register(
        defineDataset({
          name: 'evidence.extra',
          producer: 'test',
          version: 1,
          description: 'a dataset the cached plan never saw',
          spanUnit: 'none',
          columns: [{ name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'file' }],
        }),
      );
      expect((await lookUpPlanCache(store, manifest, widened, false)).hit).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('when missed by an incremental build, is planned afresh and the build still equals a full one', { timeout: 300_000 }, async () => {
    const root = twoFileProject('anatomy-plan-cache-miss-');
    const storePath = join(root, 'store.duckdb');
    await buildCpg({ root, storePath, maintenance: 'off' }, silentProgress());
    const before = await storeState(storePath);
    // What an older release's cache looks like to this one: nothing under this key.
    const store = await openStore({ path: storePath });
    try {
      await store.run('DELETE FROM meta.plan_cache');
    } finally {
      await store.close();
    }
    appendFileSync(join(root, 'b.py'), '\n\ndef k():\n    return C().m()\n');
    const incremental = await buildCpg({ root, storePath, maintenance: 'off' }, silentProgress());
    expect(incremental.build.mode).toBe('incremental');
    // Planning left stand-ins for the stored views; every one was replaced by its table, and the inline views are views.
    const after = await storeState(storePath);
    expect(after.relations).toEqual(before.relations);
    const fresh = join(root, 'fresh.duckdb');
    await buildCpg({ root, storePath: fresh, maintenance: 'off', full: true }, silentProgress());
    expect(after.fingerprints).toEqual((await storeState(fresh)).fingerprints);
    expect(after.fingerprints).not.toEqual(before.fingerprints);
    // And the cache is written again for the next build.
    const reopened = await openStore({ path: storePath });
    try {
      expect((await lookUpPlanCache(reopened, compileForRun(), registryOfRun(), false)).hit).toBeDefined();
    } finally {
      await reopened.close();
    }
  });
});
