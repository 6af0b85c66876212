import { compileProgram } from '@anatomy/semantic-ir';
import { scipEvidenceDatasets } from '@anatomy/extract-scip';
import { pythonCpgProgram } from '@anatomy/python-cpg';
import { describe, expect, it } from 'vitest';
import { compileForRun, registryOfRun } from './build-cpg.js';

describe('compileForRun', () => {
  it('compiles each variant once per process and hands every build the same frozen manifest', () => {
    const plain = compileForRun();
    const withScip = compileForRun({ scip: true });
    expect(compileForRun()).toBe(plain);
    expect(compileForRun({ scip: false })).toBe(plain);
    expect(compileForRun({ scip: true })).toBe(withScip);
    expect(withScip.fingerprint).not.toBe(plain.fingerprint);
    expect(Object.isFrozen(plain) && Object.isFrozen(plain.views) && plain.views.every((v) => Object.isFrozen(v))).toBe(true);
    // What was kept is what compiling afresh gives.
    const fresh = compileProgram(pythonCpgProgram, registryOfRun({ scip: true }), { unavailable: scipEvidenceDatasets.map((ds) => ds.name) });
    expect(fresh).not.toBe(plain);
    expect(fresh).toEqual(plain);
  });
});
