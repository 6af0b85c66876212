import { fingerprint, FingerprintSchema, formatIssues, validate, ViewNameSchema } from '@anatomy/contracts';
import type { Fingerprint } from '@anatomy/contracts';
import { z } from 'zod';
import { ArtifactRegistryError } from './artifact-registry-error.js';
import { defineArtifact } from './define-artifact.js';
import type { ArtifactSpec } from './define-artifact.js';

/**
 * Everything that decides what a run computes: the compiled manifest, the
 * execution policy, the capability snapshot, the plan of every view and the
 * DuckDB session settings. Two runs with equal parts must produce equal
 * outputs; that is what replay verifies.
 */
export const ExecutionPackagePartsSchema = z.object({
  manifestFingerprint: FingerprintSchema,
  policyFingerprint: FingerprintSchema,
  capabilityFingerprint: FingerprintSchema,
  /** Normalized plan fingerprint per view. */
  planFingerprints: z.record(ViewNameSchema, FingerprintSchema),
  /** DuckDB settings that can change results or plans (threads, memory_limit, …). */
  sessionSettings: z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()])),
});
export type ExecutionPackageParts = z.infer<typeof ExecutionPackagePartsSchema>;

/**
 * Fingerprint of an execution package: the canonical fingerprint of its parts,
 * tagged with the package format so that no other fingerprinted value with the
 * same fields can collide with it. Key order does not matter.
 *
 * @example
 * executionPackageFingerprint({ manifestFingerprint, policyFingerprint,
 *   capabilityFingerprint, planFingerprints: {}, sessionSettings: { threads: 4 } });
 */
export function executionPackageFingerprint(parts: ExecutionPackageParts): Fingerprint {
  const { manifestFingerprint, policyFingerprint, capabilityFingerprint, planFingerprints, sessionSettings } = parts;
  return fingerprint({
    format: 'anatomy-execution-package/1',
    manifestFingerprint,
    policyFingerprint,
    capabilityFingerprint,
    planFingerprints,
    sessionSettings,
  });
}

/**
 * An execution package: its parts plus their fingerprint. Parsing rejects a
 * package whose fingerprint does not match its parts, so an edited package
 * cannot pass for the original.
 */
export const ExecutionPackageSchema = ExecutionPackagePartsSchema.extend({
  fingerprint: FingerprintSchema,
}).superRefine((pkg, ctx) => {
  const expected = executionPackageFingerprint(pkg);
  if (pkg.fingerprint !== expected) {
    ctx.addIssue({ code: 'custom', path: ['fingerprint'], message: `does not match the package's parts (expected ${expected})` });
  }
});
export type ExecutionPackage = z.infer<typeof ExecutionPackageSchema>;

/**
 * Builds a frozen execution package from its parts. Throws
 * `artifact-registry/InvalidPayload` listing every invalid part.
 *
 * @example
 * const pkg = createExecutionPackage({ manifestFingerprint, policyFingerprint,
 *   capabilityFingerprint, planFingerprints, sessionSettings: { threads: 4 } });
 */
export function createExecutionPackage(parts: z.input<typeof ExecutionPackagePartsSchema>): ExecutionPackage {
  const checked = validate(ExecutionPackagePartsSchema, parts);
  if (!checked.ok) {
    throw ArtifactRegistryError.create('InvalidPayload', `invalid execution package parts:\n${formatIssues(checked.issues)}`, {
      details: { issues: checked.issues },
      hint: 'every fingerprint is 64 lower-case hex digits and plan fingerprints are keyed by view name',
    });
  }
  const value = checked.value;
  return Object.freeze({
    manifestFingerprint: value.manifestFingerprint,
    policyFingerprint: value.policyFingerprint,
    capabilityFingerprint: value.capabilityFingerprint,
    planFingerprints: Object.freeze({ ...value.planFingerprints }),
    sessionSettings: Object.freeze({ ...value.sessionSettings }),
    fingerprint: executionPackageFingerprint(value),
  });
}

/** The execution package of a run, as stored in its run bundle. */
export const executionPackageArtifact: ArtifactSpec<typeof ExecutionPackageSchema> = defineArtifact({
  name: 'execution-package',
  version: 1,
  payload: ExecutionPackageSchema,
  description: 'Fingerprints of the manifest, policy, capabilities, plans and session settings that determine a run.',
});
