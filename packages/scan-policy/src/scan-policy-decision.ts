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
  /** Rows of the dataset when measured. */
  datasetRows: z.number().int().nonnegative().optional(),
  /** Rows of the candidate subset when measured: with `datasetRows`, its measured selectivity. */
  subsetRows: z.number().int().nonnegative().optional(),
});
export type ScanPayoff = z.infer<typeof ScanPayoffSchema>;

/**
 * One view reading the dataset: for every place it reads it, the predicates
 * (DuckDB SQL) its scan there evaluates — an empty list meaning every row.
 */
export const ScanReaderSitesSchema = z.object({
  view: z.string().min(1),
  sites: z.array(z.array(z.string().min(1))).min(1),
});
export type ScanReaderSites = z.infer<typeof ScanReaderSitesSchema>;

/**
 * The filtered subset considered for materialization: the predicates every
 * one of its readers' sites applies, and those readers.
 */
export const CandidateSubsetSchema = z.object({
  predicates: UniqueNonEmptyStrings.min(1),
  readers: UniqueNonEmptyStrings.min(1),
});
export type CandidateSubset = z.infer<typeof CandidateSubsetSchema>;

/**
 * The scan policy of one dataset, every choice a Decision: which columns the
 * plans read (projection pushdown), which predicates are pushed into the scan,
 * and whether the filtered subset is materialized once for all readers.
 *
 * @example
 * ScanPolicyDecisionSchema.parse({
 *   dataset: 'evidence.py_defs',
 *   readers: [{ view: 'cpg_defs', sites: [[]] }],
 *   candidateSubset: null,
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
  /** The views reading the dataset, sorted, with what each read site filters. */
  readers: z.array(ScanReaderSitesSchema),
  /** The subset `materializeSubset` was decided about; null when no predicate is shared. */
  candidateSubset: CandidateSubsetSchema.nullable(),
  /** Columns to read, as named in the dataset. */
  columns: decisionSchema(UniqueNonEmptyStrings),
  /** Filter predicates (DuckDB SQL expressions) evaluated inside the scan. */
  pushedPredicates: decisionSchema(UniqueNonEmptyStrings),
  /** Whether to materialize the projected, filtered subset once for every reader. */
  materializeSubset: decisionSchema(z.boolean()),
  payoff: ScanPayoffSchema.optional(),
});
export type ScanPolicyDecision = z.infer<typeof ScanPolicyDecisionSchema>;
