import { stableIdSql } from '@anatomy/contracts';
import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inferDeps } from './inferred-deps.js';
import { readLineageCatalog, withRelationColumns } from './lineage-catalog.js';
import { parseLineage } from './parse-lineage.js';
import { PlanSignalsError } from './plan-signals-error.js';
import { readParseTree } from './read-parse-tree.js';
import { ViewLineageSchema } from './view-lineage.js';
import type { ColumnUse } from './view-lineage.js';

let store: Store;

beforeAll(async () => {
  store = await openStore({ path: ':memory:' });
  await store.run(`
    CREATE SCHEMA evidence;
    CREATE TABLE evidence.defs (file_id VARCHAR, name VARCHAR, kind VARCHAR, bstart BIGINT, bend BIGINT);
    CREATE TABLE evidence.refs (file_id VARCHAR, name VARCHAR, bstart BIGINT, ctx VARCHAR);
    CREATE TABLE evidence.files (file_id VARCHAR, path VARCHAR);
    CREATE TABLE plain (id INTEGER, label VARCHAR);
    CREATE MACRO span_len(s, e) AS e - s;
    CREATE MACRO file_defs(f) AS TABLE SELECT * FROM evidence.defs WHERE file_id = f;
  `);
});

afterAll(async () => {
  await store.close();
});

const tableCols = (uses: readonly ColumnUse[]): string[] =>
  uses.filter((u) => u.relation?.kind === 'table').map((u) => `${u.relation?.name}.${u.column}`);

describe('parseLineage', () => {
  it('reads tables, attributed columns, macros, filters and the join of a two-table query', async () => {
    const lineage = await parseLineage(store, {
      name: 'norm.def_refs',
      sql: `SELECT d.name, span_len(d.bstart, d.bend) AS len, r.ctx
              FROM evidence.defs AS d JOIN evidence.refs r ON d.file_id = r.file_id AND d.name = r.name
             WHERE d.kind = 'function'`,
    });
    expect(ViewLineageSchema.parse(lineage)).toEqual(lineage);
    expect(lineage.tables).toEqual(['evidence.defs', 'evidence.refs']);
    expect(tableCols(lineage.columns)).toEqual([
      'evidence.defs.bend',
      'evidence.defs.bstart',
      'evidence.defs.file_id',
      'evidence.defs.kind',
      'evidence.defs.name',
      'evidence.refs.ctx',
      'evidence.refs.file_id',
      'evidence.refs.name',
    ]);
    expect(lineage.filters).toEqual({ where: true, having: false, qualify: false });
    expect(lineage.joins).toEqual([
      {
        type: 'INNER',
        refType: 'REGULAR',
        left: [{ kind: 'table', name: 'evidence.defs' }],
        right: [{ kind: 'table', name: 'evidence.refs' }],
        conditionColumns: [
          { relation: { kind: 'table', name: 'evidence.defs' }, column: 'file_id' },
          { relation: { kind: 'table', name: 'evidence.refs' }, column: 'file_id' },
          { relation: { kind: 'table', name: 'evidence.defs' }, column: 'name' },
          { relation: { kind: 'table', name: 'evidence.refs' }, column: 'name' },
        ],
        using: [],
      },
    ]);
    expect(lineage.functions.find((f) => f.name === 'span_len')).toEqual({ name: 'span_len', kind: 'macro', builtin: false });
    expect(inferDeps(lineage)).toEqual({
      view: 'norm.def_refs',
      inputs: ['evidence.defs', 'evidence.refs'],
      requiredColumns: {
        'evidence.defs': ['bend', 'bstart', 'file_id', 'kind', 'name'],
        'evidence.refs': ['ctx', 'file_id', 'name'],
      },
      requiredMacros: ['span_len'],
      inputsFrom: 'plan-lineage',
    });
  });

  it('excludes CTE names, even one that shadows a table name, and follows UNION ALL branches', async () => {
    const lineage = await parseLineage(store, {
      name: 'norm.names',
      sql: `WITH defs AS (SELECT file_id, name FROM evidence.defs WHERE kind = 'class'),
                 named AS (SELECT name FROM defs)
            SELECT name FROM named
            UNION ALL SELECT name FROM evidence.refs
            UNION ALL SELECT label FROM plain`,
    });
    expect(lineage.tables).toEqual(['evidence.defs', 'evidence.refs', 'main.plain']);
    expect(lineage.ctes).toEqual(['defs', 'named']);
    expect(lineage.setOperations).toEqual([
      { type: 'UNION', all: true },
      { type: 'UNION', all: true },
    ]);
    expect(tableCols(lineage.columns)).toEqual([
      'evidence.defs.file_id',
      'evidence.defs.kind',
      'evidence.defs.name',
      'evidence.refs.name',
      'main.plain.label',
    ]);
    expect(lineage.columns.filter((u) => u.relation?.kind === 'cte').map((u) => `${u.relation?.name}.${u.column}`)).toEqual([
      'defs.name',
      'named.name',
    ]);
  });

  it('reads the parse tree a caller already read instead of asking DuckDB again', async () => {
    const view = { name: 'norm.kinds', sql: `SELECT d.kind, count(*) AS n FROM evidence.defs d JOIN evidence.files f USING (file_id) GROUP BY d.kind` };
    const asked = await parseLineage(store, view);
    expect(await parseLineage(store, view, { parseTree: await readParseTree(store, view) })).toEqual(asked);
    // The tree given is the one read: another SQL's tree gives that SQL's lineage.
    const other = { name: 'norm.kinds', sql: 'SELECT label FROM plain' };
    expect((await parseLineage(store, view, { parseTree: await readParseTree(store, other) })).tables).toEqual(['main.plain']);
  });

  it('sees a recursive CTE as a CTE, not as an input', async () => {
    const lineage = await parseLineage(store, {
      name: 'norm.depth',
      sql: `WITH RECURSIVE walk(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM walk WHERE n < (SELECT count(*) FROM evidence.files))
            SELECT n FROM walk`,
    });
    expect(lineage.tables).toEqual(['evidence.files']);
    expect(lineage.ctes).toEqual(['walk']);
  });

  it('follows subqueries in FROM and WHERE, attributing correlated names to the outer query', async () => {
    const lineage = await parseLineage(store, {
      name: 'norm.orphans',
      sql: `SELECT s.path, s.n
              FROM (SELECT f.path, f.file_id, count(*) AS n FROM evidence.files f JOIN evidence.defs USING (file_id) GROUP BY ALL) AS s
             WHERE NOT EXISTS (SELECT 1 FROM evidence.refs r WHERE r.file_id = s.file_id AND r.ctx = 'load')
               AND s.file_id IN (SELECT file_id FROM plain, evidence.files WHERE id > 0)
            HAVING true`,
    });
    expect(lineage.tables).toEqual(['evidence.defs', 'evidence.files', 'evidence.refs', 'main.plain']);
    expect(tableCols(lineage.columns)).toEqual([
      'evidence.defs.file_id',
      'evidence.files.file_id',
      'evidence.files.path',
      'evidence.refs.ctx',
      'evidence.refs.file_id',
      // `id` is unqualified over two tables: the catalog says only `plain` has it.
      'main.plain.id',
    ]);
    expect(lineage.filters).toEqual({ where: true, having: true, qualify: false });
    expect(lineage.joins[0]?.using).toEqual(['file_id']);
  });

  it('reads schema.table.column references and resolves unqualified tables to the default schema', async () => {
    const lineage = await parseLineage(store, {
      name: 'norm.labels',
      sql: 'SELECT evidence.files.path, main.plain.label FROM evidence.files, plain WHERE evidence.files.file_id = CAST(main.plain.id AS VARCHAR)',
    });
    expect(lineage.tables).toEqual(['evidence.files', 'main.plain']);
    expect(tableCols(lineage.columns)).toEqual(['evidence.files.file_id', 'evidence.files.path', 'main.plain.id', 'main.plain.label']);
  });

  it('leaves table functions out of the inputs and tells user macros from built-in ones', async () => {
    const lineage = await parseLineage(store, {
      name: 'norm.ids',
      sql: `SELECT ${stableIdSql('def', ['d.file_id', 'd.bstart'])} AS id, array_append([d.name], 'x') AS names, r.range
              FROM file_defs('f1') AS d, range(3) AS r`,
    });
    expect(lineage.tables).toEqual([]);
    const byName = Object.fromEntries(lineage.functions.map((f) => [f.name, f]));
    expect(byName['file_defs']).toEqual({ name: 'file_defs', kind: 'table-macro', builtin: false });
    expect(byName['range']).toEqual({ name: 'range', kind: 'table', builtin: true });
    expect(byName['array_append']).toEqual({ name: 'array_append', kind: 'macro', builtin: true });
    expect(byName['anatomy_stable_id']).toEqual({ name: 'anatomy_stable_id', kind: 'macro', builtin: false });
    expect(inferDeps(lineage).requiredMacros).toEqual(['anatomy_stable_id', 'file_defs']);
  });

  it('does not take lambda parameters or select aliases for columns, and reads * as every column', async () => {
    const lineage = await parseLineage(store, {
      name: 'norm.ranked',
      sql: `SELECT d.*, list_transform([d.bstart], lambda q: q + d.bend) AS shifted,
                   row_number() OVER (PARTITION BY d.file_id ORDER BY d.bstart) AS rank
              FROM evidence.defs d
           QUALIFY rank = 1
          ORDER BY shifted`,
    });
    expect(tableCols(lineage.columns)).toEqual(['evidence.defs.*', 'evidence.defs.bend', 'evidence.defs.bstart', 'evidence.defs.file_id']);
    expect(lineage.columns.some((u) => u.relation === null)).toBe(false);
    expect(lineage.filters.qualify).toBe(true);
    expect(lineage.functions.find((f) => f.name === 'row_number')?.kind).toBe('window');
    expect(inferDeps(lineage).requiredColumns).toEqual({ 'evidence.defs': ['*', 'bend', 'bstart', 'file_id'] });
  });

  it('attributes unqualified names by what the catalog knows, and leaves the undecidable unattributed', async () => {
    const catalog = await readLineageCatalog(store);
    // Neither norm.pending nor norm.other exists yet: nothing tells whose column `x` is.
    const open = await parseLineage(store, { name: 'norm.pair', sql: 'SELECT x FROM norm.pending, norm.other' }, { catalog });
    expect(open.tables).toEqual(['norm.other', 'norm.pending']);
    expect(open.columns).toEqual([{ relation: null, column: 'x' }]);
    // evidence.files is known and has no `x`, so `x` can only come from norm.pending.
    const eliminated = await parseLineage(store, { name: 'norm.pair', sql: 'SELECT x FROM norm.pending, evidence.files' }, { catalog });
    expect(eliminated.columns).toEqual([{ relation: { kind: 'table', name: 'norm.pending' }, column: 'x' }]);
    // evidence.files has `path`; a second owner would make DuckDB reject the SQL as ambiguous.
    const known = await parseLineage(store, { name: 'norm.pair', sql: 'SELECT path FROM norm.pending, evidence.files' }, { catalog });
    expect(known.columns).toEqual([{ relation: { kind: 'table', name: 'evidence.files' }, column: 'path' }]);
  });

  it('attributes names to a relation added to the catalog as reading the catalog again would', async () => {
    const catalog = await readLineageCatalog(store);
    const view = { name: 'norm.pair', sql: 'SELECT x FROM norm.pending, norm.other' };
    const added = withRelationColumns(catalog, 'NORM.Other', ['X', 'y']);
    expect(catalog.columns.has('norm.other')).toBe(false);
    expect((await parseLineage(store, view, { catalog: added })).columns).toEqual([{ relation: { kind: 'table', name: 'norm.other' }, column: 'x' }]);
    await store.run('BEGIN TRANSACTION');
    try {
      await store.run('CREATE SCHEMA norm; CREATE TABLE norm.other (x INTEGER, y INTEGER)');
      expect((await readLineageCatalog(store)).columns.get('norm.other')).toEqual(added.columns.get('norm.other'));
    } finally {
      await store.run('ROLLBACK');
    }
    // Unqualified, a relation lives in the default schema; replacing one forgets its old columns.
    expect([...(withRelationColumns(added, 'plain', ['id']).columns.get('main.plain') ?? [])]).toEqual(['id']);
    expect([...(withRelationColumns(added, 'norm.other', ['z']).columns.get('norm.other') ?? [])]).toEqual(['z']);
  });

  it('makes the inputs follow the SQL: reading another table changes them with no other edit', async () => {
    const view = { name: 'norm.symbols', sql: 'SELECT name FROM evidence.defs' };
    const before = inferDeps(await parseLineage(store, view));
    expect(before.inputs).toEqual(['evidence.defs']);
    const after = inferDeps(await parseLineage(store, { ...view, sql: 'SELECT name FROM evidence.refs JOIN norm.modules USING (file_id)' }));
    expect(after.inputs).toEqual(['evidence.refs', 'norm.modules']);
    expect(after.requiredColumns['evidence.refs']).toEqual(['file_id', 'name']);
  });

  it('returns frozen lineage', async () => {
    const lineage = await parseLineage(store, { name: 'norm.x', sql: 'SELECT 1 AS one' });
    expect(Object.isFrozen(lineage)).toBe(true);
    expect(Object.isFrozen(lineage.tables)).toBe(true);
    expect(lineage.tables).toEqual([]);
  });

  it('turns a syntax error into ParseFailed naming the view and quoting DuckDB', async () => {
    const error = await parseLineage(store, { name: 'norm.broken', sql: 'SELEC name FROM evidence.defs' }).catch((e: unknown) => e);
    expect(PlanSignalsError.is(error, 'ParseFailed')).toBe(true);
    expect((error as Error).message).toContain('norm.broken');
    expect((error as Error).message).toContain('syntax error');
    expect(PlanSignalsError.is(error) ? error.hint : undefined).toContain('norm.broken');
  });

  it('rejects several statements and statements that are not SELECTs', async () => {
    const two = await parseLineage(store, { name: 'norm.two', sql: 'SELECT 1; SELECT 2' }).catch((e: unknown) => e);
    expect(PlanSignalsError.is(two, 'ParseFailed')).toBe(true);
    expect((two as Error).message).toContain('2 statements');
    const ddl = await parseLineage(store, { name: 'norm.ddl', sql: 'CREATE TABLE t (a INT)' }).catch((e: unknown) => e);
    expect(PlanSignalsError.is(ddl, 'ParseFailed')).toBe(true);
    expect((ddl as Error).message).toContain('norm.ddl');
  });

  it('rejects a malformed view description listing every problem', async () => {
    const error = await parseLineage(store, { name: 'NoSchema', sql: '  ' }).catch((e: unknown) => e);
    expect(PlanSignalsError.is(error, 'InvalidView')).toBe(true);
    expect(PlanSignalsError.is(error) ? error.details['issues'] : undefined).toHaveLength(2);
  });
});

describe('parseLineage: result columns', () => {
  const sources = (lineage: { outputs: readonly { name: string; sources: readonly (ColumnUse | null)[] }[] }): Record<string, (string | null)[]> =>
    Object.fromEntries(lineage.outputs.map((o) => [o.name, o.sources.map((s) => (s === null ? null : `${s.relation?.name ?? '?'}.${s.column}`))]));

  it('follows pass-through columns through CTEs, subqueries and renames, and marks computed ones', async () => {
    const lineage = await parseLineage(store, {
      name: 'norm.traced',
      sql: `WITH c(fid, nm) AS (SELECT file_id, name FROM evidence.defs)
            SELECT c.fid, s.p AS the_path, upper(c.nm) AS shout, c.nm
              FROM c JOIN (SELECT file_id, path FROM evidence.files) AS s(id, p) ON s.id = c.fid`,
    });
    expect(sources(lineage)).toEqual({
      fid: ['evidence.defs.file_id'],
      the_path: ['evidence.files.path'],
      shout: [null],
      nm: ['evidence.defs.name'],
    });
  });

  it('gives a set operation one source per branch, by position, named after the first branch', async () => {
    const lineage = await parseLineage(store, {
      name: 'norm.both',
      sql: `SELECT file_id, name FROM evidence.defs UNION ALL SELECT file_id, lower(path) FROM evidence.files ORDER BY 1`,
    });
    expect(sources(lineage)).toEqual({
      file_id: ['evidence.defs.file_id', 'evidence.files.file_id'],
      name: ['evidence.defs.name', null],
    });
  });

  it('expands * from the catalog, honouring EXCLUDE, and keeps an unknown relation opaque', async () => {
    const known = await parseLineage(store, { name: 'norm.all', sql: 'SELECT * EXCLUDE (kind) FROM evidence.defs d' });
    expect(known.outputs.map((o) => o.name)).toEqual(['file_id', 'name', 'bstart', 'bend']);
    expect(known.outputs[0]?.sources).toEqual([{ relation: { kind: 'table', name: 'evidence.defs' }, column: 'file_id' }]);
    const unknown = await parseLineage(store, { name: 'norm.later', sql: 'SELECT * FROM norm.not_yet' });
    expect(unknown.outputs).toEqual([{ name: '*', sources: [null] }]);
  });
});

describe('parseLineage: read sites and pushable predicates', () => {
  const predicates = (lineage: { reads: readonly { table: string; predicates: readonly { sql: string | null }[] }[] }): [string, (string | null)[]][] =>
    lineage.reads.map((r) => [r.table, r.predicates.map((p) => p.sql)]);

  it('splits WHERE into conjuncts and gives each the one relation it reads, rendered by DuckDB without qualifiers', async () => {
    const lineage = await parseLineage(store, {
      name: 'norm.filtered',
      sql: `SELECT d.name FROM evidence.defs d JOIN evidence.files f ON d.file_id = f.file_id
             WHERE d.kind = 'class' AND f.path LIKE 'pkg/%' AND d.bstart < d.bend AND d.name <> f.path`,
    });
    expect(predicates(lineage)).toEqual([
      ['evidence.defs', ["(kind = 'class')", '(bstart < bend)']],
      ['evidence.files', ["(path ~~ 'pkg/%')"]],
    ]);
    expect(lineage.reads[0]?.predicates[1]?.columns).toEqual(['bend', 'bstart']);
  });

  it('never pushes a filter onto the NULL-extended side of an outer join, but pushes that join\'s own ON filter there', async () => {
    const lineage = await parseLineage(store, {
      name: 'norm.unmatched',
      sql: `SELECT d.name FROM evidence.defs d LEFT JOIN evidence.files f ON f.file_id = d.file_id AND f.path <> 'setup.py' AND d.kind = 'class'
             WHERE f.path IS NULL AND d.bstart > 0`,
    });
    // d.kind in a LEFT JOIN's ON keeps every left row: it filters nothing of evidence.defs.
    expect(predicates(lineage)).toEqual([
      ['evidence.defs', ['(bstart > 0)']],
      ['evidence.files', ["(path != 'setup.py')"]],
    ]);
  });

  it('leaves out subqueries, outer references, aggregates and volatile functions, and lists every FROM item as its own site', async () => {
    const lineage = await parseLineage(store, {
      name: 'norm.odd',
      sql: `SELECT a.name FROM evidence.defs a, evidence.defs b
             WHERE a.kind IN (SELECT 'class') AND b.bstart > random() AND b.bend > 5
               AND EXISTS (SELECT 1 FROM evidence.refs r WHERE r.file_id = a.file_id AND r.ctx = 'load')
             GROUP BY a.name HAVING count(*) > 1`,
    });
    expect(predicates(lineage)).toEqual([
      ['evidence.defs', []],
      ['evidence.defs', ['(bend > 5)']],
      ['evidence.refs', ["(ctx = 'load')"]],
    ]);
  });

  it('renders predicates DuckDB evaluates exactly as the view does', async () => {
    const sql = `SELECT d.name FROM evidence.defs AS d WHERE d.kind = 'class' AND lower(d.name) LIKE 'walk%' AND d.bstart BETWEEN 2 AND 50`;
    await store.run(`INSERT INTO evidence.defs SELECT 'f' || (i % 3), CASE WHEN i % 2 = 0 THEN 'Walker' || i ELSE 'x' END,
                       CASE WHEN i % 5 = 0 THEN 'class' ELSE 'function' END, i, i + 3 FROM range(100) t(i)`);
    try {
      const lineage = await parseLineage(store, { name: 'norm.walkers', sql });
      const rendered = lineage.reads[0]?.predicates.map((p) => p.sql) ?? [];
      expect(rendered).toHaveLength(3);
      const viaPredicates = await store.query(`SELECT count(*) AS n FROM evidence.defs WHERE ${rendered.join(' AND ')}`);
      const viaView = await store.query(`SELECT count(*) AS n FROM (${sql})`);
      expect(viaPredicates[0]?.['n']).toBe(viaView[0]?.['n']);
      expect(viaView[0]?.['n']).toBeGreaterThan(0n);
    } finally {
      await store.run('DELETE FROM evidence.defs');
    }
  });
});
