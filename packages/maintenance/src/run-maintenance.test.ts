import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MaintenanceThresholds } from '@anatomy/execution-policy';
import { openStore, tableFingerprint } from '@anatomy/store';
import type { Store, WriteOutcome } from '@anatomy/store';
import { afterEach, describe, expect, it } from 'vitest';
import { decideMaintenance } from './decide-maintenance.js';
import type { MaintenanceDecision } from './maintenance-decision.js';
import { MaintenanceError } from './maintenance-error.js';
import { readMaintenanceLog } from './maintenance-log.js';
import { MaintenanceRecordSchema } from './maintenance-record.js';
import { runMaintenance } from './run-maintenance.js';

// Low enough that a small test database crosses every one of them.
const thresholds: MaintenanceThresholds = { walBytesCheckpoint: 1024, deletedFractionRewrite: 0.25, freeBlockRatioCompact: 0.3, statsRefreshRowsChanged: 100 };

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function storePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'anatomy-run-maintenance-'));
  dirs.push(dir);
  return join(dir, 'anatomy.duckdb');
}

/**
 * A run's writes as a build makes them: a scratch table grown and then
 * dropped (its blocks become free), a table with most rows deleted, and a
 * table that only grew. The grown tables held rows before the run, so their
 * statistics were gathered on other rows. Returns the outcomes in write order.
 */
async function writeARun(store: Store): Promise<WriteOutcome[]> {
  await store.materialize({ name: 'scratch.big', sql: "SELECT range AS i, 'before' AS s FROM range(10)", as: 'table' });
  await store.materialize({ name: 'cpg.nodes', sql: "SELECT range AS id, 'before' AS label FROM range(10)", as: 'table' });
  const outcomes: WriteOutcome[] = [];
  outcomes.push(await store.insertSelect({ table: 'scratch.big', sql: "SELECT range, repeat('x', 100) || range FROM range(300000)" }));
  outcomes.push(await store.materialize({ name: 'evidence.defs', sql: "SELECT range AS seq, 'def_' || range AS name FROM range(200000)", as: 'table' }));
  outcomes.push(await store.insertSelect({ table: 'cpg.nodes', sql: "SELECT range, 'n' || range FROM range(5000)" }));
  await store.checkpoint();
  await store.run('DROP TABLE scratch.big');
  await store.checkpoint();
  outcomes.push(await store.deleteRows({ table: 'evidence.defs', where: 'seq % 4 <> 0' }));
  return outcomes;
}

const summary = (d: MaintenanceDecision): string => `${d.action} ${d.target.scope === 'table' ? d.target.table : '(database)'}`;

describe('runMaintenance', () => {
  it('carries out the decided actions, measures each, and logs them in the store', async () => {
    const path = storePath();
    const store = await openStore({ path });
    try {
      const outcomes = await writeARun(store);
      const decisions = decideMaintenance(outcomes, thresholds);
      expect(decisions.map(summary)).toEqual([
        'rewrite-table evidence.defs',
        'refresh-statistics cpg.nodes',
        'refresh-statistics scratch.big',
        'checkpoint (database)',
        'compact-database (database)',
      ]);
      const nodes = await tableFingerprint(store, 'cpg.nodes');
      const defs = await tableFingerprint(store, 'evidence.defs');

      const records = await runMaintenance(store, decisions, { runId: 'run-000042' });
      expect(records.map((r) => [summary(r.decision), r.status])).toEqual([
        ['rewrite-table evidence.defs', 'done'],
        ['refresh-statistics cpg.nodes', 'done'],
        ['refresh-statistics scratch.big', 'skipped'],
        ['checkpoint (database)', 'done'],
        ['compact-database (database)', 'done'],
      ]);
      for (const r of records) expect(MaintenanceRecordSchema.safeParse(r).success).toBe(true);
      const [rewrite, , skipped, checkpoint, compaction] = records;
      expect(rewrite!.before.table).toMatchObject({ liveRows: 50_000, storedRows: 200_000 });
      expect(rewrite!.after?.table).toMatchObject({ liveRows: 50_000, storedRows: 50_000 });
      expect(skipped!.note).toMatch(/scratch\.big no longer exists/);
      expect(checkpoint!.after?.walBytes).toBe(0);
      expect(compaction!.before.freeBlocks).toBeGreaterThan(0);
      expect(compaction!.after?.freeBlocks).toBe(0);
      expect(compaction!.after!.fileBytes).toBeLessThan(compaction!.before.fileBytes);
      expect(await tableFingerprint(store, 'cpg.nodes')).toBe(nodes);
      expect(await tableFingerprint(store, 'evidence.defs')).toBe(defs);

      const log = await readMaintenanceLog(store);
      expect(log.map((e) => [e.runId, e.seq, e.record.decision.action])).toEqual([
        ['run-000042', 0, 'rewrite-table'],
        ['run-000042', 1, 'refresh-statistics'],
        ['run-000042', 3, 'checkpoint'],
        ['run-000042', 4, 'compact-database'],
      ]);
      expect(log.map((e) => e.record)).toEqual(records.filter((r) => r.status === 'done'));
      expect(await store.query('SELECT file_bytes_before > file_bytes_after AS shrank FROM meta.maintenance_log WHERE action = ?', ['compact-database'])).toEqual([{ shrank: true }]);
    } finally {
      await store.close();
    }
    // The log survives the store being closed and reopened.
    const reader = await openStore({ path, readOnly: true });
    try {
      expect((await readMaintenanceLog(reader)).length).toBe(4);
    } finally {
      await reader.close();
    }
  });

  it('refreshes no statistics of tables the run wrote anew, whose write-time statistics DuckDB already uses', async () => {
    const store = await openStore({ path: storePath() });
    try {
      // 100,000 rows with 2,000 distinct names; a table replaced whole, one filled from empty, one grown.
      const rows = "SELECT range AS seq, 'name_' || (range % 2000) AS name FROM range(100000)";
      await store.run('CREATE SCHEMA evidence');
      await store.run('CREATE TABLE evidence.filled (seq BIGINT, name VARCHAR)');
      await store.run("CREATE TABLE evidence.grown AS SELECT range AS seq, 'old' AS name FROM range(10)");
      const outcomes = [
        await store.materialize({ name: 'derived.made', sql: rows, as: 'table' }),
        await store.insertSelect({ table: 'evidence.filled', sql: rows }),
        await store.insertSelect({ table: 'evidence.filled', sql: rows }),
        await store.insertSelect({ table: 'evidence.grown', sql: rows }),
      ];
      const refreshes = (writes: readonly WriteOutcome[]): string[] =>
        decideMaintenance(writes, thresholds)
          .filter((d) => d.action === 'refresh-statistics')
          .map(summary);
      expect(refreshes(outcomes)).toEqual(['refresh-statistics evidence.grown']);
      // Measured together after the writes, as a build measures them, every write carries the counts after the
      // last one: a table filled from empty in two inserts is still told from one that held rows before.
      await store.run('CREATE TABLE evidence.filled_later (seq BIGINT, name VARCHAR)');
      await store.run("CREATE TABLE evidence.grown_later AS SELECT range AS seq, 'old' AS name FROM range(10)");
      const pending = [
        await store.insertSelect({ table: 'evidence.filled_later', sql: rows }, { measure: false }),
        await store.insertSelect({ table: 'evidence.filled_later', sql: rows }, { measure: false }),
        await store.insertSelect({ table: 'evidence.grown_later', sql: rows }, { measure: false }),
      ];
      const measured = await store.measureWrites(pending);
      expect(measured.map((m) => m.tableRowCount)).toEqual([200_000, 200_000, 100_010]);
      expect(refreshes(measured)).toEqual(['refresh-statistics evidence.grown_later']);
      // A deletion afterwards ends it: the statistics still count the deleted rows.
      const deleted = await store.deleteRows({ table: 'derived.made', where: 'seq < 10' });
      expect(refreshes([...outcomes, deleted])).toEqual(['refresh-statistics derived.made', 'refresh-statistics evidence.grown']);
      // Without write-time statistics DuckDB would estimate one group per row (100,000).
      for (const table of ['derived.made', 'evidence.filled']) {
        const plan = JSON.stringify(await store.query(`EXPLAIN (FORMAT JSON) SELECT name, count(*) FROM ${table} GROUP BY name`));
        const estimates = [...plan.matchAll(/Estimated Cardinality[^0-9]*([0-9]+)/g)].map((m) => Number(m[1]));
        expect(Math.min(...estimates)).toBeGreaterThan(1000);
        expect(Math.min(...estimates)).toBeLessThan(4000);
      }
    } finally {
      await store.close();
    }
  });

  it('changes nothing on a dry run, reporting the storage each action would start from', async () => {
    const path = storePath();
    const store = await openStore({ path });
    try {
      const decisions = decideMaintenance(await writeARun(store), thresholds);
      const defs = await tableFingerprint(store, 'evidence.defs');
      const size = statSync(path).size;
      const before = await store.storage('evidence.defs');
      const records = await runMaintenance(store, decisions, { dryRun: true });
      expect(records.map((r) => r.status)).toEqual(['dry-run', 'dry-run', 'skipped', 'dry-run', 'dry-run']);
      expect(records.every((r) => r.after === null && r.durationMs === 0)).toBe(true);
      expect(records[0]!.before).toEqual(before);
      expect(await store.storage('evidence.defs')).toEqual(before);
      expect(statSync(path).size).toBe(size);
      expect(await tableFingerprint(store, 'evidence.defs')).toBe(defs);
      expect(await readMaintenanceLog(store)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('stops at a failing action with a clear error, keeping what was done before it logged', async () => {
    const path = storePath();
    const store = await openStore({ path });
    const second = await openStore({ path });
    try {
      const decisions = decideMaintenance(await writeARun(store), thresholds);
      let error: unknown;
      try {
        await runMaintenance(store, decisions);
      } catch (e) {
        error = e;
      }
      // Compaction swaps the file, which it refuses while another handle of the process uses it.
      expect(MaintenanceError.is(error, 'ActionFailed')).toBe(true);
      expect((error as Error).message).toMatch(/^compact-database failed/);
      expect((error as { hint: string }).hint).toMatch(/close the other handles/);
      expect((await readMaintenanceLog(store)).map((e) => e.record.decision.action)).toEqual(['rewrite-table', 'refresh-statistics', 'checkpoint']);
    } finally {
      await second.close();
      await store.close();
    }
  });

  it('rejects invalid decisions, listing each', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      const checkpoint = {
        action: 'checkpoint',
        target: { scope: 'table', table: 'x.y' },
        cause: { metric: 'walBytes', measured: 2000, threshold: 1024 },
        confidence: 0.7,
        rationale: 'the WAL is large',
        evidence: [{ source: 'write-outcome', detail: 'walBytes=2000' }],
      };
      const bad = [{ ...checkpoint, action: 'vacuum' }, checkpoint] as unknown as MaintenanceDecision[];
      await expect(runMaintenance(store, bad)).rejects.toSatisfy(
        (e: unknown) => MaintenanceError.is(e, 'InvalidDecisions') && /0\.action[\s\S]*1\.target\.scope/.test((e as Error).message),
      );
    } finally {
      await store.close();
    }
  });
});
