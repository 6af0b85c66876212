import { decisionSchema, fingerprint, FingerprintSchema, ViewNameSchema } from '@anatomy/contracts';
import type { Fingerprint } from '@anatomy/contracts';
import { ScannedDatasetSchema, ScanPolicyDecisionSchema } from '@anatomy/scan-policy';
import { z } from 'zod';
import { CachePolicySchema } from './cache-policy.js';
import { DiagnosticsTierSchema } from './diagnostics-tier.js';
import { MaintenanceThresholdDecisionsSchema } from './maintenance-thresholds.js';
import { WritePolicySchema } from './write-policy.js';

const MacroNameSchema = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a macro name is a lower-case SQL identifier');

const policyFields = {
  /** Format version of the policy. */
  version: z.literal(1),
  /** The manifest the policy was compiled for. */
  manifestFingerprint: FingerprintSchema,
  /** Cache policy of every view of the manifest. */
  cache: z.record(ViewNameSchema, decisionSchema(CachePolicySchema)),
  /** Scan policy of every dataset the plans read, keyed by dataset. */
  scan: z.record(ScannedDatasetSchema, ScanPolicyDecisionSchema),
  maintenance: MaintenanceThresholdDecisionsSchema,
  write: decisionSchema(WritePolicySchema),
  diagnosticsTier: decisionSchema(DiagnosticsTierSchema),
  /** DuckDB macros the plans call, which must exist on every connection that runs them. */
  requiredMacros: z.array(MacroNameSchema),
};

/** Consistency rules shared by the policy and its unsealed body. */
function checkConsistency(policy: z.infer<z.ZodObject<typeof policyFields>>, ctx: z.RefinementCtx): void {
  for (const [key, decision] of Object.entries(policy.scan)) {
    if (decision.dataset !== key) {
      ctx.addIssue({ code: 'custom', path: ['scan', key, 'dataset'], message: `is '${decision.dataset}' but the entry is keyed '${key}'` });
    }
  }
  const seen = new Set<string>();
  policy.requiredMacros.forEach((macro, i) => {
    if (seen.has(macro)) ctx.addIssue({ code: 'custom', path: ['requiredMacros', i], message: `macro '${macro}' is listed twice` });
    seen.add(macro);
  });
}

/** A compiled execution policy without its fingerprint: what the fingerprint is computed over. */
export const CompiledExecutionPolicyBodySchema = z.object(policyFields).superRefine(checkConsistency);
export type CompiledExecutionPolicyBody = z.infer<typeof CompiledExecutionPolicyBodySchema>;

/**
 * The fingerprint of a compiled policy: the canonical fingerprint of every
 * member but `fingerprint` itself, rationales and evidence included — a policy
 * decided for other reasons is another policy.
 *
 * @example
 * const policy = { ...body, fingerprint: compiledExecutionPolicyFingerprint(body) };
 */
export function compiledExecutionPolicyFingerprint(policy: CompiledExecutionPolicyBody): Fingerprint {
  const { version, manifestFingerprint, cache, scan, maintenance, write, diagnosticsTier, requiredMacros } = policy;
  return fingerprint({ version, manifestFingerprint, cache, scan, maintenance, write, diagnosticsTier, requiredMacros });
}

/**
 * The one execution policy of a run, compiled from the manifest, plan signals,
 * task graph and capabilities: cache policy by view, scan policy by dataset,
 * maintenance thresholds, write policy and diagnostics tier — every entry a
 * Decision with confidence, rationale and evidence — plus the macros the plans
 * need and a fingerprint that must match the rest.
 */
export const CompiledExecutionPolicySchema = z
  .object({ ...policyFields, fingerprint: FingerprintSchema })
  .superRefine((policy, ctx) => {
    checkConsistency(policy, ctx);
    const expected = compiledExecutionPolicyFingerprint(policy);
    if (policy.fingerprint !== expected) {
      ctx.addIssue({ code: 'custom', path: ['fingerprint'], message: `does not match the policy (expected ${expected})` });
    }
  });
export type CompiledExecutionPolicy = z.infer<typeof CompiledExecutionPolicySchema>;
