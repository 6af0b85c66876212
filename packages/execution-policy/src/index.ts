export { ExecutionPolicyError } from './execution-policy-error.js';
export { SizeTierSchema, SizeTierThresholdsSchema, DEFAULT_SIZE_TIER_THRESHOLDS, sizeTier } from './size-tier.js';
export type { SizeTier, SizeTierThresholds } from './size-tier.js';
export { CachePolicySchema } from './cache-policy.js';
export type { CachePolicy } from './cache-policy.js';
export { WritePolicySchema } from './write-policy.js';
export type { WritePolicy } from './write-policy.js';
export { DiagnosticsTierSchema } from './diagnostics-tier.js';
export type { DiagnosticsTier } from './diagnostics-tier.js';
export {
  MaintenanceThresholdsSchema,
  MaintenanceThresholdDecisionsSchema,
  DEFAULT_MAINTENANCE_THRESHOLDS,
} from './maintenance-thresholds.js';
export type { MaintenanceThresholds, MaintenanceThresholdDecisions } from './maintenance-thresholds.js';
export {
  CompiledExecutionPolicyBodySchema,
  CompiledExecutionPolicySchema,
  compiledExecutionPolicyFingerprint,
} from './compiled-execution-policy.js';
export type { CompiledExecutionPolicyBody, CompiledExecutionPolicy } from './compiled-execution-policy.js';
export { ExecutionThresholdsSchema } from './execution-thresholds.js';
export type { ExecutionThresholds } from './execution-thresholds.js';
export { compileExecutionPolicy, cachePoliciesFromShape } from './compile-execution-policy.js';
export type { CompileExecutionPolicyInput, CacheShapeInput } from './compile-execution-policy.js';
