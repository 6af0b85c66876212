import { z } from 'zod';
import { ColumnNameSchema, DatasetNameSchema, EntityNamespaceSchema, LocalViewNameSchema } from './declaration-names.js';
import { RoleConditionSchema } from './role-condition.js';
import { viewFactory } from './view-factory.js';

/**
 * A `derive` view: the rows of one input that meet conditions on
 * role-identified columns (`where`), optionally re-identified as a new entity
 * (`entity`: stable ids in that namespace, computed by role as `normalize`
 * does). Without `entity` the rows keep the input's identity, so a derived
 * subset (refs in store context) still names the same nodes. It lives in
 * the `derived` schema.
 */
export const DeriveSchema = z
  .object({
    kind: z.literal('derive'),
    name: LocalViewNameSchema,
    from: DatasetNameSchema,
    entity: EntityNamespaceSchema.optional(),
    where: z.array(RoleConditionSchema).min(1).readonly().optional(),
    /**
     * Names each row after its path (the column with the role path) in a
     * `qualified_name` column with the role symbol-identity (unique in the
     * repository, so matched across files): the path without the first of
     * `strip` it ends with, its '/' replaced by `separator` — a dotted module
     * name from a package layout. An input without a path is named after
     * its file's path, through the dataset describing files. `append` adds
     * the values of those columns (NULLs skipped), so a definition is named
     * `pkg.mod.Class.method`. `anchor` names an integer column counting
     * levels, as the leading dots of a relative import do: 0 names the row
     * from `append` alone, n > 0 starts from the directory n - 1 levels
     * above the file's own, and a row reaching above the top is left unnamed.
     */
    nameFromPath: z
      .object({
        strip: z.array(z.string().min(1)).min(1).readonly(),
        separator: z.string(),
        append: z.array(ColumnNameSchema).min(1).readonly().optional(),
        anchor: ColumnNameSchema.optional(),
      })
      .readonly()
      .optional(),
    /**
     * The dataset whose rows hold the input's rows, for rows without a span
     * of their own: each row is located where the row its parent identity
     * points at is — that row's span, and its kind when the input has none
     * (a symbol sits where its scope does, with the scope's type).
     */
    locateIn: DatasetNameSchema.optional(),
    /**
     * `'symbol'`: one row per distinct value of the input's symbol identity
     * (NULLs skipped), identified in the `entity` namespace by that value
     * alone: a global symbol, which no file or span locates. Each row keeps
     * the symbol, a `name` equal to it, and every source that named it.
     */
    per: z.literal('symbol').optional(),
  })
  .refine((d) => d.entity !== undefined || d.where !== undefined || d.locateIn !== undefined, {
    path: ['where'],
    message: 'a derive view filters (where), re-identifies (entity), locates (locateIn), or more',
  })
  .refine((d) => d.per === undefined || d.entity !== undefined, {
    path: ['per'],
    message: 'one row per symbol needs an entity namespace for the symbols (entity)',
  })
  .readonly();
export type Derive = z.infer<typeof DeriveSchema>;

/**
 * Factory of `derive` views.
 *
 * @example
 * Derive.create({ name: 'stores', from: 'norm.refs', where: [{ role: 'kind', in: ['store'] }] }); // same ref ids
 * Derive.create({ name: 'modules', from: 'evidence.files', entity: 'module' }); // module ids from file identity
 * // pkg/sub/mod.py → pkg.sub.mod, pkg/__init__.py → pkg
 * Derive.create({ name: 'modules', from: 'evidence.files', entity: 'module', nameFromPath: { strip: ['/__init__.py', '.py'], separator: '.' } });
 * // one row per distinct SCIP symbol, its id the stable id of the symbol in namespace 'symbol'
 * Derive.create({ name: 'scip_symbols', from: 'evidence.scip_occurrences', entity: 'symbol', per: 'symbol' });
 */
export const Derive = viewFactory('derive', DeriveSchema);
