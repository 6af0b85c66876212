import { sqlString } from '@anatomy/contracts';
import type { FileLocality } from '@anatomy/plan-signals';
import { quoteIdentifier } from '@anatomy/schema-authority';
import type { ManifestView } from '@anatomy/semantic-ir';
import { deleteFileRows, tableDigest } from '@anatomy/store';
import type { Store, WriteOutcome } from '@anatomy/store';
import { fileFilteredSql } from './file-filtered-sql.js';
import type { DigestChange } from './output-digests.js';

/** The suffix under which an incremental build keeps the previous build's table of a view while it plans. */
const PREVIOUS = '__anatomy_prev';

/**
 * Files whose rows may have changed: a sorted list of file ids, or `all`
 * when that cannot be narrowed. For a file-local view some of whose rows
 * belong to no file (see FileLocality's `nullFile`), `{ files, nulls: true }`
 * when those rows must be recomputed too.
 */
export type AffectedFiles = readonly string[] | 'all' | { readonly files: readonly string[]; readonly nulls: true };

/** How an incremental build brought one view up to date. */
export type ViewUpdate = 'unchanged' | 'files' | 'full';

function split(name: string): { readonly schema: string; readonly table: string } {
  const dot = name.indexOf('.');
  return { schema: name.slice(0, dot), table: name.slice(dot + 1) };
}

function quoted(schema: string, table: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}

/**
 * Renames the tables the previous build materialized for the program's
 * views out of the way, so that planning can create every view under its
 * own name while the old rows stay at hand for the views that only need
 * some of them recomputed. Inside the build's transaction, so a failed
 * build leaves them where they were. Returns the views that have one.
 *
 * @example
 * const previous = await setAsidePreviousTables(store, manifest.views);
 */
export async function setAsidePreviousTables(store: Store, views: readonly ManifestView[]): Promise<Set<string>> {
  const names = new Set(views.map((v) => v.name as string));
  const rows = await store.query(
    `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
      WHERE table_catalog = current_database() AND table_type = 'BASE TABLE' ORDER BY name`,
  );
  const kept = new Set<string>();
  for (const row of rows) {
    const name = String(row['name']);
    if (!names.has(name)) continue;
    const { schema, table } = split(name);
    await store.run(`DROP TABLE IF EXISTS ${quoted(schema, `${table}${PREVIOUS}`)}`);
    await store.run(`ALTER TABLE ${quoted(schema, table)} RENAME TO ${quoteIdentifier(`${table}${PREVIOUS}`)}`);
    kept.add(name);
  }
  return kept;
}

/**
 * Which files' rows of every view may differ from the previous build,
 * following the schedule: evidence read directly changed for exactly the
 * changed files; a view whose inputs changed nowhere is unchanged; a
 * file-local view changed for the union of its inputs' files; anything else
 * (a global view, or an input changed everywhere) for `all`. A file-local
 * view with rows of no file has those recomputed whenever any input
 * changed, and the inputs only its NULL-file branches read do not add
 * files; its readers, which cannot follow those rows by file, see `all`.
 *
 * @example
 * const affected = affectedFiles({ order, inputsOf, locality, changedFiles: ['file:…'] });
 */
export function affectedFiles(input: {
  readonly order: readonly string[];
  readonly inputsOf: ReadonlyMap<string, readonly string[]>;
  readonly locality: Readonly<Record<string, FileLocality>>;
  /** File ids added, changed or deleted since the previous build. */
  readonly changedFiles: readonly string[];
}): Map<string, AffectedFiles> {
  const affected = new Map<string, AffectedFiles>();
  const changed = [...new Set(input.changedFiles)].sort();
  const of = (relation: string): readonly string[] | 'all' => {
    const known = affected.get(relation);
    if (known !== undefined) return known !== 'all' && 'nulls' in known ? 'all' : known;
    // Stored tables that are not views of the program: evidence is owned by files, anything else is not.
    return relation.startsWith('evidence.') ? changed : 'all';
  };
  for (const view of input.order) {
    const locality = input.locality[view];
    const local = locality?.local === true;
    const inputs = input.inputsOf.get(view) ?? [];
    const nullOnly = new Set(local ? (locality.nullFile?.inputs ?? []) : []);
    const sets = inputs.filter((i) => !nullOnly.has(i)).map(of);
    const union: readonly string[] | 'all' = sets.includes('all') ? 'all' : [...new Set(sets.flatMap((s) => (s === 'all' ? [] : s)))].sort();
    const anyChanged = inputs.some((i) => {
      const a = of(i);
      return a === 'all' || a.length > 0;
    });
    if (!anyChanged) affected.set(view, []);
    else if (!local || union === 'all') affected.set(view, 'all');
    else affected.set(view, locality.nullFile === undefined ? union : { files: union, nulls: true });
  }
  return affected;
}

/**
 * Brings one materialized view up to date after an incremental change of
 * the evidence: an unchanged view gets its previous table back as it was;
 * a file-local view gets its previous table back with the rows of the
 * affected files deleted and recomputed (its SQL filtered on its
 * file-identity column, which DuckDB pushes down to the scans), and its
 * rows of no file too when `affected` says so; any other view is
 * materialized whole.
 *
 * @example
 * const { update, outcomes } = await updateView(store, view, { locality, affected, hasPrevious: true });
 */
export async function updateView(
  store: Store,
  view: ManifestView,
  options: {
    readonly locality: FileLocality | undefined;
    readonly affected: AffectedFiles;
    readonly hasPrevious: boolean;
    /** Digest the rows deleted and inserted, so the table's running digest can follow (output tables). */
    readonly digest?: boolean;
    /** The file column of each relation that has one: a view updated by file reads only those files' rows of them (see `fileFilteredSql`). */
    readonly fileColumns?: ReadonlyMap<string, string>;
    /** Parsed limited reads shared by the views of one build (see `fileFilteredSql`). */
    readonly reads?: Map<string, unknown>;
  },
): Promise<{ readonly update: ViewUpdate; readonly rows: number; readonly outcomes: WriteOutcome[]; readonly change: DigestChange }> {
  const { schema, table } = split(view.name);
  const previous = quoted(schema, `${table}${PREVIOUS}`);
  const restore = async (): Promise<void> => {
    // Planning left the name to a DuckDB view of the same SQL, or (a plan from the cache creates
    // no views) to the empty table the schema authority creates for an output dataset.
    const held = await store.query('SELECT table_type FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = ? AND table_name = ?', [schema, table]);
    const kind = held[0]?.['table_type'];
    if (kind === 'VIEW') await store.run(`DROP VIEW ${quoted(schema, table)}`);
    else if (kind !== undefined) await store.run(`DROP TABLE ${quoted(schema, table)}`);
    await store.run(`ALTER TABLE ${previous} RENAME TO ${quoteIdentifier(table)}`);
  };
  const column = options.locality?.local === true ? options.locality.column : null;
  const affected = options.affected;
  const files = affected === 'all' ? 'all' : 'nulls' in affected ? affected.files : affected;
  const nulls = affected !== 'all' && 'nulls' in affected;
  if (options.hasPrevious && files !== 'all' && files.length === 0 && !nulls) {
    await restore();
    const counted = await store.query(`SELECT count(*) AS n FROM ${quoted(schema, table)}`);
    return { update: 'unchanged', rows: Number(counted[0]?.['n'] ?? 0), outcomes: [], change: { kind: 'unchanged' } };
  }
  if (options.hasPrevious && files !== 'all' && column !== null) {
    await restore();
    const filter = { column, values: files, nulls };
    const before = options.digest === true ? await tableDigest(store, view.name, filter) : undefined;
    const removed = await deleteFileRows(store, { table: view.name, column, fileIds: files, nulls });
    const c = quoteIdentifier(column);
    // The file ids go in as literals: DuckDB pushes a constant IN list down to the scans.
    const owned = files.length === 0 ? [] : [`${c} IN (${files.map(sqlString).join(', ')})`];
    const where = [...owned, ...(nulls ? [`${c} IS NULL`] : [])].join(' OR ');
    // Rows of no file may come from any file's input rows, so their recomputation reads its inputs whole.
    const sql = options.fileColumns === undefined || nulls ? view.sql : await fileFilteredSql(store, view.sql, options.fileColumns, files, options.reads);
    const added = await store.insertSelect({ table: view.name, sql: `SELECT * FROM (${sql}) AS anatomy_increment WHERE ${where}` });
    const after = before === undefined ? undefined : await tableDigest(store, view.name, filter);
    const change: DigestChange = before === undefined || after === undefined ? { kind: 'rewritten' } : { kind: 'rows', removed: before.digest, added: after.digest };
    return { update: 'files', rows: added.tableRowCount, outcomes: [removed, added], change };
  }
  if (options.hasPrevious) {
    // Emptied and refilled rather than created anew: DuckDB estimates a table created in the
    // running transaction under the name of one that existed before it at about no rows, and
    // then plans the views reading it around that estimate (on idlelib, a join of 16 million
    // rows instead of 30 thousand).
    await restore();
    const removed = await store.deleteRows({ table: view.name, where: 'true' });
    const added = await store.insertSelect({ table: view.name, sql: view.sql });
    return { update: 'full', rows: added.tableRowCount, outcomes: [removed, added], change: { kind: 'rewritten' } };
  }
  const outcome = await store.materialize({ name: view.name, sql: view.sql, as: 'table' });
  return { update: 'full', rows: outcome.rowsInserted, outcomes: [outcome], change: { kind: 'rewritten' } };
}

/**
 * Drops the previous tables no view took back (a view the policy now keeps
 * inline, say), so none outlives the build.
 *
 * @example
 * await dropPreviousTables(store, previous, taken);
 */
export async function dropPreviousTables(store: Store, previous: ReadonlySet<string>, taken: ReadonlySet<string>): Promise<void> {
  for (const name of previous) {
    if (taken.has(name)) continue;
    const { schema, table } = split(name);
    await store.run(`DROP TABLE IF EXISTS ${quoted(schema, `${table}${PREVIOUS}`)}`);
  }
}
