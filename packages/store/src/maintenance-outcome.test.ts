import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stableId, stableIdSql } from '@anatomy/contracts';
import { columnBatch, defineDataset } from '@anatomy/schema-authority';
import { afterEach, describe, expect, it } from 'vitest';
import { MaintenanceOutcomeSchema } from './maintenance-outcome.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';
import { StoreError } from './store-error.js';
import { tableFingerprint } from './table-fingerprint.js';

const defs = defineDataset({
  name: 'evidence.defs',
  producer: 'test',
  version: 1,
  description: 'definitions',
  spanUnit: 'none',
  columns: [
    { name: 'seq', type: 'int64', nullable: false, description: 'number' },
    { name: 'name', type: 'utf8', nullable: false, role: 'name', description: 'name' },
    { name: 'doc', type: 'utf8', nullable: true, description: 'docstring' },
  ],
});

function defsBatch(from: number, n: number): ReturnType<typeof columnBatch> {
  const seq = Array.from({ length: n }, (_, i) => from + i);
  return columnBatch(defs, { seq, name: seq.map((i) => `function_${i}`), doc: seq.map((i) => (i % 3 === 0 ? null : `does thing ${i} well`)) });
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'anatomy-maintain-'));
  dirs.push(dir);
  return dir;
}

async function columnsOf(store: Store, schema: string, table: string): Promise<unknown[]> {
  return store.query(
    'SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = ? AND table_name = ? ORDER BY ordinal_position',
    [schema, table],
  );
}

describe('maintenance actions', () => {
  it('rewrites a table: the deleted rows leave, the live rows and the schema stay', async () => {
    const store = await openStore({ path: join(tempDir(), 'anatomy.duckdb') });
    try {
      await store.ensureDataset(defs);
      await store.ingest(defs, defsBatch(0, 250_000));
      await store.checkpoint();
      await store.deleteRows({ table: 'evidence.defs', where: 'seq % 2 = 0' });
      const rows = await tableFingerprint(store, 'evidence.defs');
      const schema = await columnsOf(store, 'evidence', 'defs');

      const outcome = MaintenanceOutcomeSchema.parse(await store.rewriteTable('evidence.defs'));
      expect(outcome.action).toBe('rewrite-table');
      expect(outcome.table).toBe('evidence.defs');
      expect(outcome.before.table).toMatchObject({ liveRows: 125_000, storedRows: 250_000 });
      expect(outcome.after.table).toMatchObject({ liveRows: 125_000, storedRows: 125_000 });
      expect(outcome.after.table!.blocks).toBeLessThan(outcome.before.table!.blocks);
      expect(outcome.after.walBytes).toBe(0);
      expect(await tableFingerprint(store, 'evidence.defs')).toBe(rows);
      expect(await columnsOf(store, 'evidence', 'defs')).toEqual(schema);
      await expect(store.run("INSERT INTO evidence.defs VALUES (1, NULL, 'x')")).rejects.toThrow(/NOT NULL/);
      expect(await store.query("SELECT count(*) AS n FROM duckdb_tables() WHERE table_name LIKE '%anatomy_rewrite%'")).toEqual([{ n: 0n }]);
    } finally {
      await store.close();
    }
  });

  it('refuses to rewrite a table that does not exist, changing nothing', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await expect(store.rewriteTable('evidence.missing')).rejects.toSatisfy((e: unknown) => StoreError.is(e, 'UnknownTable'));
    } finally {
      await store.close();
    }
  });

  it('refreshes statistics of one table or all, measuring around it', async () => {
    const store = await openStore({ path: join(tempDir(), 'anatomy.duckdb') });
    try {
      await store.ensureDataset(defs);
      await store.ingest(defs, defsBatch(0, 1000));
      const one = await store.refreshStatistics('evidence.defs');
      expect(one).toMatchObject({ action: 'refresh-statistics', table: 'evidence.defs', before: { table: { liveRows: 1000 } }, after: { table: { liveRows: 1000 } } });
      const all = await store.refreshStatistics();
      expect(all.table).toBeNull();
      expect(all.after.table).toBeUndefined();
      await expect(store.refreshStatistics('evidence.nope')).rejects.toSatisfy((e: unknown) => StoreError.is(e, 'UnknownTable'));
    } finally {
      await store.close();
    }
  });

  it('compacts the database into a fresh file that holds the same data and stays locked', async () => {
    const dir = tempDir();
    const path = join(dir, 'anatomy.duckdb');
    const store = await openStore({ path });
    try {
      // A big table written first and dropped later leaves free blocks before the live data,
      // which DuckDB cannot give back by truncating the file.
      await store.run('CREATE SCHEMA scratch');
      await store.run("CREATE TABLE scratch.big AS SELECT range AS i, repeat('x', 200) || range AS s FROM range(300000)");
      await store.checkpoint();
      await store.ensureDataset(defs);
      await store.ingest(defs, defsBatch(0, 20_000));
      await store.run(`CREATE TABLE evidence.ids AS SELECT ${stableIdSql('def', ['name'])} AS id, seq FROM evidence.defs`);
      await store.run('CREATE VIEW evidence.named AS SELECT name FROM evidence.defs WHERE doc IS NOT NULL');
      await store.run('DROP TABLE scratch.big');
      await store.checkpoint();
      const before = { defs: await tableFingerprint(store, 'evidence.defs'), ids: await tableFingerprint(store, 'evidence.ids'), named: await tableFingerprint(store, 'evidence.named') };

      const outcome = MaintenanceOutcomeSchema.parse(await store.compactDatabase());
      expect(outcome.before.freeBlocks).toBeGreaterThan(outcome.before.usedBlocks);
      expect(outcome.after.freeBlocks).toBe(0);
      expect(outcome.after.fileBytes).toBeLessThan(outcome.before.fileBytes / 2);
      expect(outcome.after.fileBytes).toBe(statSync(path).size);
      expect(outcome.after.walBytes).toBe(0);
      expect(readdirSync(dir).sort()).toEqual(['anatomy.duckdb']);

      expect({ defs: await tableFingerprint(store, 'evidence.defs'), ids: await tableFingerprint(store, 'evidence.ids'), named: await tableFingerprint(store, 'evidence.named') }).toEqual(before);
      // Still open for writing, with the stable-id macro, and still holding the lock.
      expect(await store.query(`SELECT ${stableIdSql('def', ["'function_7'"])} AS id`)).toEqual([{ id: stableId('def', 'function_7') }]);
      await store.ingest(defs, defsBatch(20_000, 5));
      const processes = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-processes');
      const other = spawnSync(
        process.execPath,
        ['--conditions=@anatomy/source', '--import', pathToFileURL(join(processes, 'register-typescript.mjs')).href, join(processes, 'hold-store.mjs'), path, 'read'],
        { encoding: 'utf8', input: '' },
      );
      expect(other.stdout).toMatch(/^failed store\/Locked/);
    } finally {
      await store.close();
    }
    expect(existsSync(`${path}.wal`)).toBe(false);
    const reopened = await openStore({ path, readOnly: true });
    try {
      expect(await reopened.query('SELECT count(*) AS n FROM evidence.defs')).toEqual([{ n: 20_005n }]);
    } finally {
      await reopened.close();
    }
  });

  it('will not swap a file that another handle of this process uses, nor act inside a transaction or read-only', async () => {
    const path = join(tempDir(), 'anatomy.duckdb');
    const first = await openStore({ path });
    const second = await openStore({ path });
    try {
      await expect(first.compactDatabase()).rejects.toSatisfy((e: unknown) => StoreError.is(e, 'Busy'));
      await expect(first.transaction(() => first.checkpoint())).rejects.toSatisfy((e: unknown) => StoreError.is(e, 'Busy'));
    } finally {
      await second.close();
      await first.close();
    }
    const reader = await openStore({ path, readOnly: true });
    try {
      await expect(reader.checkpoint()).rejects.toSatisfy((e: unknown) => StoreError.is(e, 'ReadOnly'));
    } finally {
      await reader.close();
    }
    const memory = await openStore({ path: ':memory:' });
    try {
      await expect(memory.compactDatabase()).rejects.toSatisfy((e: unknown) => StoreError.is(e, 'MaintenanceFailed'));
      expect((await memory.checkpoint()).after).toMatchObject({ fileBytes: 0, walBytes: 0 });
    } finally {
      await memory.close();
    }
  });
});
