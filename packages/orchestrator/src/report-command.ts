import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { executionPackageArtifact, readRunBundle } from '@anatomy/artifact-registry';
import type { RunBundle } from '@anatomy/artifact-registry';
import { openCpg } from '@anatomy/cpg-query';
import type { Cpg } from '@anatomy/cpg-query';
import { maintenanceDecisionsArtifact } from '@anatomy/maintenance';
import { STORE_RELATIVE_PATH } from './build-cpg.js';
import { renderReportHtml } from './render-report-html.js';
import type { ReportData } from './report-data.js';
import { ReportDataSchema } from './report-data.js';
import {
  runDiagnosticsSummaryArtifact,
  runMaintenanceRecordsArtifact,
  runPlanReportArtifact,
  runPolicyArtifact,
  runScheduleArtifact,
  runTimingsArtifact,
  runWriteOutcomesArtifact,
} from './run-artifacts.js';
import { findRun } from './run-directory.js';

/** What `anatomy report` needs. */
export interface ReportOptions {
  readonly root: string;
  readonly storePath?: string;
  /** The run to report on; the latest when absent. */
  readonly runId?: string;
  /** Where to write the page; `<root>/.anatomy/report.html` when absent. */
  readonly out?: string;
}

/** What `anatomy report` wrote. */
export interface ReportResult {
  readonly out: string;
  readonly data: ReportData;
}

/** Where the page goes unless `--out` says otherwise. */
export const REPORT_RELATIVE_PATH = join('.anatomy', 'report.html');

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The views of the run with their lineage, generation, estimates and what the run measured. */
function viewsOf(bundle: RunBundle, notes: string[]): { views: ReportData['views']; criticalPath: ReportData['criticalPath'] } {
  const plan = bundle.read(runPlanReportArtifact);
  const schedule = bundle.read(runScheduleArtifact);
  const generationOf = new Map<string, number>();
  schedule.generations.forEach((names, i) => names.forEach((name) => generationOf.set(name, i)));
  const measured = new Map<string, { durationMs: number; rows: number | null }>();
  if (bundle.has(runTimingsArtifact)) {
    for (const v of bundle.read(runTimingsArtifact).views) measured.set(v.view, { durationMs: v.durationMs, rows: v.rows });
  } else {
    // Runs recorded before view timings existed still measured each materialization.
    for (const o of bundle.read(runWriteOutcomesArtifact)) {
      if (o.operation.startsWith('materialize') && generationOf.has(o.target)) measured.set(o.target, { durationMs: o.durationMs, rows: o.rowsInserted });
    }
    notes.push('this run recorded no view timings; durations of materialized views come from its write outcomes, inline views show none');
  }
  const critical = new Set(schedule.criticalPath.tasks);
  const views = plan.tasks.map((t) => ({
    name: t.name,
    kind: t.kind,
    cachePolicy: t.cachePolicy,
    inputs: [...t.inputs],
    generation: generationOf.get(t.name) ?? 0,
    estimatedCostMs: t.cost,
    estimatedRows: t.estimatedRows,
    durationMs: measured.get(t.name)?.durationMs ?? null,
    rows: measured.get(t.name)?.rows ?? null,
    critical: critical.has(t.name),
  }));
  return { views, criticalPath: { tasks: [...schedule.criticalPath.tasks], cost: schedule.criticalPath.cost } };
}

async function kindCounts(cpg: Cpg, table: 'cpg.nodes' | 'cpg.edges', column: 'node_kind' | 'edge_kind'): Promise<ReportData['nodesByKind']> {
  if (!cpg.tables.includes(table)) return [];
  const rows = await cpg.sql(`SELECT ${column} AS kind, count(*) AS n FROM ${table} GROUP BY ALL ORDER BY n DESC, kind`);
  return rows.map((r) => ({ kind: String(r['kind']), count: Number(r['n']) }));
}

/**
 * Every scanned file with its size and the diagnostics about it: DIAGNOSTIC
 * nodes of the CPG plus the scan's own diagnostics, most first. A path the
 * scan could not read shows up with no size.
 */
async function filesByDiagnostics(cpg: Cpg): Promise<ReportData['filesByDiagnostics']> {
  const rows = await cpg.sql(`
    WITH diagnostics AS (
      SELECT path, count(*) AS n FROM cpg.nodes WHERE node_kind = 'DIAGNOSTIC' AND path IS NOT NULL GROUP BY path
      UNION ALL
      SELECT path, count(*) AS n FROM evidence.scan_diagnostics GROUP BY path
    ),
    paths AS (
      SELECT path, size FROM evidence.files
      UNION ALL
      SELECT DISTINCT path, NULL FROM evidence.scan_diagnostics WHERE path NOT IN (SELECT path FROM evidence.files)
    )
    SELECT p.path, p.size AS bytes, coalesce((SELECT sum(d.n) FROM diagnostics d WHERE d.path = p.path), 0) AS diagnostics
    FROM paths p ORDER BY diagnostics DESC, p.path`);
  return rows.map((r) => ({ path: String(r['path']), bytes: r['bytes'] === null ? null : Number(r['bytes']), diagnostics: Number(r['diagnostics']) }));
}

/** The run the store was last built by, from `meta.runs`; null when it records none. */
async function latestStoredRun(cpg: Cpg): Promise<string | null> {
  const tables = await cpg.sql("SELECT 1 FROM information_schema.tables WHERE table_schema = 'meta' AND table_name = 'runs'");
  if (tables.length === 0) return null;
  const rows = await cpg.sql('SELECT max(run_id) AS run_id FROM meta.runs');
  const id = rows[0]?.['run_id'];
  return typeof id === 'string' ? id : null;
}

/**
 * Gathers what the report shows: the run bundle (plan, schedule, timings,
 * decisions, maintenance) and the statistics of the store, opened
 * read-only. Throws `orchestrator/NoRuns` (or `RunNotFound`) when there is
 * no build to report on and `cpg-query/NotFound` when the store is missing.
 *
 * @example
 * const data = await collectReportData({ root: 'path/to/project' });
 */
export async function collectReportData(options: Omit<ReportOptions, 'out'>): Promise<ReportData> {
  const root = resolve(options.root);
  const storePath = resolve(options.storePath ?? join(root, STORE_RELATIVE_PATH));
  const run = await findRun(root, options.runId);
  const bundle = await readRunBundle(run.dir);
  const notes: string[] = [];
  const summary = bundle.read(runDiagnosticsSummaryArtifact);
  const timings = bundle.has(runTimingsArtifact) ? bundle.read(runTimingsArtifact) : null;
  if (timings === null) notes.push('this run recorded no stage or extractor timings (it predates them); build again to see them');
  const { views, criticalPath } = viewsOf(bundle, notes);
  const extractorTimes = new Map((timings?.extractors ?? []).map((e) => [e.extractor, e]));
  const extractors = summary.extractors.map((x) => {
    const t = extractorTimes.get(x.extractor);
    return {
      extractor: x.extractor,
      version: x.version,
      status: x.status,
      reason: x.reason ?? null,
      rows: Object.values(x.rows).reduce((a, b) => a + b, 0),
      files: t?.files ?? null,
      bytes: t?.bytes ?? null,
      durationMs: t?.durationMs ?? null,
    };
  });
  const slowestFiles = timings?.files ?? [];
  if (timings !== null && timings.files === undefined) notes.push('this run recorded no per-file extraction times (it predates them); build again to see the slowest files');
  const plan = bundle.read(runPlanReportArtifact);
  const decisions = plan.decisions
    .map((d) => ({ subject: d.subject, decision: d.decision, value: JSON.stringify(d.value) ?? 'null', confidence: d.confidence, rationale: d.rationale }))
    // Least sure first, as `anatomy plan` lists them; the sort is stable, so equal decisions keep the plan's order.
    .sort((a, b) => a.confidence - b.confidence || compareText(a.subject, b.subject) || compareText(a.decision, b.decision));
  const records = bundle.read(runMaintenanceRecordsArtifact);
  const decided = bundle.has(maintenanceDecisionsArtifact) ? bundle.read(maintenanceDecisionsArtifact) : [];
  const maintenance = (records.length > 0 ? records.map((r) => ({ decision: r.decision, status: r.status as string, durationMs: r.durationMs })) : decided.map((d) => ({ decision: d, status: 'decided', durationMs: 0 }))).map(
    ({ decision, status, durationMs }) => ({
      action: decision.action,
      target: decision.target.scope === 'table' ? decision.target.table : 'database',
      status,
      measured: decision.cause.measured,
      threshold: decision.cause.threshold,
      confidence: decision.confidence,
      rationale: decision.rationale,
      durationMs,
    }),
  );

  const cpg = await openCpg(storePath, { readOnly: true });
  try {
    const latest = await latestStoredRun(cpg);
    if (latest !== null && latest !== run.runId) {
      notes.push(`the store was rebuilt since: its statistics are those of run ${latest}, the pipeline those of run ${run.runId}`);
    }
    const data = {
      runId: run.runId,
      recordedAt: bundle.index.created,
      root,
      storePath,
      manifestFingerprint: plan.manifestFingerprint,
      policyFingerprint: bundle.read(runPolicyArtifact).fingerprint,
      packageFingerprint: bundle.read(executionPackageArtifact).fingerprint,
      files: summary.files,
      scanDiagnostics: summary.scanDiagnostics,
      stages: timings?.stages ?? [],
      extractors,
      views,
      criticalPath,
      nodesByKind: await kindCounts(cpg, 'cpg.nodes', 'node_kind'),
      edgesByKind: await kindCounts(cpg, 'cpg.edges', 'edge_kind'),
      filesByDiagnostics: await filesByDiagnostics(cpg),
      slowestFiles,
      decisions,
      maintenance,
      notes,
    };
    return ReportDataSchema.parse(data);
  } finally {
    await cpg.close();
  }
}

/**
 * `anatomy report`: collects the report data of a run and writes it as one
 * self-contained HTML page (written beside its target and renamed into
 * place, so a reader never sees half a page).
 *
 * @example
 * const { out } = await reportCommand({ root: 'path/to/project', out: 'report.html' });
 */
export async function reportCommand(options: ReportOptions): Promise<ReportResult> {
  const data = await collectReportData(options);
  const out = resolve(options.out ?? join(resolve(options.root), REPORT_RELATIVE_PATH));
  await mkdir(dirname(out), { recursive: true });
  const staging = `${out}.partial-${process.pid}`;
  try {
    await writeFile(staging, renderReportHtml(data), 'utf8');
    await rename(staging, out);
  } catch (error) {
    await rm(staging, { force: true });
    throw error;
  }
  return Object.freeze({ out, data });
}
