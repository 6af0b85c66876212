import { z } from 'zod';

/** A dataset or view addressed as `schema.table` (e.g. `evidence.ts_defs`, `norm.defs`). */
export const DatasetNameSchema = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, "must be 'schema.table' in lower-case SQL identifiers");

/** The unqualified name of an intermediate view; the compiler places it in its kind's schema. */
export const LocalViewNameSchema = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a lower-case SQL identifier without a schema');

/** The name of a projection: the `schema.table` of the output contract it fills. */
export const OutputNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, "must be the 'schema.table' name of a registered output contract");

/**
 * The namespace of an entity's stable ids (`def` gives ids `def:…` and the
 * identity column `def_id`), so it must also be a valid column-name stem.
 */
export const EntityNamespaceSchema = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be lower-case letters, digits or _ and start with a letter');

/** A node or edge kind of an output contract, upper-case like `DEF` or `RESOLVES_TO`. */
export const KindNameSchema = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must be an upper-case kind such as DEF or CONTAINS');

/** A column of a dataset, named only where roles cannot decide. */
export const ColumnNameSchema = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL identifier');
