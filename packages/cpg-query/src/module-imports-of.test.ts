import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moduleImportsQuery } from './module-imports-of.js';
import { openCpg } from './open-cpg.js';
import type { Cpg } from './open-cpg.js';
import { buildSampleCpg, imports, modules, removeTempDirs, tempDir } from './sample-cpg.fixture.js';

let cpg: Cpg;
beforeAll(async () => {
  cpg = await openCpg(await buildSampleCpg(join(tempDir(), 'sample.duckdb')));
});
afterAll(async () => {
  await cpg.close();
  removeTempDirs();
});

describe('importsOf', () => {
  it('lists imported modules, counting an imported definition as its module', async () => {
    // `from pkg.café import grüße` leads to a DEF in pkg.café; `import pkg.util` to the module; `import os` is outside the repository.
    expect(await cpg.importsOf('pkg.app')).toEqual([
      { module: modules.cafe, imports: [imports.grusse] },
      { module: modules.util, imports: [imports.util] },
    ]);
    expect(await cpg.importsOf('pkg')).toEqual([]);
  });
});

describe('importersOf', () => {
  it('lists the modules importing a module or one of its definitions', async () => {
    expect(await cpg.importersOf('pkg.café')).toEqual([
      { module: modules.app, imports: [imports.grusse] },
      { module: modules.util, imports: [imports.cafe] },
    ]);
    expect(await cpg.importersOf('pkg.util')).toEqual([{ module: modules.app, imports: [imports.util] }]);
  });

  it('names a module the CPG does not hold', async () => {
    await expect(cpg.importersOf('pkg.nope')).rejects.toMatchObject({ code: 'cpg-query/UnknownModule' });
    await expect(cpg.importsOf('')).rejects.toMatchObject({ code: 'cpg-query/InvalidArgument' });
  });
});

describe('moduleImportsQuery', () => {
  it('binds the module name', () => {
    const query = moduleImportsQuery("pkg.it's", 'importersOf');
    expect(query.params).toEqual({ module: "pkg.it's" });
    expect(query.sql).not.toContain("it's");
  });
});
