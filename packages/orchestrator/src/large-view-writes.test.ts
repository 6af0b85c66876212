import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunBundle } from '@anatomy/artifact-registry';
import { openStore } from '@anatomy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCpg, STORE_RELATIVE_PATH } from './build-cpg.js';
import type { BuildSummary } from './build-cpg.js';
import { FILES_PER_WRITE_RANGE } from './file-range-writes.js';
import { silentProgress } from './progress-reporter.js';
import { runManifestArtifact, runPlanReportArtifact } from './run-artifacts.js';
import { runsDirectory } from './run-directory.js';

// More files than one range holds, each importing, calling and defining, so both large views have rows in every range.
const FILES = FILES_PER_WRITE_RANGE + 60;

function module(i: number): string {
  const previous = i === 0 ? '' : `from m${i - 1} import helper${i - 1}\n`;
  const call = i === 0 ? 'len(value)' : `helper${i - 1}(value)`;
  return `import os\n${previous}\n\nclass Box${i}:\n    def put(self, value):\n        return ${call}\n\n\ndef helper${i}(value):\n    path = os.path.join(value, 'x')\n    return Box${i}().put(path)\n`;
}

describe('a full build of more files than a write range holds', () => {
  let root: string;
  let summary: BuildSummary;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'anatomy-large-views-'));
    for (let i = 0; i < FILES; i++) writeFileSync(join(root, `m${i}.py`), module(i));
    summary = await buildCpg({ root, maintenance: 'off' }, silentProgress());
  }, 300_000);
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('writes cpg.props and cpg.nodes by file ranges and cpg.edges in stages, as the plan decided, under the default cap', async () => {
    expect(summary.build.mode).toBe('full');
    expect(summary.memory).toMatchObject({ limit: '400MB', raised: [], leaner: [], sortedRankings: true });
    expect(summary.memory.extraction).toBeUndefined();
    const bundle = await readRunBundle(join(runsDirectory(root), summary.runId));
    const shapes = bundle
      .read(runPlanReportArtifact)
      .decisions.filter((d) => d.decision === 'write-shape')
      .map((d) => [d.subject, (d.value as { shape: string }).shape]);
    expect(shapes).toEqual([
      ['cpg.edges', 'staged-union'],
      ['cpg.nodes', 'file-ranges'],
      ['cpg.props', 'file-ranges'],
    ]);
  });

  it('stores the rows the views compute in one statement, in file order', async () => {
    const views = new Map((await readRunBundle(join(runsDirectory(root), summary.runId))).read(runManifestArtifact).views.map((v) => [v.name as string, v.sql]));
    const store = await openStore({ path: join(root, STORE_RELATIVE_PATH), readOnly: true });
    try {
      for (const table of ['cpg.props', 'cpg.nodes', 'cpg.edges']) {
        const sql = views.get(table) ?? '';
        const [counts] = await store.query(
          `SELECT (SELECT count(*) FROM ${table}) AS stored, (SELECT count(DISTINCT file_id) FROM ${table}) AS files, ` +
            `(SELECT count(*) FROM ((SELECT * FROM ${table} EXCEPT ALL SELECT * FROM (${sql})) UNION ALL (SELECT * FROM (${sql}) EXCEPT ALL SELECT * FROM ${table}))) AS differ`,
        );
        expect(counts?.['differ'], table).toBe(0n);
        expect(Number(counts?.['stored']), table).toBeGreaterThan(FILES);
        expect(counts?.['files'], table).toBe(BigInt(FILES));
        const [order] = await store.query(`SELECT list(file_id ORDER BY rowid) = list(file_id ORDER BY file_id NULLS LAST) AS sorted FROM ${table}`);
        expect(order?.['sorted'], table).toBe(true);
      }
    } finally {
      await store.close();
    }
  });
});
