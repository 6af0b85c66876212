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
    return (await store.query(`DESCRIBE SELECT * FROM ${quoted}`)).map((r) => ({ name: String(r['column_name']), type: String(r['column_type']) }));
  } catch (error) {
    throw StoreError.create('UnknownTable', `cannot read the columns of ${table}: ${(error as Error).message}`, {
      cause: error,
      hint: 'name an existing table or view as schema.table',
    });
  }
}
