import { decisionSchema } from '@anatomy/contracts';
import { z } from 'zod';

/**
 * The relation a scan reads: a lower-case SQL identifier, schema-qualified for
 * stored datasets (`evidence.py_defs`) or bare for an intermediate view.
 */
export const ScannedDatasetSchema = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/, "a dataset is a lower-case SQL identifier, optionally schema-qualified ('evidence.py_defs')");
export type ScannedDataset = z.infer<typeof ScannedDatasetSchema>;

const UniqueNonEmptyStrings = z
  .array(z.string().min(1))
  .refine((items) => new Set(items).size === items.length, { message: 'entries must be unique' });

/**
 * What scanning with the policy cost against scanning without it, measured by
 * profiling. `rowsScannedWith` may exceed `rowsScannedWithout`: a policy that
 * does not pay off is reported, not hidden.
 */
export const ScanPayoffSchema = z.object({
  rowsScannedWith: z.number().int().nonnegative(),
  rowsScannedWithout: z.number().int().nonnegative(),
  bytesScannedWith: z.number().int().nonnegative().optional(),
  bytesScannedWithout: z.number().int().nonnegative().optional(),
});
export type ScanPayoff = z.infer<typeof ScanPayoffSchema>;

/**
 * The scan policy of one dataset, every choice a Decision: which columns the
 * plans read (projection pushdown), which predicates are pushed into the scan,
 * and whether the filtered subset is materialized once for all readers.
 *
 * @example
 * ScanPolicyDecisionSchema.parse({
 *   dataset: 'evidence.py_defs',
 *   columns: { value: ['file_id', 'name'], confidence: 1, rationale: 'the only columns any plan reads',
 *              evidence: [{ source: 'plan-lineage', detail: 'cpg_defs reads file_id, name' }] },
 *   pushedPredicates: { value: [], confidence: 1, rationale: 'no plan filters this dataset',
 *                       evidence: [{ source: 'plan-lineage', detail: 'no filter on evidence.py_defs' }] },
 *   materializeSubset: { value: false, confidence: 0.9, rationale: 'one reader',
 *                        evidence: [{ source: 'task-graph', detail: 'out-degree 1' }] },
 * });
 */
export const ScanPolicyDecisionSchema = z.object({
  dataset: ScannedDatasetSchema,
  /** Columns to read, as named in the dataset. */
  columns: decisionSchema(UniqueNonEmptyStrings),
  /** Filter predicates (DuckDB SQL expressions) evaluated inside the scan. */
  pushedPredicates: decisionSchema(UniqueNonEmptyStrings),
  /** Whether to materialize the projected, filtered subset once for every reader. */
  materializeSubset: decisionSchema(z.boolean()),
  payoff: ScanPayoffSchema.optional(),
});
export type ScanPolicyDecision = z.infer<typeof ScanPolicyDecisionSchema>;
