import { cpgEdgesDataset, cpgNodesDataset, cpgPropsDataset } from '@anatomy/schema-authority';
import { openStore } from '@anatomy/store';
import { describe, expect, it } from 'vitest';
import { contractTableSql } from './contract-table-sql.js';

describe('contractTableSql', () => {
  it('selects the contract columns sorted by key, then by every other column', () => {
    expect(contractTableSql(cpgPropsDataset, ['cpg.nodes', 'cpg.props'], { omit: ['value_bool'], where: `t."prop_key" = 'x'` })).toBe(
      'SELECT t."entity_id", t."prop_key", t."value_type", t."value_string", t."value_int", t."value_float", t."file_id" FROM "cpg"."props" AS t ' +
        `WHERE t."prop_key" = 'x' ORDER BY t."entity_id", t."prop_key", t."value_type", t."value_string", t."value_int", t."value_float", t."value_bool", t."file_id"`,
    );
  });

  it('gives a missing table as an empty relation with the contract names and types', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      const columns = await store.query(`DESCRIBE ${contractTableSql(cpgEdgesDataset, ['cpg.nodes'])}`);
      expect(columns.map((c) => `${String(c['column_name'])} ${String(c['column_type'])}`)).toEqual([
        'edge_id VARCHAR',
        'edge_kind VARCHAR',
        'src_node_id VARCHAR',
        'dst_node_id VARCHAR',
        'file_id VARCHAR',
        'path VARCHAR',
        'bstart BIGINT',
        'bend BIGINT',
        'origin VARCHAR',
        'rule VARCHAR',
        'confidence DOUBLE',
      ]);
      expect(await store.query(contractTableSql(cpgNodesDataset, []))).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
