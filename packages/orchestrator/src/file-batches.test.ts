import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunBundle } from '@anatomy/artifact-registry';
import { openStore, tableFingerprint } from '@anatomy/store';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCpg, STORE_RELATIVE_PATH } from './build-cpg.js';
import { fileBatches, materializeInFileBatches } from './file-batches.js';
import { silentProgress } from './progress-reporter.js';
import { runWriteOutcomesArtifact } from './run-artifacts.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const local = { view: 'rel.x', local: true, column: 'file_id', reason: 'passes file_id through' };

describe('fileBatches', () => {
  it('splits the sorted file ids of a large file-local view into as many runs as its estimate needs', () => {
    const fileIds = ['f5', 'f1', 'f4', 'f2', 'f3', 'f1'];
    expect(fileBatches({ locality: local, estimatedRows: 25, fileIds, rowsPerBatch: 10 })).toEqual({
      column: 'file_id',
      batches: [['f1'], ['f2', 'f3'], ['f4', 'f5']],
    });
    // Never more batches than files.
    expect(fileBatches({ locality: local, estimatedRows: 1000, fileIds, rowsPerBatch: 10 })?.batches).toEqual([['f1'], ['f2'], ['f3'], ['f4'], ['f5']]);
  });

  it('leaves a view in one statement when it is small, global or without an estimate', () => {
    const fileIds = ['f1', 'f2', 'f3'];
    expect(fileBatches({ locality: local, estimatedRows: 10, fileIds, rowsPerBatch: 10 })).toBeUndefined();
    expect(fileBatches({ locality: { view: 'rel.x', local: false, column: null, reason: 'a cross-file join' }, estimatedRows: 1e9, fileIds })).toBeUndefined();
    expect(fileBatches({ locality: undefined, estimatedRows: 1e9, fileIds })).toBeUndefined();
    expect(fileBatches({ locality: local, estimatedRows: null, fileIds })).toBeUndefined();
  });
});

describe('materializeInFileBatches', () => {
  it('writes exactly the rows of the view, those of no listed file (NULL or unknown) included', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.run(`CREATE TABLE t AS SELECT CASE WHEN i % 7 = 0 THEN NULL ELSE 'f' || (i % 5) END AS file_id, i, i * i AS sq FROM range(500) r(i)`);
      const view = { name: 'main.batched', sql: 'SELECT file_id, i, sq FROM t WHERE i % 3 <> 0 ORDER BY i' };
      // f4 is in no batch, as a file the scan did not list would be.
      const outcomes = await materializeInFileBatches(store, view, { column: 'file_id', batches: [['f0', 'f1'], ['f2'], ['f3']] });
      expect(outcomes.map((o) => o.operation)).toEqual(['materialize-table', 'ingest', 'ingest', 'ingest']);
      await store.run(`CREATE TABLE whole AS ${view.sql}`);
      expect(outcomes.reduce((sum, o) => sum + o.rowsInserted, 0)).toBe(Number((await store.query('SELECT count(*) AS n FROM whole'))[0]?.['n']));
      expect(await tableFingerprint(store, 'main.batched')).toBe(await tableFingerprint(store, 'main.whole'));
      const differing = await store.query('SELECT count(*) AS n FROM ((SELECT * FROM batched EXCEPT ALL SELECT * FROM whole) UNION ALL (SELECT * FROM whole EXCEPT ALL SELECT * FROM batched))');
      expect(Number(differing[0]?.['n'])).toBe(0);
    } finally {
      await store.close();
    }
  });
});

describe('a full build in batches of files', () => {
  it('writes every view with the same rows as a build in one statement per view', { timeout: 300_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'anatomy-file-batches-'));
    dirs.push(root);
    writeFileSync(join(root, 'shop.py'), 'from util import helper\n\nclass Cart:\n    def add(self, item):\n        return helper(item)\n');
    writeFileSync(join(root, 'util.py'), 'def helper(x):\n    return [x for x in range(3)]\n\n\ndef other(y):\n    return helper(y)\n');
    writeFileSync(join(root, 'main.py'), 'import shop\nimport util\n\nshop.Cart().add(util.other(1))\n');
    const path = join(root, STORE_RELATIVE_PATH);
    const tables = async (): Promise<Map<string, string>> => {
      const store = await openStore({ path, readOnly: true });
      try {
        const names = await store.query(
          "SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('meta', 'evidence') ORDER BY name",
        );
        const fingerprints = new Map<string, string>();
        for (const row of names) fingerprints.set(String(row['name']), await tableFingerprint(store, String(row['name'])));
        return fingerprints;
      } finally {
        await store.close();
      }
    };

    await buildCpg({ root, maintenance: 'off' }, silentProgress());
    const whole = await tables();
    const batched = await buildCpg({ root, full: true, maintenance: 'off', rowsPerFileBatch: 1 }, silentProgress());
    expect(await tables()).toEqual(whole);
    // Some views were written in several statements: created by the first batch, then inserted into.
    const outcomes = (await readRunBundle(join(root, '.anatomy', 'runs', batched.runId))).read(runWriteOutcomesArtifact);
    const inserted = new Set(outcomes.filter((o) => o.operation === 'ingest' && !o.target.startsWith('evidence.') && !o.target.startsWith('meta.')).map((o) => o.target));
    expect(inserted.size).toBeGreaterThan(5);
    expect([...inserted].every((t) => whole.has(t))).toBe(true);
  });
});
