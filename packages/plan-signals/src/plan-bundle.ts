import { FingerprintSchema, jsonValueSchema } from '@anatomy/contracts';
import { z } from 'zod';

/**
 * One table scan of a physical plan: the columns it reads, the filters
 * DuckDB pushed into it and the row count it estimated. Views are inlined
 * in a plan, so scans name stored tables (or views materialized as tables).
 */
export const PlanScanSchema = z.object({
  /** Schema-qualified table, as the plan names it without the database prefix. */
  table: z.string().min(1),
  /** Columns the scan projects, as the plan lists them. */
  columns: z.array(z.string()),
  /** Filters evaluated inside the scan, as DuckDB prints them (`kind='class'`). */
  filters: z.array(z.string()),
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
  /**
   * The estimated rows of every operator, summed: the C_out cost measure
   * (S. Cluet, G. Moerkotte, "On the complexity of generating optimal
   * left-deep processing trees with cross products", ICDT 1995). Null when
   * no operator carries an estimate.
   */
  estimatedWork: z.number().nonnegative().nullable(),
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
  parseTree: jsonValueSchema(),
  physicalPlan: jsonValueSchema(),
  /** Hash of the physical plan without estimates or timings: equal plans, equal fingerprints. */
  planFingerprint: FingerprintSchema,
  stats: NormalizedPlanStatsSchema,
});
export type PlanBundle = z.infer<typeof PlanBundleSchema>;
