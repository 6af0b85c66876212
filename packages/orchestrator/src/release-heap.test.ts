import { describe, expect, it } from 'vitest';
import { releaseHeapGarbage } from './release-heap.js';

describe('releaseHeapGarbage', () => {
  it('runs a full collection without --expose-gc: an unreachable large array is gone after it', async () => {
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    // A large array lives in V8's large-object space, which only a full collection frees.
    let big: number[] | null = new Array<number>(4_000_000).fill(1);
    const ref = new WeakRef(big);
    big = null;
    // A WeakRef's target stays alive until the job that made it (or last read it) ends.
    await new Promise((resolve) => setImmediate(resolve));
    const released = releaseHeapGarbage();
    expect(released).not.toBeNull();
    expect(ref.deref() === undefined).toBe(true);
    // The 32 MB array was counted before and is not after.
    expect((released?.heapUsedBefore ?? 0) - (released?.heapUsedAfter ?? 0)).toBeGreaterThan(16 * 2 ** 20);
    // The flag was turned off again: contexts made later do not see gc.
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});
