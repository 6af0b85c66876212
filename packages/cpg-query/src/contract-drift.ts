import type { ValidationIssue } from '@anatomy/contracts';
import { verifySchema } from '@anatomy/schema-authority';
import type { DatasetSchema, InformationSchemaColumn } from '@anatomy/schema-authority';

/**
 * What keeps a stored table from being read as a contract dataset, checked
 * with the schema authority's `verifySchema` under the contract's evolution
 * rules. Two differences are tolerated on purpose:
 * - columns the dataset does not declare, because the contract lets later
 *   versions add columns;
 * - nullability, because views and `CREATE TABLE … AS SELECT` cannot declare
 *   NOT NULL; the row schemas check the values themselves.
 * Missing, retyped and reordered contract columns remain drift.
 *
 * @example
 * contractDrift(cpgNodesDataset, rows); // [] when cpg.nodes can be read
 */
export function contractDrift(ds: DatasetSchema, columns: readonly InformationSchemaColumn[]): ValidationIssue[] {
  if (columns.length === 0) return verifySchema(ds, []);
  const declared = new Map(ds.columns.map((c) => [c.name, c]));
  const comparable = columns.flatMap((c) => {
    const spec = declared.get(c.column_name);
    return spec === undefined ? [] : [{ ...c, is_nullable: spec.nullable ? 'YES' : 'NO' }];
  });
  if (comparable.length === 0) {
    return [{ path: ds.name, message: `has none of the contract columns (${ds.columns.map((c) => c.name).join(', ')})` }];
  }
  return verifySchema(ds, comparable);
}
