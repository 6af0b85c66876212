import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainView } from './explain-view.js';
import { PlanSignalsError } from './plan-signals-error.js';
import { ProfiledOutcomeSchema } from './profiled-outcome.js';
import { profileView } from './profile-view.js';

let store: Store;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plan-signals-profile-'));
  store = await openStore({ path: join(dir, 'anatomy.duckdb') });
  await store.run(`
    CREATE SCHEMA evidence;
    CREATE TABLE evidence.defs AS
      SELECT 'f' || (i % 40) AS file_id, 'n' || i AS name, CASE WHEN i % 3 = 0 THEN 'class' ELSE 'function' END AS kind, i * 10 AS bstart
        FROM range(3000) t(i);
    CREATE TABLE evidence.files AS SELECT 'f' || i AS file_id, 'pkg/m' || i || '.py' AS path FROM range(40) t(i);
  `);
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const classPaths = {
  name: 'norm.class_paths',
  sql: `SELECT f.path, d.name FROM evidence.defs d JOIN evidence.files f ON d.file_id = f.file_id WHERE d.kind = 'class'`,
};

describe('profileView', () => {
  it('measures the rows every operator produced and scanned, for the very plan EXPLAIN showed', async () => {
    const outcome = await profileView(store, classPaths);
    expect(ProfiledOutcomeSchema.parse(outcome)).toEqual(outcome);
    expect(Object.isFrozen(outcome.operators)).toBe(true);
    expect(outcome.planFingerprint).toBe((await explainView(store, classPaths)).planFingerprint);
    expect(outcome.rowsReturned).toBe(1000);
    // Each scan reads its whole table: the filter on kind is evaluated inside the scan, not skipped by it.
    expect(outcome.rowsScanned).toBe(3000 + 40);
    const scans = outcome.operators.filter((o) => o.table !== null);
    expect(scans.map((o) => [o.table, o.rowsScanned, o.actualRows]).sort()).toEqual([
      ['evidence.defs', 3000, 1000],
      ['evidence.files', 40, 40],
    ]);
    expect(outcome.operators[0]?.depth).toBe(0);
    expect(outcome.operators[0]?.actualRows).toBe(1000);
    expect(outcome.operators.find((o) => o.name === 'HASH_JOIN')?.estimatedRows).toBeGreaterThan(0);
  });

  it('takes the database a caller already knows instead of asking for it, and strips the plan of it the same way', async () => {
    const asked: string[] = [];
    const counted = { query: (sql: string) => (asked.push(sql), store.query(sql)) };
    const database = String((await store.query('SELECT current_database() AS db'))[0]?.['db']);
    const told = await profileView(counted, classPaths, { database });
    expect(asked.some((sql) => sql.includes('current_database()'))).toBe(false);
    const found = await profileView(counted, classPaths);
    expect(asked.filter((sql) => sql.includes('current_database()'))).toHaveLength(1);
    expect(told.planFingerprint).toBe(found.planFingerprint);
    expect(told.operators.filter((o) => o.table !== null).map((o) => o.table).sort()).toEqual(['evidence.defs', 'evidence.files']);
  });

  it('fails with ProfileFailed when an input does not exist, and with ParseFailed before running SQL that does not parse', async () => {
    const missing = await profileView(store, { name: 'norm.late', sql: 'SELECT * FROM norm.nowhere' }).catch((e: unknown) => e);
    expect(PlanSignalsError.is(missing, 'ProfileFailed')).toBe(true);
    expect((missing as Error).message).toContain('norm.late');
    const broken = await profileView(store, { name: 'norm.bad', sql: 'SELEC 1' }).catch((e: unknown) => e);
    expect(PlanSignalsError.is(broken, 'ParseFailed')).toBe(true);
  });
});
