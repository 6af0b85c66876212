import { z } from 'zod';

/**
 * How a run writes its materializations: `rebuild` replaces every one, while
 * `incremental` re-derives only the rows owned by changed files (and the
 * affected keys of global views).
 */
export const WritePolicySchema = z.object({
  mode: z.enum(['rebuild', 'incremental']),
});
export type WritePolicy = z.infer<typeof WritePolicySchema>;
