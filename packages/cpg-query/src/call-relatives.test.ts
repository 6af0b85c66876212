import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRelative } from './call-relative.js';
import { callRelativesQuery } from './call-relatives.js';
import { openCpg } from './open-cpg.js';
import type { Cpg } from './open-cpg.js';
import { buildSampleCpg, calls, defs, modules, removeTempDirs, tempDir } from './sample-cpg.fixture.js';
import type { SampleNode } from './sample-cpg.fixture.js';

let cpg: Cpg;
let withoutEdges: Cpg;
beforeAll(async () => {
  const dir = tempDir();
  cpg = await openCpg(await buildSampleCpg(join(dir, 'sample.duckdb')));
  withoutEdges = await openCpg(await buildSampleCpg(join(dir, 'nodes-only.duckdb'), { edges: false, props: false }));
});
afterAll(async () => {
  await cpg.close();
  await withoutEdges.close();
  removeTempDirs();
});

/** `name@depth via call, call` for each answer, to compare whole answers at a glance. */
function outline(relatives: readonly CallRelative[]): string[] {
  return relatives.map((r) => `${r.node.name}@${r.depth} via ${r.calls.map((c) => c.node_id).join(',')}`);
}
const via = (name: string, depth: number, ...through: SampleNode[]): string => `${name}@${depth} via ${through.map((c) => c.node_id).join(',')}`;

async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error('expected a rejection');
}

describe('callees', () => {
  it('gives direct callees by default, with the calls that reach them, as contract nodes', async () => {
    const direct = await cpg.callees(defs.main.node_id);
    expect(outline(direct)).toEqual([via('run', 1, calls.mainRun), via('grüße', 1, calls.mainGrusse)]);
    expect(direct[0]).toEqual({ node: defs.run, depth: 1, calls: [calls.mainRun] });
    expect(Object.isFrozen(direct) && Object.isFrozen(direct[0]) && Object.isFrozen(direct[0]!.calls[0])).toBe(true);
  });

  it('follows calls transitively, each definition at the smallest depth it is reached', async () => {
    expect(outline(await cpg.callees(defs.main.node_id, { depth: 2 }))).toEqual([
      via('run', 1, calls.mainRun),
      via('grüße', 1, calls.mainGrusse),
      via('brühen', 2, calls.grusseBruehen),
      via('load', 2, calls.runLoad),
      via('save', 2, calls.runSave),
    ]);
    // load → save and save → save do not move save deeper; the ambiguous call in brühen adds helper only.
    const deep = await cpg.callees(defs.main.node_id, { depth: 50 });
    expect(outline(deep).slice(5)).toEqual([via('helper', 3, calls.bruehenAmbiguous)]);
  });

  it('answers for module-level code and ends at recursion', async () => {
    expect(outline(await cpg.callees(modules.app.node_id))).toEqual([via('main', 1, calls.moduleMain)]);
    expect(outline(await cpg.callees(defs.save.node_id, { depth: 5 }))).toEqual([via('save', 1, calls.saveSave)]);
    expect(await cpg.callees(defs.helper.node_id)).toEqual([]);
  });
});

describe('callers', () => {
  it('walks calls backwards, a definition calling itself included', async () => {
    expect(outline(await cpg.callers(defs.save.node_id, { depth: 3 }))).toEqual([
      via('run', 1, calls.runSave),
      via('load', 1, calls.loadSave),
      via('save', 1, calls.saveSave),
      via('main', 2, calls.mainRun),
      via('brühen', 2, calls.bruehenAmbiguous),
      via('pkg.app', 3, calls.moduleMain),
      via('grüße', 3, calls.grusseBruehen),
    ]);
  });

  it('counts a module whose top-level code calls the definition', async () => {
    const [caller] = await cpg.callers(defs.main.node_id);
    expect(caller).toEqual({ node: modules.app, depth: 1, calls: [calls.moduleMain] });
  });
});

describe('checks before a traversal', () => {
  it('names an unknown node, a node of the wrong kind and a bad depth', async () => {
    expect((await rejection(cpg.callers('node:does-not-exist'))).code).toBe('cpg-query/UnknownNode');
    const wrong = await rejection(cpg.callers(calls.mainRun.node_id));
    expect(wrong.code).toBe('cpg-query/WrongNodeKind');
    expect(wrong.details['kind']).toBe('CALL');
    expect((await rejection(cpg.callers(modules.app.node_id))).code).toBe('cpg-query/WrongNodeKind');
    const depth = await rejection(cpg.callees(defs.main.node_id, { depth: 0 }));
    expect(depth.code).toBe('cpg-query/InvalidArgument');
    expect((depth.details['issues'] as { path: string }[]).map((i) => i.path)).toEqual(['depth']);
    expect((await rejection(cpg.callees(''))).code).toBe('cpg-query/InvalidArgument');
  });

  it('needs cpg.edges', async () => {
    const error = await rejection(withoutEdges.callees(defs.main.node_id));
    expect(error.code).toBe('cpg-query/MissingTable');
    expect(error.details['tables']).toEqual(['cpg.edges']);
  });
});

describe('callRelativesQuery', () => {
  it('binds the subject and the depth instead of writing them into the SQL', () => {
    const query = callRelativesQuery("def:it's", 3, 'callers');
    expect(query.params).toEqual({ start: "def:it's", depth: 3 });
    expect(query.sql).not.toContain("it's");
    expect(query.sql).toContain('WITH RECURSIVE');
  });
});
