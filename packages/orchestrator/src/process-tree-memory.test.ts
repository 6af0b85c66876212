import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { endHolder, memoryHolder } from './memory-holder.test-support.js';
import { processTreeResidentBytes, ProcessTreeMemory } from './process-tree-memory.js';

const MIB = 2 ** 20;

describe('processTreeResidentBytes', () => {
  let child: ChildProcess | undefined;
  afterEach(async () => {
    if (child !== undefined) await endHolder(child);
    child = undefined;
  });

  it('counts what the processes this one started hold, their children included', async () => {
    const alone = processTreeResidentBytes();
    expect(alone).not.toBeNull();
    // This process alone: at least what Node says it holds, give or take what moved between the two reads.
    expect(alone as number).toBeGreaterThan(process.memoryUsage().rss / 2);
    child = await memoryHolder(300);
    const withChild = processTreeResidentBytes() as number;
    expect(withChild - (alone as number)).toBeGreaterThan(300 * MIB);
  });

  it('keeps the highest sample: a peak from before the memory was given back', async () => {
    child = await memoryHolder(300);
    // One sample now, the next far away.
    const sampler = ProcessTreeMemory.start({ everyMs: 60_000 });
    const peak = sampler.peak as number;
    await endHolder(child);
    child = undefined;
    expect(peak - (processTreeResidentBytes() as number)).toBeGreaterThan(300 * MIB);
    const held = sampler.stop();
    expect(held?.peakBytes).toBe(peak);
    // The last sample, taken as it stops, no longer holds the grandchild's memory.
    expect(peak - (held?.endBytes ?? peak)).toBeGreaterThan(300 * MIB);
  });

  it("samples another process's tree, and keeps its peak once that process has ended", async () => {
    child = await memoryHolder(300);
    const sampler = ProcessTreeMemory.start({ root: child.pid as number, everyMs: 60_000 });
    // The holder and its grandchild only: far less than this process and the holder together.
    const peak = sampler.peak as number;
    expect(peak).toBeGreaterThan(300 * MIB);
    expect(peak).toBeLessThan((processTreeResidentBytes() as number) - process.memoryUsage().rss / 2);
    await endHolder(child);
    child = undefined;
    // Reaped, the root has no /proc entry left: no last sample, the peak stays.
    expect(sampler.stop()).toEqual({ peakBytes: peak, endBytes: null });
  });
});
