import { stableId } from '@anatomy/contracts';
import { defineDataset } from '@anatomy/schema-authority';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProgram } from './compile-program.js';
import { Derive } from './derive.js';
import { TestDatabase, registryOf } from './duckdb-fixture.test-support.js';
import { Normalize } from './normalize.js';
import { Project } from './project.js';
import {
  SOURCES,
  fileId,
  fileRows,
  files,
  lineIndex,
  lineIndexRows,
  locate,
  pyScopeRows,
  pyScopes,
  refId,
  spanOf,
  tsRefRows,
  tsRefs,
} from './python-fixture.test-support.js';
import { SemanticIrError } from './semantic-ir-error.js';
import { defineProgram } from './semantic-program.js';

// A point dataset: name occurrences with a start position only.
const pyNames = defineDataset({
  name: 'evidence.py_names',
  producer: 'python',
  version: 1,
  description: 'names located by line and column, without an end',
  spanUnit: 'line-col',
  columns: [
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'file' },
    { name: 'name', type: 'utf8', nullable: false, role: 'name', description: 'identifier' },
    { name: 'line', type: 'int32', nullable: false, role: 'line', description: '1-based line' },
    { name: 'col', type: 'int32', nullable: false, role: 'column', description: 'UTF-8 byte column' },
  ],
});
const uFile = 'pkg/ünï.py';
// `ü` in `    return ü + outer`: byte column 11, after the four spaces and `return `.
const uName = locate(uFile, 'ü + outer');

const program = defineProgram({
  name: 'entities',
  views: [
    Normalize.create({ name: 'scopes', from: 'evidence.py_scopes', entity: 'pyscope' }),
    Normalize.create({ name: 'names', from: 'evidence.py_names', entity: 'name' }),
    Normalize.create({ name: 'refs', from: 'evidence.ts_refs', entity: 'ref' }),
    Derive.create({ name: 'stores', from: 'norm.refs', where: [{ role: 'kind', in: ['store'] }] }),
    Derive.create({ name: 'unbound', from: 'norm.refs', where: [{ column: 'binder', notIn: ['annotated_assignment'] }, { role: 'kind', notIn: ['load'] }] }),
    Derive.create({ name: 'modules', from: 'evidence.files', entity: 'module' }),
    Derive.create({ name: 'assignments', from: 'norm.refs', entity: 'binding', where: [{ column: 'binder', in: ['assignment'] }] }),
    Project.create({
      name: 'cpg.nodes',
      rows: [
        { from: 'norm.scopes', kind: 'SCOPE' },
        { from: 'norm.names', kind: 'NAME' },
        { from: 'derived.stores', kind: 'REF' },
        { from: 'derived.unbound', kind: 'UNBOUND' },
        { from: 'derived.modules', kind: 'MODULE' },
        { from: 'derived.assignments', kind: 'BINDING' },
      ],
    }),
  ],
});
const manifest = compileProgram(program, registryOf(files, lineIndex, pyScopes, pyNames, tsRefs));
const sqlOf = (name: string): string => manifest.views.find((v) => v.name === name)?.sql ?? '';
const decisionsOf = (name: string) => manifest.views.find((v) => v.name === name)?.decisions ?? [];

describe('normalize and derive', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await TestDatabase.open();
    await db.load(files, fileRows);
    await db.load(lineIndex, lineIndexRows);
    await db.load(pyScopes, pyScopeRows);
    await db.load(pyNames, [{ file_id: fileId(uFile), name: 'ü', line: uName.line, col: uName.col }]);
    await db.load(tsRefs, tsRefRows);
    await db.install(manifest);
  });
  afterAll(() => db.close());

  it('converts line/column positions to bytes by joining the line index twice', () => {
    expect(sqlOf('norm.scopes')).toBe(
      [
        'WITH "located" AS (',
        '  SELECT',
        '    "s".*,',
        '    CAST("ls"."bstart" + "s"."col" AS BIGINT) AS "bstart",',
        '    CAST("le"."bstart" + "s"."end_col" AS BIGINT) AS "bend"',
        '  FROM "evidence"."py_scopes" AS "s"',
        '  LEFT JOIN "evidence"."line_index" AS "ls" ON "ls"."file_id" = "s"."file_id" AND "ls"."line_no" = "s"."line"',
        '  LEFT JOIN "evidence"."line_index" AS "le" ON "le"."file_id" = "s"."file_id" AND "le"."line_no" = "s"."end_line"',
        ')',
        'SELECT',
        `  anatomy_stable_id('pyscope', CAST("s"."file_id" AS VARCHAR), CAST("s"."bstart" AS VARCHAR), CAST("s"."bend" AS VARCHAR)) AS "pyscope_id",`,
        '  "s"."scope_id",\n  "s"."parent_scope_id",\n  "s"."file_id",\n  "s"."scope_type",\n  "s"."name",\n  "s"."line",\n  "s"."col",\n  "s"."end_line",\n  "s"."end_col",',
        '  "s"."bstart",\n  "s"."bend"',
        'FROM "located" AS "s"',
      ].join('\n'),
    );
  });

  it('gives exact byte spans on lines holding multi-byte characters', async () => {
    const naive = spanOf(uFile, 'def naïve', 'ü + outer');
    // The line before holds é and ö, the def line ï: bytes and characters differ on both.
    expect(naive.bstart).toBe(Buffer.byteLength('# héllo wörld\n'));
    expect(naive.bend).not.toBe(SOURCES[uFile]!.indexOf('ü + outer') + 'ü + outer'.length);
    const rows = await db.rows(`SELECT bstart, bend FROM norm.scopes WHERE name = 'naïve'`);
    expect(rows.map((r) => [r['bstart'], r['bend']])).toEqual([[BigInt(naive.bstart), BigInt(naive.bend)]]);
    const bytes = Buffer.from(SOURCES[uFile]!, 'utf8');
    expect(bytes.subarray(naive.bstart, naive.bend).toString('utf8')).toBe('def naïve(ü):\n    return ü + outer');
  });

  it('makes an empty span at the start of rows without an end, with less confidence', async () => {
    const rows = await db.rows('SELECT name_id, bstart, bend FROM norm.names');
    expect(rows).toEqual([
      { name_id: stableId('name', fileId(uFile), uName.bstart, uName.bstart), bstart: BigInt(uName.bstart), bend: BigInt(uName.bstart) },
    ]);
    const bytes = Buffer.from(SOURCES[uFile]!, 'utf8');
    expect(bytes.subarray(uName.bstart, uName.bstart + 2).toString('utf8')).toBe('ü');
    const conversion = decisionsOf('norm.names').find((d) => d.value.topic === 'span-conversion')!;
    expect(conversion.value).toMatchObject({ lineIndex: 'evidence.line_index', start: { line: 'line', column: 'col' }, end: null });
    expect(conversion.confidence).toBeLessThan(decisionsOf('norm.scopes').find((d) => d.value.topic === 'span-conversion')!.confidence);
  });

  it('records the conversion and the line index it found by role and key', () => {
    const conversion = decisionsOf('norm.scopes').find((d) => d.value.topic === 'span-conversion')!;
    expect(conversion.value).toEqual({
      topic: 'span-conversion',
      source: 'evidence.py_scopes',
      lineIndex: 'evidence.line_index',
      start: { line: 'line', column: 'col' },
      end: { line: 'end_line', column: 'end_col' },
      output: { start: 'bstart', end: 'bend' },
    });
    expect(conversion.evidence.map((e) => e.detail)).toContain('evidence.line_index is keyed by (file_id, line_no) and holds each line\'s first byte in bstart');
  });

  it('keeps the input identity when a derive only filters, and tests the kind role', async () => {
    expect(sqlOf('derived.stores')).toMatch(/FROM "norm"\."refs" AS "s"\nWHERE "s"\."ctx" IN \('store'\)$/);
    const rows = await db.rows('SELECT ref_id, name FROM derived.stores');
    const store = tsRefRows.find((r) => r['ctx'] === 'store')!;
    expect(rows).toEqual([{ ref_id: refId(store), name: 'total' }]);
    expect(decisionsOf('derived.stores').map((d) => d.value)).toEqual([{ topic: 'condition', source: 'norm.refs', column: 'ctx', test: 'in', values: ['store'] }]);
  });

  it('keeps NULLs under notIn unless NULL is listed, in a canonical order of conditions', async () => {
    expect(sqlOf('derived.unbound')).toContain(
      `WHERE ("s"."binder" IS NULL OR "s"."binder" NOT IN ('annotated_assignment'))\n  AND ("s"."ctx" IS NULL OR "s"."ctx" NOT IN ('load'))`,
    );
    expect(await db.rows('SELECT name, binder FROM derived.unbound')).toEqual([{ name: 'total', binder: 'assignment' }]);
  });

  it('gives whole files a span [0, size) from line 1 column 0, and ids from the file alone', async () => {
    const rows = await db.rows('SELECT module_id, path, bstart, bend, line, col FROM derived.modules ORDER BY path');
    expect(rows).toEqual(
      fileRows
        .map((f) => ({ module_id: stableId('module', f.file_id), path: f.path, bstart: 0n, bend: BigInt(f.size), line: 1, col: 0 }))
        .sort((a, b) => (a.path < b.path ? -1 : 1)),
    );
  });

  it('re-identifies derived rows by location, keeping the old identity as an attribute', async () => {
    const rows = await db.rows('SELECT binding_id, ref_id FROM derived.assignments');
    const store = tsRefRows.find((r) => r['binder'] === 'assignment')!;
    expect(rows).toEqual([{ binding_id: stableId('binding', store['file_id'] as string, store['bstart'] as number, store['bend'] as number), ref_id: refId(store) }]);
    expect(decisionsOf('derived.assignments').map((d) => d.value.topic)).toEqual(['condition', 'column-fill', 'role-change']);
  });

  it('projects converted rows with their byte spans and original line and column', async () => {
    const rows = await db.rows(`SELECT name, bstart, bend, line, col, path FROM cpg.nodes WHERE node_kind = 'SCOPE' ORDER BY name`);
    const inner = spanOf('pkg/mod.py', 'def inner', 'return y + x');
    expect(rows.find((r) => r['name'] === 'inner')).toEqual({ name: 'inner', bstart: BigInt(inner.bstart), bend: BigInt(inner.bend), line: 4, col: 4, path: 'pkg/mod.py' });
  });
});

describe('derive with nameFromPath', () => {
  const naming = { strip: ['/__init__.pyi', '/__init__.py', '.pyi', '.py'], separator: '.' };
  const modules = defineProgram({
    name: 'modules',
    views: [
      Derive.create({ name: 'modules', from: 'evidence.files', entity: 'module', nameFromPath: naming }),
      Project.create({ name: 'cpg.nodes', rows: [{ from: 'derived.modules', kind: 'MODULE' }] }),
    ],
  });
  const m = compileProgram(modules, registryOf(files));
  const paths = ['pkg/__init__.py', 'pkg/sub/mod.py', 'top.py', 'pkg/stubs.pyi', 'pkg/py.py', 'odd.name/x.py'];
  let db: TestDatabase;
  beforeAll(async () => {
    db = await TestDatabase.open();
    await db.load(files, paths.map((path) => ({ file_id: fileId(path), path, size: 10 })));
    await db.install(m);
  });
  afterAll(() => db.close());

  it('names each row after its path (a symbol identity, projected as the name), stripping the first listed suffix it ends with and replacing slashes', async () => {
    const rows = await db.rows("SELECT path, name FROM cpg.nodes WHERE node_kind = 'MODULE' ORDER BY path");
    expect(rows).toEqual(
      [
        { path: 'odd.name/x.py', name: 'odd.name.x' },
        { path: 'pkg/__init__.py', name: 'pkg' },
        { path: 'pkg/py.py', name: 'pkg.py' },
        { path: 'pkg/stubs.pyi', name: 'pkg.stubs' },
        { path: 'pkg/sub/mod.py', name: 'pkg.sub.mod' },
        { path: 'top.py', name: 'top' },
      ],
    );
  });

  it('records a path-name Decision citing the path role', () => {
    const decision = m.views.find((v) => v.name === 'derived.modules')!.decisions.find((d) => d.value.topic === 'path-name')!;
    expect(decision.value).toEqual({ topic: 'path-name', source: 'evidence.files', column: 'qualified_name', path: 'path', strip: naming.strip, separator: '.' });
    expect(decision.evidence.map((e) => e.detail)).toContain('evidence.files.path has the role path');
  });

  it('refuses to name rows that already have a name', () => {
    const named = defineProgram({
      name: 'named',
      views: [
        Derive.create({ name: 'modules', from: 'evidence.files', entity: 'module', nameFromPath: naming }),
        Derive.create({ name: 'again', from: 'derived.modules', entity: 'again', nameFromPath: naming }),
        Project.create({ name: 'cpg.nodes', rows: [{ from: 'derived.again', kind: 'X' }] }),
      ],
    });
    expect(() => compileProgram(named, registryOf(files))).toThrow(/already has a symbol identity/);
  });
});

describe('entity view errors', () => {
  it('lists conditions on missing or ambiguous roles and values of the wrong type', () => {
    const bad = defineProgram({
      name: 'bad',
      views: [
        Normalize.create({ name: 'refs', from: 'evidence.ts_refs', entity: 'ref' }),
        Derive.create({
          name: 'odd',
          from: 'norm.refs',
          where: [{ role: 'symbol-identity', in: ['x'] }, { role: 'kind', in: [1] }, { column: 'nope', in: ['x'] }, { role: 'span-start', in: [0] }],
        }),
        Project.create({ name: 'cpg.nodes', rows: [{ from: 'derived.odd', kind: 'ODD' }] }),
      ],
    });
    let error: unknown;
    try {
      compileProgram(bad, registryOf(files, tsRefs));
    } catch (e) {
      error = e;
    }
    expect(SemanticIrError.is(error, 'InferenceFailed')).toBe(true);
    if (SemanticIrError.is(error)) {
      expect(error.details['issues']).toEqual([
        { path: 'views[1].where[0]', message: 'norm.refs has no column with the role symbol-identity to test' },
        { path: 'views[1].where[1]', message: 'norm.refs.ctx holds utf8 values, not 1' },
        { path: 'views[1].where[2]', message: 'norm.refs has no column nope' },
      ]);
    }
  });
});
