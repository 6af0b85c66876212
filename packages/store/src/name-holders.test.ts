import { describe, expect, it } from 'vitest';
import { nameHolders } from './name-holders.js';
import { openStore } from './open-store.js';

describe('nameHolders', () => {
  it('tells in one query whether a view, a table or nothing holds each name', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.run("CREATE SCHEMA rel; CREATE TABLE rel.t AS SELECT 1 AS n; CREATE VIEW rel.v AS SELECT 2 AS n");
      expect([...(await nameHolders(store, ['rel.t', 'rel.v', 'rel.none', "rel.it's"]))]).toEqual([
        ['rel.t', 'table'],
        ['rel.v', 'view'],
        ['rel.none', null],
        ["rel.it's", null],
      ]);
    } finally {
      await store.close();
    }
  });
});
