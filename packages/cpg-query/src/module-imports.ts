import { z } from 'zod';
import { CpgNodeSchema } from './cpg-node.js';

/**
 * One module on the other side of an import relation and the IMPORT nodes
 * that make it: for `importsOf(m)` a module that `m` imports and the imports
 * in `m` that bring it (or one of its definitions) in; for `importersOf(m)` a
 * module importing `m` and its imports that lead to `m`.
 *
 * @example
 * const [dep] = await cpg.importsOf('pkg.app'); // { module: { name: 'pkg.util', … }, imports: [{ node_kind: 'IMPORT', … }] }
 */
export const ModuleImportsSchema = z.object({
  module: CpgNodeSchema,
  imports: z.array(CpgNodeSchema).min(1),
});
export type ModuleImports = z.infer<typeof ModuleImportsSchema>;
