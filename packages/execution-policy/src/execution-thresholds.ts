import { PredicateSelectivitySchema } from '@anatomy/scan-policy';
import { z } from 'zod';
import { MaintenanceThresholdsSchema } from './maintenance-thresholds.js';
import { DEFAULT_SIZE_TIER_THRESHOLDS, SizeTierThresholdsSchema } from './size-tier.js';

/**
 * The bounds runtime configuration may set on a compiled policy; inside them
 * the plans decide. Every field has a default.
 */
export const ExecutionThresholdsSchema = z.object({
  /** The one size-tier definition every size-dependent choice uses. */
  sizeTiers: SizeTierThresholdsSchema.default(DEFAULT_SIZE_TIER_THRESHOLDS),
  /** A view read by more views than this is materialized once rather than recomputed by each. */
  maxInlineFanOut: z.number().int().min(1).default(1),
  /** Decisions less sure than this fall back to the conservative choice. */
  minConfidence: z.number().min(0).max(1).default(0.5),
  /** Maintenance thresholds set by configuration; the others keep their defaults. */
  maintenance: MaintenanceThresholdsSchema.partial().default({}),
  /** Scan policy bounds (see deriveScanPolicy). */
  scan: z
    .object({
      minSharedReaders: z.number().int().min(2).optional(),
      maxSelectivity: z.number().gt(0).lt(1).optional(),
      selectivity: z.record(z.string(), PredicateSelectivitySchema).optional(),
    })
    .default({}),
});
export type ExecutionThresholds = z.input<typeof ExecutionThresholdsSchema>;
