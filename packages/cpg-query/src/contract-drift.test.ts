import { cpgNodesDataset, createTableSql } from '@anatomy/schema-authority';
import type { InformationSchemaColumn } from '@anatomy/schema-authority';
import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contractDrift } from './contract-drift.js';

let store: Store;
beforeEach(async () => {
  store = await openStore({ path: ':memory:' });
  await store.run(createTableSql(cpgNodesDataset));
});
afterEach(async () => {
  await store.close();
});

async function columnsOf(schema: string, table: string): Promise<InformationSchemaColumn[]> {
  const rows = await store.query(
    `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = '${schema}' AND table_name = '${table}' ORDER BY ordinal_position`,
  );
  return rows.map((r) => ({ column_name: String(r['column_name']), data_type: String(r['data_type']), is_nullable: String(r['is_nullable']) }));
}

function lines(issues: readonly { path: string; message: string }[]): string[] {
  return issues.map((i) => `${i.path}: ${i.message}`);
}

describe('contractDrift', () => {
  it('finds nothing in a table created from the dataset', async () => {
    expect(contractDrift(cpgNodesDataset, await columnsOf('cpg', 'nodes'))).toEqual([]);
  });

  it('tolerates a view, CREATE TABLE AS (all nullable) and columns added after v1', async () => {
    await store.run('CREATE SCHEMA out');
    await store.run('CREATE VIEW out.v AS SELECT * FROM cpg.nodes');
    await store.run("CREATE TABLE out.t AS SELECT *, 'x' AS added_later FROM cpg.nodes");
    expect(contractDrift(cpgNodesDataset, await columnsOf('out', 'v'))).toEqual([]);
    expect(contractDrift(cpgNodesDataset, await columnsOf('out', 't'))).toEqual([]);
  });

  it('names missing, retyped and reordered contract columns', async () => {
    await store.run('CREATE SCHEMA old');
    await store.run(
      'CREATE TABLE old.nodes (node_kind VARCHAR, node_id VARCHAR, name VARCHAR, file_id VARCHAR, path VARCHAR, bstart INTEGER, bend BIGINT, line INTEGER, col INTEGER, extra VARCHAR)',
    );
    expect(lines(contractDrift(cpgNodesDataset, await columnsOf('old', 'nodes')))).toEqual([
      'cpg.nodes.node_id: is at position 2, declared at 1',
      'cpg.nodes.node_kind: is at position 1, declared at 2',
      'cpg.nodes.bstart: type is INTEGER, declared BIGINT',
      'cpg.nodes.origin: column is missing',
    ]);
  });

  it('reports a missing table and a table with none of the columns', async () => {
    expect(lines(contractDrift(cpgNodesDataset, []))).toEqual(['cpg.nodes: table does not exist']);
    await store.run('CREATE SCHEMA other; CREATE TABLE other.nodes (id INTEGER)');
    expect(lines(contractDrift(cpgNodesDataset, await columnsOf('other', 'nodes')))).toEqual([
      'cpg.nodes: has none of the contract columns (node_id, node_kind, name, file_id, path, bstart, bend, line, col, origin)',
    ]);
  });
});
