import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainView } from './explain-view.js';
import { fileLocality, FileLocalitySchema } from './file-locality.js';
import type { FileLocality } from './file-locality.js';
import { readLineageCatalog } from './lineage-catalog.js';
import { parseLineage } from './parse-lineage.js';
import { planSignals } from './plan-signals.js';

let store: Store;

beforeAll(async () => {
  store = await openStore({ path: ':memory:' });
  await store.run(`
    CREATE SCHEMA evidence;
    CREATE SCHEMA meta;
    CREATE TABLE evidence.defs AS SELECT 'f' || (i % 4) AS file_id, 'n' || i AS name, i AS bstart FROM range(40) t(i);
    CREATE TABLE evidence.refs AS SELECT 'f' || (i % 4) AS file_id, 'n' || i AS name, i AS bstart FROM range(40) t(i);
    CREATE TABLE meta.names AS SELECT 'n' || i AS name FROM range(10) t(i);
  `);
});

afterAll(async () => {
  await store.close();
});

const known = { 'evidence.defs': ['file_id'], 'evidence.refs': ['file_id'] };

async function localityOf(sql: string): Promise<FileLocality> {
  const view = { name: 'derived.v', sql };
  const lineage = await parseLineage(store, view, { catalog: await readLineageCatalog(store) });
  const bundle = await explainView(store, view);
  const signals = planSignals(bundle, lineage, { fileIdentityColumns: known });
  return FileLocalitySchema.parse(fileLocality({ lineage, parseTree: bundle.parseTree, partitioning: signals.filePartitioning, fileIdentityColumns: known }));
}

describe('fileLocality', () => {
  it('finds file-local views: selections, unions and joins that equate file identities', async () => {
    for (const sql of [
      'SELECT d.file_id, d.name FROM evidence.defs AS d WHERE d.bstart > 3',
      'SELECT file_id, name FROM evidence.defs UNION ALL SELECT file_id, name FROM evidence.refs',
      'SELECT DISTINCT d.file_id, d.name FROM evidence.defs AS d',
      'SELECT r.file_id, r.name, d.bstart FROM evidence.refs AS r LEFT JOIN evidence.defs AS d ON d.file_id = r.file_id AND d.name = r.name AND d.bstart < r.bstart',
      'WITH located AS (SELECT r.file_id, d.name FROM evidence.refs AS r JOIN evidence.defs AS d ON r.file_id = d.file_id) SELECT file_id, name FROM located',
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
      ['SELECT file_id, count(*) AS n FROM evidence.defs GROUP BY file_id', 'count_star'],
      ['SELECT file_id, min(bstart) OVER (PARTITION BY name) AS m FROM evidence.defs', 'min'],
      ['SELECT file_id, row_number() OVER (PARTITION BY name) AS k FROM evidence.defs', 'row_number'],
      ['SELECT file_id, name FROM evidence.defs WHERE name IN (SELECT name FROM evidence.refs)', 'subquery'],
      ['SELECT file_id, name FROM evidence.defs LIMIT 3', 'LIMIT'],
      ['SELECT DISTINCT ON (name) file_id, name FROM evidence.defs', 'DISTINCT ON'],
      ['SELECT d.file_id, m.name FROM evidence.defs AS d JOIN meta.names AS m ON m.name = d.name', 'meta.names'],
      ['WITH other AS (SELECT * FROM evidence.defs) SELECT r.file_id FROM evidence.refs AS r JOIN other AS o ON o.file_id = r.file_id', 'CTE'],
      ['SELECT name FROM evidence.defs', 'no file identity'],
    ];
    for (const [sql, why] of cases) {
      const locality = await localityOf(sql);
      expect(locality.local, sql).toBe(false);
      expect(locality.column).toBeNull();
      expect(locality.reason, sql).toContain(why);
    }
  });
});
