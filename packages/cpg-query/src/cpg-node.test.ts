import { describe, expect, it } from 'vitest';
import { CpgNodeSchema } from './cpg-node.js';

const def = {
  node_id: 'def:0f3c',
  node_kind: 'DEF',
  name: 'grüße',
  file_id: 'file:9a1b',
  path: 'pkg/café.py',
  bstart: 0n,
  bend: 42n,
  line: 1,
  col: 0,
  origin: 'tree-sitter',
};

function issuePaths(input: unknown): string[] {
  const result = CpgNodeSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
}

describe('CpgNodeSchema', () => {
  it('accepts a located DEF node and a repo-global SYMBOL node', () => {
    expect(CpgNodeSchema.parse(def)).toEqual(def);
    const symbol = { ...def, node_id: 'symbol:1', node_kind: 'SYMBOL', name: 'os.path', file_id: null, path: null, bstart: null, bend: null, line: null, col: null };
    expect(CpgNodeSchema.parse(symbol)).toEqual(symbol);
  });

  it('accepts kinds added after v1 but not misspelt ones', () => {
    expect(CpgNodeSchema.safeParse({ ...def, node_kind: 'TYPE_ALIAS' }).success).toBe(true);
    expect(issuePaths({ ...def, node_kind: 'def' })).toEqual(['node_kind']);
    expect(issuePaths({ ...def, node_kind: 'CALL__ARG' })).toEqual(['node_kind']);
  });

  it('keeps spans as bigint and rejects a lossy number', () => {
    expect(issuePaths({ ...def, bstart: 0 })).toEqual(['bstart']);
    expect(issuePaths({ ...def, bstart: -1n })).toEqual(['bstart']);
  });

  it('rejects a reversed or half-given span', () => {
    expect(CpgNodeSchema.safeParse({ ...def, bstart: 43n }).error?.issues[0]?.message).toBe('bend 42 is before bstart 43');
    expect(issuePaths({ ...def, bend: null })).toEqual(['bend']);
  });

  it('rejects a position without its span or without its column', () => {
    expect(issuePaths({ ...def, bstart: null, bend: null })).toEqual(['line']);
    expect(issuePaths({ ...def, col: null })).toEqual(['col']);
    expect(issuePaths({ ...def, line: 0 })).toEqual(['line']);
  });

  it('lists every problem of a row at once', () => {
    expect(issuePaths({ ...def, node_id: '', origin: '', line: 1.5 }).sort()).toEqual(['line', 'node_id', 'origin']);
  });
});
