import { describe, expect, it } from 'vitest';
import type { BuildState, ManifestFile, StoredBuild } from './build-state.js';
import { planIncrement } from './incremental-plan.js';

const state: BuildState = { manifestFingerprint: 'a'.repeat(64), extractors: ['python@2', 'tree-sitter@2'], demanded: ['evidence.ts_defs'], scip: false };
const file = (id: string, sha: string): ManifestFile => ({ file_id: `file:${id}`, path: `${id}.py`, sha256: sha.repeat(64) });
const stored = (files: ManifestFile[], over: Partial<BuildState> = {}): StoredBuild => ({ found: true, state: { ...state, ...over }, files });

describe('planIncrement', () => {
  it('diffs content hashes into added, changed, deleted and unchanged files', () => {
    const plan = planIncrement({
      stored: stored([file('a', '1'), file('b', '2'), file('c', '3')]),
      current: state,
      files: [file('a', '1'), file('b', '9'), file('d', '4')],
      full: false,
    });
    expect(plan).toEqual({
      mode: 'incremental',
      reason: 'the store holds a compatible build of 3 files',
      added: ['file:d'],
      changed: ['file:b'],
      deleted: ['file:c'],
      unchanged: 1,
    });
  });

  it('builds in full, and says why, whenever the stored evidence cannot be reused', () => {
    const files = [file('a', '1')];
    const reasonOf = (input: Parameters<typeof planIncrement>[0]): string => {
      const plan = planIncrement(input);
      expect(plan.mode).toBe('full');
      return plan.reason;
    };
    expect(reasonOf({ stored: stored(files), current: state, files, full: true })).toBe('--full was given');
    expect(reasonOf({ stored: { found: false, reason: 'no manifest' }, current: state, files, full: false })).toBe('no manifest');
    expect(reasonOf({ stored: stored(files, { manifestFingerprint: 'b'.repeat(64) }), current: state, files, full: false })).toContain('compiled program changed');
    expect(reasonOf({ stored: stored(files, { extractors: ['python@1', 'tree-sitter@2'] }), current: state, files, full: false })).toContain('python@1, tree-sitter@2 → python@2, tree-sitter@2');
    expect(reasonOf({ stored: stored(files, { demanded: 'all' }), current: state, files, full: false })).toContain('every evidence dataset → 1 demanded');
    expect(reasonOf({ stored: stored(files), current: { ...state, scip: true }, files, full: false })).toContain('SCIP');
    expect(reasonOf({ stored: stored(files), current: state, files, full: false, unowned: ['evidence.x'] })).toContain('evidence.x');
  });

  it('treats a rename as the deletion of one file id and the addition of another', () => {
    const plan = planIncrement({ stored: stored([file('old', '1')]), current: state, files: [file('new', '1')], full: false });
    expect(plan).toMatchObject({ mode: 'incremental', added: ['file:new'], changed: [], deleted: ['file:old'], unchanged: 0 });
  });
});
