export {
  FileIdSchema,
  NodeIdSchema,
  EdgeIdSchema,
  ViewNameSchema,
  RunIdSchema,
  FingerprintSchema,
} from './branded-id.js';
export type { FileId, NodeId, EdgeId, ViewName, RunId, Fingerprint } from './branded-id.js';
export { ByteSpanSchema, spanLength, spanContains, spanOverlaps } from './span.js';
export type { ByteSpan } from './span.js';
export { stableId, stableIdSql, MAX_FLAT_ID_PARTS, STABLE_ID_MACRO, STABLE_ID_MACRO_SQL } from './stable-id.js';
export type { StableIdPart } from './stable-id.js';
export { sqlString } from './sql-string.js';
export { canonicalJson, fingerprint } from './fingerprint.js';
export { EvidenceSchema, decisionSchema, decide } from './decision.js';
export type { Decision, Evidence } from './decision.js';
export { AnatomyError, errorFamily } from './anatomy-error.js';
export type { ErrorFamily, ErrorOptions } from './anatomy-error.js';
export { validate, formatIssues } from './validation-issue.js';
export type { ValidationIssue, Validated } from './validation-issue.js';
export { jsonProblem, jsonValueSchema } from './json-value.js';
export type { JsonValue } from './json-value.js';
