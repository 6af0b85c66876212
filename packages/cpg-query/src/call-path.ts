import { z } from 'zod';
import { CpgNodeSchema } from './cpg-node.js';

/**
 * A shortest call chain between two definitions: `nodes` from the start to
 * the goal, and for each hop the CALL node that makes it (`calls[i]` lies in
 * `nodes[i]` and calls `nodes[i + 1]`).
 *
 * @example
 * const path = await cpg.pathBetween(mainId, saveId); // { nodes: [main, load, save], calls: [call, call] }
 */
export const CallPathSchema = z
  .object({
    nodes: z.array(CpgNodeSchema).min(1),
    calls: z.array(CpgNodeSchema),
  })
  .refine((path) => path.calls.length === path.nodes.length - 1, { message: 'a path has one call per hop', path: ['calls'] });
export type CallPath = z.infer<typeof CallPathSchema>;
