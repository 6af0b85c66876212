import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, tableFingerprint } from '@anatomy/store';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCpg, STORE_RELATIVE_PATH } from './build-cpg.js';
import { silentProgress } from './progress-reporter.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function storeState(path: string): Promise<{ runs: string[]; fingerprints: string[] }> {
  const store = await openStore({ path, readOnly: true });
  try {
    const runs = (await store.query('SELECT run_id FROM meta.runs ORDER BY run_id')).map((r) => String(r['run_id']));
    const fingerprints: string[] = [];
    for (const table of ['cpg.nodes', 'cpg.edges', 'cpg.props']) fingerprints.push(await tableFingerprint(store, table));
    return { runs, fingerprints };
  } finally {
    await store.close();
  }
}

describe('a full build', () => {
  it('swaps in a new generation that keeps the earlier runs, equals the build before it, and leaves nothing beside the store', { timeout: 300_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'anatomy-generation-build-'));
    dirs.push(root);
    writeFileSync(join(root, 'shop.py'), 'class Cart:\n    def add(self, item):\n        return helper(item)\n\n\ndef helper(x):\n    return x\n');
    const first = await buildCpg({ root, maintenance: 'off' }, silentProgress());
    expect(first.build.mode).toBe('full');
    const path = join(root, STORE_RELATIVE_PATH);
    const before = await storeState(path);
    expect(before.runs).toEqual([first.runId]);

    const second = await buildCpg({ root, full: true, maintenance: 'off' }, silentProgress());
    expect(second.build).toMatchObject({ mode: 'full', reason: '--full was given' });
    const after = await storeState(path);
    // meta.runs lives outside the rebuilt schemas, so the new generation carries the first run over.
    expect(after.runs).toEqual([first.runId, second.runId].sort());
    expect(after.fingerprints).toEqual(before.fingerprints);
    expect(readdirSync(join(root, '.anatomy')).filter((f) => f !== 'runs').sort()).toEqual(['anatomy.duckdb']);
  });
});
