import { stableId } from '@anatomy/contracts';
import { defineDataset } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProgram } from './compile-program.js';
import { TestDatabase, registryOf } from './duckdb-fixture.test-support.js';
import { Normalize } from './normalize.js';
import { Project } from './project.js';
import { defId, fileId, fileRows, files, spanOf, tsDefRows, tsDefs } from './python-fixture.test-support.js';
import { defineProgram } from './semantic-program.js';
import { Union } from './union.js';

// CPython's view of the same definitions: other column names, a qualname, no line or column.
const pyDefs: DatasetSchema = defineDataset({
  name: 'evidence.py_defs',
  producer: 'python',
  version: 1,
  description: 'definitions found by the ast module',
  spanUnit: 'utf8-bytes',
  columns: [
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'file' },
    { name: 'kind', type: 'utf8', nullable: false, role: 'kind', description: 'function or class' },
    { name: 'name', type: 'utf8', nullable: false, role: 'name', description: 'identifier' },
    { name: 'qualname', type: 'utf8', nullable: false, role: 'attribute', description: 'qualified name' },
    { name: 'bstart', type: 'int32', nullable: false, role: 'span-start', description: 'start' },
    { name: 'bend', type: 'int32', nullable: false, role: 'span-end', description: 'end' },
  ],
});
const py = (name: string, qualname: string, kind: string, first: string, last: string): Record<string, unknown> => {
  const s = spanOf('pkg/mod.py', first, last);
  return { file_id: fileId('pkg/mod.py'), kind, name, qualname, bstart: s.bstart, bend: s.bend };
};
// outer and inner agree with tree-sitter; the class ends elsewhere in this extractor's view, so it is another entity.
const pyDefRows = [
  py('outer', 'outer', 'function', 'def outer', 'return total'),
  py('inner', 'outer.<locals>.inner', 'function', 'def inner', 'return y + x'),
  py('Greeter', 'Greeter', 'class', 'class Greeter', 'def hello(self):'),
];

const program = defineProgram({
  name: 'union',
  views: [
    Normalize.create({ name: 'ts_defs', from: 'evidence.ts_defs', entity: 'def' }),
    Normalize.create({ name: 'py_defs', from: 'evidence.py_defs', entity: 'def' }),
    Union.create({ name: 'defs', from: ['norm.ts_defs', 'norm.py_defs'] }),
    Union.create({ name: 'raw_defs', from: ['evidence.ts_defs', 'evidence.py_defs'] }),
    Project.create({ name: 'cpg.nodes', rows: [{ from: 'merged.defs', kind: 'DEF' }, { from: 'merged.raw_defs', kind: 'RAW', entity: 'raw' }] }),
  ],
});
const manifest = compileProgram(program, registryOf(files, tsDefs, pyDefs));
const view = (name: string) => manifest.views.find((v) => v.name === name)!;

describe('union', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await TestDatabase.open();
    await db.load(files, fileRows);
    await db.load(tsDefs, tsDefRows);
    await db.load(pyDefs, pyDefRows);
    await db.install(manifest);
  });
  afterAll(() => db.close());

  it('aligns columns by role, naming a role by its standard name where the inputs disagree', async () => {
    const columns = await db.rows(`SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'merged' AND table_name = 'defs' ORDER BY ordinal_position`);
    expect(columns.map((c) => `${String(c['column_name'])}:${String(c['data_type'])}`)).toEqual([
      'def_id:VARCHAR',
      'file_id:VARCHAR',
      'kind:VARCHAR',
      'name:VARCHAR',
      'bstart:BIGINT',
      'bend:BIGINT',
      'line:INTEGER',
      'col:INTEGER',
      'qualname:VARCHAR',
      'origin:VARCHAR',
    ]);
    const fills = view('merged.defs')
      .decisions.filter((d) => d.value.topic === 'column-fill' && d.value.column === 'kind')
      .map((d) => [d.value.topic === 'column-fill' ? d.value.source : '', d.value.topic === 'column-fill' ? d.value.fill : null, d.rationale]);
    expect(fills).toEqual([
      ['norm.ts_defs', { by: 'column', dataset: 'norm.ts_defs', column: 'def_kind' }, 'def_kind is the one column of norm.ts_defs with the role kind'],
      ['norm.py_defs', { by: 'column', dataset: 'norm.py_defs', column: 'kind' }, 'kind is the one column of norm.py_defs with the role kind'],
    ]);
  });

  it('merges rows with the same identity, taking values in declaration order and listing every source', async () => {
    expect(view('merged.defs').decisions[0]!.value).toEqual({ topic: 'union-mode', mode: 'merge', identity: 'def_id' });
    const rows = await db.rows(`SELECT def_id, name, kind, qualname, line, origin FROM merged.defs WHERE file_id = '${fileId('pkg/mod.py')}' ORDER BY bstart, bend`);
    const ts = (name: string) => tsDefRows.find((r) => r['name'] === name)!;
    const greeterPy = pyDefRows[2]!;
    expect(rows).toEqual([
      { def_id: defId(ts('outer')), name: 'outer', kind: 'function', qualname: 'outer', line: 3, origin: 'python+tree-sitter' },
      { def_id: defId(ts('inner')), name: 'inner', kind: 'function', qualname: 'outer.<locals>.inner', line: 4, origin: 'python+tree-sitter' },
      { def_id: stableId('def', fileId('pkg/mod.py'), greeterPy['bstart'] as number, greeterPy['bend'] as number), name: 'Greeter', kind: 'class', qualname: 'Greeter', line: null, origin: 'python' },
      { def_id: defId(ts('Greeter')), name: 'Greeter', kind: 'class', qualname: null, line: 9, origin: 'tree-sitter' },
      { def_id: defId(ts('hello')), name: 'hello', kind: 'function', qualname: null, line: 10, origin: 'tree-sitter' },
      { def_id: defId(ts('fact')), name: 'fact', kind: 'function', qualname: null, line: 13, origin: 'tree-sitter' },
    ]);
    // Only the identities several rows hold go through the ordered aggregates; the others pass through as they are.
    const sql = view('merged.defs').sql;
    expect(sql).toMatch(/^WITH "inputs" AS MATERIALIZED \(/);
    expect(sql).toContain('"shared" AS (\n  SELECT "def_id" FROM "inputs" GROUP BY "def_id" HAVING count(*) > 1\n)');
    // def_id is never NULL, so `=` matches it (NULL ids would form one group, as GROUP BY makes them).
    expect(sql).toContain('WHERE NOT EXISTS (SELECT 1 FROM "shared" AS "s" WHERE "s"."def_id" = "inputs"."def_id")');
    const shared = await db.rows(`SELECT count(*) AS n FROM (SELECT def_id FROM merged.defs GROUP BY def_id HAVING count(*) > 1)`);
    expect(shared).toEqual([{ n: 0n }]);
  });

  it('appends rows when an input has no identity, with NULL for what it lacks', async () => {
    expect(view('merged.raw_defs').decisions[0]!.value).toEqual({ topic: 'union-mode', mode: 'append', identity: null });
    expect(view('merged.raw_defs').sql).toContain('UNION ALL');
    expect(view('merged.raw_defs').sql).not.toContain('GROUP BY');
    const counts = await db.rows(`SELECT origin, count(*) AS n, count(line) AS lines, count(qualname) AS qualnames FROM merged.raw_defs GROUP BY origin ORDER BY origin`);
    expect(counts).toEqual([
      { origin: 'python', n: 3n, lines: 0n, qualnames: 3n },
      { origin: 'tree-sitter', n: BigInt(tsDefRows.length), lines: BigInt(tsDefRows.length), qualnames: 0n },
    ]);
  });

  it('projects merged rows with their merged provenance', async () => {
    const rows = await db.rows(`SELECT name, origin FROM cpg.nodes WHERE node_kind = 'DEF' AND name IN ('outer', 'hello') ORDER BY name`);
    expect(rows).toEqual([
      { name: 'hello', origin: 'tree-sitter' },
      { name: 'outer', origin: 'python+tree-sitter' },
    ]);
  });
});

// Things with a provenance of their own and an identity that may be NULL, to check the lone rows against grouping all.
const things = (name: string): DatasetSchema =>
  defineDataset({
    name,
    producer: 'test',
    version: 1,
    description: 'things',
    spanUnit: 'none',
    columns: [
      { name: 'thing_id', type: 'utf8', nullable: true, role: 'entity-identity', description: 'id' },
      { name: 'name', type: 'utf8', nullable: true, role: 'name', description: 'name' },
      { name: 'origin', type: 'utf8', nullable: true, role: 'provenance', description: 'sources' },
    ],
  });
const [leftThings, rightThings] = [things('evidence.left_things'), things('evidence.right_things')];

describe('a merging union with lone and shared identities', () => {
  const compiled = compileProgram(
    defineProgram({
      name: 'things',
      views: [
        Union.create({ name: 'things', from: ['evidence.left_things', 'evidence.right_things'] }),
        Project.create({ name: 'cpg.nodes', rows: [{ from: 'merged.things', kind: 'THING' }] }),
      ],
    }),
    registryOf(files, leftThings, rightThings),
  );
  const sql = compiled.views.find((v) => v.name === 'merged.things')!.sql;
  let db: TestDatabase;
  beforeAll(async () => {
    db = await TestDatabase.open();
    await db.load(leftThings, [
      { thing_id: 'lone-null', name: 'a', origin: null },
      { thing_id: 'lone-plus', name: 'b', origin: 'y+x+y' },
      { thing_id: 'lone-empty', name: null, origin: '' },
      { thing_id: 'both', name: null, origin: 'x' },
      { thing_id: null, name: 'n1', origin: 'p' },
    ]);
    await db.load(rightThings, [
      { thing_id: 'both', name: 'right', origin: 'w+x' },
      { thing_id: null, name: 'n2', origin: null },
      { thing_id: 'lone-right', name: 'r', origin: 'z' },
    ]);
    await db.install(compiled);
  });
  afterAll(() => db.close());

  it('gives every row what grouping all of them by identity gives', async () => {
    // A nullable identity: its NULLs are one group, as GROUP BY makes them.
    expect(sql).toContain('IS NOT DISTINCT FROM "inputs"."thing_id"');
    const body = /^WITH "inputs" AS MATERIALIZED \(\n([\s\S]*?)\n\),\n"shared"/.exec(sql)?.[1];
    const grouped = /\nUNION ALL\nSELECT\n([\s\S]*?)\nFROM "inputs"\nWHERE EXISTS/.exec(sql)?.[1];
    expect(body).toBeDefined();
    expect(grouped).toBeDefined();
    const reference = `WITH "inputs" AS (${body ?? ''}) SELECT ${grouped ?? ''} FROM "inputs" GROUP BY "thing_id"`;
    const order = ' ORDER BY "thing_id" NULLS LAST';
    const rows = await db.rows(`SELECT * FROM merged.things${order}`);
    expect(rows).toEqual(await db.rows(`SELECT * FROM (${reference})${order}`));
    expect(rows.map((r) => [r['thing_id'], r['name'], r['origin']])).toEqual([
      ['both', 'right', 'w+x'],
      ['lone-empty', null, ''],
      ['lone-null', 'a', ''],
      ['lone-plus', 'b', 'x+y'],
      ['lone-right', 'r', 'z'],
      [null, 'n1', 'p'],
    ]);
  });
});
