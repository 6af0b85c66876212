import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cpgOutputDatasets, SchemaRegistry } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';
import { defsBatch, errorsBatch, treeSitterDatasets, TreeSitterExtractor, tsDefsDataset, tsErrorsDataset } from '@anatomy/extract-tree-sitter';
import type { TsDefRow, TsErrorRow } from '@anatomy/extract-tree-sitter';
import { explainView, inferDeps, parseLineage, readLineageCatalog } from '@anatomy/plan-signals';
import type { InferredDeps } from '@anatomy/plan-signals';
import { pythonCpgProgram } from '@anatomy/python-cpg';
import { filesBatch, filesDataset, readSource, RepoScanError, repoScanDatasets, scanDiagnosticsBatch, scanDiagnosticsDataset, scanRepository } from '@anatomy/repo-scan';
import type { ScanDiagnostic, ScanResult } from '@anatomy/repo-scan';
import { buildTaskGraph, runSchedule, schedule } from '@anatomy/scheduler';
import type { Schedule } from '@anatomy/scheduler';
import { compileProgram } from '@anatomy/semantic-ir';
import type { SemanticProgramManifest } from '@anatomy/semantic-ir';
import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { lastValueFrom } from 'rxjs';
import { OrchestratorError } from './orchestrator-error.js';
import type { ProgressReporter } from './progress-reporter.js';
import { StageTimer } from './stage-timer.js';
import type { StageTiming } from './stage-timer.js';

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
}

/** What a build did, for people (`anatomy build`) and machines (`--json`). */
export interface BuildSummary {
  readonly root: string;
  readonly storePath: string;
  readonly files: number;
  readonly definitions: number;
  readonly diagnostics: { readonly scan: number; readonly syntax: number };
  readonly nodesByKind: Readonly<Record<string, number>>;
  readonly manifestFingerprint: string;
  readonly tasks: readonly {
    readonly name: string;
    readonly materializedAs: 'table' | 'view';
    readonly inputs: readonly string[];
    readonly planFingerprint: string;
    readonly rows: number;
  }[];
  readonly order: readonly string[];
  readonly stages: readonly StageTiming[];
}

interface Evidence {
  readonly defs: TsDefRow[];
  readonly errors: TsErrorRow[];
  readonly unreadable: ScanDiagnostic[];
}

/** Every dataset of a run, registered once: the evidence tables and the CPG outputs. */
export function registryOfRun(): SchemaRegistry {
  const registry = new SchemaRegistry();
  registry.registerAll(repoScanDatasets);
  registry.registerAll(treeSitterDatasets);
  registry.registerAll(cpgOutputDatasets);
  return registry;
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

async function extractDefinitions(scan: ScanResult, progress: ProgressReporter): Promise<Evidence> {
  const extractor = await TreeSitterExtractor.init();
  const evidence: Evidence = { defs: [], errors: [], unreadable: [] };
  try {
    let done = 0;
    for (const file of scan.files) {
      try {
        const bytes = await readSource(scan.root, file);
        const found = extractor.extractFile(bytes, file.file_id, file.encoding);
        evidence.defs.push(...found.defs);
        evidence.errors.push(...found.errors);
      } catch (error) {
        // A file that vanished or changed since the scan is reported, never fatal.
        if (!RepoScanError.is(error)) throw error;
        evidence.unreadable.push({ path: file.path, file_id: file.file_id, code: 'repo-scan/Unreadable', message: error.message });
      }
      progress.tick(++done, scan.files.length);
    }
  } finally {
    extractor.dispose();
  }
  return evidence;
}

async function ingestEvidence(store: Store, registry: SchemaRegistry, scan: ScanResult, evidence: Evidence): Promise<void> {
  // A build replaces the previous one whole: the caller runs this inside one transaction.
  for (const schema of ['cpg', 'norm', 'evidence']) await store.run(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  const datasets: readonly DatasetSchema[] = registry.list();
  for (const ds of datasets) await store.ensureDataset(ds);
  await store.ingest(filesDataset, filesBatch(scan.files));
  await store.ingest(scanDiagnosticsDataset, scanDiagnosticsBatch([...scan.diagnostics, ...evidence.unreadable]));
  await store.ingest(tsDefsDataset, defsBatch(evidence.defs));
  await store.ingest(tsErrorsDataset, errorsBatch(evidence.errors));
}

/** Asks DuckDB which relations each view reads; no view declares its inputs. */
async function lineageDeps(store: Store, manifest: SemanticProgramManifest): Promise<InferredDeps[]> {
  const catalog = await readLineageCatalog(store);
  const deps: InferredDeps[] = [];
  for (const view of manifest.views) deps.push(inferDeps(await parseLineage(store, view, { catalog })));
  return deps;
}

async function executeViews(
  store: Store,
  manifest: SemanticProgramManifest,
  plan: Schedule,
  graph: ReturnType<typeof buildTaskGraph>,
  progress: ProgressReporter,
): Promise<Map<string, { planFingerprint: string; rows: number }>> {
  const byName = new Map(manifest.views.map((v) => [v.name as string, v]));
  const results = new Map<string, { planFingerprint: string; rows: number }>();
  let done = 0;
  // One DuckDB connection writes, so tasks run one at a time in schedule order.
  const events = runSchedule(plan, graph, async (name) => {
    const view = byName.get(name);
    if (view === undefined) {
      throw OrchestratorError.create('ViewMissing', `the schedule names ${name}, which the manifest does not hold`, {
        hint: 'this is a bug: the task graph must come from the same manifest',
      });
    }
    const schemaName = view.name.slice(0, view.name.indexOf('.'));
    await store.run(`CREATE SCHEMA IF NOT EXISTS "${schemaName}"`);
    const bundle = await explainView(store, view);
    const outcome = await store.materialize({ name: view.name, sql: view.sql, as: view.output ? 'table' : 'view' });
    results.set(name, { planFingerprint: bundle.planFingerprint, rows: outcome.rowsInserted });
    progress.tick(++done, plan.order.length);
    return { rows: outcome.rowsInserted };
  }, { concurrency: 1 });
  await lastValueFrom(events);
  return results;
}

/**
 * Builds the CPG of a directory of Python sources into its DuckDB store:
 * scan → tree-sitter evidence → ingest → compile the semantic program →
 * dependencies from DuckDB's own parse of each view → schedule → materialize.
 * The whole write is one transaction, so a failed build leaves the previous
 * CPG as it was.
 *
 * @example
 * const summary = await buildCpg({ root: 'path/to/project' }, lineProgress(process.stderr));
 */
export async function buildCpg(options: BuildOptions, progress: ProgressReporter): Promise<BuildSummary> {
  const root = resolve(options.root);
  assertDirectory(root);
  const storePath = resolve(options.storePath ?? join(root, STORE_RELATIVE_PATH));
  const timer = new StageTimer(progress);

  const scan = await timer.run(
    'scan',
    () => scanRepository({ root, ...(options.include ? { include: [...options.include] } : {}), ...(options.exclude ? { exclude: [...options.exclude] } : {}) }),
    (s) => `${s.files.length} files, ${s.diagnostics.length} diagnostics`,
  );
  if (scan.files.length === 0) {
    throw OrchestratorError.create('NoPythonFiles', `no Python files found under ${root}`, {
      hint: 'check the path, and that the files are not excluded by .gitignore or --exclude',
    });
  }
  const evidence = await timer.run('extract tree-sitter', () => extractDefinitions(scan, progress), (e) => `${e.defs.length} definitions, ${e.errors.length} syntax errors`);

  const registry = registryOfRun();
  const manifest = await timer.run('compile', async () => compileProgram(pythonCpgProgram, registry), (m) => `${m.views.length} views, manifest ${m.fingerprint.slice(0, 12)}`);

  const store = await openStore({ path: storePath });
  try {
    return await store.transaction(async () => {
      await timer.run('ingest', () => ingestEvidence(store, registry, scan, evidence), () => `evidence written to ${storePath}`);
      const deps = await timer.run('plan', () => lineageDeps(store, manifest), (d) => `${d.length} views, inputs from DuckDB plan lineage`);
      const graph = buildTaskGraph(deps);
      const plan = schedule(graph);
      const results = await timer.run('execute', () => executeViews(store, manifest, plan, graph, progress), (r) => `${r.size} views materialized`);
      const counts = await store.query('SELECT node_kind, count(*) AS n FROM cpg.nodes GROUP BY node_kind ORDER BY node_kind');
      const nodesByKind = Object.fromEntries(counts.map((r) => [String(r['node_kind']), Number(r['n'])]));
      return {
        root,
        storePath,
        files: scan.files.length,
        definitions: evidence.defs.length,
        diagnostics: { scan: scan.diagnostics.length + evidence.unreadable.length, syntax: evidence.errors.length },
        nodesByKind,
        manifestFingerprint: manifest.fingerprint,
        tasks: plan.order.map((name) => ({
          name,
          materializedAs: manifest.views.find((v) => v.name === name)?.output === true ? ('table' as const) : ('view' as const),
          inputs: deps.find((d) => d.view === name)?.inputs ?? [],
          planFingerprint: results.get(name)?.planFingerprint ?? '',
          rows: results.get(name)?.rows ?? 0,
        })),
        order: plan.order,
        stages: timer.timings(),
      };
    });
  } finally {
    await store.close();
  }
}
