import type { Evidence } from '@anatomy/contracts';
import type { ColumnSpec, DatasetSchema } from '@anatomy/schema-authority';

/**
 * Evidence that a column plays a role, as declared to the schema authority.
 *
 * @example
 * roleEvidence(tsDefs, fileIdColumn); // { source: 'schema-authority', detail: 'evidence.ts_defs.file_id has the role file-identity' }
 */
export function roleEvidence(ds: DatasetSchema, column: ColumnSpec): Evidence {
  return { source: 'schema-authority', detail: `${ds.name}.${column.name} has the role ${column.role ?? '(none)'}` };
}

/**
 * Evidence that a dataset lacks a role.
 *
 * @example
 * missingRoleEvidence(files, 'span-start'); // { source: 'schema-authority', detail: 'evidence.files has no column with the role span-start' }
 */
export function missingRoleEvidence(ds: DatasetSchema, role: string): Evidence {
  return { source: 'schema-authority', detail: `${ds.name} has no column with the role ${role}` };
}
