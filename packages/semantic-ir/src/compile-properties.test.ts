import { stableId } from '@anatomy/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProgram } from './compile-program.js';
import { TestDatabase, registryOf } from './duckdb-fixture.test-support.js';
import { Normalize } from './normalize.js';
import { Project } from './project.js';
import { fileId, tsRefRows, tsRefs } from './python-fixture.test-support.js';
import { defineProgram } from './semantic-program.js';

const program = defineProgram({
  name: 'properties',
  views: [
    Normalize.create({ name: 'refs', from: 'evidence.ts_refs', entity: 'ref' }),
    Project.create({ name: 'cpg.nodes', rows: [{ from: 'norm.refs', kind: 'REF' }] }),
    Project.create({ name: 'cpg.props', rows: [{ from: 'norm.refs' }] }),
  ],
});
const manifest = compileProgram(program, registryOf(tsRefs));
const props = manifest.views.find((v) => v.name === 'cpg.props')!;

describe('projecting into a property contract (cpg.props)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await TestDatabase.open();
    await db.load(tsRefs, tsRefRows);
    await db.install(manifest);
  });
  afterAll(() => db.close());

  it('makes one row per kind or attribute column and entity, keyed by the column name and typed by its type', async () => {
    const first = tsRefRows[0]!;
    const id = stableId('ref', fileId('pkg/mod.py'), first['bstart'] as number, first['bend'] as number);
    const rows = await db.rows(`SELECT prop_key, value_type, value_string, value_int, value_float, value_bool FROM cpg.props WHERE entity_id = '${id}'`);
    // binder is NULL for a load, so it gives no row; name and the span are node columns, not properties.
    expect(rows).toEqual([{ prop_key: 'ctx', value_type: 'string', value_string: 'load', value_int: null, value_float: null, value_bool: null }]);
  });

  it('gives properties to the same ids as the nodes, and skips NULL values', async () => {
    const [row] = await db.rows(
      `SELECT count(*) AS n, count(*) FILTER (WHERE entity_id NOT IN (SELECT node_id FROM cpg.nodes)) AS orphans,
              count(*) FILTER (WHERE prop_key = 'binder') AS binders FROM cpg.props`,
    );
    expect(row).toEqual({
      n: BigInt(tsRefRows.length + tsRefRows.filter((r) => r['binder'] !== null).length),
      orphans: 0n,
      binders: BigInt(tsRefRows.filter((r) => r['binder'] !== null).length),
    });
  });

  it('gives every property the owning file of its entity, the file of its node', async () => {
    const [row] = await db.rows(
      `SELECT count(*) AS n, count(*) FILTER (WHERE p.file_id IS DISTINCT FROM n.file_id) AS elsewhere, count(DISTINCT p.file_id) AS files
         FROM cpg.props p JOIN cpg.nodes n ON n.node_id = p.entity_id`,
    );
    expect(row).toEqual({ n: BigInt(tsRefRows.length + tsRefRows.filter((r) => r['binder'] !== null).length), elsewhere: 0n, files: BigInt(new Set(tsRefRows.map((r) => r['file_id'])).size) });
  });

  it('leaves the rows unsorted, and records why each column is a property', () => {
    expect(props.sql).not.toContain('ORDER BY');
    const fills = props.decisions.filter((d) => d.value.topic === 'column-fill');
    expect(fills.map((d) => (d.value.topic === 'column-fill' ? [d.value.column, d.value.fill] : []))).toEqual([
      ['file_id', { by: 'column', dataset: 'norm.refs', column: 'file_id' }],
      ['value_string', { by: 'column', dataset: 'norm.refs', column: 'binder' }],
      ['value_string', { by: 'column', dataset: 'norm.refs', column: 'ctx' }],
    ]);
    expect(fills[2]!.rationale).toMatch(/ctx of norm.refs has the role kind, so it is a property of each row/);
  });
});
