import type { CellValue, ColumnBatch, DatasetSchema } from '@anatomy/schema-authority';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { PlainValue } from './duckdb-value.js';
import type { MaintenanceOutcome } from './maintenance-outcome.js';
import type { StorageSnapshot } from './storage-snapshot.js';
import type { DeferMeasure, PendingWrite, WriteOutcome } from './write-outcome.js';

/** A row read from the store, keyed by column name. */
export type Row = Record<string, PlainValue>;

/** A scalar bound to a query placeholder. */
export type QueryParam = string | number | bigint | boolean | null;

/** Positional or named query parameters. */
export type QueryParams = readonly QueryParam[] | Readonly<Record<string, QueryParam>>;

/** What to materialize: a SELECT and whether it becomes a table or a view. */
export interface MaterializeRequest {
  readonly name: string;
  readonly sql: string;
  readonly as: 'table' | 'view';
  /**
   * A table's rows stored in the order of this column, so the rows of one
   * value sit together and a read of a few values skips the row groups
   * whose statistics rule them out. Ignored for a view.
   */
  readonly clusterBy?: string;
  /**
   * With `clusterBy`: ascending values of that column splitting the table's
   * rows into ranges, each written and sorted by its own statement (the
   * rows below the first value, then each range, then the rows of NULL),
   * so the stored order is the same and a sort holds one range at a time.
   * Only for SQL a filter on the column reaches the scans of, such as a
   * union of plain reads: otherwise every range computes the whole query.
   */
  readonly clusterRanges?: readonly string[];
  /**
   * With `clusterRanges`: before each range's statement, the temporary view
   * `view` is made to hold the rows of `table` (a relation as SQL names it,
   * quoted as needed) in that range (the same filter, on a column of the
   * same name), so SQL reading `view` computes
   * one range from that range's input alone, where a filter on its result
   * would not reach the scans (a grouping, a join). Only for SQL whose rows
   * of a range come from the input rows of that range alone: a view local
   * to the files of that column. The view is dropped after the last range.
   */
  readonly rangeSource?: { readonly table: string; readonly view: string };
  /**
   * With `clusterBy`: write the rows as the SQL yields them, then sort the
   * stored table by a second statement. The table is written twice, but a
   * query that holds much in memory to the end (a materialized CTE, a
   * grouping) no longer holds a sort of all its rows beside it, and a sort
   * of a stored table spills to disk under a memory limit. Ignored with
   * `clusterRanges`.
   */
  readonly sortAfterWrite?: boolean;
  /**
   * What holds the name now, as the caller knows it: a view, a table, or
   * nothing (`null`). Looked up in the catalog when absent, a few
   * milliseconds per write. Given, the write trusts it and fails loudly when
   * it is wrong: over "nothing" or a dropped view it creates the relation
   * without replacing anything, which DuckDB refuses if the name is taken.
   */
  readonly holder?: NameHolder;
}

/** What holds a name in the catalog: a view, a table, or nothing. */
export type NameHolder = 'view' | 'table' | null;

/** Which rows to delete: a schema-qualified table and a SQL condition with bound parameters. */
export interface DeleteRequest {
  readonly table: string;
  /** A boolean SQL expression over the table's columns, e.g. `file_id = ?`. */
  readonly where: string;
  readonly params?: QueryParams;
}

/** Rows to append to a table: a schema-qualified table and a SELECT with bound parameters. */
export interface InsertSelectRequest {
  readonly table: string;
  readonly sql: string;
  readonly params?: QueryParams;
}

/** Rows of a table to replace: the rows `where` picks are deleted, then the rows of `sql` appended. */
export interface ReplaceRowsRequest {
  readonly table: string;
  /** A boolean SQL expression over the table's columns; its parameters are `whereParams`. */
  readonly where: string;
  readonly whereParams?: QueryParams;
  /** A SELECT whose columns match the table's by position; its parameters are `params`. */
  readonly sql: string;
  readonly params?: QueryParams;
}

/** An open DuckDB store. Close it when done; it is unusable afterwards. */
export interface Store {
  readonly path: string;
  readonly readOnly: boolean;
  /** Runs SQL that returns nothing of interest. */
  run(sql: string): Promise<void>;
  /**
   * Runs a query and returns every row as plain data (BIGINT stays bigint).
   * `params` bind `?`/`$1` placeholders (or `$name` with an object) by value,
   * never by splicing text into the SQL.
   */
  query(sql: string, params?: QueryParams): Promise<Row[]>;
  /** Creates a dataset's schema and table unless they exist. */
  ensureDataset(ds: DatasetSchema): Promise<void>;
  /** {@link ensureDataset} for several datasets in one statement (a round trip each cost about a millisecond). */
  ensureDatasets(datasets: readonly DatasetSchema[]): Promise<void>;
  /**
   * Appends a batch to its dataset's table through DuckDB data chunks. Like
   * every write that takes `{ measure: false }`, it then returns a
   * {@link PendingWrite} for `measureWrites` instead of measuring at once.
   */
  ingest(ds: DatasetSchema, batch: ColumnBatch): Promise<WriteOutcome>;
  ingest(ds: DatasetSchema, batch: ColumnBatch, options: DeferMeasure): Promise<PendingWrite>;
  /** Appends rows given as records, checked against the dataset like a batch. */
  ingestRows(ds: DatasetSchema, rows: readonly Readonly<Record<string, CellValue>>[]): Promise<WriteOutcome>;
  /**
   * Replaces a table or view with the result of a SELECT; with
   * `{ measure: false }` its outcome waits for `measureWrites`, its rows
   * inserted already known (those DuckDB reports writing).
   */
  materialize(request: MaterializeRequest): Promise<WriteOutcome>;
  materialize(request: MaterializeRequest, options: DeferMeasure): Promise<PendingWrite>;
  /** Deletes the rows of a table that match a condition. */
  deleteRows(request: DeleteRequest): Promise<WriteOutcome>;
  deleteRows(request: DeleteRequest, options: DeferMeasure): Promise<PendingWrite>;
  /**
   * Appends the rows of a SELECT to an existing table whose columns it
   * matches by position; the outcome is an `ingest` of that many rows.
   */
  insertSelect(request: InsertSelectRequest): Promise<WriteOutcome>;
  insertSelect(request: InsertSelectRequest, options: DeferMeasure): Promise<PendingWrite>;
  /**
   * Deletes the rows a condition picks and appends the rows of a SELECT in
   * one `replace` write, measured once after both (a delete and an insert
   * would measure the table twice, and the first measure is stale at once).
   * The SELECT runs after the delete.
   */
  replaceRows(request: ReplaceRowsRequest): Promise<WriteOutcome>;
  replaceRows(request: ReplaceRowsRequest, options: DeferMeasure): Promise<PendingWrite>;
  /**
   * Completes writes done with `{ measure: false }` into outcomes, in their
   * order, with one query for all of them: each target's live and stored rows
   * and the database's sizes and blocks as they are now, after every write of
   * the list (so the outcomes of two writes to one table report the same
   * counts, those after the later). Every target must still exist.
   */
  measureWrites(writes: readonly PendingWrite[]): Promise<WriteOutcome[]>;
  /**
   * Runs `fn` inside one transaction on the store's connection: everything it
   * wrote becomes visible at once when it resolves, and nothing of it remains
   * when it throws (or when the process dies before the commit).
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Runs `fn` against a fresh generation of the database that starts with
   * every table of the store except those in the `replace` schemas, and
   * swaps it in when `fn` resolves. Unlike one transaction, what `fn` writes
   * is committed as it goes, so DuckDB can spill it under its memory limit;
   * as with one, a throw (or a killed process) before the swap leaves the
   * previous database whole, and after it the new one. A store on a file
   * builds the generation in a file beside it and renames it over the store;
   * an in-memory store, or one open more than once in this process, falls
   * back to one transaction that drops the `replace` schemas first.
   */
  replaceGeneration<T>(replace: readonly string[], fn: () => Promise<T>): Promise<T>;
  /** Runs `fn` on a dedicated connection that is closed afterwards. */
  withConnection<T>(fn: (connection: DuckDBConnection) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` with a second handle on the database this one sees (the
   * generation being built, inside `replaceGeneration`) over a connection of
   * its own, closed afterwards: writes through the two handles may run at the
   * same time, each statement committed on its own. `fn` gets null when this
   * handle is inside a transaction (begun by `transaction`, `replaceGeneration`
   * in memory, or a plain `BEGIN TRANSACTION`), whose uncommitted writes
   * another connection could not see. The lane cannot begin transactions, replace
   * generations or maintain the store.
   */
  withLane<T>(fn: (lane: Store | null) => Promise<T>): Promise<T>;
  /** Measures the database file now, and one table when named. */
  storage(table?: string): Promise<StorageSnapshot>;
  /** Writes the write-ahead log into the database file and empties it. */
  checkpoint(): Promise<MaintenanceOutcome>;
  /**
   * Copies a table's live rows into a fresh table of the same shape and swaps
   * it in within one transaction, then checkpoints, so the deleted rows the
   * old row groups kept are gone from the file.
   */
  rewriteTable(table: string): Promise<MaintenanceOutcome>;
  /** Recomputes the optimizer statistics (ANALYZE) of one table, or of every table. */
  refreshStatistics(table?: string): Promise<MaintenanceOutcome>;
  /**
   * Copies the whole database into a fresh file and swaps it in with an
   * atomic rename, so free blocks leave the file. The store stays open.
   */
  compactDatabase(): Promise<MaintenanceOutcome>;
  close(): Promise<void>;
}
