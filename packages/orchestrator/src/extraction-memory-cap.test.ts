import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCpg } from './build-cpg.js';
import type { BuildSummary } from './build-cpg.js';
import { endHolder, memoryHolder } from './memory-holder.test-support.js';
import { silentProgress } from './progress-reporter.js';

// The views' cap of a full build follows what the build's processes held while extracting and gave
// back: here a python3 this process started holds 1.5 GiB, as scip-python would hold its index.
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

  it('stays at the default when extraction gave back too little to raise it', async () => {
    const summary = await buildCpg({ root, full: true, maintenance: 'off' }, silentProgress());
    expect(summary.memory.limit).toBe('400MB');
    expect(summary.memory.extraction).toBeUndefined();
    // Sampled, and what was given back is under three times the default's 400MB (381 MiB).
    const held = summary.memory.extractionHeld;
    expect(held?.peakMiB).toBeGreaterThan(0);
    expect(held?.endMiB).not.toBeNull();
    expect((held?.peakMiB ?? 0) - (held?.endMiB ?? 0)).toBeLessThan(3 * 381);
  });

  it('stays at the default when the memory extraction held is still held after it', async () => {
    holder = await memoryHolder(1536);
    const summary = await buildCpg({ root, full: true, maintenance: 'off' }, silentProgress());
    expect(summary.memory.limit).toBe('400MB');
    expect(summary.memory.extraction).toBeUndefined();
    // The holder's 1.5 GiB counted to the end.
    expect(summary.memory.extractionHeld?.endMiB).toBeGreaterThan(1536);
  });

  /** A full build during whose extraction 1.5 GiB held by a python3 this process started is given back. */
  async function buildGivingBack(memoryLimit?: string): Promise<BuildSummary> {
    if (holder !== undefined) await endHolder(holder);
    const running = await memoryHolder(1536);
    holder = running;
    // Ended once extraction is under way (its memory sampled as the extractors started), as scip-python ends before the views run.
    const progress = { ...silentProgress(), stage: (name: string) => void (name === 'extract' && running.kill('SIGKILL')) };
    try {
      return await buildCpg({ root, full: true, maintenance: 'off', ...(memoryLimit === undefined ? {} : { memoryLimit }) }, progress);
    } finally {
      await endHolder(running);
      holder = undefined;
    }
  }

  it('is raised to a third of what extraction held and gave back', async () => {
    const raised = await buildGivingBack();
    // 1.5 GiB held and given back: a third of that is 512 MiB, less what this process grew by meanwhile.
    const mib = Number(/^(\d+)MiB$/.exec(raised.memory.limit ?? '')?.[1]);
    expect(mib).toBeGreaterThan(450);
    expect(raised.memory.extraction).toEqual({ limit: '400MB', reason: expect.stringContaining(`given back, ${mib}MiB, instead of 400MB`) });
    const held = raised.memory.extractionHeld;
    expect((held?.peakMiB ?? 0) - (held?.endMiB ?? 0)).toBeGreaterThan(3 * 450);
  });

  it("is never raised above the user's cap", async () => {
    const configured = await buildGivingBack('400MB');
    expect(configured.memory.limit).toBe('400MB');
    expect(configured.memory.extraction).toBeUndefined();
  });
});
