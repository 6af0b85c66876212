import { sqlString } from '@anatomy/contracts';
import { parseTreeObjects, readParseTree } from '@anatomy/plan-signals';
import { quoteIdentifier } from '@anatomy/schema-authority';
import type { Store } from '@anatomy/store';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** DuckDB's parse tree of one statement, or undefined when DuckDB reports an error for it. */
async function serialized(store: Store, sql: string): Promise<Json | undefined> {
  const rows = await store.query(`SELECT json_serialize_sql(${sqlString(sql)}) AS tree`);
  const tree = JSON.parse(String(rows[0]?.['tree'] ?? '{}')) as Json;
  return tree['error'] === true ? undefined : tree;
}

/** The most SQL texts {@link deserializedSql} keeps; a program's views write far fewer. */
const KEPT_TEXTS = 512;

/**
 * SQL texts already written back, by the parse tree's JSON, for the callers
 * that ask to keep them. What `json_deserialize_sql` writes depends on the
 * tree alone (it reads no catalog). A full build writes the same trees back
 * every time it runs the same program (see staged-union-writes.ts): a round
 * trip of several milliseconds each for a large tree. The trees of limited
 * reads name the files of one build and are not kept.
 */
const texts = new Map<string, string>();

/** Placeholders of the limited-read template: a table, its file column and one file id, replaced in each copy. */
const TEMPLATE = { schema: 'anatomy_template_schema', table: 'anatomy_template_table', column: 'anatomy_template_column', file: 'anatomy_template_file' } as const;
const TEMPLATE_KEY = '\u0000template';
/** The template of a read without the scan of rows of no file (see {@link tableRead}'s `nullFree`). */
const NULL_FREE_TEMPLATE_KEY = '\u0000template\u0000null-free';

/**
 * The SQL of a limited read of a stored table: its rows of the listed files
 * and its rows of no file, as two scans. One scan filtered by
 * `file IN (…) OR file IS NULL` reads every row group. Apart, the file
 * list skips the row groups whose value ranges rule it out (on a table
 * stored in file order, all but one or two: 3 ms instead of 40 ms for one
 * file of `cpg.props`, 9.8 million rows), and the NULL test reads nothing
 * when the table's statistics say the column holds no NULL.
 *
 * A table whose file column cannot hold NULL (`nullFree`) is read with the
 * file list alone. Its NULL test would read nothing on a stored table, but
 * a table written in the running transaction (the evidence of the changed
 * files) is scanned whole by it, and a union under a join keeps DuckDB from
 * filtering the join's other side by the keys this side found.
 */
function tableRead(table: string, column: string, list: string, nullFree: boolean): string {
  const files = `SELECT * FROM ${table} AS anatomy_source WHERE ${column} IN (${list})`;
  return `SELECT * FROM (${nullFree ? files : `${files} UNION ALL SELECT * FROM ${table} AS anatomy_source WHERE ${column} IS NULL`}) AS anatomy_files`;
}

/**
 * A limited read of a stored table as DuckDB parses it, built from one
 * template DuckDB parsed once for the build (kept in `reads`): its table,
 * file column and file ids put in place of the placeholders. Asking DuckDB
 * to parse each read took one query per table per build. Undefined when
 * the template does not have the shape expected of it.
 */
async function limitedTableRead(store: Store, reads: Map<string, unknown>, schema: string, table: string, column: string, fileIds: readonly string[], nullFree: boolean): Promise<Json | undefined> {
  const key = nullFree ? NULL_FREE_TEMPLATE_KEY : TEMPLATE_KEY;
  if (!reads.has(key)) {
    const c = quoteIdentifier(TEMPLATE.column);
    // The template names no file of this build: its tree is the same every time, read once per process.
    const parsed = await readParseTree(store, { name: 'anatomy.limited_read_template', sql: tableRead(`${quoteIdentifier(TEMPLATE.schema)}.${quoteIdentifier(TEMPLATE.table)}`, c, sqlString(TEMPLATE.file), nullFree) });
    const statements = isObject(parsed) && parsed['error'] !== true ? parsed['statements'] : undefined;
    reads.set(key, Array.isArray(statements) && isObject(statements[0]) && isObject(statements[0]['node']) ? statements[0]['node']['from_table'] : undefined);
  }
  const template = reads.get(key);
  if (!isObject(template) || fileIds.length === 0) return undefined;
  const read = structuredClone(template);
  let tables = 0;
  let lists = 0;
  for (const node of parseTreeObjects(read)) {
    if (node['type'] === 'BASE_TABLE' && node['table_name'] === TEMPLATE.table) {
      node['schema_name'] = schema;
      node['table_name'] = table;
      tables += 1;
    } else if (node['class'] === 'COLUMN_REF' && Array.isArray(node['column_names']) && node['column_names'].length === 1 && node['column_names'][0] === TEMPLATE.column) {
      node['column_names'] = [column];
    } else if (node['type'] === 'COMPARE_IN' && Array.isArray(node['children']) && node['children'].length === 2) {
      const constant: unknown = node['children'][1];
      const value = isObject(constant) ? constant['value'] : undefined;
      if (!isObject(constant) || !isObject(value) || value['value'] !== TEMPLATE.file) return undefined;
      node['children'] = [node['children'][0], ...fileIds.map((id) => ({ ...constant, value: { ...value, value: id } }))];
      lists += 1;
    }
  }
  return tables === (nullFree ? 1 : 2) && lists === 1 ? read : undefined;
}

/** Every object of a parse tree that holds a base-table reference, with the key it sits under. */
function* tableSlots(value: unknown): Generator<{ readonly holder: Json | unknown[]; readonly key: string | number; readonly ref: Json }> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (isObject(item) && item['type'] === 'BASE_TABLE') yield { holder: value, key: i, ref: item };
      else yield* tableSlots(item);
    }
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (isObject(item) && item['type'] === 'BASE_TABLE') yield { holder: value, key, ref: item };
      else yield* tableSlots(item);
    }
  }
}

/** How many reads of a view's SQL `fileFilteredSql` limited to the changed files, and how many of those read an inline view as its own SQL. */
export interface LimitedReads {
  limited: number;
  inlined: number;
}

/** What `fileFilteredSql` may be given besides the SQL, its file columns and the files. */
export interface FileFilterOptions {
  /** Parsed limited reads kept between calls of one build (views of one build share their files and inputs). */
  readonly reads?: Map<string, unknown>;
  /** The SQL of every file-local view kept inline whose rows all name a file (no `nullFile`), by name. */
  readonly inline?: ReadonlyMap<string, string>;
  /** Counts the reads this call limited, and how many of them read an inline view as its own SQL. */
  readonly tally?: LimitedReads;
  /** DuckDB's parse tree of the SQL when the caller has it (a plan bundle's), not asked for again; it is not changed. */
  readonly parseTree?: unknown;
  /** The relations whose file column cannot hold NULL (see `nullFreeFileColumns`): read without a scan for rows of no file. */
  readonly nullFree?: ReadonlySet<string>;
}

/**
 * A view's SQL with every read of a relation that has a file column limited
 * to the given files (and the rows of no file): `"s"."t" AS a` becomes
 * `(SELECT * FROM "s"."t" WHERE file IN (…) OR file IS NULL) AS a`, done on
 * DuckDB's own parse tree. A filter on the view's file column alone reaches
 * only the scans that carry that column; the other sides of its joins were
 * read and hashed whole for one changed file (on the standard library,
 * 8.1 s for `rel.load_binder`, 2.6 s with its inputs limited).
 *
 * A file-local view kept inline (`inline`, its SQL by name) is read as its
 * own SQL limited the same way: DuckDB cannot push a filter on its file
 * column below its windows and anti-joins, and so computed it whole for one
 * changed file (`cpg.edges` reads a dozen such views).
 *
 * Exact for a file-local view, whose rows of a file come from its inputs'
 * rows of that file: keeping also other files' rows and rows with no file
 * (an inline view's rows of other files, computed from limited inputs, may
 * be wrong) only adds rows that the caller's filter on the view's own file
 * column drops. Returns the SQL unchanged when DuckDB cannot round-trip it.
 *
 * @example
 * const sql = await fileFilteredSql(store, view.sql, new Map([['derived.loads', 'file_id']]), ['file:…']);
 */
export async function fileFilteredSql(
  store: Store,
  sql: string,
  fileColumns: ReadonlyMap<string, string>,
  fileIds: readonly string[],
  options: FileFilterOptions = {},
): Promise<string> {
  const { reads = new Map<string, unknown>(), inline = new Map<string, string>(), tally = { limited: 0, inlined: 0 }, parseTree: parsed, nullFree = new Set<string>() } = options;
  const tree = isObject(parsed) && parsed['error'] !== true && Array.isArray(parsed['statements']) ? (structuredClone(parsed) as Json) : await serialized(store, sql);
  if (tree === undefined) return sql;
  const list = fileIds.map(sqlString).join(', ');
  let changed = false;
  for (const { holder, key: slot, ref } of [...tableSlots(tree['statements'])]) {
    const relation = `${String(ref['schema_name'])}.${String(ref['table_name'])}`;
    const column = fileColumns.get(relation);
    if (column === undefined || (ref['catalog_name'] ?? '') !== '' || (Array.isArray(ref['column_name_alias']) && ref['column_name_alias'].length > 0)) continue;
    const read = `${relation}\u0000${column}\u0000${fileIds.join('\u0000')}`;
    if (!reads.has(read)) {
      const c = quoteIdentifier(column);
      const own = inline.get(relation);
      const table = own === undefined ? await limitedTableRead(store, reads, String(ref['schema_name']), String(ref['table_name']), column, fileIds, nullFree.has(relation)) : undefined;
      if (table !== undefined) reads.set(read, table);
      else {
        // An inline view's own SQL, its inputs limited in turn (the views it reads were planned before it: no cycle).
        // An inline view's SQL is read once, with one filter: two scans would compute it twice.
        const limited =
          own === undefined
            ? tableRead(`${quoteIdentifier(String(ref['schema_name']))}.${quoteIdentifier(String(ref['table_name']))}`, c, list, nullFree.has(relation))
            : `SELECT * FROM (SELECT * FROM (${await fileFilteredSql(store, own, fileColumns, fileIds, { reads, inline, nullFree })}) AS anatomy_source WHERE ${c} IN (${list}) OR ${c} IS NULL) AS anatomy_files`;
        const parsed = await serialized(store, limited);
        const statements = parsed?.['statements'];
        const node = Array.isArray(statements) && isObject(statements[0]) && isObject(statements[0]['node']) ? statements[0]['node']['from_table'] : undefined;
        reads.set(read, isObject(node) ? node : undefined);
      }
    }
    const template = reads.get(read);
    if (!isObject(template)) continue;
    tally.limited += 1;
    if (inline.has(relation)) tally.inlined += 1;
    const alias = String(ref['alias'] ?? '') === '' ? String(ref['table_name']) : String(ref['alias']);
    const replacement: Json = { ...(structuredClone(template) as Json), alias };
    if (Array.isArray(holder)) holder[slot as number] = replacement;
    else holder[slot as string] = replacement;
    changed = true;
  }
  if (!changed) return sql;
  return (await deserializedSql(store, tree)) || sql;
}

/**
 * DuckDB's SQL of a parse tree as `json_serialize_sql` gives it (and as
 * `JSON.parse` read it); '' when DuckDB writes nothing back. With `keep`,
 * the text is kept for the process, for a tree written back build after
 * build; a tree asked for before is answered from what was kept either way.
 *
 * @example
 * const sql = await deserializedSql(store, JSON.parse(treeJson));
 */
export async function deserializedSql(store: Store, tree: unknown, options: { readonly keep?: boolean } = {}): Promise<string> {
  // DuckDB writes an unknown query location as 2^64 − 1, which a JavaScript number cannot hold:
  // JSON.parse rounds it up to 2^64, which DuckDB's reader rejects. Put the exact value back.
  const json = JSON.stringify(tree).replaceAll(':18446744073709552000', ':18446744073709551615');
  const known = texts.get(json);
  if (known !== undefined) return known;
  const rows = await store.query(`SELECT json_deserialize_sql(${sqlString(json)}::JSON) AS sql`);
  const sql = String(rows[0]?.['sql'] ?? '');
  if (options.keep === true) {
    if (texts.size >= KEPT_TEXTS) texts.delete(texts.keys().next().value as string);
    texts.set(json, sql);
  }
  return sql;
}
