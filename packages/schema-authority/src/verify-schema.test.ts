import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { cpgOutputDatasets } from './cpg-output-datasets.js';
import { defineDataset } from './dataset-schema.js';
import { createTableSql } from './duckdb-ddl.js';
import { verifySchema } from './verify-schema.js';
import type { InformationSchemaColumn } from './verify-schema.js';

async function columnsOf(connection: Awaited<ReturnType<DuckDBInstance['connect']>>, name: string): Promise<InformationSchemaColumn[]> {
  const [schema, table] = name.split('.');
  const reader = await connection.runAndReadAll(
    `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = '${schema}' AND table_name = '${table}' ORDER BY ordinal_position`,
  );
  return reader.getRowObjectsJS() as unknown as InformationSchemaColumn[];
}

describe('verifySchema against DuckDB', () => {
  it('finds no difference for tables created from the declaration', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    for (const ds of cpgOutputDatasets) {
      await connection.run(createTableSql(ds));
      expect(verifySchema(ds, await columnsOf(connection, ds.name))).toEqual([]);
    }
    connection.closeSync();
    instance.closeSync();
  });

  it('names every drifted column', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run('CREATE SCHEMA evidence; CREATE TABLE evidence.t (b INTEGER, a VARCHAR NOT NULL, z VARCHAR)');
    const ds = defineDataset({
      name: 'evidence.t',
      producer: 'test',
      version: 1,
      description: 'drift',
      spanUnit: 'none',
      columns: [
        { name: 'a', type: 'utf8', nullable: true, description: 'a' },
        { name: 'b', type: 'int64', nullable: true, description: 'b' },
        { name: 'c', type: 'bool', nullable: true, description: 'c' },
      ],
    });
    const issues = verifySchema(ds, await columnsOf(connection, ds.name));
    expect(issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'evidence.t.a: is not nullable, declared nullable',
      'evidence.t.a: is at position 2, declared at 1',
      'evidence.t.b: type is INTEGER, declared BIGINT',
      'evidence.t.b: is at position 1, declared at 2',
      'evidence.t.c: column is missing',
      'evidence.t.z: column is not declared',
    ]);
    expect(verifySchema(ds, [])).toEqual([{ path: 'evidence.t', message: 'table does not exist' }]);
    connection.closeSync();
    instance.closeSync();
  });
});
