import { describe, expect, it } from 'vitest';
import { releaseHeapGarbage } from './release-heap.js';

describe('releaseHeapGarbage', () => {
  it('collects garbage the heap still holds, without --expose-gc', () => {
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    // About 100 MB of objects, unreachable once the function returns.
    const churn = (): number => {
      let kept = 0;
      for (let round = 0; round < 10; round++) {
        const rows = Array.from({ length: 100_000 }, (_, i) => ({ id: `ref:${round}:${i}`, at: i }));
        kept += rows.length;
      }
      return kept;
    };
    expect(churn()).toBe(1_000_000);
    const released = releaseHeapGarbage();
    expect(released).not.toBeNull();
    expect(released?.heapUsedAfter).toBeLessThan(released?.heapUsedBefore ?? 0);
    // The flag was turned off again: contexts made later do not see gc.
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});
