import { z } from 'zod';
import { DefKindSchema } from './def-kind.js';

/**
 * Which definitions to return; every given field must match exactly.
 * `kind` is the DEF node's `def_kind` property, `path` its file's
 * repository-relative POSIX path.
 *
 * @example
 * DefinitionFilterSchema.parse({ name: 'main', kind: 'function' });
 */
export const DefinitionFilterSchema = z.strictObject({
  name: z.string().min(1).optional(),
  kind: DefKindSchema.optional(),
  path: z.string().min(1).optional(),
});
export type DefinitionFilter = z.infer<typeof DefinitionFilterSchema>;
