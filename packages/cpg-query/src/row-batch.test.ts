import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCpg } from './open-cpg.js';
import type { Cpg } from './open-cpg.js';
import { BatchOptionsSchema } from './row-batch.js';
import type { RowBatch } from './row-batch.js';
import { buildSampleCpg, nodes, removeTempDirs, tempDir } from './sample-cpg.fixture.js';

let cpg: Cpg;
beforeAll(async () => {
  cpg = await openCpg(await buildSampleCpg(join(tempDir(), 'sample.duckdb')));
});
afterAll(async () => {
  await cpg.close();
  removeTempDirs();
});

describe('cpg.eachBatch', () => {
  it('slices a result into batches of exactly batchRows rows across DuckDB chunks', async () => {
    const sizes: number[] = [];
    const firsts: unknown[] = [];
    const total = await cpg.eachBatch(
      'SELECT i::BIGINT AS i, i % 2 = 0 AS even FROM range(5000) t(i) ORDER BY i',
      (batch) => {
        sizes.push(batch.rowCount);
        firsts.push(batch.vectors[0]?.[0]);
        expect(batch.columns).toEqual(['i', 'even']);
        expect(batch.vectors.every((v) => v.length === batch.rowCount)).toBe(true);
      },
      { batchRows: 1500 },
    );
    expect(total).toBe(5000);
    expect(sizes).toEqual([1500, 1500, 1500, 500]);
    expect(firsts).toEqual([0n, 1500n, 3000n, 4500n]);
  });

  it('reads the next batch only after the visitor is done with the last', async () => {
    const events: string[] = [];
    let busy = false;
    await cpg.eachBatch(
      'SELECT node_id FROM cpg.nodes ORDER BY node_id',
      async (batch: RowBatch) => {
        expect(busy).toBe(false);
        busy = true;
        events.push(`start ${batch.rowCount}`);
        await new Promise<void>((done) => setImmediate(done));
        events.push('end');
        busy = false;
      },
      { batchRows: 20 },
    );
    expect(events).toEqual([`start 20`, 'end', `start ${nodes.length - 20}`, 'end']);
  });

  it('binds parameters, reports bad SQL as QueryFailed and passes the visitor’s own errors through', async () => {
    let seen: unknown[] = [];
    await cpg.eachBatch('SELECT name FROM cpg.nodes WHERE name = $name', (b) => void (seen = [...b.vectors[0]!]), { params: { name: 'grüße' } });
    expect(seen).toEqual(Array<string>(5).fill('grüße')); // the DEF, its CALL, IMPORT and two REFs
    await expect(cpg.eachBatch('SELECT nope FROM cpg.nodes', () => undefined)).rejects.toMatchObject({ code: 'cpg-query/QueryFailed' });
    const own = new Error('disk full');
    await expect(cpg.eachBatch('SELECT 1', () => Promise.reject(own))).rejects.toBe(own);
    expect(await cpg.eachBatch('SELECT 1 WHERE false', () => expect.fail('no rows, no batch'))).toBe(0);
  });

  it('validates its options', async () => {
    expect(BatchOptionsSchema.safeParse({ batchRows: 0 }).success).toBe(false);
    expect(BatchOptionsSchema.safeParse({ batchRows: 10, extra: true }).success).toBe(false);
    await expect(cpg.eachBatch('SELECT 1', () => undefined, { batchRows: 1.5 })).rejects.toMatchObject({ code: 'cpg-query/InvalidArgument' });
  });
});

describe('cpg.sql with parameters', () => {
  it('binds named and positional values', async () => {
    expect(await cpg.sql('SELECT count(*) AS n FROM cpg.nodes WHERE node_kind = $kind', { kind: 'MODULE' })).toEqual([{ n: 4n }]);
    expect(await cpg.sql('SELECT ? || ? AS s', ["it's ", 'grüße'])).toEqual([{ s: "it's grüße" }]);
  });
});
