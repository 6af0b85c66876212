import { describe, expect, it } from 'vitest';
import { openStore } from './open-store.js';
import { StoreError } from './store-error.js';
import { tableFingerprint } from './table-fingerprint.js';

const ROWS = `(1, 'a', 1.5::DOUBLE, true, '\\x00\\x01'::BLOB), (2, NULL, -0.1::DOUBLE, false, NULL), (3, 'a|V1:b', NULL, NULL, ''::BLOB)`;

describe('tableFingerprint', () => {
  it('is the same for the same rows in any order and column order, and differs for any change', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.run(`CREATE TABLE t AS SELECT * FROM (VALUES ${ROWS}) v(id, name, score, flag, raw)`);
      await store.run('CREATE TABLE shuffled AS SELECT raw, flag, name, id, score FROM t ORDER BY id DESC');
      const base = await tableFingerprint(store, 't');
      expect(base).toMatch(/^[0-9a-f]{64}$/);
      expect(await tableFingerprint(store, 'shuffled')).toBe(base);
      expect(await tableFingerprint(store, 't')).toBe(base);

      const variants = [
        "UPDATE t SET name = 'b' WHERE id = 1",
        'UPDATE t SET name = NULL WHERE id = 1',
        "UPDATE t SET name = '' WHERE id = 2",
        'UPDATE t SET score = 1.5000000000000002 WHERE id = 1',
        "UPDATE t SET raw = '\\x00\\x02'::BLOB WHERE id = 1",
        'INSERT INTO t SELECT * FROM t WHERE id = 3',
        'DELETE FROM t WHERE id = 2',
      ];
      const seen = new Set([base]);
      for (const change of variants) {
        await store.run('CREATE OR REPLACE TABLE v AS SELECT * FROM t');
        await store.run(change.replaceAll(' t ', ' v ').replace(/ t$/, ' v'));
        const fp = await tableFingerprint(store, 'v');
        expect(seen.has(fp), change).toBe(false);
        seen.add(fp);
      }
      // Same values, another type: the schema is part of the fingerprint.
      await store.run('CREATE TABLE widened AS SELECT id::BIGINT AS id, name, score, flag, raw FROM t');
      expect(await tableFingerprint(store, 'widened')).not.toBe(base);
    } finally {
      await store.close();
    }
  });

  it('tells cell boundaries apart and fingerprints empty tables and views', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.run("CREATE TABLE p AS SELECT * FROM (VALUES ('ab', 'c')) v(x, y)");
      await store.run("CREATE TABLE q AS SELECT * FROM (VALUES ('a', 'bc')) v(x, y)");
      expect(await tableFingerprint(store, 'p')).not.toBe(await tableFingerprint(store, 'q'));
      await store.run('CREATE TABLE e (x VARCHAR, y VARCHAR)');
      await store.run('CREATE VIEW pv AS SELECT * FROM p');
      expect(await tableFingerprint(store, 'pv')).toBe(await tableFingerprint(store, 'p'));
      expect(await tableFingerprint(store, 'e')).toMatch(/^[0-9a-f]{64}$/);
      await expect(tableFingerprint(store, 'nope')).rejects.toSatisfy((e: unknown) => StoreError.is(e, 'UnknownTable'));
    } finally {
      await store.close();
    }
  });
});
