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
  const files: Record<string, string> = { 'app/__init__.py': '', 'app/calls.py': callsModule(0) };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/**
 * Enough names that re-extracting the module deletes and inserts more rows of
 * evidence.ts_refs (five per line) than the statistics-refresh threshold (122,880);
 * expressions only, so few names are bound and the build stays quick.
 */
function callsModule(edit: number): string {
  const lines = Array.from({ length: 13_000 }, (_, i) => `f(a${i}, b${i}) + g(c${i})`);
  return `${lines.join('\n')}\nedit = ${edit}\n`;
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
    // A full build writes every table anew, which calls for no statistics refresh (a dry run
    // shows what it would do); an edit then rebuilds the module's rows in place, with
    // maintenance off, so those writes still call for it.
    const full = await buildCpg({ root, maintenance: 'dry-run' }, silentProgress());
    expect(full.maintenance.filter((r) => r.decision.action === 'refresh-statistics')).toEqual([]);
    writeFileSync(join(root, 'app/calls.py'), callsModule(1));
    build = await buildCpg({ root, maintenance: 'off' }, silentProgress());
    expect(build.build.mode).toBe('incremental');
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
