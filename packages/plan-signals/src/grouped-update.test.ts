import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainView } from './explain-view.js';
import { FileLocalitySchema } from './file-locality.js';
import { groupedUpdate } from './grouped-update.js';
import type { GroupedUpdate } from './grouped-update.js';
import { readLineageCatalog } from './lineage-catalog.js';
import { parseLineage } from './parse-lineage.js';

let store: Store;

beforeAll(async () => {
  store = await openStore({ path: ':memory:' });
  await store.run(`
    CREATE SCHEMA merged;
    CREATE TABLE merged.names AS SELECT 'f' || (i % 4) AS file_id, 'e:' || i AS entity_id, 'q' || (i % 9) AS qualified_name, CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END AS origin FROM range(40) t(i);
    CREATE TABLE merged.other AS SELECT 'q' || i AS qualified_name FROM range(9) t(i);
  `);
});

afterAll(async () => {
  await store.close();
});

async function groupedOf(sql: string): Promise<GroupedUpdate | string> {
  const view = { name: 'derived.v', sql };
  const lineage = await parseLineage(store, view, { catalog: await readLineageCatalog(store) });
  const bundle = await explainView(store, view);
  return groupedUpdate({ lineage, parseTree: bundle.parseTree });
}

describe('groupedUpdate', () => {
  it('finds the relation a view groups and the column its groups are keyed by, through a CTE', async () => {
    const grouped = await groupedOf(
      `WITH rows AS (SELECT s.qualified_name, s.origin FROM merged.names AS s WHERE s.origin <> 'x')
       SELECT md5(qualified_name) AS symbol_id, qualified_name, qualified_name AS name, string_agg(origin, '+' ORDER BY origin) AS origin
         FROM rows WHERE qualified_name IS NOT NULL GROUP BY qualified_name`,
    );
    expect(typeof grouped, String(grouped)).toBe('object');
    expect(grouped).toMatchObject({ column: 'qualified_name', source: { relation: 'merged.names', column: 'qualified_name' } });
    expect(FileLocalitySchema.parse({ view: 'derived.v', local: false, column: null, grouped, reason: 'global' }).grouped).toEqual(grouped);
  });

  it('refuses what lets one group depend on rows of another, saying why', async () => {
    const reasons = {
      join: await groupedOf('SELECT n.qualified_name, count(*) AS n FROM merged.names AS n JOIN merged.other AS o ON o.qualified_name = n.qualified_name GROUP BY n.qualified_name'),
      window: await groupedOf('SELECT qualified_name, count(*) OVER () AS n FROM merged.names GROUP BY qualified_name'),
      inner: await groupedOf('WITH c AS (SELECT qualified_name, count(*) AS n FROM merged.names GROUP BY qualified_name) SELECT qualified_name, max(n) AS n FROM c GROUP BY qualified_name'),
      whole: await groupedOf('WITH c AS (SELECT max(qualified_name) AS qualified_name FROM merged.names) SELECT qualified_name, count(*) AS n FROM c GROUP BY qualified_name'),
      computed: await groupedOf('SELECT upper(qualified_name) AS q, count(*) AS n FROM merged.names GROUP BY upper(qualified_name)'),
      hidden: await groupedOf('SELECT count(*) AS n FROM merged.names GROUP BY qualified_name'),
      subquery: await groupedOf('SELECT qualified_name, count(*) AS n FROM merged.names WHERE qualified_name IN (SELECT qualified_name FROM merged.other) GROUP BY qualified_name'),
      limit: await groupedOf('SELECT qualified_name, count(*) AS n FROM merged.names GROUP BY qualified_name LIMIT 3'),
      none: await groupedOf('SELECT qualified_name FROM merged.names'),
    };
    expect(reasons).toEqual({
      join: 'a join can bring rows of other groups together',
      window: expect.stringMatching(/combine rows across groups/),
      inner: 'it groups rows below its top grouping',
      whole: 'max aggregates rows below its top grouping',
      computed: 'it groups by a computed expression',
      hidden: 'its group key is not one of its result columns',
      subquery: 'a subquery expression can read rows of any group',
      limit: 'a LIMIT keeps rows depending on every row',
      none: 'it groups no rows at its top',
    });
  });
});
