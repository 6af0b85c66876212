import { defineArtifact } from '@anatomy/artifact-registry';
import type { ArtifactSpec } from '@anatomy/artifact-registry';
import { FingerprintSchema } from '@anatomy/contracts';
import { CompiledExecutionPolicySchema } from '@anatomy/execution-policy';
import { MaintenanceRecordSchema } from '@anatomy/maintenance';
import { CapabilitySnapshotSchema, PlanBundleSchema } from '@anatomy/plan-signals';
import { ScanPolicyDecisionSchema } from '@anatomy/scan-policy';
import { ScheduleSchema } from '@anatomy/scheduler';
import { cpgOutputDatasets } from '@anatomy/schema-authority';
import { SemanticProgramManifestSchema } from '@anatomy/semantic-ir';
import { WriteOutcomeSchema } from '@anatomy/store';
import { z } from 'zod';
import { PlanReportSchema } from './plan-report.js';

/** The compiled semantic program a run executed; replay re-runs its SQL. */
export const runManifestArtifact: ArtifactSpec<typeof SemanticProgramManifestSchema> = defineArtifact({
  name: 'semantic-program-manifest',
  version: 1,
  payload: SemanticProgramManifestSchema,
  description: 'The compiled semantic program of a run: every view with its SQL, and the macros they call.',
});

/** The execution policy a run followed: which views were materialized and why. */
export const runPolicyArtifact: ArtifactSpec<typeof CompiledExecutionPolicySchema> = defineArtifact({
  name: 'compiled-execution-policy',
  version: 1,
  payload: CompiledExecutionPolicySchema,
  description: 'The compiled execution policy of a run, every entry a decision with its evidence.',
});

/** What the DuckDB of the store could do when the run happened. */
export const runCapabilitiesArtifact: ArtifactSpec<typeof CapabilitySnapshotSchema> = defineArtifact({
  name: 'capability-snapshot',
  version: 1,
  payload: CapabilitySnapshotSchema,
  description: 'DuckDB version, functions, loaded extensions and relevant settings of the store during the run.',
});

/** The plan of a run: its views in schedule order with their plan fingerprints, and the decisions behind it. */
export const runPlanReportArtifact: ArtifactSpec<typeof PlanReportSchema> = defineArtifact({
  name: 'plan-report',
  version: 2,
  payload: PlanReportSchema,
  description: 'The views of a run in schedule order with inputs, plan fingerprints, costs and cache policies.',
});

/** The order and grouping in which a run executed its views; replay follows it. */
export const runScheduleArtifact: ArtifactSpec<typeof ScheduleSchema> = defineArtifact({
  name: 'schedule',
  version: 1,
  payload: ScheduleSchema,
  description: 'The cost-aware schedule of a run: task order, generations, critical path and costs.',
});

const WriteOutcomeListSchema = z.array(WriteOutcomeSchema).readonly();

/** Every write of a run, measured; maintenance decides from these. */
export const runWriteOutcomesArtifact: ArtifactSpec<typeof WriteOutcomeListSchema> = defineArtifact({
  name: 'write-outcomes',
  version: 2,
  payload: WriteOutcomeListSchema,
  description: 'What each write of a run did to its target and to the database file, in the order written.',
});

const MaintenanceRecordListSchema = z.array(MaintenanceRecordSchema).readonly();

/** What became of a run's maintenance decisions. */
export const runMaintenanceRecordsArtifact: ArtifactSpec<typeof MaintenanceRecordListSchema> = defineArtifact({
  name: 'maintenance-records',
  version: 1,
  payload: MaintenanceRecordListSchema,
  description: 'The maintenance actions run (or only measured) after a run committed, with storage before and after.',
});

/** A short account of what went wrong or was left out in a run, for people and for comparing runs. */
export const DiagnosticsSummarySchema = z.object({
  files: z.number().int().nonnegative(),
  scanDiagnostics: z.number().int().nonnegative(),
  extractors: z.array(
    z.object({
      extractor: z.string().min(1),
      version: z.string(),
      status: z.enum(['ran', 'skipped', 'unavailable']),
      reason: z.string().optional(),
      rows: z.record(z.string(), z.number().int().nonnegative()),
    }),
  ),
  nodesByKind: z.record(z.string(), z.number().int().nonnegative()),
});
export type DiagnosticsSummary = z.infer<typeof DiagnosticsSummarySchema>;

/** The diagnostics summary of a run. */
export const runDiagnosticsSummaryArtifact: ArtifactSpec<typeof DiagnosticsSummarySchema> = defineArtifact({
  name: 'diagnostics-summary',
  version: 1,
  payload: DiagnosticsSummarySchema,
  description: 'Files scanned, scan diagnostics, what each extractor did and the CPG nodes per kind.',
});

/** Content fingerprint of every output table, keyed by `schema.table`. */
export const OutputFingerprintsSchema = z.record(z.string().min(1), FingerprintSchema);
export type OutputFingerprints = z.infer<typeof OutputFingerprintsSchema>;

/** The output fingerprints of a run; replay recomputes and compares them. */
export const runOutputFingerprintsArtifact: ArtifactSpec<typeof OutputFingerprintsSchema> = defineArtifact({
  name: 'output-fingerprints',
  version: 1,
  payload: OutputFingerprintsSchema,
  description: 'Order-independent content fingerprint of each CPG output table after the run.',
});

/** The plan bundle of every view: DuckDB's parse tree, its physical plan, the plan fingerprint and statistics. */
export const PlanBundlesSchema = z.array(PlanBundleSchema);

/** The plan bundles of a run, in schedule order. */
export const runPlanBundlesArtifact: ArtifactSpec<typeof PlanBundlesSchema> = defineArtifact({
  name: 'plan-bundles',
  version: 2,
  payload: PlanBundlesSchema,
  description: "Each view's json_serialize_sql parse tree, EXPLAIN (FORMAT JSON) plan, normalized plan fingerprint and statistics.",
});

/** Each evidence dataset's scan policy with its payoff measured in DuckDB: rows and bytes scanned with and without. */
export const ScanPayoffsSchema = z.array(ScanPolicyDecisionSchema);

/** The measured scan payoffs of a run. */
export const runScanPayoffsArtifact: ArtifactSpec<typeof ScanPayoffsSchema> = defineArtifact({
  name: 'scan-payoffs',
  version: 1,
  payload: ScanPayoffsSchema,
  description: 'Scan policy per dataset with the rows and bytes its readers scanned with and without it, measured by profiling.',
});

/** The CPG tables whose contents a run bundle records and replay checks. */
export const OUTPUT_TABLES: readonly string[] = Object.freeze(cpgOutputDatasets.map((ds) => ds.name));

/**
 * Where the time of a run went: each stage, each extractor (with the files and
 * bytes it read, so rates can be derived) and each view the schedule ran.
 * Extractors report counts, not per-file times, so there is no per-file entry.
 */
export const RunTimingsSchema = z.object({
  stages: z.array(z.object({ stage: z.string().min(1), durationMs: z.number().nonnegative() })),
  extractors: z.array(
    z.object({
      extractor: z.string().min(1),
      status: z.enum(['ran', 'skipped', 'unavailable']),
      files: z.number().int().nonnegative(),
      bytes: z.number().int().nonnegative(),
      durationMs: z.number().nonnegative(),
    }),
  ),
  views: z.array(z.object({ view: z.string().min(1), durationMs: z.number().nonnegative(), rows: z.number().int().nonnegative().nullable() })),
  /** The files whose extraction took longest (summed over the extractors, each time measured in its worker), slowest first. */
  files: z
    .array(z.object({ path: z.string().min(1), durationMs: z.number().nonnegative(), extractors: z.record(z.string(), z.number().nonnegative()) }))
    .optional(),
});
export type RunTimings = z.infer<typeof RunTimingsSchema>;

/** The measured timings of a run; `anatomy report` draws them. */
export const runTimingsArtifact: ArtifactSpec<typeof RunTimingsSchema> = defineArtifact({
  name: 'run-timings',
  version: 1,
  payload: RunTimingsSchema,
  description: 'Duration of each stage, extractor (with files and bytes read) and view of a run, as measured.',
});
