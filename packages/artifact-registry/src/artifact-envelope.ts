import { FingerprintSchema } from '@anatomy/contracts';
import { z } from 'zod';
import { ArtifactNameSchema } from './artifact-name.js';

/**
 * What an encoded artifact holds: the spec's identity next to the payload, so
 * a reader can tell another artifact, another version or a changed schema
 * apart from a corrupt payload.
 */
export const ArtifactEnvelopeSchema = z.object({
  name: ArtifactNameSchema,
  version: z.number().int().positive(),
  schemaFingerprint: FingerprintSchema,
  payload: z.unknown(),
});
export type ArtifactEnvelope = z.infer<typeof ArtifactEnvelopeSchema>;
