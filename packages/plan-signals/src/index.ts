export { PlanSignalsError } from './plan-signals-error.js';
export { PlannableViewSchema, plannableView } from './plannable-view.js';
export type { PlannableView } from './plannable-view.js';
export {
  RelationRefSchema,
  ColumnUseSchema,
  FunctionUseSchema,
  JoinUseSchema,
  SetOperationUseSchema,
  ViewLineageSchema,
} from './view-lineage.js';
export type { RelationRef, ColumnUse, FunctionUse, JoinUse, SetOperationUse, ViewLineage } from './view-lineage.js';
export { readLineageCatalog } from './lineage-catalog.js';
export type { LineageCatalog, CatalogFunction } from './lineage-catalog.js';
export { readParseTree } from './read-parse-tree.js';
export { lineageFromParseTree } from './lineage-from-parse-tree.js';
export { parseLineage } from './parse-lineage.js';
export type { ParseLineageOptions } from './parse-lineage.js';
export { InferredDepsSchema, inferDeps } from './inferred-deps.js';
export type { InferredDeps } from './inferred-deps.js';
export { PlanScanSchema, NormalizedPlanStatsSchema, PlanBundleSchema } from './plan-bundle.js';
export type { PlanScan, NormalizedPlanStats, PlanBundle } from './plan-bundle.js';
export { planFingerprint } from './plan-fingerprint.js';
export { planStats } from './plan-stats.js';
export { explainView } from './explain-view.js';
export { CapabilitySnapshotSchema, captureCapabilities } from './capability-snapshot.js';
export type { CapabilitySnapshot } from './capability-snapshot.js';
