import { fingerprint } from '@anatomy/contracts';
import { FileLocalitySchema, inferDeps, PLAN_ANALYSIS_VERSION, PlanBundleSchema, PlanSignalsSchema, ViewLineageSchema } from '@anatomy/plan-signals';
import type { InferredDeps, ViewLineage } from '@anatomy/plan-signals';
import { columnBatch, defineDataset, schemaFingerprint } from '@anatomy/schema-authority';
import type { DatasetSchema, SchemaRegistry } from '@anatomy/schema-authority';
import type { SemanticProgramManifest } from '@anatomy/semantic-ir';
import type { PendingWrite, Store } from '@anatomy/store';
import { z } from 'zod';
import type { PlannedExecution } from './plan-report.js';

/**
 * What planning learned of every view by asking DuckDB: the lineage parsed
 * before the views exist (which evidence the program reads), and, once they
 * exist, each view's plan bundle, plan signals and file-locality decision.
 */
export const PlanAnalysisSchema = z.object({
  lineages: z.record(z.string(), ViewLineageSchema),
  bundles: z.record(z.string(), PlanBundleSchema),
  signals: z.record(z.string(), PlanSignalsSchema),
  locality: z.record(z.string(), FileLocalitySchema),
});
export type PlanAnalysis = z.infer<typeof PlanAnalysisSchema>;

/**
 * `meta.plan_cache`: the plan analysis of the stored build, under the key of
 * what it depends on. Lineage and locality depend only on the compiled
 * program, the evidence schemas and the DuckDB that parsed them, so a build
 * with the same key need not parse and EXPLAIN every view again.
 */
export const planCacheDataset: DatasetSchema = defineDataset({
  name: 'meta.plan_cache',
  producer: 'orchestrator',
  version: 1,
  description: 'The plan analysis (lineage, plan bundles, signals, file-locality) of the stored build, keyed by what it depends on.',
  spanUnit: 'none',
  key: ['cache_key'],
  columns: [
    { name: 'cache_key', type: 'utf8', nullable: false, role: 'entity-identity', description: 'fingerprint of the manifest, the dataset schemas and the DuckDB version' },
    { name: 'analysis', type: 'utf8', nullable: false, role: 'attribute', description: 'the plan analysis as JSON' },
  ],
});

/**
 * The key a plan analysis is valid under: the compiled program's
 * fingerprint, the schema fingerprint of every registered dataset, the
 * DuckDB version (another version may parse or plan differently) and the
 * version of the analysis rules (a store built by an older release must not
 * lend its file-locality to newer rules).
 *
 * @example
 * const key = await planCacheKey(store, manifest, registry);
 */
export async function planCacheKey(store: Store, manifest: SemanticProgramManifest, registry: SchemaRegistry, analysisVersion: number = PLAN_ANALYSIS_VERSION): Promise<string> {
  const version = String((await store.query('SELECT version() AS v'))[0]?.['v'] ?? '');
  const schemas = registry
    .list()
    .map((ds) => [ds.name, schemaFingerprint(ds)])
    .sort(([a], [b]) => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0));
  return fingerprint({ manifest: manifest.fingerprint, schemas, duckdb: version, analysis: analysisVersion });
}

/**
 * The cached plan analysis under a key, or undefined when the store holds
 * none (first build, another program, schema or DuckDB version). A cache
 * entry this code cannot read counts as absent: planning again is always sound.
 *
 * @example
 * const cached = await readPlanCache(store, key);
 */
export async function readPlanCache(store: Store, key: string): Promise<PlanAnalysis | undefined> {
  const exists = await store.query("SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'meta' AND table_name = 'plan_cache'");
  if (Number(exists[0]?.['n'] ?? 0) === 0) return undefined;
  const rows = await store.query('SELECT analysis FROM meta.plan_cache WHERE cache_key = ?', [key]);
  const text = rows[0]?.['analysis'];
  if (typeof text !== 'string') return undefined;
  const parsed = PlanAnalysisSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
}

/**
 * Replaces the cached plan analysis with this one; inside the build's
 * transaction, so the cache always describes the stored build.
 *
 * @example
 * await writePlanCache(store, key, analysis);
 *
 * Its writes are left unmeasured for `store.measureWrites`.
 */
export async function writePlanCache(store: Store, key: string, analysis: PlanAnalysis): Promise<PendingWrite[]> {
  await store.ensureDataset(planCacheDataset);
  const removed = await store.deleteRows({ table: planCacheDataset.name, where: 'true' }, { measure: false });
  const added = await store.ingest(planCacheDataset, columnBatch(planCacheDataset, { cache_key: [key], analysis: [JSON.stringify(analysis)] }), { measure: false });
  return [removed, added];
}

/** The key of this build's plan and the cached analysis under it, if any. */
export interface PlanCacheLookup {
  readonly key: string;
  readonly hit: PlanAnalysis | undefined;
}

/**
 * Looks the plan cache up for a build; `--full` never takes it, so a full
 * build always plans from what DuckDB says now.
 *
 * @example
 * const { key, hit } = await lookUpPlanCache(store, manifest, registry, options.full === true);
 */
export async function lookUpPlanCache(store: Store, manifest: SemanticProgramManifest, registry: SchemaRegistry, full: boolean): Promise<PlanCacheLookup> {
  const key = await planCacheKey(store, manifest, registry);
  const hit = full ? undefined : await readPlanCache(store, key);
  // An entry missing any view is not the plan of this program, whatever its key says.
  const complete = hit !== undefined && manifest.views.every((v) => [hit.lineages, hit.bundles, hit.signals, hit.locality].every((part) => part[v.name] !== undefined));
  return { key, hit: complete ? hit : undefined };
}

/**
 * The inputs of every view from cached lineages, as asking DuckDB would give
 * them. Takes a hit of {@link lookUpPlanCache}, which holds every view.
 *
 * @example
 * const { deps, lineages } = cachedLineageDeps(manifest, hit);
 */
export function cachedLineageDeps(manifest: SemanticProgramManifest, cached: PlanAnalysis): { deps: InferredDeps[]; lineages: Map<string, ViewLineage> } {
  const lineages = new Map<string, ViewLineage>();
  const deps: InferredDeps[] = [];
  for (const view of manifest.views) {
    const lineage = cached.lineages[view.name] as ViewLineage;
    lineages.set(view.name, lineage);
    deps.push(inferDeps(lineage));
  }
  return { deps, lineages };
}

/**
 * What a plan learned, as the cache keeps it.
 *
 * @example
 * await writePlanCache(store, key, analysisOf(lineages, planned));
 */
export function analysisOf(lineages: ReadonlyMap<string, ViewLineage>, planned: PlannedExecution): PlanAnalysis {
  return {
    lineages: Object.fromEntries(lineages),
    bundles: Object.fromEntries(planned.bundles.map((b) => [b.view, b])),
    signals: { ...planned.signals },
    locality: { ...planned.locality },
  };
}
