import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyBuildMemoryCap, capAfterExtraction, capLift, isOutOfMemory, raiseCapAfterExtraction, RANKING_AGGREGATE_RULE, setMemoryLimit, sortRankings, withMemoryFallback } from './memory-cap.js';
import { stagedRowsOnce } from './staged-union-writes.js';

// list() states cannot spill: a million groups of them need far more than 32 MB.
const HUNGRY = "SELECT i % 1000000 AS g, list(repeat('x', 40) || i) AS l FROM range(3000000) t(i) GROUP BY g";

describe('withMemoryFallback', () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'anatomy-memory-cap-'));
    store = await openStore({ path: join(dir, 'store.duckdb'), memoryLimit: '32MB' });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const limit = async (): Promise<string> => String((await store.query("SELECT current_setting('memory_limit') AS m"))[0]?.['m']);

  it('builds a view again without the cap when DuckDB runs out of memory under it, then sets the cap again', async () => {
    const capped = await limit();
    // The view alone fails under the cap: the fallback is what makes it pass.
    const failure = await store.materialize({ name: 'main.hungry', sql: HUNGRY, as: 'table' }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(isOutOfMemory(failure)).toBe(true);
    const reasons: string[] = [];
    const outcome = await withMemoryFallback(store, '32MB', () => store.materialize({ name: 'main.hungry', sql: HUNGRY, as: 'table' }), (why) => reasons.push(why));
    expect(outcome.rowsInserted).toBe(1_000_000);
    expect(reasons).toEqual([expect.stringMatching(/^DuckDB ran out of memory under the 32MB cap \(.*Out of Memory Error.*\); built again without it$/)]);
    expect(await limit()).toBe(capped);
  });

  it('keeps the cap lifted while any write sharing the lift still runs without it', async () => {
    const capped = await limit();
    const lift = capLift(store, '32MB');
    // Two writes lift it at once; the first to finish leaves it lifted for the other.
    await Promise.all([lift.lift(), lift.lift()]);
    expect(await limit()).not.toBe(capped);
    await lift.restore();
    expect(await limit()).not.toBe(capped);
    await lift.restore();
    expect(await limit()).toBe(capped);
    // A lift alone sets the cap again when its one write is done.
    const alone = capLift(store, '32MB');
    await alone.lift();
    expect(await limit()).not.toBe(capped);
    await alone.restore();
    expect(await limit()).toBe(capped);
  });

  it('stages the rows of a view once, however many ways it is written, and drops them after', async () => {
    // Every insert draws its values from a sequence: how far it went tells how many times the rows were staged.
    await store.run('CREATE SEQUENCE staged_draws');
    const rows = stagedRowsOnce(store, {
      table: '"staged_once"',
      create: 'CREATE OR REPLACE TEMP TABLE "staged_once" (i BIGINT)',
      inserts: ["INSERT INTO \"staged_once\" SELECT nextval('staged_draws') FROM range(3000000)", "INSERT INTO \"staged_once\" SELECT nextval('staged_draws') FROM range(1000)"],
      sql: '',
    });
    // Grouping the staged rows into lists outgrows the cap; the leaner way too; the third way, uncapped, passes.
    const hungry = "SELECT i % 1000000 AS g, list(repeat('x', 40) || i) AS l FROM staged_once GROUP BY g";
    const write = async () => {
      await rows.ensure();
      return store.materialize({ name: 'main.from_staged', sql: hungry, as: 'table' });
    };
    const raised: string[] = [];
    const outcome = await withMemoryFallback(store, '32MB', write, (why) => raised.push(why), { write, how: 'written again', used: () => undefined });
    expect(outcome.rowsInserted).toBe(1_000_000);
    expect(raised).toEqual([expect.stringMatching(/also when written again; built again without it$/)]);
    expect(await store.query("SELECT currval('staged_draws') AS n")).toEqual([{ n: 3_001_000n }]);
    await rows.drop();
    expect(await store.query("SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'staged_once'")).toEqual([{ n: 0n }]);
    // A staging that failed starts again whole.
    const failing = stagedRowsOnce(store, {
      table: '"staged_once"',
      create: 'CREATE OR REPLACE TEMP TABLE "staged_once" (i BIGINT)',
      inserts: ["INSERT INTO \"staged_once\" SELECT nextval('staged_draws') FROM range(10)", "INSERT INTO \"staged_once\" SELECT CAST(error('no rows today') AS BIGINT)"],
      sql: '',
    });
    await expect(failing.ensure()).rejects.toThrow(/no rows today/);
    await expect(failing.ensure()).rejects.toThrow(/no rows today/);
    expect(await store.query("SELECT currval('staged_draws') AS n, (SELECT count(*) FROM staged_once) AS kept")).toEqual([{ n: 3_001_020n, kept: 10n }]);
    await failing.drop();
  });

  it('writes a file-local grouping of staged rows range by range under a cap its one statement outgrows', async () => {
    const staged = {
      table: '"staged_files"',
      create: 'CREATE OR REPLACE TEMP TABLE "staged_files" (file_id VARCHAR, g BIGINT, i BIGINT)',
      // 1,000,000 groups of three rows, each group within one of 100 files.
      inserts: ["INSERT INTO \"staged_files\" SELECT 'f' || lpad(CAST(i % 1000000 % 100 AS VARCHAR), 3, '0'), i % 1000000, i FROM range(3000000) t(i)"],
      sql: '',
    };
    const rows = stagedRowsOnce(store, staged);
    const grouped = (from: string): string => `SELECT g, any_value(file_id) AS file_id, list(repeat('x', 40) || i) AS l FROM ${from} GROUP BY g`;
    const whole = async () => {
      await rows.ensure();
      return store.materialize({ name: 'main.files_grouped', sql: grouped('staged_files'), as: 'table', clusterBy: 'file_id' });
    };
    expect(isOutOfMemory(await whole().then(() => null, (error: unknown) => error))).toBe(true);
    const bounds = Array.from({ length: 49 }, (_, k) => `f${String(2 * (k + 1)).padStart(3, '0')}`);
    const used: string[] = [];
    const outcome = await withMemoryFallback(store, '32MB', whole, () => expect.fail('the cap is not lifted'), {
      write: () => store.materialize({ name: 'main.files_grouped', sql: grouped('staged_range'), as: 'table', clusterBy: 'file_id', clusterRanges: bounds, rangeSource: { table: staged.table, view: 'staged_range' } }),
      how: 'written two files at a time',
      used: (why) => used.push(why),
    });
    expect(outcome.rowsInserted).toBe(1_000_000);
    expect(used).toEqual([expect.stringMatching(/written two files at a time under it$/)]);
    expect(await store.query('SELECT count(*) AS n, sum(len(l)) AS values, count(DISTINCT file_id) AS files FROM main.files_grouped')).toEqual([{ n: 1_000_000n, values: 3_000_000n, files: 100n }]);
    await rows.drop();
  });

  it('writes the leaner way under the cap when the first way runs out of memory, and lifts the cap only when that runs out too', async () => {
    const capped = await limit();
    const used: string[] = [];
    const raised: string[] = [];
    const small = 'SELECT i FROM range(1000) t(i)';
    const outcome = await withMemoryFallback(
      store,
      '32MB',
      () => store.materialize({ name: 'main.lean', sql: HUNGRY, as: 'table' }),
      (why) => raised.push(why),
      { write: () => store.materialize({ name: 'main.lean', sql: small, as: 'table' }), how: 'written small', used: (why) => used.push(why) },
    );
    expect(outcome.rowsInserted).toBe(1000);
    expect(used).toEqual([expect.stringMatching(/^DuckDB ran out of memory under the 32MB cap \(.*Out of Memory Error.*\); written small under it$/)]);
    expect(raised).toEqual([]);
    expect(await limit()).toBe(capped);

    const hungry = () => store.materialize({ name: 'main.lean', sql: HUNGRY, as: 'table' });
    const again = await withMemoryFallback(store, '32MB', hungry, (why) => raised.push(why), { write: hungry, how: 'written hungry', used: (why) => used.push(why) });
    expect(again.rowsInserted).toBe(1_000_000);
    expect(used).toHaveLength(1);
    expect(raised).toEqual([expect.stringMatching(/^DuckDB ran out of memory under the 32MB cap \(.*\), also when written hungry; built again without it$/)]);
    expect(await limit()).toBe(capped);
  });

  it('runs a write once when it fits, and passes other errors and uncapped failures on untouched', async () => {
    const reasons: string[] = [];
    const small = await withMemoryFallback(store, '32MB', () => store.materialize({ name: 'main.small', sql: 'SELECT 1 AS x', as: 'table' }), (why) => reasons.push(why));
    expect(small.rowsInserted).toBe(1);
    let runs = 0;
    const wrong = withMemoryFallback(
      store,
      '32MB',
      () => {
        runs++;
        return store.query('SELECT * FROM main.missing');
      },
      (why) => reasons.push(why),
    );
    await expect(wrong).rejects.toThrow(/missing/);
    expect(runs).toBe(1);
    await expect(withMemoryFallback(store, null, () => store.materialize({ name: 'main.hungry2', sql: HUNGRY, as: 'table' }), (why) => reasons.push(why))).rejects.toSatisfy(isOutOfMemory);
    expect(reasons).toEqual([]);
  });
});

describe('applyBuildMemoryCap', () => {
  it('caps a full build at the default on DuckDB itself, keeps a configured cap, and leaves an incremental build alone', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      const setting = async (): Promise<string> => String((await store.query("SELECT current_setting('memory_limit') AS m"))[0]?.['m']);
      const rules = async (): Promise<string> => String((await store.query("SELECT current_setting('disabled_optimizers') AS r"))[0]?.['r']);
      const uncapped = await setting();
      expect(await applyBuildMemoryCap(store, 'incremental', undefined)).toEqual({ limit: null, raised: [], leaner: [], sortedRankings: false });
      expect(await applyBuildMemoryCap(store, 'incremental', '3GB')).toEqual({ limit: '3GB', raised: [], leaner: [], sortedRankings: false });
      expect([await setting(), await rules()]).toEqual([uncapped, '']);
      expect(await applyBuildMemoryCap(store, 'full', '3GB')).toEqual({ limit: '3GB', raised: [], leaner: [], sortedRankings: true });
      expect([await setting(), await rules()]).toEqual([uncapped, RANKING_AGGREGATE_RULE]);
      expect(await applyBuildMemoryCap(store, 'full', undefined)).toEqual({ limit: '400MB', raised: [], leaner: [], sortedRankings: true });
      // DuckDB reports 400MB (4 × 10^8 bytes) in MiB.
      expect([await setting(), await rules()]).toEqual(['381.4 MiB', RANKING_AGGREGATE_RULE]);
    } finally {
      await store.close();
    }
  });
});

describe('capAfterExtraction', () => {
  const MIB = 2 ** 20;
  const full = { limit: '400MB', raised: [], leaner: [], sortedRankings: true };
  const held = (peakMiB: number, endMiB: number) => ({ peakBytes: peakMiB * MIB + 123, endBytes: endMiB * MIB + 45 });

  it('raises a default cap to a third of the memory extraction held and gave back, when that is more', () => {
    expect(capAfterExtraction(full, false, held(7_800, 600))).toEqual({
      limit: '2400MiB',
      reason: expect.stringMatching(/held 7800 MiB while extracting and 600 MiB after; .* a third of the 7200 MiB given back, 2400MiB, instead of 400MB/),
    });
    // 400MB is 381 MiB: memory given back whose third is not above that keeps the cap.
    expect(capAfterExtraction(full, false, held(1_643, 500))).toBeNull();
    expect(capAfterExtraction(full, false, held(1_646, 500))?.limit).toBe('382MiB');
  });

  it('counts no memory still held at the end: a peak that was never given back raises nothing', () => {
    expect(capAfterExtraction(full, false, held(7_800, 7_800))).toBeNull();
    expect(capAfterExtraction(full, false, held(7_800, 7_900))).toBeNull();
  });

  it('keeps a configured cap, an uncapped build and a build whose memory is unknown as they are', () => {
    expect(capAfterExtraction({ ...full, limit: '400MB' }, true, held(7_800, 600))).toBeNull();
    expect(capAfterExtraction({ ...full, limit: null }, false, held(7_800, 600))).toBeNull();
    expect(capAfterExtraction(full, false, null)).toBeNull();
    // A peak without a last sample: what was given back is unknown.
    expect(capAfterExtraction(full, false, { peakBytes: 7_800 * MIB, endBytes: null })).toBeNull();
  });

  it('sets the raised cap on DuckDB and tells the cap it replaced', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      const cap = await applyBuildMemoryCap(store, 'full', undefined);
      const raised = await raiseCapAfterExtraction(store, cap, false, held(3_500, 500));
      expect(raised).toMatchObject({ limit: '1000MiB', extraction: { limit: '400MB' }, sortedRankings: true });
      expect(String((await store.query("SELECT current_setting('memory_limit') AS m"))[0]?.['m'])).toBe('1000.0 MiB');
      // Below the default's share, nothing changes.
      expect(raised.extractionHeld).toEqual(held(3_500, 500));
      // Below the default's share the cap is the same, with what extraction held beside it.
      expect(await raiseCapAfterExtraction(store, cap, false, held(1_400, 500))).toEqual({ ...cap, extractionHeld: held(1_400, 500) });
      expect(String((await store.query("SELECT current_setting('memory_limit') AS m"))[0]?.['m'])).toBe('1000.0 MiB');
      expect(await raiseCapAfterExtraction(store, cap, false, null)).toBe(cap);
    } finally {
      await store.close();
    }
  });
});

describe('sortRankings', () => {
  // Each group's first row by a complete order, as the compiled relate views rank.
  const RANKED = `SELECT g, v FROM (SELECT range % 1000 AS g, range AS v, repeat('x', 200) || range AS payload FROM range(400000))
    QUALIFY row_number() OVER (PARTITION BY g ORDER BY v DESC) = 1 ORDER BY g`;
  const operators = async (store: Store): Promise<string> => JSON.stringify(await store.query(`EXPLAIN (FORMAT JSON) ${RANKED}`));

  it('plans a ranking as a window instead of an aggregate, with the same rows, keeping rules already off', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      const before = await store.query(RANKED);
      expect(await operators(store)).not.toMatch(/WINDOW/);
      await store.query("SET disabled_optimizers = 'filter_pushdown'");
      await sortRankings(store);
      await sortRankings(store);
      expect((await store.query("SELECT current_setting('disabled_optimizers') AS r"))[0]?.['r']).toBe('filter_pushdown,top_n_window_elimination');
      expect(await operators(store)).toMatch(/WINDOW/);
      expect(await store.query(RANKED)).toEqual(before);
      expect(before).toHaveLength(1000);
    } finally {
      await store.close();
    }
  });

  it('lets a ranking that outgrows the cap as an aggregate run under it as a window', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anatomy-rankings-'));
    // A file, so DuckDB has somewhere to spill (next to it).
    const store = await openStore({ path: join(dir, 'store.duckdb') });
    try {
      const wide = `SELECT g, v, payload FROM (SELECT range AS g, range AS v, repeat('x', 300) || range AS payload FROM range(600000))
        QUALIFY row_number() OVER (PARTITION BY g ORDER BY v) = 1`;
      await setMemoryLimit(store, '64MB');
      await expect(store.run(`CREATE TABLE ranked AS ${wide}`)).rejects.toSatisfy(isOutOfMemory);
      await sortRankings(store);
      await store.run(`CREATE TABLE ranked AS ${wide}`);
      expect(await store.query('SELECT count(*) AS n FROM ranked')).toEqual([{ n: 600000n }]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
