import { quoteIdentifier } from '@anatomy/schema-authority';
import { describeColumns } from './describe-columns.js';
import type { DescribedColumn } from './describe-columns.js';
import type { QueryParams, Store } from './store.js';
import { StoreError } from './store-error.js';
import { EMPTY_DIGEST, rowsDigest } from './table-digest.js';
import type { RowDigest } from './table-digest.js';
import type { DeferMeasure, PendingWrite, WriteOutcome } from './write-outcome.js';

/** What {@link replaceChangedRows} wrote, and where the rows changed. */
export interface ReplacedRows<W extends WriteOutcome | PendingWrite = WriteOutcome> {
  /**
   * One `replace`: the old rows that are not among the new ones deleted, the
   * new ones that were not among the old inserted; null when no row differed,
   * so nothing was written. Pending (unmeasured) when asked with `{ measure: false }`.
   */
  readonly outcome: W | null;
  /**
   * The values of `by` whose rows changed, sorted, `null` first (rows whose
   * column is NULL, or every row when there is no `by`). With `columns`, a
   * group counts as changed only when its rows projected on them changed.
   */
  readonly changedGroups: (string | null)[];
  /** With `digest`, the `tableDigest` digests of the rows deleted and of the rows inserted. */
  readonly digests?: { readonly removed: RowDigest; readonly added: RowDigest };
  /**
   * With `keys`, for each of those columns the values (as text, sorted,
   * `null` first) it holds in the rows that changed, counted as
   * `changedGroups` counts them: what a reader joining on that column must
   * look up again.
   */
  readonly changedKeys?: Readonly<Record<string, readonly (string | null)[]>>;
}

/** What {@link replaceChangedRows} is asked to do. */
export interface ReplaceChangedRowsRequest {
  /** The table, schema-qualified. */
  readonly table: string;
  /** The rows the table (or its `scope`) must hold. */
  readonly sql: string;
  /** The table's rows the query replaces, a condition over its columns; all of them without one. */
  readonly scope?: { readonly where: string; readonly params?: QueryParams };
  /** A column to report the changed rows by (a file identity). */
  readonly by?: string | null;
  /** The columns a change counts in for `changedGroups`; all when null or when one is not the table's. */
  readonly columns?: readonly string[] | null;
  /** Also digest the rows deleted and inserted, so a running table digest can follow. */
  readonly digest?: boolean;
  /** Columns whose values in the changed rows to report (see `changedKeys`). */
  readonly keys?: readonly string[];
  /** The table's columns as `describeColumns` gives them, when the caller has them: not asked for again. */
  readonly described?: readonly DescribedColumn[];
}

// Session-local scratch tables (the temp catalog is never written to the database file).
const NEXT = 'temp.main.anatomy_replace_next';
const PREVIOUS = 'temp.main.anatomy_replace_previous';
const CHANGED = 'temp.main.anatomy_replace_changed';

/**
 * Makes a table hold exactly the rows of a query (or, with `scope`, makes
 * the rows a condition picks exactly those rows) while writing only the
 * difference: the query's rows go to a temporary table, each row on both
 * sides is known by two 64-bit hashes of its values (the second salted),
 * and only the old rows whose hashes the new rows lack are deleted and only
 * the new rows whose hashes the old ones lack are inserted, as multisets
 * (every row of a changed hash pair is replaced). Recomputed rows mostly
 * come out as they were, and rows rewritten unchanged would still be logged
 * and checkpointed: on the standard library, 23 of its global views (all
 * but `rel.calls_inherited`) written whole made a commit of 1.25 s, written
 * this way one of 7 ms.
 *
 * The new values are cast to the table's column types before hashing, so a
 * query that types a column differently (DOUBLE for BIGINT) compares
 * equal. Two distinct rows would have to agree in 128 hash bits to be
 * taken for one another. The query's rows should fall within the scope:
 * the scope only says which old rows are compared with them.
 *
 * @example
 * const { outcome, changedGroups } = await replaceChangedRows(store, { table: 'rel.calls', sql: 'SELECT …', by: 'file_id' });
 *
 * With `{ measure: false }` its write is left for `store.measureWrites`.
 */
export async function replaceChangedRows(store: Store, request: ReplaceChangedRowsRequest): Promise<ReplacedRows>;
export async function replaceChangedRows(store: Store, request: ReplaceChangedRowsRequest, options: DeferMeasure): Promise<ReplacedRows<PendingWrite>>;
export async function replaceChangedRows(store: Store, request: ReplaceChangedRowsRequest, options?: DeferMeasure): Promise<ReplacedRows<WriteOutcome | PendingWrite>> {
  const columns = request.described ?? (await describeColumns(store, request.table));
  const by = request.by ?? null;
  if (by !== null && !columns.some((c) => c.name === by)) {
    throw StoreError.create('UnknownColumn', `cannot report changes of ${request.table} by ${by}: it has no such column`, { hint: 'name a column of the table, or pass null' });
  }
  const wanted = new Set((request.columns ?? []).map((c) => c.toLowerCase()));
  const projected =
    request.columns !== undefined && request.columns !== null && [...wanted].every((c) => columns.some((d) => d.name.toLowerCase() === c))
      ? columns.filter((c) => wanted.has(c.name.toLowerCase()))
      : columns;
  const target = request.table.split('.').map(quoteIdentifier).join('.');
  const list = columns.map((c) => quoteIdentifier(c.name)).join(', ');
  const cells = projected.length === 0 ? '0' : projected.map((c) => quoteIdentifier(c.name)).join(', ');
  const key = by === null ? 'CAST(NULL AS VARCHAR)' : `CAST(${quoteIdentifier(by)} AS VARCHAR)`;
  const keys = [...new Set(request.keys ?? [])];
  for (const k of keys) {
    if (!columns.some((c) => c.name === k)) {
      throw StoreError.create('UnknownColumn', `cannot report the changed values of ${request.table}.${k}: it has no such column`, { hint: 'name columns of the table as keys' });
    }
  }
  const keyMarks = keys.map((k, i) => `, CAST(${quoteIdentifier(k)} AS VARCHAR) AS anatomy_k${i}`).join('');
  const keyList = keys.map((_, i) => `, anatomy_k${i}`).join('');
  const marks = `hash(${list}) AS anatomy_h1, hash(${list}, 'anatomy') AS anatomy_h2, ${key} AS anatomy_key, hash(${cells}) AS anatomy_p1, hash(${cells}, 'anatomy') AS anatomy_p2${keyMarks}`;
  const cast = columns.map((c) => `CAST(${quoteIdentifier(c.name)} AS ${c.type}) AS ${quoteIdentifier(c.name)}`).join(', ');
  const pair = 'anatomy_h1, anatomy_h2';
  const scope = request.scope === undefined ? '' : ` WHERE ${request.scope.where}`;
  const gone = `rowid IN (SELECT anatomy_row FROM ${PREVIOUS})`;
  const came = `SELECT ${list} FROM ${NEXT} SEMI JOIN ${CHANGED} USING (${pair})`;
  try {
    // A CREATE TABLE … AS reports the rows it wrote (DuckDB's `Count`), which saves a count query per call.
    const withScope = async (sql: string): Promise<number | undefined> => {
      const count = (await store.query(sql, request.scope?.params))[0]?.['Count'];
      return count === undefined || count === null ? undefined : Number(count);
    };
    await store.run(`CREATE OR REPLACE TEMP TABLE anatomy_replace_next AS SELECT *, ${marks} FROM (SELECT ${cast} FROM (${request.sql}) AS anatomy_query)`);
    // The hash pairs whose number of rows differs between the old rows and the new: one pass over each side.
    const reported = await withScope(
      `CREATE OR REPLACE TEMP TABLE anatomy_replace_changed AS SELECT ${pair}
         FROM (SELECT ${pair}, count(*) AS anatomy_n FROM (SELECT hash(${list}) AS anatomy_h1, hash(${list}, 'anatomy') AS anatomy_h2 FROM ${target}${scope}) GROUP BY ALL) AS anatomy_old
         FULL JOIN (SELECT ${pair}, count(*) AS anatomy_n FROM ${NEXT} GROUP BY ALL) AS anatomy_new USING (${pair})
        WHERE anatomy_old.anatomy_n IS DISTINCT FROM anatomy_new.anatomy_n`,
    );
    const differing = reported ?? Number((await store.query(`SELECT count(*) AS n FROM ${CHANGED}`))[0]?.['n'] ?? 0);
    const noKeys = keys.length === 0 ? {} : { changedKeys: Object.fromEntries(keys.map((k) => [k, []])) };
    if (differing === 0) return { outcome: null, changedGroups: [], ...noKeys, ...(request.digest === true ? { digests: { removed: EMPTY_DIGEST, added: EMPTY_DIGEST } } : {}) };
    // Only the old rows that change are read again, with their row ids.
    await withScope(`CREATE OR REPLACE TEMP TABLE anatomy_replace_previous AS SELECT * FROM (SELECT rowid AS anatomy_row, ${marks} FROM ${target}${scope}) SEMI JOIN ${CHANGED} USING (${pair})`);
    // Within the changed rows, the groups whose projection differs (unchanged rows are alike in every projection).
    const tuple = `anatomy_key, anatomy_p1, anatomy_p2${keyList}`;
    const groups = await store.query(
      `SELECT DISTINCT anatomy_key AS k${keyList} FROM (
         (SELECT ${tuple} FROM ${PREVIOUS}
          EXCEPT ALL SELECT ${tuple} FROM ${NEXT} SEMI JOIN ${CHANGED} USING (${pair}))
         UNION ALL
         (SELECT ${tuple} FROM ${NEXT} SEMI JOIN ${CHANGED} USING (${pair})
          EXCEPT ALL SELECT ${tuple} FROM ${PREVIOUS}))`,
    );
    const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
    const sorted = (values: Iterable<string | null>): (string | null)[] => [...new Set(values)].sort((a, b) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1));
    const changedGroups = sorted(groups.map((g) => text(g['k'])));
    const changedKeys = keys.length === 0 ? {} : { changedKeys: Object.fromEntries(keys.map((k, i) => [k, sorted(groups.map((g) => text(g[`anatomy_k${i}`])))])) };
    const digests =
      request.digest === true ? { removed: await rowsDigest(store, columns, `SELECT ${list} FROM ${target} WHERE ${gone}`), added: await rowsDigest(store, columns, came) } : undefined;
    const replacement = { table: request.table, where: gone, sql: came };
    const outcome = options === undefined ? await store.replaceRows(replacement) : await store.replaceRows(replacement, options);
    return { outcome, changedGroups, ...changedKeys, ...(digests === undefined ? {} : { digests }) };
  } finally {
    // One statement for the three: each round trip costs about a millisecond, and a build replaces rows of dozens of views.
    await store.run([NEXT, PREVIOUS, CHANGED].map((scratch) => `DROP TABLE IF EXISTS ${scratch}`).join('; '));
  }
}
