import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callRegionQuery } from './call-path-between.js';
import { openCpg } from './open-cpg.js';
import type { Cpg } from './open-cpg.js';
import { buildSampleCpg, calls, defs, modules, removeTempDirs, tempDir } from './sample-cpg.fixture.js';

let cpg: Cpg;
beforeAll(async () => {
  cpg = await openCpg(await buildSampleCpg(join(tempDir(), 'sample.duckdb')));
});
afterAll(async () => {
  await cpg.close();
  removeTempDirs();
});

describe('pathBetween', () => {
  it('finds the shortest call chain, with the call that makes each hop', async () => {
    // main → run → save is shorter than main → run → load → save.
    expect(await cpg.pathBetween(defs.main.node_id, defs.save.node_id)).toEqual({
      nodes: [defs.main, defs.run, defs.save],
      calls: [calls.mainRun, calls.runSave],
    });
    const long = await cpg.pathBetween(modules.app.node_id, defs.helper.node_id);
    expect(long?.nodes.map((n) => n.name)).toEqual(['pkg.app', 'main', 'grüße', 'brühen', 'helper']);
    expect(long?.calls).toEqual([calls.moduleMain, calls.mainGrusse, calls.grusseBruehen, calls.bruehenAmbiguous]);
  });

  it('returns null when no chain exists and a one-node path from a definition to itself', async () => {
    expect(await cpg.pathBetween(defs.save.node_id, defs.main.node_id)).toBeNull();
    expect(await cpg.pathBetween(defs.helper.node_id, defs.load.node_id)).toBeNull();
    expect(await cpg.pathBetween(defs.save.node_id, defs.save.node_id)).toEqual({ nodes: [defs.save], calls: [] });
  });

  it('checks both ends', async () => {
    await expect(cpg.pathBetween(defs.main.node_id, modules.util.node_id)).rejects.toMatchObject({ code: 'cpg-query/WrongNodeKind' });
    await expect(cpg.pathBetween('node:nope', defs.main.node_id)).rejects.toMatchObject({ code: 'cpg-query/UnknownNode' });
  });
});

describe('callRegionQuery', () => {
  it('loads only the calls between nodes reachable from the start that reach the goal', async () => {
    const query = callRegionQuery(defs.main.node_id, defs.save.node_id);
    const rows = await cpg.sql(query.sql, query.params);
    const name = new Map(Object.values(defs).map((d) => [d.node_id, d.name]));
    // grüße and brühen are reachable from main and brühen reaches save (through load), so they are in; helper reaches nothing.
    expect(rows.map((r) => `${name.get(String(r['caller']))}→${name.get(String(r['callee']))}`).sort()).toEqual(
      ['brühen→load', 'grüße→brühen', 'load→save', 'main→grüße', 'main→run', 'run→load', 'run→save', 'save→save'].sort(),
    );
  });
});
