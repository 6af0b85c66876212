import { errorFamily, formatIssues, validate } from '@anatomy/contracts';
import { z } from 'zod';

/** Errors raised by the schema authority. */
export const SchemaAuthorityError = errorFamily('schema-authority', 'SchemaAuthorityError', [
  'InvalidSchema',
  'UnknownDataset',
  'ConflictingSchema',
  'InvalidBatch',
] as const);

/** Arrow logical types a dataset column may have. */
export const ColumnTypeSchema = z.enum(['utf8', 'int64', 'int32', 'float64', 'bool', 'binary']);
export type ColumnType = z.infer<typeof ColumnTypeSchema>;

/**
 * What a column means, independent of its name. The semantic compiler infers
 * join keys, ids and output projections from roles, never from names.
 */
export const ColumnRoleSchema = z.enum([
  'file-identity',
  'entity-identity',
  'parent-identity',
  'symbol-identity',
  'span-start',
  'span-end',
  'byte-length',
  'line',
  'column',
  'end-line',
  'end-column',
  'name',
  'path',
  'kind',
  'provenance',
  'attribute',
]);
export type ColumnRole = z.infer<typeof ColumnRoleSchema>;

const SqlIdentifier = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL identifier');

/** One column of a dataset. */
export const ColumnSpecSchema = z.object({
  name: SqlIdentifier,
  type: ColumnTypeSchema,
  nullable: z.boolean(),
  role: ColumnRoleSchema.optional(),
  description: z.string().min(1),
});
export type ColumnSpec = z.infer<typeof ColumnSpecSchema>;

/** The unit of a dataset's positions: byte offsets, line/column pairs, or none. */
export const SpanUnitSchema = z.enum(['utf8-bytes', 'line-col', 'none']);
export type SpanUnit = z.infer<typeof SpanUnitSchema>;

/** A dataset: a schema-qualified table with typed, role-annotated columns and its producer. */
export const DatasetSchemaSchema = z
  .object({
    name: z.string().regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, "must be 'schema.table' in lower-case SQL identifiers"),
    producer: z.string().min(1),
    version: z.number().int().positive(),
    description: z.string().min(1),
    spanUnit: SpanUnitSchema,
    columns: z.array(ColumnSpecSchema).min(1),
    /** Columns whose values identify one row; absent when rows have no declared key. */
    key: z.array(SqlIdentifier).min(1).optional(),
  })
  .superRefine((ds, ctx) => {
    const seen = new Set<string>();
    ds.columns.forEach((c, i) => {
      if (seen.has(c.name)) ctx.addIssue({ code: 'custom', path: ['columns', i, 'name'], message: `duplicate column '${c.name}'` });
      seen.add(c.name);
    });
    ds.key?.forEach((k, i) => {
      if (!seen.has(k)) ctx.addIssue({ code: 'custom', path: ['key', i], message: `key column '${k}' is not a column` });
    });
    for (const role of ['file-identity', 'entity-identity', 'span-start', 'span-end', 'byte-length'] as const) {
      if (ds.columns.filter((c) => c.role === role).length > 1) {
        ctx.addIssue({ code: 'custom', path: ['columns'], message: `more than one column has the role '${role}'` });
      }
    }
    const hasStart = ds.columns.some((c) => c.role === 'span-start');
    const hasEnd = ds.columns.some((c) => c.role === 'span-end');
    if (hasStart !== hasEnd) ctx.addIssue({ code: 'custom', path: ['columns'], message: 'span-start and span-end come in pairs' });
    if (ds.spanUnit === 'utf8-bytes' && !hasStart) {
      ctx.addIssue({ code: 'custom', path: ['spanUnit'], message: "'utf8-bytes' needs span-start and span-end columns" });
    }
  });
export type DatasetSchema = z.infer<typeof DatasetSchemaSchema>;

/**
 * Validates and freezes a dataset schema. Throws `schema-authority/InvalidSchema`
 * listing every problem: schemas are written by developers, not users.
 *
 * @example
 * const files = defineDataset({ name: 'evidence.files', producer: 'repo-scan', version: 1,
 *   description: 'scanned files', spanUnit: 'none',
 *   columns: [{ name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'stable file id' }] });
 */
export function defineDataset(input: z.input<typeof DatasetSchemaSchema>): DatasetSchema {
  const result = validate(DatasetSchemaSchema, input);
  if (!result.ok) {
    throw SchemaAuthorityError.create('InvalidSchema', `dataset ${String((input as { name?: unknown }).name)} is invalid:\n${formatIssues(result.issues)}`, {
      details: { issues: result.issues },
      hint: 'fix the dataset declaration; each line above names the field and the problem',
    });
  }
  const ds = result.value;
  return Object.freeze({
    ...ds,
    columns: Object.freeze(ds.columns.map((c) => Object.freeze({ ...c }))),
    ...(ds.key === undefined ? {} : { key: Object.freeze([...ds.key]) }),
  }) as DatasetSchema;
}

/** Columns of a dataset that carry a role, in declaration order. */
export function columnsWithRole(ds: DatasetSchema, role: ColumnRole): readonly ColumnSpec[] {
  return ds.columns.filter((c) => c.role === role);
}

/** The schema part of a dataset name (`evidence` in `evidence.files`). */
export function datasetSchemaName(ds: DatasetSchema): string {
  return ds.name.slice(0, ds.name.indexOf('.'));
}
