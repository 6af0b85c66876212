import { FingerprintSchema } from '@anatomy/contracts';
import { z } from 'zod';

/** One table scan of a physical plan with the row count DuckDB estimated for it. */
export const PlanScanSchema = z.object({
  /** Schema-qualified table or view, as the plan names it without the database prefix. */
  table: z.string().min(1),
  estimatedRows: z.number().nonnegative().nullable(),
});
export type PlanScan = z.infer<typeof PlanScanSchema>;

/**
 * The few numbers later steps read from a physical plan, in one shape
 * whatever the operator layout: the root's estimated row count, how many
 * operators there are (and of which kind) and what each table scan expects.
 */
export const NormalizedPlanStatsSchema = z.object({
  /** Estimated rows of the plan's result; null when DuckDB gave no estimate. */
  estimatedRows: z.number().nonnegative().nullable(),
  operators: z.number().int().nonnegative(),
  /** Operator name (HASH_JOIN, SEQ_SCAN, …) → how many the plan holds. */
  operatorCounts: z.record(z.string(), z.number().int().positive()),
  /** Table scans in plan order (depth first). */
  scans: z.array(PlanScanSchema),
});
export type NormalizedPlanStats = z.infer<typeof NormalizedPlanStatsSchema>;

/**
 * Everything DuckDB says about one view before running it: the parse tree
 * (`json_serialize_sql`), the physical plan (`EXPLAIN (FORMAT JSON)`, table
 * names without the database prefix so that plans compare across stores),
 * the plan's fingerprint and its normalized statistics.
 */
export const PlanBundleSchema = z.object({
  view: z.string().min(1),
  parseTree: z.json(),
  physicalPlan: z.json(),
  /** Hash of the physical plan without estimates or timings: equal plans, equal fingerprints. */
  planFingerprint: FingerprintSchema,
  stats: NormalizedPlanStatsSchema,
});
export type PlanBundle = z.infer<typeof PlanBundleSchema>;
