import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openStore } from './open-store.js';
import { EMPTY_DIGEST, changedGroups, fingerprintOfDigest, groupDigests, groupDigestsOfTables, tableDigest, updateDigest } from './table-digest.js';
import { tableFingerprint } from './table-fingerprint.js';

describe('tableDigest', () => {
  it('follows deletions and insertions to the digest and fingerprint of reading the table again', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.run(`CREATE TABLE t AS SELECT 'f' || (i % 7) AS file_id, i AS n, 'x' || i AS s, i / 3.0 AS d FROM range(500) r(i)`);
      const start = await tableDigest(store, 't');
      expect(fingerprintOfDigest(start.header, start.digest)).toBe(await tableFingerprint(store, 't'));

      // Replace the rows of two files by different ones, as an incremental build does.
      const files = { column: 'file_id', values: ['f2', 'f5'] };
      const removed = await tableDigest(store, 't', files);
      expect(removed.digest.rows).toBe(143n);
      await store.run(`DELETE FROM t WHERE file_id IN ('f2', 'f5')`);
      await store.run(`INSERT INTO t SELECT 'f' || (i % 2 * 3 + 2) AS file_id, i AS n, 'y' || i AS s, i / 7.0 AS d FROM range(40) r(i)`);
      const added = await tableDigest(store, 't', files);
      expect(added.digest.rows).toBe(40n);

      const running = updateDigest(start.digest, removed.digest, added.digest);
      expect(running).toEqual((await tableDigest(store, 't')).digest);
      expect(fingerprintOfDigest(start.header, running)).toBe(await tableFingerprint(store, 't'));
      expect(fingerprintOfDigest(start.header, running)).not.toBe(fingerprintOfDigest(start.header, start.digest));

      // Rows of no file follow along when the filter takes NULLs too.
      await store.run(`INSERT INTO t SELECT NULL AS file_id, i AS n, 'z' || i AS s, i / 9.0 AS d FROM range(12) r(i)`);
      const withNulls = await tableDigest(store, 't');
      const owned = { column: 'file_id', values: ['f0'], nulls: true };
      const gone = await tableDigest(store, 't', owned);
      expect(gone.digest.rows).toBe(12n + ((await store.query(`SELECT count(*) AS n FROM t WHERE file_id = 'f0'`))[0]!['n'] as bigint));
      await store.run(`DELETE FROM t WHERE file_id = 'f0' OR file_id IS NULL`);
      await store.run(`INSERT INTO t VALUES (NULL, 1, 'w', 0.5)`);
      const back = await tableDigest(store, 't', owned);
      expect(updateDigest(withNulls.digest, gone.digest, back.digest)).toEqual((await tableDigest(store, 't')).digest);
    } finally {
      await store.close();
    }
  });

  it('sums the MD5 of each row’s canonical text, so digests stored by earlier versions stay comparable', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      // Every type the canonical text writes its own way, NULLs of each, and text with the separators in it.
      await store.run(`CREATE TABLE k (s VARCHAR, n BIGINT, d DOUBLE, b BOOLEAN, x BLOB)`);
      await store.run(`INSERT INTO k VALUES ('a|b:c', -7, 0.1, true, '\\x01\\xFF'::BLOB), (NULL, NULL, NULL, NULL, NULL), ('é', 0, 1e300, false, ''::BLOB)`);
      // Written out by hand: columns sorted by name (b, d, n, s, x); V<characters>:<text>, N for NULL.
      const rows = ['V4:true|V19:0.10000000000000001|V2:-7|V5:a|b:c|V4:01FF', 'N|N|N|N|N', 'V5:false|V23:1.0000000000000001e+300|V1:0|V1:é|V0:'];
      const expected = { rows: 3n, high: 0n, low: 0n };
      for (const text of rows) {
        // The 16 bytes read as a little-endian number, as DuckDB's md5_number reads them.
        const h = BigInt(`0x${Buffer.from(createHash('md5').update(text, 'utf8').digest()).reverse().toString('hex')}`);
        expected.high += h >> 64n;
        expected.low += h & 0xffffffffffffffffn;
      }
      expect((await tableDigest(store, 'k')).digest).toEqual(expected);
    } finally {
      await store.close();
    }
  });

  it('digests no rows as the empty digest and refuses to remove rows never counted', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.run('CREATE TABLE e (file_id VARCHAR, n BIGINT)');
      expect((await tableDigest(store, 'e')).digest).toEqual(EMPTY_DIGEST);
      await store.run(`INSERT INTO e VALUES ('a', 1)`);
      const one = (await tableDigest(store, 'e', { column: 'file_id', values: ['a'] })).digest;
      expect(one.rows).toBe(1n);
      expect(() => updateDigest(EMPTY_DIGEST, one, EMPTY_DIGEST)).toThrow(expect.objectContaining({ code: 'store/DigestUnderflow' }));
    } finally {
      await store.close();
    }
  });
});

describe('groupDigests', () => {
  it('tells exactly which values of a column hold other rows after a table is refilled, NULL included', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.run(`CREATE TABLE t AS SELECT CASE WHEN i % 5 = 4 THEN NULL ELSE 'f' || (i % 5) END AS file_id, i AS n FROM range(100) r(i)`);
      const before = await groupDigests(store, 't', 'file_id');
      expect([...before.keys()]).toEqual([null, 'f0', 'f1', 'f2', 'f3']);
      // DuckDB's row hashes, not the table digest's MD5: numbers for comparing within one process only.
      expect(before.get('f1')?.rows).toBe((await tableDigest(store, 't', { column: 'file_id', values: ['f1'] })).digest.rows);
      expect(before.get('f1')).not.toEqual((await tableDigest(store, 't', { column: 'file_id', values: ['f1'] })).digest);

      // Refilled with the same rows in another order, and rows of f2 moved to a new f9: f2 and f9 changed.
      await store.run(`CREATE TABLE u AS SELECT * FROM t ORDER BY n DESC; DELETE FROM t; INSERT INTO t SELECT CASE WHEN file_id = 'f2' AND n > 50 THEN 'f9' ELSE file_id END, n FROM u`);
      const after = await groupDigests(store, 't', 'file_id');
      expect(changedGroups(before, after)).toEqual(['f2', 'f9']);
      // A changed NULL row shows as the null key; digested whole, any change does.
      const whole = await groupDigests(store, 't', null);
      await store.run(`UPDATE t SET n = n + 1000 WHERE file_id IS NULL AND n = 4`);
      expect(changedGroups(after, await groupDigests(store, 't', 'file_id'))).toEqual([null]);
      expect(changedGroups(whole, await groupDigests(store, 't', null))).toEqual([null]);
      expect(changedGroups(whole, whole)).toEqual([]);
      // Read for a few values only, the same digests come back for those values.
      const some = await groupDigests(store, 't', 'file_id', { values: ['f1', 'f9', 'f7'] });
      expect([...some.keys()]).toEqual(['f1', 'f9']);
      expect(some.get('f9')).toEqual(after.get('f9'));
      // Projected on the columns a reader reads, a change elsewhere goes unseen; an unknown column digests every column.
      await store.run(`ALTER TABLE t ADD COLUMN extra INTEGER DEFAULT 0`);
      const onN = await groupDigests(store, 't', 'file_id', { columns: ['n'] });
      const onNothing = await groupDigests(store, 't', 'file_id', { columns: [] });
      const onUnknown = await groupDigests(store, 't', 'file_id', { columns: ['n', 'missing'] });
      await store.run(`UPDATE t SET extra = 1 WHERE file_id = 'f3'`);
      expect(changedGroups(onN, await groupDigests(store, 't', 'file_id', { columns: ['n'] }))).toEqual([]);
      expect(changedGroups(onUnknown, await groupDigests(store, 't', 'file_id', { columns: ['n', 'missing'] }))).toEqual(['f3']);
      await store.run(`DELETE FROM t WHERE file_id = 'f1' AND n = 1`);
      expect(changedGroups(onNothing, await groupDigests(store, 't', 'file_id', { columns: [] }))).toEqual(['f1']);
      await expect(groupDigests(store, 't', 'nope')).rejects.toMatchObject({ code: 'store/UnknownColumn' });
    } finally {
      await store.close();
    }
  });

  it('digests several tables in one query as it digests each alone', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.run(`CREATE TABLE a AS SELECT 'f' || (i % 3) AS file_id, i AS n FROM range(30) r(i)`);
      await store.run(`CREATE TABLE b AS SELECT CASE WHEN i % 4 = 0 THEN NULL ELSE 'f' || (i % 4) END AS owner, i * 2 AS m, 'x' AS s FROM range(40) r(i)`);
      await store.run('CREATE TABLE c (file_id VARCHAR, n INTEGER)');
      const values = ['f1', 'f2', 'f7'];
      const together = await groupDigestsOfTables(
        store,
        [{ table: 'a', column: 'file_id' }, { table: 'b', column: 'owner', columns: ['m'] }, { table: 'c', column: 'file_id' }, { table: 'a', column: 'file_id' }],
        values,
      );
      expect([...together.keys()]).toEqual(['a', 'b', 'c']);
      expect(together.get('a')).toEqual(await groupDigests(store, 'a', 'file_id', { values }));
      expect(together.get('b')).toEqual(await groupDigests(store, 'b', 'owner', { values, columns: ['m'] }));
      expect([...(together.get('b')?.keys() ?? [])]).toEqual(['f1', 'f2']);
      expect(together.get('c')).toEqual(new Map());
      // Without values every group is read; a table digested whole is one null group.
      const all = await groupDigestsOfTables(store, [{ table: 'a', column: 'file_id' }, { table: 'b', column: null }]);
      expect([...(all.get('a')?.keys() ?? [])]).toEqual(['f0', 'f1', 'f2']);
      expect(all.get('b')).toEqual(await groupDigests(store, 'b', null));
      expect(await groupDigestsOfTables(store, [], values)).toEqual(new Map());
      await expect(groupDigestsOfTables(store, [{ table: 'a', column: 'file_id' }, { table: 'b', column: 'nope' }], values)).rejects.toMatchObject({ code: 'store/UnknownColumn' });
      // Two projections of one table under two keys: each as digested alone.
      const keyed = await groupDigestsOfTables(store, [{ table: 'b', key: 'b:m', column: 'owner', columns: ['m'] }, { table: 'b', key: 'b:s', column: 'owner', columns: ['s'] }], values);
      expect([...keyed.keys()]).toEqual(['b:m', 'b:s']);
      expect(keyed.get('b:m')).toEqual(await groupDigests(store, 'b', 'owner', { values, columns: ['m'] }));
      expect(keyed.get('b:s')).toEqual(await groupDigests(store, 'b', 'owner', { values, columns: ['s'] }));
      expect(keyed.get('b:m')).not.toEqual(keyed.get('b:s'));
    } finally {
      await store.close();
    }
  });
});
