import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDatabase } from './duckdb-fixture.test-support.js';
import { loneProvenanceSql } from './lone-rows-sql.js';
import { mergedOrigin, mergeOriginSql, mergeWithOriginSql } from './semantic-macros.js';
import { sqlLiteral } from './sql-literal.js';

// One database serves every test of the file.
let db: TestDatabase;
beforeAll(async () => {
  db = await TestDatabase.open();
});
afterAll(() => db.close());

describe('mergedOrigin', () => {
  it('gives what anatomy_merge_origin gives the same literals', async () => {
    const lists = [
      ['tree-sitter'],
      ['tree-sitter', 'extract-python'],
      ['tree-sitter', 'tree-sitter', 'scip'],
      ['extract-python+tree-sitter', 'scip', 'tree-sitter'],
      ['b+a', 'a', 'c.d_e-1'],
      ['', 'x'],
    ];
    for (const list of lists) {
      const [row] = await db.rows(`SELECT ${mergeOriginSql(`[${list.map(sqlLiteral).join(', ')}]`)} AS o`);
      expect(mergedOrigin(list), list.join(', ')).toBe(row?.['o']);
    }
  });

  it('leaves to DuckDB names whose order could depend on a collation', () => {
    expect(mergedOrigin(['Tree-Sitter', 'scip'])).toBeUndefined();
    expect(mergedOrigin(['naïve'])).toBeUndefined();
  });
});

describe('mergeWithOriginSql', () => {
  it('gives what anatomy_merge_origin gives the column and the literals, row by row', async () => {
    const values = [null, 'tree-sitter', 'repo-scan', 'extract-python+tree-sitter', 'tree-sitter+a', '', 'z', "o'brien"];
    for (const known of ['tree-sitter', 'extract-python+tree-sitter', 'a']) {
      const rows = await db.rows(
        `SELECT v, ${mergeWithOriginSql('v', known)} AS fast, ${mergeOriginSql(`[${sqlLiteral(known)}, v]`)} AS slow ` +
          `FROM (SELECT unnest([${values.map((v) => (v === null ? 'NULL' : sqlLiteral(v))).join(', ')}]::VARCHAR[]) AS v)`,
      );
      expect(rows).toHaveLength(values.length);
      for (const row of rows) expect(row['fast'], `${known} with ${String(row['v'])}`).toBe(row['slow']);
    }
  });
});

describe('loneProvenanceSql', () => {
  it('gives what anatomy_merge_origin gives a list of the one value, row by row', async () => {
    const values = [
      null, '', 'tree-sitter', 'extract-python+tree-sitter', 'tree-sitter+extract-python', 'a+a', 'a+', '+a', '+', '++',
      'a+b+c', 'c+b+a', 'a+b+a', 'b+a+c', 'Z+a', 'a+Z', 'naïve+nb', 'ä+a', "o'brien+p",
    ];
    const rows = await db.rows(
      `SELECT v, ${loneProvenanceSql('v')} AS fast, ${mergeOriginSql('list_filter([v], o -> o IS NOT NULL)')} AS slow ` +
        `FROM (SELECT unnest([${values.map((v) => (v === null ? 'NULL' : sqlLiteral(v))).join(', ')}]::VARCHAR[]) AS v)`,
    );
    expect(rows).toHaveLength(values.length);
    for (const row of rows) expect(row['fast'], String(row['v'])).toBe(row['slow']);
  });
});
