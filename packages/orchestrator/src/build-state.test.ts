import { openStore } from '@anatomy/store';
import { describe, expect, it } from 'vitest';
import { BUILD_STATE_VERSION, readStoredBuild, writeStoredBuild } from './build-state.js';
import type { BuildState } from './build-state.js';

describe('readStoredBuild / writeStoredBuild', () => {
  it('round-trips the build state and file manifest, replacing the previous ones', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      expect(await readStoredBuild(store)).toMatchObject({ found: false, reason: expect.stringContaining('no file manifest') });
      const state: BuildState = { manifestFingerprint: 'f'.repeat(64), extractors: ['python@2'], demanded: ['evidence.py_defs'], scip: false };
      await writeStoredBuild(store, { ...state, demanded: 'all' }, [{ file_id: 'file:x', path: 'x.py', sha256: '0'.repeat(64) }]);
      const files = [
        { file_id: 'file:b', path: 'b.py', sha256: '2'.repeat(64) },
        { file_id: 'file:a', path: 'a.py', sha256: '1'.repeat(64) },
      ];
      await writeStoredBuild(store, state, files);
      expect(await readStoredBuild(store)).toEqual({ found: true, state, files: [files[1], files[0]] });

      await store.run('UPDATE meta.build_state SET state_version = state_version + 1');
      expect(await readStoredBuild(store)).toMatchObject({ found: false, reason: expect.stringContaining(`version ${BUILD_STATE_VERSION + 1}`) });
    } finally {
      await store.close();
    }
  });
});
