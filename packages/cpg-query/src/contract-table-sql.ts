import { duckDbType, qualifiedName, quoteIdentifier } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';

/** What to select from a contract table. */
export interface ContractTableSelection {
  /** Contract columns left out of the result (e.g. a hive partition column). */
  readonly omit?: readonly string[];
  /** A SQL condition on the table's columns, written against the alias `t`. */
  readonly where?: string;
}

/**
 * A SELECT of a contract dataset's columns, in contract order, sorted by the
 * dataset's key and then by every other column so that the same table gives
 * the same row order on every run. When the store does not hold the table
 * (`present` lacks it), the SELECT is an empty relation with the contract's
 * column names and types, so an export of it still carries the schema.
 *
 * @example
 * contractTableSql(cpgEdgesDataset, ['cpg.nodes']); // SELECT CAST(NULL AS VARCHAR) AS "edge_id", … LIMIT 0
 */
export function contractTableSql(ds: DatasetSchema, present: readonly string[], selection: ContractTableSelection = {}): string {
  const omitted = new Set(selection.omit ?? []);
  const columns = ds.columns.filter((c) => !omitted.has(c.name));
  if (!present.includes(ds.name)) {
    return `SELECT ${columns.map((c) => `CAST(NULL AS ${duckDbType(c.type)}) AS ${quoteIdentifier(c.name)}`).join(', ')} LIMIT 0`;
  }
  const key = ds.key ?? [];
  const order = [...key, ...ds.columns.map((c) => c.name).filter((name) => !key.includes(name))];
  const list = (names: readonly string[]): string => names.map((name) => `t.${quoteIdentifier(name)}`).join(', ');
  const where = selection.where === undefined ? '' : ` WHERE ${selection.where}`;
  return `SELECT ${list(columns.map((c) => c.name))} FROM ${qualifiedName(ds)} AS t${where} ORDER BY ${list(order)}`;
}
