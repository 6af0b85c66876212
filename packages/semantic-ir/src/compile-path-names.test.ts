import { defineDataset } from '@anatomy/schema-authority';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProgram } from './compile-program.js';
import { Derive } from './derive.js';
import { TestDatabase, registryOf } from './duckdb-fixture.test-support.js';
import { Project } from './project.js';
import { Relate } from './relate.js';
import { fileId, files } from './python-fixture.test-support.js';
import { defineProgram } from './semantic-program.js';

// Rows located in files but without a path of their own: what `from <module> import <name>` names, `level` dots up.
const imports = defineDataset({
  name: 'evidence.imports',
  producer: 'test',
  version: 1,
  description: 'from-imports',
  spanUnit: 'utf8-bytes',
  key: ['import_id'],
  columns: [
    { name: 'import_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'id' },
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'file' },
    { name: 'module', type: 'utf8', nullable: true, role: 'attribute', description: 'module without the dots' },
    { name: 'imported_name', type: 'utf8', nullable: true, role: 'name', description: 'imported name' },
    { name: 'level', type: 'int32', nullable: false, role: 'attribute', description: 'leading dots' },
    { name: 'bstart', type: 'int64', nullable: false, role: 'span-start', description: 'start' },
    { name: 'bend', type: 'int64', nullable: false, role: 'span-end', description: 'end' },
  ],
});

const paths = ['pkg/__init__.py', 'pkg/core.py', 'pkg/util.py', 'pkg/sub/deep.py', 'top.py'];
const importRows = [
  { import_id: 'abs', file_id: fileId('top.py'), module: 'pkg.core', imported_name: 'helper', level: 0 },
  { import_id: 'sibling', file_id: fileId('pkg/core.py'), module: null, imported_name: 'util', level: 1 },
  { import_id: 'own-package', file_id: fileId('pkg/__init__.py'), module: 'core', imported_name: 'Engine', level: 1 },
  { import_id: 'parent', file_id: fileId('pkg/sub/deep.py'), module: 'core', imported_name: 'helper', level: 2 },
  { import_id: 'above-top', file_id: fileId('top.py'), module: 'x', imported_name: 'y', level: 1 },
  { import_id: 'far-above', file_id: fileId('pkg/core.py'), module: null, imported_name: 'y', level: 3 },
].map((r, i) => ({ ...r, bstart: i, bend: i + 1 }));

const naming = { strip: ['/__init__.py', '.py'], separator: '.' };
const program = defineProgram({
  name: 'path-names',
  views: [
    Derive.create({ name: 'modules', from: 'evidence.files', entity: 'module', nameFromPath: naming }),
    Derive.create({ name: 'targets', from: 'evidence.imports', where: [{ column: 'level', notIn: [-1] }], nameFromPath: { ...naming, anchor: 'level', append: ['module', 'imported_name'] } }),
    Derive.create({ name: 'targets_module', from: 'evidence.imports', where: [{ column: 'level', notIn: [-1] }], nameFromPath: { ...naming, anchor: 'level', append: ['module'] } }),
    Relate.create({ name: 'imports_module', edge: 'IMPORTS', left: 'derived.targets_module', right: 'derived.modules', intent: 'refers-to' }),
    Relate.create({ name: 'imports_name', edge: 'IMPORTS', left: 'derived.targets', right: 'derived.modules', intent: 'refers-to' }),
    Project.create({ name: 'cpg.edges', rows: [{ from: 'rel.imports_module' }, { from: 'rel.imports_name' }] }),
  ],
});

describe('derive with nameFromPath through the file, appended columns and an anchor', () => {
  const manifest = compileProgram(program, registryOf(files, imports));
  let db: TestDatabase;
  beforeAll(async () => {
    db = await TestDatabase.open();
    await db.load(files, paths.map((path) => ({ file_id: fileId(path), path, size: 10 })));
    await db.load(imports, importRows);
    await db.install(manifest);
  });
  afterAll(() => db.close());

  it('names rows without a path after the path of their file, anchored levels up, followed by the appended columns', async () => {
    const rows = await db.rows('SELECT import_id, qualified_name FROM derived.targets ORDER BY import_id');
    expect(rows).toEqual([
      { import_id: 'above-top', qualified_name: null },
      { import_id: 'abs', qualified_name: 'pkg.core.helper' },
      { import_id: 'far-above', qualified_name: null },
      { import_id: 'own-package', qualified_name: 'pkg.core.Engine' },
      { import_id: 'parent', qualified_name: 'pkg.core.helper' },
      { import_id: 'sibling', qualified_name: 'pkg.util' },
    ]);
  });

  it('matches anchored names with the names of modules across files', async () => {
    const named = async (view: string): Promise<unknown[]> =>
      (
        await db.rows(`SELECT e.src_node_id || '→' || m.qualified_name AS edge FROM rel.${view} e JOIN derived.modules m ON m.module_id = e.dst_node_id ORDER BY 1`)
      ).map((r) => r['edge']);
    expect(await named('imports_module')).toEqual(['abs→pkg.core', 'own-package→pkg.core', 'parent→pkg.core', 'sibling→pkg']);
    expect(await named('imports_name')).toEqual(['sibling→pkg.util']);
  });

  it('joins the dataset describing files for the path, and says so', () => {
    const view = manifest.views.find((v) => v.name === 'derived.targets')!;
    expect(view.sql).toContain('LEFT JOIN "evidence"."files" AS "f"');
    const decision = view.decisions.find((d) => d.value.topic === 'path-name')!;
    expect(decision.rationale).toContain('followed by module, imported_name');
    expect(decision.evidence.map((e) => e.detail)).toContain('evidence.files.path has the role path');
  });

  it('rejects appended or anchor columns the input lacks', () => {
    const bad = defineProgram({
      name: 'bad',
      views: [
        Derive.create({ name: 'targets', from: 'evidence.imports', where: [{ column: 'level', notIn: [-1] }], nameFromPath: { ...naming, anchor: 'module', append: ['nope'] } }),
        Project.create({ name: 'cpg.nodes', rows: [{ from: 'derived.targets', kind: 'X' }] }),
      ],
    });
    expect(() => compileProgram(bad, registryOf(files, imports))).toThrow(/no column nope \(nameFromPath.append\).*no integer column module/);
  });
});
