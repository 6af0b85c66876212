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

  it('writes views two at a time through a second connection, to the same CPG as one at a time', { timeout: 300_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'anatomy-lanes-build-'));
    dirs.push(root);
    writeFileSync(join(root, 'shop.py'), 'import os\n\nclass Cart:\n    def add(self, item):\n        return helper(item)\n\n\ndef helper(x):\n    return os.path.join(x, [y for y in x])\n');
    writeFileSync(join(root, 'app.py'), 'from shop import Cart, helper\n\n\ndef main():\n    Cart().add(helper("a"))\n');
    const path = join(root, STORE_RELATIVE_PATH);
    const beside = await buildCpg({ root, maintenance: 'off' }, silentProgress());
    // Its views were written through two connections, some while another was being written.
    expect(beside.build.viewsBeside).toBeGreaterThan(0);
    const twoAtATime = await storeState(path);
    // A second handle open on the store in this process: the build runs in one transaction, one view at a time.
    const other = await openStore({ path });
    let serial;
    try {
      serial = await buildCpg({ root, full: true, maintenance: 'off' }, silentProgress());
    } finally {
      await other.close();
    }
    expect(serial.build.viewsBeside).toBe(0);
    expect(serial.build.views.full).toBe(beside.build.views.full);
    expect((await storeState(path)).fingerprints).toEqual(twoAtATime.fingerprints);
  });
});
