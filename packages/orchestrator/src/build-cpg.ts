import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_MAINTENANCE_THRESHOLDS } from '@anatomy/execution-policy';
import { createScipExtractor, scipEvidenceDatasets } from '@anatomy/extract-scip';
import { createPythonExtractor, pythonEvidenceDatasets } from '@anatomy/extract-python';
import { createTreeSitterExtractor, treeSitterDatasets } from '@anatomy/extract-tree-sitter';
import { calibrateThresholds, decideMaintenance, readMaintenanceLog, runMaintenance } from '@anatomy/maintenance';
import type { MaintenanceDecision, MaintenanceRecord, ThresholdCalibration } from '@anatomy/maintenance';
import { captureCapabilities, inferDeps, parseLineage, readLineageCatalog } from '@anatomy/plan-signals';
import type { FileLocality, InferredDeps, ViewLineage } from '@anatomy/plan-signals';
import { pythonCpgProgram } from '@anatomy/python-cpg';
import { filesBatch, filesDataset, lineIndexDataset, lineIndexExtractor, repoScanDatasets, scanDiagnosticsBatch, scanDiagnosticsDataset, scanRepository } from '@anatomy/repo-scan';
import { cpgOutputDatasets, quoteIdentifier, SchemaRegistry, verifySchema } from '@anatomy/schema-authority';
import type { Extractor } from '@anatomy/schema-authority';
import type { ScanResult } from '@anatomy/repo-scan';
import { measureScanPayoff } from '@anatomy/scan-policy';
import type { ScanPolicyDecision } from '@anatomy/scan-policy';
import { runSchedule } from '@anatomy/scheduler';
import { compileProgram } from '@anatomy/semantic-ir';
import type { SemanticProgramManifest } from '@anatomy/semantic-ir';
import { describeColumns, maintenanceLogDataset, nameHolders, openStore } from '@anatomy/store';
import type { DescribedColumn, LockWaitInfo, MaterializeRequest, NameHolder, PendingWrite, Store, WriteOutcome } from '@anatomy/store';
import { FILES_PER_WRITE_RANGE, fileRangeBounds } from './file-range-writes.js';
import { stagedRowsOnce, stagedUnionWrite } from './staged-union-writes.js';
import { applyBuildMemoryCap, capLift, heldInMebibytes, raiseCapAfterExtraction, withMemoryFallback } from './memory-cap.js';
import type { ExtractionMemory, MemoryCap } from './memory-cap.js';
import { BUILD_PYTHON_BATCH_ROWS } from './build-resources.js';
import { OrchestratorError } from './orchestrator-error.js';
import { releaseHeapGarbage } from './release-heap.js';
import { carriedFileColumn, nullFreeFileColumns, planInTransaction, plannedWriteShape, relationFileColumns, viewFileColumn } from './plan-report.js';
import type { PlannedExecution } from './plan-report.js';
import type { ProgressReporter } from './progress-reporter.js';
import { OUTPUT_TABLES } from './run-artifacts.js';
import type { OutputFingerprints, RunTimings } from './run-artifacts.js';
import { writeBuildBundle } from './run-bundle-writer.js';
import { buildStateDataset, fileManifestDataset, fileStatsDataset, readStoredBuild, writeStoredBuild } from './build-state.js';
import type { BuildState } from './build-state.js';
import { planIncrement } from './incremental-plan.js';
import type { IncrementalPlan } from './incremental-plan.js';
import { evidenceChanges, evidenceChangesByReader, fileEvidenceDigests, removeFileEvidence, unownedEvidence } from './replace-file-evidence.js';
import type { EvidenceDigests } from './replace-file-evidence.js';
import { sinceReuse, statReuse } from './since-reuse.js';
import type { SinceReuse } from './since-reuse.js';
import type { LimitedReads } from './file-filtered-sql.js';
import { dropPreviousTables, groupedAffected, keyedAffected, nullFreeStoredViews, setAsidePreviousTables, storedViewColumns, storedViewRows, updateView, viewAffected } from './incremental-views.js';
import type { AffectedFiles, AffectedInput, ViewUpdate } from './incremental-views.js';
import { newRunId } from './run-directory.js';
import { columnsReadByView, mergedReads } from './read-columns.js';
import { previousScanPayoffs } from './previous-scan-payoffs.js';
import { currentOutputDigests, fingerprintsOf, outputDigestsDataset, readOutputDigests, writeOutputDigests } from './output-digests.js';
import type { DigestChange } from './output-digests.js';
import { analysisOf, cachedLineageDeps, lookUpPlanCache, planCacheDataset, writePlanCache } from './plan-cache.js';
import { runExtractors } from './run-extractors.js';
import { limitedSqlDataset, readLimitedSqlCache, writeLimitedSqlCache } from './limited-sql-cache.js';
import type { LimitedSqlCache } from './limited-sql-cache.js';
import { recordRun, runsDataset } from './run-record.js';
import type { ExtractionResult, ExtractorReport } from './run-extractors.js';
import { ProcessTreeMemory } from './process-tree-memory.js';
import { rowsRead, writtenAlone } from './views-beside.js';
import { StageTimer } from './stage-timer.js';
import type { StageTiming } from './stage-timer.js';
import { eachOn } from './each-on.js';

/** Where the store of a repository lives unless `--store` says otherwise. */
export const STORE_RELATIVE_PATH = join('.anatomy', 'anatomy.duckdb');

/** What `anatomy build` needs to know. */
export interface BuildOptions {
  /** The directory holding the Python sources. */
  readonly root: string;
  /** The DuckDB file to write; `<root>/.anatomy/anatomy.duckdb` by default. */
  readonly storePath?: string;
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  /** Extract every evidence table, not only those the program reads. */
  readonly allEvidence?: boolean;
  /** Run scip-python on the repository. */
  readonly scip?: boolean;
  /** Read this existing SCIP index instead of running scip-python. */
  readonly scipIndex?: string;
  /** The JavaScript heap of scip-python's Node process, in MiB (its --max-old-space-size); Node's default when absent. */
  readonly scipHeapMb?: number;
  /** How long to wait for another writer, in ms; fail at once when absent. */
  readonly waitMs?: number;
  /** What to do about store maintenance after the build. */
  readonly maintenance?: 'run' | 'dry-run' | 'off';
  /**
   * DuckDB's memory cap in DuckDB's notation (`'2GB'`). A full build commits
   * as it goes, so DuckDB evicts and spills its tables beyond the cap; one
   * view that still needs more is built again without it (the summary's
   * `memory.raised` names it). When absent, a full build is capped at
   * `DEFAULT_FULL_BUILD_MEMORY_LIMIT` and an incremental build (one
   * transaction, whose tables DuckDB cannot evict) has DuckDB's default.
   * An incremental build under a given cap fails with DuckDB's "Out of
   * Memory" error when it needs more.
   */
  readonly memoryLimit?: string;
  /**
   * The DuckDB storage format a new store file is written in (see the
   * store's `storageVersion`): a full build writes a new file, an
   * incremental one keeps the file's format. `DEFAULT_STORAGE_VERSION`
   * (DuckDB 1.4's) when absent.
   */
  readonly storageVersion?: string;
  /** Rebuild everything even when the store holds a compatible build. */
  readonly full?: boolean;
  /**
   * A git ref: only files git reports changed since it (and untracked ones)
   * are read and hashed; the others keep the stored build's records.
   */
  readonly since?: string;
}

/** What a build did, for people (`anatomy build`) and machines (`--json`). */
export interface BuildSummary {
  /** The run recorded under `<root>/.anatomy/runs/<runId>/`. */
  readonly runId: string;
  readonly root: string;
  readonly storePath: string;
  readonly files: number;
  readonly scanDiagnostics: number;
  readonly extractors: readonly ExtractorReport[];
  readonly nodesByKind: Readonly<Record<string, number>>;
  readonly edgesByKind: Readonly<Record<string, number>>;
  readonly manifestFingerprint: string;
  readonly policyFingerprint: string;
  readonly tasks: readonly {
    readonly name: string;
    readonly cachePolicy: string;
    readonly materializedAs: 'table' | 'view';
    readonly inputs: readonly string[];
    readonly planFingerprint: string;
    readonly rows: number;
    /** In an incremental build, how a materialized view was brought up to date. */
    readonly update?: ViewUpdate;
    /**
     * For a view updated by file: how many reads of its SQL were limited to those files, and how
     * many of them read a file-local view kept inline as that view's own SQL, its inputs limited too.
     */
    readonly reads?: LimitedReads;
  }[];
  readonly order: readonly string[];
  readonly maintenance: readonly MaintenanceRecord[];
  readonly stages: readonly StageTiming[];
  /** Whether the build was full or incremental, why, and what it extracted again. */
  readonly build: BuildModeSummary;
  /** DuckDB's memory cap of the build (null: DuckDB's default), and the views written otherwise because of it. */
  readonly memory: {
    readonly limit: string | null;
    readonly raised: readonly { readonly view: string; readonly reason: string }[];
    /** Views written the leaner way under the cap after the first way ran out of memory (sorted by a second statement). */
    readonly leaner: readonly { readonly view: string; readonly reason: string }[];
    /** Whether the views' rankings were planned as sorts, which spill, instead of aggregates, which cannot (a full build's). */
    readonly sortedRankings: boolean;
    /**
     * When the views' cap (`limit`) was raised after extraction because the build's processes held
     * and gave back more memory while extracting than the default cap lets the views take: the cap
     * extraction ran under, and why.
     */
    readonly extraction?: { readonly limit: string; readonly reason: string };
    /**
     * What the build's processes (itself and every process it started) held while extracting, in
     * MiB: the highest sample (every 500 ms) and the last one, as extraction ended (null when it
     * could not be read). A full build's, where `/proc` tells.
     */
    readonly extractionHeld?: { readonly peakMiB: number; readonly endMiB: number | null };
  };
}

/** The `build` part of a summary: the mode, its reason and the file counts of the diff. */
export interface BuildModeSummary {
  readonly mode: 'full' | 'incremental';
  readonly reason: string;
  readonly added: number;
  readonly changed: number;
  readonly deleted: number;
  readonly unchanged: number;
  /** Files handed to the extractors. */
  readonly extracted: number;
  /** Files the scan read and hashed; the others' stored records were reused, their stat (or git, with `--since`) unchanged. */
  readonly filesRead: number;
  /** Evidence rows removed because their files changed or went away. */
  readonly evidenceRowsDeleted: number;
  /** Materialized views taken over unchanged, recomputed for the affected files only, or recomputed whole. */
  readonly views: Readonly<Record<ViewUpdate, number>>;
  /** Views a full build started while another was being written (through its second connection); 0 in an incremental one. */
  readonly viewsBeside: number;
  /** With `--since`: the ref, how many paths git reported changed, and how many files the scan read. */
  readonly since?: { readonly ref: string; readonly changedPaths: number; readonly filesRead: number };
}

/**
 * Every dataset of a run, registered once: the evidence tables of the
 * extractors taking part and the CPG outputs. SCIP takes part only when asked.
 */
export function registryOfRun(options: { readonly scip?: boolean } = {}): SchemaRegistry {
  const registry = new SchemaRegistry();
  registry.registerAll(repoScanDatasets);
  registry.register(lineIndexDataset);
  registry.registerAll(treeSitterDatasets);
  registry.registerAll(pythonEvidenceDatasets);
  if (options.scip === true) registry.registerAll(scipEvidenceDatasets);
  registry.registerAll(cpgOutputDatasets);
  registry.register(maintenanceLogDataset);
  registry.register(runsDataset);
  registry.register(fileManifestDataset);
  registry.register(fileStatsDataset);
  registry.register(buildStateDataset);
  registry.register(planCacheDataset);
  registry.register(limitedSqlDataset);
  registry.register(outputDigestsDataset);
  return registry;
}

/** The manifests {@link compileForRun} compiled, with SCIP and without. */
const compiledForRun = new Map<boolean, SemanticProgramManifest>();

/**
 * Compiles the Python CPG program for a run. The SCIP datasets are known to
 * the compiler either way; without SCIP they are unavailable, so the views
 * reading them are pruned and the manifest's decisions say what the graph
 * loses (SCIP symbols, fused resolution, disagreement diagnostics).
 */
export function compileForRun(options: { readonly scip?: boolean } = {}): SemanticProgramManifest {
  const withScip = options.scip === true;
  // The program and the registry are this package's own, so the manifest is the same every time: compiled once
  // per process (about a tenth of a second each time), and frozen, so every build can share it.
  let manifest = compiledForRun.get(withScip);
  if (manifest === undefined) {
    manifest = compileProgram(pythonCpgProgram, registryOfRun({ scip: true }), { unavailable: withScip ? [] : scipEvidenceDatasets.map((ds) => ds.name) });
    compiledForRun.set(withScip, manifest);
  }
  return manifest;
}

function extractorsOf(options: BuildOptions): Extractor[] {
  const extractors: Extractor[] = [lineIndexExtractor, createTreeSitterExtractor(), createPythonExtractor({ batchRows: BUILD_PYTHON_BATCH_ROWS })];
  if (options.scipIndex !== undefined) extractors.push(createScipExtractor({ mode: 'index', indexPath: resolve(options.scipIndex) }));
  else if (options.scip === true) extractors.push(createScipExtractor({ mode: 'run', ...(options.scipHeapMb === undefined ? {} : { nodeHeapMb: options.scipHeapMb }) }));
  return extractors;
}

function assertDirectory(root: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(root).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) {
    throw OrchestratorError.create('NotADirectory', `${root} is not a directory`, {
      hint: 'pass the directory that holds the Python sources, e.g. `anatomy build path/to/project`',
    });
  }
}

/**
 * Checks with DuckDB's information_schema that every table holds exactly the
 * columns its dataset declares: the schema authority is the only source, and
 * a drift (a table left by another version, say) stops the build. The
 * `skipped` datasets (output tables an incremental build keeps in place) are
 * not checked.
 */
async function verifyStoredSchemas(store: Store, registry: SchemaRegistry, skipped: ReadonlySet<string> = new Set()): Promise<void> {
  const rows = await store.query(
    `SELECT table_schema || '.' || table_name AS dataset, column_name, data_type, is_nullable
     FROM information_schema.columns WHERE table_catalog = current_database() ORDER BY dataset, ordinal_position`,
  );
  const issues = registry.list().filter((ds) => !skipped.has(ds.name)).flatMap((ds) =>
    verifySchema(
      ds,
      rows
        .filter((r) => r['dataset'] === ds.name)
        .map((r) => ({ column_name: String(r['column_name']), data_type: String(r['data_type']), is_nullable: String(r['is_nullable']) })),
    ),
  );
  if (issues.length > 0) {
    throw OrchestratorError.create('SchemaDrift', `the store's tables differ from their declared schemas:\n${issues.map((i) => `${i.path}: ${i.message}`).join('\n')}`, {
      details: { issues },
      hint: 'delete the .anatomy folder (or pass another --store) and build again',
    });
  }
}

/**
 * Measures, by profiling the scans in DuckDB, what each stored dataset's scan
 * policy saves its readers (rows and bytes scanned with and without it), so
 * the run records the payoff rather than assuming it. Only tables are
 * measured: a view kept inline is never scanned, its readers' plans inline
 * it, and profiling a "scan" of it would run its whole query again — on the
 * standard library that was most of the build. Its decision is recorded
 * without a payoff.
 */
async function measureScanPayoffs(store: Store, planned: PlannedExecution): Promise<ScanPolicyDecision[]> {
  const inline = new Set(planned.report.tasks.filter((t) => t.cachePolicy === 'inline-view').map((t) => t.name));
  const decisions = scanDecisions(planned);
  // Every measured dataset's rows, in one query: an empty one (half of them in a small project) then needs none of its own.
  const measured = decisions.filter((d) => !inline.has(d.dataset)).map((d) => d.dataset);
  const counts = new Map<string, number>();
  if (measured.length > 0) {
    const rows = await store.query(measured.map((name, i) => `SELECT ${i} AS i, count(*) AS n FROM ${quotedName(name)}`).join(' UNION ALL '));
    for (const row of rows) counts.set(measured[Number(row['i'])] ?? '', Number(row['n']));
  }
  // The datasets are measured apart, two at a time where the store gives a second connection (most
  // of the measurement is small statements, each leaving a core idle); the results keep their order.
  return store.withLane((lane) =>
    eachOn(lane === null ? [store] : [store, lane], decisions, (connection, decision) => {
      if (inline.has(decision.dataset)) return Promise.resolve(decision);
      const rows = counts.get(decision.dataset);
      return measureScanPayoff(connection, decision.dataset, decision, rows === undefined ? {} : { rows });
    }),
  );
}

/** A `schema.table` name as SQL names it, each part quoted. */
function quotedName(name: string): string {
  return name.split('.').map(quoteIdentifier).join('.');
}

/** The scan decisions of a plan, by dataset name. */
function scanDecisions(planned: PlannedExecution): ScanPolicyDecision[] {
  return Object.entries(planned.policy.scan)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, decision]) => decision);
}

/**
 * Asks DuckDB which relations each view reads; no view declares its inputs.
 * The lineages go on to the planner, which would otherwise parse every view again.
 */
async function lineageDeps(store: Store, manifest: SemanticProgramManifest): Promise<{ deps: InferredDeps[]; lineages: Map<string, ViewLineage> }> {
  const catalog = await readLineageCatalog(store);
  const deps: InferredDeps[] = [];
  const lineages = new Map<string, ViewLineage>();
  for (const view of manifest.views) {
    const lineage = await parseLineage(store, view, { catalog });
    lineages.set(view.name, lineage);
    deps.push(inferDeps(lineage));
  }
  return { deps, lineages };
}

/** The evidence datasets the program reads, directly or through other views. */
function demandedEvidence(deps: readonly InferredDeps[], registry: SchemaRegistry): Set<string> {
  return new Set(deps.flatMap((d) => d.inputs).filter((name) => registry.has(name) && name.startsWith('evidence.')));
}

/**
 * Materializes the views the compiled policy says to keep, in schedule
 * order; views whose policy is `inline-view` stay DuckDB views that their
 * readers inline. Planning left each view under its name — as itself, or
 * as a stand-in for one the policy stores — unless its plan came from the
 * cache; a materialized view replaces whatever holds its name.
 */
async function executeViews(
  store: Store,
  lane: Store | null,
  planned: PlannedExecution,
  manifest: SemanticProgramManifest,
  progress: ProgressReporter,
  outcomes: (WriteOutcome | PendingWrite)[],
  timings: RunTimings['views'][number][],
  incremental?: IncrementalViews,
  memory: MemoryCap = { limit: null, raised: [] },
  fileIds: readonly string[] = [],
  written: { beside: number } = { beside: 0 },
): Promise<Map<string, number>> {
  const byName = new Map(manifest.views.map((v) => [v.name as string, v]));
  const cache = new Map(planned.report.tasks.map((t) => [t.name, t.cachePolicy]));
  const rows = new Map<string, number>();
  // The rows of the evidence tables, which views read beside the views written before them.
  const evidenceRows = lane === null ? new Map<string, number>() : await schemaRows(store, 'evidence');
  let done = 0;
  const parseTrees = new Map(planned.bundles.map((b) => [b.view, b.parseTree]));
  // The bounds of the file ranges a full build writes some views by (file ids are ASCII: JavaScript sorts them as DuckDB does).
  let bounds: string[] | undefined;
  const fileBounds = (): string[] => (bounds ??= fileRangeBounds([...new Set(fileIds)].sort()));
  // What holds each view's name as execution starts: only a view's own update changes it. A write
  // told what holds the name looks nothing up (a few milliseconds per view, on every build).
  const held = await nameHolders(store, planned.schedule.order);
  const holderOf = (name: string): NameHolder => held.get(name) ?? null;
  // The handle each view is written through: the store's own, or in a full build also a lane beside it (see views-beside.ts).
  const free: Store[] = lane === null ? [store] : [store, lane];
  // The cap lifted for a view that needs it stays lifted until no view being written needs it.
  const lift = capLift(store, memory.limit);
  // Every schema exists before two views are written at once, so no two connections try to create the same one.
  if (lane !== null) {
    const schemas = new Set(planned.schedule.order.filter((name) => name.includes('.')).map((name) => name.slice(0, name.indexOf('.'))));
    for (const schema of [...schemas].sort()) await store.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
  }
  const concurrency = free.length;
  const planInputs = planned.report.tasks;
  // Asked when the view heads the ready tasks, its inputs all written: the answer is final, kept for the next asking.
  const decided = new Map<string, boolean>();
  const alone = (name: string): boolean => {
    if (concurrency === 1) return true;
    let answer = decided.get(name);
    if (answer === undefined) {
      answer =
        writtenAlone({
          output: OUTPUT_TABLES.includes(name),
          shaped: plannedWriteShape(planned.report, name) !== null,
          rowsRead: rowsRead(name, planInputs, new Map([...evidenceRows, ...rows])),
          limit: memory.limit,
        }) !== null;
      decided.set(name, answer);
    }
    return answer;
  };
  // Every statement of the view goes through `store`, the handle it was given: two views may be written at once.
  const writeView = async (name: string, store: Store): Promise<{ rows?: number }> => {
    const view = byName.get(name);
    // A table created anew is stored in file order: an incremental build's reads of a few files' rows then skip the rest.
    const clusterBy = viewFileColumn(planned.signals[name], planned.locality[name]);
    if (view === undefined) {
      throw OrchestratorError.create('ViewMissing', `the schedule names ${name}, which the manifest does not hold`, {
        hint: 'this is a bug: the task graph must come from the same manifest',
      });
    }
    // Its inputs ran before it, so what they measured decides which of its files may have changed.
    const known = incremental === undefined ? 'all' : viewAffected(name, incremental, incremental.changed);
    // A global view that reads its other inputs by key needs only the files whose keys changed recomputed.
    const keyed = planned.locality[name]?.keyed;
    // One grouping a relation by one of its columns needs only the groups whose keys changed recomputed.
    const grouped = planned.locality[name]?.grouped;
    const narrowable = incremental !== undefined && known === 'all' && incremental.previous.has(name) && cache.get(name) !== 'inline-view';
    const affected =
      narrowable && keyed !== undefined
        ? await keyedAffected(store, name, keyed, incremental, incremental.changed)
        : narrowable && grouped !== undefined
          ? groupedAffected(name, grouped, incremental, incremental.changed)
          : known;
    if (cache.get(name) === 'inline-view') {
      // A plan taken from the cache created no views, and planning may have left a stand-in under
      // the name of a view the policy keeps inline; this one's inputs exist by now. A view already
      // under the name was committed with that cache entry (same program, same SQL): it stays.
      const kept = planned.fromCache && held.get(name) === 'view' && !planned.standIns.has(name);
      if (!kept && (planned.fromCache || planned.standIns.has(name))) await store.materialize({ name: view.name, sql: view.sql, as: 'view', holder: holderOf(name) });
      // Nothing stored to measure: its readers take what its inputs say.
      incremental?.changed.set(name, affected);
      return {};
    }
    if (incremental !== undefined) {
      const result = await updateView(store, view, {
        locality: planned.locality[name],
        affected,
        hasPrevious: incremental.previous.has(name),
        inPlace: incremental.inPlace === true,
        parseTree: parseTrees.get(name),
        fileColumns: incremental.fileColumns,
        nullFree: incremental.nullFree,
        ...describedOf(incremental.described, name),
        limitedCache: incremental.limitedCache,
        ...(incremental.rowsBefore.has(name) ? { rowsBefore: incremental.rowsBefore.get(name) ?? 0 } : {}),
        reads: incremental.reads,
        inline: incremental.inline,
        digest: OUTPUT_TABLES.includes(name),
        fileColumn: carriedFileColumn(planned.signals[name], planned.locality[name]),
        clusterBy,
        measure: incremental.read.has(name),
        columns: incremental.readColumns.get(name) ?? null,
        held: held.get(name) ?? null,
        ...(keyed === undefined ? {} : { keyed }),
        ...(grouped === undefined ? {} : { grouped }),
        ...(incremental.probedKeys.get(name) === undefined ? {} : { keys: incremental.probedKeys.get(name) ?? [] }),
      });
      incremental.changed.set(name, result.changed);
      if (!result.keepsNullFree) incremental.nullFree.delete(name);
      if (result.changedKeys !== undefined) incremental.changedKeys.set(name, result.changedKeys);
      incremental.changes.set(name, result.change);
      outcomes.push(...result.outcomes);
      rows.set(name, result.rows);
      incremental.updates.set(name, result.update);
      if (result.reads !== undefined) incremental.limitedReads.set(name, result.reads);
      return { rows: result.rows };
    }
    // The plan's write shape: a large union of plain reads range of files by range of files, a CTE over a
    // large union into a temporary table branch by branch first (see write-shape.ts).
    const shape = plannedWriteShape(planned.report, name);
    const clusterRanges = shape?.shape === 'file-ranges' && clusterBy === shape.column ? fileBounds() : [];
    const staged = shape?.shape === 'staged-union' ? await stagedUnionWrite(store, parseTrees.get(name), STAGE_TABLE) : null;
    const request = { name: view.name, sql: staged?.sql ?? view.sql, as: 'table', ...(clusterBy === null ? {} : { clusterBy }) } as const;
    // Staged once: a second way of writing the view (leaner, or without the cap) reads the same rows.
    const stagedRows = staged === null ? null : stagedRowsOnce(store, staged);
    // Measured with the build's other writes at its end (see completeWrites): the rows written are known now.
    // The first write knows what holds the name; a later one (after a failure) has the store look again.
    let attempts = 0;
    const write = async (how: Partial<Pick<MaterializeRequest, 'clusterRanges' | 'sortAfterWrite' | 'rangeSource' | 'sql'>>): Promise<PendingWrite> => {
      await stagedRows?.ensure();
      const known = attempts++ === 0 ? { holder: holderOf(name) } : {};
      return store.materialize({ ...request, ...how, ...known }, { measure: false });
    };
    // A file-local view (every group and lookup within one file, no rows of no file) can be written from its staged
    // rows range of files by range of files, each range reading that range's rows only; its SQL then reads a view
    // the store points at each range in turn.
    const locality = planned.locality[name];
    const byRange = staged !== null && clusterBy !== null && locality?.local === true && locality.column === clusterBy && locality.nullFile === undefined;
    let leanerHow = byRange ? `written ${FILES_PER_WRITE_RANGE} files at a time from the staged rows` : SORTED_AFTER;
    const stagedRanges = async (): Promise<PendingWrite | null> => {
      if (!byRange || staged === null || clusterBy === null) return null;
      await stagedRows?.ensure();
      // The staged rows must carry the column the ranges split.
      if (!(await describeColumns(store, STAGE_TABLE)).some((c) => c.name === clusterBy)) return null;
      // Its SQL reading the range view, written only when this way is taken.
      const ranged = await stagedUnionWrite(store, parseTrees.get(name), STAGE_RANGE_VIEW);
      if (ranged === null) return null;
      return write({ sql: ranged.sql, clusterRanges: fileBounds(), rangeSource: { table: staged.table, view: STAGE_RANGE_VIEW } });
    };
    // Each statement of a full build's view is committed on its own: under a cap the view can be written again.
    const outcome = await withMemoryFallback(
      store,
      memory.limit,
      () => write(clusterRanges.length === 0 ? {} : { clusterRanges }),
      (reason) => {
        memory.raised.push({ view: name, reason });
        progress.info(`${name}: ${reason}`);
      },
      // A table in file order can be sorted by a statement of its own, which spills where a sort at the end of a large query may not;
      // a file-local one written from staged rows holds one range of files at a time.
      clusterBy === null || clusterRanges.length > 0
        ? undefined
        : {
            write: async () => {
              const ranged = await stagedRanges();
              if (ranged !== null) return ranged;
              leanerHow = SORTED_AFTER;
              return write({ sortAfterWrite: true });
            },
            get how() {
              return leanerHow;
            },
            used: (reason) => {
              memory.leaner?.push({ view: name, reason });
              progress.info(`${name}: ${reason}`);
            },
          },
      lift,
    ).catch(async (error: unknown) => {
      // The failure is what the caller needs to see, not a drop refused by an aborted transaction.
      await stagedRows?.drop().catch(() => undefined);
      throw error;
    });
    await stagedRows?.drop();
    outcomes.push(outcome);
    rows.set(name, outcome.rowsInserted);
    return { rows: outcome.rowsInserted };
  };
  // In an incremental build one connection writes (all in one transaction), so views run one at a time in schedule order.
  const events = runSchedule(
    planned.schedule,
    planned.graph,
    async (name) => {
      const handle = free.pop() ?? store;
      try {
        return await writeView(name, handle);
      } finally {
        free.push(handle);
      }
    },
    { concurrency, exclusive: alone },
  );
  // The scheduler's events drive the progress lines: one tick per finished view.
  await new Promise<void>((resolve, reject) => {
    events.subscribe({
      next: (event) => {
        if (event.type === 'started' && event.inFlight > 1) written.beside += 1;
        if (event.type === 'finished') {
          timings.push({ view: event.task, durationMs: event.durationMs, rows: event.rows ?? null });
          progress.tick(++done, planned.schedule.order.length);
        }
        if (event.type === 'failed') progress.info(`${event.task} failed: ${event.error.message}`);
      },
      error: reject,
      complete: resolve,
    });
  });
  return rows;
}

/** The rows of each table of a schema of the database being written, by `schema.table`. */
async function schemaRows(store: Store, schema: string): Promise<Map<string, number>> {
  const found = await store.query(
    'SELECT table_name, estimated_size FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ?',
    [schema],
  );
  return new Map(found.map((r) => [`${schema}.${String(r['table_name'])}`, Number(r['estimated_size'] ?? 0)]));
}

/** The temporary table a staged write holds a view's union in (dropped after each view). */
const STAGE_TABLE = 'anatomy_staged_rows';
/** How a view is written when it is sorted by a statement of its own (see MaterializeRequest.sortAfterWrite). */
const SORTED_AFTER = 'written unsorted, then sorted from the stored table';
/** The temporary view holding one range of files of the staged rows, when a view is written from them range by range. */
const STAGE_RANGE_VIEW = 'anatomy_staged_range';

/** The schemas a full build rewrites whole; every other table (runs, maintenance log) is carried over. */
const BUILD_SCHEMAS = ['cpg', 'norm', 'derived', 'rel', 'merged', 'diag', 'evidence'] as const;

/**
 * How a build writes so that a failed or killed one leaves the previous CPG
 * whole. A full build writes a new generation of the store, committed as it
 * goes so that DuckDB can spill it under a memory limit, and swapped in at
 * the end; an incremental one changes the stored tables in one transaction.
 */
function writeScope(store: Store, mode: IncrementalPlan['mode']): <T>(fn: () => Promise<T>) => Promise<T> {
  return (fn) => (mode === 'full' ? store.replaceGeneration(BUILD_SCHEMAS, fn) : store.transaction(fn));
}

/** How many of the slowest files a run records. */
const SLOWEST_FILES = 20;

/** The files whose extraction took longest, summed over the extractors; ties by path, so the order is stable. */
function slowestFiles(
  times: ReadonlyMap<string, Readonly<Record<string, number>>>,
  files: readonly { readonly file_id: string; readonly path: string }[],
): NonNullable<RunTimings['files']> {
  const pathOf = new Map(files.map((f) => [f.file_id, f.path]));
  return [...times]
    .map(([fileId, extractors]) => ({ path: pathOf.get(fileId) ?? fileId, durationMs: Object.values(extractors).reduce((a, b) => a + b, 0), extractors: { ...extractors } }))
    .sort((a, b) => b.durationMs - a.durationMs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .slice(0, SLOWEST_FILES);
}

/** The scanned files the extractors must read: all of them, or the added and changed ones. */
function filesToExtract<F extends { readonly file_id: string }>(files: readonly F[], increment: IncrementalPlan): readonly F[] {
  if (increment.mode === 'full') return files;
  const wanted = new Set([...increment.added, ...increment.changed]);
  return files.filter((f) => wanted.has(f.file_id));
}

function tally(updates: ReadonlyMap<string, ViewUpdate>): Record<ViewUpdate, number> {
  const counts: Record<ViewUpdate, number> = { unchanged: 0, files: 0, full: 0 };
  for (const update of updates.values()) counts[update] += 1;
  return counts;
}

function updateCounts(updates: ReadonlyMap<string, ViewUpdate>): string {
  const counts = tally(updates);
  return `${counts.unchanged} unchanged, ${counts.files} recomputed for the changed files, ${counts.full} recomputed whole`;
}

function modeSummary(increment: IncrementalPlan, extracted: number, evidenceRowsDeleted: number): Omit<BuildModeSummary, 'views' | 'filesRead' | 'viewsBeside'> {
  if (increment.mode === 'full') return { mode: 'full', reason: increment.reason, added: 0, changed: 0, deleted: 0, unchanged: 0, extracted, evidenceRowsDeleted };
  return {
    mode: 'incremental',
    reason: increment.reason,
    added: increment.added.length,
    changed: increment.changed.length,
    deleted: increment.deleted.length,
    unchanged: increment.unchanged,
    extracted,
    evidenceRowsDeleted,
  };
}

/** What an incremental build needs to update views rather than rebuild them, and what it did to each. */
interface IncrementalViews extends AffectedInput {
  readonly previous: ReadonlySet<string>;
  /** Whether the previous tables stayed under their names (a plan from the cache: see `setAsidePreviousTables`). */
  readonly inPlace: boolean;
  /** The views some other view reads: only their changes are worth measuring. */
  readonly read: ReadonlySet<string>;
  /** The columns of each relation its readers read, null when not known for sure. */
  readonly readColumns: ReadonlyMap<string, readonly string[] | null>;
  /** The files whose rows of each view run so far may have changed, as its readers take them. */
  readonly changed: Map<string, AffectedFiles>;
  readonly updates: Map<string, ViewUpdate>;
  /** For each view updated by file, the reads of its SQL limited to the changed files. */
  readonly limitedReads: Map<string, LimitedReads>;
  /** How each output table's rows changed, for its running digest. */
  readonly changes: Map<string, DigestChange>;
  /** The column naming each row's file, of every relation that has one: evidence by its role, file-local views by their locality. */
  readonly fileColumns: ReadonlyMap<string, string>;
  /**
   * Those relations whose file column holds no NULL: evidence that cannot
   * (see `nullFreeFileColumns`), and views whose stored table held none as
   * the build began and whose updates so far kept it so (see `nullFreeStoredViews`).
   */
  readonly nullFree: Set<string>;
  /** The columns of the previous build's tables of the views stored again, by view (see `storedViewColumns`). */
  readonly described: ReadonlyMap<string, readonly DescribedColumn[]>;
  /** Their live rows as the build began (see `storedViewRows`). */
  readonly rowsBefore: ReadonlyMap<string, number>;
  /** The views' limited SQL kept between builds of one program (see `readLimitedSqlCache`). */
  readonly limitedCache: LimitedSqlCache;
  /** Limited reads of those relations, parsed once for the build. */
  readonly reads: Map<string, unknown>;
  /** The SQL of the file-local views kept inline, which a limited read expands with their own inputs limited. */
  readonly inline: ReadonlyMap<string, string>;
  /** The columns of each relation that keyed global views look up (see FileLocality's `keyed`). */
  readonly probedKeys: ReadonlyMap<string, readonly string[]>;
  /** For each view updated so far, the values its changed rows hold in those columns. */
  readonly changedKeys: Map<string, Readonly<Record<string, readonly (string | null)[]>>>;
}

/** The columns of each relation that a keyed global view looks its changed rows up by, or a grouped one groups it by (see FileLocality's `keyed` and `grouped`). */
function probedKeys(locality: Readonly<Record<string, FileLocality>>): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const l of Object.values(locality)) for (const p of l.keyed?.probes ?? []) out.set(p.foreign, (out.get(p.foreign) ?? new Set()).add(p.foreignColumn));
  // A grouped view recomputes the groups whose keys its relation's changed rows hold.
  for (const l of Object.values(locality)) if (l.grouped !== undefined) out.set(l.grouped.source.relation, (out.get(l.grouped.source.relation) ?? new Set()).add(l.grouped.source.column));
  return new Map([...out].map(([relation, columns]) => [relation, [...columns].sort()]));
}


function waitOption(options: BuildOptions, progress: ProgressReporter): { wait?: { timeoutMs: number; pollMs: number; onWait: (info: LockWaitInfo) => void } } {
  if (options.waitMs === undefined) return {};
  let lastShown = -Infinity;
  return {
    wait: {
      timeoutMs: options.waitMs,
      pollMs: 250,
      onWait: (info) => {
        if (info.waitedMs - lastShown < 5000) return;
        lastShown = info.waitedMs;
        progress.info(info.message);
      },
    },
  };
}

/**
 * The `maintain` stage's line: each action with its status once, and how many
 * tables it concerned when more than one, e.g. `refresh-statistics done on 3
 * tables, checkpoint done`.
 */
export function maintenanceLine(records: readonly MaintenanceRecord[]): string {
  if (records.length === 0) return 'nothing to do';
  const groups = new Map<string, Set<string>>();
  for (const r of records) {
    const key = `${r.decision.action} ${r.status}`;
    const tables = groups.get(key) ?? new Set<string>();
    if (r.decision.target.scope === 'table') tables.add(r.decision.target.table);
    groups.set(key, tables);
  }
  return [...groups].map(([key, tables]) => (tables.size === 0 ? key : tables.size === 1 ? `${key} on ${[...tables][0]}` : `${key} on ${tables.size} tables`)).join(', ');
}

/**
 * Builds the CPG of a directory of Python sources into its DuckDB store:
 * scan → compile the semantic program → dependencies from DuckDB's own parse
 * of each view → the extractors whose evidence those views read, streamed
 * into the store → schedule → materialize. A full build writes a new
 * generation of the store beside it and swaps it in at the end, an
 * incremental one writes in one transaction, so a failed or killed build
 * leaves the previous CPG whole; maintenance runs after it commits, from the
 * measured write outcomes.
 *
 * @example
 * const summary = await buildCpg({ root: 'path/to/project' }, lineProgress(process.stderr));
 */
export async function buildCpg(options: BuildOptions, progress: ProgressReporter): Promise<BuildSummary> {
  const root = resolve(options.root);
  assertDirectory(root);
  const storePath = resolve(options.storePath ?? join(root, STORE_RELATIVE_PATH));
  const timer = new StageTimer(progress);

  const open = async (): Promise<Store> =>
    openStore({
      path: storePath,
      ...(options.memoryLimit === undefined ? {} : { memoryLimit: options.memoryLimit }),
      ...(options.storageVersion === undefined ? {} : { storageVersion: options.storageVersion }),
      ...waitOption(options, progress),
    });
  // A store that exists is opened once, for writing, before the scan, which reads its records; a new
  // one is created only once the scan found Python files.
  let opened: Store | undefined = existsSync(storePath) ? await open() : undefined;
  try {
    const since =
      options.since === undefined || options.full === true ? undefined : await sinceReuse({ root, storePath, ref: options.since, ...waitOption(options, progress), ...(opened === undefined ? {} : { store: opened }) });
    const scan = await timer.run(
      'scan',
      async () =>
        scanRepository(
          { root, ...(options.include ? { include: [...options.include] } : {}), ...(options.exclude ? { exclude: [...options.exclude] } : {}) },
          // A file whose stat is what it was at the stored build is not read again; `--full` reads every file.
          since?.reuse ?? (options.full === true || opened === undefined ? undefined : await statReuse({ storePath, store: opened })),
          (done, total) => progress.count('scan', done, total, 'files'),
        ),
      (s) => `${s.files.length} files (${s.read} read, the others unchanged since the stored build), ${s.diagnostics.length} diagnostics`,
    );
    if (scan.files.length === 0) {
      throw OrchestratorError.create('NoPythonFiles', `no Python files found under ${root}`, {
        hint: 'check the path, and that the files are not excluded by .gitignore or --exclude',
      });
    }
    const registry = registryOfRun({ scip: options.scip === true || options.scipIndex !== undefined });
    const manifest = await timer.run('compile', async () => compileForRun({ scip: options.scip === true || options.scipIndex !== undefined }), (m) => `${m.views.length} views, manifest ${m.fingerprint.slice(0, 12)}`);
    opened ??= await open();
    const store = opened;
    return await buildInStore(store, { options, root, storePath, timer, progress, scan, since, registry, manifest });
  } finally {
    await opened?.close();
  }
}

/** What {@link buildCpg} hands the part of the build that writes the store. */
interface BuildContext {
  readonly options: BuildOptions;
  readonly root: string;
  readonly storePath: string;
  readonly timer: StageTimer;
  readonly progress: ProgressReporter;
  readonly scan: ScanResult;
  readonly since: SinceReuse | undefined;
  readonly registry: SchemaRegistry;
  readonly manifest: SemanticProgramManifest;
}

/** A view's stored columns as an `updateView` option, when known. */
function describedOf(described: ReadonlyMap<string, readonly DescribedColumn[]>, name: string): { described?: readonly DescribedColumn[] } {
  const columns = described.get(name);
  return columns === undefined ? {} : { described: columns };
}

/**
 * The build's writes in their order, those left pending measured now with
 * one query (a measure per write cost 2–5 ms each, dozens per build): their
 * counts are those after all the build's writes, which is what maintenance
 * reads of a table (its last write's).
 */
async function completeWrites(store: Store, writes: readonly (WriteOutcome | PendingWrite)[]): Promise<WriteOutcome[]> {
  const measured = await store.measureWrites(writes.filter((w): w is PendingWrite => !('tableRowCount' in w)));
  let next = 0;
  return writes.map((w) => {
    if ('tableRowCount' in w) return w;
    const outcome = measured[next++];
    if (outcome === undefined) throw new Error('measureWrites returned fewer outcomes than writes');
    return outcome;
  });
}

/** The build from the scan on: plan, extract, execute, fingerprint, maintain and record, in the open store. */
async function buildInStore(store: Store, context: BuildContext): Promise<BuildSummary> {
  const { options, root, storePath, timer, progress, scan, since, registry, manifest } = context;
  // Writes whose measuring can wait are measured together at the end of the build's writes (see completeWrites).
  const outcomes: (WriteOutcome | PendingWrite)[] = [];
  const viewTimings: RunTimings['views'][number][] = [];
  // Reading the stored build decides whether this one is full or incremental, and so how it writes.
  const planCache = await lookUpPlanCache(store, manifest, registry, options.full === true);
  const { deps, lineages } = await timer.run(
    'plan',
    async () => (planCache.hit === undefined ? lineageDeps(store, manifest) : cachedLineageDeps(manifest, planCache.hit)),
    (d) => `${d.deps.length} views, inputs from DuckDB plan lineage${planCache.hit === undefined ? '' : ' (cached)'}`,
  );
  const demanded = options.allEvidence === true ? undefined : demandedEvidence(deps, registry);
  const extractors = extractorsOf(options);
  const state: BuildState = {
    manifestFingerprint: manifest.fingerprint,
    extractors: extractors.map((e) => `${e.descriptor.name}@${e.descriptor.version}`).sort(),
    demanded: demanded === undefined ? 'all' : [...demanded].sort(),
    scip: options.scip === true || options.scipIndex !== undefined,
  };
  const increment = planIncrement({ stored: await readStoredBuild(store), current: state, files: scan.files, full: options.full === true, unowned: unownedEvidence(registry) });
  progress.info(increment.mode === 'full' ? `full build: ${increment.reason}` : `incremental build: ${increment.added.length} added, ${increment.changed.length} changed, ${increment.deleted.length} deleted, ${increment.unchanged} unchanged`);
  // A full build is capped by default; an incremental one only by a configured cap (set when the store opened).
  let memory = await applyBuildMemoryCap(store, increment.mode, options.memoryLimit);
  const built = await writeScope(store, increment.mode)(async () => {
    let evidenceRowsDeleted = 0;
    let previous = new Set<string>();
    const changedFiles = increment.mode === 'incremental' ? [...increment.added, ...increment.changed, ...increment.deleted] : [];
    const inPlace = increment.mode === 'incremental' && planCache.hit !== undefined;
    let evidenceBefore: EvidenceDigests = new Map();
    // A change in a column no view reads reaches no view: only those columns are compared.
    // View by view too: an evidence table's change reaches a reader only through the columns it reads.
    const readers = columnsReadByView(lineages.values());
    const readColumns = mergedReads(readers);
    const preparing = timer.run(
      'prepare store',
      async () => {
        // A full build starts from a generation without the previous build's schemas (see
        // writeScope); an incremental one keeps the evidence of unchanged files and removes the rest.
        // A plan from the cache creates no view: the previous tables can stay where they are.
        if (increment.mode === 'incremental') previous = await setAsidePreviousTables(store, manifest.views, inPlace);
        await store.ensureDatasets(registry.list());
        // A table left in place holds what the same program's SQL made of it (CREATE TABLE AS keeps no NOT NULL): the same manifest, else the build is full.
        await verifyStoredSchemas(store, registry, inPlace ? previous : new Set());
        if (increment.mode === 'incremental') {
          evidenceBefore = await fileEvidenceDigests(store, registry, changedFiles, readers);
          // The scan's own tables are cheap and rewritten whole from this scan.
          for (const ds of [filesDataset, scanDiagnosticsDataset]) outcomes.push(await store.deleteRows({ table: ds.name, where: 'true' }, { measure: false }));
          const removed = await removeFileEvidence(store, registry, [...increment.changed, ...increment.deleted]);
          evidenceRowsDeleted = removed.reduce((n, o) => n + o.rowsDeleted, 0);
          outcomes.push(...removed);
        }
        outcomes.push(await store.ingest(filesDataset, filesBatch(scan.files), { measure: false }));
        outcomes.push(await store.ingest(scanDiagnosticsDataset, scanDiagnosticsBatch(scan.diagnostics), { measure: false }));
      },
      () => `evidence tables ready in ${storePath}`,
    );
    // The extractors start now, their workers parsing while the store is prepared; they write once it is ready.
    const toExtract = filesToExtract(scan.files, increment);
    // What the build's processes hold while extracting (scip-python's above all) may decide its views' cap.
    const sampler = increment.mode === 'full' ? ProcessTreeMemory.start() : null;
    const stopExtraction = new AbortController();
    const extracting = runExtractors({ extractors, registry, store, root: scan.root, files: toExtract, demanded, progress, ready: preparing, signal: stopExtraction.signal });
    // Awaited below; until then a failure must not count as unhandled.
    extracting.catch(() => undefined);
    try {
      await preparing;
    } catch (error) {
      // Stopped at once rather than at their first write.
      stopExtraction.abort(error);
      await extracting.catch(() => undefined);
      sampler?.stop();
      throw error;
    }
    let extraction: ExtractionResult;
    let held: ExtractionMemory | null = null;
    try {
      extraction = await timer.run(
        'extract',
        () => extracting,
        (r) => r.reports.map((x) => `${x.extractor} ${x.status === 'ran' ? `${Object.values(x.rows).reduce((a, b) => a + b, 0)} rows` : x.status}`).join(', '),
      );
    } finally {
      held = sampler?.stop() ?? null;
    }
    if (sampler !== null) {
      memory = await raiseCapAfterExtraction(store, memory, options.memoryLimit !== undefined, held);
      if (memory.extraction !== undefined) progress.info(`memory: ${memory.extraction.reason}`);
    }
    outcomes.push(...extraction.writes);
    // What a full extraction allocated is garbage now; collected, it is not held beside DuckDB's peak through execute.
    if (increment.mode === 'full') releaseHeapGarbage();
    // Which evidence tables the edit really changed, for the views reading them.
    const evidenceChanged = evidenceChangesByReader(
      increment.mode === 'incremental' ? evidenceChanges(evidenceBefore, await fileEvidenceDigests(store, registry, changedFiles, readers)) : new Map<string, string[]>(),
      readers,
    );
    const planned = await timer.run(
      'plan views',
      () => planInTransaction({ manifest, store, registry, lineages, ...(increment.mode === 'incremental' && planCache.hit !== undefined ? { cached: planCache.hit } : {}) }),
      (p) => `policy ${p.policy.fingerprint.slice(0, 12)}${p.fromCache ? ' (plans cached from the previous build)' : ''}, critical path ${p.schedule.criticalPath.tasks.join(' → ')}`,
    );
    if (inPlace && !planned.fromCache) {
      throw OrchestratorError.create('PlanNotCached', 'the plan of an incremental build was not taken from the cache although its tables were left in place', {
        hint: 'this is a bug: lookUpPlanCache returns only entries that hold every view; rebuild with --full meanwhile',
      });
    }
    if (!planned.fromCache) outcomes.push(...(await writePlanCache(store, planCache.key, analysisOf(lineages, planned))));
    const fileColumns = relationFileColumns(registry, planned.locality, planned.signals);
    // Views stored again by this build, except those whose rows of no file are expected (a NULL file column in some branch).
    const storedViews = new Set(planned.report.tasks.filter((t) => t.cachePolicy !== 'inline-view').map((t) => t.name));
    // The previous build's tables this build stores again: described and counted once, before any update.
    const storedAgain = [...previous].filter((v) => storedViews.has(v)).sort();
    const storedFileColumns = new Map([...fileColumns].filter(([r]) => storedAgain.includes(r) && planned.locality[r]?.nullFile === undefined));
    const views: IncrementalViews | undefined =
      increment.mode === 'full'
        ? undefined
        : {
            previous,
            inPlace,
            inputsOf: new Map(planned.report.tasks.map((t) => [t.name, t.inputs])),
            locality: planned.locality,
            changedFiles,
            read: new Set(planned.report.tasks.flatMap((t) => t.inputs)),
            readColumns,
            changed: new Map<string, AffectedFiles>(evidenceChanged.byTable),
            readerChanges: evidenceChanged.byReader,
            updates: new Map(),
            limitedReads: new Map(),
            changes: new Map(),
            fileColumns,
            described: await storedViewColumns(store, storedAgain, inPlace),
            limitedCache: await readLimitedSqlCache(store, planCache.key),
            rowsBefore: await storedViewRows(store, storedAgain, inPlace),
            nullFree: new Set([...nullFreeFileColumns(registry, planned.locality), ...(await nullFreeStoredViews(store, storedFileColumns, inPlace))]),
            reads: new Map(),
            inline: new Map(
              planned.report.tasks
                .filter((t) => t.cachePolicy === 'inline-view' && planned.locality[t.name]?.local === true && planned.locality[t.name]?.nullFile === undefined)
                .map((t) => [t.name, t.sql]),
            ),
            probedKeys: probedKeys(planned.locality),
            changedKeys: new Map(),
          };
    const written = { beside: 0 };
    const rows = await timer.run(
      'execute',
      async () => {
        const execute = (lane: Store | null): Promise<Map<string, number>> =>
          executeViews(store, lane, planned, manifest, progress, outcomes, viewTimings, views, increment.mode === 'full' ? memory : { limit: null, raised: memory.raised, leaner: [] }, scan.files.map((f) => f.file_id), written);
        // A full build commits each statement on its own, so a second connection sees every view written before.
        const done = views === undefined ? await store.withLane(execute) : await execute(null);
        if (views !== undefined) await dropPreviousTables(store, previous, new Set(views.updates.keys()), views.inPlace === true);
        return done;
      },
      (r) => (views === undefined ? `${r.size} views materialized (${written.beside} beside another)` : `${r.size} views: ${updateCounts(views.updates)}`),
    );
    const digests = await timer.run(
      'fingerprint outputs',
      async () => currentOutputDigests(store, OUTPUT_TABLES, increment.mode === 'full' ? new Map() : await readOutputDigests(store), views?.changes ?? new Map()),
      (d) => `${d.size} output tables`,
    );
    outcomes.push(...(await writeOutputDigests(store, digests)));
    if (views !== undefined) outcomes.push(...(await writeLimitedSqlCache(store, views.limitedCache)));
    const counts = await store.query('SELECT node_kind, count(*) AS n FROM cpg.nodes GROUP BY node_kind ORDER BY node_kind');
    const edgeCounts = await store.query('SELECT edge_kind, count(*) AS n FROM cpg.edges GROUP BY edge_kind ORDER BY edge_kind');
    outcomes.push(...(await writeStoredBuild(store, state, scan.files, scan.stats)));
    const writeOutcomes = await completeWrites(store, outcomes);
    const filesRead = scan.read;
    const mode: BuildModeSummary = {
      ...modeSummary(increment, toExtract.length, evidenceRowsDeleted),
      filesRead,
      views: views === undefined ? { unchanged: 0, files: 0, full: rows.size } : tally(views.updates),
      viewsBeside: written.beside,
      ...(since === undefined || options.since === undefined ? {} : { since: { ref: options.since, changedPaths: since.changedPaths, filesRead } }),
    };
    return {
      planned,
      rows,
      updates: views?.updates ?? new Map<string, ViewUpdate>(),
      limitedReads: views?.limitedReads ?? new Map<string, LimitedReads>(),
      digests,
      extraction,
      extracted: { files: toExtract.length, bytes: toExtract.reduce((sum, f) => sum + f.size, 0) },
      mode,
      nodesByKind: Object.fromEntries(counts.map((r) => [String(r['node_kind']), Number(r['n'])])),
      edgesByKind: Object.fromEntries(edgeCounts.map((r) => [String(r['edge_kind']), Number(r['n'])])),
      writeOutcomes,
    };
  });

  const runId = newRunId();
  const mode = options.maintenance ?? 'run';
  let decisions: readonly MaintenanceDecision[] = [];
  let calibration: ThresholdCalibration | undefined;
  const maintenance =
    mode === 'off'
      ? []
      : await timer.run(
          'maintain',
          async () => {
            const history = (await readMaintenanceLog(store)).map((e) => e.record);
            calibration = calibrateThresholds(history, DEFAULT_MAINTENANCE_THRESHOLDS);
            decisions = decideMaintenance(built.writeOutcomes, calibration.thresholds);
            return runMaintenance(store, decisions, { dryRun: mode === 'dry-run', runId });
          },
          maintenanceLine,
        );

  const { planned, rows, updates, limitedReads, digests, extraction, extracted, nodesByKind, edgesByKind, mode: buildMode } = built;
  await timer.run(
    'record run',
    async () => {
      // Kept up to date from the build's own deletions and insertions (see output-digests.ts).
      const outputFingerprints: OutputFingerprints = fingerprintsOf(digests);
      const capabilities = await captureCapabilities(store);
      const scanPayoffs = (planned.fromCache ? await previousScanPayoffs(store, scanDecisions(planned)) : undefined) ?? (await measureScanPayoffs(store, planned));
      return writeBuildBundle({
        root,
        runId,
        manifest,
        policy: planned.policy,
        capabilities,
        planReport: planned.report,
        planBundles: planned.bundles,
        scanPayoffs,
        schedule: planned.schedule,
        writeOutcomes: built.writeOutcomes,
        maintenanceDecisions: decisions,
        ...(calibration === undefined ? {} : { calibration }),
        maintenanceRecords: maintenance,
        diagnostics: {
          files: scan.files.length,
          scanDiagnostics: scan.diagnostics.length,
          extractors: extraction.reports.map((r) => ({ extractor: r.extractor, version: r.version, status: r.status, ...(r.reason === undefined ? {} : { reason: r.reason }), rows: { ...r.rows } })),
          nodesByKind,
        },
        outputFingerprints,
        timings: {
          stages: [...timer.timings()],
          extractors: extraction.reports.map((r) => ({ extractor: r.extractor, status: r.status, files: r.status === 'ran' ? extracted.files : 0, bytes: r.status === 'ran' ? extracted.bytes : 0, durationMs: r.durationMs })),
          views: viewTimings,
          files: slowestFiles(extraction.fileTimes, scan.files),
        },
      });
    },
    (b) => `run ${runId} recorded in ${b.dir}`,
  ).then(async (bundle) => {
    // The kind counts of the build, summed: maintenance since then moved rows, it added or removed none.
    const total = (byKind: Readonly<Record<string, number>>): number => Object.values(byKind).reduce((a, b) => a + b, 0);
    await recordRun(store, {
      runId,
      createdAt: new Date().toISOString(),
      root,
      bundle: bundle.dir,
      manifestFingerprint: manifest.fingerprint,
      policyFingerprint: planned.policy.fingerprint,
      packageFingerprint: bundle.executionPackage.fingerprint,
      files: scan.files.length,
      nodes: total(nodesByKind),
      edges: total(edgesByKind),
    });
  });
  const updateOf = (name: string): { update?: ViewUpdate; reads?: LimitedReads } => {
    const update = updates.get(name);
    const reads = limitedReads.get(name);
    return { ...(update === undefined ? {} : { update }), ...(reads === undefined ? {} : { reads: { ...reads } }) };
  };
  return {
    runId,
    root,
    storePath,
    files: scan.files.length,
    scanDiagnostics: scan.diagnostics.length,
    extractors: extraction.reports,
    nodesByKind,
    edgesByKind,
    manifestFingerprint: manifest.fingerprint,
    policyFingerprint: planned.policy.fingerprint,
    tasks: planned.report.tasks.map((t) => ({
      name: t.name,
      cachePolicy: t.cachePolicy,
      materializedAs: t.cachePolicy === 'inline-view' ? ('view' as const) : ('table' as const),
      inputs: t.inputs,
      planFingerprint: t.planFingerprint,
      rows: rows.get(t.name) ?? 0,
      ...updateOf(t.name),
    })),
    order: planned.schedule.order,
    maintenance,
    stages: timer.timings(),
    build: buildMode,
    memory: {
      limit: memory.limit,
      raised: memory.raised,
      leaner: memory.leaner ?? [],
      sortedRankings: memory.sortedRankings ?? false,
      ...(memory.extraction === undefined ? {} : { extraction: memory.extraction }),
      ...(memory.extractionHeld === undefined ? {} : { extractionHeld: heldInMebibytes(memory.extractionHeld) }),
    },
  };
}
