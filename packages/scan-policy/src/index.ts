export { ScanPolicyError } from './scan-policy-error.js';
export {
  ScannedDatasetSchema,
  ScanPayoffSchema,
  ScanReaderSitesSchema,
  CandidateSubsetSchema,
  ScanPolicyDecisionSchema,
} from './scan-policy-decision.js';
export type { ScannedDataset, ScanPayoff, ScanReaderSites, CandidateSubset, ScanPolicyDecision } from './scan-policy-decision.js';
export { scanReader } from './scan-reader.js';
export type { ScanReader } from './scan-reader.js';
export { PredicateSelectivitySchema, ScanPolicyOptionsSchema, deriveScanPolicy } from './derive-scan-policy.js';
export type { PredicateSelectivity, ScanPolicyOptions } from './derive-scan-policy.js';
export { measureScanPayoff, measuredSelectivity } from './measure-scan-payoff.js';
export type { MeasureScanPayoffOptions } from './measure-scan-payoff.js';
