export { ScannedDatasetSchema, ScanPayoffSchema, ScanPolicyDecisionSchema } from './scan-policy-decision.js';
export type { ScannedDataset, ScanPayoff, ScanPolicyDecision } from './scan-policy-decision.js';
