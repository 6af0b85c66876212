import { ColumnRoleSchema } from '@anatomy/schema-authority';
import { z } from 'zod';
import { DatasetNameSchema, LocalViewNameSchema } from './declaration-names.js';
import { RoleConditionSchema } from './role-condition.js';
import { viewFactory } from './view-factory.js';

const PLACEHOLDER = /\{([^{}]*)\}/g;

/**
 * The roles a diagnostic message names as `{role}` placeholders, in order.
 *
 * @example
 * messagePlaceholders('cannot resolve {name}'); // ['name']
 */
export function messagePlaceholders(message: string): readonly string[] {
  return [...message.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

/**
 * A `diagnostic` view: a problem report with a fixed `code` and `severity`
 * for every row of `from` that meets `where` and, with `unmatched`, has no
 * edge in that relate view (an import that resolves nowhere). The message may
 * name role columns of the row as `{name}`, `{kind}`, …; file and span come
 * from the row's roles; `source` (else the row's provenance) says who found it. It lives in the `diag` schema.
 */
export const DiagnosticSchema = z
  .object({
    kind: z.literal('diagnostic'),
    name: LocalViewNameSchema,
    from: DatasetNameSchema,
    code: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'must be a PascalCase code such as UnresolvedImport'),
    severity: z.enum(['info', 'warning', 'error']),
    message: z
      .string()
      .min(1)
      .refine((m) => messagePlaceholders(m).every((p) => ColumnRoleSchema.safeParse(p).success), 'placeholders must name column roles, such as {name}'),
    where: z.array(RoleConditionSchema).min(1).readonly().optional(),
    unmatched: DatasetNameSchema.optional(),
    /** Who found the problem, where the row's provenance does not say: the comparison of two sources ('fusion') rather than either of them. */
    source: z.string().regex(/^[a-z][a-z0-9-]*$/, "must be a lower-case name such as 'fusion'").optional(),
  })
  .readonly();
export type Diagnostic = z.infer<typeof DiagnosticSchema>;

/**
 * Factory of `diagnostic` views.
 *
 * @example
 * Diagnostic.create({ name: 'unresolved_imports', from: 'norm.imports', unmatched: 'rel.import_targets',
 *   code: 'UnresolvedImport', severity: 'warning', message: 'import {name} does not resolve inside the repository' });
 */
export const Diagnostic = viewFactory('diagnostic', DiagnosticSchema);
