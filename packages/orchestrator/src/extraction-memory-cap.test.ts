import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCpg } from './build-cpg.js';
import { endHolder, memoryHolder } from './memory-holder.test-support.js';
import { silentProgress } from './progress-reporter.js';

// The views' cap of a full build follows what the build's processes held while extracting: here a
// python3 this process started holds 1.5 GiB through the build, as scip-python would hold its index.
describe('the cap of a full build after extraction', () => {
  let root: string;
  let holder: ChildProcess | undefined;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'anatomy-extraction-cap-'));
    writeFileSync(join(root, 'shop.py'), 'class Cart:\n    def add(self, item):\n        return helper(item)\n\n\ndef helper(x):\n    return x\n');
  });
  afterAll(async () => {
    if (holder !== undefined) await endHolder(holder);
    rmSync(root, { recursive: true, force: true });
  });

  it('stays at the default when extraction held less than three times it', async () => {
    const summary = await buildCpg({ root, full: true, maintenance: 'off' }, silentProgress());
    expect(summary.memory.limit).toBe('400MB');
    expect(summary.memory.extraction).toBeUndefined();
  });

  it('is raised to a third of the peak the build reached while extracting, below that peak', async () => {
    holder = await memoryHolder(1536);
    const raised = await buildCpg({ root, full: true, maintenance: 'off' }, silentProgress());
    // The tree held the 1.5 GiB and this process: a third of that is above 512 MiB.
    const mib = Number(/^(\d+)MiB$/.exec(raised.memory.limit ?? '')?.[1]);
    expect(mib).toBeGreaterThan(512);
    expect(raised.memory.extraction).toEqual({ limit: '400MB', reason: expect.stringContaining(`a third of that, ${mib}MiB, instead of 400MB`) });
    // The user's cap is the user's word.
    const configured = await buildCpg({ root, full: true, maintenance: 'off', memoryLimit: '400MB' }, silentProgress());
    expect(configured.memory.limit).toBe('400MB');
    expect(configured.memory.extraction).toBeUndefined();
  });
});
