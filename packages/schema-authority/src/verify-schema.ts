import type { ValidationIssue } from '@anatomy/contracts';
import type { DatasetSchema } from './dataset-schema.js';
import { duckDbType } from './duckdb-ddl.js';

/** One row of DuckDB's `information_schema.columns` for a table. */
export interface InformationSchemaColumn {
  readonly column_name: string;
  readonly data_type: string;
  readonly is_nullable: string;
}

/**
 * Compares what DuckDB holds for a dataset's table with its declaration and
 * lists every difference: missing, extra, retyped or re-nulled columns and
 * column order.
 *
 * @example
 * const rows = await store.query(`SELECT column_name, data_type, is_nullable FROM information_schema.columns
 *   WHERE table_schema = 'evidence' AND table_name = 'files' ORDER BY ordinal_position`);
 * verifySchema(filesDataset, rows); // [] when they agree
 */
export function verifySchema(ds: DatasetSchema, actual: readonly InformationSchemaColumn[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (actual.length === 0) return [{ path: ds.name, message: 'table does not exist' }];
  const byName = new Map(actual.map((c) => [c.column_name, c]));
  ds.columns.forEach((col, i) => {
    const found = byName.get(col.name);
    const path = `${ds.name}.${col.name}`;
    if (found === undefined) {
      issues.push({ path, message: 'column is missing' });
      return;
    }
    if (found.data_type !== duckDbType(col.type)) {
      issues.push({ path, message: `type is ${found.data_type}, declared ${duckDbType(col.type)}` });
    }
    const nullable = found.is_nullable === 'YES';
    if (nullable !== col.nullable) {
      issues.push({ path, message: `is ${nullable ? '' : 'not '}nullable, declared ${col.nullable ? '' : 'not '}nullable` });
    }
    if (actual[i]?.column_name !== col.name) {
      issues.push({ path, message: `is at position ${actual.indexOf(found) + 1}, declared at ${i + 1}` });
    }
  });
  const declared = new Set(ds.columns.map((c) => c.name));
  for (const c of actual) {
    if (!declared.has(c.column_name)) issues.push({ path: `${ds.name}.${c.column_name}`, message: 'column is not declared' });
  }
  return issues;
}
