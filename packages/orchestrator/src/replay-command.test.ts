import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openStore, tableFingerprint } from '@anatomy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCpg } from './build-cpg.js';
import type { BuildSummary } from './build-cpg.js';
import { OrchestratorError } from './orchestrator-error.js';
import { silentProgress } from './progress-reporter.js';
import { OUTPUT_TABLES } from './run-artifacts.js';
import { replayCommand } from './replay-command.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fixture(): string {
  const root = mkdtempSync(join(tmpdir(), 'anatomy-replay-'));
  dirs.push(root);
  const files: Record<string, string> = {
    'pkg/__init__.py': '',
    'pkg/shapes.py': 'class Square:\n    def area(self, side):\n        return side * side\n\n\ndef total(items):\n    return sum(Square().area(i) for i in items)\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** The content fingerprint of every base table of the store, keyed by name. */
async function storeContents(path: string): Promise<Record<string, string>> {
  const store = await openStore({ path });
  try {
    const tables = await store.query(
      "SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE table_catalog = current_database() ORDER BY name",
    );
    const out: Record<string, string> = {};
    for (const row of tables) out[String(row['name'])] = await tableFingerprint(store, String(row['name']));
    return out;
  } finally {
    await store.close();
  }
}

describe('replayCommand', () => {
  let root = '';
  let build: BuildSummary;
  beforeAll(async () => {
    root = fixture();
    build = await buildCpg({ root }, silentProgress());
    // A real build plans every view of the program with DuckDB: up to a minute on a busy machine.
  }, 180_000);

  it('reproduces every output table of a fresh build, and leaves the store as it was', async () => {
    const before = await storeContents(build.storePath);
    const result = await replayCommand({ root });
    expect(result.runId).toBe(build.runId);
    expect(result.tables.map((t) => t.table)).toEqual([...OUTPUT_TABLES].sort());
    for (const t of result.tables) expect(t).toMatchObject({ matches: true, expected: t.actual });
    expect(result.ok).toBe(true);
    expect(await storeContents(build.storePath)).toEqual(before);
  });

  it('names the tables that differ once the evidence changed, and still leaves the store as it was', async () => {
    const store = await openStore({ path: build.storePath });
    try {
      const changed = await store.query("UPDATE evidence.ts_defs SET name = 'x' WHERE name = 'area' RETURNING name");
      expect(changed.length).toBe(1);
    } finally {
      await store.close();
    }
    const before = await storeContents(build.storePath);
    const result = await replayCommand({ root, runId: build.runId });
    expect(result.ok).toBe(false);
    const nodes = result.tables.find((t) => t.table === 'cpg.nodes');
    expect(nodes?.matches).toBe(false);
    expect(nodes?.expected).not.toBe(nodes?.actual);
    expect(await storeContents(build.storePath)).toEqual(before);
  });

  it('says which runs exist when the named one does not', async () => {
    const error = await replayCommand({ root, runId: '20000101T000000000Z-000000' }).catch((e: unknown) => e);
    expect(OrchestratorError.is(error, 'RunNotFound')).toBe(true);
  });

  it('refuses a directory without runs', async () => {
    const error = await replayCommand({ root: fixture() }).catch((e: unknown) => e);
    expect(OrchestratorError.is(error, 'NoRuns')).toBe(true);
  });
});
