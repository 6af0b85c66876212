export { SemanticIrError } from './semantic-ir-error.js';
export {
  DatasetNameSchema,
  LocalViewNameSchema,
  OutputNameSchema,
  EntityNamespaceSchema,
  KindNameSchema,
  ColumnNameSchema,
} from './declaration-names.js';
export type { ViewFactory } from './view-factory.js';
export { RoleConditionSchema, ConditionValueSchema } from './role-condition.js';
export type { RoleCondition, ConditionValue } from './role-condition.js';
export { Normalize, NormalizeSchema } from './normalize.js';
export { Derive, DeriveSchema } from './derive.js';
export { RelateEndpointSchema, endpointDataset } from './relate-endpoint.js';
export type { RelateEndpoint } from './relate-endpoint.js';
export { Relate, RelateSchema, RelateIntentSchema, RelateKeySchema, RelateBridgeSchema, QualityFeatureSchema, FeatureWeightSchema } from './relate.js';
export type { RelateIntent, RelateKey, RelateBridge, QualityFeature } from './relate.js';
export { Union, UnionSchema } from './union.js';
export { Project, ProjectSchema, ProjectRowsSchema } from './project.js';
export type { ProjectRows } from './project.js';
export { Diagnostic, DiagnosticSchema, messagePlaceholders } from './diagnostic.js';
export { ViewDeclSchema, VIEW_KINDS } from './view-decl.js';
export type { ViewDecl, ViewKind, ViewOfKind } from './view-decl.js';
export { visitView } from './view-visitor.js';
export type { ViewVisitor } from './view-visitor.js';
export { viewOutputName } from './view-output-name.js';
export { SemanticProgramSchema, defineProgram } from './semantic-program.js';
export type { SemanticProgram } from './semantic-program.js';
export { ColumnFillSchema, CompilerInferenceSchema, CompilerDecisionSchema, JoinStrategySchema } from './compiler-decision.js';
export type { ColumnFill, CompilerInference, CompilerDecision, JoinStrategy } from './compiler-decision.js';
export { SemanticProgramManifestSchema, ManifestViewSchema, ManifestMacroSchema } from './semantic-program-manifest.js';
export type { SemanticProgramManifest, ManifestView, ManifestMacro } from './semantic-program-manifest.js';
export { manifestFingerprint } from './manifest-fingerprint.js';
export type { ManifestContent } from './manifest-fingerprint.js';
export { SEMANTIC_MACROS, SPAN_CONTAINS_MACRO, SPAN_OVERLAPS_MACRO, CONFIDENCE_MACRO, MERGE_ORIGIN_MACRO } from './semantic-macros.js';
export { edgeTemplate, EDGE_NAMESPACE } from './edge-template.js';
export { lineIndexDatasets } from './line-index-dataset.js';
export { compileProgram, CompileOptionsSchema } from './compile-program.js';
export type { CompileOptions } from './compile-program.js';
