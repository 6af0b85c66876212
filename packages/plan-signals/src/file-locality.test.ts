import { STABLE_ID_MACRO_SQL, stableIdSql } from '@anatomy/contracts';
import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainView } from './explain-view.js';
import { fileLocality, FileLocalitySchema, fileNamingColumns, idFileClaims, objects } from './file-locality.js';
import type { IdFileClaims } from './file-locality.js';
import type { FileLocality } from './file-locality.js';
import { readLineageCatalog } from './lineage-catalog.js';
import { parseLineage } from './parse-lineage.js';
import { planSignals } from './plan-signals.js';
import { readParseTree } from './read-parse-tree.js';

let store: Store;

beforeAll(async () => {
  store = await openStore({ path: ':memory:' });
  await store.run(`
    CREATE SCHEMA evidence;
    CREATE SCHEMA meta;
    CREATE TABLE evidence.defs AS SELECT 'f' || (i % 4) AS file_id, 'n' || i AS name, i AS bstart FROM range(40) t(i);
    CREATE TABLE evidence.refs AS SELECT 'f' || (i % 4) AS file_id, 'n' || i AS name, i AS bstart FROM range(40) t(i);
    CREATE TABLE evidence.ents AS SELECT 'f' || (i % 4) AS file_id, 'e:' || i AS ent_id, CASE WHEN i >= 4 THEN 'e:' || (i - 4) END AS parent_id, 'n' || (i % 7) AS name, i AS bstart FROM range(40) t(i);
    CREATE TABLE meta.names AS SELECT 'n' || i AS name FROM range(10) t(i);
  `);
});

afterAll(async () => {
  await store.close();
});

const known = { 'evidence.defs': ['file_id'], 'evidence.refs': ['file_id'], 'evidence.ents': ['file_id'] };

async function localityOf(sql: string, rowFileColumns?: Readonly<Record<string, readonly string[]>>): Promise<FileLocality> {
  const view = { name: 'derived.v', sql };
  const lineage = await parseLineage(store, view, { catalog: await readLineageCatalog(store) });
  const bundle = await explainView(store, view);
  const signals = planSignals(bundle, lineage, { fileIdentityColumns: known });
  const catalog = await readLineageCatalog(store);
  const base = { lineage, parseTree: bundle.parseTree, partitioning: signals.filePartitioning, fileIdentityColumns: known, relationColumns: catalog.columns };
  // Entity ids are never NULL, parent ids are (a top-level entity has none): only the former key a GROUP BY.
  const withKeys = { ...base, groupKeyColumns: rowFileColumns === undefined ? known : { ...known, 'evidence.ents': ['file_id', 'ent_id'] } };
  return FileLocalitySchema.parse(fileLocality(rowFileColumns === undefined ? withKeys : { ...withKeys, rowFileColumns }));
}

describe('fileLocality', () => {
  it('finds file-local views: selections, unions and joins that equate file identities', async () => {
    for (const sql of [
      'SELECT d.file_id, d.name FROM evidence.defs AS d WHERE d.bstart > 3',
      'SELECT file_id, name FROM evidence.defs UNION ALL SELECT file_id, name FROM evidence.refs',
      'SELECT DISTINCT d.file_id, d.name FROM evidence.defs AS d',
      'SELECT r.file_id, r.name, d.bstart FROM evidence.refs AS r LEFT JOIN evidence.defs AS d ON d.file_id = r.file_id AND d.name = r.name AND d.bstart < r.bstart',
      'WITH located AS (SELECT r.file_id, d.name FROM evidence.refs AS r JOIN evidence.defs AS d ON r.file_id = d.file_id) SELECT file_id, name FROM located',
      // A CTE joined as a side (a path the compiler materializes first), passing a file identity through.
      'WITH other AS (SELECT * FROM evidence.defs) SELECT r.file_id FROM evidence.refs AS r JOIN other AS o ON o.file_id = r.file_id',
      'WITH path AS MATERIALIZED (SELECT d.file_id AS f, d.name FROM evidence.defs AS d JOIN evidence.refs AS x ON x.file_id = d.file_id) SELECT r.file_id FROM evidence.refs AS r JOIN path AS p ON p.f = r.file_id AND p.name = r.name',
    ]) {
      const locality = await localityOf(sql);
      expect(locality.local, `${sql}: ${locality.reason}`).toBe(true);
      expect(locality.column).toBe('file_id');
    }
  });

  it('keeps global every view that can combine rows of several files, and says why', async () => {
    const cases: [string, string][] = [
      ['SELECT r.file_id, d.name FROM evidence.refs AS r JOIN evidence.defs AS d ON d.name = r.name', 'does not equate the file identities'],
      ['SELECT r.file_id, d.name FROM evidence.refs AS r JOIN evidence.defs AS d ON d.file_id <> r.file_id', 'does not equate the file identities'],
      ['SELECT first(file_id) AS file_id, count(*) AS n FROM evidence.defs GROUP BY name', 'no file identity'],
      ['SELECT file_id, count(*) AS n FROM evidence.defs GROUP BY GROUPING SETS ((file_id), ())', 'count_star'],
      ['SELECT file_id, min(bstart) OVER (PARTITION BY name) AS m FROM evidence.defs', 'min'],
      ['SELECT file_id, row_number() OVER (PARTITION BY name) AS k FROM evidence.defs', 'row_number'],
      ['SELECT file_id, name FROM evidence.defs WHERE name IN (SELECT name FROM evidence.refs)', 'subquery'],
      ['SELECT file_id, name FROM evidence.defs LIMIT 3', 'LIMIT'],
      ['SELECT DISTINCT ON (name) file_id, name FROM evidence.defs', 'DISTINCT ON'],
      ['SELECT d.file_id, m.name FROM evidence.defs AS d JOIN meta.names AS m ON m.name = d.name', 'meta.names'],
      // A CTE side whose column is computed, a CTE side over a join pairing files, and a subquery side, which is not followed.
      ["WITH other AS (SELECT 'f' || bstart AS file_id FROM evidence.defs) SELECT r.file_id FROM evidence.refs AS r JOIN other AS o ON o.file_id = r.file_id", 'does not equate the file identities'],
      ['WITH other AS (SELECT d.file_id FROM evidence.defs AS d JOIN evidence.refs AS x ON x.name = d.name) SELECT r.file_id FROM evidence.refs AS r JOIN other AS o ON o.file_id = r.file_id', 'does not equate the file identities'],
      ['SELECT r.file_id FROM evidence.refs AS r JOIN (SELECT * FROM evidence.defs) AS o ON o.file_id = r.file_id', 'not a stored table or a CTE'],
      ['SELECT name FROM evidence.defs', 'no file identity'],
    ];
    for (const [sql, why] of cases) {
      const locality = await localityOf(sql);
      expect(locality.local, sql).toBe(false);
      expect(locality.column).toBeNull();
      expect(locality.reason, sql).toContain(why);
    }
  });

  describe('unions with rows of no file', () => {
    it('keeps file-local a union whose branches pass a file identity or a constant NULL in one column, the NULL rows recomputed whole', async () => {
      const locality = await localityOf(
        `SELECT d.file_id, d.name FROM evidence.defs AS d LEFT JOIN evidence.refs AS r ON r.file_id = d.file_id AND r.name = d.name
         UNION ALL SELECT CAST(NULL AS VARCHAR) AS file_id, m.name FROM meta.names AS m
         UNION ALL SELECT NULL, first(name) FROM evidence.refs GROUP BY bstart % 3
         ORDER BY name`,
      );
      expect(locality, locality.reason).toMatchObject({ local: true, column: 'file_id', nullFile: { inputs: ['meta.names'] } });
      expect(locality.reason).toContain('constant NULL');
      // The branches of one file identity alone stay as they were: no NULL rows.
      expect((await localityOf('SELECT file_id, name FROM evidence.defs UNION ALL SELECT file_id, name FROM evidence.refs')).nullFile).toBeUndefined();
    });

    it('keeps global such a union when a file branch combines files, a branch computes the column, or a LIMIT spans every branch', async () => {
      const cases: [string, string][] = [
        ['SELECT d.file_id, m.name FROM evidence.defs AS d JOIN meta.names AS m ON m.name = d.name UNION ALL SELECT NULL, name FROM meta.names', 'not file-local'],
        ['SELECT file_id, count(*) OVER (PARTITION BY name) AS n FROM evidence.defs UNION ALL SELECT NULL, 0', 'not file-local'],
        ["SELECT file_id, name FROM evidence.defs UNION ALL SELECT 'f0', name FROM meta.names", 'no file identity'],
        ['SELECT file_id, name FROM evidence.defs UNION ALL SELECT NULL, name FROM meta.names LIMIT 5', 'no file identity'],
        ['SELECT NULL AS file_id, name FROM meta.names UNION ALL SELECT NULL, name FROM meta.names', 'no file identity'],
      ];
      for (const [sql, why] of cases) {
        const locality = await localityOf(sql);
        expect(locality.local, `${sql}: ${locality.reason}`).toBe(false);
        expect(locality.reason, sql).toContain(why);
      }
    });

    it('names no file-naming column in such a union, so no reader takes its ids for a file', async () => {
      const sql = 'SELECT e.ent_id, e.file_id FROM evidence.ents AS e UNION ALL SELECT m.name, NULL FROM meta.names AS m';
      const view = { name: 'derived.v', sql };
      const lineage = await parseLineage(store, view, { catalog: await readLineageCatalog(store) });
      const bundle = await explainView(store, view);
      const signals = planSignals(bundle, lineage, { fileIdentityColumns: known });
      const naming = { ...known, 'evidence.ents': ['file_id', 'ent_id'] };
      const locality = fileLocality({ lineage, parseTree: bundle.parseTree, partitioning: signals.filePartitioning, fileIdentityColumns: known, rowFileColumns: naming });
      expect(locality).toMatchObject({ local: true, column: 'file_id', nullFile: { inputs: ['meta.names'] } });
      expect(fileNamingColumns({ lineage, parseTree: bundle.parseTree, locality, naming })).toEqual([]);
    });
  });

  describe('entity identities', () => {
    const entityIds = { 'evidence.ents': ['ent_id', 'parent_id'] };

    it('keeps a window file-local when it is partitioned by a file identity, or by an entity identity followed through CTEs', async () => {
      for (const sql of [
        'SELECT file_id, name, min(bstart) OVER (PARTITION BY file_id, name) AS m FROM evidence.ents',
        'SELECT e.file_id, row_number() OVER (PARTITION BY e.ent_id ORDER BY d.bstart) AS k FROM evidence.ents AS e JOIN evidence.defs AS d ON e.file_id = d.file_id',
        // The shape the semantic compiler writes for a ranked relation: ids renamed in a CTE, ranked per left id.
        `WITH candidates AS (SELECT e.ent_id AS l_id, e.file_id AS l_file, d.bstart AS r_start FROM evidence.ents AS e JOIN evidence.defs AS d ON e.file_id = d.file_id),
              scored AS (SELECT l_id, l_file AS file_id, r_start, min(r_start) OVER (PARTITION BY l_id) AS best FROM candidates),
              ranked AS (SELECT *, row_number() OVER (PARTITION BY 'rule', l_id ORDER BY best, r_start) AS rank FROM scored)
         SELECT file_id, l_id, r_start FROM ranked WHERE rank = 1`,
      ]) {
        const locality = await localityOf(sql, entityIds);
        expect(locality.local, `${sql}: ${locality.reason}`).toBe(true);
        expect(locality.column).toBe('file_id');
      }
    });

    it('keeps global a window whose partition can hold rows of several files', async () => {
      const cases: [string, Readonly<Record<string, readonly string[]>> | undefined][] = [
        // An entity id is only known to name its row's file when the caller says so.
        ['SELECT file_id, min(bstart) OVER (PARTITION BY ent_id) AS m FROM evidence.ents', undefined],
        ['SELECT file_id, min(bstart) OVER (PARTITION BY name) AS m FROM evidence.ents', entityIds],
        // A parent id names its row's file but may be NULL: the NULL partition holds rows of every file.
        ['SELECT file_id, min(bstart) OVER (PARTITION BY parent_id) AS m FROM evidence.ents', entityIds],
        ['SELECT file_id, min(bstart) OVER () AS m FROM evidence.ents', entityIds],
        ['SELECT file_id, min(bstart) OVER (PARTITION BY lower(ent_id)) AS m FROM evidence.ents', entityIds],
        // Unqualified over a join: the side it reads is not shown.
        ['SELECT e.file_id, min(e.bstart) OVER (PARTITION BY ent_id) AS m FROM evidence.ents AS e JOIN evidence.defs AS d ON e.file_id = d.file_id', entityIds],
        ['WITH c AS (SELECT lower(ent_id) AS l_id, file_id, bstart FROM evidence.ents) SELECT file_id, min(bstart) OVER (PARTITION BY l_id) AS m FROM c', entityIds],
        ['SELECT file_id, name FROM evidence.ents ORDER BY row_number() OVER (PARTITION BY name)', entityIds],
      ];
      for (const [sql, rowFile] of cases) {
        const locality = await localityOf(sql, rowFile);
        expect(locality.local, sql).toBe(false);
        expect(locality.reason, sql).toMatch(/window|combine/);
      }
    });

    it('keeps file-local a join equating the entity ids (or an entity id and a parent id) of its two sides', async () => {
      const sql = 'SELECT c.file_id, c.name, p.bstart FROM evidence.ents AS c JOIN evidence.ents AS p ON c.parent_id = p.ent_id';
      const local = await localityOf(sql, entityIds);
      expect(local.local, local.reason).toBe(true);
      const unknown = await localityOf(sql);
      expect(unknown.local).toBe(false);
      expect(unknown.reason).toContain('does not equate the file identities');
      const byName = await localityOf('SELECT c.file_id, p.bstart FROM evidence.ents AS c JOIN evidence.ents AS p ON c.name = p.ent_id', entityIds);
      expect(byName.local).toBe(false);
    });

    it('keeps file-local an aggregate grouped by a file or entity identity: each group holds rows of one file', async () => {
      for (const sql of [
        'SELECT file_id, ent_id, count(*) AS n FROM evidence.ents GROUP BY file_id, ent_id',
        'SELECT file_id, count(*) AS n, max(bstart) AS last FROM evidence.ents GROUP BY file_id HAVING count(*) > 1',
      ]) {
        const locality = await localityOf(sql, entityIds);
        expect(locality.local, `${sql}: ${locality.reason}`).toBe(true);
        expect(locality.column).toBe('file_id');
      }
    });

    // The shape the semantic compiler writes for a union of relations merged by id.
    const merged = (key: string, file: string, second: string): string => `
      WITH inputs AS (
        SELECT 0 AS union_input, e.ent_id AS entity_id, e.file_id AS file_id, e.name AS name FROM evidence.ents AS e
        UNION ALL SELECT 1 AS union_input, ${second} AS entity_id, c.file_id AS file_id, c.name AS name FROM evidence.ents AS c
        UNION ALL SELECT 2 AS union_input, p.ent_id AS entity_id, p.file_id AS file_id, NULL AS name FROM evidence.ents AS p
      )
      SELECT ${key}, ${file} AS file_id, array_to_string(list(name ORDER BY union_input), '+') AS names
      FROM inputs GROUP BY ${key}`;

    it('keeps file-local a union merged by an entity identity that every branch passes on, picking the file identity of each group', async () => {
      const locality = await localityOf(merged('entity_id', 'first(file_id ORDER BY union_input) FILTER (WHERE file_id IS NOT NULL)', 'c.ent_id'), entityIds);
      expect(locality.local, locality.reason).toBe(true);
      expect(locality.column).toBe('file_id');
      expect(locality.reason).toContain('picks the file identity');
    });

    it('keeps global a merge whose key or picked file may mix files', async () => {
      const cases: [string, Readonly<Record<string, readonly string[]>> | undefined][] = [
        // Without the entity ids' role the key says nothing about files.
        [merged('entity_id', 'first(file_id)', 'c.ent_id'), undefined],
        // A parent id names its row's file but may be NULL: the NULL group gathers rows of every file.
        [merged('entity_id', 'first(file_id)', 'c.parent_id'), entityIds],
        ['SELECT parent_id, first(file_id) AS file_id FROM evidence.ents GROUP BY parent_id', entityIds],
        // One branch puts a computed value (or a name) where the others put an id.
        [merged('entity_id', 'first(file_id)', 'lower(c.ent_id)'), entityIds],
        [merged('entity_id', 'first(file_id)', 'c.name'), entityIds],
        [merged('name', 'first(file_id)', 'c.parent_id'), entityIds],
        // A filter that can leave a group with no file, or an aggregate that makes a new value.
        [merged('entity_id', "first(file_id) FILTER (WHERE name = 'n1')", 'c.ent_id'), entityIds],
        [merged('entity_id', 'string_agg(file_id)', 'c.ent_id'), entityIds],
        // ROLLUP adds a group of every row.
        ['SELECT ent_id, first(file_id) AS file_id, count(*) AS n FROM evidence.ents GROUP BY ROLLUP (ent_id)', entityIds],
        ['SELECT name, first(file_id) AS file_id FROM evidence.ents GROUP BY name', entityIds],
        // The id of an outer join's NULL-extended side is NULL where nothing matched.
        [
          `WITH inputs AS (SELECT p.ent_id AS entity_id, c.file_id AS file_id FROM evidence.ents AS c LEFT JOIN evidence.ents AS p ON p.ent_id = c.parent_id)
           SELECT entity_id, first(file_id) AS file_id FROM inputs GROUP BY entity_id`,
          entityIds,
        ],
      ];
      for (const [sql, rowFile] of cases) {
        const locality = await localityOf(sql, rowFile);
        expect(locality.local, sql).toBe(false);
        expect(locality.column).toBeNull();
      }
    });
  });

  describe('EXISTS and NOT EXISTS', () => {
    const entityIds = { 'evidence.ents': ['ent_id', 'parent_id'] };

    it('keeps file-local a subquery matching rows by a column naming their file against one naming the outer row\'s', async () => {
      for (const sql of [
        // The shape of an `unless` filter: a candidate is dropped when another relation resolved it.
        `WITH candidates AS (SELECT e.ent_id AS l_id, e.file_id AS l_file FROM evidence.ents AS e)
         SELECT l_file AS file_id, l_id FROM candidates
          WHERE NOT EXISTS (SELECT 1 FROM evidence.ents AS unless WHERE unless.parent_id = l_id AND unless.bstart > 3)`,
        'SELECT o.file_id, o.ent_id FROM evidence.ents AS o WHERE EXISTS (SELECT 1 FROM evidence.ents AS i WHERE o.ent_id = i.parent_id)',
        'SELECT o.file_id, o.name FROM evidence.ents AS o WHERE NOT EXISTS (SELECT 1 FROM evidence.defs AS d WHERE d.file_id = o.file_id AND d.name = o.name)',
      ]) {
        const locality = await localityOf(sql, entityIds);
        expect(locality.local, `${sql}: ${locality.reason}`).toBe(true);
        expect(locality.reason).toContain('EXISTS');
      }
    });

    it('keeps global a subquery that can match rows of other files, or whose outer column is not shown', async () => {
      const cases: [string, Readonly<Record<string, readonly string[]>> | undefined][] = [
        ['SELECT o.file_id, o.ent_id FROM evidence.ents AS o WHERE NOT EXISTS (SELECT 1 FROM evidence.ents AS i WHERE i.name = o.name)', entityIds],
        ['SELECT o.file_id, o.ent_id FROM evidence.ents AS o WHERE NOT EXISTS (SELECT 1 FROM evidence.ents AS i WHERE i.parent_id = o.ent_id)', undefined],
        // Unqualified, ent_id binds to the inner table's own column: no correlation at all.
        ['SELECT o.file_id, o.ent_id FROM evidence.ents AS o WHERE NOT EXISTS (SELECT 1 FROM evidence.ents AS i WHERE i.parent_id = ent_id)', entityIds],
        ['SELECT o.file_id, o.ent_id FROM evidence.ents AS o WHERE NOT EXISTS (SELECT 1 FROM evidence.ents AS i WHERE i.parent_id = o.ent_id OR i.bstart > 3)', entityIds],
        ['SELECT o.file_id, o.ent_id FROM evidence.ents AS o WHERE o.ent_id IN (SELECT i.parent_id FROM evidence.ents AS i)', entityIds],
        [
          'SELECT o.file_id, o.ent_id FROM evidence.ents AS o WHERE NOT EXISTS (SELECT 1 FROM evidence.ents AS i JOIN evidence.defs AS d ON d.name = i.name WHERE i.parent_id = o.ent_id)',
          entityIds,
        ],
      ];
      for (const [sql, rowFile] of cases) {
        const locality = await localityOf(sql, rowFile);
        expect(locality.local, sql).toBe(false);
        expect(locality.reason, sql).toContain('subquery');
      }
    });
  });

  it('names the result columns whose value names their row\'s file: pass-throughs and stable ids hashed from one, in file-local views only', async () => {
    await store.run(`CREATE OR REPLACE MACRO anatomy_stable_id(ns, parts) AS ns || ':' || md5(array_to_string(parts, '|'))`);
    const naming = { 'evidence.ents': ['file_id', 'ent_id', 'parent_id'], 'evidence.defs': ['file_id'] };
    const namingOf = async (sql: string): Promise<string[]> => {
      const view = { name: 'derived.v', sql };
      const lineage = await parseLineage(store, view, { catalog: await readLineageCatalog(store) });
      const bundle = await explainView(store, view);
      const signals = planSignals(bundle, lineage, { fileIdentityColumns: known });
      const groupKeyColumns = { ...known, 'evidence.ents': ['file_id', 'ent_id'] };
      const locality = fileLocality({ lineage, parseTree: bundle.parseTree, partitioning: signals.filePartitioning, fileIdentityColumns: known, rowFileColumns: naming, groupKeyColumns });
      return fileNamingColumns({ lineage, parseTree: bundle.parseTree, locality, naming, groupKeyColumns });
    };
    expect(
      await namingOf(`WITH c AS (SELECT e.ent_id AS l_id, e.file_id, e.name FROM evidence.ents AS e)
        SELECT anatomy_stable_id('edge', CAST(list_value(CAST(name AS VARCHAR), CAST(l_id AS VARCHAR)) AS VARCHAR[])) AS edge_id,
               anatomy_stable_id('name', CAST(list_value(CAST(name AS VARCHAR)) AS VARCHAR[])) AS name_id,
               anatomy_stable_id('low', CAST(list_value(lower(l_id)) AS VARCHAR[])) AS low_id,
               l_id, file_id, name FROM c`),
    ).toEqual(['edge_id', 'l_id', 'file_id']);
    // Merged by an entity id: the key and the ids picked per group name the group's file; a picked name does not.
    expect(
      await namingOf(`WITH inputs AS (SELECT 0 AS k, e.ent_id, e.parent_id, e.file_id, e.name FROM evidence.ents AS e
                                     UNION ALL SELECT 1 AS k, e.ent_id, e.parent_id, e.file_id, e.name FROM evidence.ents AS e)
        SELECT ent_id, first(parent_id ORDER BY k) AS parent_id, first(file_id) AS file_id, first(name) AS name, count(*) AS n FROM inputs GROUP BY ent_id`),
    ).toEqual(['ent_id', 'parent_id', 'file_id']);
    // The same merge with the ids held by one row passed through and only the others grouped: a UNION whose
    // branches name the file at one position, passing it on or picking it per group. A name does not.
    const lone = (picked: string): string => `WITH inputs AS MATERIALIZED (SELECT 0 AS k, e.ent_id, e.parent_id, e.file_id, e.name FROM evidence.ents AS e
                                   UNION ALL SELECT 1 AS k, e.ent_id, e.parent_id, e.file_id, e.name FROM evidence.ents AS e),
        shared AS (SELECT ent_id FROM inputs GROUP BY ent_id HAVING count(*) > 1)
      SELECT ent_id, parent_id, file_id, name FROM inputs WHERE NOT EXISTS (SELECT 1 FROM shared AS s WHERE s.ent_id = inputs.ent_id)
      UNION ALL
      SELECT ent_id, ${picked} AS parent_id, first(file_id) AS file_id, first(name) AS name FROM inputs WHERE EXISTS (SELECT 1 FROM shared AS s WHERE s.ent_id = inputs.ent_id) GROUP BY ent_id`;
    expect(await namingOf(lone('first(parent_id ORDER BY k)'))).toEqual(['ent_id', 'parent_id', 'file_id']);
    // One branch making a new value where the other passes an id on: that column names no file.
    expect(await namingOf(lone('lower(first(parent_id))'))).toEqual(['ent_id', 'file_id']);
    // A stable id hashed from a parent id that may be NULL (hashed to a fixed text) is the same in every file.
    expect(
      await namingOf(`SELECT anatomy_stable_id('up', CAST(list_value(CAST(parent_id AS VARCHAR), CAST(name AS VARCHAR)) AS VARCHAR[])) AS up_id,
                             anatomy_stable_id('own', CAST(list_value(CAST(ent_id AS VARCHAR)) AS VARCHAR[])) AS own_id, file_id FROM evidence.ents`),
    ).toEqual(['own_id', 'file_id']);
    // Never NULL: the ids an inner join passes on, not the ones an outer join may NULL-extend.
    const keysOf = async (sql: string): Promise<string[]> => {
      const view = { name: 'derived.v', sql };
      const lineage = await parseLineage(store, view, { catalog: await readLineageCatalog(store) });
      const bundle = await explainView(store, view);
      const signals = planSignals(bundle, lineage, { fileIdentityColumns: known });
      const groupKeyColumns = { ...known, 'evidence.ents': ['file_id', 'ent_id'] };
      const locality = fileLocality({ lineage, parseTree: bundle.parseTree, partitioning: signals.filePartitioning, fileIdentityColumns: known, rowFileColumns: naming, groupKeyColumns });
      return fileNamingColumns({ lineage, parseTree: bundle.parseTree, locality, naming: groupKeyColumns, groupKeyColumns, nonNull: true });
    };
    expect(await keysOf('SELECT c.ent_id, c.parent_id, c.file_id, p.ent_id AS parent FROM evidence.ents AS c JOIN evidence.ents AS p ON c.parent_id = p.ent_id')).toEqual(['ent_id', 'file_id', 'parent']);
    // The side a LEFT JOIN keeps passes its ids on in every row; the side it may NULL-extend does not.
    expect(await keysOf('SELECT c.ent_id, c.file_id, p.ent_id AS parent FROM evidence.ents AS c LEFT JOIN evidence.ents AS p ON c.parent_id = p.ent_id')).toEqual(['ent_id', 'file_id']);
    expect(await keysOf('SELECT p.ent_id, c.file_id FROM evidence.ents AS c RIGHT JOIN evidence.ents AS p ON c.parent_id = p.ent_id')).toEqual(['ent_id']);
    // Followed through `alias.*` of a CTE that joins another table for a computed column (the compiler's `located` shape).
    expect(
      await keysOf(`WITH located AS (SELECT s.*, d.name AS def_name FROM evidence.ents AS s LEFT JOIN evidence.defs AS d ON d.file_id = s.file_id AND d.bstart = s.bstart)
        SELECT anatomy_stable_id('own', CAST(list_value(CAST(s.ent_id AS VARCHAR)) AS VARCHAR[])) AS own_id, s.file_id, s.def_name FROM located AS s`),
    ).toEqual(['own_id', 'file_id']);
    expect(
      await keysOf(`WITH located AS (SELECT s.*, d.name AS def_name FROM evidence.defs AS d LEFT JOIN evidence.ents AS s ON d.file_id = s.file_id AND d.bstart = s.bstart)
        SELECT anatomy_stable_id('own', CAST(list_value(CAST(s.ent_id AS VARCHAR)) AS VARCHAR[])) AS own_id, s.file_id, s.def_name FROM located AS s`),
    ).toEqual([]);
    // A join on names alone pairs rows of several files: nothing it returns names a file.
    expect(await namingOf('SELECT e.ent_id, e.file_id FROM evidence.ents AS e JOIN evidence.defs AS d ON d.name = e.name')).toEqual([]);
  });
});

describe('objects', () => {
  it('lists every object of a parse tree once, each before the objects inside it, arrays walked in order', async () => {
    const tree = (await readParseTree(store, { name: 'x.walk', sql: 'SELECT a.x + 1 AS y FROM (SELECT 2 AS x) AS a WHERE a.x IN (3, 4)' })) as Record<string, unknown>;
    const all = objects(tree);
    expect(all[0]).toBe(tree);
    expect(new Set(all).size).toBe(all.length);
    // Each object comes after the one holding it.
    const at = new Map(all.map((o, i) => [o, i]));
    for (const [i, o] of all.entries()) {
      for (const inner of Object.values(o).flatMap((v) => (Array.isArray(v) ? v : [v]))) {
        if (typeof inner === 'object' && inner !== null && !Array.isArray(inner)) expect(at.get(inner as Record<string, unknown>)).toBeGreaterThan(i);
      }
    }
    const constants = all.filter((o) => o['class'] === 'CONSTANT').map((o) => (o['value'] as { value: unknown }).value);
    expect(constants).toEqual([1, 2, 3, 4]);
    expect(objects([{ a: [{ b: 1 }] }, 'text', null, 7]).map((o) => Object.keys(o))).toEqual([['a'], ['b']]);
  });
});

describe('idFileClaims', () => {
  const naming = { 'evidence.ents': ['file_id', 'ent_id', 'parent_id'] };
  const groupKeyColumns = { 'evidence.ents': ['file_id', 'ent_id'] };
  const claimsOf = async (sql: string, macro = `CREATE OR REPLACE MACRO anatomy_stable_id(ns, parts) AS ns || ':' || md5(array_to_string(parts, '|'))`): Promise<Record<string, string[]>> => {
    await store.run(macro);
    const bundle = await explainView(store, { name: 'rel.v', sql });
    return idFileClaims({ parseTree: bundle.parseTree, fileColumn: 'file_id', fileIdentityColumns: known, naming, groupKeyColumns });
  };
  /** The locality of a view merging two relations of edges, rel.a and rel.b (made here), given what their ids claim. */
  const mergeLocality = async (sql: string, claims: IdFileClaims | undefined): Promise<FileLocality> => {
    await store.run(`
      CREATE SCHEMA IF NOT EXISTS rel;
      CREATE OR REPLACE TABLE rel.a AS SELECT 'edge:' || i AS edge_id, 'f' || (i % 4) AS file_id, 0.5 AS confidence FROM range(20) t(i);
      CREATE OR REPLACE TABLE rel.b AS SELECT 'edge:' || (i * 2) AS edge_id, 'f' || (i % 4) AS file_id, 0.9 AS confidence FROM range(20) t(i);
    `);
    const view = { name: 'cpg.e', sql };
    const lineage = await parseLineage(store, view, { catalog: await readLineageCatalog(store) });
    const bundle = await explainView(store, view);
    const fileIdentityColumns = { ...known, 'rel.a': ['file_id'], 'rel.b': ['file_id'] };
    const signals = planSignals(bundle, lineage, { fileIdentityColumns });
    return fileLocality({ lineage, parseTree: bundle.parseTree, partitioning: signals.filePartitioning, fileIdentityColumns, groupKeyColumns: fileIdentityColumns, ...(claims === undefined ? {} : { idFileClaims: claims }) });
  };
  // The compiler's shape of a relation: candidates paired by a join, a rule naming source, target and file, the id hashed last.
  const relation = (join: string, src: string, file = 'l_file'): string => `
    WITH candidates AS (SELECT l.ent_id AS l_id, l.parent_id AS l_parent, l.file_id AS l_file, r.ent_id AS r_id, r.file_id AS r_file FROM evidence.ents AS l ${join}),
    rule_0 AS (SELECT ${src} AS src, r_id AS dst, 'LINKS' AS edge_kind, ${file} AS file_id FROM candidates)
    SELECT anatomy_stable_id('edge', [CAST(edge_kind AS VARCHAR), CAST(src AS VARCHAR), CAST(dst AS VARCHAR)]::VARCHAR[]) AS edge_id, src AS src_node_id, file_id FROM rule_0`;

  it('claims the parts of an id read from the row its file comes from, or from one an inner join pairs with it on their files', async () => {
    // Paired across files by name: only the source, read with the file, names it.
    expect(await claimsOf(relation('JOIN evidence.ents AS r ON l.name = r.name', 'l_id'))).toEqual({ edge_id: ['edge#1'] });
    // Paired within a file: the target names the same file.
    expect(await claimsOf(relation('JOIN evidence.ents AS r ON l.name = r.name AND r.file_id = l.file_id', 'l_id'))).toEqual({ edge_id: ['edge#1', 'edge#2'] });
    expect(await claimsOf(relation('JOIN evidence.ents AS r ON r.parent_id = l.ent_id', 'r_id'))).toEqual({ edge_id: ['edge#1', 'edge#2'] });
  });

  it('reads the parts of an id passed one argument each as it reads them from a list', async () => {
    // The form contracts' stableIdSql writes for two to eight parts.
    const flat = (join: string, src: string, file = 'l_file'): string =>
      relation(join, src, file).replace(/anatomy_stable_id\([^]*?\]::VARCHAR\[\]\)/, stableIdSql('edge', ['edge_kind', 'src', 'dst']));
    expect(flat('JOIN evidence.ents AS r ON l.name = r.name', 'l_id')).toContain(stableIdSql('edge', ['edge_kind', 'src', 'dst']));
    expect(await claimsOf(flat('JOIN evidence.ents AS r ON l.name = r.name', 'l_id'), STABLE_ID_MACRO_SQL)).toEqual({ edge_id: ['edge#1'] });
    expect(await claimsOf(flat('JOIN evidence.ents AS r ON r.parent_id = l.ent_id', 'r_id'), STABLE_ID_MACRO_SQL)).toEqual({ edge_id: ['edge#1', 'edge#2'] });
    expect(await claimsOf(flat('JOIN evidence.ents AS r ON l.name = r.name', 'r_id'), STABLE_ID_MACRO_SQL)).toEqual({});
  });

  it('claims nothing of a part that may be NULL, read from a row of another file, or when the file column is not shown', async () => {
    // The NULL-extended side of an outer join.
    expect(await claimsOf(relation('LEFT JOIN evidence.ents AS r ON r.file_id = l.file_id AND l.name = r.name', 'r_id'))).toEqual({});
    // The source comes from the other side of a join on names.
    expect(await claimsOf(relation('JOIN evidence.ents AS r ON l.name = r.name', 'r_id'))).toEqual({});
    // A file column computed; one taken from the other side makes the target, not the source, name it.
    expect(await claimsOf(relation('JOIN evidence.ents AS r ON l.name = r.name', 'l_id', 'lower(l_file)'))).toEqual({});
    expect(await claimsOf(relation('JOIN evidence.ents AS r ON l.name = r.name', 'l_id', 'r_file'))).toEqual({ edge_id: ['edge#2'] });
    // A parent id names a file but may be NULL.
    expect(await claimsOf(relation('JOIN evidence.ents AS r ON l.name = r.name', 'l_parent'))).toEqual({});
  });

  it('keeps file-local a merge by id of relations that all claim one part, global when they claim different parts', async () => {
    const sql = `SELECT edge_id, first(file_id ORDER BY source_order) AS file_id, max(confidence) AS confidence
      FROM (SELECT 0 AS source_order, s.edge_id, s.file_id, s.confidence FROM rel.a AS s
            UNION ALL SELECT 1 AS source_order, s.edge_id, s.file_id, s.confidence FROM rel.b AS s) AS merged
      GROUP BY edge_id`;
    const localityWith = (claims: IdFileClaims | undefined): Promise<FileLocality> => mergeLocality(sql, claims);
    const shared = await localityWith({ 'rel.a': { edge_id: ['edge#1'] }, 'rel.b': { edge_id: ['edge#1', 'edge#2'] } });
    expect(shared.local, shared.reason).toBe(true);
    expect(shared.column).toBe('file_id');
    // One relation's file is its edges' source's, the other's its target's: one edge may lie in two files.
    expect((await localityWith({ 'rel.a': { edge_id: ['edge#1'] }, 'rel.b': { edge_id: ['edge#2'] } })).local).toBe(false);
    expect((await localityWith({ 'rel.a': { edge_id: ['edge#1'] } })).local).toBe(false);
    expect((await localityWith(undefined)).local).toBe(false);
  });

  it('keeps file-local a merge whose lone rows pass the file through and whose shared ids are grouped, each half reading the shared ids through an EXISTS', async () => {
    // The shape of an edge fusion with a path for lone rows: the union once, the ids found more than once, two halves.
    const fusion = (correlate: string, lonePick = 'file_id'): string => `
      WITH merged AS MATERIALIZED (
        SELECT 0 AS source_order, s.edge_id, s.file_id, s.confidence FROM rel.a AS s
        UNION ALL SELECT 1 AS source_order, s.edge_id, s.file_id, s.confidence FROM rel.b AS s),
      shared AS (SELECT edge_id FROM merged GROUP BY edge_id HAVING count(*) > 1)
      SELECT edge_id, ${lonePick} AS file_id, confidence FROM merged WHERE NOT EXISTS (SELECT 1 FROM shared AS x WHERE ${correlate})
      UNION ALL
      SELECT edge_id, first(file_id ORDER BY source_order) AS file_id, max(confidence) AS confidence FROM merged
      WHERE EXISTS (SELECT 1 FROM shared AS x WHERE ${correlate}) GROUP BY edge_id`;
    const claims = { 'rel.a': { edge_id: ['edge#1'] }, 'rel.b': { edge_id: ['edge#1', 'edge#2'] } };
    const local = await mergeLocality(fusion('x.edge_id = merged.edge_id'), claims);
    expect(local.local, local.reason).toBe(true);
    expect(local.column).toBe('file_id');
    expect(local.reason).toContain('every EXISTS matches rows of the same file');
    // Ids claimed differently may lie in two files; without claims nothing says an id lies in one.
    expect((await mergeLocality(fusion('x.edge_id = merged.edge_id'), { 'rel.a': { edge_id: ['edge#1'] }, 'rel.b': { edge_id: ['edge#2'] } })).local).toBe(false);
    expect((await mergeLocality(fusion('x.edge_id = merged.edge_id'), undefined)).local).toBe(false);
    // Matched on another column, or not at all, a shared id may come from another file.
    expect((await mergeLocality(fusion('x.edge_id = merged.confidence::VARCHAR'), claims)).local).toBe(false);
    expect((await mergeLocality(fusion('x.edge_id IS NOT NULL'), claims)).local).toBe(false);
    // An unqualified name binds inside the subquery first: compared with itself, it matches every row.
    expect((await mergeLocality(fusion('x.edge_id = edge_id'), claims)).local).toBe(false);
    // A lone half that does not pass the file through carries none.
    expect((await mergeLocality(fusion('x.edge_id = merged.edge_id', 'lower(file_id)'), claims)).local).toBe(false);
  });
});
