import { z } from 'zod';
import type { FilePartitioning } from './plan-signals.js';
import type { ViewLineage } from './view-lineage.js';

/**
 * Whether a view is file-local: every row it outputs for a file is computed
 * from input rows of that same file only, so an incremental build can
 * recompute just the rows of the files that changed. Otherwise the view is
 * global (module or symbol resolution across files, aggregation over
 * entities, ranking) and is recomputed whole when any of its inputs changed.
 */
export const FileLocalitySchema = z.object({
  view: z.string().min(1),
  local: z.boolean(),
  /** The result column holding the file identity rows are recomputed by; null when global. */
  column: z.string().min(1).nullable(),
  /**
   * Present when some rows of a file-local view belong to no file: branches
   * of its union put a constant NULL in the file column. Those rows are
   * recomputed whole whenever the view is updated; `inputs` are the stored
   * relations only such branches read, whose changes name no file to
   * recompute. A reader cannot take the column as a file identity.
   */
  nullFile: z.object({ inputs: z.array(z.string().min(1)) }).optional(),
  /**
   * Present on a global view whose rows can still be recomputed for some
   * files (see `keyedUpdate`): its rows of a file come from rows of that
   * file of the `anchors` and from rows of other relations joined to them
   * by equal keys (`probes`). A change of such a relation's rows reaches
   * only the files whose anchor rows hold one of the keys that changed.
   */
  keyed: z
    .object({
      /** The result column holding each row's file. */
      column: z.string().min(1),
      /**
       * The stored column the file column passes through, and whether it is
       * known never to hold NULL: a row of no file is recomputed with no file,
       * so an update by file needs that column free of NULLs.
       */
      source: z.object({ relation: z.string().min(1), column: z.string().min(1), nonNull: z.boolean() }),
      /** The stored relations read on the anchor side (a relation read on both sides is in `probes` too, and is read whole). */
      anchors: z.array(z.string().min(1)),
      /**
       * For each relation read on the other side, the join equalities that
       * tie it to an anchor: `foreign.foreignColumn` equals `match` of the
       * first relation `via`, whose `pass` equals `match` of the next one,
       * and so on to `relation.column` of an anchor (with no `via`, directly).
       */
      probes: z.array(
        z.object({
          relation: z.string().min(1),
          column: z.string().min(1),
          foreign: z.string().min(1),
          foreignColumn: z.string().min(1),
          via: z.array(z.object({ relation: z.string().min(1), match: z.string().min(1), pass: z.string().min(1) })),
        }),
      ),
      reason: z.string().min(1),
    })
    .optional(),
  /**
   * Present on a global view that groups the rows of one stored relation
   * by one of its columns (see `groupedUpdate`): a result row depends only
   * on the relation's rows holding its group key, so an incremental build
   * recomputes only the groups whose key the relation's changed rows hold.
   */
  grouped: z
    .object({
      /** The result column passing the group key through. */
      column: z.string().min(1),
      /** The stored relation grouped, and its column the group key is. */
      source: z.object({ relation: z.string().min(1), column: z.string().min(1) }),
      reason: z.string().min(1),
    })
    .optional(),
  /**
   * On a global view that carries its rows' file but is not `keyed`: why
   * `keyedUpdate` refused it, so it is recomputed whole whenever an input
   * changed.
   */
  unkeyed: z.string().min(1).optional(),
  reason: z.string().min(1),
});
export type FileLocality = z.infer<typeof FileLocalitySchema>;

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Every object of a JSON tree, depth first, each before the objects inside
 * it. Collected into an array by plain recursion: a generator delegating
 * level by level (`yield*`) resumes every enclosing level for each object,
 * and took five to six times as long on a view's parse tree.
 */
export function objects(value: unknown): Json[] {
  const out: Json[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
    } else if (isObject(node)) {
      out.push(node);
      for (const inner of Object.values(node)) visit(inner);
    }
  };
  visit(value);
  return out;
}

/** The stored relations a FROM subtree binds, by the alias a column reference uses; null when a side is not a plain stored table. */
export function boundTables(ref: unknown, ctes: ReadonlySet<string>): Map<string, string> | null {
  if (!isObject(ref)) return null;
  if (ref['type'] === 'JOIN') {
    const left = boundTables(ref['left'], ctes);
    const right = boundTables(ref['right'], ctes);
    if (left === null || right === null) return null;
    return new Map([...left, ...right]);
  }
  if (ref['type'] !== 'BASE_TABLE') return null;
  const schema = typeof ref['schema_name'] === 'string' ? ref['schema_name'] : '';
  const table = typeof ref['table_name'] === 'string' ? ref['table_name'] : '';
  // An unqualified name may be a CTE, whose file identity this check does not follow.
  if (schema === '' && ctes.has(table)) return null;
  return new Map([[fromAlias(ref), storedName(ref)]]);
}

/** The top-level conjuncts of a join condition. */
export function conjuncts(condition: unknown): Json[] {
  if (!isObject(condition)) return [];
  if (condition['class'] === 'CONJUNCTION' && condition['type'] === 'CONJUNCTION_AND' && Array.isArray(condition['children'])) {
    return condition['children'].flatMap(conjuncts);
  }
  return [condition];
}

/** `alias.column` of a qualified column reference, or null. */
export function qualifiedColumn(expression: unknown): { readonly alias: string; readonly column: string } | null {
  if (!isObject(expression) || expression['class'] !== 'COLUMN_REF' || !Array.isArray(expression['column_names'])) return null;
  const names = expression['column_names'] as unknown[];
  if (names.length !== 2 || typeof names[0] !== 'string' || typeof names[1] !== 'string') return null;
  return { alias: names[0], column: names[1] };
}

/** Resolves a qualified column of a FROM subtree to the stored column it reads, or null (see {@link sideColumns}). */
type SideColumns = (ref: { readonly alias: string; readonly column: string }) => StoredColumn | null;

/**
 * The stored column each `alias.column` of a FROM subtree reads: a stored
 * table's own column, or the stored column a CTE's result column passes
 * through unchanged (see {@link traceOutput}; null for one it computes).
 * Null when a side is anything else (a subquery, a table function, a CTE
 * whose query is not known).
 */
function sideColumns(ref: unknown, ctes: ReadonlySet<string>, queries: ReadonlyMap<string, Json>): SideColumns | null {
  if (!isObject(ref)) return null;
  if (ref['type'] === 'JOIN') {
    const left = sideColumns(ref['left'], ctes, queries);
    const right = sideColumns(ref['right'], ctes, queries);
    return left === null || right === null ? null : (column) => left(column) ?? right(column);
  }
  if (ref['type'] !== 'BASE_TABLE') return null;
  const alias = fromAlias(ref);
  const schema = typeof ref['schema_name'] === 'string' ? ref['schema_name'] : '';
  const table = typeof ref['table_name'] === 'string' ? ref['table_name'] : '';
  if (schema === '' && ctes.has(table)) {
    const query = queries.get(table);
    return query === undefined ? null : (column) => (column.alias === alias ? traceOutput(query, column.column, queries, 0, [], false) : null);
  }
  const stored = storedName(ref);
  return (column) => (column.alias === alias ? { table: stored, column: column.column } : null);
}

/**
 * The query of every CTE a parse tree defines, by name; a name defined
 * twice (in different scopes) is left out, as which one a reference means
 * is not followed.
 */
function cteQueries(tree: unknown): Map<string, Json> {
  const out = new Map<string, Json>();
  const twice = new Set<string>();
  for (const node of objects(tree)) {
    for (const [name, query] of withCtes(node, new Map())) {
      if (out.has(name) && out.get(name) !== query) twice.add(name);
      out.set(name, query);
    }
  }
  for (const name of twice) out.delete(name);
  return out;
}

/**
 * Whether one JOIN of the parse tree equates the file identities of its two
 * sides: a top-level `=` of the condition (or a USING column) whose operands
 * are columns naming their row's file (a file identity, or an entity id or
 * the id of a parent entity, which lies in the same file) of a table on the
 * left and one on the right. A side may be a CTE (a path of joins the
 * compiler materializes first, say) whose column passes such a column through
 * unchanged: its own joins are checked as joins of the tree.
 */
function joinsOnFile(join: Json, ctes: ReadonlySet<string>, queries: ReadonlyMap<string, Json>, fileIdentity: Readonly<Record<string, readonly string[]>>): string | null {
  const left = boundTables(join['left'], ctes);
  const right = boundTables(join['right'], ctes);
  if (left !== null && right !== null) {
    const using = Array.isArray(join['using_columns']) ? (join['using_columns'] as unknown[]).filter((c): c is string => typeof c === 'string') : [];
    const usingFile = using.some(
      (column) => [...left.values()].some((t) => (fileIdentity[t] ?? []).includes(column)) && [...right.values()].some((t) => (fileIdentity[t] ?? []).includes(column)),
    );
    if (usingFile) return null;
  }
  const leftColumns = sideColumns(join['left'], ctes, queries);
  const rightColumns = sideColumns(join['right'], ctes, queries);
  if (leftColumns === null || rightColumns === null) return 'one side of a join is not a stored table or a CTE passing stored columns through (a subquery, say), whose file identity is not followed';
  const isFileColumn = (side: SideColumns, ref: { alias: string; column: string } | null): boolean => {
    const stored = ref === null ? null : side(ref);
    return stored !== null && (fileIdentity[stored.table] ?? []).includes(stored.column);
  };
  for (const conjunct of conjuncts(join['condition'])) {
    if (conjunct['class'] !== 'COMPARISON' || conjunct['type'] !== 'COMPARE_EQUAL') continue;
    const [a, b] = [qualifiedColumn(conjunct['left']), qualifiedColumn(conjunct['right'])];
    if ((isFileColumn(leftColumns, a) && isFileColumn(rightColumns, b)) || (isFileColumn(leftColumns, b) && isFileColumn(rightColumns, a))) return null;
  }
  const tables = [...new Set([...(left?.values() ?? []), ...(right?.values() ?? [])])].sort().join(', ');
  return `a join of ${tables === '' ? 'a CTE' : tables} does not equate the file identities (or entity ids) of its two sides, so it can pair rows of different files`;
}

/** A stored column a result or window column resolves to. */
export interface StoredColumn {
  readonly table: string;
  readonly column: string;
}

/** The CTEs a query node defines, added to the ones of its enclosing queries. */
export function withCtes(node: Json, ctes: ReadonlyMap<string, Json>): Map<string, Json> {
  const out = new Map(ctes);
  const map = isObject(node['cte_map']) && Array.isArray(node['cte_map']['map']) ? (node['cte_map']['map'] as unknown[]) : [];
  for (const entry of map) {
    if (!isObject(entry) || typeof entry['key'] !== 'string' || !isObject(entry['value'])) continue;
    const query = entry['value']['query'];
    if (isObject(query) && isObject(query['node'])) out.set(entry['key'], query['node']);
  }
  return out;
}

/** One FROM item a traced column was read through, the FROM tree of the SELECT it stands in, and the CTEs in scope there. */
export interface TraceStep {
  readonly item: Json;
  readonly root: Json;
  readonly ctes: ReadonlyMap<string, Json>;
}

/** A stored column a result column passes through, with the FROM items it was read through, outermost first. */
export interface TracedColumn extends StoredColumn {
  readonly steps: readonly TraceStep[];
  /** Read on a side an outer join may NULL-extend somewhere along the way. */
  readonly extended: boolean;
}

/** The query a FROM item names: a CTE's or a subquery's node; undefined for a stored relation, null for anything else. */
function fromQuery(from: Json, ctes: ReadonlyMap<string, Json>): Json | undefined | null {
  if (from['type'] === 'SUBQUERY') {
    const node = isObject(from['subquery']) ? from['subquery']['node'] : undefined;
    return isObject(node) ? node : null;
  }
  const schema = typeof from['schema_name'] === 'string' ? from['schema_name'] : '';
  return schema === '' ? ctes.get(typeof from['table_name'] === 'string' ? from['table_name'] : '') : undefined;
}

/** The `schema.table` a base-table reference names, an unqualified name in `main`. */
export function storedName(ref: Json): string {
  const schema = typeof ref['schema_name'] === 'string' && ref['schema_name'] !== '' ? ref['schema_name'] : 'main';
  return `${schema}.${String(ref['table_name'])}`;
}

/** The outermost query node of a parse tree (a SELECT, a set operation or a CTE node), if any. */
export function topQuery(tree: unknown): Json | undefined {
  for (const node of objects(tree)) if (typeof node['type'] === 'string' && ['SELECT_NODE', 'SET_OPERATION_NODE', 'RECURSIVE_CTE_NODE', 'CTE_NODE'].includes(node['type'])) return node;
  return undefined;
}

/** The names of the CTEs a parse tree defines anywhere. */
export function cteNames(tree: unknown): Set<string> {
  const names = new Set<string>();
  for (const node of objects(tree)) {
    const map = isObject(node['cte_map']) && Array.isArray(node['cte_map']['map']) ? (node['cte_map']['map'] as unknown[]) : [];
    for (const entry of map) if (isObject(entry) && typeof entry['key'] === 'string') names.add(entry['key']);
  }
  return names;
}

/** The stored relations a parse tree reads, `schema.table` (CTE references left out). */
export function storedRelations(tree: unknown): Json[] {
  const ctes = cteNames(tree);
  return objects(tree).filter((node) => node['type'] === 'BASE_TABLE' && !((node['schema_name'] ?? '') === '' && ctes.has(String(node['table_name']))));
}

/**
 * Why the rows of one `unit` (a file, a group) of a view may depend on
 * rows of another, from what a parse tree holds beyond joins and
 * aggregates: a subquery expression, a window, a set operation or
 * recursive CTE, a LIMIT or SAMPLE, a table function or DISTINCT ON. Null
 * when it holds none of them; nodes in `allowed` (windows and subqueries
 * the caller showed harmless) are passed over.
 */
export function rowCombiner(tree: unknown, unit: string, allowed: ReadonlySet<Json> = new Set()): string | null {
  for (const node of objects(tree)) {
    if (allowed.has(node)) continue;
    if (node['class'] === 'SUBQUERY') return `a subquery expression can read rows of any ${unit}`;
    if (node['class'] === 'WINDOW') return `a window combines rows of several ${unit}s`;
    if (node['type'] === 'SET_OPERATION_NODE' || node['type'] === 'RECURSIVE_CTE_NODE') return 'a set operation or recursive CTE combines rows of several queries';
    if (node['type'] === 'LIMIT_MODIFIER' || node['type'] === 'LIMIT_PERCENT_MODIFIER') return 'a LIMIT keeps rows depending on every row';
    if (node['sample'] !== undefined && node['sample'] !== null) return 'a SAMPLE keeps rows depending on every row';
    if (node['type'] === 'TABLE_FUNCTION') return 'it reads a table function';
    if (node['type'] === 'DISTINCT_MODIFIER' && Array.isArray(node['distinct_on_targets']) && node['distinct_on_targets'].length > 0) return `DISTINCT ON keeps one row per key, whichever ${unit} it comes from`;
  }
  return null;
}

/** The alias a column reference uses for a FROM item (a stored table, a CTE or a subquery). */
export function fromAlias(from: Json): string {
  if (typeof from['alias'] === 'string' && from['alias'] !== '') return from['alias'];
  return typeof from['table_name'] === 'string' ? from['table_name'] : '';
}

/**
 * The stored column a column reference of a SELECT reads, followed through
 * joins (qualified names), CTEs and subqueries in FROM that rename or pass
 * it on (`*` and `alias.*` included), with the FROM items on the way; null
 * when it cannot be shown (a computed value, an unqualified name over a
 * join, a set operation). `depth` bounds the walk, so a CTE that names
 * itself cannot loop.
 */
function traceReference(names: readonly string[], from: unknown, ctes: ReadonlyMap<string, Json>, depth: number, root: Json, steps: readonly TraceStep[], extended: boolean): TracedColumn | null {
  if (depth > 32 || !isObject(from) || names.length === 0 || names.length > 2) return null;
  const column = names[names.length - 1] ?? '';
  if (from['type'] === 'JOIN') {
    // Only a qualified name says which side it reads.
    if (names.length !== 2) return null;
    const type = from['join_type'];
    return (
      traceReference(names, from['left'], ctes, depth + 1, root, steps, extended || !(type === 'INNER' || type === 'LEFT')) ??
      traceReference(names, from['right'], ctes, depth + 1, root, steps, extended || !(type === 'INNER' || type === 'RIGHT'))
    );
  }
  if (from['type'] !== 'BASE_TABLE' && from['type'] !== 'SUBQUERY') return null;
  if (names.length === 2 && names[0] !== fromAlias(from)) return null;
  const through = [...steps, { item: from, root, ctes }];
  const query = fromQuery(from, ctes);
  if (query === null) return null;
  if (query !== undefined) return traceOutput(query, column, ctes, depth + 1, through, extended);
  return { table: storedName(from), column, steps: through, extended };
}

/** The stored column a query's result column passes through unchanged (see {@link traceReference}), or null. */
export function traceOutput(node: Json, column: string, outer: ReadonlyMap<string, Json>, depth: number, steps: readonly TraceStep[], extended: boolean): TracedColumn | null {
  if (node['type'] !== 'SELECT_NODE' || !Array.isArray(node['select_list']) || !isObject(node['from_table'])) return null;
  const ctes = withCtes(node, outer);
  const list = node['select_list'] as unknown[];
  for (const item of list) {
    if (!isObject(item) || itemName(item) !== column) continue;
    const names = columnNames(item);
    return names === null ? null : traceReference(names, node['from_table'], ctes, depth + 1, node['from_table'], steps, extended);
  }
  const names = starReference(list, column);
  return names === null ? null : traceReference(names, node['from_table'], ctes, depth + 1, node['from_table'], steps, extended);
}

/**
 * The reference through which `*` or `alias.*` (with nothing excluded,
 * replaced or renamed) passes a column of its FROM (or of that item) on,
 * for a column the select list names nowhere else; null without such a star.
 */
function starReference(list: readonly unknown[], column: string): string[] | null {
  const star = list.find((item) => isObject(item) && item['class'] === 'STAR');
  if (!isObject(star) || typeof star['relation_name'] !== 'string' || star['columns'] === true) return null;
  if (['exclude_list', 'replace_list', 'qualified_exclude_list', 'rename_list'].some((key) => Array.isArray(star[key]) && (star[key] as unknown[]).length > 0)) return null;
  return star['relation_name'] === '' ? [column] : [star['relation_name'], column];
}

/** The stored column a column reference of a SELECT reads, with the FROM items on the way (see {@link traceReference}); null when it cannot be shown. */
export function traceColumnRef(names: readonly string[], select: Json, ctes: ReadonlyMap<string, Json>): TracedColumn | null {
  const from = select['from_table'];
  return isObject(from) ? traceReference(names, from, ctes, 0, from, [], false) : null;
}

/** The stored column a column reference reads (see {@link traceReference}), without the way there. */
function resolveReference(names: readonly string[], from: unknown, ctes: ReadonlyMap<string, Json>, depth: number): StoredColumn | null {
  const traced = isObject(from) ? traceReference(names, from, ctes, depth, from, [], false) : null;
  return traced === null ? null : { table: traced.table, column: traced.column };
}

/** The SELECT branches of a UNION (ALL), left to right; null for any other set operation. */
function unionBranches(node: Json): Json[] | null {
  if (node['type'] === 'SELECT_NODE') return [node];
  if (node['type'] !== 'SET_OPERATION_NODE' || node['setop_type'] !== 'UNION') return null;
  const left = isObject(node['left']) ? unionBranches(node['left']) : null;
  const right = isObject(node['right']) ? unionBranches(node['right']) : null;
  return left === null || right === null ? null : [...left, ...right];
}

/** The name a select-list item gives its result column, or undefined when it gives none the tree shows. */
export function itemName(item: unknown): string | undefined {
  if (!isObject(item)) return undefined;
  if (typeof item['alias'] === 'string' && item['alias'] !== '') return item['alias'];
  const names = Array.isArray(item['column_names']) ? (item['column_names'] as unknown[]).filter((n): n is string => typeof n === 'string') : [];
  return item['class'] === 'COLUMN_REF' ? names[names.length - 1] : undefined;
}

/**
 * Whether a column reference of a SELECT reads, in every row, a stored
 * column the predicate accepts: followed through joins (qualified names),
 * CTEs that pass it on, and the branches of a UNION (ALL) CTE, matched by
 * position as the set operation matches them. Anything else (a computed
 * value, `*`, a subquery in FROM) is not shown.
 */
function referenceIs(names: readonly string[], from: unknown, ctes: ReadonlyMap<string, Json>, accepted: (stored: StoredColumn) => boolean, depth: number): boolean {
  if (depth > 32 || !isObject(from) || names.length === 0 || names.length > 2) return false;
  if (from['type'] === 'JOIN') {
    if (names.length !== 2) return false;
    // The side an outer join may NULL-extend does not pass its values on in every row.
    const type = from['join_type'];
    const left = type === 'INNER' || type === 'LEFT';
    const right = type === 'INNER' || type === 'RIGHT';
    return (left && referenceIs(names, from['left'], ctes, accepted, depth + 1)) || (right && referenceIs(names, from['right'], ctes, accepted, depth + 1));
  }
  if (from['type'] !== 'BASE_TABLE' && from['type'] !== 'SUBQUERY') return false;
  if (names.length === 2 && names[0] !== fromAlias(from)) return false;
  const column = names[names.length - 1] ?? '';
  const cte = fromQuery(from, ctes);
  if (cte === null) return false;
  if (cte === undefined) {
    return accepted({ table: storedName(from), column });
  }
  const branches = unionBranches(cte);
  if (branches === null || branches.length === 0) return false;
  const first = branches[0]?.['select_list'];
  if (!Array.isArray(first)) return false;
  const position = (first as unknown[]).findIndex((item) => itemName(item) === column);
  if (position < 0) {
    // A single SELECT passing its FROM's columns on with `*` or `alias.*`.
    const only = branches.length === 1 ? branches[0] : undefined;
    const inner = only === undefined ? null : starReference(first as unknown[], column);
    return only !== undefined && inner !== null && referenceIs(inner, only['from_table'], withCtes(only, ctes), accepted, depth + 1);
  }
  return branches.every((branch) => {
    const item = Array.isArray(branch['select_list']) ? (branch['select_list'] as unknown[])[position] : undefined;
    if (!isObject(item) || item['class'] !== 'COLUMN_REF' || !Array.isArray(item['column_names'])) return false;
    const inner = (item['column_names'] as unknown[]).filter((n): n is string => typeof n === 'string');
    return referenceIs(inner, branch['from_table'], withCtes(branch, ctes), accepted, depth + 1);
  });
}

/** The names of a column reference, or null for any other expression. */
export function columnNames(expression: unknown): string[] | null {
  if (!isObject(expression) || expression['class'] !== 'COLUMN_REF' || !Array.isArray(expression['column_names'])) return null;
  return (expression['column_names'] as unknown[]).filter((n): n is string => typeof n === 'string');
}

/** Aggregates that return one of the values they are given, so over rows sharing one value they return it. */
const PICKING_AGGREGATES = new Set(['first', 'last', 'any_value', 'arbitrary', 'min', 'max']);

/** The SELECT nodes of a parse tree, each with the CTEs in scope where it stands. */
export function* selectsInScope(value: unknown, ctes: ReadonlyMap<string, Json> = new Map()): Generator<{ readonly node: Json; readonly ctes: ReadonlyMap<string, Json> }> {
  if (Array.isArray(value)) {
    for (const item of value) yield* selectsInScope(item, ctes);
    return;
  }
  if (!isObject(value)) return;
  let inner = ctes;
  if (value['type'] === 'SELECT_NODE') {
    inner = withCtes(value, ctes);
    yield { node: value, ctes: inner };
  } else if (typeof value['type'] === 'string' && ['SET_OPERATION_NODE', 'RECURSIVE_CTE_NODE', 'CTE_NODE'].includes(value['type'])) {
    inner = withCtes(value, ctes);
  }
  for (const child of Object.values(value)) yield* selectsInScope(child, inner);
}

/**
 * The tests of a column whose value names its row's file: one for columns
 * naming it outright, then one per claim of stable ids (`edge#1`, say; see
 * {@link idFileClaims}) for columns every branch reads with that claim, or
 * naming the file outright. Rows equal on a column passing one test lie in
 * one file.
 */
function fileNamingTests(naming: (stored: StoredColumn) => boolean, claims: IdFileClaims | undefined): ((stored: StoredColumn) => boolean)[] {
  const claimed = [...new Set(Object.values(claims ?? {}).flatMap((columns) => Object.values(columns).flat()))].sort();
  return [naming, ...claimed.map((claim) => (s: StoredColumn): boolean => naming(s) || (claims?.[s.table]?.[s.column] ?? []).includes(claim))];
}

/**
 * Whether a SELECT groups by a column naming its rows' file in every
 * grouping set, so that each group holds rows of one file only and its
 * aggregates combine nothing across files. The key must be one known never
 * to hold NULL: a NULL key gathers the rows of every file in one group.
 */
function groupsByFile(select: Json, ctes: ReadonlyMap<string, Json>, naming: (stored: StoredColumn) => boolean, claims?: IdFileClaims): boolean {
  const keys = Array.isArray(select['group_expressions']) ? (select['group_expressions'] as unknown[]) : [];
  const tests = fileNamingTests(naming, claims);
  const fileKeys = new Set(
    keys
      .map((key, index) => ({ key, index }))
      .filter(({ key }) => {
        const ref = isObject(key) && key['class'] === 'COLUMN_REF' && Array.isArray(key['column_names']) ? (key['column_names'] as unknown[]).filter((n): n is string => typeof n === 'string') : null;
        return ref !== null && tests.some((accepted) => referenceIs(ref, select['from_table'], ctes, accepted, 0));
      })
      .map(({ index }) => index),
  );
  if (fileKeys.size === 0) return false;
  // Without ROLLUP, CUBE or GROUPING SETS there is one set of every key; with them, each must keep a file key.
  const sets = Array.isArray(select['group_sets']) ? (select['group_sets'] as unknown[]) : [];
  if (sets.length === 0) return false;
  return sets.every((set) => Array.isArray(set) && (set as unknown[]).some((index) => typeof index === 'number' && fileKeys.has(index)));
}

/**
 * The correlated EXISTS / NOT EXISTS subqueries whose outcome for a row
 * depends on rows of that row's file only: the subquery reads one stored
 * table and, among the top-level conjuncts of its WHERE, equates a column
 * of that table naming its row's file with a column of the enclosing query
 * naming the outer row's file. Every inner row that can match then lies in
 * the outer row's file. An unqualified outer name counts only when the
 * inner table's columns are known not to hold it (else it would bind inside).
 */
function fileCorrelatedExists(
  tree: unknown,
  naming: (stored: StoredColumn) => boolean,
  relationColumns: ReadonlyMap<string, ReadonlySet<string>> | undefined,
  claims?: IdFileClaims,
): Set<Json> {
  const kept = new Set<Json>();
  for (const { node: select, ctes } of selectsInScope(tree)) {
    for (const key of ['select_list', 'where_clause', 'having', 'qualify']) {
      for (const expression of ownExpressions(select[key])) {
        if (expression['class'] !== 'SUBQUERY' || expression['subquery_type'] !== 'EXISTS') continue;
        const inner = isObject(expression['subquery']) ? expression['subquery']['node'] : undefined;
        if (!isObject(inner) || inner['type'] !== 'SELECT_NODE') continue;
        if (cteCorrelatedOnFile(select, inner, ctes, naming, claims)) {
          kept.add(expression);
          continue;
        }
        const bound = boundTables(inner['from_table'], new Set(withCtes(inner, ctes).keys()));
        if (bound === null || bound.size !== 1) continue;
        const [alias, table] = [...bound][0] ?? ['', ''];
        const innerColumns = relationColumns?.get(table.toLowerCase());
        const isInner = (ref: { alias: string; column: string } | null): boolean => ref !== null && ref.alias === alias && naming({ table, column: ref.column });
        const isOuter = (operand: unknown): boolean => {
          if (!isObject(operand) || operand['class'] !== 'COLUMN_REF' || !Array.isArray(operand['column_names'])) return false;
          const names = (operand['column_names'] as unknown[]).filter((n): n is string => typeof n === 'string');
          if (names.length === 2 && names[0] === alias) return false;
          if (names.length === 1 && (innerColumns === undefined || innerColumns.has((names[0] ?? '').toLowerCase()))) return false;
          return referenceIs(names, select['from_table'], ctes, naming, 0);
        };
        const correlated = conjuncts(inner['where_clause']).some(
          (c) =>
            c['class'] === 'COMPARISON' &&
            c['type'] === 'COMPARE_EQUAL' &&
            ((isInner(qualifiedColumn(c['left'])) && isOuter(c['right'])) || (isInner(qualifiedColumn(c['right'])) && isOuter(c['left']))),
        );
        if (correlated) kept.add(expression);
      }
    }
  }
  return kept;
}

/**
 * Whether an EXISTS subquery reading one CTE matches rows of the outer row's
 * file only: among the top-level conjuncts of its WHERE, a column of the CTE
 * equals a column of the enclosing query, and both trace (through the CTEs
 * and the union branches they read) to columns naming their row's file, or
 * to ids that every branch claims alike (see {@link idFileClaims}). Rows
 * equal on such a column lie in one file.
 */
function cteCorrelatedOnFile(
  outer: Json,
  inner: Json,
  ctes: ReadonlyMap<string, Json>,
  naming: (stored: StoredColumn) => boolean,
  claims: IdFileClaims | undefined,
): boolean {
  const from = inner['from_table'];
  const innerCtes = withCtes(inner, ctes);
  if (!isObject(from) || from['type'] !== 'BASE_TABLE' || (typeof from['schema_name'] === 'string' && from['schema_name'] !== '')) return false;
  if (!innerCtes.has(String(from['table_name']))) return false;
  const alias = fromAlias(from);
  const tests = fileNamingTests(naming, claims);
  return conjuncts(inner['where_clause']).some((c) => {
    if (c['class'] !== 'COMPARISON' || c['type'] !== 'COMPARE_EQUAL') return false;
    const sides = [columnNames(c['left']), columnNames(c['right'])];
    return [sides, [...sides].reverse()].some(([a, b]) => {
      // Both sides qualified, by the CTE's alias and by another: an unqualified name could bind inside.
      if (a === null || b === null || a === undefined || b === undefined || a.length !== 2 || a[0] !== alias || b.length !== 2 || b[0] === alias) return false;
      return tests.some((accepted) => referenceIs(a, from, innerCtes, accepted, 0) && referenceIs(b, outer['from_table'], ctes, accepted, 0));
    });
  });
}

/**
 * The result column that carries the file identity of a query's rows: one
 * picked per group of a query grouped by a file-naming key (`first(file_id)`,
 * say: every row of a group lies in one file, so the value picked is that
 * file's identity). For a UNION, every branch gives the column at the same
 * position, either picked per group like that or passed through from a file
 * identity it reads (a CTE's or subquery's column included).
 */
function pickedFileColumn(tree: unknown, naming: (stored: StoredColumn) => boolean, fileIdentity: (stored: StoredColumn) => boolean, claims?: IdFileClaims): string | null {
  const top = topQuery(tree);
  if (top === undefined) return null;
  const ctes = withCtes(top, new Map());
  if (top['type'] === 'SELECT_NODE') {
    const position = pickedPosition(top, ctes, naming, fileIdentity, claims);
    return position === null ? null : (itemName((top['select_list'] as unknown[])[position]) ?? null);
  }
  const branches = unionBranches(top);
  if (branches === null || branches.length < 2) return null;
  const positions = branches.map((branch) => {
    const inScope = withCtes(branch, ctes);
    return pickedPosition(branch, inScope, naming, fileIdentity, claims) ?? passedPosition(branch, inScope, fileIdentity);
  });
  const [first] = positions;
  if (first === null || first === undefined || positions.some((p) => p !== first)) return null;
  const list = branches[0]?.['select_list'];
  return Array.isArray(list) ? (itemName(list[first]) ?? null) : null;
}

/** The position of the select-list item that picks a file identity per group of a SELECT grouped by a file-naming key, or null. */
function pickedPosition(
  select: Json,
  ctes: ReadonlyMap<string, Json>,
  naming: (stored: StoredColumn) => boolean,
  fileIdentity: (stored: StoredColumn) => boolean,
  claims?: IdFileClaims,
): number | null {
  if (select['type'] !== 'SELECT_NODE' || !Array.isArray(select['select_list'])) return null;
  if (!groupsByFile(select, ctes, naming, claims)) return null;
  const list = select['select_list'] as unknown[];
  for (const [position, item] of list.entries()) {
    if (!isObject(item) || item['class'] !== 'FUNCTION' || typeof item['function_name'] !== 'string' || !PICKING_AGGREGATES.has(item['function_name'])) continue;
    if (item['distinct'] === true || !Array.isArray(item['children']) || item['children'].length !== 1) continue;
    const child = (item['children'] as unknown[])[0];
    if (!isObject(child) || child['class'] !== 'COLUMN_REF' || !Array.isArray(child['column_names'])) continue;
    const names = (child['column_names'] as unknown[]).filter((n): n is string => typeof n === 'string');
    // A FILTER other than `IS NOT NULL` of the picked column could leave a group without a file.
    const filter = item['filter'];
    const filterKept =
      filter === null ||
      filter === undefined ||
      (isObject(filter) &&
        filter['type'] === 'OPERATOR_IS_NOT_NULL' &&
        Array.isArray(filter['children']) &&
        JSON.stringify(columnNames((filter['children'] as unknown[])[0])) === JSON.stringify(names));
    if (filterKept && itemName(item) !== undefined && referenceIs(names, select['from_table'], ctes, fileIdentity, 0)) return position;
  }
  return null;
}

/** The position of the select-list item of a SELECT that does not group which passes a file identity through unchanged, or null. */
function passedPosition(select: Json, ctes: ReadonlyMap<string, Json>, fileIdentity: (stored: StoredColumn) => boolean): number | null {
  if (select['type'] !== 'SELECT_NODE' || !Array.isArray(select['select_list'])) return null;
  if (Array.isArray(select['group_expressions']) && select['group_expressions'].length > 0) return null;
  const list = select['select_list'] as unknown[];
  for (const [position, item] of list.entries()) {
    const names = columnNames(item);
    if (names !== null && referenceIs(names, select['from_table'], ctes, fileIdentity, 0)) return position;
  }
  return null;
}

/** The expressions of one SELECT, without descending into the queries nested in them. */
export function* ownExpressions(value: unknown): Generator<Json> {
  if (Array.isArray(value)) {
    for (const item of value) yield* ownExpressions(item);
  } else if (isObject(value)) {
    if (typeof value['type'] === 'string' && ['SELECT_NODE', 'SET_OPERATION_NODE', 'RECURSIVE_CTE_NODE', 'CTE_NODE'].includes(value['type'])) return;
    yield value;
    for (const inner of Object.values(value)) yield* ownExpressions(inner);
  }
}

/**
 * The window functions of a parse tree whose partition cannot be shown to
 * hold rows of one file only. A partition holds one file when one of its
 * keys reads a column whose value names the file of the row holding it: a
 * file identity, or an entity identity (ids derive from the file id and a
 * location, so two rows sharing one belong to one file).
 */
function mixedWindows(tree: unknown, fileColumns: (stored: StoredColumn) => boolean): string[] {
  const mixed: string[] = [];
  let checked = 0;
  const visit = (value: unknown, ctes: ReadonlyMap<string, Json>): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, ctes);
      return;
    }
    if (!isObject(value)) return;
    let inner = ctes;
    if (value['type'] === 'SELECT_NODE') {
      inner = withCtes(value, ctes);
      for (const key of ['select_list', 'where_clause', 'having', 'qualify', 'group_expressions']) {
        for (const expression of ownExpressions(value[key])) {
          if (expression['class'] !== 'WINDOW') continue;
          checked += 1;
          const partitions = Array.isArray(expression['partitions']) ? (expression['partitions'] as unknown[]) : [];
          const kept = partitions.some((p) => {
            if (!isObject(p) || p['class'] !== 'COLUMN_REF' || !Array.isArray(p['column_names'])) return false;
            const names = (p['column_names'] as unknown[]).filter((n): n is string => typeof n === 'string');
            const stored = resolveReference(names, value['from_table'], inner, 0);
            return stored !== null && fileColumns(stored);
          });
          if (!kept) mixed.push(typeof expression['function_name'] === 'string' ? expression['function_name'] : 'a window');
        }
      }
    }
    for (const child of Object.values(value)) visit(child, inner);
  };
  visit(tree, new Map());
  // A window anywhere else (an ORDER BY modifier, say) was not followed: count it as mixing files.
  const windows = objects(tree).filter((node) => node['class'] === 'WINDOW').length;
  if (windows > checked) mixed.push('a window');
  return mixed;
}

/**
 * Classifies a view as file-local or global from what DuckDB says about it,
 * never from its name or declaration: its lineage (the result column that
 * passes a file identity through, the functions it calls) and its parse tree
 * (joins, subquery expressions, LIMIT and SAMPLE). A view is file-local when
 * a result column passes an input's file identity through in every branch,
 * every join equates the file identities of its two sides, and nothing
 * combines rows across files: no aggregate, no window function unless it is
 * partitioned by a column naming the file of its rows, no subquery
 * expression, no table function, no LIMIT or SAMPLE. Anything this cannot
 * show keeps the view global, which is always correct, only slower.
 *
 * @example
 * const locality = fileLocality({ lineage, parseTree: bundle.parseTree, partitioning: signals.filePartitioning, fileIdentityColumns });
 * locality.local; // true for a view that only normalizes one evidence table
 */
export function fileLocality(input: {
  readonly lineage: ViewLineage;
  readonly parseTree: unknown;
  readonly partitioning: FilePartitioning;
  /** File-identity columns by `schema.table`, registered datasets and file-carrying views alike. */
  readonly fileIdentityColumns: Readonly<Record<string, readonly string[]>>;
  /**
   * Columns, by `schema.table`, whose value names the file of the row
   * holding it: the entity-identity and parent-identity columns of registered
   * datasets that carry a file identity, and the columns file-local views
   * pass them through to. A window partitioned by one never mixes files, and
   * a join equating two of them pairs rows of one file.
   */
  readonly rowFileColumns?: Readonly<Record<string, readonly string[]>>;
  /**
   * The columns of stored relations by `schema.table` (the lineage
   * catalog's): an unqualified name in an EXISTS subquery reads the outer
   * query only when the inner table is known not to have that column.
   */
  readonly relationColumns?: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * Columns, by `schema.table`, that name their row's file and never hold
   * NULL: only a GROUP BY on one of them keeps a view's aggregates within a
   * file. Without it no aggregate is taken as file-local.
   */
  readonly groupKeyColumns?: Readonly<Record<string, readonly string[]>>;
  /**
   * What the stable ids of views with a file column claim (see
   * {@link idFileClaims}): a GROUP BY on ids that every branch claims alike
   * keeps each group within one file.
   */
  readonly idFileClaims?: IdFileClaims;
}): FileLocality {
  const { lineage, partitioning } = input;
  const global = (reason: string): FileLocality => ({ view: lineage.view, local: false, column: null, reason });
  // Every column whose value names its row's file: two rows equal on one belong to one file.
  const naming: Record<string, string[]> = {};
  for (const source of [input.fileIdentityColumns, input.rowFileColumns ?? {}]) {
    for (const [table, columns] of Object.entries(source)) naming[table] = [...(naming[table] ?? []), ...columns];
  }
  const namesFile = (s: StoredColumn): boolean => (naming[s.table] ?? []).includes(s.column);
  // Grouped by a file-naming key, a query that picks a file identity per group carries it as well.
  const groupKeys = input.groupKeyColumns ?? {};
  const keyNamesFile = (s: StoredColumn): boolean => (groupKeys[s.table] ?? []).includes(s.column);
  const picked = partitioning.partitionable ? null : pickedFileColumn(input.parseTree, keyNamesFile, (s) => (input.fileIdentityColumns[s.table] ?? []).includes(s.column), input.idFileClaims);
  const column = partitioning.partitionable ? partitioning.column : picked;
  const isFileIdentity = (s: StoredColumn): boolean => (input.fileIdentityColumns[s.table] ?? []).includes(s.column);
  // count(*) reaches the parse tree as count_star, a name the catalog does not list.
  const combining = new Set(lineage.functions.filter((f) => f.kind === 'aggregate' || f.kind === 'window' || f.name === 'count_star').map((f) => f.name));
  if (column === null) {
    // A union some of whose branches put a constant NULL in the file column: file-local for the other
    // branches' rows when those branches are, the NULL rows recomputed whole.
    const split = lineage.ctes.length === 0 ? nullFileBranches(input.parseTree, isFileIdentity) : null;
    if (split === null) return global(`its rows carry no file identity: ${partitioning.reason}`);
    const fileTables = storedTables(split.file);
    const problem = combinesFiles({ tree: split.file, tables: fileTables, tableFunctions: tableFunctionsIn(split.file), ctes: new Set(), combining, namesFile, keyNamesFile, fileIdentityColumns: input.fileIdentityColumns, naming, ...(input.groupKeyColumns === undefined ? {} : { groupKeyColumns: input.groupKeyColumns }), ...(input.relationColumns === undefined ? {} : { relationColumns: input.relationColumns }), ...(input.idFileClaims === undefined ? {} : { idFileClaims: input.idFileClaims }) });
    if (problem !== null) return global(`${split.column} is a constant NULL in some branches of its union, but the branches passing a file identity through are not file-local: ${problem}`);
    const fileInputs = new Set(fileTables);
    const nullInputs = [...new Set(storedTables(split.null))].filter((t) => !fileInputs.has(t)).sort();
    const sources = [...new Set(split.sources)].sort().join(', ');
    return {
      view: lineage.view,
      local: true,
      column: split.column,
      nullFile: { inputs: nullInputs },
      reason:
        `${split.column} carries the file identity of every input row in the branches passing it through (${sources}) and is a constant NULL in the others, ` +
        `whose rows are recomputed whole; in the former every join equates file identities and nothing combines rows across files`,
    };
  }
  const problem = combinesFiles({
    tree: input.parseTree,
    tables: lineage.tables,
    tableFunctions: lineage.functions.filter((f) => f.kind === 'table' || f.kind === 'table-macro').map((f) => f.name),
    ctes: new Set(lineage.ctes),
    combining,
    namesFile,
    keyNamesFile,
    fileIdentityColumns: input.fileIdentityColumns,
    naming,
    ...(input.groupKeyColumns === undefined ? {} : { groupKeyColumns: input.groupKeyColumns }),
    ...(input.relationColumns === undefined ? {} : { relationColumns: input.relationColumns }),
    ...(input.idFileClaims === undefined ? {} : { idFileClaims: input.idFileClaims }),
  });
  if (problem !== null) return global(problem);
  const carried =
    picked === null
      ? `${column} carries the file identity of every input row a result row comes from (${[...new Set(partitioning.sources)].join(', ')})`
      : `${column} picks the file identity of a group of rows grouped by a column naming their file`;
  return {
    view: lineage.view,
    local: true,
    column,
    reason: `${carried}, every join equates file identities${fileCorrelatedExists(input.parseTree, namesFile, input.relationColumns, input.idFileClaims).size > 0 ? ', every EXISTS matches rows of the same file' : ''} and nothing combines rows across files`,
  };
}

/**
 * Why a query (a parse tree, or the branches of one) can combine rows of
 * several files, or null when it cannot: an aggregate not grouped by a
 * file-naming key, a window not partitioned by one, a table function, a
 * table carrying no file identity, a subquery expression other than an
 * EXISTS matching rows of the same file, LIMIT, SAMPLE, DISTINCT ON, or a
 * join that does not equate the file identities of its sides.
 */
function combinesFiles(input: {
  readonly tree: unknown;
  /** The stored relations the tree reads. */
  readonly tables: readonly string[];
  readonly tableFunctions: readonly string[];
  readonly ctes: ReadonlySet<string>;
  /** Aggregate and window function names (count_star included). */
  readonly combining: ReadonlySet<string>;
  readonly namesFile: (stored: StoredColumn) => boolean;
  readonly keyNamesFile: (stored: StoredColumn) => boolean;
  readonly fileIdentityColumns: Readonly<Record<string, readonly string[]>>;
  readonly naming: Readonly<Record<string, readonly string[]>>;
  readonly groupKeyColumns?: Readonly<Record<string, readonly string[]>>;
  readonly relationColumns?: ReadonlyMap<string, ReadonlySet<string>>;
  readonly idFileClaims?: IdFileClaims;
}): string | null {
  const { tree, combining, namesFile, keyNamesFile } = input;
  const isAggregate = (node: Json): boolean => node['class'] === 'FUNCTION' && typeof node['function_name'] === 'string' && combining.has(node['function_name']);
  // An aggregate of a query grouped by a file-naming key combines rows of one file; any other
  // (GROUP BY another key, or over the whole input) combines rows of any file.
  const perFile = new Set<Json>();
  for (const { node, ctes } of selectsInScope(tree)) {
    if (!groupsByFile(node, ctes, keyNamesFile, input.idFileClaims)) continue;
    for (const key of ['select_list', 'having', 'qualify']) for (const expression of ownExpressions(node[key])) if (isAggregate(expression)) perFile.add(expression);
  }
  const aggregated = objects(tree).filter((node) => isAggregate(node) && !perFile.has(node)).map((node) => String(node['function_name']));
  if (aggregated.length > 0) return `it calls ${[...new Set(aggregated)].sort().join(', ')}, which combine rows that may belong to several files`;
  // A NULL partition key gathers the rows of every file too: given the keys known never NULL, only they partition by file.
  const mixed = mixedWindows(tree, input.groupKeyColumns === undefined ? namesFile : keyNamesFile);
  if (mixed.length > 0) {
    return `it calls ${[...new Set(mixed)].sort().join(', ')} over a window not partitioned by a file or entity identity, which combines rows that may belong to several files`;
  }
  if (input.tableFunctions.length > 0) return `it reads table functions (${input.tableFunctions.join(', ')}), whose rows belong to no file`;
  const unowned = input.tables.filter((t) => input.fileIdentityColumns[t] === undefined);
  if (unowned.length > 0) return `it reads ${unowned.join(', ')}, which carries no file identity`;
  const sameFileExists = fileCorrelatedExists(tree, namesFile, input.relationColumns, input.idFileClaims);
  const queries = cteQueries(tree);
  for (const node of objects(tree)) {
    if (node['class'] === 'SUBQUERY' && !sameFileExists.has(node)) return 'a subquery expression can read rows of any file';
    if (node['type'] === 'LIMIT_MODIFIER' || node['type'] === 'LIMIT_PERCENT_MODIFIER') return 'a LIMIT keeps rows depending on the rows of other files';
    if (node['sample'] !== undefined && node['sample'] !== null) return 'a SAMPLE keeps rows depending on the rows of other files';
    if (node['type'] === 'DISTINCT_MODIFIER' && Array.isArray(node['distinct_on_targets']) && node['distinct_on_targets'].length > 0) {
      return 'DISTINCT ON keeps one row per key, whichever file it comes from';
    }
    if (node['type'] === 'JOIN') {
      const problem = joinsOnFile(node, input.ctes, queries, input.naming);
      if (problem !== null) return problem;
    }
  }
  return null;
}

/** Whether an expression is a constant NULL, bare or cast to a type. */
function isNullConstant(expression: unknown): boolean {
  if (!isObject(expression)) return false;
  if (expression['class'] === 'CAST') return isNullConstant(expression['child']);
  return expression['class'] === 'CONSTANT' && isObject(expression['value']) && expression['value']['is_null'] === true;
}

/** The stored tables a parse tree (or a list of branches) reads, schema-qualified, sorted; a tree without CTEs only. */
function storedTables(tree: unknown): string[] {
  const tables = objects(tree)
    .filter((node) => node['type'] === 'BASE_TABLE' && typeof node['table_name'] === 'string')
    .map(storedName);
  return [...new Set(tables)].sort();
}

/** The table functions a parse tree (or a list of branches) reads in FROM. */
function tableFunctionsIn(tree: unknown): string[] {
  const names = objects(tree)
    .filter((node) => node['type'] === 'TABLE_FUNCTION')
    .map((node) => (isObject(node['function']) && typeof node['function']['function_name'] === 'string' ? node['function']['function_name'] : 'a table function'));
  return [...new Set(names)].sort();
}

/**
 * Splits a top-level UNION (ALL) by a result column that, in every branch,
 * either passes a file identity through (a column reference the predicate
 * accepts, followed through joins) or is a constant NULL, with at least one
 * branch of each: the first such column, the branches of each kind, and
 * the file identities passed. Null for any other shape: a single SELECT,
 * another set operation, branches of unequal width or with `*`, or a
 * modifier on the union other than ORDER BY (a LIMIT over all branches
 * keeps rows depending on every file).
 */
function nullFileBranches(tree: unknown, isFileIdentity: (stored: StoredColumn) => boolean): { column: string; file: Json[]; null: Json[]; sources: string[] } | null {
  const top = topQuery(tree);
  if (top?.['type'] !== 'SET_OPERATION_NODE') return null;
  const modifiers = Array.isArray(top['modifiers']) ? (top['modifiers'] as unknown[]) : [];
  if (modifiers.some((m) => !isObject(m) || m['type'] !== 'ORDER_MODIFIER')) return null;
  const branches = unionBranches(top);
  if (branches === null || branches.length < 2) return null;
  const lists = branches.map((b) => (Array.isArray(b['select_list']) ? (b['select_list'] as unknown[]) : []));
  const width = lists[0]?.length ?? 0;
  if (lists.some((list) => list.length !== width || list.some((item) => !isObject(item) || item['class'] === 'STAR' || item['class'] === 'COLUMNS'))) return null;
  for (let position = 0; position < width; position += 1) {
    const name = itemName(lists[0]?.[position]);
    if (name === undefined) continue;
    const file: Json[] = [];
    const nulls: Json[] = [];
    const sources: string[] = [];
    for (const [index, branch] of branches.entries()) {
      const item = lists[index]?.[position];
      if (isNullConstant(item)) {
        nulls.push(branch);
        continue;
      }
      const names = columnNames(item);
      const stored = names === null ? null : resolveReference(names, branch['from_table'], new Map(), 0);
      if (names === null || stored === null || !referenceIs(names, branch['from_table'], new Map(), isFileIdentity, 0)) break;
      file.push(branch);
      sources.push(`${stored.table}.${stored.column}`);
    }
    if (file.length + nulls.length === branches.length && file.length > 0 && nulls.length > 0) return { column: name, file, null: nulls, sources };
  }
  return null;
}

/** The macro every stable id is computed with (see contracts' stableIdSql). */
const STABLE_ID = 'anatomy_stable_id';

/**
 * The part expressions of a stable id, from the macro's arguments after the
 * namespace: one argument per part, or one list of them (see contracts'
 * STABLE_ID_MACRO_SQL); null for anything else.
 */
function stableIdParts(args: readonly unknown[]): unknown[] | null {
  if (args.length > 1) return [...args];
  const [list] = args;
  return isObject(list) && list['class'] === 'FUNCTION' && list['function_name'] === 'list_value' && Array.isArray(list['children']) ? [...(list['children'] as unknown[])] : null;
}

/** The column references a stable id hashes, through the casts and list packing around them; other computations hide them. */
function* hashedReferences(expression: unknown): Generator<readonly string[]> {
  if (!isObject(expression)) return;
  if (expression['class'] === 'COLUMN_REF' && Array.isArray(expression['column_names'])) {
    yield (expression['column_names'] as unknown[]).filter((n): n is string => typeof n === 'string');
  } else if (expression['class'] === 'CAST') {
    yield* hashedReferences(expression['child']);
  } else if (expression['class'] === 'FUNCTION' && expression['function_name'] === 'list_value' && Array.isArray(expression['children'])) {
    for (const child of expression['children'] as unknown[]) yield* hashedReferences(child);
  }
}

/**
 * The result columns of a file-local view whose value names the file of
 * its row: a column passing one such column of an input through unchanged
 * in every branch (every input row of a result row lies in its file), or a
 * stable id hashed from parts one of which is such a column (ids are hashes
 * of all their parts, so two equal ids have equal parts). A global view
 * names none: its rows may pair inputs of several files.
 *
 * @example
 * fileNamingColumns({ lineage, parseTree, locality, naming: { 'evidence.py_scopes': ['scope_id', 'file_id'] } }); // ['edge_id', 'src_node_id', 'file_id']
 */
export function fileNamingColumns(input: {
  readonly lineage: ViewLineage;
  readonly parseTree: unknown;
  readonly locality: FileLocality;
  /** Columns naming their row's file, by `schema.table`: file identities, entity and parent ids, and what earlier views passed on. */
  readonly naming: Readonly<Record<string, readonly string[]>>;
  /** The columns of `naming` that never hold NULL (see fileLocality's groupKeyColumns); a view merged by one names its file per group. */
  readonly groupKeyColumns?: Readonly<Record<string, readonly string[]>>;
  /**
   * List only the columns that never hold NULL, given a `naming` of such
   * columns: a pass-through counts only when no outer join can NULL-extend it.
   */
  readonly nonNull?: boolean;
}): string[] {
  // A view some of whose rows belong to no file names no file in any column for those rows.
  if (!input.locality.local || input.locality.nullFile !== undefined) return [];
  const names = (s: StoredColumn | null): boolean => s !== null && (input.naming[s.table] ?? []).includes(s.column);
  const top = topQuery(input.parseTree);
  const ctes = top === undefined ? new Map<string, Json>() : withCtes(top, new Map());
  // A stable id hashes NULL to a fixed text, so equal ids of two files can hide NULL parts: given the
  // columns known never NULL, only they (read where no outer join NULL-extends them) make an id name a file.
  const outerJoin = objects(input.parseTree).some((node) => node['type'] === 'JOIN' && node['join_type'] !== 'INNER');
  const keys = input.groupKeyColumns;
  // Given the keys, a part counts only where it is read in every row: referenceIs leaves out the sides outer joins NULL-extend.
  const hashable = (ref: readonly string[]): boolean =>
    top !== undefined && (keys === undefined ? names(resolveReference(ref, top['from_table'], ctes, 0)) : referenceIs(ref, top['from_table'], ctes, (s) => (keys[s.table] ?? []).includes(s.column), 0));
  const hashed = (column: string): boolean => {
    if (top?.['type'] !== 'SELECT_NODE' || !Array.isArray(top['select_list'])) return false;
    const item = (top['select_list'] as unknown[]).find((e) => isObject(e) && e['alias'] === column);
    if (!isObject(item) || item['class'] !== 'FUNCTION' || item['function_name'] !== STABLE_ID || !Array.isArray(item['children'])) return false;
    return (item['children'] as unknown[]).some((part) => [...hashedReferences(part)].some(hashable));
  };
  // Never NULL over an outer join: a pass-through read where no outer join NULL-extends it.
  const readInEveryRow = (column: string): boolean => {
    if (input.nonNull !== true || !outerJoin) return true;
    if (top?.['type'] !== 'SELECT_NODE' || !Array.isArray(top['select_list'])) return false;
    const item = (top['select_list'] as unknown[]).find((e) => itemName(e) === column);
    const ref = columnNames(item);
    return ref !== null && referenceIs(ref, top['from_table'], ctes, (s) => names(s), 0);
  };
  const accepted = (s: StoredColumn): boolean => names(s);
  const groupKeys = input.groupKeyColumns ?? {};
  // Grouped by a file-naming key, every row of a group lies in one file: a key or a value picked
  // from the group's rows (`first(src_node_id)`, say) that names its input row's file names that file.
  const pickedInGroup = (select: Json, inScope: ReadonlyMap<string, Json>, item: unknown): boolean => {
    if (!isObject(item) || !groupsByFile(select, inScope, (s) => (groupKeys[s.table] ?? []).includes(s.column))) return false;
    const picked = item['class'] === 'FUNCTION' && typeof item['function_name'] === 'string' && PICKING_AGGREGATES.has(item['function_name']) && item['distinct'] !== true;
    const operand = item['class'] === 'COLUMN_REF' ? item : picked && Array.isArray(item['children']) && item['children'].length === 1 ? (item['children'] as unknown[])[0] : undefined;
    const ref = columnNames(operand);
    // A FILTER could leave a group with nothing to pick, and so NULL.
    if (input.nonNull === true && item['class'] === 'FUNCTION' && item['filter'] !== null && item['filter'] !== undefined) return false;
    return ref !== null && referenceIs(ref, select['from_table'], inScope, accepted, 0);
  };
  const perGroup = (column: string): boolean => {
    if (top?.['type'] !== 'SELECT_NODE' || !Array.isArray(top['select_list'])) return false;
    return pickedInGroup(top, ctes, (top['select_list'] as unknown[]).find((e) => itemName(e) === column));
  };
  // A UNION whose every branch names the file at the column's position, picking it per group like that or passing it
  // through ungrouped (a merge whose identities held by one row pass through and the others are grouped, say).
  const perBranch = (column: string): boolean => {
    const branches = top === undefined || top['type'] === 'SELECT_NODE' ? null : unionBranches(top);
    const list = branches?.[0]?.['select_list'];
    if (branches === null || branches.length < 2 || !Array.isArray(list)) return false;
    const position = (list as unknown[]).findIndex((e) => itemName(e) === column);
    return (
      position >= 0 &&
      branches.every((branch) => {
        const inScope = withCtes(branch, ctes);
        const item = Array.isArray(branch['select_list']) ? (branch['select_list'] as unknown[])[position] : undefined;
        const ungrouped = !Array.isArray(branch['group_expressions']) || branch['group_expressions'].length === 0;
        const ref = columnNames(item);
        if (ungrouped) return ref !== null && referenceIs(ref, branch['from_table'], inScope, accepted, 0);
        return pickedInGroup(branch, inScope, item);
      })
    );
  };
  return input.lineage.outputs
    .filter((o) => o.name !== '' && o.name !== '*')
    .filter(
      (o) =>
        (o.sources.every((s) => s !== null && s.relation?.kind === 'table' && names({ table: s.relation.name, column: s.column })) && readInEveryRow(o.name)) ||
        hashed(o.name) ||
        perGroup(o.name) ||
        perBranch(o.name),
    )
    .map((o) => o.name);
}

/**
 * What a view's stable ids say about its rows' files, by relation and
 * column: `prefix#i` when part `i` of the id (hashed under `prefix`) is a
 * column naming the row's file, so two rows of any relations with equal such
 * ids, both claiming `prefix#i`, lie in one file. A global view's edge id
 * claims the part its file comes from (`edge#1` for an edge whose file is
 * its source's); a file-local view's ids name its file outright (see
 * `groupKeyColumns`).
 */
export type IdFileClaims = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

/** An expression without the casts around it. */
function uncast(expression: unknown): unknown {
  return isObject(expression) && expression['class'] === 'CAST' ? uncast(expression['child']) : expression;
}

/**
 * Whether two FROM items of one FROM tree hold rows of one file in every
 * row of its result: the same item, or items an inner join's condition
 * equates by columns naming their rows' files (`l.file_id = r.file_id`,
 * say), directly or through others.
 */
function joinedOnFile(step: TraceStep, other: TraceStep, naming: Readonly<Record<string, readonly string[]>>): boolean {
  const stored = boundTables(step.root, new Set(step.ctes.keys()));
  if (stored === null) return false;
  // The inner joins of the FROM tree itself, not of subqueries its conditions may hold.
  const joins: Json[] = [];
  const walk = (node: unknown): void => {
    if (!isObject(node) || node['type'] !== 'JOIN') return;
    if (node['join_type'] === 'INNER') joins.push(node);
    walk(node['left']);
    walk(node['right']);
  };
  walk(step.root);
  const parent = new Map<string, string>();
  const find = (alias: string): string => {
    let at = alias;
    while (parent.has(at) && parent.get(at) !== at) at = parent.get(at) ?? at;
    return at;
  };
  const names = (ref: { alias: string; column: string } | null): ref is { alias: string; column: string } =>
    ref !== null && (naming[stored.get(ref.alias) ?? ''] ?? []).includes(ref.column);
  for (const join of joins) {
    for (const c of conjuncts(join['condition'])) {
      if (c['class'] !== 'COMPARISON' || c['type'] !== 'COMPARE_EQUAL') continue;
      const [x, y] = [qualifiedColumn(c['left']), qualifiedColumn(c['right'])];
      if (names(x) && names(y) && x.alias !== y.alias) parent.set(find(x.alias), find(y.alias));
    }
  }
  const [left, right] = [fromAlias(step.item), fromAlias(other.item)];
  return stored.has(left) && stored.has(right) && find(left) === find(right);
}

/**
 * The claims (see {@link IdFileClaims}) of a view's stable ids, by result
 * column: for each part of an `anatomy_stable_id` that is a column read, in
 * every row, from a stored row whose file the view's file column gives —
 * the same row, or a row an inner join pairs with it on their files — and
 * that names that row's file and is never NULL (`groupKeyColumns`). Shown
 * from the parse tree alone, through CTEs, subqueries and joins; a view
 * whose file column is computed or may be NULL-extended claims nothing.
 *
 * @example
 * idFileClaims({ parseTree, fileColumn: 'file_id', fileIdentityColumns, naming, groupKeyColumns }); // { edge_id: ['edge#1'] }
 */
export function idFileClaims(input: {
  readonly parseTree: unknown;
  /** The view's column carrying its rows' file identity. */
  readonly fileColumn: string;
  readonly fileIdentityColumns: Readonly<Record<string, readonly string[]>>;
  /** Columns naming their row's file, by `schema.table` (file identities, entity and parent ids). */
  readonly naming: Readonly<Record<string, readonly string[]>>;
  /** The columns of `naming` that are never NULL. */
  readonly groupKeyColumns: Readonly<Record<string, readonly string[]>>;
}): Record<string, string[]> {
  const top = topQuery(input.parseTree);
  if (top?.['type'] !== 'SELECT_NODE' || !Array.isArray(top['select_list']) || !isObject(top['from_table'])) return {};
  const from = top['from_table'];
  const ctes = withCtes(top, new Map());
  const list = top['select_list'] as unknown[];
  const trace = (ref: readonly string[] | null): TracedColumn | null => (ref === null ? null : traceReference(ref, from, ctes, 0, from, [], false));
  const file = trace(columnNames(list.find((item) => itemName(item) === input.fileColumn)));
  if (file === null || file.extended || !(input.fileIdentityColumns[file.table] ?? []).includes(file.column)) return {};
  const sameFile = (part: TracedColumn): boolean => {
    if (part.extended || !(input.groupKeyColumns[part.table] ?? []).includes(part.column)) return false;
    let i = 0;
    while (i < part.steps.length && i < file.steps.length && part.steps[i]?.item === file.steps[i]?.item) i += 1;
    if (i === part.steps.length && i === file.steps.length) return true;
    const [p, f] = [part.steps[i], file.steps[i]];
    return i === part.steps.length - 1 && i === file.steps.length - 1 && p !== undefined && f !== undefined && p.root === f.root && joinedOnFile(p, f, input.naming);
  };
  const out: Record<string, string[]> = {};
  for (const item of list) {
    if (!isObject(item) || item['class'] !== 'FUNCTION' || item['function_name'] !== STABLE_ID || !Array.isArray(item['children'])) continue;
    const [prefix, ...rest] = (item['children'] as unknown[]).map(uncast);
    const name = itemName(item);
    if (name === undefined || !isObject(prefix) || prefix['class'] !== 'CONSTANT' || !isObject(prefix['value']) || typeof prefix['value']['value'] !== 'string') continue;
    const parts = stableIdParts(rest);
    if (parts === null) continue;
    const tag = String(prefix['value']['value']);
    const claims = parts.flatMap((part, index) => {
      const traced = trace(columnNames(uncast(part)));
      return traced !== null && sameFile(traced) ? [`${tag}#${index}`] : [];
    });
    if (claims.length > 0) out[name] = claims;
  }
  return out;
}
