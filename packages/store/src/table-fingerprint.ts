import type { Fingerprint } from '@anatomy/contracts';
import type { Store } from './store.js';
import { fingerprintOfDigest, tableDigest } from './table-digest.js';

/**
 * A SHA-256 fingerprint of a table's (or view's) contents that ignores row
 * order and column order: each row becomes canonical text and its MD5, read
 * as a 128-bit number; the row count and the exact sums of the high and low
 * 64 bits of those numbers are hashed together with the column names and
 * types (see {@link tableDigest}). A sum does not depend on the order rows
 * come in, so DuckDB aggregates it in parallel in constant memory — sorting
 * the digests instead took most of a build's bookkeeping on large tables —
 * and it can be kept up to date from a table's deletions and insertions.
 * Equal tables give equal fingerprints on any DuckDB version, unlike
 * DuckDB's `hash()`, which may change between versions.
 *
 * @example
 * const full = await tableFingerprint(fullBuild, 'cpg.nodes');
 * const incremental = await tableFingerprint(incrementalBuild, 'cpg.nodes');
 * if (full !== incremental) throw new Error('the incremental build differs');
 */
export async function tableFingerprint(store: Store, table: string): Promise<Fingerprint> {
  const { header, digest } = await tableDigest(store, table);
  return fingerprintOfDigest(header, digest);
}
