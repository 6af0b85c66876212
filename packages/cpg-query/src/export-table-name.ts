import type { DatasetSchema } from '@anatomy/schema-authority';
import { ExportTableNameSchema } from './export-summary.js';
import type { ExportTableName } from './export-summary.js';

/**
 * The name a contract dataset exports under: its table name without the
 * `cpg` schema, as the contract says (`cpg.nodes` exports as `nodes`).
 *
 * @example
 * exportTableName(cpgNodesDataset); // 'nodes'
 */
export function exportTableName(ds: DatasetSchema): ExportTableName {
  return ExportTableNameSchema.parse(ds.name.slice(ds.name.indexOf('.') + 1));
}
