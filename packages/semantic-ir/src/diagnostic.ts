import { z } from 'zod';
import { DatasetNameSchema, LocalViewNameSchema } from './declaration-names.js';
import { viewFactory } from './view-factory.js';

/**
 * A `diagnostic` view: every row of its input becomes a problem report with a
 * fixed code and severity, located by the input's file and span roles. The
 * filtering happens upstream (a relate or derive view). It lives in the
 * `diag` schema.
 */
export const DiagnosticSchema = z
  .object({
    kind: z.literal('diagnostic'),
    name: LocalViewNameSchema,
    from: DatasetNameSchema,
    code: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'must be a PascalCase code such as UnresolvedImport'),
    severity: z.enum(['info', 'warning', 'error']),
    message: z.string().min(1),
  })
  .readonly();
export type Diagnostic = z.infer<typeof DiagnosticSchema>;

/**
 * Factory of `diagnostic` views.
 *
 * @example
 * Diagnostic.create({ name: 'unresolved_imports', from: 'rel.unresolved_imports', code: 'UnresolvedImport',
 *   severity: 'warning', message: 'the import does not resolve inside the repository' });
 */
export const Diagnostic = viewFactory('diagnostic', DiagnosticSchema);
