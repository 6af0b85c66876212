import { sqlString } from '@anatomy/contracts';
import type { FileLocality, GroupedUpdate, KeyedUpdate } from '@anatomy/plan-signals';
import { quoteIdentifier } from '@anatomy/schema-authority';
import type { ManifestView } from '@anatomy/semantic-ir';
import { describeTables, nameHolders, replaceChangedRows } from '@anatomy/store';
import type { DescribedColumn, NameHolder, PendingWrite, ReplacedRows, Store, WriteOutcome } from '@anatomy/store';
import { fileFilteredSql } from './file-filtered-sql.js';
import type { FileFilterOptions, LimitedReads } from './file-filtered-sql.js';
import type { DigestChange } from './output-digests.js';
import { CHANGED_FILES_PLACEHOLDER, limitedSqlKey, withChangedFiles } from './limited-sql-cache.js';
import type { LimitedSqlCache } from './limited-sql-cache.js';

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

function quotedName(name: string): string {
  const { schema, table } = split(name);
  return quoted(schema, table);
}

/**
 * Renames the tables the previous build materialized for the program's
 * views out of the way, so that planning can create every view under its
 * own name while the old rows stay at hand for the views that only need
 * some of them recomputed. Inside the build's transaction, so a failed
 * build leaves them where they were. Returns the views that have one.
 *
 * With `inPlace` (a build whose plan comes from the cache, which creates
 * no view), nothing is renamed: each table is brought up to date where it
 * is, and the previous rows of a view are its table until its update.
 * Renaming every table aside and back again took four catalog statements
 * per stored view, about 0.3 s of a one-file build of the standard library.
 *
 * @example
 * const previous = await setAsidePreviousTables(store, manifest.views);
 */
export async function setAsidePreviousTables(store: Store, views: readonly ManifestView[], inPlace = false): Promise<Set<string>> {
  const names = new Set(views.map((v) => v.name as string));
  const rows = await store.query(
    `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
      WHERE table_catalog = current_database() AND table_type = 'BASE TABLE' ORDER BY name`,
  );
  const kept = new Set<string>();
  for (const row of rows) {
    const name = String(row['name']);
    if (!names.has(name)) continue;
    kept.add(name);
    if (inPlace) continue;
    const { schema, table } = split(name);
    await store.run(`DROP TABLE IF EXISTS ${quoted(schema, `${table}${PREVIOUS}`)}; ALTER TABLE ${quoted(schema, table)} RENAME TO ${quoteIdentifier(`${table}${PREVIOUS}`)}`);
  }
  return kept;
}

/** Where the previous build's rows of a view are until its update: aside under another name, or (in place) its own table. */
function previousTable(name: string, inPlace: boolean): string {
  const { schema, table } = split(name);
  return inPlace ? name : `${schema}.${table}${PREVIOUS}`;
}

/**
 * The live rows of the given views' stored tables (the previous build's,
 * set aside or in place), by view, in one query before any is updated:
 * each update then knows its rows after it from what it deleted and
 * inserted, rather than counting them.
 *
 * @example
 * (await storedViewRows(store, ['rel.calls'], true)).get('rel.calls'); // 83826
 */
export async function storedViewRows(store: Store, views: readonly string[], inPlace: boolean): Promise<Map<string, number>> {
  if (views.length === 0) return new Map();
  const rows = await store.query(views.map((v, i) => `SELECT ${i} AS i, count(*) AS n FROM ${quotedName(previousTable(v, inPlace))}`).join(' UNION ALL '));
  return new Map(rows.map((r) => [views[Number(r['i'])] ?? '', Number(r['n'])]));
}

/**
 * The columns of the given views' stored tables (the previous build's,
 * set aside or in place), by view, from one catalog query: each update
 * would otherwise describe its table on its own.
 *
 * @example
 * (await storedViewColumns(store, ['rel.calls'], true)).get('rel.calls'); // [{ name: 'edge_id', type: 'VARCHAR' }, …]
 */
export async function storedViewColumns(store: Store, views: readonly string[], inPlace: boolean): Promise<Map<string, DescribedColumn[]>> {
  const described = await describeTables(store, views.map((v) => previousTable(v, inPlace)));
  return new Map(views.map((v) => [v, described.get(previousTable(v, inPlace)) ?? []]));
}

/**
 * Which of the given views' stored tables (the previous build's, `view` →
 * its file column) hold no NULL in their file column, in one query. Asked
 * before any of them is updated, so DuckDB answers most from the tables'
 * statistics without reading a row; a view stays free of NULLs while its
 * updates write only rows of named files (see `updateView`'s
 * `keepsNullFree`), and a limited read of it then needs no scan for rows
 * of no file (see `fileFilteredSql`).
 *
 * @example
 * await nullFreeStoredViews(store, new Map([['derived.loads', 'file_id']]), true); // Set { 'derived.loads' }
 */
export async function nullFreeStoredViews(store: Store, views: ReadonlyMap<string, string>, inPlace: boolean): Promise<Set<string>> {
  const names = [...views.keys()].sort();
  if (names.length === 0) return new Set();
  const probes = names.map((name, i) => `SELECT ${i} AS i, EXISTS (SELECT 1 FROM ${quotedName(previousTable(name, inPlace))} WHERE ${quoteIdentifier(views.get(name) ?? '')} IS NULL) AS found`);
  const rows = await store.query(probes.join(' UNION ALL '));
  return new Set(rows.filter((r) => r['found'] === false).map((r) => names[Number(r['i'])] ?? ''));
}

/** What decides which files' rows of a view may have changed (see {@link viewAffected}). */
export interface AffectedInput {
  readonly inputsOf: ReadonlyMap<string, readonly string[]>;
  readonly locality: Readonly<Record<string, FileLocality>>;
  /** File ids added, changed or deleted since the previous build. */
  readonly changedFiles: readonly string[];
  /**
   * For a view, the files whose rows of an evidence table it reads changed
   * in the columns it reads (see `evidenceChangesByReader`): narrower than
   * what the table's entry in `known` says for every reader.
   */
  readonly readerChanges?: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
}

/**
 * Which files' rows of one view may differ from the previous build, given
 * what is known of its inputs (`known`: the views before it in the
 * schedule, by the files whose rows changed): evidence read directly
 * changed for exactly the changed files; a view whose inputs changed
 * nowhere is unchanged; a file-local view changed for the union of its
 * inputs' files; anything else (a global view, an input changed everywhere,
 * or a stored table that is no view) for `all`. A file-local view with rows
 * of no file has those recomputed whenever any input changed, and the
 * inputs only its NULL-file branches read do not add files; its readers,
 * which cannot follow those rows by file, see `all`.
 *
 * @example
 * const files = viewAffected('norm.calls', { inputsOf, locality, changedFiles: ['file:…'] }, known);
 */
export function viewAffected(view: string, input: AffectedInput, known: ReadonlyMap<string, AffectedFiles>): AffectedFiles {
  const changed = [...new Set(input.changedFiles)].sort();
  const own = input.readerChanges?.get(view);
  const of = (relation: string): readonly string[] | 'all' => {
    const read = own?.get(relation);
    if (read !== undefined) return read;
    const seen = known.get(relation);
    if (seen !== undefined) return seen !== 'all' && 'nulls' in seen ? 'all' : seen;
    // Stored tables that are not views of the program: evidence is owned by files, anything else is not.
    return relation.startsWith('evidence.') ? changed : 'all';
  };
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
  if (!anyChanged) return [];
  if (!local || union === 'all') return 'all';
  return locality.nullFile === undefined ? union : { files: union, nulls: true };
}

/**
 * {@link viewAffected} for every view in schedule order, each view's
 * readers taking its affected files as the files whose rows changed — what
 * a build knows before it runs anything. A build then narrows that by
 * measuring (see `updateView`'s `changed`).
 *
 * @example
 * const affected = affectedFiles({ order, inputsOf, locality, changedFiles: ['file:…'] });
 */
export function affectedFiles(input: AffectedInput & { readonly order: readonly string[] }): Map<string, AffectedFiles> {
  const affected = new Map<string, AffectedFiles>();
  for (const view of input.order) affected.set(view, viewAffected(view, input, affected));
  return affected;
}

/** Up to this many changed keys are probed as a literal list (on the standard library, 7 ms against 15 ms as a bound JSON list). */
const LITERAL_KEYS = 1000;

/** What {@link keyedAffected} needs besides what decides {@link viewAffected}. */
export interface KeyedInput extends AffectedInput {
  /** For each relation updated so far, the values its changed rows hold in the columns its readers look up (see `replaceChangedRows`'s `keys`). */
  readonly changedKeys: ReadonlyMap<string, Readonly<Record<string, readonly (string | null)[]>>>;
  /** The column naming each row's file, by relation (see `relationFileColumns`). */
  readonly fileColumns: ReadonlyMap<string, string>;
  /** Whether the previous tables were left in place (see {@link setAsidePreviousTables}). */
  readonly inPlace?: boolean;
}

/**
 * Which files' rows of a global view with a keyed update (see
 * FileLocality's `keyed`) may differ from the previous build: the files
 * its anchors' rows changed in, and the files whose anchor rows hold a key
 * that some changed row of another input holds, looked up in the anchor
 * (its rows of an unchanged file are as they were). `all` when that cannot
 * be narrowed: an anchor changed everywhere, another input's changed keys
 * are not known (evidence, a view kept inline), an anchor row with a changed
 * key belongs to no file, or the file column may hold NULL.
 *
 * @example
 * const files = await keyedAffected(store, 'rel.named_symbol', keyed, { inputsOf, locality, changedFiles, changedKeys, fileColumns }, known);
 */
export async function keyedAffected(store: Store, view: string, keyed: KeyedUpdate, input: KeyedInput, known: ReadonlyMap<string, AffectedFiles>): Promise<readonly string[] | 'all'> {
  const changed = [...new Set(input.changedFiles)].sort();
  const of = (relation: string): readonly string[] | 'all' => {
    const seen = known.get(relation);
    if (seen !== undefined) return seen !== 'all' && 'nulls' in seen ? 'all' : seen;
    return relation.startsWith('evidence.') ? changed : 'all';
  };
  const anchors = new Set(keyed.anchors);
  const foreign = new Set(keyed.probes.flatMap((p) => [p.foreign, ...p.via.map((v) => v.relation)]));
  const inputs = input.inputsOf.get(view) ?? [];
  if (inputs.some((i) => !anchors.has(i) && !foreign.has(i))) return 'all';
  // Every changed input's keys must be known before any is looked up.
  for (const probe of keyed.probes) {
    const c = of(probe.foreign);
    if ((c === 'all' || c.length > 0) && input.changedKeys.get(probe.foreign)?.[probe.foreignColumn] === undefined) return 'all';
  }
  const files = new Set<string>();
  for (const anchor of anchors) {
    const c = of(anchor);
    if (c === 'all') return 'all';
    for (const f of c) files.add(f);
  }
  for (const probe of keyed.probes) {
    const c = of(probe.foreign);
    if (c !== 'all' && c.length === 0) continue;
    const values = input.changedKeys.get(probe.foreign)?.[probe.foreignColumn];
    const fileColumn = input.fileColumns.get(probe.relation);
    if (values === undefined || fileColumn === undefined) return 'all';
    // NULL keys match no row of an equality join.
    const keys = values.filter((v): v is string => v !== null);
    if (keys.length === 0) continue;
    // The changed keys, passed on through the relations between (their rows as they are now: a row of theirs that changed is probed by its own keys).
    // A few keys go in as literals, which DuckDB filters in the scan; many as one bound list, joined.
    const literal = keys.length <= LITERAL_KEYS;
    let looked = literal ? keys.map(sqlString).join(', ') : 'SELECT unnest(CAST(? AS JSON)::VARCHAR[])';
    for (const v of probe.via) looked = `SELECT CAST(${quoteIdentifier(v.pass)} AS VARCHAR) FROM ${quotedName(v.relation)} WHERE CAST(${quoteIdentifier(v.match)} AS VARCHAR) IN (${looked})`;
    const rows = await store.query(
      `SELECT DISTINCT CAST(${quoteIdentifier(fileColumn)} AS VARCHAR) AS f FROM ${quotedName(probe.relation)}
        WHERE CAST(${quoteIdentifier(probe.column)} AS VARCHAR) IN (${looked})`,
      literal ? [] : [JSON.stringify(keys)],
    );
    for (const row of rows) {
      const f = row['f'];
      if (f === null || f === undefined) return 'all';
      files.add(String(f));
    }
  }
  if (!keyed.source.nonNull) {
    // A row of no file could come and go outside any file's update: only a column free of NULLs, before and after, allows one.
    // The first NULL settles it: no need to count them all.
    const nulls = async (relation: string, column: string): Promise<boolean> =>
      (await store.query(`SELECT EXISTS (SELECT 1 FROM ${quotedName(relation)} WHERE ${quoteIdentifier(column)} IS NULL) AS found`))[0]?.['found'] !== false;
    if ((await nulls(keyed.source.relation, keyed.source.column)) || (await nulls(previousTable(view, input.inPlace === true), keyed.column))) return 'all';
  }
  return [...files].sort();
}

/**
 * Which groups of a global view with a grouped update (see FileLocality's
 * `grouped`) may differ from the previous build: the keys the grouped
 * relation's changed rows hold, before and after (`nulls` when one of them
 * is NULL). `all` when those keys are not known (the relation was not
 * asked for them, or it is not the view's only input).
 *
 * @example
 * groupedAffected('derived.qualified_symbols', grouped, { inputsOf, changedKeys }, known); // ['json.decoder._bench']
 */
export function groupedAffected(
  view: string,
  grouped: GroupedUpdate,
  input: { readonly inputsOf: ReadonlyMap<string, readonly string[]>; readonly changedKeys: KeyedInput['changedKeys'] },
  known: ReadonlyMap<string, AffectedFiles>,
): AffectedFiles {
  const { relation, column } = grouped.source;
  if ((input.inputsOf.get(view) ?? []).some((i) => i !== relation)) return 'all';
  const seen = known.get(relation);
  if (seen !== undefined && seen !== 'all' && !('nulls' in seen) && seen.length === 0) return [];
  const values = input.changedKeys.get(relation)?.[column];
  if (values === undefined) return 'all';
  const keys = values.filter((v): v is string => v !== null);
  return values.includes(null) ? { files: keys, nulls: true } : keys;
}

/**
 * The files whose rows changed, from the groups (by the view's file
 * column) whose rows differ: `all` when rows of no file changed, since
 * readers cannot follow those by file.
 */
function measuredChange(groups: readonly (string | null)[]): AffectedFiles {
  return groups.includes(null) ? 'all' : groups.filter((k): k is string => k !== null);
}

/**
 * Brings one materialized view up to date after an incremental change of
 * the evidence: an unchanged view gets its previous table back as it was;
 * a file-local view gets its previous table back with the rows of the
 * affected files recomputed (its SQL filtered on its file-identity column,
 * which DuckDB pushes down to the scans, and every input read limited to
 * those files), and its rows of no file too when `affected` says so; any
 * other view is recomputed whole. Either way only the rows that differ
 * from the previous ones are deleted and inserted (`replaceChangedRows`).
 * `changed` tells the view's readers which files' rows really changed:
 * with `measure`, the files (by the file-identity column, or `fileColumn`
 * for a view recomputed whole) of the rows that differ in the columns the
 * readers read, `all` when rows of no file differ, so a reader whose inputs
 * came out unchanged keeps its table and a reader file-local over that
 * column is recomputed for those files only; without, the affected files
 * (`all` for a view recomputed whole).
 *
 * @example
 * const { update, outcomes, changed } = await updateView(store, view, { locality, affected, hasPrevious: true, fileColumn: 'file_id', measure: true });
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
    /** The column carrying each row's file identity to the view's readers, global views included; null when none does. */
    readonly fileColumn?: string | null;
    /** The column a table created anew is stored in the order of (see `viewFileColumn`); none when absent or null. */
    readonly clusterBy?: string | null;
    /** Measure which files' rows changed when the view is recomputed whole (worth it only when something reads it). */
    readonly measure?: boolean;
    /** The only columns its readers read (see `columnsReadBy`): a change in another one reaches none of them. */
    readonly columns?: readonly string[] | null;
    /** The file column of each relation that has one: a view updated by file reads only those files' rows of them (see `fileFilteredSql`). */
    readonly fileColumns?: ReadonlyMap<string, string>;
    /** Limited SQL kept between builds (see `readLimitedSqlCache`): taken from it, or added to it. */
    readonly limitedCache?: LimitedSqlCache;
    /** The live rows of its stored table before the update, when known (see `storedViewRows`): not counted after it. */
    readonly rowsBefore?: number;
    /** The columns of its stored table, when known (see `describeTables`): not asked for again. */
    readonly described?: readonly DescribedColumn[];
    /** Relations of `fileColumns` whose file column cannot hold NULL, read without a scan for rows of no file. */
    readonly nullFree?: ReadonlySet<string>;
    /** Parsed limited reads shared by the views of one build (see `fileFilteredSql`). */
    readonly reads?: Map<string, unknown>;
    /** The SQL of file-local views kept inline, read with their own inputs limited (see `fileFilteredSql`). */
    readonly inline?: ReadonlyMap<string, string>;
    /** What holds the view's name now (see {@link nameHolders}): looked up when absent. */
    readonly held?: NameHolder;
    /** A global view's keyed update (see FileLocality's `keyed`): with `affected` a list of files, only their rows are recomputed. */
    readonly keyed?: KeyedUpdate;
    /** Columns whose values in the changed rows its readers look up (see `replaceChangedRows`'s `keys`). */
    readonly keys?: readonly string[];
    /** A global view's grouped update (see FileLocality's `grouped`): with `affected` a list of group keys, only those groups are recomputed. */
    readonly grouped?: GroupedUpdate;
    /** Whether its previous table was left under its name (see {@link setAsidePreviousTables}). */
    readonly inPlace?: boolean;
    /** DuckDB's parse tree of the view's SQL, from its plan bundle: not asked for again. */
    readonly parseTree?: unknown;
  },
): Promise<{
  readonly update: ViewUpdate;
  readonly rows: number;
  /** Its writes, left for `store.measureWrites` (see `PendingWrite`); a table materialized whole is measured at once. */
  readonly outcomes: (WriteOutcome | PendingWrite)[];
  readonly change: DigestChange;
  /** The files whose rows may differ from the previous build's, for the view's readers. */
  readonly changed: AffectedFiles;
  /** For a view updated by file: the reads of its SQL limited to those files (see `fileFilteredSql`). */
  readonly reads?: LimitedReads;
  /** With `keys`, the values the changed rows hold in them; absent when not measured. */
  readonly changedKeys?: Readonly<Record<string, readonly (string | null)[]>>;
  /**
   * Whether the update wrote only rows whose file column (`fileColumns`'
   * entry for the view) names a file: a table free of NULLs there stays so.
   */
  readonly keepsNullFree: boolean;
}> {
  const { schema, table } = split(view.name);
  const previous = quoted(schema, `${table}${PREVIOUS}`);
  const restore = async (): Promise<void> => {
    // Left in place, the previous table already holds the name.
    if (options.inPlace === true) return;
    // Planning left the name to a DuckDB view of the same SQL, or (a plan from the cache creates
    // no views) to the empty table the schema authority creates for an output dataset.
    const kind = options.held !== undefined ? options.held : ((await nameHolders(store, [view.name])).get(view.name) ?? null);
    if (kind === 'view') await store.run(`DROP VIEW ${quoted(schema, table)}`);
    else if (kind !== null) await store.run(`DROP TABLE ${quoted(schema, table)}`);
    await store.run(`ALTER TABLE ${previous} RENAME TO ${quoteIdentifier(table)}`);
  };
  const keyed = options.locality?.local === true ? undefined : options.keyed;
  // A grouped view's `affected` names groups, not files: its reads are limited by the group key, and its readers learn which files changed as from a whole recomputation.
  const grouped = options.locality?.local === true || keyed !== undefined ? undefined : options.grouped;
  const column = options.locality?.local === true ? options.locality.column : (keyed?.column ?? grouped?.column ?? null);
  const keys = options.keys === undefined || options.keys.length === 0 ? {} : { keys: options.keys };
  const projection = options.columns === undefined || options.columns === null ? {} : { columns: options.columns };
  const affected = options.affected;
  const files = affected === 'all' ? 'all' : 'nulls' in affected ? affected.files : affected;
  const nulls = affected !== 'all' && 'nulls' in affected;
  // The table's rows now: the stored rows less those deleted plus those inserted, or counted when the stored rows are not known.
  const rowsAfter = async (write: PendingWrite | null): Promise<number> =>
    options.rowsBefore !== undefined
      ? options.rowsBefore - (write?.rowsDeleted ?? 0) + (write?.rowsInserted ?? 0)
      : Number((await store.query(`SELECT count(*) AS n FROM ${quoted(schema, table)}`))[0]?.['n'] ?? 0);
  // What a replacement of the rows that differ wrote, and the keys its changed rows hold.
  const written = async (replaced: ReplacedRows<PendingWrite>): Promise<{ rows: number; outcomes: PendingWrite[]; changedKeys?: Readonly<Record<string, readonly (string | null)[]>> }> => ({
    rows: await rowsAfter(replaced.outcome),
    outcomes: replaced.outcome === null ? [] : [replaced.outcome],
    ...(replaced.changedKeys === undefined ? {} : { changedKeys: replaced.changedKeys }),
  });
  if (options.hasPrevious && files !== 'all' && files.length === 0 && !nulls) {
    await restore();
    return { update: 'unchanged', keepsNullFree: true, rows: await rowsAfter(null), outcomes: [], change: { kind: 'unchanged' }, changed: [], ...(options.keys === undefined ? {} : { changedKeys: Object.fromEntries(options.keys.map((k) => [k, []])) }) };
  }
  if (options.hasPrevious && files !== 'all' && column !== null) {
    await restore();
    const c = quoteIdentifier(column);
    // The file ids go in as literals: DuckDB pushes a constant IN list down to the scans.
    const owned = files.length === 0 ? [] : [`${c} IN (${files.map(sqlString).join(', ')})`];
    const where = [...owned, ...(nulls ? [`${c} IS NULL`] : [])].join(' OR ');
    // Rows of no file may come from any file's input rows, so their recomputation reads its inputs whole.
    const tally: LimitedReads = { limited: 0, inlined: 0 };
    // A keyed global view limits only the relations read with its rows' files; the others are looked up whole.
    const foreign = new Set(keyed?.probes.flatMap((p) => [p.foreign, ...p.via.map((v) => v.relation)]) ?? []);
    const limitable =
      grouped !== undefined
        ? new Map([[grouped.source.relation, grouped.source.column]])
        : options.fileColumns === undefined || keyed === undefined
          ? options.fileColumns
          : new Map([...options.fileColumns].filter(([r]) => keyed.anchors.includes(r) && !foreign.has(r)));
    const sql = limitable === undefined || nulls ? view.sql : await limitedSql(store, view, limitable, files, options, tally);
    // Recomputed for a file, a view's rows often come out as they were (an edit that touched no import leaves the imports' views alike):
    // only the rows that differ are written, and they tell which files' rows changed.
    const replaced = await replaceChangedRows(store, {
      table: view.name,
      sql: `SELECT * FROM (${sql}) AS anatomy_increment WHERE ${where}`,
      scope: { where },
      by: grouped === undefined ? column : (options.fileColumn ?? null),
      ...projection,
      ...keys,
      digest: options.digest === true,
      ...(options.described === undefined ? {} : { described: options.described }),
    }, { measure: false });
    const change: DigestChange = replaced.outcome === null ? { kind: 'unchanged' } : replaced.digests === undefined ? { kind: 'rewritten' } : { kind: 'rows', ...replaced.digests };
    const changed = options.measure === true ? measuredChange(replaced.changedGroups) : grouped === undefined ? affected : 'all';
    // Rows written were picked by `column` naming one of the files: its own file column, unless the view is grouped by another.
    const keepsNullFree = !nulls && column === options.fileColumns?.get(view.name);
    return { update: 'files', keepsNullFree, ...(await written(replaced)), change, changed, reads: tally };
  }
  if (options.hasPrevious) {
    // Brought up to date in place rather than created anew: DuckDB estimates a table created in the
    // running transaction under the name of one that existed before it at about no rows, and
    // then plans the views reading it around that estimate (on idlelib, a join of 16 million
    // rows instead of 30 thousand). Only the rows that differ are written: most come out as they were.
    await restore();
    const by = options.fileColumn ?? null;
    const replaced = await replaceChangedRows(store, { table: view.name, sql: view.sql, by, ...projection, ...keys, ...(options.described === undefined ? {} : { described: options.described }) }, { measure: false });
    const changed: AffectedFiles = options.measure === true ? measuredChange(replaced.changedGroups) : 'all';
    const change: DigestChange = replaced.outcome === null ? { kind: 'unchanged' } : { kind: 'rewritten' };
    return { update: 'full', keepsNullFree: false, ...(await written(replaced)), change, changed };
  }
  const clusterBy = options.clusterBy ?? null;
  const outcome = await store.materialize({ name: view.name, sql: view.sql, as: 'table', ...(clusterBy === null ? {} : { clusterBy }) });
  return { update: 'full', keepsNullFree: false, rows: outcome.rowsInserted, outcomes: [outcome], change: { kind: 'rewritten' }, changed: 'all' };
}

/**
 * A view's SQL with its reads limited to the changed files (see
 * `fileFilteredSql`): from the cache when it holds the rewriting of the
 * same view with the same limits, else rewritten with the placeholder for
 * the files, added to the cache, and the files put in.
 */
async function limitedSql(
  store: Store,
  view: ManifestView,
  limitable: ReadonlyMap<string, string>,
  files: readonly string[],
  options: FileFilterOptions & { readonly limitedCache?: LimitedSqlCache },
  tally: LimitedReads,
): Promise<string> {
  const cache = options.limitedCache;
  if (cache === undefined) return fileFilteredSql(store, view.sql, limitable, files, { ...options, tally });
  const key = limitedSqlKey(view.name, limitable, options.nullFree ?? new Set(), options.inline?.keys() ?? []);
  let cached = cache.entries.get(key);
  if (cached === undefined) {
    const reads: LimitedReads = { limited: 0, inlined: 0 };
    cached = { sql: await fileFilteredSql(store, view.sql, limitable, [CHANGED_FILES_PLACEHOLDER], { ...options, tally: reads }), reads };
    cache.entries.set(key, cached);
    cache.added.add(key);
  }
  tally.limited += cached.reads.limited;
  tally.inlined += cached.reads.inlined;
  return withChangedFiles(cached.sql, files);
}

/**
 * Drops the previous tables no view took back (a view the policy now keeps
 * inline, say), so none outlives the build.
 *
 * @example
 * await dropPreviousTables(store, previous, taken);
 */
export async function dropPreviousTables(store: Store, previous: ReadonlySet<string>, taken: ReadonlySet<string>, inPlace = false): Promise<void> {
  // Left in place, a previous table is renamed nowhere; one the policy now keeps inline gave its name to the view.
  if (inPlace) return;
  for (const name of previous) {
    if (taken.has(name)) continue;
    const { schema, table } = split(name);
    await store.run(`DROP TABLE IF EXISTS ${quoted(schema, `${table}${PREVIOUS}`)}`);
  }
}
