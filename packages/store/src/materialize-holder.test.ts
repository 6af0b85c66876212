import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from './open-store.js';
import type { Store } from './store.js';

let store: Store;
beforeEach(async () => {
  store = await openStore({ path: ':memory:' });
});
afterEach(async () => {
  await store.close();
});

async function kindOf(schema: string, table: string): Promise<string | undefined> {
  const rows = await store.query('SELECT table_type FROM information_schema.tables WHERE table_schema = ? AND table_name = ?', [schema, table]);
  return rows[0]?.['table_type'] as string | undefined;
}

async function values(name: string): Promise<number[]> {
  return (await store.query(`SELECT n FROM ${name} ORDER BY n`)).map((r) => Number(r['n']));
}

describe('materialize told what holds the name', () => {
  it('replaces a view it is told of with a table, and creates the schema of a name it is told is free', async () => {
    await store.run('CREATE SCHEMA rel');
    await store.run('CREATE VIEW rel.calls AS SELECT 1 AS n');
    const replaced = await store.materialize({ name: 'rel.calls', sql: 'SELECT range AS n FROM range(3)', as: 'table', holder: 'view' });
    expect(replaced).toMatchObject({ operation: 'materialize-table', rowsInserted: 3, rowsDeleted: 0 });
    expect(await kindOf('rel', 'calls')).toBe('BASE TABLE');

    const fresh = await store.materialize({ name: 'merged.names', sql: 'SELECT range AS n FROM range(2)', as: 'table', holder: null });
    expect(fresh).toMatchObject({ rowsInserted: 2, rowsDeleted: 0 });
    expect(await values('merged.names')).toEqual([0, 1]);
  });

  it('counts the rows of a table it is told it replaces', async () => {
    await store.materialize({ name: 'rel.calls', sql: 'SELECT range AS n FROM range(5)', as: 'table' });
    const again = await store.materialize({ name: 'rel.calls', sql: 'SELECT range AS n FROM range(2)', as: 'table', holder: 'table' }, { measure: false });
    expect(again).toMatchObject({ rowsInserted: 2, rowsDeleted: 5 });
    const view = await store.materialize({ name: 'rel.calls', sql: 'SELECT 7 AS n', as: 'view', holder: 'table' });
    expect(view).toMatchObject({ operation: 'materialize-view', rowsDeleted: 0 });
    expect(await kindOf('rel', 'calls')).toBe('VIEW');
    expect(await values('rel.calls')).toEqual([7]);
  });

  it('trusts what it is told: told wrongly, it fails and the rows already there stay as they were', async () => {
    await store.materialize({ name: 'rel.calls', sql: 'SELECT range AS n FROM range(4)', as: 'table' });
    // Told the name is free, it does not replace the table it would have found by looking.
    await expect(store.materialize({ name: 'rel.calls', sql: 'SELECT 9 AS n', as: 'table', holder: null })).rejects.toThrow(/already exists/i);
    // Told a view holds it, it cannot drop a table as a view.
    await expect(store.materialize({ name: 'rel.calls', sql: 'SELECT 9 AS n', as: 'table', holder: 'view' })).rejects.toThrow(/rel.calls|calls/);
    await expect(store.materialize({ name: 'rel.calls', sql: 'SELECT 9 AS n', as: 'view', holder: null })).rejects.toThrow(/already exists/i);
    expect(await kindOf('rel', 'calls')).toBe('BASE TABLE');
    expect(await values('rel.calls')).toEqual([0, 1, 2, 3]);
    // Not told, it looks the name up and replaces the table, counting what it held.
    expect(await store.materialize({ name: 'rel.calls', sql: 'SELECT 9 AS n', as: 'table' })).toMatchObject({ rowsInserted: 1, rowsDeleted: 4 });
    expect(await values('rel.calls')).toEqual([9]);
  });
});
