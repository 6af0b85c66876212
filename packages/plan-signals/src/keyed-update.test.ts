import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainView } from './explain-view.js';
import { FileLocalitySchema } from './file-locality.js';
import { keyedUpdate } from './keyed-update.js';
import type { KeyedUpdate } from './keyed-update.js';
import { readLineageCatalog } from './lineage-catalog.js';
import { parseLineage } from './parse-lineage.js';

let store: Store;

beforeAll(async () => {
  store = await openStore({ path: ':memory:' });
  await store.run(`
    CREATE SCHEMA evidence;
    CREATE TABLE evidence.refs AS SELECT 'f' || (i % 4) AS file_id, 'r:' || i AS ref_id, 'n' || (i % 9) AS name FROM range(40) t(i);
    CREATE TABLE evidence.binds AS SELECT 'f' || (i % 4) AS file_id, 'r:' || i AS ref_id, 'd:' || (i % 7) AS def_id FROM range(40) t(i);
    CREATE TABLE evidence.defs AS SELECT 'f' || (i % 4) AS file_id, 'd:' || i AS def_id, 'n' || (i % 9) AS name, 'm' || (i % 3) AS module FROM range(40) t(i);
    CREATE TABLE evidence.modules AS SELECT 'f' || i AS file_id, 'm' || i AS module FROM range(4) t(i);
  `);
});

afterAll(async () => {
  await store.close();
});

const fileIdentityColumns = { 'evidence.refs': ['file_id'], 'evidence.binds': ['file_id'], 'evidence.defs': ['file_id'], 'evidence.modules': ['file_id'] };
// Entity ids name their row's file; `binds.ref_id` is the id of the reference it binds, so it does too.
const naming = {
  'evidence.refs': ['file_id', 'ref_id'],
  'evidence.binds': ['file_id', 'ref_id'],
  'evidence.defs': ['file_id', 'def_id'],
  'evidence.modules': ['file_id'],
};

async function keyedOf(sql: string, groupKeyColumns: Readonly<Record<string, readonly string[]>> = fileIdentityColumns): Promise<KeyedUpdate | string> {
  const view = { name: 'rel.v', sql };
  const catalog = await readLineageCatalog(store);
  const lineage = await parseLineage(store, view, { catalog });
  const bundle = await explainView(store, view);
  return keyedUpdate({ lineage, parseTree: bundle.parseTree, fileColumn: 'file_id', fileIdentityColumns, naming, groupKeyColumns, relationColumns: catalog.columns });
}

describe('keyedUpdate', () => {
  it('finds the anchors a global view takes its rows’ files from, and the key each other relation is looked up by', async () => {
    const keyed = await keyedOf(
      `WITH candidates AS (
         SELECT DISTINCT r.file_id AS l_file, r.ref_id AS l_id, d.def_id AS r_id
           FROM evidence.refs AS r
           JOIN evidence.binds AS b ON r.ref_id = b.ref_id
           JOIN evidence.defs AS d ON d.name = r.name
       )
       SELECT l_file AS file_id, l_id AS src, r_id AS dst FROM candidates`,
    );
    expect(typeof keyed, String(keyed)).toBe('object');
    const k = keyed as KeyedUpdate;
    expect(k.column).toBe('file_id');
    expect(k.source).toEqual({ relation: 'evidence.refs', column: 'file_id', nonNull: true });
    // binds is joined to refs on an id naming the row's file: its rows of a result row lie in that row's file.
    expect(k.anchors).toEqual(['evidence.binds', 'evidence.refs']);
    expect(k.probes).toEqual([{ relation: 'evidence.refs', column: 'name', foreign: 'evidence.defs', foreignColumn: 'name', via: [] }]);
    // What the plan cache stores must be what the locality schema accepts.
    expect(FileLocalitySchema.parse({ view: 'rel.v', local: false, column: null, reason: 'global', keyed: k }).keyed).toEqual(k);
  });

  it('follows a relation joined to the anchors only through another one, and says when the file column may be NULL', async () => {
    const keyed = await keyedOf(
      `SELECT r.file_id, m.module
         FROM evidence.refs AS r
         JOIN evidence.defs AS d ON d.name = r.name
         JOIN evidence.modules AS m ON m.module = d.module`,
      {},
    );
    expect(typeof keyed, String(keyed)).toBe('object');
    const k = keyed as KeyedUpdate;
    expect(k.source.nonNull).toBe(false);
    expect(k.anchors).toEqual(['evidence.refs']);
    expect(k.probes).toEqual([
      { relation: 'evidence.refs', column: 'name', foreign: 'evidence.defs', foreignColumn: 'name', via: [] },
      { relation: 'evidence.refs', column: 'name', foreign: 'evidence.modules', foreignColumn: 'module', via: [{ relation: 'evidence.defs', match: 'module', pass: 'name' }] },
    ]);
    expect(k.reason).toContain('evidence.modules is joined by module to evidence.defs.module, then by evidence.defs.name to evidence.refs.name');
  });

  it('says why a view whose rows combine other rows, or whose inputs are not tied to the anchors by equalities, cannot be recomputed by file', async () => {
    const cases: [string, string][] = [
      ['SELECT r.file_id, count(*) AS n FROM evidence.refs AS r JOIN evidence.defs AS d ON d.name = r.name GROUP BY r.file_id', 'count_star'],
      ['SELECT r.file_id, d.def_id FROM evidence.refs AS r JOIN evidence.defs AS d ON d.name <> r.name', 'not joined by equalities'],
      ['SELECT r.file_id, d.def_id FROM evidence.refs AS r, evidence.defs AS d', 'CROSS'],
      ['SELECT r.file_id FROM evidence.refs AS r WHERE r.name IN (SELECT name FROM evidence.defs)', 'subquery'],
      ['SELECT d.file_id, r.ref_id FROM evidence.refs AS r RIGHT JOIN evidence.defs AS d ON d.name = r.name', 'RIGHT'],
      ['SELECT file_id, name FROM evidence.refs UNION ALL SELECT file_id, name FROM evidence.defs', 'set operation'],
      ['SELECT r.file_id, d.def_id FROM evidence.refs AS r JOIN evidence.defs AS d ON d.name = r.name LIMIT 5', 'LIMIT'],
      ["SELECT 'f0' AS file_id, d.def_id FROM evidence.defs AS d", 'does not pass a stored column through'],
    ];
    for (const [sql, why] of cases) {
      const keyed = await keyedOf(sql);
      expect(typeof keyed, sql).toBe('string');
      expect(keyed, sql).toContain(why);
    }
  });

  // A reference's best candidate: windows ranking each reference's candidates, unless another relation already binds it.
  const ranked = (window: string, exists: string): string => `
    WITH candidates AS (
      SELECT DISTINCT r.file_id AS l_file, r.ref_id AS l_id, d.def_id AS r_id, ${window} AS score
        FROM evidence.refs AS r JOIN evidence.defs AS d ON d.name = r.name
    ),
    kept AS (SELECT *, max(score) OVER (PARTITION BY l_id) AS best FROM candidates WHERE ${exists}),
    ranked AS (SELECT *, row_number() OVER (PARTITION BY l_file, l_id ORDER BY score DESC, r_id) AS rank FROM kept)
    SELECT l_file AS file_id, l_id AS src, r_id AS dst FROM ranked WHERE rank = 1`;

  it('keeps a view keyed when its windows are partitioned by an anchor row and its NOT EXISTS looks another relation up by an anchor column', async () => {
    const keyed = await keyedOf(ranked('max(length(d.def_id)) OVER (PARTITION BY r.ref_id, d.def_id)', 'NOT EXISTS (SELECT 1 FROM evidence.binds AS u WHERE u.ref_id = l_id AND u.def_id IS NOT NULL)'));
    expect(typeof keyed, String(keyed)).toBe('object');
    const k = keyed as KeyedUpdate;
    expect(k.anchors).toEqual(['evidence.refs']);
    // The subquery's table is one more probe: a changed row of it holding a reference's id recomputes that reference's file.
    expect(k.probes).toEqual([
      { relation: 'evidence.refs', column: 'name', foreign: 'evidence.defs', foreignColumn: 'name', via: [] },
      { relation: 'evidence.refs', column: 'ref_id', foreign: 'evidence.binds', foreignColumn: 'ref_id', via: [] },
    ]);
  });

  it('refuses windows and EXISTS that can reach rows of other files', async () => {
    const none = 'true';
    const cases: [string, string][] = [
      // Partitioned by the looked-up side: one partition holds the candidates of references of every file.
      [ranked('max(length(r.ref_id)) OVER (PARTITION BY d.def_id)', none), 'over windows not partitioned by a column naming the file of a row of evidence.refs'],
      [ranked('count(*) OVER ()', none), 'over windows not partitioned'],
      [ranked('row_number() OVER (PARTITION BY r.name)', none), 'row_number'],
      // Matched on a column of the looked-up side, or on something other than an equality.
      [ranked('1', 'NOT EXISTS (SELECT 1 FROM evidence.binds AS u WHERE u.def_id = r_id)'), 'an EXISTS subquery'],
      [ranked('1', 'NOT EXISTS (SELECT 1 FROM evidence.binds AS u WHERE u.ref_id <> l_id)'), 'an EXISTS subquery'],
      [ranked('1', 'EXISTS (SELECT 1 FROM evidence.binds AS u JOIN evidence.defs AS e ON e.def_id = u.def_id WHERE u.ref_id = l_id)'), 'an EXISTS subquery'],
      [ranked('1', 'l_id IN (SELECT ref_id FROM evidence.binds)'), 'subquery'],
      // An EXISTS in a join condition is not followed.
      [
        `SELECT r.file_id, d.def_id FROM evidence.refs AS r JOIN evidence.defs AS d ON d.name = r.name AND NOT EXISTS (SELECT 1 FROM evidence.binds AS u WHERE u.ref_id = r.ref_id)`,
        'an EXISTS subquery outside',
      ],
    ];
    for (const [sql, why] of cases) {
      const keyed = await keyedOf(sql);
      expect(typeof keyed, sql).toBe('string');
      expect(keyed, sql).toContain(why);
    }
  });
});
