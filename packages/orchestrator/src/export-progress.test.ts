import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportArrow, exportGraphML, exportParquet, openCpg } from '@anatomy/cpg-query';
import type { Cpg } from '@anatomy/cpg-query';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCpg } from './build-cpg.js';
import { countingCpg, exportRowTotal } from './export-progress.js';
import { silentProgress } from './progress-reporter.js';

let root = '';
let cpg: Cpg;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'anatomy-export-progress-'));
  writeFileSync(join(root, 'shapes.py'), 'class Square:\n    def area(self, side):\n        return side * side\n\n\ndef total(items):\n    return sum(Square().area(i) for i in items)\n');
  await buildCpg({ root }, silentProgress());
  cpg = await openCpg(root);
});
afterAll(async () => {
  await cpg.close();
  rmSync(root, { recursive: true, force: true });
});

describe('export progress', () => {
  it.each([
    ['parquet', (c: Cpg, out: string) => exportParquet(c, out)],
    ['arrow', (c: Cpg, out: string) => exportArrow(c, out, { batchRows: 7 })],
    ['graphml', (c: Cpg, out: string) => exportGraphML(c, join(out, 'cpg.graphml'))],
  ] as const)('counts every row a %s export writes, as it writes them', async (format, run) => {
    const reports: number[] = [];
    const summary = await run(countingCpg(cpg, (rows) => reports.push(rows)), join(root, `out-${format}`));
    const written = summary.tables.reduce((sum, t) => sum + t.rows, 0);
    expect(reports.reduce((a, b) => a + b, 0)).toBe(written);
    expect(await exportRowTotal(cpg, format)).toBe(written);
    // Arrow streams in batches of 7 rows, so progress arrives in many steps, not once at the end.
    if (format === 'arrow') expect(reports.length).toBeGreaterThan(3);
  });
});
