import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MAINTENANCE_ACTION_TRIGGERS, readMaintenanceLog } from '@anatomy/maintenance';
import { openStore, tableFingerprint } from '@anatomy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCpg } from './build-cpg.js';
import type { BuildSummary } from './build-cpg.js';
import { maintainCommand } from './maintain-command.js';
import { OrchestratorError } from './orchestrator-error.js';
import { silentProgress } from './progress-reporter.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fixture(): string {
  const root = mkdtempSync(join(tmpdir(), 'anatomy-maintain-'));
  dirs.push(root);
  // Enough calls that cpg.props gains more rows than the statistics-refresh threshold (122,880).
  const lines = Array.from({ length: 3000 }, (_, i) => `v${i} = f(a${i}, b${i}) + g(c${i})`);
  const files: Record<string, string> = { 'app/__init__.py': '', 'app/calls.py': `${lines.join('\n')}\n` };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** The content fingerprint of every base table of the store, and its maintenance log length. */
async function storeState(path: string): Promise<{ tables: Record<string, string>; logEntries: number }> {
  const store = await openStore({ path });
  try {
    const rows = await store.query(
      "SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE table_catalog = current_database() ORDER BY name",
    );
    const tables: Record<string, string> = {};
    for (const row of rows) tables[String(row['name'])] = await tableFingerprint(store, String(row['name']));
    return { tables, logEntries: (await readMaintenanceLog(store)).length };
  } finally {
    await store.close();
  }
}

describe('maintainCommand', () => {
  let root = '';
  let build: BuildSummary;
  beforeAll(async () => {
    root = fixture();
    // Maintenance off, so the recorded writes still call for it.
    build = await buildCpg({ root, maintenance: 'off' }, silentProgress());
    // Slow on a busy machine: 3,000 module-level names make rel.load_local join 45 million
    // symbol × scope pairs before its name condition applies (18 s of a 26 s build, load 2–4).
    // 120 s was missed once under load 7–8.
  }, 300_000);

  it('decides from the latest run on a dry run and changes nothing', async () => {
    const before = await storeState(build.storePath);
    const result = await maintainCommand({ root, dryRun: true });
    expect(result.runId).toBe(build.runId);
    expect(result.decisions.map((d) => d.action)).toContain('refresh-statistics');
    expect(result.records.map((r) => r.decision)).toEqual(result.decisions);
    for (const r of result.records) {
      expect(r.status).toBe('dry-run');
      expect(Object.keys(MAINTENANCE_ACTION_TRIGGERS)).toContain(r.decision.action);
    }
    expect(await storeState(build.storePath)).toEqual(before);
  });

  it('carries the decisions out and logs them when not a dry run', async () => {
    const result = await maintainCommand({ root, dryRun: false });
    expect(result.records.length).toBe(result.decisions.length);
    expect(result.records.some((r) => r.status === 'done')).toBe(true);
    expect((await storeState(build.storePath)).logEntries).toBe(result.records.filter((r) => r.status === 'done').length);
  });

  it('refuses a directory that was never built', async () => {
    const error = await maintainCommand({ root: fixture(), dryRun: true }).catch((e: unknown) => e);
    expect(OrchestratorError.is(error, 'NoRuns')).toBe(true);
  });
});
