export { PlanSignalsError } from './plan-signals-error.js';
export { PlannableViewSchema, plannableView } from './plannable-view.js';
export type { PlannableView } from './plannable-view.js';
export type { SqlQueryable } from './sql-queryable.js';
export {
  RelationRefSchema,
  ColumnUseSchema,
  FunctionUseSchema,
  JoinUseSchema,
  SetOperationUseSchema,
  OutputColumnSchema,
  PredicateUseSchema,
  ReadSiteSchema,
  ViewLineageSchema,
} from './view-lineage.js';
export type {
  RelationRef,
  ColumnUse,
  FunctionUse,
  JoinUse,
  SetOperationUse,
  OutputColumn,
  PredicateUse,
  ReadSite,
  ViewLineage,
} from './view-lineage.js';
export { readLineageCatalog, withRelationColumns } from './lineage-catalog.js';
export type { LineageCatalog, CatalogFunction } from './lineage-catalog.js';
export { readParseTree } from './read-parse-tree.js';
export { lineageFromParseTree } from './lineage-from-parse-tree.js';
export { renderPredicates } from './render-predicates.js';
export { parseLineage } from './parse-lineage.js';
export type { ParseLineageOptions } from './parse-lineage.js';
export { InferredDepsSchema, inferDeps } from './inferred-deps.js';
export type { InferredDeps } from './inferred-deps.js';
export { PlanScanSchema, NormalizedPlanStatsSchema, PlanBundleSchema } from './plan-bundle.js';
export type { PlanScan, NormalizedPlanStats, PlanBundle } from './plan-bundle.js';
export { planFingerprint } from './plan-fingerprint.js';
export { planStats } from './plan-stats.js';
export { explainView } from './explain-view.js';
export type { ExplainViewOptions } from './explain-view.js';
export { ProfiledOperatorSchema, ProfiledOutcomeSchema, profiledOutcome } from './profiled-outcome.js';
export type { ProfiledOperator, ProfiledOutcome } from './profiled-outcome.js';
export { profileView } from './profile-view.js';
export type { ProfileViewOptions } from './profile-view.js';
export { DatasetReadSchema, datasetReads } from './dataset-reads.js';
export type { DatasetRead } from './dataset-reads.js';
export { FilePartitioningSchema, PlanSignalsSchema, planSignals } from './plan-signals.js';
export { FileLocalitySchema, fileLocality, fileNamingColumns, idFileClaims, objects as parseTreeObjects } from './file-locality.js';
export type { FileLocality, IdFileClaims } from './file-locality.js';
export { keyedUpdate } from './keyed-update.js';
export type { KeyedUpdate } from './keyed-update.js';
export { groupedUpdate } from './grouped-update.js';
export type { GroupedUpdate } from './grouped-update.js';
export type { FilePartitioning, PlanSignals, PlanSignalsOptions } from './plan-signals.js';
export { CapabilitySnapshotSchema, captureCapabilities } from './capability-snapshot.js';
export type { CapabilitySnapshot } from './capability-snapshot.js';
export { PLAN_ANALYSIS_VERSION } from './analysis-version.js';
