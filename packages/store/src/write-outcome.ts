import { z } from 'zod';

/**
 * What one write into the store did, measured rather than assumed: the
 * maintenance package decides from these numbers.
 */
export const WriteOutcomeSchema = z.object({
  target: z.string().min(1),
  operation: z.enum(['ingest', 'materialize-table', 'materialize-view', 'delete']),
  rowsInserted: z.number().int().nonnegative(),
  rowsDeleted: z.number().int().nonnegative(),
  tableRowCount: z.number().int().nonnegative(),
  estimatedBytes: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative(),
  walBytes: z.number().int().nonnegative(),
  totalBlocks: z.number().int().nonnegative(),
  freeBlocks: z.number().int().nonnegative(),
  rowGroups: z.number().int().nonnegative(),
});
export type WriteOutcome = z.infer<typeof WriteOutcomeSchema>;
