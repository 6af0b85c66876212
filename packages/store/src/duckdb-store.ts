import { existsSync, rmSync, statSync } from 'node:fs';
import { sqlString, STABLE_ID_MACRO, STABLE_ID_MACRO_SQL } from '@anatomy/contracts';
import { columnBatch, createTableSql, quoteIdentifier } from '@anatomy/schema-authority';
import type { CellValue, ColumnBatch, ColumnType, DatasetSchema } from '@anatomy/schema-authority';
import { BIGINT, BLOB, BOOLEAN, DOUBLE, DuckDBDataChunk, INTEGER, VARCHAR } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBInstance, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { fillChunkColumn } from './chunk-columns.js';
import { toPlainValue } from './duckdb-value.js';
import type { MaintenanceAction, MaintenanceOutcome } from './maintenance-outcome.js';
import { replaceFileAtomically } from './replace-file-atomically.js';
import { nameHolders } from './name-holders.js';
import { measureStorage, measureTables } from './storage-snapshot.js';
import type { StorageSnapshot } from './storage-snapshot.js';
import type { DeleteRequest, InsertSelectRequest, MaterializeRequest, ReplaceRowsRequest, QueryParams, Row, Store } from './store.js';
import { StoreError } from './store-error.js';
import { lockConflict, lockedError } from './store-lock.js';
import { tableCopyDdl } from './table-copy-ddl.js';
import type { DeferMeasure, PendingWrite, WriteOperation, WriteOutcome } from './write-outcome.js';

const CHUNK_ROWS = 2048;

/** The catalog name a store file is attached under (see `STORE_CATALOG`). */
const CATALOG = 'anatomy';

/** The catalog a fresh copy is attached under while the database is compacted. */
const COMPACT_CATALOG = 'anatomy_compact';

/** The catalog a new generation is attached under while it is built. */
const NEXT_CATALOG = 'anatomy_next';

const DUCK_TYPES: Record<ColumnType, DuckDBType> = {
  utf8: VARCHAR,
  int64: BIGINT,
  int32: INTEGER,
  float64: DOUBLE,
  bool: BOOLEAN,
  binary: BLOB,
};

/** `schema.table` split and quoted; a bare name lives in `main`. */
function tableName(name: string): { readonly schema: string; readonly table: string; readonly quoted: string; readonly plain: string } {
  const dot = name.indexOf('.');
  const schema = dot < 0 ? 'main' : name.slice(0, dot);
  const table = dot < 0 ? name : name.slice(dot + 1);
  return { schema, table, quoted: `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`, plain: `${schema}.${table}` };
}

/**
 * The WHERE conditions of a table written range by range (see
 * `MaterializeRequest.clusterRanges`): below the first bound, between each
 * two, from the last, and NULL. Bounds must ascend strictly.
 */
function clusterRangeFilters(column: string, bounds: readonly string[]): string[] {
  for (let i = 1; i < bounds.length; i++) {
    if (!((bounds[i - 1] as string) < (bounds[i] as string))) {
      throw StoreError.create('InvalidOptions', `clusterRanges of ${column} must ascend strictly: ${JSON.stringify(bounds[i - 1])} comes before ${JSON.stringify(bounds[i])}`, {
        hint: 'pass distinct bounds sorted in ascending order, or none to write the table in one statement',
      });
    }
  }
  if (bounds.length === 0) return [];
  const c = quoteIdentifier(column);
  return [
    `${c} < ${sqlString(bounds[0] as string)}`,
    ...bounds.slice(1).map((bound, i) => `${c} >= ${sqlString(bounds[i] as string)} AND ${c} < ${sqlString(bound)}`),
    `${c} >= ${sqlString(bounds[bounds.length - 1] as string)}`,
    `${c} IS NULL`,
  ];
}

function paramsFor(params: QueryParams | undefined): DuckDBValue[] | Record<string, DuckDBValue> | undefined {
  if (params === undefined) return undefined;
  return (Array.isArray(params) ? [...params] : { ...params }) as DuckDBValue[] | Record<string, DuckDBValue>;
}

/** How the process-wide registry of open files lets a store know whether it is alone on its file. */
export interface InstanceShare {
  /** Stores of this process currently open on the file, this one included. */
  users(): number;
  /** Gives up this store's use of the instance; closes it when it was the last. */
  release(): void;
}

/** The store over one DuckDB connection; made by `openStore`. */
export class DuckDbStore implements Store {
  #closed = false;
  #inTransaction = false;
  /** Inside `replaceGeneration`: the store's catalog is not the one being written. */
  #building = false;
  #openConnections = 0;
  /** A second handle made by `withLane`: no transactions, generations or maintenance. */
  #lane = false;

  constructor(
    readonly path: string,
    readonly readOnly: boolean,
    private readonly inMemory: boolean,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly share: InstanceShare,
  ) {}

  #assertOpen(): void {
    if (this.#closed) throw StoreError.create('Closed', `the store ${this.path} is closed`, { hint: 'open it again with openStore' });
  }

  #queryFailed(error: unknown, sql: string): Error {
    return StoreError.create('QueryFailed', `${(error as Error).message}\n  in: ${sql.slice(0, 500)}`, { cause: error, details: { sql } });
  }

  async run(sql: string): Promise<void> {
    this.#assertOpen();
    try {
      await this.connection.run(sql);
    } catch (error) {
      throw this.#queryFailed(error, sql);
    }
  }

  async query(sql: string, params?: QueryParams): Promise<Row[]> {
    this.#assertOpen();
    try {
      const values = paramsFor(params);
      const reader = values === undefined ? await this.connection.runAndReadAll(sql) : await this.connection.runAndReadAll(sql, values);
      const names = reader.columnNames();
      return reader.getRows().map((cells) => {
        const row: Row = {};
        names.forEach((name, i) => {
          row[name] = toPlainValue(cells[i] ?? null);
        });
        return row;
      });
    } catch (error) {
      throw this.#queryFailed(error, sql);
    }
  }

  async ensureDataset(ds: DatasetSchema): Promise<void> {
    await this.run(createTableSql(ds));
  }

  async ensureDatasets(datasets: readonly DatasetSchema[]): Promise<void> {
    if (datasets.length > 0) await this.run(datasets.map(createTableSql).join('\n'));
  }

  async ingest(ds: DatasetSchema, batch: ColumnBatch): Promise<WriteOutcome>;
  async ingest(ds: DatasetSchema, batch: ColumnBatch, options: DeferMeasure): Promise<PendingWrite>;
  async ingest(ds: DatasetSchema, batch: ColumnBatch, options?: DeferMeasure): Promise<WriteOutcome | PendingWrite> {
    this.#assertOpen();
    const started = performance.now();
    const { schema, table } = tableName(ds.name);
    const types = ds.columns.map((c) => DUCK_TYPES[c.type]);
    try {
      const appender = await this.connection.createAppender(table, schema);
      try {
        for (let offset = 0; offset < batch.rowCount; offset += CHUNK_ROWS) {
          const count = Math.min(CHUNK_ROWS, batch.rowCount - offset);
          const chunk = DuckDBDataChunk.create(types, count);
          ds.columns.forEach((col, i) => fillChunkColumn(chunk, i, col.type, batch.columns[col.name] ?? [], offset, count));
          appender.appendDataChunk(chunk);
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
    } catch (error) {
      throw StoreError.create('IngestFailed', `cannot append to ${ds.name}: ${(error as Error).message}`, {
        cause: error,
        // A value that does not fit its column is the producer's fault, not the table's.
        hint:
          error instanceof RangeError
            ? `build the batch with columnBatch, which checks each value against ${ds.name}'s column types`
            : 'the table may predate this schema version; rebuild with a fresh store',
      });
    }
    return this.#written(options, ds.name, 'ingest', batch.rowCount, 0, started);
  }

  async ingestRows(ds: DatasetSchema, rows: readonly Readonly<Record<string, CellValue>>[]): Promise<WriteOutcome> {
    const names = new Set(ds.columns.map((c) => c.name));
    for (const row of rows) for (const name of Object.keys(row)) names.add(name);
    // Undefined (a missing member) is left in place so the batch check names the row and column.
    const columns = Object.fromEntries([...names].map((name) => [name, rows.map((row) => row[name] as CellValue)]));
    return this.ingest(ds, columnBatch(ds, columns));
  }

  async materialize(request: MaterializeRequest): Promise<WriteOutcome>;
  async materialize(request: MaterializeRequest, options: DeferMeasure): Promise<PendingWrite>;
  async materialize(request: MaterializeRequest, options?: DeferMeasure): Promise<WriteOutcome | PendingWrite> {
    this.#assertOpen();
    const started = performance.now();
    const name = tableName(request.name);
    const ranges = request.as === 'table' && request.clusterBy !== undefined ? clusterRangeFilters(request.clusterBy, request.clusterRanges ?? []) : [];
    // What holds the name (a view to drop, a table whose rows are replaced): as the caller says, or one
    // catalog lookup of a few milliseconds, which a build saves by asking for all its views at once.
    const type = request.holder !== undefined ? request.holder : ((await nameHolders(this, [name.plain])).get(name.plain) ?? null);
    // A schema holding the name exists already.
    if (request.name.includes('.') && type === null) await this.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(name.schema)}`);
    const before = type === 'table' ? await this.#count(name.quoted) : 0;
    // CREATE OR REPLACE cannot turn a view into a table or back: drop the other kind first.
    if (request.as === 'table' && type === 'view') await this.run(`DROP VIEW ${name.quoted}`);
    if (request.as === 'view' && type === 'table') await this.run(`DROP TABLE ${name.quoted}`);
    // Where nothing of this kind holds the name (as looked up, or as the caller says), nothing is replaced:
    // a caller mistaken about it gets DuckDB's refusal rather than a table replaced unseen.
    const create = (kind: 'TABLE' | 'VIEW'): string => (type === kind.toLowerCase() ? `CREATE OR REPLACE ${kind}` : `CREATE ${kind}`);
    if (ranges.length > 0 && request.clusterBy !== undefined) {
      // One statement per range: outside a transaction each commits on its own, and DuckDB can evict what it wrote.
      const column = quoteIdentifier(request.clusterBy);
      const source = request.rangeSource;
      let inserted = 0;
      try {
        for (const [i, where] of ranges.entries()) {
          if (source !== undefined) await this.run(`CREATE OR REPLACE TEMP VIEW ${quoteIdentifier(source.view)} AS SELECT * FROM ${source.table} WHERE ${where}`);
          const rows = `SELECT * FROM (${request.sql}) AS anatomy_rows WHERE ${where} ORDER BY ${column}`;
          inserted += await this.#rowsWritten(i === 0 ? `${create('TABLE')} ${name.quoted} AS ${rows}` : `INSERT INTO ${name.quoted} ${rows}`);
        }
      } finally {
        if (source !== undefined) await this.run(`DROP VIEW IF EXISTS ${quoteIdentifier(source.view)}`).catch(() => undefined);
      }
      return this.#written(options, request.name, 'materialize-table', inserted, before, started);
    }
    if (request.as === 'table' && request.clusterBy !== undefined && request.sortAfterWrite === true) {
      await this.run(`${create('TABLE')} ${name.quoted} AS ${request.sql}`);
      const inserted = await this.#rowsWritten(`CREATE OR REPLACE TABLE ${name.quoted} AS SELECT * FROM ${name.quoted} ORDER BY ${quoteIdentifier(request.clusterBy)}`);
      return this.#written(options, request.name, 'materialize-table', inserted, before, started);
    }
    const sql = request.as === 'table' && request.clusterBy !== undefined ? `SELECT * FROM (${request.sql}) AS anatomy_rows ORDER BY ${quoteIdentifier(request.clusterBy)}` : request.sql;
    if (request.as === 'view') {
      await this.run(`${create('VIEW')} ${name.quoted} AS ${sql}`);
      return this.#written(options, request.name, 'materialize-view', 0, 0, started);
    }
    const inserted = await this.#rowsWritten(`${create('TABLE')} ${name.quoted} AS ${sql}`);
    return this.#written(options, request.name, 'materialize-table', inserted, before, started);
  }

  async deleteRows(request: DeleteRequest): Promise<WriteOutcome>;
  async deleteRows(request: DeleteRequest, options: DeferMeasure): Promise<PendingWrite>;
  async deleteRows(request: DeleteRequest, options?: DeferMeasure): Promise<WriteOutcome | PendingWrite> {
    this.#assertOpen();
    const started = performance.now();
    const deleted = await this.#rowsChanged(`DELETE FROM ${tableName(request.table).quoted} WHERE ${request.where}`, request.params);
    return this.#written(options, request.table, 'delete', 0, deleted, started);
  }

  async insertSelect(request: InsertSelectRequest): Promise<WriteOutcome>;
  async insertSelect(request: InsertSelectRequest, options: DeferMeasure): Promise<PendingWrite>;
  async insertSelect(request: InsertSelectRequest, options?: DeferMeasure): Promise<WriteOutcome | PendingWrite> {
    this.#assertOpen();
    const started = performance.now();
    const inserted = await this.#rowsChanged(`INSERT INTO ${tableName(request.table).quoted} ${request.sql}`, request.params);
    return this.#written(options, request.table, 'ingest', inserted, 0, started);
  }

  async replaceRows(request: ReplaceRowsRequest): Promise<WriteOutcome>;
  async replaceRows(request: ReplaceRowsRequest, options: DeferMeasure): Promise<PendingWrite>;
  async replaceRows(request: ReplaceRowsRequest, options?: DeferMeasure): Promise<WriteOutcome | PendingWrite> {
    this.#assertOpen();
    const started = performance.now();
    const target = tableName(request.table).quoted;
    const deleted = await this.#rowsChanged(`DELETE FROM ${target} WHERE ${request.where}`, request.whereParams);
    const inserted = await this.#rowsChanged(`INSERT INTO ${target} ${request.sql}`, request.params);
    return this.#written(options, request.table, 'replace', inserted, deleted, started);
  }

  async measureWrites(writes: readonly PendingWrite[]): Promise<WriteOutcome[]> {
    this.#assertOpen();
    return writes.length === 0 ? [] : this.#completed(writes);
  }

  /** A write's result: measured now, or (with `{ measure: false }`) pending for {@link measureWrites}. */
  #written(options: DeferMeasure | undefined, target: string, operation: PendingWrite['operation'], inserted: number, deleted: number, started: number): Promise<WriteOutcome> | PendingWrite {
    if (options?.measure !== false) return this.#outcome(target, operation, inserted, deleted, started);
    return Object.freeze({ target, operation, rowsInserted: inserted, rowsDeleted: deleted, durationMs: performance.now() - started });
  }

  /**
   * Runs one CREATE TABLE AS or INSERT and returns the rows it wrote, which
   * DuckDB reports as the statement's one-row `Count` result: no second
   * query counts the new table.
   */
  async #rowsWritten(sql: string): Promise<number> {
    try {
      const reader = await this.connection.runAndReadAll(sql);
      return Number(reader.getRows()[0]?.[0] ?? 0);
    } catch (error) {
      throw this.#queryFailed(error, sql);
    }
  }

  /** Runs one DELETE, INSERT or UPDATE with bound parameters and returns the rows it changed. */
  async #rowsChanged(sql: string, params: QueryParams | undefined): Promise<number> {
    try {
      const values = paramsFor(params);
      return (values === undefined ? await this.connection.run(sql) : await this.connection.run(sql, values)).rowsChanged;
    } catch (error) {
      throw this.#queryFailed(error, sql);
    }
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    this.#assertNotLane('begin a transaction');
    await this.run('BEGIN TRANSACTION');
    this.#inTransaction = true;
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      this.#inTransaction = false;
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
    this.#inTransaction = false;
    await this.run('COMMIT');
    return result;
  }

  async replaceGeneration<T>(replace: readonly string[], fn: () => Promise<T>): Promise<T> {
    this.#assertOpen();
    this.#assertNotLane('replace the database');
    if (this.readOnly) {
      throw StoreError.create('ReadOnly', `cannot replace the database of ${this.path}: it is open read-only`, { hint: 'open it for writing' });
    }
    const dropReplaced = async (): Promise<void> => {
      for (const schema of replace) await this.run(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
    };
    if (this.inMemory || this.share.users() > 1 || this.#openConnections > 0) {
      return this.transaction(async () => {
        await dropReplaced();
        return fn();
      });
    }
    const next = `${this.path}.next`;
    for (const stale of [next, `${next}.wal`]) rmSync(stale, { force: true });
    const query = (sql: string, params?: readonly string[]): Promise<Row[]> => this.query(sql, params);
    const kept = await this.query(
      `SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = '${CATALOG}'${replace.length === 0 ? '' : ` AND schema_name NOT IN (${replace.map(sqlString).join(', ')})`} ORDER BY schema_name, table_name`,
    );
    const copies = await Promise.all(kept.map(async (t) => ({ schema: String(t['schema_name']), table: String(t['table_name']), ddl: await tableCopyDdl(query, String(t['schema_name']), String(t['table_name']), String(t['table_name'])) })));
    await this.run(`ATTACH ${sqlString(next)} AS ${NEXT_CATALOG}`);
    this.#building = true;
    let result: T;
    try {
      await this.run(`USE ${NEXT_CATALOG}`);
      await this.run(STABLE_ID_MACRO_SQL);
      for (const copy of copies) {
        const quoted = `${quoteIdentifier(copy.schema)}.${quoteIdentifier(copy.table)}`;
        await this.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(copy.schema)}`);
        await this.run(copy.ddl);
        await this.run(`INSERT INTO ${quoted} SELECT * FROM ${CATALOG}.${quoted}`);
      }
      result = await fn();
      await this.run(`CHECKPOINT ${NEXT_CATALOG}`);
      await this.run(`USE ${CATALOG}`);
      await this.run(`DETACH ${NEXT_CATALOG}`);
    } catch (error) {
      this.#building = false;
      await this.connection.run(`USE ${CATALOG}`).catch(() => undefined);
      await this.connection.run(`DETACH DATABASE IF EXISTS ${NEXT_CATALOG}`).catch(() => undefined);
      rmSync(next, { force: true });
      rmSync(`${next}.wal`, { force: true });
      throw error;
    }
    this.#building = false;
    await this.#swapIn(next);
    return result;
  }

  async withConnection<T>(fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    this.#assertOpen();
    const connection = await this.instance.connect();
    this.#openConnections += 1;
    try {
      if (!this.inMemory) await connection.run(`USE ${CATALOG}`);
      return await fn(connection);
    } finally {
      this.#openConnections -= 1;
      connection.closeSync();
    }
  }

  async withLane<T>(fn: (lane: Store | null) => Promise<T>): Promise<T> {
    this.#assertOpen();
    this.#assertNotLane('open a lane');
    // An in-memory store builds a generation inside a transaction too; a caller may also have begun one with a plain BEGIN.
    if (this.#inTransaction || (await this.#inOpenTransaction())) return fn(null);
    const connection = await this.instance.connect();
    this.#openConnections += 1;
    // Never the last user of the instance: closing the lane neither checkpoints nor closes it.
    const lane = new DuckDbStore(this.path, this.readOnly, this.inMemory, this.instance, connection, { users: () => 2, release: () => undefined });
    lane.#building = this.#building;
    lane.#lane = true;
    try {
      if (!this.inMemory) await connection.run(`USE ${this.#building ? NEXT_CATALOG : CATALOG}`);
      return await fn(lane);
    } finally {
      this.#openConnections -= 1;
      await lane.close();
    }
  }

  /**
   * Whether the connection is inside a transaction begun by a statement
   * (`BEGIN TRANSACTION` through `run`) rather than by `transaction`: DuckDB
   * then answers `txid_current()` with one id, where each autocommitted
   * statement gets a new one.
   */
  async #inOpenTransaction(): Promise<boolean> {
    const id = async (): Promise<string> => String((await this.query('SELECT txid_current() AS id'))[0]?.['id']);
    return (await id()) === (await id());
  }

  async storage(table?: string): Promise<StorageSnapshot> {
    this.#assertOpen();
    const query = (sql: string, params?: readonly string[]): Promise<Row[]> => this.query(sql, params);
    const file = this.#fileBeingWritten();
    if (table === undefined) return measureStorage(query, file);
    const name = tableName(table);
    if ((await this.#tableExists(name.schema, name.table)) === false) {
      throw StoreError.create('UnknownTable', `there is no table ${name.plain}`, { hint: 'name an existing table as schema.table' });
    }
    return measureStorage(query, file, { name: name.plain, quoted: name.quoted });
  }

  async checkpoint(): Promise<MaintenanceOutcome> {
    this.#assertMaintainable('checkpoint');
    return this.#measured('checkpoint', undefined, () => this.run(this.inMemory ? 'CHECKPOINT' : `CHECKPOINT ${CATALOG}`));
  }

  async rewriteTable(table: string): Promise<MaintenanceOutcome> {
    this.#assertMaintainable('rewrite-table');
    const name = tableName(table);
    const copy = `${name.table}__anatomy_rewrite`;
    const quotedCopy = `${quoteIdentifier(name.schema)}.${quoteIdentifier(copy)}`;
    return this.#measured('rewrite-table', name.plain, async () => {
      const query = (sql: string, params?: readonly string[]): Promise<Row[]> => this.query(sql, params);
      const ddl = await tableCopyDdl(query, name.schema, name.table, copy);
      await this.transaction(async () => {
        await this.run(ddl);
        await this.run(`INSERT INTO ${quotedCopy} SELECT * FROM ${name.quoted}`);
        // Checked before the old table goes, so a mismatch rolls everything back.
        const [original, copied] = [await this.#count(name.quoted), await this.#count(quotedCopy)];
        if (original !== copied) {
          throw StoreError.create('MaintenanceFailed', `rewriting ${name.plain} copied ${copied} of its ${original} rows`, {
            hint: 'nothing was changed; report this as a bug with the DuckDB version',
          });
        }
        await this.run(`DROP TABLE ${name.quoted}`);
        await this.run(`ALTER TABLE ${quotedCopy} RENAME TO ${quoteIdentifier(name.table)}`);
      });
      // The old row groups only leave the file at a checkpoint.
      await this.run(this.inMemory ? 'CHECKPOINT' : `CHECKPOINT ${CATALOG}`);
    });
  }

  async refreshStatistics(table?: string): Promise<MaintenanceOutcome> {
    this.#assertMaintainable('refresh-statistics');
    const name = table === undefined ? undefined : tableName(table);
    return this.#measured('refresh-statistics', name?.plain, () => this.run(name === undefined ? 'ANALYZE' : `ANALYZE ${name.quoted}`));
  }

  async compactDatabase(): Promise<MaintenanceOutcome> {
    this.#assertMaintainable('compact-database');
    if (this.inMemory) {
      throw StoreError.create('MaintenanceFailed', 'an in-memory store has no file to compact', { hint: 'compact stores opened from a file' });
    }
    if (this.share.users() > 1 || this.#openConnections > 0) {
      throw StoreError.create('Busy', `the store ${this.path} is open more than once in this process, so its file cannot be swapped`, {
        hint: 'close the other handles (and finish withConnection callbacks) before compacting',
      });
    }
    return this.#measured('compact-database', undefined, () => this.#compact());
  }

  /**
   * Copies every object into a fresh file, then swaps files with a rename.
   * Until the rename the old file is untouched; after it the new file is
   * complete. A kill at any moment leaves one whole database at the path
   * (plus, at worst, a stale copy that the next compaction removes).
   */
  async #compact(): Promise<void> {
    const fresh = `${this.path}.compact`;
    for (const stale of [fresh, `${fresh}.wal`]) rmSync(stale, { force: true });
    await this.run(`CHECKPOINT ${CATALOG}`);
    // The copy keeps the file's storage version: compaction changes no reader's ability to open it.
    const [version] = await this.query(`SELECT map_extract_value(tags, 'storage_version') AS v FROM duckdb_databases() WHERE database_name = '${CATALOG}'`);
    const storage = /^v\d+\.\d+\.\d+/.exec(String(version?.['v'] ?? ''))?.[0];
    await this.run(`ATTACH ${sqlString(fresh)} AS ${COMPACT_CATALOG}${storage === undefined ? '' : ` (STORAGE_VERSION ${sqlString(storage)})`}`);
    try {
      await this.run(`COPY FROM DATABASE ${CATALOG} TO ${COMPACT_CATALOG}`);
      const tables = await this.query(
        `SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = '${CATALOG}' ORDER BY schema_name, table_name`,
      );
      for (const t of tables) {
        const [schema, table] = [quoteIdentifier(String(t['schema_name'])), quoteIdentifier(String(t['table_name']))];
        const counts = await this.query(
          `SELECT (SELECT count(*) FROM ${CATALOG}.${schema}.${table}) AS original, (SELECT count(*) FROM ${COMPACT_CATALOG}.${schema}.${table}) AS copied`,
        );
        if (counts[0]?.['original'] !== counts[0]?.['copied']) {
          throw StoreError.create('MaintenanceFailed', `compaction copied ${String(counts[0]?.['copied'])} of ${String(counts[0]?.['original'])} rows of ${String(t['schema_name'])}.${String(t['table_name'])}`, {
            hint: 'the store was left as it was; report this as a bug with the DuckDB version',
          });
        }
      }
      await this.run(`DETACH ${COMPACT_CATALOG}`);
    } catch (error) {
      await this.connection.run(`DETACH DATABASE IF EXISTS ${COMPACT_CATALOG}`).catch(() => undefined);
      rmSync(fresh, { force: true });
      rmSync(`${fresh}.wal`, { force: true });
      throw error;
    }
    await this.#swapIn(fresh);
  }

  /**
   * Puts a finished, detached database file in place of the store's file and
   * attaches it again. Until the rename the old file is whole (its WAL is
   * emptied first), after it the new one is.
   */
  async #swapIn(fresh: string): Promise<void> {
    if (existsSync(`${fresh}.wal`)) {
      rmSync(fresh, { force: true });
      throw StoreError.create('MaintenanceFailed', `the new copy of ${this.path} kept a write-ahead log after it was closed`, {
        hint: 'the store was left as it was; retry, and report this if it repeats',
      });
    }
    // Detaching checkpoints the old file and removes its WAL, so nothing could replay onto the new one.
    await this.run('USE memory');
    await this.run(`DETACH ${CATALOG}`);
    if (existsSync(`${this.path}.wal`) && statSync(`${this.path}.wal`).size > 0) {
      await this.#reattach();
      rmSync(fresh, { force: true });
      throw StoreError.create('MaintenanceFailed', `${this.path} still had a write-ahead log after it was closed`, {
        hint: 'the store was left as it was; retry, and report this if it repeats',
      });
    }
    rmSync(`${this.path}.wal`, { force: true });
    replaceFileAtomically(fresh, this.path);
    await this.#reattach();
  }

  async #reattach(): Promise<void> {
    try {
      await this.connection.run(`ATTACH ${sqlString(this.path)} AS ${CATALOG}`);
    } catch (error) {
      this.#closed = true;
      const conflict = lockConflict(error);
      if (conflict !== null) throw lockedError(this.path, false, conflict, null, error);
      throw StoreError.create('OpenFailed', `cannot reopen ${this.path} after compacting it: ${(error as Error).message}`, {
        cause: error,
        hint: 'the compacted file is complete; open the store again',
      });
    }
    await this.run(`USE ${CATALOG}`);
    // COPY FROM DATABASE carries macros over; creating it again would only add to the fresh WAL.
    const macro = await this.query('SELECT count(*) AS n FROM duckdb_functions() WHERE database_name = ? AND function_name = ?', [CATALOG, STABLE_ID_MACRO]);
    if (Number(macro[0]?.['n'] ?? 0) === 0) await this.run(STABLE_ID_MACRO_SQL);
  }

  #assertMaintainable(action: MaintenanceAction): void {
    this.#assertOpen();
    this.#assertNotLane(action);
    if (this.readOnly) {
      throw StoreError.create('ReadOnly', `cannot ${action} the store ${this.path}: it is open read-only`, { hint: 'open it for writing to maintain it' });
    }
    if (this.#inTransaction || this.#building) {
      throw StoreError.create('Busy', `cannot ${action} inside a transaction`, { hint: 'run maintenance after the transaction commits' });
    }
  }

  async #measured(action: MaintenanceAction, table: string | undefined, act: () => Promise<void>): Promise<MaintenanceOutcome> {
    const before = await this.storage(table);
    const started = performance.now();
    await act();
    const durationMs = performance.now() - started;
    const after = await this.storage(table);
    return Object.freeze({ action, table: table ?? null, before, after, durationMs });
  }

  /** A lane shares the database with the handle that made it: what only that handle may do, the lane refuses. */
  #assertNotLane(action: string): void {
    if (!this.#lane) return;
    throw StoreError.create('Busy', `cannot ${action} through a lane of the store ${this.path}`, {
      hint: 'do it through the handle that made the lane, after withLane returns',
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (!this.readOnly && !this.inMemory && this.share.users() === 1) await this.connection.run(`CHECKPOINT ${CATALOG}`);
    } finally {
      this.connection.closeSync();
      this.share.release();
    }
  }

  /** The database file writes go to: null in memory; while a new generation is built, the one beside the store. */
  #fileBeingWritten(): string | null {
    return this.inMemory ? null : this.#building ? `${this.path}.next` : this.path;
  }

  async #tableExists(schema: string, table: string): Promise<boolean> {
    const rows = await this.query('SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ? AND table_name = ?', [schema, table]);
    return Number(rows[0]?.['n'] ?? 0) > 0;
  }

  async #count(quoted: string): Promise<number> {
    const rows = await this.query(`SELECT count(*) AS n FROM ${quoted}`);
    return Number(rows[0]?.['n'] ?? 0);
  }

  async #outcome(target: string, operation: WriteOperation, inserted: number, deleted: number, started: number): Promise<WriteOutcome> {
    const [outcome] = await this.#completed([{ target, operation, rowsInserted: inserted, rowsDeleted: deleted, durationMs: performance.now() - started }]);
    return outcome as WriteOutcome;
  }

  /**
   * Writes completed into outcomes with one measuring query: each written
   * table's live and stored rows (a view has none) and the database's
   * figures, as they are now.
   */
  async #completed(writes: readonly PendingWrite[]): Promise<WriteOutcome[]> {
    const query = (sql: string, params?: readonly string[]): Promise<Row[]> => this.query(sql, params);
    const tables = [...new Set(writes.filter((w) => w.operation !== 'materialize-view').map((w) => w.target))].map((key) => ({ key, ...tableName(key) }));
    const measured = await measureTables(query, this.#fileBeingWritten(), tables);
    return writes.map((w) => {
      const table = measured.tables.get(w.target) ?? { liveRows: 0, storedRows: 0 };
      return Object.freeze({
        target: w.target,
        operation: w.operation,
        rowsInserted: w.rowsInserted,
        rowsDeleted: w.rowsDeleted,
        tableRowCount: table.liveRows,
        storedRowCount: table.storedRows,
        durationMs: w.durationMs,
        ...measured.database,
      });
    });
  }

}
