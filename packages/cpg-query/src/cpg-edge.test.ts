import { describe, expect, it } from 'vitest';
import { CpgEdgeSchema } from './cpg-edge.js';

const calls = {
  edge_id: 'edge:77aa',
  edge_kind: 'CALLS',
  src_node_id: 'call:1',
  dst_node_id: 'def:2',
  file_id: 'file:3',
  path: 'pkg/naïve.py',
  bstart: 10n,
  bend: 24n,
  origin: 'tree-sitter+scip',
  rule: 'call-resolves-to-def',
  confidence: 0.9,
};

function issuePaths(input: unknown): string[] {
  const result = CpgEdgeSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
}

describe('CpgEdgeSchema', () => {
  it('accepts a located edge and an unlocated one', () => {
    expect(CpgEdgeSchema.parse(calls)).toEqual(calls);
    const unlocated = { ...calls, file_id: null, path: null, bstart: null, bend: null };
    expect(CpgEdgeSchema.parse(unlocated)).toEqual(unlocated);
  });

  it('rejects a confidence outside [0, 1]', () => {
    expect(issuePaths({ ...calls, confidence: 1.01 })).toEqual(['confidence']);
    expect(issuePaths({ ...calls, confidence: -0.1 })).toEqual(['confidence']);
    expect(issuePaths({ ...calls, confidence: Number.NaN })).toEqual(['confidence']);
  });

  it('requires both ends, a rule and an origin', () => {
    expect(issuePaths({ ...calls, src_node_id: '', dst_node_id: null, rule: '', origin: undefined }).sort()).toEqual([
      'dst_node_id',
      'origin',
      'rule',
      'src_node_id',
    ]);
  });

  it('rejects a reversed or half-given span', () => {
    expect(issuePaths({ ...calls, bstart: 30n })).toEqual(['bend']);
    expect(issuePaths({ ...calls, bstart: null })).toEqual(['bstart']);
  });
});
