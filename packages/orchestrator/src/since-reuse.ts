import { existsSync } from 'node:fs';
import type { FileRecord, FileStat, ScanDiagnosticCode, ScanReuse } from '@anatomy/repo-scan';
import { ScanDiagnosticCodeSchema } from '@anatomy/repo-scan';
import type { LockWait, Store } from '@anatomy/store';
import { openStore } from '@anatomy/store';
import { changedSince } from './git-changes.js';

/** What `--since` gives the scan, and how much it narrowed it. */
export interface SinceReuse {
  readonly reuse: ScanReuse | undefined;
  /** Paths git reports changed since the ref (tracked or untracked). */
  readonly changedPaths: number;
}

async function tableExists(query: (sql: string, params: string[]) => Promise<unknown[]>, schema: string, table: string): Promise<boolean> {
  const rows = (await query('SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ? AND table_name = ?', [schema, table])) as unknown[];
  return rows.length > 0;
}

/** A stored file record the scan may take, with the problems its inspection reported and the stat it holds under. */
type Reusable = { record: FileRecord; problems: { code: ScanDiagnosticCode; message: string }[]; stat?: FileStat };

/**
 * The scan records of the stored build, by path (leaving out `skip`), with
 * their scan problems and, with `stats`, the stat each holds under (a file
 * with no stored stat is left out). The store is opened read-only for the
 * moment of reading. Undefined when there is no store, or it holds none.
 */
async function storedRecords(
  options: { readonly storePath: string; readonly wait?: LockWait | undefined; readonly skip?: ReadonlySet<string>; readonly stats: boolean; readonly store?: Store | undefined },
): Promise<ScanReuse | undefined> {
  // A store the build already holds open is read where it is.
  if (options.store !== undefined) return recordsOf(options.store, options);
  if (!existsSync(options.storePath)) return undefined;
  const store = await openStore({ path: options.storePath, readOnly: true, ...(options.wait === undefined ? {} : { wait: options.wait }) });
  try {
    return await recordsOf(store, options);
  } finally {
    await store.close();
  }
}

async function recordsOf(store: Store, options: { readonly skip?: ReadonlySet<string>; readonly stats: boolean }): Promise<ScanReuse | undefined> {
  const query = (sql: string, params: string[]): Promise<unknown[]> => store.query(sql, params);
  if (!(await tableExists(query, 'meta', 'file_manifest')) || !(await tableExists(query, 'evidence', 'files'))) return undefined;
  if (options.stats && !(await tableExists(query, 'meta', 'file_stats'))) return undefined;
  const files = new Map<string, Reusable>();
  const sql = options.stats
    ? `SELECT f.file_id, f.path, f.size, f.sha256, f.encoding, f.line_count, s.size AS stat_size, s.mtime_ns, s.ctime_ns, s.ino
         FROM evidence.files AS f JOIN meta.file_stats AS s ON s.path = f.path ORDER BY f.path`
    : 'SELECT file_id, path, size, sha256, encoding, line_count FROM evidence.files ORDER BY path';
  for (const row of await store.query(sql)) {
    const path = String(row['path']);
    if (options.skip?.has(path) === true) continue;
    // The stored rows were written from validated scan records into typed columns: read back as they are.
    const record: FileRecord = Object.freeze({
      file_id: String(row['file_id']) as FileRecord['file_id'],
      path,
      size: Number(row['size']),
      sha256: String(row['sha256']),
      encoding: String(row['encoding']),
      line_count: Number(row['line_count']),
    });
    const stat: FileStat | undefined = options.stats
      ? { size: Number(row['stat_size']), mtimeNs: BigInt(String(row['mtime_ns'])), ctimeNs: BigInt(String(row['ctime_ns'])), ino: BigInt(String(row['ino'])) }
      : undefined;
    files.set(path, { record, problems: [], ...(stat === undefined ? {} : { stat }) });
  }
  for (const row of await store.query('SELECT path, code, message FROM evidence.scan_diagnostics WHERE file_id IS NOT NULL ORDER BY path, code')) {
    files.get(String(row['path']))?.problems.push({ code: ScanDiagnosticCodeSchema.parse(row['code']), message: String(row['message']) });
  }
  return { files };
}

/**
 * The scan records of the stored build a scan may take while each file's
 * stat is what it was when its record was taken (`meta.file_stats`), so
 * only new and modified files are read and hashed again. The store is
 * read as {@link storedRecords} says. No store, or one without stats,
 * gives nothing to reuse (every file is read).
 *
 * With `store`, that open store is read instead of opening the file.
 *
 * @example
 * const reuse = await statReuse({ storePath });
 * const scan = await scanRepository({ root }, reuse);
 */
export async function statReuse(options: { readonly storePath: string; readonly wait?: LockWait; readonly store?: Store }): Promise<ScanReuse | undefined> {
  return storedRecords({ ...options, stats: true });
}

/**
 * The scan records `--since <ref>` lets a build keep: those of the stored
 * build's files that git reports unchanged since `ref`, with their scan
 * problems, so only the changed ones are read and hashed again. The store
 * is opened read-only for the moment of reading (or `store`, already open,
 * is read). No store, or a store with no file manifest, gives nothing to
 * reuse (every file is read).
 *
 * @example
 * const { reuse } = await sinceReuse({ root, storePath, ref: 'HEAD~1' });
 * const scan = await scanRepository({ root }, reuse);
 */
export async function sinceReuse(options: { readonly root: string; readonly storePath: string; readonly ref: string; readonly wait?: LockWait; readonly store?: Store }): Promise<SinceReuse> {
  const changed = changedSince(options.root, options.ref);
  return { reuse: await storedRecords({ storePath: options.storePath, wait: options.wait, skip: changed, stats: false, store: options.store }), changedPaths: changed.size };
}
