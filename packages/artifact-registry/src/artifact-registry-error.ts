import { errorFamily } from '@anatomy/contracts';

/**
 * Errors of the artifact registry. Codes are `artifact-registry/<Reason>`;
 * each carries a hint naming the way out.
 */
export const ArtifactRegistryError = errorFamily('artifact-registry', 'ArtifactRegistryError', [
  'InvalidSpec',
  'InvalidPayload',
  'Undecodable',
  'InvalidEnvelope',
  'WrongArtifact',
  'NewerVersion',
  'UnknownVersion',
  'SchemaMismatch',
  'InvalidRunId',
  'DuplicateArtifact',
  'BundleExists',
  'InvalidBundle',
  'MissingArtifact',
  'CorruptArtifact',
] as const);
