import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { columnBatch, defineDataset } from '@anatomy/schema-authority';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './open-store.js';
import type { Store } from './store.js';
import type { WriteOutcome } from './write-outcome.js';
import { WriteOutcomeSchema } from './write-outcome.js';

const items = defineDataset({
  name: 'evidence.items',
  producer: 'test',
  version: 1,
  description: 'numbered items',
  spanUnit: 'none',
  columns: [
    { name: 'seq', type: 'int64', nullable: false, description: 'number' },
    { name: 'label', type: 'utf8', nullable: false, description: 'text' },
  ],
});

// DuckDB's row groups hold 122,880 rows; 300,000 rows need three.
const ROWS = 300_000;

function itemsBatch(n: number): ReturnType<typeof columnBatch> {
  const seq = Array.from({ length: n }, (_, i) => i);
  return columnBatch(items, { seq, label: seq.map((i) => `item number ${i} with some text`) });
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function fileStore(): Promise<{ store: Store; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'anatomy-outcome-'));
  dirs.push(dir);
  const path = join(dir, 'anatomy.duckdb');
  return { store: await openStore({ path }), path };
}

/** The files on disk, measured independently of the store. */
function onDisk(path: string): { fileBytes: number; walBytes: number } {
  return { fileBytes: statSync(path).size, walBytes: existsSync(`${path}.wal`) ? statSync(`${path}.wal`).size : 0 };
}

/** Runs `write`, timing it from outside, so the reported duration can be bounded. */
async function timed(write: () => Promise<WriteOutcome>): Promise<{ outcome: WriteOutcome; elapsedMs: number }> {
  const started = performance.now();
  const outcome = await write();
  return { outcome: WriteOutcomeSchema.parse(outcome), elapsedMs: performance.now() - started };
}

describe('WriteOutcome', () => {
  it('reports what an ingest, a delete and a checkpoint really did to the file', async () => {
    const { store, path } = await fileStore();
    try {
      await store.ensureDataset(items);
      const { outcome: ingest, elapsedMs } = await timed(() => store.ingest(items, itemsBatch(ROWS)));
      expect(ingest).toMatchObject({ target: 'evidence.items', operation: 'ingest', rowsInserted: ROWS, rowsDeleted: 0, tableRowCount: ROWS, storedRowCount: ROWS });
      expect(ingest.durationMs).toBeGreaterThan(0);
      expect(ingest.durationMs).toBeLessThanOrEqual(elapsedMs);
      expect({ fileBytes: ingest.fileBytes, walBytes: ingest.walBytes }).toEqual(onDisk(path));
      expect(ingest.usedBlocks + ingest.freeBlocks).toBe(ingest.totalBlocks);
      expect(ingest.usedBlocks * ingest.blockSize).toBeLessThanOrEqual(ingest.fileBytes);

      const { outcome: removal } = await timed(() => store.deleteRows({ table: 'evidence.items', where: 'seq % ? <> 0', params: [10] }));
      // Deleted rows stay in their row groups until a checkpoint or rewrite drops them.
      expect(removal).toMatchObject({ operation: 'delete', rowsInserted: 0, rowsDeleted: ROWS - ROWS / 10, tableRowCount: ROWS / 10, storedRowCount: ROWS });
      expect(removal.walBytes).toBeGreaterThan(ingest.walBytes);
      expect({ fileBytes: removal.fileBytes, walBytes: removal.walBytes }).toEqual(onDisk(path));
      // The catalog's count of stored rows, which outcomes read, is what DuckDB's storage report counts.
      expect((await store.storage('evidence.items')).table).toMatchObject({ liveRows: removal.tableRowCount, storedRows: removal.storedRowCount, rowGroups: 3 });

      const checkpoint = await store.checkpoint();
      expect(checkpoint.before).toMatchObject({ walBytes: removal.walBytes, freeBlocks: removal.freeBlocks, totalBlocks: removal.totalBlocks });
      expect(checkpoint.after.walBytes).toBe(0);
      expect(checkpoint.after.freeBlocks).toBeGreaterThan(checkpoint.before.freeBlocks);
      expect(checkpoint.after.usedBlocks).toBeLessThan(checkpoint.before.usedBlocks);
      expect({ fileBytes: checkpoint.after.fileBytes, walBytes: checkpoint.after.walBytes }).toEqual(onDisk(path));
      expect((await store.storage('evidence.items')).table).toEqual({ table: 'evidence.items', liveRows: ROWS / 10, storedRows: ROWS / 10, rowGroups: 1, blocks: expect.any(Number) });
    } finally {
      await store.close();
    }
  });

  it('counts stored rows inside a transaction as the storage report does', async () => {
    const { store } = await fileStore();
    try {
      await store.ensureDataset(items);
      await store.ingest(items, itemsBatch(ROWS));
      await store.transaction(async () => {
        // Each outcome against DuckDB's storage report taken right after its write.
        const measured = async (outcome: WriteOutcome): Promise<void> => {
          const table = (await store.storage('evidence.items')).table;
          expect({ live: outcome.tableRowCount, stored: outcome.storedRowCount }).toEqual({ live: table?.liveRows, stored: table?.storedRows });
        };
        await measured(await store.deleteRows({ table: 'evidence.items', where: 'seq % ? = 0', params: [2] }));
        const added = await store.ingest(items, itemsBatch(1000));
        await measured(added);
        // Rows appended in the open transaction are not in row groups yet: neither count holds them.
        expect(added).toMatchObject({ rowsInserted: 1000, tableRowCount: ROWS / 2 + 1000, storedRowCount: ROWS });
      });
    } finally {
      await store.close();
    }
  });

  it('counts the rows a replaced table loses, and reports a view without table figures', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      const first = await store.materialize({ name: 'out.t', sql: 'SELECT range AS x FROM range(1000)', as: 'table' });
      expect(first).toMatchObject({ operation: 'materialize-table', rowsInserted: 1000, rowsDeleted: 0, tableRowCount: 1000, storedRowCount: 1000, fileBytes: 0, walBytes: 0 });
      const second = await store.materialize({ name: 'out.t', sql: 'SELECT range AS x FROM range(10)', as: 'table' });
      expect(second).toMatchObject({ rowsInserted: 10, rowsDeleted: 1000, tableRowCount: 10 });
      const view = await store.materialize({ name: 'out.v', sql: 'SELECT x FROM out.t', as: 'view' });
      expect(view).toMatchObject({ operation: 'materialize-view', rowsInserted: 0, rowsDeleted: 0, tableRowCount: 0, storedRowCount: 0 });
    } finally {
      await store.close();
    }
  });

  it('leaves materialized tables and views pending, their written rows counted by DuckDB, whichever way the table is written', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      const sql = "SELECT 'f' || lpad(CAST(range % 40 AS VARCHAR), 3, '0') AS file_id, range AS x FROM range(5000)";
      await store.materialize({ name: 'out.t', sql: 'SELECT 1 AS file_id, 1 AS x', as: 'table' });
      const pending = [
        await store.materialize({ name: 'out.t', sql, as: 'table' }, { measure: false }),
        await store.materialize({ name: 'out.sorted', sql, as: 'table', clusterBy: 'file_id' }, { measure: false }),
        await store.materialize({ name: 'out.ranged', sql: `${sql} WHERE x % 2 = 0`, as: 'table', clusterBy: 'file_id', clusterRanges: ['f010', 'f025'] }, { measure: false }),
        await store.materialize({ name: 'out.after', sql: `${sql} WHERE x < 7`, as: 'table', clusterBy: 'file_id', sortAfterWrite: true }, { measure: false }),
        await store.materialize({ name: 'out.v', sql: 'SELECT x FROM out.t', as: 'view' }, { measure: false }),
      ];
      expect(pending.map((w) => [w.target, w.operation, w.rowsInserted, w.rowsDeleted])).toEqual([
        ['out.t', 'materialize-table', 5000, 1],
        ['out.sorted', 'materialize-table', 5000, 0],
        ['out.ranged', 'materialize-table', 2500, 0],
        ['out.after', 'materialize-table', 7, 0],
        ['out.v', 'materialize-view', 0, 0],
      ]);
      expect(pending.some((w) => 'tableRowCount' in w)).toBe(false);
      const outcomes = await store.measureWrites(pending);
      expect(outcomes.map((o) => [o.target, o.rowsInserted, o.tableRowCount])).toEqual([
        ['out.t', 5000, 5000],
        ['out.sorted', 5000, 5000],
        ['out.ranged', 2500, 2500],
        ['out.after', 7, 7],
        ['out.v', 0, 0],
      ]);
    } finally {
      await store.close();
    }
  });

  it('measures writes left pending with one query, as an immediate measure after the last would', async () => {
    const { store, path } = await fileStore();
    const other = defineDataset({ ...items, name: 'evidence.others' });
    try {
      // Both tables in one statement, and again without harm.
      await store.ensureDatasets([items, other]);
      await store.ensureDatasets([items, other]);
      await store.ensureDatasets([]);
      const pending = [
        await store.ingest(items, itemsBatch(ROWS), { measure: false }),
        await store.ingest(other, itemsBatch(1_000), { measure: false }),
        await store.deleteRows({ table: items.name, where: 'seq % 3 = 0' }, { measure: false }),
        await store.insertSelect({ table: other.name, sql: 'SELECT seq + 1000, label FROM evidence.items WHERE seq < 10' /* six left of ten */ }, { measure: false }),
        await store.replaceRows({ table: other.name, where: 'seq < 5', sql: 'SELECT 5000, ?', params: ['new'] }, { measure: false }),
      ];
      // Nothing measured yet: a pending write carries only what the write itself knew.
      expect(pending.map((w) => [w.target, w.operation, w.rowsInserted, w.rowsDeleted])).toEqual([
        ['evidence.items', 'ingest', ROWS, 0],
        ['evidence.others', 'ingest', 1_000, 0],
        ['evidence.items', 'delete', 0, ROWS / 3],
        ['evidence.others', 'ingest', 6, 0],
        ['evidence.others', 'replace', 1, 5],
      ]);
      expect(pending.every((w) => !('tableRowCount' in w) && w.durationMs >= 0)).toBe(true);
      const outcomes = (await store.measureWrites(pending)).map((o) => WriteOutcomeSchema.parse(o));
      // What a write measured at once reports now, after every pending write; a second write to each table is measured against it.
      const itemsNow = await store.deleteRows({ table: items.name, where: 'false' });
      const othersNow = await store.deleteRows({ table: other.name, where: 'false' });
      expect(outcomes.map((o) => o.target)).toEqual(pending.map((w) => w.target));
      expect(outcomes.map((o) => o.durationMs)).toEqual(pending.map((w) => w.durationMs));
      for (const o of outcomes) {
        const now = o.target === items.name ? itemsNow : othersNow;
        expect([o.tableRowCount, o.storedRowCount, o.totalBlocks, o.freeBlocks, o.blockSize]).toEqual([now.tableRowCount, now.storedRowCount, now.totalBlocks, now.freeBlocks, now.blockSize]);
        expect(o.walBytes).toBe(onDisk(path).walBytes);
      }
      expect(outcomes[0]?.tableRowCount).toBe(ROWS - ROWS / 3);
      expect(outcomes[0]?.storedRowCount).toBe(ROWS);
      expect(outcomes[1]?.tableRowCount).toBe(1_000 + 6 - 5 + 1);
      expect(await store.measureWrites([])).toEqual([]);
      await expect(store.measureWrites([{ target: 'evidence.gone', operation: 'delete', rowsInserted: 0, rowsDeleted: 1, durationMs: 1 }])).rejects.toThrow(/gone/);
    } finally {
      await store.close();
    }
  });

  it('rejects outcomes with impossible figures', () => {
    const good = {
      target: 'a.b', operation: 'ingest', rowsInserted: 1, rowsDeleted: 0, tableRowCount: 1, storedRowCount: 1, durationMs: 0.5,
      fileBytes: 0, walBytes: 0, blockSize: 262144, totalBlocks: 0, usedBlocks: 0, freeBlocks: 0,
    };
    expect(WriteOutcomeSchema.safeParse(good).success).toBe(true);
    for (const bad of [{ rowsInserted: -1 }, { walBytes: 1.5 }, { operation: 'merge' }, { target: '' }, { durationMs: -1 }]) {
      expect(WriteOutcomeSchema.safeParse({ ...good, ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
