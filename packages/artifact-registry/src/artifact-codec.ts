import { formatIssues, validate } from '@anatomy/contracts';
import { Packr } from 'msgpackr';
import type { z } from 'zod';
import { ArtifactEnvelopeSchema } from './artifact-envelope.js';
import type { ArtifactEnvelope } from './artifact-envelope.js';
import { ArtifactRegistryError } from './artifact-registry-error.js';
import { canonicalOrder } from './canonical-order.js';
import type { ArtifactSpec } from './define-artifact.js';

/**
 * Options chosen for byte-for-byte reproducible output:
 * - `useRecords: false` — record extensions share structures between calls,
 *   which makes the bytes of one value depend on what was packed before;
 * - `int64AsType: 'bigint'` — msgpackr writes every bigint as a 64-bit integer
 *   and every JS number as int32 or float64, so reading 64-bit integers back
 *   as bigint returns exactly the type that was written;
 * - `useBigIntExtension` — bigints beyond 64 bits survive instead of throwing.
 */
const packr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  int64AsType: 'bigint',
  useBigIntExtension: true,
  moreTypes: false,
  bundleStrings: false,
});

function payloadProblem(spec: ArtifactSpec, issues: string, direction: 'encode' | 'decode'): Error {
  return ArtifactRegistryError.create('InvalidPayload', `cannot ${direction} artifact '${spec.name}' v${spec.version}: the payload does not match its schema:\n${issues}`, {
    details: { artifact: spec.name, version: spec.version },
    hint:
      direction === 'encode'
        ? 'the producer built a payload its own spec rejects; fix the producer (each line above names the field)'
        : 'the bytes carry the right name, version and schema but the payload is invalid; regenerate the artifact',
  });
}

/**
 * Encodes a payload as msgpack, wrapped in an envelope naming its spec. The
 * payload is validated first (throwing `artifact-registry/InvalidPayload`) and
 * its keys are put in canonical order, so equal payloads give equal bytes.
 *
 * @example
 * const bytes = encodeArtifact(maintenanceReport, { actions: ['checkpoint'] });
 */
export function encodeArtifact<S extends z.ZodType>(spec: ArtifactSpec<S>, payload: z.input<S>): Uint8Array {
  const checked = validate(spec.payload, payload);
  if (!checked.ok) throw payloadProblem(spec, formatIssues(checked.issues), 'encode');
  let ordered: unknown;
  try {
    ordered = canonicalOrder({ name: spec.name, version: spec.version, schemaFingerprint: spec.schemaFingerprint, payload: checked.value });
  } catch (cause) {
    throw ArtifactRegistryError.create('InvalidPayload', `cannot encode artifact '${spec.name}': ${(cause as Error).message}`, {
      details: { artifact: spec.name },
      cause,
      hint: 'payload schemas should describe plain data: objects, arrays, strings, numbers, bigints, booleans, null, Uint8Array or Date',
    });
  }
  // msgpackr hands out views into a buffer it reuses; copy so callers own their bytes.
  return Uint8Array.from(packr.pack(ordered));
}

function readEnvelope(spec: ArtifactSpec, bytes: Uint8Array): ArtifactEnvelope {
  let raw: unknown;
  try {
    raw = packr.unpack(bytes);
  } catch (cause) {
    throw ArtifactRegistryError.create('Undecodable', `the bytes given for artifact '${spec.name}' are not msgpack: ${(cause as Error).message}`, {
      details: { artifact: spec.name, byteLength: bytes.byteLength },
      cause,
      hint: 'the file is truncated or was not written by encodeArtifact; regenerate it',
    });
  }
  const envelope = validate(ArtifactEnvelopeSchema, raw);
  if (!envelope.ok) {
    throw ArtifactRegistryError.create('InvalidEnvelope', `the bytes given for artifact '${spec.name}' are msgpack but not an artifact envelope:\n${formatIssues(envelope.issues)}`, {
      details: { artifact: spec.name, issues: envelope.issues },
      hint: 'only bytes produced by encodeArtifact can be decoded; regenerate the artifact',
    });
  }
  return envelope.value;
}

/**
 * Decodes bytes written by {@link encodeArtifact} for this spec. Rejects, with
 * an `artifact-registry/...` error and a hint: bytes that are not msgpack
 * (`Undecodable`) or not an envelope (`InvalidEnvelope`), another artifact
 * (`WrongArtifact`), a version newer (`NewerVersion`) or older
 * (`UnknownVersion`) than the spec's, a payload schema that changed without a
 * version bump (`SchemaMismatch`), and an invalid payload (`InvalidPayload`).
 *
 * @example
 * const report = decodeArtifact(maintenanceReport, bytes); // typed by the spec
 */
export function decodeArtifact<S extends z.ZodType>(spec: ArtifactSpec<S>, bytes: Uint8Array): z.output<S> {
  const envelope = readEnvelope(spec, bytes);
  const found = { artifact: envelope.name, version: envelope.version, schemaFingerprint: envelope.schemaFingerprint };
  const expected = { artifact: spec.name, version: spec.version, schemaFingerprint: spec.schemaFingerprint };
  if (envelope.name !== spec.name) {
    throw ArtifactRegistryError.create('WrongArtifact', `expected artifact '${spec.name}' but the bytes hold '${envelope.name}'`, {
      details: { expected, found },
      hint: `decode these bytes with the spec of '${envelope.name}', or pick the file of '${spec.name}'`,
    });
  }
  if (envelope.version > spec.version) {
    throw ArtifactRegistryError.create('NewerVersion', `artifact '${spec.name}' was written as v${envelope.version}; this build reads v${spec.version}`, {
      details: { expected, found },
      hint: 'a newer Anatomy wrote it: upgrade Anatomy, or regenerate the artifact with this version',
    });
  }
  if (envelope.version < spec.version) {
    throw ArtifactRegistryError.create('UnknownVersion', `artifact '${spec.name}' was written as v${envelope.version}; this build reads only v${spec.version}`, {
      details: { expected, found },
      hint: 'no migration exists from the older format: regenerate the artifact (re-run the build)',
    });
  }
  if (envelope.schemaFingerprint !== spec.schemaFingerprint) {
    throw ArtifactRegistryError.create('SchemaMismatch', `artifact '${spec.name}' v${spec.version} was written with another payload schema`, {
      details: { expected, found },
      hint: `the payload schema of '${spec.name}' changed without a version bump: bump its version in defineArtifact, then regenerate the artifact`,
    });
  }
  const payload = validate(spec.payload, envelope.payload);
  if (!payload.ok) throw payloadProblem(spec, formatIssues(payload.issues), 'decode');
  return payload.value;
}
