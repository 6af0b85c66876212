import { describe, expect, it } from 'vitest';
import { openStore } from './open-store.js';
import { EMPTY_DIGEST, fingerprintOfDigest, tableDigest, updateDigest } from './table-digest.js';
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
