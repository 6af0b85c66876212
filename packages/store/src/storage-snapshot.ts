import { statSync } from 'node:fs';
import { sqlString } from '@anatomy/contracts';
import { z } from 'zod';

/**
 * How one table is stored, from DuckDB's own storage report. `storedRows`
 * counts rows still held in row groups, deleted ones included, so
 * `storedRows - liveRows` is what a rewrite would drop.
 */
export const TableStorageSchema = z.object({
  table: z.string().min(1),
  liveRows: z.number().int().nonnegative(),
  storedRows: z.number().int().nonnegative(),
  rowGroups: z.number().int().nonnegative(),
  /** Distinct file blocks holding the table's checkpointed segments. */
  blocks: z.number().int().nonnegative(),
});
export type TableStorage = z.infer<typeof TableStorageSchema>;

/**
 * The database file measured at one moment: sizes on disk (file and
 * write-ahead log) and DuckDB's block accounting, plus one table when asked.
 */
export const StorageSnapshotSchema = z.object({
  /** Size of the database file on disk; 0 in memory. */
  fileBytes: z.number().int().nonnegative(),
  /** Size of the write-ahead log on disk; 0 when there is none. */
  walBytes: z.number().int().nonnegative(),
  blockSize: z.number().int().nonnegative(),
  totalBlocks: z.number().int().nonnegative(),
  usedBlocks: z.number().int().nonnegative(),
  freeBlocks: z.number().int().nonnegative(),
  table: TableStorageSchema.optional(),
});
export type StorageSnapshot = z.infer<typeof StorageSnapshotSchema>;

/** Runs one query and returns its rows; the snapshot needs nothing more of a store. */
export type SnapshotQuery = (sql: string, params?: readonly string[]) => Promise<Record<string, unknown>[]>;

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Bytes of a store file and of its write-ahead log (DuckDB names it `<file>.wal`). */
export function filesOnDisk(path: string | null): { readonly fileBytes: number; readonly walBytes: number } {
  if (path === null) return { fileBytes: 0, walBytes: 0 };
  return { fileBytes: fileSize(path), walBytes: fileSize(`${path}.wal`) };
}

/**
 * Measures how a table is stored. The first column's data segments carry
 * every stored row exactly once, so their counts add up to the stored rows.
 */
export async function measureTable(query: SnapshotQuery, table: string, quotedTable: string): Promise<TableStorage> {
  const live = await query(`SELECT count(*) AS n FROM ${quotedTable}`);
  const stored = await query(
    `SELECT count(DISTINCT row_group_id) AS row_groups,
            coalesce(sum(count) FILTER (WHERE column_id = 0 AND column_path = '[0]'), 0) AS stored_rows,
            count(DISTINCT block_id) FILTER (WHERE persistent AND block_id >= 0) AS blocks
       FROM pragma_storage_info(?)`,
    [table],
  );
  const s = stored[0] ?? {};
  return Object.freeze({
    table,
    liveRows: Number(live[0]?.['n'] ?? 0),
    storedRows: Number(s['stored_rows'] ?? 0),
    rowGroups: Number(s['row_groups'] ?? 0),
    blocks: Number(s['blocks'] ?? 0),
  });
}

/** The files' sizes on disk and DuckDB's block accounting, from a row of `pragma_database_size()`. */
function databaseFigures(size: Record<string, unknown>, path: string | null): Omit<StorageSnapshot, 'table'> {
  const disk = filesOnDisk(path);
  return {
    fileBytes: disk.fileBytes,
    walBytes: disk.walBytes,
    blockSize: Number(size['block_size'] ?? 0),
    totalBlocks: Number(size['total_blocks'] ?? 0),
    usedBlocks: Number(size['used_blocks'] ?? 0),
    freeBlocks: Number(size['free_blocks'] ?? 0),
  };
}

/** Measures the database (and optionally one table) now. `path` is null for an in-memory store. */
export async function measureStorage(query: SnapshotQuery, path: string | null, table?: { readonly name: string; readonly quoted: string }): Promise<StorageSnapshot> {
  const size = (await query('SELECT block_size, total_blocks, used_blocks, free_blocks FROM pragma_database_size() WHERE database_name = current_database()'))[0] ?? {};
  const snapshot: StorageSnapshot = {
    ...databaseFigures(size, path),
    ...(table === undefined ? {} : { table: await measureTable(query, table.name, table.quoted) }),
  };
  return Object.freeze(snapshot);
}

/** What {@link measureTables} found: the database's figures and, by table, its live and stored rows. */
export interface TablesMeasure {
  readonly database: Omit<StorageSnapshot, 'table'>;
  readonly tables: ReadonlyMap<string, { readonly liveRows: number; readonly storedRows: number }>;
}

/**
 * Measures, in one query, what write outcomes record: the database's block
 * accounting, and for each table its live rows and the rows its row groups
 * hold. DuckDB's catalog estimate of a table's size counts exactly those
 * stored rows (deleted ones included, as `pragma_storage_info` does), so no
 * storage report is read: that report walks every column segment, 5–50 ms
 * for a table of a million rows or more. The catalog is read once
 * (`duckdb_tables()` costs about as much for one table as for all), so
 * measuring many writes together costs little more than one. Tables are
 * keyed by `key`; without any, only the database is measured.
 */
export async function measureTables(
  query: SnapshotQuery,
  path: string | null,
  tables: readonly { readonly key: string; readonly schema: string; readonly table: string; readonly quoted: string }[],
): Promise<TablesMeasure> {
  const live = tables.map((t, i) => `SELECT ${i} AS i, ${sqlString(t.schema)} AS schema_name, ${sqlString(t.table)} AS table_name, (SELECT count(*) FROM ${t.quoted}) AS live_rows`);
  const rows =
    tables.length === 0
      ? []
      : await query(
          `WITH sizes AS MATERIALIZED (SELECT schema_name, table_name, estimated_size FROM duckdb_tables() WHERE database_name = current_database()),
                live AS (${live.join(' UNION ALL ')})
           SELECT live.i, live.live_rows, coalesce(sizes.estimated_size, 0) AS stored_rows, d.block_size, d.total_blocks, d.used_blocks, d.free_blocks
             FROM live LEFT JOIN sizes USING (schema_name, table_name)
            CROSS JOIN (SELECT * FROM pragma_database_size() WHERE database_name = current_database()) AS d
            ORDER BY live.i`,
        );
  const size = rows[0] ?? (await query('SELECT block_size, total_blocks, used_blocks, free_blocks FROM pragma_database_size() WHERE database_name = current_database()'))[0] ?? {};
  const measured = new Map<string, { liveRows: number; storedRows: number }>();
  for (const row of rows) {
    const t = tables[Number(row['i'])];
    if (t !== undefined) measured.set(t.key, { liveRows: Number(row['live_rows'] ?? 0), storedRows: Number(row['stored_rows'] ?? 0) });
  }
  return { database: databaseFigures(size, path), tables: measured };
}
