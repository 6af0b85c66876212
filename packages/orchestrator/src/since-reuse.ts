import { existsSync } from 'node:fs';
import type { FileRecord, ScanDiagnosticCode, ScanReuse } from '@anatomy/repo-scan';
import { FileRecordSchema, ScanDiagnosticCodeSchema } from '@anatomy/repo-scan';
import type { LockWait } from '@anatomy/store';
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

/**
 * The scan records `--since <ref>` lets a build keep: those of the stored
 * build's files that git reports unchanged since `ref`, with their scan
 * problems, so only the changed ones are read and hashed again. The store
 * is opened read-only for the moment of reading. No store, or a store with
 * no file manifest, gives nothing to reuse (every file is read).
 *
 * @example
 * const { reuse } = await sinceReuse({ root, storePath, ref: 'HEAD~1' });
 * const scan = await scanRepository({ root }, reuse);
 */
export async function sinceReuse(options: { readonly root: string; readonly storePath: string; readonly ref: string; readonly wait?: LockWait }): Promise<SinceReuse> {
  const changed = changedSince(options.root, options.ref);
  if (!existsSync(options.storePath)) return { reuse: undefined, changedPaths: changed.size };
  const store = await openStore({ path: options.storePath, readOnly: true, ...(options.wait === undefined ? {} : { wait: options.wait }) });
  try {
    const query = (sql: string, params: string[]): Promise<unknown[]> => store.query(sql, params);
    if (!(await tableExists(query, 'meta', 'file_manifest')) || !(await tableExists(query, 'evidence', 'files'))) return { reuse: undefined, changedPaths: changed.size };
    const files = new Map<string, { record: FileRecord; problems: { code: ScanDiagnosticCode; message: string }[] }>();
    for (const row of await store.query('SELECT file_id, path, size, sha256, encoding, line_count FROM evidence.files ORDER BY path')) {
      const path = String(row['path']);
      if (changed.has(path)) continue;
      const record = FileRecordSchema.parse({ ...row, size: Number(row['size']), line_count: Number(row['line_count']) });
      files.set(path, { record, problems: [] });
    }
    for (const row of await store.query('SELECT path, code, message FROM evidence.scan_diagnostics WHERE file_id IS NOT NULL ORDER BY path, code')) {
      files.get(String(row['path']))?.problems.push({ code: ScanDiagnosticCodeSchema.parse(row['code']), message: String(row['message']) });
    }
    return { reuse: { files }, changedPaths: changed.size };
  } finally {
    await store.close();
  }
}
