import { formatIssues, validate } from '@anatomy/contracts';
import { z } from 'zod';
import { ExecutionPolicyError } from './execution-policy-error.js';

/** The size class of a relation, from its estimated row count. */
export const SizeTierSchema = z.enum(['small', 'medium', 'large']);
export type SizeTier = z.infer<typeof SizeTierSchema>;

/**
 * The one tier definition every size-dependent decision uses: a relation is
 * `small` up to `smallMaxRows` rows, `medium` up to `mediumMaxRows`, `large`
 * beyond. Both bounds are inclusive.
 */
export const SizeTierThresholdsSchema = z
  .object({
    smallMaxRows: z.number().int().nonnegative(),
    mediumMaxRows: z.number().int().nonnegative(),
  })
  .refine((t) => t.smallMaxRows < t.mediumMaxRows, { message: 'smallMaxRows must be below mediumMaxRows', path: ['mediumMaxRows'] });
export type SizeTierThresholds = z.infer<typeof SizeTierThresholdsSchema>;

/** DuckDB stores tables in row groups of 122,880 rows and parallelises scans by row group. */
const DUCKDB_ROW_GROUP_ROWS = 122_880;

/** Default tier bounds, set in DuckDB row groups because scan cost grows per row group. */
export const DEFAULT_SIZE_TIER_THRESHOLDS: SizeTierThresholds = Object.freeze({
  // One row group: a single thread scans it, zone maps cannot skip any of it,
  // and re-reading it costs about as much as reading a materialized copy.
  smallMaxRows: DUCKDB_ROW_GROUP_ROWS,
  // A hundred row groups (about 12 million rows): still scanned in well under
  // a second on a laptop's cores; beyond it a repeated scan is worth avoiding.
  mediumMaxRows: 100 * DUCKDB_ROW_GROUP_ROWS,
});

/**
 * The size tier of a relation with `estimatedRows` rows (a plan estimate or a
 * measured count). Throws `execution-policy/InvalidEstimate` for a negative or
 * non-finite estimate and `execution-policy/InvalidThresholds` for thresholds
 * that do not form tiers.
 *
 * @example
 * sizeTier(5_000, DEFAULT_SIZE_TIER_THRESHOLDS); // 'small'
 * sizeTier(50_000_000n, DEFAULT_SIZE_TIER_THRESHOLDS); // 'large'
 */
export function sizeTier(estimatedRows: number | bigint, thresholds: SizeTierThresholds): SizeTier {
  const checked = validate(SizeTierThresholdsSchema, thresholds);
  if (!checked.ok) {
    throw ExecutionPolicyError.create('InvalidThresholds', `size tier thresholds are invalid:\n${formatIssues(checked.issues)}`, {
      details: { thresholds, issues: checked.issues },
      hint: 'give whole, non-negative row counts with smallMaxRows below mediumMaxRows',
    });
  }
  const invalid = typeof estimatedRows === 'bigint' ? estimatedRows < 0n : !(Number.isFinite(estimatedRows) && estimatedRows >= 0);
  if (invalid) {
    throw ExecutionPolicyError.create('InvalidEstimate', `a row estimate must be a finite, non-negative number; got ${String(estimatedRows)}`, {
      details: { estimatedRows: String(estimatedRows) },
      hint: 'take the estimate from the plan statistics, or fall back to a measured row count',
    });
  }
  // A bigint estimate is compared as bigint so that counts above 2^53 stay exact.
  const atMost = (bound: number): boolean => (typeof estimatedRows === 'bigint' ? estimatedRows <= BigInt(bound) : estimatedRows <= bound);
  if (atMost(checked.value.smallMaxRows)) return 'small';
  if (atMost(checked.value.mediumMaxRows)) return 'medium';
  return 'large';
}
