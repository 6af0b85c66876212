import type { ExtractableFile } from '@anatomy/schema-authority';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planChunks } from './plan-chunks.js';

const file = (i: number, size: number): ExtractableFile => ({ file_id: `file:${i}`, path: `f${i}.py`, size, sha256: '0'.repeat(64), encoding: 'utf-8' });

describe('planChunks', () => {
  it('places every file exactly once, within the limits, largest chunk first', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 200 }), fc.integer({ min: 1, max: 4000 }), fc.integer({ min: 1, max: 20 }), (sizes, bytes, files) => {
        const input = sizes.map((s, i) => file(i, s));
        const chunks = planChunks(input, { bytes, files });
        expect(chunks.flatMap((c) => c.files).map((f) => f.file_id).sort()).toEqual(input.map((f) => f.file_id).sort());
        for (const c of chunks) {
          expect(c.files.length).toBeGreaterThan(0);
          expect(c.files.length).toBeLessThanOrEqual(files);
          expect(c.bytes).toBe(c.files.reduce((a, f) => a + f.size, 0));
          if (c.files.length > 1) expect(c.bytes).toBeLessThanOrEqual(bytes);
        }
        for (let i = 1; i < chunks.length; i++) expect(chunks[i - 1]!.bytes).toBeGreaterThanOrEqual(chunks[i]!.bytes);
      }),
    );
  });

  it('gives a file larger than the limit a chunk of its own', () => {
    const chunks = planChunks([file(0, 10), file(1, 10_000), file(2, 10)], { bytes: 100, files: 10 });
    expect(chunks.map((c) => c.files.map((f) => f.path))).toEqual([['f1.py'], ['f0.py'], ['f2.py']]);
  });
});
