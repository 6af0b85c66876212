import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sqlString, STABLE_ID_MACRO_SQL } from '@anatomy/contracts';
import { DuckDBInstance } from '@duckdb/node-api';
import { DuckDbStore } from './duckdb-store.js';
import type { InstanceShare } from './duckdb-store.js';
import type { Store } from './store.js';
import { StoreError } from './store-error.js';
import { DEFAULT_STORAGE_VERSION, STORAGE_VERSION_PATTERN } from './storage-version.js';
import { checkLockWait, DEFAULT_LOCK_POLL_MS, lockConflict, lockedError, waitMessage } from './store-lock.js';
import type { LockWait } from './store-lock.js';

/** Where and how to open a store. */
export interface StoreOptions {
  /** Path of the DuckDB file, or `:memory:`. */
  readonly path: string;
  readonly readOnly?: boolean;
  /** DuckDB worker threads; DuckDB's default (all cores) when absent. */
  readonly threads?: number;
  /**
   * How much memory DuckDB may use for its buffers, in DuckDB's size
   * notation (`'512MB'`, `'2GB'`); beyond it, joins, sorts and aggregates
   * spill to a temporary directory beside the file. DuckDB's default (80% of
   * the machine's memory) when absent.
   */
  readonly memoryLimit?: string;
  /**
   * What to do when another process holds the file: without `wait`, fail at
   * once with `store/Locked`; with it, retry every `pollMs` until `timeoutMs`.
   */
  readonly wait?: LockWait;
  /**
   * The DuckDB storage version a database file this open creates is written
   * in (DuckDB's `storage_compatibility_version`): `'v1.0.0'` for readers as
   * old as DuckDB 1.0, `'latest'` for this DuckDB's newest. A file that
   * already exists keeps the version it was created with.
   * {@link DEFAULT_STORAGE_VERSION} when absent. Openers of one file in one
   * process share its first opener's setting.
   */
  readonly storageVersion?: string;
}


/**
 * The catalog name a store file is attached under. DuckDB would otherwise
 * name the database after the file, and a file called `cpg.duckdb` would make
 * `cpg.nodes` ambiguous between the catalog and the schema.
 */
export const STORE_CATALOG = 'anatomy';

interface SharedInstance {
  readonly instance: DuckDBInstance;
  readonly readOnly: boolean;
  users: number;
}

/**
 * Open files of this process: every opener of a file shares one instance
 * (DuckDB's locks are per process, so two instances on one file would not
 * keep each other out), closed when its last user closes so that the file
 * lock is released for other processes. Pending opens are shared too, so two
 * concurrent opens cannot both create an instance.
 */
const openFiles = new Map<string, Promise<SharedInstance>>();

/**
 * Opens (creating if needed) the DuckDB file of a store. Extension
 * auto-install is disabled — Anatomy never reaches the network — and the
 * stable-id macro is installed so SQL built with `stableIdSql` runs.
 *
 * Another process holding the file (a build writing it, or a reader when
 * this open wants to write) makes the open fail with `store/Locked`, or wait
 * for it when `wait` says so.
 *
 * @example
 * const store = await openStore({
 *   path: 'repo/.anatomy/anatomy.duckdb',
 *   wait: { timeoutMs: 60_000, onWait: (info) => console.error(info.message) },
 * });
 * try { await store.query('SELECT count(*) AS n FROM cpg.nodes'); } finally { await store.close(); }
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  const inMemory = options.path === ':memory:';
  // One spelling per file, so one process never holds two instances on it.
  const path = inMemory ? options.path : resolve(options.path);
  const readOnly = options.readOnly ?? false;
  const wait = options.wait === undefined ? undefined : checkLockWait(options.wait);
  const config: Record<string, string> = { autoinstall_known_extensions: 'false', autoload_known_extensions: 'true' };
  if (options.threads !== undefined) config['threads'] = String(options.threads);
  if (options.memoryLimit !== undefined) config['memory_limit'] = options.memoryLimit;
  config['storage_compatibility_version'] = checkStorageVersion(options.storageVersion ?? DEFAULT_STORAGE_VERSION);
  if (inMemory) {
    const instance = await createInstance(config);
    const connection = await instance.connect();
    await connection.run(STABLE_ID_MACRO_SQL);
    const alone: InstanceShare = { users: () => 1, release: () => instance.closeSync() };
    return new DuckDbStore(path, readOnly, true, instance, connection, alone);
  }
  if (!readOnly) mkdirSync(dirname(path), { recursive: true });
  // The instance itself is in memory, whose spill directory DuckDB would put in the working directory.
  if (!readOnly) config['temp_directory'] = `${path}.tmp`;
  const shared = await sharedInstance(path, readOnly, config, wait);
  const share: InstanceShare = { users: () => shared.users, release: () => releaseInstance(path, shared) };
  try {
    const connection = await shared.instance.connect();
    await connection.run(`USE ${STORE_CATALOG}`);
    // A read-only file cannot take the macro, so each reader's connection gets a temporary one;
    // a writable file got it once, when it was attached.
    if (readOnly) await connection.run(STABLE_ID_MACRO_SQL.replace('CREATE OR REPLACE MACRO', 'CREATE OR REPLACE TEMP MACRO'));
    return new DuckDbStore(path, readOnly, false, shared.instance, connection, share);
  } catch (error) {
    share.release();
    throw error;
  }
}

function releaseInstance(path: string, shared: SharedInstance): void {
  shared.users -= 1;
  if (shared.users > 0) return;
  openFiles.delete(path);
  shared.instance.closeSync();
}

/** The one instance of this process that has the file attached as {@link STORE_CATALOG}. */
async function sharedInstance(path: string, readOnly: boolean, config: Record<string, string>, wait: LockWait | undefined): Promise<SharedInstance> {
  const pending = openFiles.get(path);
  if (pending !== undefined) {
    const shared = await pending;
    if (shared.readOnly !== readOnly) {
      throw StoreError.create('OpenFailed', `the store ${path} is already open ${shared.readOnly ? 'read-only' : 'for writing'} in this process`, {
        hint: 'close the other handle first, or open this one the same way',
      });
    }
    shared.users += 1;
    return shared;
  }
  const opening = attachWaiting(path, readOnly, config, wait).then((instance) => ({ instance, readOnly, users: 0 }));
  openFiles.set(path, opening);
  try {
    const shared = await opening;
    shared.users += 1;
    return shared;
  } catch (error) {
    openFiles.delete(path);
    throw error;
  }
}

/**
 * Attaches the file to a fresh in-memory instance, retrying while another
 * process holds its lock for as long as `wait` allows.
 */
async function attachWaiting(path: string, readOnly: boolean, config: Record<string, string>, wait: LockWait | undefined): Promise<DuckDBInstance> {
  const instance = await createInstance(config);
  const setup = await instance.connect();
  const started = performance.now();
  const attach = `ATTACH ${sqlString(path)} AS ${STORE_CATALOG}${readOnly ? ' (READ_ONLY)' : ''}`;
  try {
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await setup.run(attach);
        } catch (error) {
          const conflict = lockConflict(error);
          if (conflict === null) throw openFailed(path, readOnly, error);
          const waitedMs = performance.now() - started;
          if (wait === undefined) throw lockedError(path, readOnly, conflict, null, error);
          if (waitedMs >= wait.timeoutMs) throw lockedError(path, readOnly, conflict, waitedMs, error);
          wait.onWait?.(
            Object.freeze({
              path,
              readOnly,
              holderPid: conflict.holderPid,
              holder: conflict.holder,
              attempt,
              waitedMs,
              timeoutMs: wait.timeoutMs,
              message: waitMessage(path, conflict, waitedMs, wait.timeoutMs),
            }),
          );
          await sleep(Math.min(wait.pollMs ?? DEFAULT_LOCK_POLL_MS, Math.max(0, wait.timeoutMs - waitedMs)));
          continue;
        }
        // Once per instance: two stores of this process replacing it at the same time would conflict.
        if (!readOnly) await setup.run(`USE ${STORE_CATALOG}; ${STABLE_ID_MACRO_SQL}`);
        return instance;
      }
    } finally {
      setup.closeSync();
    }
  } catch (error) {
    instance.closeSync();
    throw error;
  }
}

/** The storage version if it has the form DuckDB takes; else `store/InvalidOptions` naming the forms. */
function checkStorageVersion(version: string): string {
  if (STORAGE_VERSION_PATTERN.test(version)) return version;
  throw StoreError.create('InvalidOptions', `the storage version ${JSON.stringify(version)} is not one DuckDB names a storage format by`, {
    hint: `give a DuckDB version such as ${DEFAULT_STORAGE_VERSION} (the default) or v1.0.0 (for DuckDB 1.0 readers), or latest`,
  });
}

/** An in-memory DuckDB instance with the store's settings; one DuckDB refuses is named in the error. */
async function createInstance(config: Record<string, string>): Promise<DuckDBInstance> {
  try {
    return await DuckDBInstance.create(':memory:', config);
  } catch (error) {
    // DuckDB's own message ("Failed to set config") names no setting; the storage version is the one a user picks freely.
    throw StoreError.create('InvalidOptions', `DuckDB refused the store's settings (storage version ${config['storage_compatibility_version'] ?? 'default'}): ${(error as Error).message}`, {
      cause: error,
      hint: `this DuckDB may not know that storage version: give an older one, such as ${DEFAULT_STORAGE_VERSION} or v1.0.0`,
    });
  }
}

function openFailed(path: string, readOnly: boolean, error: unknown): Error {
  return StoreError.create('OpenFailed', `cannot open the store ${path}: ${(error as Error).message}`, {
    cause: error,
    hint: readOnly
      ? 'check that the path exists and is a DuckDB database written by anatomy build'
      : 'check that the path is writable and is a DuckDB database (delete the .anatomy folder to start over)',
  });
}
