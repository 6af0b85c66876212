import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { columnBatch, defineDataset } from '@anatomy/schema-authority';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './open-store.js';
import type { Store } from './store.js';

const items = defineDataset({
  name: 'evidence.items',
  producer: 'test',
  version: 1,
  description: 'items of a generation',
  spanUnit: 'none',
  columns: [
    { name: 'generation', type: 'int64', nullable: false, description: 'build generation' },
    { name: 'label', type: 'utf8', nullable: false, description: 'text' },
  ],
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function storePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'anatomy-generation-'));
  dirs.push(dir);
  return join(dir, 'anatomy.duckdb');
}

/** Writes generation `g`: evidence.items with `n` rows, a table derived from it, and one row of history kept outside. */
async function writeGeneration(store: Store, g: number, n: number): Promise<void> {
  await store.ensureDataset(items);
  const seq = Array.from({ length: n }, (_, i) => i);
  await store.ingest(items, columnBatch(items, { generation: seq.map(() => g), label: seq.map((i) => `item ${i} of ${g}`) }));
  await store.materialize({ name: 'cpg.summary', sql: 'SELECT generation, count(*) AS n FROM evidence.items GROUP BY ALL', as: 'table' });
  await store.run(`INSERT INTO meta.history VALUES (${g})`);
}

async function snapshot(store: Store): Promise<unknown> {
  return {
    summary: await store.query('SELECT generation, n FROM cpg.summary'),
    history: (await store.query('SELECT generation FROM meta.history ORDER BY generation')).map((r) => r['generation']),
    // NOT NULL survives the carry-over: the copied table is shaped like the original.
    nullable: await store.query("SELECT is_nullable FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = 'meta' AND table_name = 'history'"),
  };
}

describe('replaceGeneration', () => {
  it('swaps in a new generation that carries the other schemas over, and leaves nothing beside the store', async () => {
    const path = storePath();
    const store = await openStore({ path });
    try {
      await store.run('CREATE SCHEMA meta; CREATE TABLE meta.history (generation BIGINT NOT NULL)');
      await store.replaceGeneration(['cpg', 'evidence'], () => writeGeneration(store, 1, 3000));
      await store.replaceGeneration(['cpg', 'evidence'], () => writeGeneration(store, 2, 2000));
      expect(await snapshot(store)).toEqual({ summary: [{ generation: 2n, n: 2000n }], history: [1n, 2n], nullable: [{ is_nullable: 'NO' }] });
      // Outcomes measure the tables being written (here after the swap, the store's own file).
      const outcome = await store.ingest(items, columnBatch(items, { generation: [2], label: ['one more'] }));
      expect(outcome.tableRowCount).toBe(2001);
    } finally {
      await store.close();
    }
    expect(readdirSync(join(path, '..')).sort()).toEqual(['anatomy.duckdb']);
    const reopened = await openStore({ path, readOnly: true });
    try {
      expect(await reopened.query('SELECT count(*) AS n FROM evidence.items')).toEqual([{ n: 2001n }]);
    } finally {
      await reopened.close();
    }
  });

  it('leaves the previous generation whole when the new one fails, and removes what it wrote', async () => {
    const path = storePath();
    const store = await openStore({ path });
    try {
      await store.run('CREATE SCHEMA meta; CREATE TABLE meta.history (generation BIGINT NOT NULL)');
      await store.replaceGeneration(['cpg', 'evidence'], () => writeGeneration(store, 1, 3000));
      const before = await snapshot(store);
      const failing = store.replaceGeneration(['cpg', 'evidence'], async () => {
        await writeGeneration(store, 2, 5000);
        // Written and committed in the new generation, then the build fails.
        throw new Error('the build failed after writing');
      });
      await expect(failing).rejects.toThrow('the build failed after writing');
      expect(await snapshot(store)).toEqual(before);
      expect(existsSync(`${path}.next`)).toBe(false);
      // The store is still usable, and a later generation succeeds.
      await store.replaceGeneration(['cpg', 'evidence'], () => writeGeneration(store, 3, 10));
      expect(await snapshot(store)).toEqual({ summary: [{ generation: 3n, n: 10n }], history: [1n, 3n], nullable: [{ is_nullable: 'NO' }] });
    } finally {
      await store.close();
    }
  });

  it('falls back to one transaction on an in-memory store, with the same result and rollback', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.run('CREATE SCHEMA meta; CREATE TABLE meta.history (generation BIGINT NOT NULL)');
      await store.replaceGeneration(['cpg', 'evidence'], () => writeGeneration(store, 1, 100));
      await store.replaceGeneration(['cpg', 'evidence'], () => writeGeneration(store, 2, 50));
      const before = await snapshot(store);
      expect(before).toEqual({ summary: [{ generation: 2n, n: 50n }], history: [1n, 2n], nullable: [{ is_nullable: 'NO' }] });
      await expect(
        store.replaceGeneration(['cpg', 'evidence'], async () => {
          await writeGeneration(store, 3, 10);
          throw new Error('failed');
        }),
      ).rejects.toThrow('failed');
      expect(await snapshot(store)).toEqual(before);
    } finally {
      await store.close();
    }
  });
});
