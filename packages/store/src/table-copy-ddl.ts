import { quoteIdentifier } from '@anatomy/schema-authority';
import { StoreError } from './store-error.js';

/** Runs one query and returns its rows. */
type CatalogQuery = (sql: string, params?: readonly string[]) => Promise<Record<string, unknown>[]>;

/**
 * DDL for an empty table shaped exactly like an existing one — column types,
 * NOT NULL, defaults, CHECK/UNIQUE/PRIMARY KEY — under another name in the
 * same schema. `CREATE TABLE … AS SELECT` would copy the rows but drop the
 * constraints, and a rewritten table must still match its dataset schema.
 * Foreign keys tie two tables' lifetimes together, so such tables are refused.
 */
export async function tableCopyDdl(query: CatalogQuery, schema: string, table: string, copyName: string): Promise<string> {
  const columns = await query(
    `SELECT column_name, data_type, is_nullable, column_default FROM duckdb_columns()
      WHERE database_name = current_database() AND schema_name = ? AND table_name = ? ORDER BY column_index`,
    [schema, table],
  );
  if (columns.length === 0) {
    throw StoreError.create('UnknownTable', `there is no table ${schema}.${table} to rewrite`, {
      hint: 'name an existing table as schema.table; views hold no rows to rewrite',
    });
  }
  const constraints = await query(
    `SELECT constraint_type, constraint_text FROM duckdb_constraints()
      WHERE database_name = current_database() AND schema_name = ? AND table_name = ? AND constraint_type IN ('CHECK', 'UNIQUE', 'PRIMARY KEY', 'FOREIGN KEY')
      ORDER BY constraint_index`,
    [schema, table],
  );
  if (constraints.some((c) => c['constraint_type'] === 'FOREIGN KEY')) {
    throw StoreError.create('MaintenanceFailed', `${schema}.${table} has a foreign key, which a rewrite cannot carry over`, {
      hint: 'Anatomy tables declare no foreign keys; rebuild this table instead of rewriting it',
    });
  }
  const parts = columns.map((c) => {
    const nullable = c['is_nullable'] === true ? '' : ' NOT NULL';
    const fallback = c['column_default'] === null || c['column_default'] === undefined ? '' : ` DEFAULT ${String(c['column_default'])}`;
    return `${quoteIdentifier(String(c['column_name']))} ${String(c['data_type'])}${fallback}${nullable}`;
  });
  for (const c of constraints) parts.push(String(c['constraint_text']));
  return `CREATE TABLE ${quoteIdentifier(schema)}.${quoteIdentifier(copyName)} (${parts.join(', ')})`;
}
