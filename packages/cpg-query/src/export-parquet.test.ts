import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { cpgEdgesDataset, cpgNodesDataset, cpgPropsDataset, duckDbType } from '@anatomy/schema-authority';
import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportParquet } from './export-parquet.js';
import { openCpg } from './open-cpg.js';
import type { Cpg } from './open-cpg.js';
import { buildSampleCpg, defs, edges, nodes, props, removeTempDirs, tempDir } from './sample-cpg.fixture.js';
import { listFiles } from './staged-output.js';

let cpg: Cpg;
let nodesOnly: Cpg;
/** An independent reader: a separate in-memory DuckDB that knows nothing of the store. */
let reader: Store;
beforeAll(async () => {
  const dir = tempDir();
  cpg = await openCpg(await buildSampleCpg(join(dir, 'sample.duckdb')));
  nodesOnly = await openCpg(await buildSampleCpg(join(dir, 'nodes-only.duckdb'), { edges: false, props: false }));
  reader = await openStore({ path: ':memory:' });
});
afterAll(async () => {
  await cpg.close();
  await nodesOnly.close();
  await reader.close();
  removeTempDirs();
});

const glob = (dir: string, table: string): string => `'${join(dir, table).replaceAll("'", "''")}/**/*.parquet'`;

function countBy<T>(rows: readonly T[], key: (row: T) => string): Record<string, bigint> {
  const counts: Record<string, bigint> = {};
  for (const row of rows) counts[key(row)] = (counts[key(row)] ?? 0n) + 1n;
  return counts;
}

describe('exportParquet', () => {
  it('writes hive partitions by kind that DuckDB reads back row for row', async () => {
    const out = tempDir();
    const summary = await exportParquet(cpg, out);
    expect(summary.tables.map((t) => [t.table, t.rows])).toEqual([
      ['nodes', nodes.length],
      ['edges', edges.length],
      ['props', props.length],
    ]);
    const layout = (await listFiles(out)).map((f) => relative(out, f));
    expect(layout).toContain('nodes/node_kind=DEF/data_0.parquet');
    expect(layout).toContain('edges/edge_kind=CALLS/data_0.parquet');
    expect(layout).toContain('props/data_0.parquet');
    expect(summary.tables[0]!.files.map((f) => relative(out, f))).toEqual(layout.filter((f) => f.startsWith('nodes/')));

    const kinds = await reader.query(`SELECT node_kind, count(*) AS n FROM read_parquet(${glob(out, 'nodes')}, hive_partitioning = true) GROUP BY ALL ORDER BY 1`);
    expect(Object.fromEntries(kinds.map((r) => [r['node_kind'], r['n']]))).toEqual(countBy(nodes, (n) => n.node_kind));
    const edgeKinds = await reader.query(`SELECT edge_kind, count(*) AS n FROM read_parquet(${glob(out, 'edges')}, hive_partitioning = true) GROUP BY ALL`);
    expect(Object.fromEntries(edgeKinds.map((r) => [r['edge_kind'], r['n']]))).toEqual(countBy(edges, (e) => e.edge_kind));

    const [grusse] = await reader.query(
      `SELECT * EXCLUDE (node_kind) FROM read_parquet(${glob(out, 'nodes')}, hive_partitioning = true) WHERE node_id = $id`,
      { id: defs.grusse.node_id },
    );
    // The kind lives in the partition directory, not in the file.
    expect(grusse).toEqual(Object.fromEntries(Object.entries(defs.grusse).filter(([column]) => column !== 'node_kind')));
    const propRows = await reader.query(`SELECT * FROM read_parquet(${glob(out, 'props')}) ORDER BY entity_id, prop_key`);
    expect(propRows).toHaveLength(props.length);
    expect(propRows.find((p) => p['prop_key'] === 'share')).toMatchObject({ value_type: 'float', value_float: 0.55, value_int: null });
  });

  it('keeps rows in key order and writes byte-identical files for the same CPG', async () => {
    const [first, second] = [tempDir(), tempDir()];
    await exportParquet(cpg, first);
    await exportParquet(cpg, second);
    const files = (await listFiles(first)).map((f) => relative(first, f));
    expect((await listFiles(second)).map((f) => relative(second, f))).toEqual(files);
    for (const file of files) expect(readFileSync(join(second, file)).equals(readFileSync(join(first, file))), file).toBe(true);
    const ids = await reader.query(`SELECT node_id FROM read_parquet('${join(first, 'nodes', 'node_kind=CALL', 'data_0.parquet')}')`);
    const sorted = nodes.filter((n) => n.node_kind === 'CALL').map((n) => n.node_id).sort();
    expect(ids.map((r) => r['node_id'])).toEqual(sorted);
  });

  it('writes one file per table when partitioning is off', async () => {
    const out = join(tempDir(), "it's café");
    await exportParquet(cpg, out, { partitionBy: false, rowGroupSize: 4096, compression: 'snappy' });
    expect((await listFiles(out)).map((f) => relative(out, f))).toEqual(['edges/data_0.parquet', 'nodes/data_0.parquet', 'props/data_0.parquet']);
    const [count] = await reader.query(`SELECT count(*) AS n FROM read_parquet(${glob(out, 'nodes')})`);
    expect(count).toEqual({ n: BigInt(nodes.length) });
  });

  it('exports a missing table empty with the contract columns, replacing an earlier export', async () => {
    const out = tempDir();
    await exportParquet(cpg, out);
    const summary = await exportParquet(nodesOnly, out);
    expect(summary.tables.map((t) => [t.table, t.rows, t.files.map((f) => relative(out, f))])).toEqual([
      ['nodes', nodes.length, expect.arrayContaining(['nodes/node_kind=DEF/data_0.parquet'])],
      ['edges', 0, ['edges/data_0.parquet']],
      ['props', 0, ['props/data_0.parquet']],
    ]);
    for (const ds of [cpgEdgesDataset, cpgPropsDataset]) {
      const table = ds.name.slice(4);
      const columns = await reader.query(`DESCRIBE SELECT * FROM read_parquet(${glob(out, table)}, hive_partitioning = true)`);
      expect(columns.map((c) => `${String(c['column_name'])} ${String(c['column_type'])}`)).toEqual(ds.columns.map((c) => `${c.name} ${duckDbType(c.type)}`));
      expect(await reader.query(`SELECT * FROM read_parquet(${glob(out, table)}, hive_partitioning = true)`)).toEqual([]);
    }
    const columns = await reader.query(`DESCRIBE SELECT * FROM read_parquet(${glob(out, 'nodes')}, hive_partitioning = true)`);
    expect(columns.map((c) => c['column_name']).sort()).toEqual(cpgNodesDataset.columns.map((c) => c.name).sort());
  });

  it('refuses to replace a directory holding files it did not write', async () => {
    const out = tempDir();
    mkdirSync(join(out, 'nodes'));
    writeFileSync(join(out, 'nodes', 'notes.txt'), 'mine');
    await expect(exportParquet(cpg, out)).rejects.toMatchObject({ code: 'cpg-query/ExportFailed' });
    expect(readFileSync(join(out, 'nodes', 'notes.txt'), 'utf8')).toBe('mine');
    await expect(exportParquet(cpg, tempDir(), { rowGroupSize: 1 } as never)).rejects.toMatchObject({ code: 'cpg-query/InvalidArgument' });
  });
});
