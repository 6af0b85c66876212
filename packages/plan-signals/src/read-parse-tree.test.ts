import { openStore } from '@anatomy/store';
import { describe, expect, it } from 'vitest';
import { readParseTree } from './read-parse-tree.js';
import type { SqlQueryable } from './sql-queryable.js';

describe('readParseTree', () => {
  it('asks DuckDB once per SQL text, and gives every caller a tree of its own', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      const asked: string[] = [];
      // The real store, its queries written down on their way through.
      const counted: SqlQueryable = { query: (sql) => (asked.push(sql), store.query(sql)) };
      const view = { name: 'x.parse_tree_once', sql: "SELECT 41 + 1 AS answer, 'read once' AS note" };
      const first = (await readParseTree(counted, view)) as { statements: { node: { select_list: unknown[] } }[] };
      expect(asked).toHaveLength(1);
      expect(asked[0]).toContain('json_serialize_sql');
      const second = (await readParseTree(counted, view)) as typeof first;
      expect(asked).toHaveLength(1);
      expect(second).toEqual(first);
      // Changing one caller's tree leaves the next caller's whole.
      first.statements[0]?.node.select_list.pop();
      expect((await readParseTree(counted, view)) as typeof first).toEqual(second);
      // Another text is another tree, read from DuckDB; so is an error, reported inside the tree.
      const other = (await readParseTree(counted, { name: 'x.other', sql: 'SELECT 2 AS two' })) as typeof first;
      expect(asked).toHaveLength(2);
      expect(other).not.toEqual(second);
      const broken = (await readParseTree(counted, { name: 'x.broken', sql: 'SELEC nothing' })) as { error: boolean };
      expect(broken.error).toBe(true);
      expect(asked).toHaveLength(3);
    } finally {
      await store.close();
    }
  });
});
