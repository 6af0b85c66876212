import type { Fingerprint } from '@anatomy/contracts';
import { columnBatch, defineDataset } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';
import { fingerprintOfDigest, tableDigest, updateDigest } from '@anatomy/store';
import type { PendingWrite, RowDigest, Store, TableDigest } from '@anatomy/store';

/**
 * `meta.output_digests`: the running digest (row count and the sums of the
 * rows' MD5 halves) of every CPG output table, written in the build's
 * transaction so it always describes the tables beside it. An incremental
 * build updates it from the rows it deleted and inserted instead of reading
 * every row again.
 */
export const outputDigestsDataset: DatasetSchema = defineDataset({
  name: 'meta.output_digests',
  producer: 'orchestrator',
  version: 1,
  description: 'The running order-independent digest of every CPG output table, kept up to date by incremental builds.',
  spanUnit: 'none',
  key: ['table_name'],
  columns: [
    { name: 'table_name', type: 'utf8', nullable: false, role: 'entity-identity', description: 'the output table, schema.table' },
    { name: 'header', type: 'utf8', nullable: false, role: 'attribute', description: 'its sorted column names and types, as the fingerprint covers them' },
    { name: 'row_count', type: 'utf8', nullable: false, role: 'attribute', description: 'rows, in decimal' },
    { name: 'high_sum', type: 'utf8', nullable: false, role: 'attribute', description: 'exact sum of the high 64 bits of the rows’ MD5, in decimal' },
    { name: 'low_sum', type: 'utf8', nullable: false, role: 'attribute', description: 'exact sum of the low 64 bits of the rows’ MD5, in decimal' },
  ],
});

/** How one output table changed in this build: not at all, by these removed and added rows, or beyond telling. */
export type DigestChange = { readonly kind: 'unchanged' } | { readonly kind: 'rows'; readonly removed: RowDigest; readonly added: RowDigest } | { readonly kind: 'rewritten' };

/**
 * The digests `meta.output_digests` holds, by table; empty when the store
 * has none yet (a first build, or one from before this record).
 *
 * @example
 * const stored = await readOutputDigests(store);
 */
export async function readOutputDigests(store: Store): Promise<Map<string, TableDigest>> {
  const exists = await store.query(
    "SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'meta' AND table_name = 'output_digests'",
  );
  const out = new Map<string, TableDigest>();
  if (Number(exists[0]?.['n'] ?? 0) === 0) return out;
  for (const row of await store.query('SELECT table_name, header, row_count, high_sum, low_sum FROM meta.output_digests ORDER BY table_name')) {
    out.set(String(row['table_name']), {
      header: String(row['header']),
      digest: { rows: BigInt(String(row['row_count'])), high: BigInt(String(row['high_sum'])), low: BigInt(String(row['low_sum'])) },
    });
  }
  return out;
}

/**
 * The digest of every output table after this build: the stored digest
 * updated by the table's change when both are known, otherwise read from
 * every row of the table (a full build, a table rewritten whole, a store
 * without digests).
 *
 * @example
 * const digests = await currentOutputDigests(store, OUTPUT_TABLES, stored, changes);
 */
export async function currentOutputDigests(
  store: Store,
  tables: readonly string[],
  stored: ReadonlyMap<string, TableDigest>,
  changes: ReadonlyMap<string, DigestChange>,
): Promise<Map<string, TableDigest>> {
  const out = new Map<string, TableDigest>();
  for (const table of tables) {
    const before = stored.get(table);
    const change = changes.get(table) ?? { kind: 'rewritten' };
    if (before !== undefined && change.kind === 'unchanged') out.set(table, before);
    else if (before !== undefined && change.kind === 'rows') out.set(table, { header: before.header, digest: updateDigest(before.digest, change.removed, change.added) });
    else out.set(table, await tableDigest(store, table));
  }
  return out;
}

/**
 * Replaces `meta.output_digests` with these digests; call it inside the
 * build's transaction.
 *
 * @example
 * writes.push(...(await writeOutputDigests(store, digests)));
 *
 * Its writes are left unmeasured for `store.measureWrites`.
 */
export async function writeOutputDigests(store: Store, digests: ReadonlyMap<string, TableDigest>): Promise<PendingWrite[]> {
  await store.ensureDataset(outputDigestsDataset);
  const removed = await store.deleteRows({ table: outputDigestsDataset.name, where: 'true' }, { measure: false });
  const entries = [...digests].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const added = await store.ingest(
    outputDigestsDataset,
    columnBatch(outputDigestsDataset, {
      table_name: entries.map(([t]) => t),
      header: entries.map(([, d]) => d.header),
      row_count: entries.map(([, d]) => String(d.digest.rows)),
      high_sum: entries.map(([, d]) => String(d.digest.high)),
      low_sum: entries.map(([, d]) => String(d.digest.low)),
    }),
    { measure: false },
  );
  return [removed, added];
}

/**
 * The fingerprint of every table from its digest: what `tableFingerprint`
 * would compute by reading the rows.
 *
 * @example
 * const fingerprints = fingerprintsOf(digests); // { 'cpg.nodes': '…', … }
 */
export function fingerprintsOf(digests: ReadonlyMap<string, TableDigest>): Record<string, Fingerprint> {
  const out: Record<string, Fingerprint> = {};
  for (const [table, { header, digest }] of digests) out[table] = fingerprintOfDigest(header, digest);
  return out;
}
