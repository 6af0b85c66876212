import { FingerprintSchema } from '@anatomy/contracts';
import { z } from 'zod';
import { datasetReads, DatasetReadSchema } from './dataset-reads.js';
import { deepFreeze } from './deep-freeze.js';
import { inferDeps } from './inferred-deps.js';
import { PlanScanSchema } from './plan-bundle.js';
import type { PlanBundle } from './plan-bundle.js';
import { PlanSignalsError } from './plan-signals-error.js';
import type { ViewLineage } from './view-lineage.js';

/**
 * Whether a view's rows can be computed file by file: true when one of its
 * result columns passes an input's file-identity column through unchanged
 * in every branch, so every row belongs to exactly one file.
 */
export const FilePartitioningSchema = z.object({
  partitionable: z.boolean(),
  /** The result column carrying the file identity; null when not partitionable. */
  column: z.string().min(1).nullable(),
  /** The input columns it carries, `schema.table.column`, one per branch. */
  sources: z.array(z.string().min(1)),
  reason: z.string().min(1),
});
export type FilePartitioning = z.infer<typeof FilePartitioningSchema>;

/**
 * The normalized summary of what DuckDB says about one view, the input of
 * every policy: its plan fingerprint and estimated rows, the scans of its
 * physical plan (columns, pushed filters, estimates — upstream views are
 * inlined there), its own joins and set operations, operator counts, the
 * inputs, reads and macros of its lineage, and whether it is
 * file-partitionable.
 */
export const PlanSignalsSchema = z.object({
  view: z.string().min(1),
  planFingerprint: FingerprintSchema,
  /** Rows DuckDB estimates for the view's result; null when it gave none. */
  estimatedRows: z.number().nonnegative().nullable(),
  /** Sum of the estimated rows of every operator (the C_out cost measure); null when no operator has an estimate. */
  estimatedWork: z.number().nonnegative().nullable(),
  operators: z.number().int().nonnegative(),
  scans: z.array(PlanScanSchema),
  /** Joins written in the view's own SQL, and their distinct types (INNER, LEFT, …), sorted. */
  joins: z.object({ count: z.number().int().nonnegative(), types: z.array(z.string().min(1)) }),
  setOperations: z.number().int().nonnegative(),
  /** Aggregation, window and sort operators of the physical plan. */
  aggregates: z.number().int().nonnegative(),
  windows: z.number().int().nonnegative(),
  sorts: z.number().int().nonnegative(),
  /** Stored tables and views read, sorted. */
  inputs: z.array(z.string().min(1)),
  reads: z.array(DatasetReadSchema),
  requiredMacros: z.array(z.string().min(1)),
  filePartitioning: FilePartitioningSchema,
});
export type PlanSignals = z.infer<typeof PlanSignalsSchema>;

/** Options of {@link planSignals}. */
export interface PlanSignalsOptions {
  /**
   * The file-identity columns of relations, by `schema.table`: the
   * `file-identity` role of registered datasets, and the partitioning column
   * of views whose signals were computed before.
   */
  readonly fileIdentityColumns?: Readonly<Record<string, readonly string[]>>;
}

const AGGREGATES = new Set(['HASH_GROUP_BY', 'PERFECT_HASH_GROUP_BY', 'UNGROUPED_AGGREGATE', 'SIMPLE_AGGREGATE', 'STREAMING_LIMIT_AGGREGATE']);
const WINDOWS = new Set(['WINDOW', 'STREAMING_WINDOW']);
const SORTS = new Set(['ORDER_BY', 'TOP_N']);

function sumOf(counts: Readonly<Record<string, number>>, names: ReadonlySet<string>): number {
  return Object.entries(counts).reduce((sum, [name, n]) => sum + (names.has(name) ? n : 0), 0);
}

function filePartitioning(lineage: ViewLineage, known: Readonly<Record<string, readonly string[]>>): FilePartitioning {
  for (const output of lineage.outputs) {
    const sources = output.sources;
    const carried = sources.every((s) => s !== null && s.relation?.kind === 'table' && (known[s.relation.name] ?? []).includes(s.column));
    if (carried && output.name !== '' && output.name !== '*') {
      const names = sources.map((s) => `${s?.relation?.name ?? ''}.${s?.column ?? ''}`);
      return {
        partitionable: true,
        column: output.name,
        sources: names,
        reason: `result column ${output.name} passes the file identity ${[...new Set(names)].join(', ')} through unchanged in every branch`,
      };
    }
  }
  const unknown = lineage.tables.filter((t) => known[t] === undefined);
  const reason =
    lineage.outputs.length === 0
      ? 'the view has no result column the parse tree can follow'
      : unknown.length === lineage.tables.length && unknown.length > 0
        ? `no input's file identity is known (${unknown.join(', ')}), so no result column can be shown to carry one`
        : 'no result column passes an input file-identity column through unchanged in every branch';
  return { partitionable: false, column: null, sources: [], reason };
}

/**
 * Summarizes a view's plan bundle and lineage into its PlanSignals. Throws
 * `plan-signals/MismatchedInputs` when the two describe different views.
 *
 * @example
 * const signals = planSignals(bundle, lineage, { fileIdentityColumns: { 'evidence.ts_defs': ['file_id'] } });
 * signals.filePartitioning; // { partitionable: true, column: 'file_id', sources: ['evidence.ts_defs.file_id'], … }
 */
export function planSignals(bundle: PlanBundle, lineage: ViewLineage, options: PlanSignalsOptions = {}): PlanSignals {
  if (bundle.view !== lineage.view) {
    throw PlanSignalsError.create('MismatchedInputs', `the plan bundle of ${bundle.view} was given with the lineage of ${lineage.view}`, {
      details: { bundle: bundle.view, lineage: lineage.view },
      hint: 'pass the bundle and the lineage of the same view',
    });
  }
  const deps = inferDeps(lineage);
  const counts = bundle.stats.operatorCounts;
  return deepFreeze(
    PlanSignalsSchema.parse({
      view: bundle.view,
      planFingerprint: bundle.planFingerprint,
      estimatedRows: bundle.stats.estimatedRows,
      estimatedWork: bundle.stats.estimatedWork,
      operators: bundle.stats.operators,
      scans: bundle.stats.scans,
      joins: { count: lineage.joins.length, types: [...new Set(lineage.joins.map((j) => j.type))].sort() },
      setOperations: lineage.setOperations.length,
      aggregates: sumOf(counts, AGGREGATES),
      windows: sumOf(counts, WINDOWS),
      sorts: sumOf(counts, SORTS),
      inputs: deps.inputs,
      reads: datasetReads(lineage),
      requiredMacros: deps.requiredMacros,
      filePartitioning: filePartitioning(lineage, options.fileIdentityColumns ?? {}),
    }),
  );
}
