import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { STABLE_ID_MACRO_SQL } from '@anatomy/contracts';
import { createTableSql } from '@anatomy/schema-authority';
import type { ColumnBatch, ColumnType, DatasetSchema } from '@anatomy/schema-authority';
import { BIGINT, BLOB, BOOLEAN, DOUBLE, DuckDBBlobValue, DuckDBDataChunk, DuckDBInstance, INTEGER, VARCHAR } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { toPlainValue } from './duckdb-value.js';
import type { PlainValue } from './duckdb-value.js';
import { StoreError } from './store-error.js';
import type { WriteOutcome } from './write-outcome.js';

/** A row read from the store, keyed by column name. */
export type Row = Record<string, PlainValue>;

/** A scalar bound to a query placeholder. */
export type QueryParam = string | number | bigint | boolean | null;

/** Positional or named query parameters. */
export type QueryParams = readonly QueryParam[] | Readonly<Record<string, QueryParam>>;

/** Where and how to open a store. */
export interface StoreOptions {
  /** Path of the DuckDB file, or `:memory:`. */
  readonly path: string;
  readonly readOnly?: boolean;
  /** DuckDB worker threads; DuckDB's default (all cores) when absent. */
  readonly threads?: number;
}

/** What to materialize: a SELECT and whether it becomes a table or a view. */
export interface MaterializeRequest {
  readonly name: string;
  readonly sql: string;
  readonly as: 'table' | 'view';
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
  /** Appends a batch to its dataset's table through DuckDB data chunks. */
  ingest(ds: DatasetSchema, batch: ColumnBatch): Promise<WriteOutcome>;
  /** Replaces a table or view with the result of a SELECT. */
  materialize(request: MaterializeRequest): Promise<WriteOutcome>;
  /**
   * Runs `fn` inside one transaction on the store's connection: everything it
   * wrote becomes visible at once when it resolves, and nothing of it remains
   * when it throws (or when the process dies before the commit).
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Runs `fn` on a dedicated connection that is closed afterwards. */
  withConnection<T>(fn: (connection: DuckDBConnection) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const CHUNK_ROWS = 2048;

/**
 * Open stores per database file in this process: every opener of a file
 * shares one instance, which is closed when its last user closes so that the
 * file lock is released for other processes.
 */
const openInstances = new Map<string, { instance: DuckDBInstance; users: number; readOnly: boolean }>();

const DUCK_TYPES: Record<ColumnType, DuckDBType> = {
  utf8: VARCHAR,
  int64: BIGINT,
  int32: INTEGER,
  float64: DOUBLE,
  bool: BOOLEAN,
  binary: BLOB,
};

function toDuckValue(type: ColumnType, value: unknown): DuckDBValue {
  if (value === null || value === undefined) return null;
  if (type === 'int64') return typeof value === 'bigint' ? value : BigInt(value as number);
  if (type === 'binary') return new DuckDBBlobValue(value as Uint8Array);
  return value as DuckDBValue;
}

function isLockError(error: unknown): boolean {
  return error instanceof Error && /lock/i.test(error.message);
}

/**
 * Opens (creating if needed) the DuckDB file of a store. Extension
 * auto-install is disabled — Anatomy never reaches the network — and the
 * stable-id macro is installed so SQL built with `stableIdSql` runs.
 *
 * @example
 * const store = await openStore({ path: 'repo/.anatomy/anatomy.duckdb' });
 * try { await store.query('SELECT count(*) AS n FROM cpg.nodes'); } finally { await store.close(); }
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  const inMemory = options.path === ':memory:';
  // One spelling per file, so one process never holds two instances on it.
  const path = inMemory ? options.path : resolve(options.path);
  const readOnly = options.readOnly ?? false;
  if (!inMemory && !readOnly) mkdirSync(dirname(path), { recursive: true });
  const config: Record<string, string> = { autoinstall_known_extensions: 'false', autoload_known_extensions: 'true' };
  if (options.threads !== undefined) config['threads'] = String(options.threads);
  const instance = inMemory ? await DuckDBInstance.create(':memory:', config) : await sharedInstance(path, readOnly, config);
  const connection = await instance.connect();
  if (!inMemory) await connection.run(`USE ${STORE_CATALOG}`);
  await connection.run(readOnly ? STABLE_ID_MACRO_SQL.replace('CREATE OR REPLACE MACRO', 'CREATE OR REPLACE TEMP MACRO') : STABLE_ID_MACRO_SQL);
  return new DuckDbStore(path, readOnly, inMemory, instance, connection);
}

/**
 * The catalog name a store file is attached under. DuckDB would otherwise
 * name the database after the file, and a file called `cpg.duckdb` would make
 * `cpg.nodes` ambiguous between the catalog and the schema.
 */
export const STORE_CATALOG = 'anatomy';

/**
 * The one instance of this process that has the file attached as
 * {@link STORE_CATALOG}, created on first use.
 */
async function sharedInstance(path: string, readOnly: boolean, config: Record<string, string>): Promise<DuckDBInstance> {
  const entry = openInstances.get(path);
  if (entry !== undefined) {
    if (entry.readOnly !== readOnly) {
      throw StoreError.create('OpenFailed', `the store ${path} is already open ${entry.readOnly ? 'read-only' : 'for writing'} in this process`, {
        hint: 'close the other handle first, or open this one the same way',
      });
    }
    entry.users += 1;
    return entry.instance;
  }
  const instance = await DuckDBInstance.create(':memory:', config);
  const setup = await instance.connect();
  try {
    await setup.run(`ATTACH '${path.replaceAll("'", "''")}' AS ${STORE_CATALOG}${readOnly ? ' (READ_ONLY)' : ''}`);
  } catch (error) {
    setup.closeSync();
    instance.closeSync();
    if (isLockError(error)) {
      throw StoreError.create('Locked', `the store ${path} is in use by another process`, {
        cause: error,
        hint: 'wait for the other anatomy command to finish, or point --store at another file',
      });
    }
    throw StoreError.create('OpenFailed', `cannot open the store ${path}: ${(error as Error).message}`, {
      cause: error,
      hint: readOnly
        ? 'check that the path exists and is a DuckDB database written by anatomy build'
        : 'check that the path is writable and is a DuckDB database (delete the .anatomy folder to start over)',
    });
  }
  setup.closeSync();
  openInstances.set(path, { instance, users: 1, readOnly });
  return instance;
}

class DuckDbStore implements Store {
  #closed = false;

  constructor(
    readonly path: string,
    readonly readOnly: boolean,
    private readonly inMemory: boolean,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  #assertOpen(): void {
    if (this.#closed) throw StoreError.create('Closed', `the store ${this.path} is closed`, { hint: 'open it again with openStore' });
  }

  async run(sql: string): Promise<void> {
    this.#assertOpen();
    try {
      await this.connection.run(sql);
    } catch (error) {
      throw StoreError.create('QueryFailed', `${(error as Error).message}\n  in: ${sql.slice(0, 500)}`, { cause: error, details: { sql } });
    }
  }

  async query(sql: string, params?: QueryParams): Promise<Row[]> {
    this.#assertOpen();
    try {
      const reader =
        params === undefined
          ? await this.connection.runAndReadAll(sql)
          : await this.connection.runAndReadAll(sql, (Array.isArray(params) ? [...params] : { ...params }) as DuckDBValue[] | Record<string, DuckDBValue>);
      const names = reader.columnNames();
      return reader.getRows().map((values) => {
        const row: Row = {};
        names.forEach((name, i) => {
          row[name] = toPlainValue(values[i] ?? null);
        });
        return row;
      });
    } catch (error) {
      throw StoreError.create('QueryFailed', `${(error as Error).message}\n  in: ${sql.slice(0, 500)}`, { cause: error, details: { sql } });
    }
  }

  async ensureDataset(ds: DatasetSchema): Promise<void> {
    await this.run(createTableSql(ds));
  }

  async ingest(ds: DatasetSchema, batch: ColumnBatch): Promise<WriteOutcome> {
    this.#assertOpen();
    const started = performance.now();
    const [schema, table] = ds.name.split('.') as [string, string];
    const types = ds.columns.map((c) => DUCK_TYPES[c.type]);
    try {
      const appender = await this.connection.createAppender(table, schema);
      try {
        for (let offset = 0; offset < batch.rowCount; offset += CHUNK_ROWS) {
          const count = Math.min(CHUNK_ROWS, batch.rowCount - offset);
          const chunk = DuckDBDataChunk.create(types, count);
          ds.columns.forEach((col, i) => {
            const values = batch.columns[col.name] ?? [];
            const slice: DuckDBValue[] = new Array<DuckDBValue>(count);
            for (let r = 0; r < count; r++) slice[r] = toDuckValue(col.type, values[offset + r]);
            chunk.setColumnValues(i, slice);
          });
          appender.appendDataChunk(chunk);
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
    } catch (error) {
      throw StoreError.create('IngestFailed', `cannot append to ${ds.name}: ${(error as Error).message}`, {
        cause: error,
        hint: 'the table may predate this schema version; rebuild with a fresh store',
      });
    }
    return this.#outcome(ds.name, 'ingest', batch.rowCount, 0, started);
  }

  async materialize(request: MaterializeRequest): Promise<WriteOutcome> {
    this.#assertOpen();
    const started = performance.now();
    const target = request.name.split('.').map((p) => `"${p.replaceAll('"', '""')}"`).join('.');
    const schema = request.name.includes('.') ? request.name.slice(0, request.name.indexOf('.')) : undefined;
    if (schema !== undefined) await this.run(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const before = await this.#existingRowCount(request.name);
    await this.run(`CREATE OR REPLACE ${request.as === 'table' ? 'TABLE' : 'VIEW'} ${target} AS ${request.sql}`);
    if (request.as === 'view') return this.#outcome(request.name, 'materialize-view', 0, 0, started);
    const inserted = await this.#count(target);
    return this.#outcome(request.name, 'materialize-table', inserted, before, started);
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.run('BEGIN TRANSACTION');
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
    await this.run('COMMIT');
    return result;
  }

  async withConnection<T>(fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    this.#assertOpen();
    const connection = await this.instance.connect();
    try {
      if (!this.inMemory) await connection.run(`USE ${STORE_CATALOG}`);
      return await fn(connection);
    } finally {
      connection.closeSync();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.readOnly && !this.inMemory) await this.connection.run('CHECKPOINT');
    this.connection.closeSync();
    if (this.inMemory) {
      this.instance.closeSync();
      return;
    }
    const entry = openInstances.get(this.path);
    if (entry !== undefined && entry.instance === this.instance) {
      entry.users -= 1;
      if (entry.users > 0) return;
      openInstances.delete(this.path);
    }
    this.instance.closeSync();
  }

  async #existingRowCount(name: string): Promise<number> {
    const [schema, table] = name.includes('.') ? (name.split('.') as [string, string]) : ['main', name];
    const rows = await this.query(
      `SELECT count(*) AS n FROM duckdb_tables() WHERE schema_name = '${schema.replaceAll("'", "''")}' AND table_name = '${table.replaceAll("'", "''")}'`,
    );
    if (Number(rows[0]?.['n'] ?? 0) === 0) return 0;
    return this.#count(name.split('.').map((p) => `"${p}"`).join('.'));
  }

  async #count(target: string): Promise<number> {
    const rows = await this.query(`SELECT count(*) AS n FROM ${target}`);
    return Number(rows[0]?.['n'] ?? 0);
  }

  async #outcome(target: string, operation: WriteOutcome['operation'], inserted: number, deleted: number, started: number): Promise<WriteOutcome> {
    const size = (await this.query('PRAGMA database_size'))[0] ?? {};
    const isTable = operation !== 'materialize-view';
    const quoted = target.split('.').map((p) => `"${p}"`).join('.');
    const tableRowCount = isTable ? await this.#count(quoted) : 0;
    const stats = isTable
      ? ((await this.query(`SELECT count(DISTINCT row_group_id) AS row_groups, coalesce(sum(count), 0) AS cells FROM pragma_storage_info('${target.replaceAll("'", "''")}')`))[0] ?? {})
      : {};
    let walBytes = 0;
    if (!this.inMemory) {
      try {
        walBytes = statSync(`${this.path}.wal`).size;
      } catch {
        walBytes = 0;
      }
    }
    const blockSize = Number(size['block_size'] ?? 0);
    return Object.freeze({
      target,
      operation,
      rowsInserted: inserted,
      rowsDeleted: deleted,
      tableRowCount,
      estimatedBytes: Number(size['used_blocks'] ?? 0) * blockSize,
      durationMs: performance.now() - started,
      walBytes,
      totalBlocks: Number(size['total_blocks'] ?? 0),
      freeBlocks: Number(size['free_blocks'] ?? 0),
      rowGroups: Number(stats['row_groups'] ?? 0),
    });
  }
}
