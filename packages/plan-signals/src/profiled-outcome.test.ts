import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainView } from './explain-view.js';
import { PlanSignalsError } from './plan-signals-error.js';
import { profiledOutcome } from './profiled-outcome.js';

let store: Store;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plan-signals-profiled-'));
  store = await openStore({ path: join(dir, 'anatomy.duckdb') });
  await store.run(`
    CREATE SCHEMA evidence;
    CREATE TABLE evidence.defs AS
      SELECT 'f' || (i % 40) AS file_id, 'n' || i AS name, CASE WHEN i % 3 = 0 THEN 'class' ELSE 'function' END AS kind
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

describe('profiledOutcome', () => {
  it("reads the profile DuckDB writes for a materialization under PRAGMA enable_profiling = 'json'", async () => {
    const path = join(dir, 'profile.json');
    await store.run(`PRAGMA enable_profiling = 'json'`);
    await store.run(`PRAGMA profiling_output = '${path}'`);
    try {
      await store.run(`CREATE TABLE class_paths AS ${classPaths.sql}`);
    } finally {
      await store.run('PRAGMA disable_profiling');
    }
    const database = String((await store.query('SELECT current_database() AS db'))[0]?.['db']);
    const outcome = profiledOutcome(classPaths.name, JSON.parse(readFileSync(path, 'utf8')) as unknown, database);
    // The CREATE TABLE operator wraps the plan; the view's rows are those of the plan below it.
    expect(outcome.rowsReturned).toBe(Number((await store.query('SELECT count(*) AS n FROM class_paths'))[0]?.['n']));
    expect(outcome.operators.some((o) => o.name.includes('CREATE_TABLE'))).toBe(false);
    expect(outcome.operators.filter((o) => o.table !== null).map((o) => o.table).sort()).toEqual(['evidence.defs', 'evidence.files']);
    expect(outcome.planFingerprint).toBe((await explainView(store, classPaths)).planFingerprint);
  });

  it('rejects a profile that holds no plan, naming the view', () => {
    for (const profile of ['not json', { children: [] }, { children: [{ operator_name: 'EXPLAIN_ANALYZE', children: [] }] }]) {
      let error: unknown;
      try {
        profiledOutcome('norm.none', profile);
      } catch (e) {
        error = e;
      }
      expect(PlanSignalsError.is(error, 'ProfileFailed')).toBe(true);
      expect((error as Error).message).toContain('norm.none');
    }
  });
});
