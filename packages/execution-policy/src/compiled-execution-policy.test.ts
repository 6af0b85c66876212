import { fingerprint, validate } from '@anatomy/contracts';
import { describe, expect, it } from 'vitest';
import type { CompiledExecutionPolicyBody } from './compiled-execution-policy.js';
import {
  CompiledExecutionPolicyBodySchema,
  compiledExecutionPolicyFingerprint,
  CompiledExecutionPolicySchema,
} from './compiled-execution-policy.js';
import { DEFAULT_MAINTENANCE_THRESHOLDS } from './maintenance-thresholds.js';

const decided = <T>(value: T, confidence = 0.9): { value: T; confidence: number; rationale: string; evidence: { source: string; detail: string }[] } => ({
  value,
  confidence,
  rationale: `chose ${JSON.stringify(value)}`,
  evidence: [{ source: 'test', detail: 'fixture' }],
});

function sampleBody(): Record<string, unknown> {
  return {
    version: 1,
    manifestFingerprint: fingerprint('manifest'),
    cache: {
      'cpg.nodes': decided('persisted-output'),
      defs_normalized: decided('materialized-table', 0.7),
      refs_ctx: decided('inline-view', 0.4),
    },
    scan: {
      'evidence.py_defs': {
        dataset: 'evidence.py_defs',
        readers: [{ view: 'defs_normalized', sites: [[]] }],
        candidateSubset: null,
        columns: decided(['file_id', 'name']),
        pushedPredicates: decided([]),
        materializeSubset: decided(false),
        payoff: { rowsScannedWith: 10, rowsScannedWithout: 12 },
      },
    },
    maintenance: Object.fromEntries(Object.entries(DEFAULT_MAINTENANCE_THRESHOLDS).map(([k, v]) => [k, decided(v, 0.5)])),
    write: decided({ mode: 'rebuild' }),
    diagnosticsTier: decided('prod'),
    requiredMacros: ['anatomy_stable_id'],
  };
}

function sealed(body: Record<string, unknown>): Record<string, unknown> {
  // Fingerprinted without validation so that invalid bodies can be sealed too.
  return { ...body, fingerprint: compiledExecutionPolicyFingerprint(body as unknown as CompiledExecutionPolicyBody) };
}

function issuePaths(policy: unknown): string[] {
  const result = validate(CompiledExecutionPolicySchema, policy);
  return result.ok ? [] : result.issues.map((i) => i.path);
}

/** Every Decision in the sample, by path. */
const decisionPaths = [
  ['cache', 'cpg.nodes'],
  ['scan', 'evidence.py_defs', 'columns'],
  ['scan', 'evidence.py_defs', 'pushedPredicates'],
  ['scan', 'evidence.py_defs', 'materializeSubset'],
  ['maintenance', 'walBytesCheckpoint'],
  ['maintenance', 'deletedFractionRewrite'],
  ['maintenance', 'freeBlockRatioCompact'],
  ['maintenance', 'statsRefreshRowsChanged'],
  ['write'],
  ['diagnosticsTier'],
] as const satisfies readonly (readonly string[])[];

function without(decision: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...decision };
  delete copy[key];
  return copy;
}

function withDecision(path: readonly string[], edit: (decision: Record<string, unknown>) => Record<string, unknown>): Record<string, unknown> {
  const body = structuredClone(sampleBody());
  let parent: Record<string, unknown> = body;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
  const last = path.at(-1)!;
  parent[last] = edit(parent[last] as Record<string, unknown>);
  return body;
}

describe('CompiledExecutionPolicySchema', () => {
  it('accepts a sealed policy', () => {
    expect(issuePaths(sealed(sampleBody()))).toEqual([]);
  });

  describe.each(decisionPaths.map((path) => [path.join('.'), path] as const))('the decision at %s', (at, path) => {
    it.each([
      ['without confidence', (d: Record<string, unknown>) => without(d, 'confidence'), `${at}.confidence`],
      ['with confidence above 1', (d: Record<string, unknown>) => ({ ...d, confidence: 1.01 }), `${at}.confidence`],
      ['without rationale', (d: Record<string, unknown>) => without(d, 'rationale'), `${at}.rationale`],
      ['with an empty rationale', (d: Record<string, unknown>) => ({ ...d, rationale: '' }), `${at}.rationale`],
      ['without evidence', (d: Record<string, unknown>) => without(d, 'evidence'), `${at}.evidence`],
      ['with no evidence', (d: Record<string, unknown>) => ({ ...d, evidence: [] }), `${at}.evidence`],
      ['with evidence missing its detail', (d: Record<string, unknown>) => ({ ...d, evidence: [{ source: 'x' }] }), `${at}.evidence.0.detail`],
    ])('is rejected %s', (_label, edit, expectedPath) => {
      const policy = sealed(withDecision(path, edit));
      expect(issuePaths(policy)).toEqual([expectedPath]);
      expect(validate(CompiledExecutionPolicyBodySchema, withDecision(path, edit)).ok).toBe(false);
    });
  });

  it.each([
    ['an unknown cache policy', { cache: { v: decided('in-memory') } }, 'cache.v.value'],
    ['a cache entry keyed by a non-view name', { cache: { 'Not A View': decided('inline-view') } }, 'cache.Not A View'],
    ['an unknown diagnostics tier', { diagnosticsTier: decided('verbose') }, 'diagnosticsTier.value'],
    ['an unknown write mode', { write: decided({ mode: 'append' }) }, 'write.value.mode'],
    ['an unknown version', { version: 2 }, 'version'],
    ['a repeated macro', { requiredMacros: ['anatomy_stable_id', 'anatomy_stable_id'] }, 'requiredMacros.1'],
    ['a macro that is not an identifier', { requiredMacros: ['drop table x'] }, 'requiredMacros.0'],
  ])('rejects %s', (_label, change, path) => {
    expect(issuePaths(sealed({ ...sampleBody(), ...change }))).toContain(path);
  });

  it('rejects a scan entry keyed by another dataset', () => {
    const body = sampleBody();
    const scan = body['scan'] as Record<string, unknown>;
    const policy = sealed({ ...body, scan: { 'evidence.py_calls': scan['evidence.py_defs'] } });
    expect(issuePaths(policy)).toEqual(['scan.evidence.py_calls.dataset']);
  });

  it('rejects a policy edited after sealing', () => {
    const policy = sealed(sampleBody());
    expect(issuePaths({ ...policy, diagnosticsTier: decided('debug') })).toEqual(['fingerprint']);
  });
});

describe('compiledExecutionPolicyFingerprint', () => {
  it('ignores key order and any fingerprint already present', () => {
    const body = CompiledExecutionPolicyBodySchema.parse(sampleBody());
    const reordered = CompiledExecutionPolicyBodySchema.parse(Object.fromEntries(Object.entries(sampleBody()).reverse()));
    expect(compiledExecutionPolicyFingerprint(reordered)).toBe(compiledExecutionPolicyFingerprint(body));
    const withOldFingerprint = { ...body, fingerprint: fingerprint('stale') };
    expect(compiledExecutionPolicyFingerprint(withOldFingerprint)).toBe(compiledExecutionPolicyFingerprint(body));
  });

  it('changes with any decision, rationale included', () => {
    const body = CompiledExecutionPolicyBodySchema.parse(sampleBody());
    const reworded = CompiledExecutionPolicyBodySchema.parse({ ...sampleBody(), write: { ...decided({ mode: 'rebuild' }), rationale: 'other reason' } });
    expect(compiledExecutionPolicyFingerprint(reworded)).not.toBe(compiledExecutionPolicyFingerprint(body));
  });
});
