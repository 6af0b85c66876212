import { z } from 'zod';
import { CpgNodeSchema } from './cpg-node.js';

/**
 * A definition reached by following calls from (callees) or to (callers) a
 * subject, at the fewest calls it takes (`depth`, 1 for direct). `calls` are
 * the CALL nodes that link it to the level before: for a callee the calls of
 * it made by the level before, for a caller its own calls of the level
 * before. A caller may be a MODULE, for calls made by module-level code.
 *
 * @example
 * const [first] = await cpg.callees(mainId); // { node: { name: 'load', … }, depth: 1, calls: [{ node_kind: 'CALL', … }] }
 */
export const CallRelativeSchema = z.object({
  node: CpgNodeSchema,
  depth: z.number().int().min(1),
  calls: z.array(CpgNodeSchema).min(1),
});
export type CallRelative = z.infer<typeof CallRelativeSchema>;
