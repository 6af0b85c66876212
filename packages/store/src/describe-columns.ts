import { quoteIdentifier } from '@anatomy/schema-authority';
import type { Store } from './store.js';
import { StoreError } from './store-error.js';

/** A column of a table or view as `DESCRIBE` reports it. */
export interface DescribedColumn {
  readonly name: string;
  readonly type: string;
}

/**
 * The columns of a table or view, in order, with their DuckDB types.
 * `DESCRIBE SELECT *` binds just this relation, unlike a catalog query.
 * Throws `store/UnknownTable` when nothing of that name can be read.
 *
 * @example
 * await describeColumns(store, 'rel.calls'); // [{ name: 'edge_id', type: 'VARCHAR' }, …]
 */
export async function describeColumns(store: Store, table: string): Promise<DescribedColumn[]> {
  const quoted = table.split('.').map(quoteIdentifier).join('.');
  try {
    return await describeQuery(store, `SELECT * FROM ${quoted}`);
  } catch (error) {
    throw StoreError.create('UnknownTable', `cannot read the columns of ${table}: ${(error as Error).message}`, {
      cause: error,
      hint: 'name an existing table or view as schema.table',
    });
  }
}

/**
 * The columns a SELECT yields, in order, with their DuckDB types: `DESCRIBE`
 * binds it without running it, and without a view being created for it.
 *
 * @example
 * await describeQuery(store, 'SELECT 1 AS one'); // [{ name: 'one', type: 'INTEGER' }]
 */
export async function describeQuery(store: Store, sql: string): Promise<DescribedColumn[]> {
  return (await store.query(`DESCRIBE ${sql}`)).map((r) => ({ name: String(r['column_name']), type: String(r['column_type']) }));
}

/**
 * {@link describeColumns} of several tables in one catalog query: one
 * `DESCRIBE` per table costs a round trip each, and a build describes
 * dozens. Tables of the current database named `schema.table` (no
 * quoting) come from the catalog; any other name is described on its own.
 * The columns come in their order, with DuckDB's type names. Throws
 * `store/UnknownTable` for a name that holds nothing.
 *
 * @example
 * (await describeTables(store, ['evidence.py_defs'])).get('evidence.py_defs'); // [{ name: 'def_id', type: 'VARCHAR' }, …]
 */
export async function describeTables(store: Store, tables: readonly string[]): Promise<Map<string, DescribedColumn[]>> {
  const wanted = [...new Set(tables)];
  const out = new Map<string, DescribedColumn[]>();
  if (wanted.length === 0) return out;
  const rows = await store.query(
    `SELECT schema_name || '.' || table_name AS name, column_name, data_type FROM duckdb_columns()
      WHERE database_name = current_database() AND schema_name || '.' || table_name IN (SELECT unnest(CAST(? AS JSON)::VARCHAR[]))
      ORDER BY name, column_index`,
    [JSON.stringify(wanted)],
  );
  for (const row of rows) {
    const name = String(row['name']);
    const columns = out.get(name) ?? [];
    columns.push({ name: String(row['column_name']), type: String(row['data_type']) });
    out.set(name, columns);
  }
  // A name the catalog query did not find (unqualified, temporary, or missing) is described on its own, which also reports a missing one.
  for (const table of wanted) if (!out.has(table)) out.set(table, await describeColumns(store, table));
  return out;
}
