import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCpg } from './open-cpg.js';
import type { Cpg } from './open-cpg.js';
import { buildSampleCpg, calls, defs, edges, imports, refs, removeTempDirs, tempDir } from './sample-cpg.fixture.js';
import type { SampleNode } from './sample-cpg.fixture.js';

let cpg: Cpg;
beforeAll(async () => {
  cpg = await openCpg(await buildSampleCpg(join(tempDir(), 'sample.duckdb')));
});
afterAll(async () => {
  await cpg.close();
  removeTempDirs();
});

const resolvesTo = (ref: SampleNode): (typeof edges)[number] => edges.find((e) => e.edge_kind === 'RESOLVES_TO' && e.src_node_id === ref.node_id)!;

describe('references', () => {
  it('lists references in the same file and, through the import, in other files', async () => {
    expect(await cpg.references(defs.grusse.node_id)).toEqual([
      { node: refs.grusseInApp, edge: resolvesTo(refs.grusseInApp), through: imports.grusse },
      { node: refs.grusseInCafe, edge: resolvesTo(refs.grusseInCafe), through: null },
    ]);
  });

  it('keeps the edge rule and confidence and answers empty for an unreferenced definition', async () => {
    const [ref] = await cpg.references(defs.run.node_id);
    expect(ref?.edge).toMatchObject({ rule: 'name-resolves-in-scope', confidence: 0.8 });
    expect(await cpg.references(defs.helper.node_id)).toEqual([]);
  });

  it('answers for an import too, and refuses a node nothing can resolve to', async () => {
    expect((await cpg.references(imports.grusse.node_id)).map((r) => r.node)).toEqual([refs.grusseInApp]);
    await expect(cpg.references(calls.mainRun.node_id)).rejects.toMatchObject({ code: 'cpg-query/WrongNodeKind' });
  });
});
