import { quoteIdentifier } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';

/**
 * A DuckDB struct literal holding a dataset's contract columns of one row,
 * qualified by a table alias. A graph answer returns whole nodes and edges
 * next to each other in one result row this way, each read back as an object
 * keyed by column name.
 *
 * @example
 * rowStructSql(cpgNodesDataset, 'n'); // `{'node_id': "n"."node_id", …}`
 */
export function rowStructSql(ds: DatasetSchema, alias: string): string {
  const fields = ds.columns.map((c) => `'${c.name.replaceAll("'", "''")}': ${quoteIdentifier(alias)}.${quoteIdentifier(c.name)}`);
  return `{${fields.join(', ')}}`;
}
