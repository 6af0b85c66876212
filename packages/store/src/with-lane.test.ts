import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './open-store.js';
import type { Store } from './store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function storePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'anatomy-lane-'));
  dirs.push(dir);
  return join(dir, 'store.duckdb');
}

async function count(store: Store, table: string): Promise<number> {
  return Number((await store.query(`SELECT count(*) AS n FROM ${table}`))[0]?.['n']);
}

describe('Store.withLane', () => {
  it('writes beside the handle into the generation being built, and both writes are swapped in', async () => {
    const path = storePath();
    const store = await openStore({ path });
    try {
      await store.run('CREATE SCHEMA kept; CREATE TABLE kept.t AS SELECT 1 AS x');
      await store.replaceGeneration(['rel'], async () => {
        await store.materialize({ name: 'rel.base', sql: 'SELECT range AS n FROM range(100000)', as: 'table' });
        await store.withLane(async (lane) => {
          expect(lane).not.toBeNull();
          if (lane === null) return;
          // The lane sees what the handle wrote in the new generation, and the tables carried into it.
          expect(await count(lane, 'rel.base')).toBe(100000);
          expect(await count(lane, 'kept.t')).toBe(1);
          // Two writes at once, one through each handle, each reading the other's input.
          const [mine, theirs] = await Promise.all([
            store.materialize({ name: 'rel.evens', sql: 'SELECT n FROM rel.base WHERE n % 2 = 0', as: 'table' }),
            lane.materialize({ name: 'rel.odds', sql: 'SELECT n FROM rel.base WHERE n % 2 = 1', as: 'table' }),
          ]);
          expect([mine.rowsInserted, theirs.rowsInserted]).toEqual([50000, 50000]);
          // What the lane committed, the handle reads at once.
          expect(await count(store, 'rel.odds')).toBe(50000);
        });
      });
      // The previous generation had neither table: both came in with the swap.
      expect(await count(store, 'rel.evens')).toBe(50000);
      expect(await count(store, 'rel.odds')).toBe(50000);
    } finally {
      await store.close();
    }
    // And both are in the file.
    const again = await openStore({ path, readOnly: true });
    try {
      expect(await count(again, 'rel.odds')).toBe(50000);
    } finally {
      await again.close();
    }
  });

  it('gives no lane inside a transaction, whose uncommitted writes another connection cannot see', async () => {
    const store = await openStore({ path: storePath() });
    try {
      await store.transaction(async () => {
        await store.run('CREATE TABLE uncommitted AS SELECT 1 AS x');
        expect(await store.withLane(async (lane) => lane)).toBeNull();
      });
      // Nor inside one begun by a statement.
      await store.run('BEGIN TRANSACTION');
      try {
        await store.run('CREATE TABLE begun AS SELECT 1 AS x');
        expect(await store.withLane(async (lane) => lane)).toBeNull();
      } finally {
        await store.run('ROLLBACK');
      }
      // Outside one, it has a lane.
      expect(await store.withLane(async (lane) => (lane === null ? null : count(lane, 'uncommitted')))).toBe(1);
    } finally {
      await store.close();
    }
    // An in-memory store builds a new generation in one transaction: no lane there either.
    const memory = await openStore({ path: ':memory:' });
    try {
      expect(await memory.replaceGeneration(['rel'], () => memory.withLane(async (lane) => lane))).toBeNull();
    } finally {
      await memory.close();
    }
  });

  it('refuses through a lane what only the handle that made it may do, and leaves the store open when the lane closes', async () => {
    const store = await openStore({ path: storePath() });
    try {
      await store.withLane(async (lane) => {
        if (lane === null) throw new Error('expected a lane');
        await expect(lane.transaction(async () => undefined)).rejects.toMatchObject({ code: 'store/Busy' });
        await expect(lane.replaceGeneration([], async () => undefined)).rejects.toMatchObject({ code: 'store/Busy' });
        await expect(lane.checkpoint()).rejects.toMatchObject({ code: 'store/Busy' });
        await expect(lane.withLane(async () => undefined)).rejects.toMatchObject({ code: 'store/Busy' });
      });
      expect(await store.query('SELECT 42 AS n')).toEqual([{ n: 42 }]);
      // A handle with an open lane is not alone on its file: compaction waits for the lane.
      await store.withLane(async () => {
        await expect(store.compactDatabase()).rejects.toMatchObject({ code: 'store/Busy' });
      });
    } finally {
      await store.close();
    }
  });
});
