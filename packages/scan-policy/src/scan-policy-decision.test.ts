import { validate } from '@anatomy/contracts';
import { describe, expect, it } from 'vitest';
import { ScanPayoffSchema, ScanPolicyDecisionSchema } from './scan-policy-decision.js';

const evidence = [{ source: 'plan-lineage', detail: 'cpg_defs reads file_id, name, bstart' }];
const good = {
  dataset: 'evidence.py_defs',
  readers: [{ view: 'cpg.defs', sites: [["kind = 'function'"]] }],
  candidateSubset: null,
  columns: { value: ['file_id', 'name', 'bstart'], confidence: 1, rationale: 'the union of columns the plans read', evidence },
  pushedPredicates: { value: ["kind = 'function'"], confidence: 0.8, rationale: 'every reader filters on kind', evidence },
  materializeSubset: { value: false, confidence: 0.6, rationale: 'a single reader', evidence },
};

function issuePaths(input: unknown): string[] {
  const result = validate(ScanPolicyDecisionSchema, input);
  return result.ok ? [] : result.issues.map((i) => i.path);
}

describe('ScanPolicyDecisionSchema', () => {
  it('accepts a decision with a candidate subset', () => {
    expect(issuePaths({ ...good, candidateSubset: { predicates: ["kind = 'function'"], readers: ['cpg.defs', 'cpg.calls'] } })).toEqual([]);
  });

  it('accepts a decision with and without a measured payoff', () => {
    expect(issuePaths(good)).toEqual([]);
    expect(issuePaths({ ...good, payoff: { rowsScannedWith: 10, rowsScannedWithout: 1000 } })).toEqual([]);
    expect(issuePaths({ ...good, payoff: { rowsScannedWith: 10, rowsScannedWithout: 1000, bytesScannedWith: 1, bytesScannedWithout: 9 } })).toEqual([]);
  });

  it('accepts an unqualified view as dataset', () => {
    expect(issuePaths({ ...good, dataset: 'defs_normalized' })).toEqual([]);
  });

  it.each([
    ['a dataset that is not an identifier', { dataset: 'Evidence.Py Defs' }, ['dataset']],
    ['a confidence above 1', { columns: { ...good.columns, confidence: 1.5 } }, ['columns.confidence']],
    ['an empty rationale', { pushedPredicates: { ...good.pushedPredicates, rationale: '' } }, ['pushedPredicates.rationale']],
    ['a decision without evidence', { materializeSubset: { ...good.materializeSubset, evidence: [] } }, ['materializeSubset.evidence']],
    ['a bare value instead of a decision', { materializeSubset: true }, ['materializeSubset']],
    ['a repeated column', { columns: { ...good.columns, value: ['name', 'name'] } }, ['columns.value']],
    ['an empty predicate', { pushedPredicates: { ...good.pushedPredicates, value: [''] } }, ['pushedPredicates.value.0']],
    ['a negative payoff count', { payoff: { rowsScannedWith: -1, rowsScannedWithout: 3 } }, ['payoff.rowsScannedWith']],
    ['a payoff without the baseline', { payoff: { rowsScannedWith: 1 } }, ['payoff.rowsScannedWithout']],
    ['a reader without read sites', { readers: [{ view: 'cpg.defs', sites: [] }] }, ['readers.0.sites']],
    ['a candidate subset without predicates', { candidateSubset: { predicates: [], readers: ['a.b'] } }, ['candidateSubset.predicates']],
    ['a candidate subset read by a view twice', { candidateSubset: { predicates: ['x > 1'], readers: ['a.b', 'a.b'] } }, ['candidateSubset.readers']],
  ])('rejects %s', (_label, change, paths) => {
    expect(issuePaths({ ...good, ...change })).toEqual(paths);
  });

  it('reports a payoff that did not pay off as it is', () => {
    expect(ScanPayoffSchema.parse({ rowsScannedWith: 50, rowsScannedWithout: 40 })).toEqual({ rowsScannedWith: 50, rowsScannedWithout: 40 });
  });
});
