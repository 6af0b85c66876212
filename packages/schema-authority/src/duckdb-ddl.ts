import type { ColumnType, DatasetSchema } from './dataset-schema.js';

const DUCKDB_TYPES = {
  utf8: 'VARCHAR',
  int64: 'BIGINT',
  int32: 'INTEGER',
  float64: 'DOUBLE',
  bool: 'BOOLEAN',
  binary: 'BLOB',
} as const satisfies Record<ColumnType, string>;

/** DuckDB type name of an Arrow logical column type. */
export type DuckDbTypeName = (typeof DUCKDB_TYPES)[ColumnType];

/**
 * The DuckDB type that stores a column type.
 *
 * @example
 * duckDbType('int64'); // 'BIGINT'
 */
export function duckDbType(type: ColumnType): DuckDbTypeName {
  return DUCKDB_TYPES[type];
}

/** Quotes a SQL identifier for DuckDB. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"schema"."table"` for a dataset. */
export function qualifiedName(ds: DatasetSchema): string {
  return ds.name.split('.').map(quoteIdentifier).join('.');
}

/**
 * DDL creating a dataset's schema and table if they do not exist yet.
 *
 * @example
 * await connection.run(createTableSql(filesDataset));
 */
export function createTableSql(ds: DatasetSchema): string {
  const schema = quoteIdentifier(ds.name.slice(0, ds.name.indexOf('.')));
  const columns = ds.columns
    .map((c) => `${quoteIdentifier(c.name)} ${duckDbType(c.type)}${c.nullable ? '' : ' NOT NULL'}`)
    .join(', ');
  return `CREATE SCHEMA IF NOT EXISTS ${schema}; CREATE TABLE IF NOT EXISTS ${qualifiedName(ds)} (${columns});`;
}
