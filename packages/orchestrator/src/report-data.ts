import { z } from 'zod';

const count = z.number().int().nonnegative();
const ms = z.number().nonnegative();

/** One view of the pipeline as the report draws it. */
export const ReportViewSchema = z.object({
  name: z.string().min(1),
  kind: z.string().min(1),
  cachePolicy: z.string().min(1),
  /** Every relation DuckDB's plan lineage says it reads: other views and evidence tables. */
  inputs: z.array(z.string().min(1)),
  /** Its generation in the task graph: 0 for views reading only evidence. */
  generation: count,
  estimatedCostMs: ms,
  estimatedRows: z.number().nonnegative().nullable(),
  /** Measured by the run; null when the run recorded no timings. */
  durationMs: ms.nullable(),
  rows: count.nullable(),
  critical: z.boolean(),
});
export type ReportView = z.infer<typeof ReportViewSchema>;

/** A count per kind, for a bar chart. */
export const KindCountSchema = z.object({ kind: z.string().min(1), count });
export type KindCount = z.infer<typeof KindCountSchema>;

/**
 * Everything `anatomy report` puts on the page, read from a run bundle and
 * the store. Nothing in it depends on when the report is made, so the same
 * run gives the same page.
 */
export const ReportDataSchema = z.object({
  runId: z.string().min(1),
  /** When the run recorded its bundle (not when the report was made). */
  recordedAt: z.string().min(1),
  root: z.string().min(1),
  storePath: z.string().min(1),
  manifestFingerprint: z.string().min(1),
  policyFingerprint: z.string().min(1),
  packageFingerprint: z.string().min(1),
  files: count,
  scanDiagnostics: count,
  stages: z.array(z.object({ stage: z.string().min(1), durationMs: ms })),
  extractors: z.array(
    z.object({
      extractor: z.string().min(1),
      version: z.string(),
      status: z.enum(['ran', 'skipped', 'unavailable']),
      reason: z.string().nullable(),
      rows: count,
      files: count.nullable(),
      bytes: count.nullable(),
      durationMs: ms.nullable(),
    }),
  ),
  views: z.array(ReportViewSchema),
  criticalPath: z.object({ tasks: z.array(z.string().min(1)), cost: ms }),
  nodesByKind: z.array(KindCountSchema),
  edgesByKind: z.array(KindCountSchema),
  /** Every file with its size and the diagnostics about it (DIAGNOSTIC nodes and scan diagnostics), most diagnostics first. */
  filesByDiagnostics: z.array(z.object({ path: z.string().min(1), bytes: count.nullable(), diagnostics: count })),
  /** The files whose extraction took longest in this run (summed over the extractors), slowest first. */
  slowestFiles: z.array(z.object({ path: z.string().min(1), durationMs: ms, extractors: z.record(z.string(), ms) })),
  decisions: z.array(
    z.object({ subject: z.string().min(1), decision: z.string().min(1), value: z.string(), confidence: z.number().min(0).max(1), rationale: z.string().min(1) }),
  ),
  maintenance: z.array(
    z.object({
      action: z.string().min(1),
      target: z.string().min(1),
      status: z.string().min(1),
      measured: z.number(),
      threshold: z.number(),
      confidence: z.number().min(0).max(1),
      rationale: z.string().min(1),
      durationMs: ms,
    }),
  ),
  /** Things the reader should know: what the run did not record, a store rebuilt since, … */
  notes: z.array(z.string().min(1)),
});
export type ReportData = z.infer<typeof ReportDataSchema>;
