import { fingerprint } from '@anatomy/contracts';
import { describe, expect, it } from 'vitest';
import { decodeArtifact, encodeArtifact } from './artifact-codec.js';
import { ArtifactRegistryError } from './artifact-registry-error.js';
import {
  createExecutionPackage,
  executionPackageArtifact,
  executionPackageFingerprint,
  ExecutionPackagePartsSchema,
  ExecutionPackageSchema,
} from './execution-package.js';

const parts = ExecutionPackagePartsSchema.parse({
  manifestFingerprint: fingerprint('manifest'),
  policyFingerprint: fingerprint('policy'),
  capabilityFingerprint: fingerprint('capabilities'),
  planFingerprints: { 'cpg.nodes': fingerprint('plan nodes'), 'cpg.edges': fingerprint('plan edges') },
  sessionSettings: { threads: 4, memory_limit: '2GB', preserve_insertion_order: true },
});

describe('executionPackageFingerprint', () => {
  it('is independent of key order', () => {
    const reordered = ExecutionPackagePartsSchema.parse({
      sessionSettings: { preserve_insertion_order: true, memory_limit: '2GB', threads: 4 },
      planFingerprints: { 'cpg.edges': fingerprint('plan edges'), 'cpg.nodes': fingerprint('plan nodes') },
      capabilityFingerprint: parts.capabilityFingerprint,
      policyFingerprint: parts.policyFingerprint,
      manifestFingerprint: parts.manifestFingerprint,
    });
    expect(executionPackageFingerprint(reordered)).toBe(executionPackageFingerprint(parts));
  });

  it.each([
    ['the manifest', { manifestFingerprint: fingerprint('manifest 2') }],
    ['the policy', { policyFingerprint: fingerprint('policy 2') }],
    ['the capabilities', { capabilityFingerprint: fingerprint('capabilities 2') }],
    ['a plan', { planFingerprints: { 'cpg.nodes': fingerprint('plan nodes 2') } }],
    ['a session setting', { sessionSettings: { threads: 8, memory_limit: '2GB', preserve_insertion_order: true } }],
  ])('changes when %s changes', (_label, change) => {
    const changed = ExecutionPackagePartsSchema.parse({ ...parts, ...change });
    expect(executionPackageFingerprint(changed)).not.toBe(executionPackageFingerprint(parts));
  });

  it('ignores members that are not parts', () => {
    const withExtra = { ...parts, runId: 'run-0001' } as typeof parts;
    expect(executionPackageFingerprint(withExtra)).toBe(executionPackageFingerprint(parts));
  });
});

describe('ExecutionPackageSchema', () => {
  it('accepts a package built by createExecutionPackage, which is frozen', () => {
    const pkg = createExecutionPackage(parts);
    expect(ExecutionPackageSchema.safeParse(pkg).success).toBe(true);
    expect(pkg.fingerprint).toBe(executionPackageFingerprint(parts));
    expect(Object.isFrozen(pkg)).toBe(true);
    expect(Object.isFrozen(pkg.planFingerprints)).toBe(true);
  });

  it('rejects a package edited after fingerprinting', () => {
    const pkg = createExecutionPackage(parts);
    const result = ExecutionPackageSchema.safeParse({ ...pkg, sessionSettings: { threads: 1 } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['fingerprint']);
  });

  it('rejects plan fingerprints keyed by something other than a view name, and non-finite settings', () => {
    expect(ExecutionPackagePartsSchema.safeParse({ ...parts, planFingerprints: { 'Not A View': fingerprint('x') } }).success).toBe(false);
    expect(ExecutionPackagePartsSchema.safeParse({ ...parts, sessionSettings: { threads: Number.POSITIVE_INFINITY } }).success).toBe(false);
  });

  it('reports every invalid part at once', () => {
    let error: unknown;
    try {
      createExecutionPackage({ ...parts, manifestFingerprint: 'nope', policyFingerprint: 'NOPE' });
    } catch (e) {
      error = e;
    }
    expect(ArtifactRegistryError.is(error, 'InvalidPayload')).toBe(true);
    expect((error as Error).message).toMatch(/manifestFingerprint: [\s\S]*policyFingerprint: /);
  });

  it('round-trips through its artifact spec', () => {
    const pkg = createExecutionPackage(parts);
    expect(executionPackageArtifact.name).toBe('execution-package');
    expect(decodeArtifact(executionPackageArtifact, encodeArtifact(executionPackageArtifact, pkg))).toEqual(pkg);
  });
});
