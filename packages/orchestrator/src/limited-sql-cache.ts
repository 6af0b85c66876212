import { fingerprint, sqlString } from '@anatomy/contracts';
import { columnBatch, defineDataset } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';
import type { PendingWrite, Store } from '@anatomy/store';
import type { LimitedReads } from './file-filtered-sql.js';

/**
 * The file id a cached limited SQL holds where a build's changed files go:
 * a string literal, the only element of each file list (`IN ('…')`), so a
 * build puts its files in by replacing the literal with theirs.
 */
export const CHANGED_FILES_PLACEHOLDER = 'anatomy_changed_file';

/**
 * `meta.limited_sql`: the SQL of each view updated by file with its reads
 * limited to the changed files (see `fileFilteredSql`), the files left as
 * {@link CHANGED_FILES_PLACEHOLDER}. Rewriting a view's SQL on DuckDB's parse
 * tree takes a round trip to serialize and one to deserialize per view, the
 * same in every build of one program: it is done once and kept here, under
 * the plan cache's key (program, schemas, DuckDB) and a key of what else the
 * rewriting read.
 */
export const limitedSqlDataset: DatasetSchema = defineDataset({
  name: 'meta.limited_sql',
  producer: 'orchestrator',
  version: 1,
  description: "Each view's SQL with its reads limited to the changed files (a placeholder for them), kept between incremental builds of one program.",
  spanUnit: 'none',
  key: ['plan_key', 'read_key'],
  columns: [
    { name: 'plan_key', type: 'utf8', nullable: false, role: 'attribute', description: 'the plan cache key the entry is valid under' },
    { name: 'read_key', type: 'utf8', nullable: false, role: 'entity-identity', description: 'fingerprint of the view, the relations read by file and the inline views expanded' },
    { name: 'sql', type: 'utf8', nullable: false, role: 'attribute', description: 'the limited SQL, the changed files as a placeholder' },
    { name: 'limited', type: 'int64', nullable: false, role: 'attribute', description: 'reads limited to the changed files' },
    { name: 'inlined', type: 'int64', nullable: false, role: 'attribute', description: 'of those, reads of an inline view as its own SQL' },
  ],
});

/** One cached limited SQL and the reads it limited. */
export interface LimitedSql {
  readonly sql: string;
  readonly reads: LimitedReads;
}

/** The entries of one plan key: those read from the store and those a build added. */
export interface LimitedSqlCache {
  readonly planKey: string;
  readonly entries: Map<string, LimitedSql>;
  readonly added: Set<string>;
}

/**
 * The key of one view's limited SQL under a plan key: the view, and what
 * the rewriting reads besides its SQL — which relations are limited by
 * which column, which are read without the scan for rows of no file, and
 * which inline views are expanded.
 *
 * @example
 * limitedSqlKey('rel.calls', limitable, nullFree, inline.keys());
 */
export function limitedSqlKey(view: string, limitable: ReadonlyMap<string, string>, nullFree: ReadonlySet<string>, inline: Iterable<string>): string {
  const sorted = <T>(values: Iterable<T>): T[] => [...values].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  return fingerprint({ view, limitable: sorted([...limitable].map(([r, c]) => `${r}\u0000${c}`)), nullFree: sorted(nullFree), inline: sorted(inline) });
}

/**
 * A cached limited SQL with the build's changed files in place of the
 * placeholder (an SQL that limited no read holds none and comes back as it
 * is). Throws when no file is given: `IN ()` is no SQL.
 *
 * @example
 * withChangedFiles(cached.sql, ['file:1', 'file:2']); // … IN ('file:1', 'file:2') …
 */
export function withChangedFiles(sql: string, fileIds: readonly string[]): string {
  if (fileIds.length === 0) throw new Error('withChangedFiles needs at least one file id');
  return sql.replaceAll(sqlString(CHANGED_FILES_PLACEHOLDER), fileIds.map(sqlString).join(', '));
}

/**
 * The cached limited SQL of the store under a plan key (none when the
 * table does not exist yet).
 *
 * @example
 * const cache = await readLimitedSqlCache(store, planCache.key);
 */
export async function readLimitedSqlCache(store: Store, planKey: string): Promise<LimitedSqlCache> {
  const cache: LimitedSqlCache = { planKey, entries: new Map(), added: new Set() };
  const exists = await store.query("SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'meta' AND table_name = 'limited_sql'");
  if (Number(exists[0]?.['n'] ?? 0) === 0) return cache;
  for (const row of await store.query('SELECT read_key, sql, limited, inlined FROM meta.limited_sql WHERE plan_key = ?', [planKey])) {
    cache.entries.set(String(row['read_key']), { sql: String(row['sql']), reads: { limited: Number(row['limited']), inlined: Number(row['inlined']) } });
  }
  return cache;
}

/**
 * Stores the entries a build added, and drops those of other plan keys
 * (another program's, which no build of this one reads). Nothing is
 * written when nothing was added. The writes are left for
 * `store.measureWrites`.
 *
 * @example
 * writes.push(...(await writeLimitedSqlCache(store, cache)));
 */
export async function writeLimitedSqlCache(store: Store, cache: LimitedSqlCache): Promise<PendingWrite[]> {
  if (cache.added.size === 0) return [];
  await store.ensureDataset(limitedSqlDataset);
  const removed = await store.deleteRows({ table: limitedSqlDataset.name, where: 'plan_key <> ?', params: [cache.planKey] }, { measure: false });
  const keys = [...cache.added].sort();
  const entries = keys.map((k) => cache.entries.get(k) as LimitedSql);
  const added = await store.ingest(
    limitedSqlDataset,
    columnBatch(limitedSqlDataset, {
      plan_key: keys.map(() => cache.planKey),
      read_key: keys,
      sql: entries.map((e) => e.sql),
      limited: entries.map((e) => e.reads.limited),
      inlined: entries.map((e) => e.reads.inlined),
    }),
    { measure: false },
  );
  return [removed, added];
}
