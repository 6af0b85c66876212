import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpgEdgesDataset, cpgNodesDataset, cpgPropsDataset } from '@anatomy/schema-authority';
import { tableFromIPC } from 'apache-arrow';
import type { Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportArrow } from './export-arrow.js';
import { openCpg } from './open-cpg.js';
import type { Cpg } from './open-cpg.js';
import { HOSTILE_NAME, buildSampleCpg, calls, defs, edges, nodes, props, removeTempDirs, tempDir } from './sample-cpg.fixture.js';

let cpg: Cpg;
let nodesOnly: Cpg;
beforeAll(async () => {
  const dir = tempDir();
  cpg = await openCpg(await buildSampleCpg(join(dir, 'sample.duckdb')));
  nodesOnly = await openCpg(await buildSampleCpg(join(dir, 'nodes-only.duckdb'), { edges: false, props: false }));
});
afterAll(async () => {
  await cpg.close();
  await nodesOnly.close();
  removeTempDirs();
});

const read = (dir: string, table: string): Table => tableFromIPC(readFileSync(join(dir, `${table}.arrow`)));

describe('exportArrow', () => {
  it('writes Arrow IPC files with the contract types, nullability and metadata', async () => {
    const out = tempDir();
    const summary = await exportArrow(cpg, out);
    expect(summary.tables.map((t) => [t.table, t.rows, t.files])).toEqual([
      ['nodes', nodes.length, [join(out, 'nodes.arrow')]],
      ['edges', edges.length, [join(out, 'edges.arrow')]],
      ['props', props.length, [join(out, 'props.arrow')]],
    ]);
    const table = read(out, 'nodes');
    expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable ? 'null' : 'not null'}`)).toEqual([
      'node_id:Utf8:not null',
      'node_kind:Utf8:not null',
      'name:Utf8:null',
      'file_id:Utf8:null',
      'path:Utf8:null',
      'bstart:Int64:null',
      'bend:Int64:null',
      'line:Int32:null',
      'col:Int32:null',
      'origin:Utf8:not null',
    ]);
    expect(table.schema.metadata.get('anatomy.dataset')).toBe('cpg.nodes');
    expect(table.schema.fields[5]?.metadata.get('description')).toBe(cpgNodesDataset.columns[5]?.description);
    expect(read(out, 'edges').schema.fields.find((f) => f.name === 'confidence')?.type.toString()).toBe('Float64');
    expect(read(out, 'props').schema.fields.find((f) => f.name === 'value_bool')?.type.toString()).toBe('Bool');
  });

  it('reads back every row: bigint spans, non-ASCII and hostile names, NULLs', async () => {
    const out = tempDir();
    await exportArrow(cpg, out);
    const rows = read(out, 'nodes').toArray().map((r) => r.toJSON() as Record<string, unknown>);
    expect(rows.map((r) => r['node_id'])).toEqual(nodes.map((n) => n.node_id).sort());
    expect(rows.find((r) => r['node_id'] === defs.grusse.node_id)).toEqual({ ...defs.grusse });
    expect(rows.find((r) => r['node_id'] === calls.hostile.node_id)?.['name']).toBe(HOSTILE_NAME);
    const symbol = rows.find((r) => r['node_kind'] === 'SYMBOL');
    expect(symbol).toMatchObject({ file_id: null, bstart: null, line: null });
    const share = read(out, 'props').toArray().find((r) => r.toJSON()['prop_key'] === 'share')?.toJSON();
    expect(share).toMatchObject({ value_type: 'float', value_float: 0.55, value_int: null });
  });

  it('streams record batches of the asked size and writes the same bytes every time', async () => {
    const [first, second] = [tempDir(), tempDir()];
    await exportArrow(cpg, first, { batchRows: 4 });
    await exportArrow(cpg, second, { batchRows: 4 });
    const table = read(first, 'nodes');
    expect(table.batches.map((b) => b.numRows)).toEqual([...Array<number>(Math.floor(nodes.length / 4)).fill(4), ...(nodes.length % 4 === 0 ? [] : [nodes.length % 4])]);
    expect(table.numRows).toBe(nodes.length);
    for (const name of ['nodes', 'edges', 'props']) {
      expect(readFileSync(join(first, `${name}.arrow`)).equals(readFileSync(join(second, `${name}.arrow`))), name).toBe(true);
    }
  });

  it('exports a missing table as a schema without rows', async () => {
    const out = tempDir();
    const summary = await exportArrow(nodesOnly, out);
    expect(summary.tables.map((t) => t.rows)).toEqual([nodes.length, 0, 0]);
    for (const [name, ds] of [
      ['edges', cpgEdgesDataset],
      ['props', cpgPropsDataset],
    ] as const) {
      const table = read(out, name);
      expect(table.numRows).toBe(0);
      expect(table.schema.fields.map((f) => [f.name, f.nullable])).toEqual(ds.columns.map((c) => [c.name, c.nullable]));
    }
  });
});
