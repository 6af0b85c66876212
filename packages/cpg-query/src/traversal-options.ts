import { z } from 'zod';

/** The deepest call chain a traversal follows; beyond it answers stop being questions about one program. */
export const MAX_TRAVERSAL_DEPTH = 256;

/**
 * How far `callers` and `callees` follow CALLS edges: `depth` 1 (the
 * default) gives direct callers or callees, 2 adds theirs, and so on.
 *
 * @example
 * TraversalOptionsSchema.parse({ depth: 3 });
 */
export const TraversalOptionsSchema = z.strictObject({
  depth: z.number().int().min(1).max(MAX_TRAVERSAL_DEPTH).default(1),
});
export type TraversalOptions = z.input<typeof TraversalOptionsSchema>;
