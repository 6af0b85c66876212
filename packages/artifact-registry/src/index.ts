export { ArtifactRegistryError } from './artifact-registry-error.js';
export { ArtifactNameSchema } from './artifact-name.js';
export type { ArtifactName } from './artifact-name.js';
export { defineArtifact } from './define-artifact.js';
export type { ArtifactSpec, ArtifactDefinition } from './define-artifact.js';
export { ArtifactEnvelopeSchema } from './artifact-envelope.js';
export type { ArtifactEnvelope } from './artifact-envelope.js';
export { encodeArtifact, decodeArtifact } from './artifact-codec.js';
export { RunBundleEntrySchema, RunBundleIndexSchema } from './run-bundle-index.js';
export type { RunBundleEntry, RunBundleIndex } from './run-bundle-index.js';
export { artifactEntry, writeRunBundle, readRunBundle } from './run-bundle.js';
export type { ArtifactEntry, RunBundle } from './run-bundle.js';
export {
  ExecutionPackagePartsSchema,
  ExecutionPackageSchema,
  executionPackageFingerprint,
  createExecutionPackage,
  executionPackageArtifact,
} from './execution-package.js';
export type { ExecutionPackageParts, ExecutionPackage } from './execution-package.js';
