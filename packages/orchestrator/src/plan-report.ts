import { EvidenceSchema, FingerprintSchema, jsonValueSchema } from '@anatomy/contracts';
import type { Evidence } from '@anatomy/contracts';
import { CachePolicySchema, cachePoliciesFromShape, compileExecutionPolicy } from '@anatomy/execution-policy';
import type { CachePolicy, CompiledExecutionPolicy, DiagnosticsTier, ExecutionThresholds } from '@anatomy/execution-policy';
import { datasetReads, explainView, fileLocality, fileNamingColumns, groupedUpdate, idFileClaims, inferDeps, keyedUpdate, parseLineage, planSignals, readLineageCatalog, readParseTree, withRelationColumns } from '@anatomy/plan-signals';
import type { DatasetRead, FileLocality, InferredDeps, PlanBundle, PlanSignals, ViewLineage } from '@anatomy/plan-signals';
import { buildTaskGraph, costModel, schedule, topologicalGenerations } from '@anatomy/scheduler';
import type { CostModel, Schedule, TaskGraph } from '@anatomy/scheduler';
import { columnsWithRole, quoteIdentifier } from '@anatomy/schema-authority';
import type { SchemaRegistry } from '@anatomy/schema-authority';
import type { SemanticProgramManifest } from '@anatomy/semantic-ir';
import { describeColumns, describeQuery } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { z } from 'zod';
import { OrchestratorError } from './orchestrator-error.js';
import { standInSql } from './stand-in.js';
import type { PlanAnalysis } from './plan-cache.js';
import { writeShapeDecision } from './write-shape.js';
import type { WriteShape, WriteShapeDecision } from './write-shape.js';
import { eachOn } from './each-on.js';

/** One view of the plan: what it runs, what DuckDB says it reads, what it costs and how it is kept. */
export const PlanReportTaskSchema = z.object({
  name: z.string().min(1),
  kind: z.string().min(1),
  sql: z.string().min(1),
  /** The stored tables and views its SQL reads, as DuckDB's parse tree names them, sorted. */
  inputs: z.array(z.string().min(1)),
  inputsFrom: z.literal('plan-lineage'),
  planFingerprint: FingerprintSchema,
  estimatedRows: z.number().nonnegative().nullable(),
  /** Cost in (estimated) milliseconds, from the cost model. */
  cost: z.number().nonnegative(),
  cachePolicy: CachePolicySchema,
});
export type PlanReportTask = z.infer<typeof PlanReportTaskSchema>;

/** One decision behind the plan, flattened: what it is about, which choice, the value and why. */
export const PlanReportDecisionSchema = z.object({
  /** The view, dataset or scope (`run`, `store`, `cost-model`) decided about. */
  subject: z.string().min(1),
  /** What was decided: `cache-policy`, `cost`, `scan-columns`, `maintenance.walBytesCheckpoint`, `compiler.file-join`, … */
  decision: z.string().min(1),
  value: jsonValueSchema(),
  confidence: z.number().min(0).max(1),
  rationale: z.string().min(1),
  evidence: z.array(EvidenceSchema).min(1),
});
export type PlanReportDecision = z.infer<typeof PlanReportDecisionSchema>;

/**
 * The JSON the plan command prints: the manifest planned, its views in
 * schedule order, every decision behind the plan, and the critical path.
 */
export const PlanReportSchema = z.object({
  manifestFingerprint: FingerprintSchema,
  tasks: z.array(PlanReportTaskSchema),
  decisions: z.array(PlanReportDecisionSchema),
  criticalPath: z.object({ tasks: z.array(z.string().min(1)), cost: z.number().nonnegative() }),
});
export type PlanReport = z.infer<typeof PlanReportSchema>;

/** What {@link planReport} plans. */
export interface PlanReportOptions {
  /** The compiled program. */
  readonly manifest: SemanticProgramManifest;
  /** An open store holding the evidence tables (empty ones will do); nothing is written to it. */
  readonly store: Store;
  /** The registered datasets; their `file-identity` columns tell which views are file-partitionable. */
  readonly registry?: SchemaRegistry;
  /** Durations of the views measured in earlier runs, in milliseconds; they take precedence over plan estimates. */
  readonly measured?: Readonly<Record<string, number>>;
  readonly tier?: DiagnosticsTier;
  readonly thresholds?: ExecutionThresholds;
  /**
   * The lineage of every view, when the caller already asked DuckDB for it
   * (a build does, to decide which evidence to extract); asked again when
   * absent. Parsing each view's SQL in DuckDB is not free.
   */
  readonly lineages?: ReadonlyMap<string, ViewLineage>;
  /**
   * The plan bundles, signals and file-locality of an earlier plan of the
   * same program and schemas (an incremental build's cache): taken as they
   * are instead of asking DuckDB again, so the plan is the earlier build's,
   * estimates included. No view is created then (see `PlannedExecution.fromCache`).
   */
  readonly cached?: Pick<PlanAnalysis, 'bundles' | 'signals' | 'locality'>;
}

interface Decided {
  readonly value: unknown;
  readonly confidence: number;
  readonly rationale: string;
  readonly evidence: readonly Evidence[];
}

/** `"schema"."table"` for a view name. */
function quotedName(name: string): string {
  return name.split('.').map(quoteIdentifier).join('.');
}

/**
 * Makes room for the views in the caller's transaction, which undoes it:
 * their schemas exist and no table holds a view's name (a table of an
 * earlier build, or the empty table the schema authority creates for an
 * output dataset), so the plans of its readers are the plans of this
 * manifest. One catalog read for all views: the store's generic
 * `materialize` asks the catalog and measures storage for every one.
 */
async function clearViewNames(store: Store, manifest: SemanticProgramManifest): Promise<void> {
  for (const schema of [...new Set(manifest.views.map((v) => v.name.slice(0, v.name.indexOf('.'))))].sort()) {
    await store.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
  }
  const names = new Set(manifest.views.map((v) => v.name as string));
  const tables = await store.query("SELECT schema_name || '.' || table_name AS name FROM duckdb_tables() WHERE database_name = current_database()");
  for (const row of tables) {
    const name = String(row['name']);
    if (names.has(name)) await store.run(`DROP TABLE ${quotedName(name)}`);
  }
}

/** Creates (or replaces) a view under a view's name inside the caller's transaction. */
async function createView(store: Store, name: string, sql: string): Promise<void> {
  await store.run(`CREATE OR REPLACE VIEW ${quotedName(name)} AS ${sql}`);
}

/**
 * What the registered datasets say about files, by dataset: the columns
 * holding the file identity (`fileIdentity`); the columns whose value names
 * the file of the row holding it (`rowFile`) — the entity-identity and
 * parent-identity columns of datasets that carry a file identity (entity ids
 * derive from the file id and a location, so an id belongs to one file; a
 * parent — enclosing node, scope, definition or code object — lies in the
 * file of what it holds); and of all these the ones declared never NULL
 * (`groupKey`): only a GROUP BY on one keeps each group within a file, since
 * a NULL key gathers every file's rows.
 */
function fileColumnsOf(registry: SchemaRegistry | undefined): {
  fileIdentity: Record<string, string[]>;
  rowFile: Record<string, string[]>;
  groupKey: Record<string, string[]>;
} {
  const fileIdentity: Record<string, string[]> = {};
  const rowFile: Record<string, string[]> = {};
  const groupKey: Record<string, string[]> = {};
  for (const ds of registry?.list() ?? []) {
    const identity = columnsWithRole(ds, 'file-identity');
    if (identity.length === 0) continue;
    fileIdentity[ds.name] = identity.map((c) => c.name);
    const naming = [...columnsWithRole(ds, 'entity-identity'), ...columnsWithRole(ds, 'parent-identity')];
    if (naming.length > 0) rowFile[ds.name] = naming.map((c) => c.name);
    const keys = [...identity, ...naming].filter((c) => !c.nullable).map((c) => c.name);
    if (keys.length > 0) groupKey[ds.name] = [...new Set(keys)];
  }
  return { fileIdentity, rowFile, groupKey };
}

/**
 * The result column through which a view hands its rows' file identity on
 * to its readers: one passing an input's file identity through in every
 * branch (global views too: a call resolved across files keeps its own
 * file), or one picked per group of rows of one file; null when none does.
 * A reader file-local over it depends, for each file, only on the rows of
 * the view that this column puts in that file.
 *
 * @example
 * carriedFileColumn(planned.signals['rel.calls'], planned.locality['rel.calls']); // 'file_id'
 */
export function carriedFileColumn(signals: PlanSignals | undefined, locality: FileLocality | undefined): string | null {
  // A view with rows of no file (a NULL file column) hands on no file identity: a reader's NULL rows would escape its per-file updates.
  return signals?.filePartitioning.column ?? (locality?.nullFile === undefined ? (locality?.column ?? null) : null);
}

/**
 * The one column naming each row's file, by relation: the file identity of
 * every registered dataset that has one (see `fileColumnsOf`), the file
 * column of every file-local view, and the column a global view hands its
 * rows' file on in (see {@link carriedFileColumn}). An incremental build
 * limits its reads of these relations to the changed files (see
 * `fileFilteredSql`): a file-local reader's rows of a file come from its
 * inputs' rows of that file only, global inputs included.
 *
 * @example
 * relationFileColumns(registry, planned.locality, planned.signals).get('derived.loads'); // 'file_id'
 */
export function relationFileColumns(registry: SchemaRegistry, locality: Readonly<Record<string, FileLocality>>, signals: Readonly<Record<string, PlanSignals>> = {}): Map<string, string> {
  const columns = new Map<string, string>();
  for (const [dataset, identity] of Object.entries(fileColumnsOf(registry).fileIdentity)) if (identity[0] !== undefined) columns.set(dataset, identity[0]);
  for (const [view, l] of Object.entries(locality)) {
    const column = viewFileColumn(signals[view], l);
    if (column !== null) columns.set(view, column);
  }
  return columns;
}

/**
 * The relations of {@link relationFileColumns} whose file column cannot
 * hold NULL: registered datasets (not views, whose tables DuckDB creates
 * without constraints) that declare their file identity not nullable, a
 * constraint the table enforces. A limited read of one needs no scan for
 * its rows of no file (see `fileFilteredSql`).
 *
 * @example
 * nullFreeFileColumns(registry, planned.locality).has('evidence.py_defs'); // true
 */
export function nullFreeFileColumns(registry: SchemaRegistry, locality: Readonly<Record<string, FileLocality>>): Set<string> {
  const free = new Set<string>();
  for (const ds of registry.list()) {
    const identity = columnsWithRole(ds, 'file-identity')[0];
    if (identity !== undefined && !identity.nullable && locality[ds.name] === undefined) free.add(ds.name);
  }
  return free;
}

/**
 * The column an incremental build reads a view's rows by file with: a
 * file-local view's file column, else the one it hands its rows' file on
 * in (see {@link carriedFileColumn}); null for a view of neither. A table
 * stored in this column's order keeps each file's rows together, so those
 * reads skip the row groups of other files.
 */
export function viewFileColumn(signals: PlanSignals | undefined, locality: FileLocality | undefined): string | null {
  return locality?.local === true && locality.column !== null ? locality.column : carriedFileColumn(signals, locality);
}

interface Analysis {
  readonly deps: readonly InferredDeps[];
  readonly bundles: ReadonlyMap<string, PlanBundle>;
  readonly signals: Readonly<Record<string, PlanSignals>>;
  readonly locality: Readonly<Record<string, FileLocality>>;
  readonly fromCache: boolean;
  readonly standIns: ReadonlySet<string>;
}

/**
 * Lineage, plan bundles and signals of every view, asked of DuckDB. With
 * `rollback`, inside a transaction of its own that is rolled back; without,
 * inside the caller's transaction (or none, when views of a generation are
 * planned on two connections), leaving every view that will stay inline
 * created as a DuckDB view, every other one that a view reads as its
 * stand-in (see `standInSql`) until it is materialized, and nothing under
 * the name of a stored view that no view reads.
 */
async function analyse(
  store: Store,
  manifest: SemanticProgramManifest,
  registry: SchemaRegistry | undefined,
  rollback: boolean,
  given: ReadonlyMap<string, ViewLineage> | undefined,
  cached: PlanReportOptions['cached'],
  thresholds: ExecutionThresholds | undefined,
): Promise<Analysis> {
  if (rollback) await store.run('BEGIN TRANSACTION');
  try {
    for (const macro of manifest.macros) await store.run(macro.sql);
    const lineages = new Map<string, ViewLineage>();
    const missing = manifest.views.filter((view) => given?.get(view.name) === undefined);
    const before = missing.length > 0 ? await readLineageCatalog(store) : undefined;
    for (const view of manifest.views) lineages.set(view.name, given?.get(view.name) ?? (await parseLineage(store, view, before === undefined ? {} : { catalog: before })));
    const deps = manifest.views.map((view) => inferDeps(lineages.get(view.name) as ViewLineage));
    const graph = buildTaskGraph(deps);
    const byName = new Map(manifest.views.map((v) => [v.name as string, v]));
    if (cached !== undefined && manifest.views.every((v) => cached.bundles[v.name] !== undefined && cached.signals[v.name] !== undefined && cached.locality[v.name] !== undefined)) {
      // No view is created here: the caller creates each inline view when the schedule reaches it
      // (its inputs exist by then) and materializes the others from their SQL. Binding every view
      // up front, each expanding the inline views it reads, took seconds per build.
      return {
        deps,
        bundles: new Map(Object.entries(cached.bundles)),
        signals: { ...cached.signals },
        locality: { ...cached.locality },
        fromCache: true,
        standIns: new Set(),
      };
    }
    const { fileIdentity: fileIdentityColumns, rowFile: rowFileColumns, groupKey: groupKeyColumns } = fileColumnsOf(registry);
    const bundles = new Map<string, PlanBundle>();
    const signals: Record<string, PlanSignals> = {};
    const locality: Record<string, FileLocality> = {};
    // Which views will be stored is known from the graph's shape and the lineage alone. Each of them
    // stands in for its readers' plans as what they will really read — a relation of its columns and
    // estimated rows — so a reader's plan never expands the views behind a stored one again. Planning
    // every view against the views it reads, each expanding its own inputs, bound the whole view DAG
    // as a tree: most of a small build's time.
    const reads: Record<string, readonly DatasetRead[]> = {};
    for (const view of manifest.views) reads[view.name] = datasetReads(lineages.get(view.name) as ViewLineage);
    const stored = cachePoliciesFromShape({ views: manifest.views, graph, reads, ...(thresholds === undefined ? {} : { thresholds }) });
    const standIns = new Set<string>();
    // What the stable ids of the views planned so far say about their rows' files.
    const claims: Record<string, Record<string, string[]>> = {};
    await clearViewNames(store, manifest);
    let catalog = await readLineageCatalog(store);
    // The views some other view reads; the database whose name each plan is stripped of (the lane's is the same).
    const read = new Set(deps.flatMap((d) => d.inputs));
    const database = String((await store.query('SELECT current_database() AS db'))[0]?.['db'] ?? '');
    // Views are explained in dependency order: a view's plan needs its inputs to exist. The views of one
    // generation read none of each other, so DuckDB plans them on two connections at once (outside a
    // transaction, where a second connection sees what the first committed); what is learnt from each plan
    // is then taken in the generation's order, so the result does not depend on which connection was first.
    const planGenerations = async (lane: Store | null): Promise<void> => {
      for (const generation of topologicalGenerations(graph)) {
        const asked = await eachOn(lane === null ? [store] : [store, lane], generation, async (connection, name) => {
          const view = byName.get(name);
          if (view === undefined) {
            throw OrchestratorError.create('ViewMissing', `the task graph names ${name}, which the manifest does not hold`, {
              hint: 'this is a bug: the task graph must come from the same manifest',
            });
          }
          // Read again now that the views it reads exist: the catalog then knows their columns,
          // which attributes unqualified names and traces result columns through them.
          const parseTree = await readParseTree(connection, view);
          const known = await parseLineage(connection, view, { catalog, parseTree });
          const bundle = await explainView(connection, view, { parseTree, database });
          // A stored view that no view reads is needed by no later plan: nothing is created for it
          // (binding the SQL of cpg.edges alone takes a tenth of a second, twice over).
          if (stored[name] !== 'inline-view' && !read.has(name)) return { known, bundle, columns: null };
          if (stored[name] !== 'inline-view') {
            // A stored view's readers are planned against its stand-in, which needs only its columns.
            const columns = await describeQuery(connection, view.sql);
            await createView(connection, name, standInSql(columns, bundle.stats.estimatedRows));
            return { known, bundle, columns };
          }
          await createView(connection, name, view.sql);
          // DESCRIBE binds just this relation; `duckdb_columns()` lists every column of the database, several times the cost per view.
          return { known, bundle, columns: await describeColumns(connection, name) };
        });
        for (const [i, name] of generation.entries()) {
          const { known, bundle, columns } = asked[i] as (typeof asked)[number];
          learn(name, known, bundle);
          if (columns === null) continue;
          catalog = withRelationColumns(catalog, name, columns.map((c) => c.name));
          if (stored[name] !== 'inline-view') standIns.add(name);
        }
      }
    };
    // What one view's lineage and plan say about its rows' files, handed on to the views reading it.
    const learn = (name: string, known: ViewLineage, bundle: PlanBundle): void => {
      const viewSignals = planSignals(bundle, known, { fileIdentityColumns });
      const viewLocality = fileLocality({
        lineage: known,
        parseTree: bundle.parseTree,
        partitioning: viewSignals.filePartitioning,
        fileIdentityColumns,
        rowFileColumns,
        relationColumns: catalog.columns,
        groupKeyColumns,
        idFileClaims: claims,
      });
      // A view that carries a file identity (passed through, or picked per group of one file) hands it on to the views reading it.
      const carried = carriedFileColumn(viewSignals, viewLocality);
      // Result columns naming their row's file (only a file-local view has any) partition windows and join files downstream.
      const naming: Record<string, string[]> = { ...rowFileColumns };
      for (const [table, columns] of Object.entries(fileIdentityColumns)) naming[table] = [...(naming[table] ?? []), ...columns];
      // A global view carrying its rows' file may still be recomputed for some files, given the keys its other inputs changed.
      const keyed = viewLocality.local || carried === null ? null : keyedUpdate({ lineage: known, parseTree: bundle.parseTree, fileColumn: carried, fileIdentityColumns, naming, groupKeyColumns, relationColumns: catalog.columns });
      // A global view grouping one relation by one of its columns is recomputed for the keys that relation's changed rows hold.
      const grouped = viewLocality.local || (keyed !== null && typeof keyed !== 'string') ? null : groupedUpdate({ lineage: known, parseTree: bundle.parseTree });
      const withGroups = grouped === null || typeof grouped === 'string' ? viewLocality : { ...viewLocality, grouped };
      locality[name] = keyed === null ? withGroups : typeof keyed === 'string' ? { ...withGroups, unkeyed: keyed } : { ...withGroups, keyed };
      if (carried !== null) {
        fileIdentityColumns[name] = [carried];
        naming[name] = [...(naming[name] ?? []), carried];
      }
      // A global view's ids may still name its rows' file part by part: a merge of such views by id stays within files.
      if (carried !== null) {
        const claimed = idFileClaims({ parseTree: bundle.parseTree, fileColumn: carried, fileIdentityColumns, naming, groupKeyColumns });
        if (Object.keys(claimed).length > 0) claims[name] = claimed;
      }
      const passed = fileNamingColumns({ lineage: known, parseTree: bundle.parseTree, locality: viewLocality, naming, groupKeyColumns });
      if (passed.length > 0) rowFileColumns[name] = passed;
      // The ones that never hold NULL can key a GROUP BY downstream.
      const keys = fileNamingColumns({ lineage: known, parseTree: bundle.parseTree, locality: viewLocality, naming: groupKeyColumns, groupKeyColumns, nonNull: true });
      if (keys.length > 0) groupKeyColumns[name] = keys;
      bundles.set(name, bundle);
      signals[name] = viewSignals;
    };
    // Inside a transaction (a plan that is rolled back) the store lends no lane, and one connection plans every view.
    await store.withLane(planGenerations);
    return { deps, bundles, signals, locality, fromCache: false, standIns };
  } finally {
    if (rollback) await store.run('ROLLBACK');
  }
}

function flatten(subject: string, decision: string, d: Decided): PlanReportDecision {
  return {
    subject,
    decision,
    value: JSON.parse(JSON.stringify(d.value)) as PlanReportDecision['value'],
    confidence: d.confidence,
    rationale: d.rationale,
    evidence: d.evidence.map((e) => ({ source: e.source, detail: e.detail })),
  };
}

/** The file-locality decision of one view, its rationale saying how an incremental build brings it up to date. */
export function localityDecision(locality: FileLocality): Decided {
  return {
    value: {
      local: locality.local,
      column: locality.column,
      ...(locality.nullFile === undefined ? {} : { nullFile: locality.nullFile }),
      ...(locality.keyed === undefined ? {} : { keyed: { column: locality.keyed.column, anchors: locality.keyed.anchors, probes: locality.keyed.probes } }),
      ...(locality.grouped === undefined ? {} : { grouped: { column: locality.grouped.column, source: locality.grouped.source } }),
    },
    confidence: 1,
    rationale: locality.local
      ? `file-local: ${locality.reason}`
      : `global: ${locality.reason}${
          locality.keyed !== undefined
            ? `; recomputed by file all the same, given the keys that changed: ${locality.keyed.reason}`
            : locality.grouped !== undefined
              ? `; recomputed group by group all the same, for the keys its input's changed rows hold: ${locality.grouped.reason}`
              : locality.unkeyed !== undefined
                ? `; recomputed whole when an input changed, not by key: ${locality.unkeyed}`
                : ''
        }`,
    evidence: [{ source: 'plan-lineage', detail: 'json_serialize_sql parse tree and the lineage read from it' }],
  };
}

function decisionsOf(
  manifest: SemanticProgramManifest,
  model: CostModel,
  policy: CompiledExecutionPolicy,
  locality: Readonly<Record<string, FileLocality>>,
  writeShapes: ReadonlyMap<string, WriteShapeDecision> = new Map(),
): PlanReportDecision[] {
  const out: PlanReportDecision[] = [];
  for (const decision of manifest.decisions) out.push(flatten(manifest.program, `compiler.${decision.value.topic}`, decision));
  for (const view of manifest.views) {
    for (const decision of view.decisions) out.push(flatten(view.name, `compiler.${decision.value.topic}`, decision));
    const local = locality[view.name];
    if (local !== undefined) out.push(flatten(view.name, 'file-locality', localityDecision(local)));
    const cost = model.decisions[view.name];
    if (cost !== undefined) out.push(flatten(view.name, 'cost', cost));
    const cache = (policy.cache as Readonly<Record<string, Decided>>)[view.name];
    if (cache !== undefined) out.push(flatten(view.name, 'cache-policy', cache));
    const shape = writeShapes.get(view.name);
    if (shape !== undefined) out.push(flatten(view.name, 'write-shape', shape));
  }
  out.push(flatten('cost-model', 'ms-per-row', model.msPerRow));
  for (const [dataset, scan] of Object.entries(policy.scan)) {
    out.push(flatten(dataset, 'scan-columns', scan.columns));
    out.push(flatten(dataset, 'scan-pushed-predicates', scan.pushedPredicates));
    out.push(flatten(dataset, 'scan-materialize-subset', scan.materializeSubset));
  }
  for (const [key, decision] of Object.entries(policy.maintenance)) out.push(flatten('store', `maintenance.${key}`, decision));
  out.push(flatten('run', 'write-policy', policy.write));
  out.push(flatten('run', 'diagnostics-tier', policy.diagnosticsTier));
  return out;
}

/**
 * Plans a compiled program against a store without running it: DuckDB's
 * parse tree gives each view's lineage and inputs, the task graph and its
 * cost-aware schedule follow, `EXPLAIN` gives plan bundles and signals (the
 * views are created as DuckDB views in dependency order inside a
 * transaction that is rolled back, so nothing persists), and the execution
 * policy is compiled from all of it. Returns the plan command's JSON.
 * Throws `scheduler/CycleDetected` when views read each other in a loop and
 * the plan-signals errors of a view DuckDB cannot parse or plan.
 *
 * @example
 * const report = await planReport({ manifest: compileProgram(pythonCpgProgram, registry), store, registry });
 * report.tasks.map((t) => `${t.name} ← ${t.inputs.join(', ')}`);
 * process.stdout.write(formatPlanReport(report));
 */
export async function planReport(options: PlanReportOptions): Promise<PlanReport> {
  return (await planExecution(options, true)).report;
}

/** A plan ready to run: the report, the compiled policy the runtime follows, the schedule and its graph. */
export interface PlannedExecution {
  readonly report: PlanReport;
  /** The plan bundle of every view, in schedule order. */
  readonly bundles: readonly PlanBundle[];
  readonly policy: CompiledExecutionPolicy;
  readonly schedule: Schedule;
  readonly graph: TaskGraph;
  /** Which views are file-local (recomputed file by file in an incremental build) and which global, from lineage. */
  readonly locality: Readonly<Record<string, FileLocality>>;
  /** The plan signals of every view, by name. */
  readonly signals: Readonly<Record<string, PlanSignals>>;
  /**
   * Whether the bundles, signals and locality came from `cached` rather than
   * from DuckDB. Then no view was created: the caller creates each
   * `inline-view` one when the schedule reaches it.
   */
  readonly fromCache: boolean;
  /**
   * The views planning left as stand-ins — relations of their columns and
   * estimated rows, never meant to be read — rather than as DuckDB views:
   * those the graph's shape says to store and some view reads (one that no
   * view reads is left uncreated). Each must be materialized, or created as
   * its view, before anything reads it.
   */
  readonly standIns: ReadonlySet<string>;
}

/**
 * Plans a compiled program inside the caller's open transaction, as a build
 * does: every view the policy keeps inline is left created as a DuckDB view,
 * every other one that a view reads as a stand-in (`standIns`); the caller
 * materializes each stored view, in schedule order, before anything reads
 * it. Outside a transaction the views of each generation are planned on two
 * connections (the store's and a lane), with the same result.
 *
 * @example
 * await store.transaction(async () => {
 *   const planned = await planInTransaction({ manifest, store, registry });
 *   for (const name of planned.schedule.order) { ... }
 * });
 */
export async function planInTransaction(options: PlanReportOptions): Promise<PlannedExecution> {
  return planExecution(options, false);
}

async function planExecution(options: PlanReportOptions, rollback: boolean): Promise<PlannedExecution> {
  const { manifest, store } = options;
  const { deps, bundles, signals, locality, fromCache, standIns } = await analyse(store, manifest, options.registry, rollback, options.lineages, options.cached, options.thresholds);
  const graph = buildTaskGraph(deps);
  const model = costModel([...bundles.values()], options.measured ?? {});
  const plan = schedule(graph, model.costs);
  const policy = compileExecutionPolicy({
    manifestFingerprint: manifest.fingerprint,
    views: manifest.views,
    graph,
    signals,
    locality,
    ...(options.tier === undefined ? {} : { tier: options.tier }),
    ...(options.thresholds === undefined ? {} : { thresholds: options.thresholds }),
  });
  const byName = new Map(manifest.views.map((v) => [v.name as string, v]));
  const cache = policy.cache as Readonly<Record<string, { readonly value: CachePolicy }>>;
  const tasks = plan.order.map((name) => {
    const view = byName.get(name);
    const bundle = bundles.get(name);
    return {
      name,
      kind: view?.kind ?? '',
      sql: view?.sql ?? '',
      inputs: [...(deps.find((d) => d.view === name)?.inputs ?? [])],
      inputsFrom: 'plan-lineage' as const,
      planFingerprint: bundle?.planFingerprint ?? '',
      estimatedRows: bundle?.stats.estimatedRows ?? null,
      cost: plan.costs[name] ?? 0,
      cachePolicy: cache[name]?.value ?? 'materialized-table',
    };
  });
  const report = PlanReportSchema.parse({
    manifestFingerprint: manifest.fingerprint,
    tasks,
    decisions: decisionsOf(manifest, model, policy, locality, writeShapesOf(manifest, bundles, cache, locality, signals)),
    criticalPath: { tasks: [...plan.criticalPath.tasks], cost: plan.criticalPath.cost },
  });
  const orderedBundles = plan.order.map((name) => bundles.get(name)).filter((b): b is PlanBundle => b !== undefined);
  return { report, bundles: orderedBundles, policy, schedule: plan, graph, locality, signals, fromCache, standIns };
}

/** How a full build writes each stored view that one statement would not suit (see write-shape.ts). */
function writeShapesOf(
  manifest: SemanticProgramManifest,
  bundles: ReadonlyMap<string, PlanBundle>,
  cache: Readonly<Record<string, { readonly value: CachePolicy }>>,
  locality: Readonly<Record<string, FileLocality>>,
  signals: Readonly<Record<string, PlanSignals>>,
): Map<string, WriteShapeDecision> {
  const out = new Map<string, WriteShapeDecision>();
  for (const view of manifest.views) {
    if (cache[view.name]?.value === 'inline-view') continue;
    const decision = writeShapeDecision(bundles.get(view.name)?.parseTree, locality[view.name], viewFileColumn(signals[view.name], locality[view.name]), signals[view.name]);
    if (decision !== null) out.set(view.name, decision);
  }
  return out;
}

/** The write shape a plan decided for a view, or null when it is written as one statement. */
export function plannedWriteShape(report: PlanReport, view: string): WriteShape | null {
  const decision = report.decisions.find((d) => d.subject === view && d.decision === 'write-shape');
  return decision === undefined ? null : (decision.value as unknown as WriteShape);
}

function formatNumber(value: number | null): string {
  if (value === null) return '?';
  if (value === 0) return '0';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(3)).toString();
}

function table(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : rightAligned.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/**
 * Renders a plan report for people: the views in schedule order (critical
 * path marked `*`) with kind, cache policy, estimated rows, cost, plan
 * fingerprint and inputs; the critical path; then every decision, least
 * sure first.
 *
 * @example
 * process.stdout.write(formatPlanReport(await planReport({ manifest, store })));
 */
export function formatPlanReport(report: PlanReport): string {
  const critical = new Set(report.criticalPath.tasks);
  const out: string[] = [
    `plan of manifest ${report.manifestFingerprint.slice(0, 12)}: ${report.tasks.length} views in schedule order, inputs from DuckDB plan lineage`,
  ];
  const rows = report.tasks.map((t, i) => [
    String(i + 1),
    critical.has(t.name) ? '*' : '',
    t.name,
    t.kind,
    t.cachePolicy,
    formatNumber(t.estimatedRows),
    formatNumber(t.cost),
    t.planFingerprint.slice(0, 12),
    t.inputs.join(', ') || '-',
  ]);
  for (const line of table(['#', 'cp', 'view', 'kind', 'cache', 'est. rows', 'cost ms', 'plan', 'inputs'], rows, new Set([0, 5, 6]))) out.push(`  ${line}`);
  out.push(
    report.criticalPath.tasks.length === 0
      ? 'critical path: none (no views)'
      : `critical path (${formatNumber(report.criticalPath.cost)} ms): ${report.criticalPath.tasks.join(' → ')}`,
  );
  out.push(`decisions (${report.decisions.length}, least sure first):`);
  const ordered = [...report.decisions].sort((a, b) => a.confidence - b.confidence || (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
  const decisionRows = ordered.map((d) => {
    const value = JSON.stringify(d.value);
    return [d.confidence.toFixed(2), d.subject, d.decision, value.length > 48 ? `${value.slice(0, 45)}...` : value, d.rationale];
  });
  for (const line of table(['conf', 'subject', 'decision', 'value', 'why'], decisionRows, new Set([0]))) out.push(`  ${line}`);
  return `${out.join('\n')}\n`;
}
