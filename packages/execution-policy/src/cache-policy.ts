import { z } from 'zod';

/**
 * How a view's result is kept: recomputed inline by every reader, stored as an
 * intermediate table for several readers, or persisted as a run output.
 */
export const CachePolicySchema = z.enum(['inline-view', 'materialized-table', 'persisted-output']);
export type CachePolicy = z.infer<typeof CachePolicySchema>;
