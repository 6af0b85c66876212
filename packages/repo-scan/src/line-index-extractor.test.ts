import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lineIndexDataset, lineIndexExtractor } from './line-index-extractor.js';
import { scanRepository } from './scan-repository.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('lineIndexExtractor', () => {
  it('gives every line its byte range, with mixed line ends, a BOM and non-ASCII text', async () => {
    const root = mkdtempSync(join(tmpdir(), 'anatomy-lines-'));
    dirs.push(root);
    writeFileSync(join(root, 'a.py'), Buffer.from('x = 1\r\né = "ü"\rlast'));
    writeFileSync(join(root, 'b.py'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('y\n')]));
    writeFileSync(join(root, 'empty.py'), '');
    const scan = await scanRepository({ root });
    const rows: string[] = [];
    for await (const batch of lineIndexExtractor.extract({ root: scan.root, files: scan.files, datasets: new Set([lineIndexDataset.name]) })) {
      for (let i = 0; i < batch.rowCount; i++) {
        const path = scan.files.find((f) => f.file_id === batch.columns['file_id']?.[i])?.path;
        rows.push(`${path}:${String(batch.columns['line_no']?.[i])} [${String(batch.columns['bstart']?.[i])}, ${String(batch.columns['bend']?.[i])})`);
      }
    }
    // 'é = "ü"' is 7 characters and 9 bytes; a BOM is not part of line 1
    expect(rows).toEqual(['a.py:1 [0, 7)', 'a.py:2 [7, 17)', 'a.py:3 [17, 21)', 'b.py:1 [3, 5)']);
  });

  it('emits nothing unless its dataset is demanded', async () => {
    const root = mkdtempSync(join(tmpdir(), 'anatomy-lines-'));
    dirs.push(root);
    writeFileSync(join(root, 'a.py'), 'x = 1\n');
    const scan = await scanRepository({ root });
    const batches = [];
    for await (const batch of lineIndexExtractor.extract({ root: scan.root, files: scan.files, datasets: new Set(['evidence.ts_defs']) })) batches.push(batch);
    expect(batches).toEqual([]);
    expect((await lineIndexExtractor.capability()).available).toBe(true);
  });
});
